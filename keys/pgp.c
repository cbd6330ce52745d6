/* pgp: OpenPGP keys from a dedicated GnuPG home. Keys that IT imported
 * are trusted (GPGME_ENCRYPT_ALWAYS_TRUST); a key is usable when it is not
 * revoked, expired, disabled or invalid and has a usable encryption subkey. */
#include "config.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "keys/pgp.h"

static pthread_once_t fkeys_pgp_once = PTHREAD_ONCE_INIT;
static const char *fkeys_pgp_version;   /* set once, then read-only */

static void
pgp_init(void)
{
	fkeys_pgp_version = gpgme_check_version(NULL);
}

gpgme_ctx_t
fkeys_pgp_ctx(const char *home, char *err, size_t errlen)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t e;

	pthread_once(&fkeys_pgp_once, pgp_init);
	if (fkeys_pgp_version == NULL) {
		snprintf(err, errlen, "GPGME initialisation failed");
		return NULL;
	}
	if ((e = gpgme_new(&ctx)) != 0 ||
	    (e = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (e = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home)) != 0) {
		snprintf(err, errlen, "gpgme: %s", gpgme_strerror(e));
		gpgme_release(ctx);
		return NULL;
	}
	gpgme_set_armor(ctx, 1);
	return ctx;
}

int
fkeys_pgp_key_usable(gpgme_key_t k, char *why, size_t whylen)
{
	if (k->revoked) {
		snprintf(why, whylen, "key revoked");
		return 0;
	}
	if (k->expired) {
		snprintf(why, whylen, "key expired");
		return 0;
	}
	if (k->disabled || k->invalid) {
		snprintf(why, whylen, "key disabled or invalid");
		return 0;
	}
	for (gpgme_subkey_t s = k->subkeys; s; s = s->next)
		if (s->can_encrypt && !s->revoked && !s->expired && !s->disabled && !s->invalid)
			return 1;
	snprintf(why, whylen, "no usable encryption subkey");
	return 0;
}

static int
has_addr(gpgme_key_t k, const char *addr)
{
	for (gpgme_user_id_t u = k->uids; u; u = u->next)
		if (u->address && strcasecmp(u->address, addr) == 0)
			return 1;
	return 0;
}

gpgme_key_t
fkeys_pgp_find(gpgme_ctx_t ctx, const char *addr, char *why, size_t whylen, int *fail)
{
	gpgme_key_t k, best = NULL;
	gpgme_error_t e;
	char tmp[128];

	*fail = 0;
	snprintf(why, whylen, "no key for the address");
	if ((e = gpgme_op_keylist_start(ctx, addr, 0)) != 0) {
		snprintf(why, whylen, "keyring: %s", gpgme_strerror(e));
		*fail = 1;
		return NULL;
	}
	while (gpgme_op_keylist_next(ctx, &k) == 0) {
		if (!has_addr(k, addr)) {
			gpgme_key_unref(k);
			continue;
		}
		if (!fkeys_pgp_key_usable(k, tmp, sizeof(tmp))) {
			if (best == NULL)
				fstrlcpy(why, tmp, whylen);
			gpgme_key_unref(k);
			continue;
		}
		if (best && best->subkeys->timestamp >= k->subkeys->timestamp) {
			gpgme_key_unref(k);
			continue;
		}
		if (best)
			gpgme_key_unref(best);
		best = k;
	}
	gpgme_op_keylist_end(ctx);
	return best;
}

/* The plaintext is the header block then the body, read without copying. */
struct pgp_src {
	const struct fbuf *hdr;
	const char *body;
	size_t blen, pos;
};

static ssize_t
src_read(void *h, void *buf, size_t n)
{
	struct pgp_src *s = h;
	size_t total = s->hdr->len + s->blen, k = 0;

	while (k < n && s->pos < total) {
		const char *p;
		size_t avail;
		if (s->pos < s->hdr->len) {
			p = s->hdr->data + s->pos;
			avail = s->hdr->len - s->pos;
		} else {
			p = s->body + (s->pos - s->hdr->len);
			avail = total - s->pos;
		}
		if (avail > n - k)
			avail = n - k;
		memcpy((char *)buf + k, p, avail);
		k += avail;
		s->pos += avail;
	}
	return (ssize_t)k;
}

static ssize_t
sink_write(void *h, const void *buf, size_t n)
{
	return fkeys_out_write(h, buf, n) == 0 ? (ssize_t)n : -1;
}

static int
boundary(char *b, size_t len)
{
	unsigned char r[12];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	snprintf(b, len, "=_fortrolig_%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]);
	return 0;
}

int
fkeys_pgp_encrypt(gpgme_ctx_t ctx, gpgme_key_t *keys, const struct fbuf *hdr,
    const char *body, size_t blen, struct fkeys_out *out, char *err, size_t errlen)
{
	struct gpgme_data_cbs rcb = { src_read, NULL, NULL, NULL };
	struct gpgme_data_cbs wcb = { NULL, sink_write, NULL, NULL };
	struct pgp_src src = { hdr, body, blen, 0 };
	gpgme_data_t in = NULL, cipher = NULL;
	gpgme_error_t e;
	char b[64];
	int r = -1;

	out->crlf = 1;
	if (boundary(b, sizeof(b)) < 0) {
		snprintf(err, errlen, "no random bytes for the boundary");
		return -1;
	}
	snprintf(out->ctype, sizeof(out->ctype),
	    "multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"%s\"", b);
	out->cte[0] = out->disp[0] = '\0';
	if (fkeys_out_puts(out, "This is an OpenPGP/MIME encrypted message (RFC 3156).\n\n--") < 0 ||
	    fkeys_out_puts(out, b) < 0 ||
	    fkeys_out_puts(out, "\nContent-Type: application/pgp-encrypted\n"
		"Content-Description: PGP/MIME version identification\n\nVersion: 1\n\n--") < 0 ||
	    fkeys_out_puts(out, b) < 0 ||
	    fkeys_out_puts(out, "\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n"
		"Content-Description: OpenPGP encrypted message\n"
		"Content-Disposition: inline; filename=\"encrypted.asc\"\n\n") < 0)
		goto io;
	if ((e = gpgme_data_new_from_cbs(&in, &rcb, &src)) != 0 ||
	    (e = gpgme_data_new_from_cbs(&cipher, &wcb, out)) != 0 ||
	    (e = gpgme_op_encrypt(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST, in, cipher)) != 0) {
		snprintf(err, errlen, "gpgme encrypt: %s", gpgme_strerror(e));
		goto done;
	}
	if (fkeys_out_puts(out, "\n--") < 0 || fkeys_out_puts(out, b) < 0 || fkeys_out_puts(out, "--\n") < 0)
		goto io;
	r = 0;
	goto done;
io:
	snprintf(err, errlen, "cannot write the encrypted output");
done:
	gpgme_data_release(in);
	gpgme_data_release(cipher);
	return r;
}
