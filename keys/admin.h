/* admin: the store operations behind fortrolig-certs(8). Internal to
 * keys/. Return values follow the tool's exit codes: 0 done, 1 refused or
 * nothing found, 2 error (message on stderr). */
#ifndef FORTROLIG_FC_ADMIN_H
#define FORTROLIG_FC_ADMIN_H

#include <time.h>

#include "keys/keys.h"

#define FCA_OK		0
#define FCA_NO		1
#define FCA_ERR		2

/* One address of one certificate or key, as list and expiring show it. */
struct fca_entry {
	const char *addr;
	const char *type;        /* "smime" or "pgp" */
	const char *fpr;
	time_t expires;          /* 0: never */
	int usable;
	const char *why;         /* when not usable */
};
typedef void (*fca_cb)(const struct fca_entry *e, void *arg);

/* S/MIME directory (keys/admin_smime.c). */
int fca_smime_import(const struct fconf *c, const char *path);
int fca_smime_each(const struct fconf *c, fca_cb cb, void *arg);
int fca_smime_remove(const struct fconf *c, const char *what, int *removed);

/* GnuPG home (keys/admin_pgp.c). */
int fca_pgp_import(const struct fconf *c, const char *path);
int fca_pgp_each(const struct fconf *c, fca_cb cb, void *arg);
int fca_pgp_remove(const struct fconf *c, const char *what, int *removed);

/* Fingerprint comparison ignoring case and ':' separators. */
int fca_fpr_eq(const char *fpr, const char *what);
/* A store directory that does not exist: list, expiring and remove skip
 * it (a site may use only one kind); import reports it. */
int fca_missing(const char *dir);
/* Creates a missing store directory, mode 0700, owned by the milter user.
 * 0, or -1 (said on stderr). */
int fca_ensure_dir(const struct fconf *c, const char *dir, const char *what);
/* "2027-01-31", or "never" for 0. */
void fca_date(time_t t, char *buf, size_t len);

#endif
