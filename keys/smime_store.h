/* smime_store: the S/MIME certificate directory. Internal to keys/. */
#ifndef FORTROLIG_FC_STORE_H
#define FORTROLIG_FC_STORE_H

#include <openssl/x509.h>

#include "keys/keys.h"

struct fkeys_cert {
	X509 *x;
	char file[256];
	char **addrs;        /* lower-case rfc822Name and emailAddress values */
	size_t naddrs;
};

struct fkeys_store {
	struct fkeys_cert *v;
	size_t n;
	X509_STORE *ca;
};

/* 1 = usable, 0 = not (why), for one certificate. */
int fkeys_cert_usable(const struct fkeys_store *st, X509 *x, char *why, size_t whylen);
/* The newest usable certificate for addr (not up-ref'd), or NULL with why. */
X509 *fkeys_store_find(const struct fkeys_store *st, const char *addr, char *why, size_t whylen);
/* Loads one PEM or DER file; NULL when it holds no certificate. */
X509 *fkeys_load_cert(const char *path);
/* Addresses of a certificate (lower-cased); returns count or -1. */
int fkeys_cert_addrs(X509 *x, char ***out, size_t *n);
void fkeys_addrs_free(char **a, size_t n);
/* "2027-01-31" from an ASN1_TIME. */
void fkeys_time_str(const ASN1_TIME *t, char *buf, size_t len);

#endif
