/* fortrolig-extract: the zygote the library forks attachment extractors
 * from (lib/extract/zygote.c), so a hostile file meets none of the daemon's
 * threads, locks or memory. Started by the library, never by hand. */
#include "config.h"

#include "extract/extract.h"

int
main(int argc, char **argv)
{
	return fextract_helper_main(argc, argv);
}
