/* fortrolig-scan's main: the policy library's fscan_main with the key
 * lookup on the config's S/MIME store and GnuPG home, so that smime and
 * pgp actions are decided as in the milter. */
#include "config.h"

#include "keys/keys.h"
#include "scan.h"

static void *
keys_open(const struct fconf *c, struct fpol_keys *keys)
{
	struct fkeys *fc = fkeys_new(c);

	if (fc)
		fkeys_keys(fc, keys);
	return fc;
}

static void
keys_close(void *h)
{
	fkeys_free(h);
}

int
main(int argc, char **argv)
{
	static const struct fscan_keys_ops ops = { keys_open, keys_close };

	return fscan_main(argc, argv, &ops);
}
