/* fc_store: the S/MIME certificate directory. Internal to certs/. */
#ifndef FORTROLIG_FC_STORE_H
#define FORTROLIG_FC_STORE_H

#include <openssl/x509.h>

#include "fc.h"

struct fc_cert {
	X509 *x;
	char file[256];
	char **addrs;        /* lower-case rfc822Name and emailAddress values */
	size_t naddrs;
};

struct fc_store {
	struct fc_cert *v;
	size_t n;
	X509_STORE *ca;
};

/* 1 = usable, 0 = not (why), for one certificate. */
int fc_cert_usable(const struct fc_store *st, X509 *x, char *why, size_t whylen);
/* The newest usable certificate for addr (not up-ref'd), or NULL with why. */
X509 *fc_store_find(const struct fc_store *st, const char *addr, char *why, size_t whylen);
/* Loads one PEM or DER file; NULL when it holds no certificate. */
X509 *fc_load_cert(const char *path);
/* Addresses of a certificate (lower-cased); returns count or -1. */
int fc_cert_addrs(X509 *x, char ***out, size_t *n);
void fc_addrs_free(char **a, size_t n);
/* "2027-01-31" from an ASN1_TIME. */
void fc_time_str(const ASN1_TIME *t, char *buf, size_t len);

#endif
