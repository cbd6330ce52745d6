/* fortrolig-extract: the text of one attachment, for the library's sandbox
 * (lib/extract/sandbox.c). A fresh process per attachment, so a hostile file
 * meets none of the daemon's threads, locks or memory. Not run by hand. */
#include "config.h"

#include "extract/extract.h"

int
main(int argc, char **argv)
{
	return fextract_helper_main(argc, argv);
}
