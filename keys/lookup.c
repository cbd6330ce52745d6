/* lookup: the two key-store backends behind struct fort_keys_ops. One
 * store per configuration snapshot, shared by the milter's threads:
 * the S/MIME directory is read on first use (a clean mail costs nothing)
 * and the GPGME contexts, which are not thread-safe, come from a pool. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "keys/cms.h"
#include "keys/pgp.h"
#include "keys/smime_store.h"

/* ---- S/MIME ---- */

struct smime {
	const struct fconf *conf;
	pthread_mutex_t mu;
	int tried;
	int missing;               /* no store configured or no directory: no keys */
	struct fkeys_store *st;
	char err[256];
};

static void *
smime_open(const struct fconf *c)
{
	struct smime *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->conf = c;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

static void
smime_close(void *p)
{
	struct smime *s = p;

	if (s == NULL)
		return;
	fkeys_store_free(s->st);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Loads the store once. 1 loaded, 0 there is none (why), -1 it could not
 * be read (why): a store that exists but fails must not look empty. */
static int
smime_load(struct smime *s, char *why, size_t whylen)
{
	const char *dir = s->conf->smime.store;
	struct stat sb;
	int r;

	pthread_mutex_lock(&s->mu);
	if (!s->tried) {
		s->tried = 1;
		if (dir[0] == '\0' || (stat(dir, &sb) < 0 && errno == ENOENT)) {
			s->missing = 1;
			snprintf(s->err, sizeof(s->err), "no S/MIME store%s%s", dir[0] ? " at " : "", dir);
		} else {
			s->st = fkeys_store_load(dir, s->conf->smime.ca_file, s->err, sizeof(s->err));
		}
	}
	r = s->st ? 1 : s->missing ? 0 : -1;
	pthread_mutex_unlock(&s->mu);
	if (r < 1)
		fstrlcpy(why, s->err, whylen);
	return r;
}

static int
smime_usable(void *p, const char *addr, char *why, size_t whylen)
{
	struct smime *s = p;
	int r = smime_load(s, why, whylen);

	if (r < 1)
		return r;
	return fkeys_store_find(s->st, addr, why, whylen) != NULL;
}

static int
push_cert(STACK_OF(X509) *sk, X509 *x)
{
	if (!X509_up_ref(x))
		return -1;
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return -1;
	}
	return 0;
}

/* The recipients, plus the sender's and the archive certificates. */
static STACK_OF(X509) *
smime_certs(struct smime *s, const struct fkeys_req *req, char *err, size_t errlen)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const char *archive = s->conf->smime.archive_cert;
	char why[128];
	X509 *x;

	for (size_t i = 0; sk && i < req->naddrs; i++) {
		if ((x = fkeys_store_find(s->st, req->addrs[i], why, sizeof(why))) == NULL ||
		    push_cert(sk, x) < 0) {
			snprintf(err, errlen, "certificate for %s: %s", req->addrs[i], x ? "out of memory" : why);
			goto fail;
		}
	}
	if (sk && s->conf->smime.encrypt_to_sender && req->sender[0] &&
	    (x = fkeys_store_find(s->st, req->sender, why, sizeof(why))) != NULL &&
	    push_cert(sk, x) < 0)
		goto fail;
	if (sk && archive[0]) {
		if ((x = fkeys_load_cert(archive)) == NULL || !sk_X509_push(sk, x)) {
			snprintf(err, errlen, "cannot load archive_cert %s", archive);
			X509_free(x);
			goto fail;
		}
	}
	return sk;
fail:
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

static int
smime_encrypt(void *p, const struct fkeys_req *req, struct fkeys_out *out, char *err,
    size_t errlen)
{
	struct smime *s = p;
	struct fkeys_cms_opts o = { s->conf->smime.cipher == FCIPHER_AES256_GCM,
	    s->conf->smime.rsa_oaep };
	STACK_OF(X509) *sk;
	const char *body;
	struct fbuf hdr;
	size_t blen;
	int r = -1;

	if (smime_load(s, err, errlen) < 1 || (sk = smime_certs(s, req, err, errlen)) == NULL)
		return -1;
	fbuf_init(&hdr, 1 << 20);
	if (fkeys_inner_headers(req->raw, req->rawlen, req->protect_subject, &hdr, &body, &blen) < 0)
		snprintf(err, errlen, "cannot build the inner entity headers");
	else
		r = fkeys_cms_encrypt(sk, &o, &hdr, body, blen, out, err, errlen);
	fbuf_free(&hdr);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

const struct fort_keys_ops fkeys_smime_ops = {
	"smime", FACT_SMIME, smime_open, smime_close, smime_usable, smime_encrypt,
};

/* ---- OpenPGP ---- */

#define PGP_POOL 16

struct pgp {
	const struct fconf *conf;
	pthread_mutex_t mu;
	gpgme_ctx_t idle[PGP_POOL];
	size_t nidle;
};

static void *
pgp_open(const struct fconf *c)
{
	struct pgp *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->conf = c;
	pthread_mutex_init(&g->mu, NULL);
	return g;
}

static void
pgp_close(void *p)
{
	struct pgp *g = p;

	if (g == NULL)
		return;
	for (size_t i = 0; i < g->nidle; i++)
		gpgme_release(g->idle[i]);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* A context for this thread alone: an idle one, or a new one. */
static gpgme_ctx_t
pgp_get(struct pgp *g, char *err, size_t errlen)
{
	gpgme_ctx_t ctx = NULL;

	pthread_mutex_lock(&g->mu);
	if (g->nidle)
		ctx = g->idle[--g->nidle];
	pthread_mutex_unlock(&g->mu);
	return ctx ? ctx : fkeys_pgp_ctx(g->conf->pgp.home, err, errlen);
}

static void
pgp_put(struct pgp *g, gpgme_ctx_t ctx)
{
	pthread_mutex_lock(&g->mu);
	if (g->nidle < PGP_POOL) {
		g->idle[g->nidle++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&g->mu);
	if (ctx)
		gpgme_release(ctx);
}

static int
pgp_usable(void *p, const char *addr, char *why, size_t whylen)
{
	struct pgp *g = p;
	gpgme_ctx_t ctx;
	gpgme_key_t k;
	int fail;

	struct stat sb;

	if (g->conf->pgp.home[0] == '\0' || (stat(g->conf->pgp.home, &sb) < 0 && errno == ENOENT)) {
		snprintf(why, whylen, "no PGP home%s%s", g->conf->pgp.home[0] ? " at " : "",
		    g->conf->pgp.home);
		return 0;
	}
	if ((ctx = pgp_get(g, why, whylen)) == NULL)
		return -1;
	k = fkeys_pgp_find(ctx, addr, why, whylen, &fail);
	pgp_put(g, ctx);
	if (k == NULL)
		return fail ? -1 : 0;
	gpgme_key_unref(k);
	return 1;
}

static int
pgp_encrypt_ctx(gpgme_ctx_t ctx, const struct fkeys_req *req, struct fkeys_out *out,
    char *err, size_t errlen)
{
	gpgme_key_t *keys = calloc(req->naddrs + 1, sizeof(*keys));
	struct fbuf hdr;
	const char *body;
	size_t n = 0, blen;
	char why[128];
	int fail, r = -1;

	if (keys == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fbuf_init(&hdr, 1 << 20);
	for (; n < req->naddrs; n++)
		if ((keys[n] = fkeys_pgp_find(ctx, req->addrs[n], why, sizeof(why), &fail)) == NULL) {
			snprintf(err, errlen, "key for %s: %s", req->addrs[n], why);
			goto done;
		}
	if (fkeys_inner_headers(req->raw, req->rawlen, req->protect_subject, &hdr, &body, &blen) < 0)
		snprintf(err, errlen, "cannot build the inner entity headers");
	else
		r = fkeys_pgp_encrypt(ctx, keys, &hdr, body, blen, out, err, errlen);
done:
	for (size_t i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	free(keys);
	fbuf_free(&hdr);
	return r;
}

static int
pgp_encrypt(void *p, const struct fkeys_req *req, struct fkeys_out *out, char *err,
    size_t errlen)
{
	struct pgp *g = p;
	gpgme_ctx_t ctx;
	int r;

	if ((ctx = pgp_get(g, err, errlen)) == NULL)
		return -1;
	r = pgp_encrypt_ctx(ctx, req, out, err, errlen);
	pgp_put(g, ctx);
	return r;
}

const struct fort_keys_ops fkeys_pgp_ops = {
	"pgp", FACT_PGP, pgp_open, pgp_close, pgp_usable, pgp_encrypt,
};

const struct fort_keys_ops *const fkeys_all_ops[] = { &fkeys_smime_ops, &fkeys_pgp_ops, NULL };
