/* keys: how the decision asks for recipient keys. The key stores live in
 * keys/ (OpenSSL and GPGME stay out of lib/); each kind (S/MIME, OpenPGP)
 * is one fort_keys_ops instance, opened once per configuration snapshot
 * and shared by the milter's threads. */
#ifndef FORTROLIG_DECIDE_KEYS_H
#define FORTROLIG_DECIDE_KEYS_H

#include <stddef.h>

#include "conf/config.h"

struct fkeys_out;   /* keys/keys.h: the encrypted body and its outer headers */

/* What to encrypt, for whom. raw is the whole message (headers, blank
 * line, body); the inner entity is built from it. */
struct fkeys_req {
	const char *const *addrs;
	size_t naddrs;
	const char *sender;        /* normalised, or "" */
	const char *raw;
	size_t rawlen;
	int protect_subject;
};

struct fort_keys_ops {
	const char *name;          /* "smime", "pgp" */
	enum faction kind;         /* FACT_SMIME or FACT_PGP */
	/* Per snapshot; stores are read on first use. NULL only when out of memory. */
	void *(*open)(const struct fconf *c);
	void (*close)(void *store);
	/* 1 usable, 0 not (why says why: no key, expired, no store), -1 the
	 * store could not answer (why says why): the message is tempfailed. */
	int (*usable)(void *store, const char *addr, char *why, size_t whylen);
	int (*encrypt)(void *store, const struct fkeys_req *req, struct fkeys_out *out,
	    char *err, size_t errlen);
};

/* The key stores of one snapshot, by action kind. */
struct fkeyset {
	const struct fort_keys_ops *ops[FACT_COUNT];
	void *store[FACT_COUNT];
};

/* usable() of kind k for addr; no store of that kind means "not usable". */
int fkeyset_usable(const struct fkeyset *ks, enum faction k, const char *addr,
    char *why, size_t whylen);

#endif
