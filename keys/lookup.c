/* lookup: one key lookup per message. It implements struct fpol_keys for
 * lib/ and encrypts for the recipients the verdict chose. The stores
 * are opened on first use, so a clean or internal mail costs nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "keys/cms.h"
#include "keys/pgp.h"
#include "keys/smime_store.h"

struct fkeys {
	const struct fconf *conf;
	struct fkeys_store *store;
	int store_tried;
	gpgme_ctx_t pgp;
	int pgp_tried;
	char err[256];
};

struct fkeys *
fkeys_new(const struct fconf *c)
{
	struct fkeys *fc = calloc(1, sizeof(*fc));

	if (fc)
		fc->conf = c;
	return fc;
}

void
fkeys_free(struct fkeys *fc)
{
	if (fc == NULL)
		return;
	fkeys_store_free(fc->store);
	if (fc->pgp)
		gpgme_release(fc->pgp);
	free(fc);
}

const char *
fkeys_error(const struct fkeys *fc)
{
	return fc->err;
}

static struct fkeys_store *
store(struct fkeys *fc)
{
	if (!fc->store_tried) {
		fc->store_tried = 1;
		fc->store = fkeys_store_load(fc->conf->smime.store, fc->conf->smime.ca_file,
		    fc->err, sizeof(fc->err));
	}
	return fc->store;
}

static gpgme_ctx_t
pgp(struct fkeys *fc)
{
	if (!fc->pgp_tried) {
		fc->pgp_tried = 1;
		fc->pgp = fkeys_pgp_ctx(fc->conf->pgp.home, fc->err, sizeof(fc->err));
	}
	return fc->pgp;
}

/* A store that cannot be read makes no key usable (the next action in the
 * domain's list applies, which is safe); the reason goes to the log. */
static int
usable(void *ctx, enum faction kind, const char *rcpt, char *why, size_t whylen)
{
	struct fkeys *fc = ctx;
	gpgme_key_t k;
	int fail;

	if (kind == FACT_SMIME) {
		if (store(fc) == NULL) {
			fstrlcpy(why, fc->err, whylen);
			return 0;
		}
		return fkeys_store_find(fc->store, rcpt, why, whylen) != NULL;
	}
	if (kind != FACT_PGP)
		return 0;
	if (pgp(fc) == NULL) {
		fstrlcpy(why, fc->err, whylen);
		return 0;
	}
	if ((k = fkeys_pgp_find(fc->pgp, rcpt, why, whylen, &fail)) == NULL)
		return 0;
	gpgme_key_unref(k);
	return 1;
}

void
fkeys_keys(struct fkeys *fc, struct fpol_keys *out)
{
	out->usable = usable;
	out->ctx = fc;
}

/* Recipients of the verdict's kind, plus archive and sender certificates. */
static STACK_OF(X509) *
smime_certs(struct fkeys *fc, const struct fpol_verdict *v, const char *sender,
    char *err, size_t errlen)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	char why[128];
	X509 *x;

	for (size_t i = 0; sk && i < v->nrcpts; i++) {
		if (v->rcpts[i].action != FACT_SMIME || v->rcpts[i].dropped)
			continue;
		if ((x = fkeys_store_find(fc->store, v->rcpts[i].addr, why, sizeof(why))) == NULL ||
		    !X509_up_ref(x) || !sk_X509_push(sk, x)) {
			snprintf(err, errlen, "certificate for %s: %s", v->rcpts[i].addr, why);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	}
	if (sk && fc->conf->smime.encrypt_to_sender && sender &&
	    (x = fkeys_store_find(fc->store, sender, why, sizeof(why))) != NULL &&
	    (!X509_up_ref(x) || !sk_X509_push(sk, x))) {
		sk_X509_pop_free(sk, X509_free);
		return NULL;
	}
	if (sk && fc->conf->smime.archive_cert[0]) {
		if ((x = fkeys_load_cert(fc->conf->smime.archive_cert)) == NULL || !sk_X509_push(sk, x)) {
			snprintf(err, errlen, "cannot load archive_cert %s", fc->conf->smime.archive_cert);
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	}
	return sk;
}

static int
encrypt_smime(struct fkeys *fc, const struct fpol_verdict *v, const char *sender,
    const struct fbuf *hdr, const char *body, size_t blen, struct fkeys_out *out,
    char *err, size_t errlen)
{
	struct fkeys_cms_opts o = { fc->conf->smime.cipher == FCIPHER_AES256_GCM,
	    fc->conf->smime.rsa_oaep };
	STACK_OF(X509) *sk;
	int r;

	if (store(fc) == NULL) {
		snprintf(err, errlen, "%s", fc->err);
		return -1;
	}
	if ((sk = smime_certs(fc, v, sender, err, errlen)) == NULL)
		return -1;
	r = fkeys_cms_encrypt(sk, &o, hdr, body, blen, out, err, errlen);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

static int
encrypt_pgp(struct fkeys *fc, const struct fpol_verdict *v, const struct fbuf *hdr,
    const char *body, size_t blen, struct fkeys_out *out, char *err, size_t errlen)
{
	gpgme_key_t *keys = calloc(v->nrcpts + 1, sizeof(*keys));
	size_t n = 0;
	char why[128];
	int fail, r = -1;

	if (keys == NULL || pgp(fc) == NULL) {
		snprintf(err, errlen, "%s", keys ? fc->err : "out of memory");
		free(keys);
		return -1;
	}
	for (size_t i = 0; i < v->nrcpts; i++) {
		if (v->rcpts[i].action != FACT_PGP || v->rcpts[i].dropped)
			continue;
		if ((keys[n] = fkeys_pgp_find(fc->pgp, v->rcpts[i].addr, why, sizeof(why), &fail)) == NULL) {
			snprintf(err, errlen, "key for %s: %s", v->rcpts[i].addr, why);
			goto done;
		}
		n++;
	}
	r = fkeys_pgp_encrypt(fc->pgp, keys, hdr, body, blen, out, err, errlen);
done:
	for (size_t i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	free(keys);
	return r;
}

int
fkeys_encrypt(struct fkeys *fc, const struct fpol_verdict *v, const char *sender,
    const char *raw, size_t len, struct fkeys_out *out, char *err, size_t errlen)
{
	struct fbuf hdr;
	const char *body;
	size_t blen;
	int r = -1;

	err[0] = '\0';
	fbuf_init(&hdr, 1 << 20);
	if (fkeys_inner_headers(raw, len, v->protect_subject, &hdr, &body, &blen) < 0)
		snprintf(err, errlen, "cannot build the inner entity headers");
	else if (v->enc == FACT_SMIME)
		r = encrypt_smime(fc, v, sender, &hdr, body, blen, out, err, errlen);
	else
		r = encrypt_pgp(fc, v, &hdr, body, blen, out, err, errlen);
	fbuf_free(&hdr);
	return r;
}
