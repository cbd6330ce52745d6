/* admin_smime: fortrolig-certs on the S/MIME directory. A certificate is
 * imported only when the store itself would use it (fkeys_cert_usable: dates,
 * key usage, chain to ca_file) and it names an address; it is written as
 * <SHA-256 fingerprint>.pem, mode 0644, through a temp file and rename. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "keys/admin.h"
#include "keys/smime_store.h"

static struct fkeys_store *
open_store(const struct fconf *c)
{
	char err[256];
	struct fkeys_store *st = fkeys_store_load(c->smime.store, c->smime.ca_file, err, sizeof(err));

	if (st == NULL)
		fprintf(stderr, "fortrolig-certs: %s\n", err);
	return st;
}

static void
fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	buf[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1)
		return;
	for (unsigned int i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, len - 2 * i, "%02X", md[i]);
}

static time_t
not_after(X509 *x)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* Every certificate in a file: PEM (one or more), else one DER. */
static STACK_OF(X509) *
read_certs(const char *path)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_file(path, "rb");
	X509 *x;

	if (sk == NULL || b == NULL) {
		BIO_free(b);
		sk_X509_free(sk);
		return NULL;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
	ERR_clear_error();
	if (sk_X509_num(sk) == 0 && BIO_reset(b) == 0 && (x = d2i_X509_bio(b, NULL)) != NULL &&
	    !sk_X509_push(sk, x))
		X509_free(x);
	ERR_clear_error();
	BIO_free(b);
	return sk;
}

static int
write_cert(const struct fconf *c, X509 *x, const char *fpr)
{
	char tmp[1024], dst[1024];
	FILE *f;
	int fd, ok;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s.pem", c->smime.store, fpr) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.import.XXXXXX", c->smime.store) >= sizeof(tmp)) {
		fprintf(stderr, "fortrolig-certs: store path too long\n");
		return -1;
	}
	if (access(dst, F_OK) == 0)
		return 1;
	if ((fd = mkstemp(tmp)) < 0) {
		fprintf(stderr, "fortrolig-certs: %s: %s\n", c->smime.store, strerror(errno));
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	ok = fchmod(fd, 0644) == 0 && PEM_write_X509(f, x) == 1;
	ok = fflush(f) == 0 && fsync(fd) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, dst) < 0) {
		fprintf(stderr, "fortrolig-certs: cannot write %s: %s\n", dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
import_one(const struct fconf *c, const struct fkeys_store *st, const char *path, X509 *x)
{
	char why[192], fpr[80], **addrs;
	size_t n;
	int w;

	fingerprint(x, fpr, sizeof(fpr));
	if (fkeys_cert_addrs(x, &addrs, &n) < 0) {
		fprintf(stderr, "fortrolig-certs: out of memory\n");
		return FCA_ERR;
	}
	if (n == 0) {
		printf("%s: refused %s: no e-mail address (subjectAltName rfc822Name or "
		    "subject emailAddress)\n", path, fpr);
		fkeys_addrs_free(addrs, n);
		return FCA_NO;
	}
	if (!fkeys_cert_usable(st, x, why, sizeof(why))) {
		printf("%s: refused %s (%s): %s\n", path, fpr, addrs[0], why);
		fkeys_addrs_free(addrs, n);
		return FCA_NO;
	}
	if ((w = write_cert(c, x, fpr)) < 0) {
		fkeys_addrs_free(addrs, n);
		return FCA_ERR;
	}
	printf("%s: %s smime %s (%s)\n", path, w ? "already imported" : "imported", fpr, addrs[0]);
	fkeys_addrs_free(addrs, n);
	return FCA_OK;
}

int
fca_smime_import(const struct fconf *c, const char *path)
{
	STACK_OF(X509) *sk;
	struct fkeys_store *st;
	int r = FCA_OK;

	if ((sk = read_certs(path)) == NULL || sk_X509_num(sk) == 0) {
		fprintf(stderr, "fortrolig-certs: %s: not a PEM or DER certificate or an "
		    "armored OpenPGP public key\n", path);
		sk_X509_pop_free(sk, X509_free);
		return FCA_NO;
	}
	if (fca_ensure_dir(c, c->smime.store, "smime.store") < 0 || (st = open_store(c)) == NULL) {
		sk_X509_pop_free(sk, X509_free);
		return FCA_ERR;
	}
	for (int i = 0; i < sk_X509_num(sk); i++) {
		int k = import_one(c, st, path, sk_X509_value(sk, i));
		if (k > r)
			r = k;
	}
	fkeys_store_free(st);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

int
fca_smime_each(const struct fconf *c, fca_cb cb, void *arg)
{
	struct fkeys_store *st;
	char why[192], fpr[80];

	if (fca_missing(c->smime.store))
		return FCA_OK;
	if ((st = open_store(c)) == NULL)
		return FCA_ERR;
	for (size_t i = 0; i < st->n; i++) {
		struct fca_entry e = { NULL, "smime", fpr, not_after(st->v[i].x), 0, why };
		fingerprint(st->v[i].x, fpr, sizeof(fpr));
		e.usable = fkeys_cert_usable(st, st->v[i].x, why, sizeof(why));
		for (size_t k = 0; k < st->v[i].naddrs; k++) {
			e.addr = st->v[i].addrs[k];
			cb(&e, arg);
		}
		if (st->v[i].naddrs == 0) {
			e.addr = "-";
			cb(&e, arg);
		}
	}
	fkeys_store_free(st);
	return FCA_OK;
}

int
fca_smime_remove(const struct fconf *c, const char *what, int *removed)
{
	struct fkeys_store *st;
	char fpr[80], path[1024];
	int r = FCA_OK;

	if (fca_missing(c->smime.store))
		return FCA_OK;
	if ((st = open_store(c)) == NULL)
		return FCA_ERR;
	for (size_t i = 0; i < st->n; i++) {
		int match = 0;
		fingerprint(st->v[i].x, fpr, sizeof(fpr));
		match = fca_fpr_eq(fpr, what);
		for (size_t k = 0; k < st->v[i].naddrs && !match; k++)
			match = strcasecmp(st->v[i].addrs[k], what) == 0;
		if (!match)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->smime.store,
		    st->v[i].file) >= sizeof(path) || unlink(path) < 0) {
			fprintf(stderr, "fortrolig-certs: cannot remove %s: %s\n", path, strerror(errno));
			r = FCA_ERR;
			continue;
		}
		printf("removed smime %s (%s)\n", fpr, st->v[i].file);
		(*removed)++;
	}
	fkeys_store_free(st);
	return r;
}
