/* milter: the milter side. It only translates between libmilter and lib/. */
#ifndef FORTROLIG_FM_H
#define FORTROLIG_FM_H

#include "conf/config.h"

struct fort_lib;
struct fmet;

/* What the callbacks share: the library and the counters (metrics.h). */
struct fm_filter {
	struct fort_lib *lib;
	struct fmet *met;
};

/* Registers the callbacks; f and what it points to must outlive smfi_main(). */
int fm_register(const struct fm_filter *f);

/* Missing state directories (key file, LMDB) for the run user, as root
 * before the privilege drop. 0, or -1 with err. */
int fm_state_prepare(const struct fconf *c, char *err, size_t errlen);
/* -n: everything start-up needs, checked as the run user; each problem is
 * printed as "conf: what, and how to fix it". 0 when there is none. */
int fm_state_check(const char *conf, const struct fconf *c);

/* Privilege drop: one function, and it fails hard. Returns 0 or -1 (message in err). */
int fm_drop_privileges(const char *user, char *err, size_t errlen);
/* A unix: socket is handed to the run user so it stays usable after the drop. */
int fm_socket_owner(const char *sock, const char *user, char *err, size_t errlen);

#endif
