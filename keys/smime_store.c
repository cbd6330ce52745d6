/* smime_store: the S/MIME store IT manages: one certificate per file (PEM or
 * DER) in a directory. Certificates are indexed by their rfc822Name SANs
 * and subject emailAddress, case-insensitively. A certificate is usable
 * when it is within its dates, allows encryption by key usage (and EKU
 * emailProtection when an EKU is present) and chains to ca_file; among
 * several usable ones the newest (latest notBefore) wins. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "keys/smime_store.h"

#define FKEYS_MAX_CERTS 100000

X509 *
fkeys_load_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *x = NULL;

	if (b == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (x == NULL) {
		ERR_clear_error();
		(void)BIO_reset(b);
		x = d2i_X509_bio(b, NULL);
	}
	ERR_clear_error();
	BIO_free(b);
	return x;
}

void
fkeys_addrs_free(char **a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

static int
add_addr(char ***a, size_t *n, const unsigned char *s, int len)
{
	char **na;
	char *p;

	if (len <= 0 || len > 319 || memchr(s, '\0', (size_t)len) || memchr(s, '@', (size_t)len) == NULL)
		return 0;   /* not an address we can match on */
	if ((na = realloc(*a, (*n + 1) * sizeof(char *))) == NULL)
		return -1;
	*a = na;
	if ((p = malloc((size_t)len + 1)) == NULL)
		return -1;
	for (int i = 0; i < len; i++)
		p[i] = (char)tolower(s[i]);
	p[len] = '\0';
	na[(*n)++] = p;
	return 0;
}

int
fkeys_cert_addrs(X509 *x, char ***out, size_t *n)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	X509_NAME *subj = X509_get_subject_name(x);
	int r = 0, idx = -1;

	*out = NULL;
	*n = 0;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && r == 0; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_EMAIL)
			r = add_addr(out, n, ASN1_STRING_get0_data(g->d.rfc822Name),
			    ASN1_STRING_length(g->d.rfc822Name));
	}
	GENERAL_NAMES_free(gens);
	while (r == 0 && (idx = X509_NAME_get_index_by_NID(subj, NID_pkcs9_emailAddress, idx)) >= 0) {
		ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx));
		r = add_addr(out, n, ASN1_STRING_get0_data(d), ASN1_STRING_length(d));
	}
	if (r < 0) {
		fkeys_addrs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r < 0 ? -1 : (int)*n;
}

void
fkeys_time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int
usage_ok(X509 *x, char *why, size_t whylen)
{
	uint32_t ku = X509_get_key_usage(x);
	uint32_t xku = X509_get_extended_key_usage(x);

	if (ku != UINT32_MAX && !(ku & (KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT))) {
		snprintf(why, whylen, "key usage does not allow encryption");
		return 0;
	}
	if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) && !(xku & XKU_SMIME)) {
		snprintf(why, whylen, "extended key usage lacks emailProtection");
		return 0;
	}
	return 1;
}

int
fkeys_cert_usable(const struct fkeys_store *st, X509 *x, char *why, size_t whylen)
{
	X509_STORE_CTX *ctx;
	char when[32];
	int ok;

	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		fkeys_time_str(X509_get0_notAfter(x), when, sizeof(when));
		snprintf(why, whylen, "certificate expired %s", when);
		return 0;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0) {
		fkeys_time_str(X509_get0_notBefore(x), when, sizeof(when));
		snprintf(why, whylen, "certificate not valid before %s", when);
		return 0;
	}
	if (!usage_ok(x, why, whylen))
		return 0;
	if (st->ca == NULL) {
		snprintf(why, whylen, "no CA bundle loaded");
		return 0;
	}
	if ((ctx = X509_STORE_CTX_new()) == NULL || !X509_STORE_CTX_init(ctx, st->ca, x, NULL)) {
		X509_STORE_CTX_free(ctx);
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		snprintf(why, whylen, "does not chain to ca_file: %s",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

X509 *
fkeys_store_find(const struct fkeys_store *st, const char *addr, char *why, size_t whylen)
{
	X509 *best = NULL;
	char tmp[128];

	snprintf(why, whylen, "no certificate for the address");
	for (size_t i = 0; i < st->n; i++) {
		const struct fkeys_cert *c = &st->v[i];
		int match = 0;
		for (size_t k = 0; k < c->naddrs && !match; k++)
			match = strcasecmp(c->addrs[k], addr) == 0;
		if (!match)
			continue;
		if (!fkeys_cert_usable(st, c->x, tmp, sizeof(tmp))) {
			if (best == NULL)
				fstrlcpy(why, tmp, whylen);
			continue;
		}
		if (best == NULL || ASN1_TIME_compare(X509_get0_notBefore(c->x),
		    X509_get0_notBefore(best)) > 0)
			best = c->x;
	}
	return best;
}

static int
load_ca(struct fkeys_store *st, const char *ca_file, char *err, size_t errlen)
{
	if (ca_file == NULL || *ca_file == '\0')
		return 0;
	if ((st->ca = X509_STORE_new()) == NULL)
		return -1;
	if (X509_STORE_load_file(st->ca, ca_file) != 1) {
		snprintf(err, errlen, "cannot load ca_file %s", ca_file);
		ERR_clear_error();
		return -1;
	}
	return 0;
}

static int
add_file(struct fkeys_store *st, const char *dir, const char *name)
{
	struct fkeys_cert *nv, *c;
	char path[1024];
	X509 *x;

	if (name[0] == '.' || st->n >= FKEYS_MAX_CERTS)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return 0;
	if ((x = fkeys_load_cert(path)) == NULL)
		return 0;   /* not a certificate: ignored, fortrolig-certs list shows it */
	if ((nv = realloc(st->v, (st->n + 1) * sizeof(*st->v))) == NULL) {
		X509_free(x);
		return -1;
	}
	st->v = nv;
	c = &st->v[st->n];
	memset(c, 0, sizeof(*c));
	c->x = x;
	fstrlcpy(c->file, name, sizeof(c->file));
	if (fkeys_cert_addrs(x, &c->addrs, &c->naddrs) < 0) {
		X509_free(x);
		return -1;
	}
	st->n++;
	return 0;
}

struct fkeys_store *
fkeys_store_load(const char *dir, const char *ca_file, char *err, size_t errlen)
{
	struct fkeys_store *st = calloc(1, sizeof(*st));
	struct dirent *de;
	DIR *d;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (load_ca(st, ca_file, err, errlen) < 0) {
		fkeys_store_free(st);
		return NULL;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "cannot open S/MIME store %s", dir);
		fkeys_store_free(st);
		return NULL;
	}
	while ((de = readdir(d)) != NULL)
		if (add_file(st, dir, de->d_name) < 0) {
			snprintf(err, errlen, "out of memory");
			closedir(d);
			fkeys_store_free(st);
			return NULL;
		}
	closedir(d);
	return st;
}

void
fkeys_store_free(struct fkeys_store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n; i++) {
		X509_free(st->v[i].x);
		fkeys_addrs_free(st->v[i].addrs, st->v[i].naddrs);
	}
	free(st->v);
	X509_STORE_free(st->ca);
	free(st);
}
