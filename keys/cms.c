/* cms: S/MIME encryption with OpenSSL CMS, streamed: BIO_new_CMS
 * encrypts what is written into it, and a small base64 BIO below it turns
 * the DER into 76-column CRLF lines in the output. The ciphertext is never
 * held in memory as a whole. */
#include "config.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "keys/cms.h"

/* Base64 sink BIO: 57 input bytes -> one 76-character line + CRLF. */
struct b64 {
	struct fkeys_out *out;
	unsigned char pend[57 * 64];
	size_t npend;
	int failed;
};

/* Encodes a whole pending block (up to 64 lines) before one write. */
static int
b64_emit(struct b64 *b, const unsigned char *p, size_t n)
{
	unsigned char lines[64 * 78];
	size_t l = 0;

	while (n > 0) {
		size_t k = n < 57 ? n : 57;
		l += (size_t)EVP_EncodeBlock(lines + l, p, (int)k);
		lines[l++] = '\r';
		lines[l++] = '\n';
		p += k;
		n -= k;
		if (sizeof(lines) - l < 78 || n == 0) {
			if (fkeys_out_write(b->out, lines, l) < 0)
				return -1;
			l = 0;
		}
	}
	return 0;
}

static int
b64_write(BIO *bio, const char *data, int len)
{
	struct b64 *b = BIO_get_data(bio);
	const unsigned char *p = (const unsigned char *)data;
	size_t n = len > 0 ? (size_t)len : 0;

	if (b->failed)
		return -1;
	while (n > 0) {
		size_t room = sizeof(b->pend) - b->npend, k = n < room ? n : room;
		memcpy(b->pend + b->npend, p, k);
		b->npend += k;
		p += k;
		n -= k;
		if (b->npend == sizeof(b->pend)) {
			if (b64_emit(b, b->pend, b->npend) < 0) {
				b->failed = 1;
				return -1;
			}
			b->npend = 0;
		}
	}
	return len;
}

static long
b64_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	struct b64 *b = BIO_get_data(bio);

	if (cmd == BIO_CTRL_FLUSH) {
		if (b->npend && b64_emit(b, b->pend, b->npend) < 0)
			b->failed = 1;
		b->npend = 0;
		return b->failed ? 0 : 1;
	}
	return 0;
}

static BIO_METHOD *
b64_method(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "fortrolig-b64");

	if (m && (!BIO_meth_set_write(m, b64_write) || !BIO_meth_set_ctrl(m, b64_ctrl))) {
		BIO_meth_free(m);
		m = NULL;
	}
	return m;
}

static int
add_recipients(CMS_ContentInfo *cms, STACK_OF(X509) *certs, int oaep)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		EVP_PKEY *pk = X509_get0_pubkey(x);
		int rsa = pk && EVP_PKEY_is_a(pk, "RSA");
		CMS_RecipientInfo *ri;

		ri = CMS_add1_recipient_cert(cms, x, rsa && oaep ? CMS_KEY_PARAM : 0);
		if (ri == NULL)
			return -1;
		if (rsa && oaep) {
			EVP_PKEY_CTX *pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
			if (pctx == NULL || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0)
				return -1;
		}
	}
	return 0;
}

static int
stream(CMS_ContentInfo *cms, BIO *sink, const struct fbuf *hdr, const char *body, size_t blen)
{
	BIO *in = BIO_new_CMS(sink, cms);
	int r = -1;

	if (in == NULL)
		return -1;
	if (BIO_write(in, hdr->data, (int)hdr->len) != (int)hdr->len)
		goto out;
	while (blen > 0) {
		int k = blen > (1 << 20) ? 1 << 20 : (int)blen;
		if (BIO_write(in, body, k) != k)
			goto out;
		body += k;
		blen -= (size_t)k;
	}
	if (BIO_flush(in) == 1)
		r = 0;
out:
	/* Free the CMS filters down to, but not including, the sink. */
	while (in && in != sink) {
		BIO *next = BIO_pop(in);
		BIO_free(in);
		in = next;
	}
	return r;
}

int
fkeys_cms_encrypt(STACK_OF(X509) *certs, const struct fkeys_cms_opts *o,
    const struct fbuf *hdr, const char *body, size_t blen, struct fkeys_out *out,
    char *err, size_t errlen)
{
	const EVP_CIPHER *cipher = o->gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
	CMS_ContentInfo *cms = NULL;
	BIO_METHOD *meth = NULL;
	BIO *sink = NULL;
	struct b64 b = { .out = out };
	int r = -1;

	snprintf(out->ctype, sizeof(out->ctype),
	    "application/pkcs7-mime; smime-type=%s; name=\"smime.p7m\"",
	    o->gcm ? "authEnveloped-data" : "enveloped-data");
	snprintf(out->cte, sizeof(out->cte), "base64");
	snprintf(out->disp, sizeof(out->disp), "attachment; filename=\"smime.p7m\"");
	cms = CMS_encrypt(NULL, NULL, cipher, CMS_BINARY | CMS_STREAM | CMS_PARTIAL);
	if (cms == NULL || add_recipients(cms, certs, o->rsa_oaep) < 0) {
		snprintf(err, errlen, "cms: cannot add the recipients");
		goto done;
	}
	if ((meth = b64_method()) == NULL || (sink = BIO_new(meth)) == NULL)
		goto done;
	BIO_set_data(sink, &b);
	BIO_set_init(sink, 1);
	if (stream(cms, sink, hdr, body, blen) < 0 || BIO_flush(sink) != 1 || b.failed) {
		snprintf(err, errlen, "cms: encryption failed");
		goto done;
	}
	r = 0;
done:
	if (r < 0 && err[0] == '\0')
		snprintf(err, errlen, "cms: out of memory");
	ERR_clear_error();
	BIO_free(sink);
	BIO_meth_free(meth);
	CMS_ContentInfo_free(cms);
	return r;
}
