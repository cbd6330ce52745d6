/* scan: fortrolig-scan's body, in the library so that the program can be
 * linked where the key stores are: cmd/scan_keys.c holds main() and opens
 * the config's S/MIME store and GnuPG home (lib/ stays free of keys/). */
#ifndef FORTROLIG_FSCAN_H
#define FORTROLIG_FSCAN_H

#include "conf/config.h"
#include "decide/decide.h"

/* Recipient key lookup for one run; NULL ops: no key is ever usable. */
struct fscan_keys_ops {
	/* Fills *keys for config c; returns the handle for close, or NULL. */
	void *(*open)(const struct fconf *c, struct fpol_keys *keys);
	void (*close)(void *h);
};

int fscan_main(int argc, char **argv, const struct fscan_keys_ops *ops);

#endif
