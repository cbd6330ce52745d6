/* mac: HMAC-SHA256 from precomputed pad states; see mac.h. */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "memory/mac.h"

#define BLOCK 64    /* SHA-256 block size */

static EVP_MD_CTX *
pad_state(const uint8_t *key, size_t keylen, uint8_t x)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t pad[BLOCK];

	memset(pad, x, sizeof(pad));
	for (size_t i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, pad, sizeof(pad)) != 1) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	OPENSSL_cleanse(pad, sizeof(pad));
	return c;
}

int
fmac_init(struct fmac *m, const uint8_t *key, size_t keylen)
{
	memset(m, 0, sizeof(*m));
	if (keylen > BLOCK || (m->ipad = pad_state(key, keylen, 0x36)) == NULL ||
	    (m->opad = pad_state(key, keylen, 0x5c)) == NULL) {
		fmac_free(m);
		return -1;
	}
	return 0;
}

void
fmac_free(struct fmac *m)
{
	EVP_MD_CTX_free(m->ipad);
	EVP_MD_CTX_free(m->opad);
	m->ipad = m->opad = NULL;
}

void *
fmac_work(void)
{
	return EVP_MD_CTX_new();
}

void
fmac_work_free(void *w)
{
	EVP_MD_CTX_free(w);
}

int
fmac_sum(const struct fmac *m, void *w, char tag, const void *data, size_t len,
    uint8_t *out, size_t outlen)
{
	uint8_t inner[EVP_MAX_MD_SIZE], md[EVP_MAX_MD_SIZE];
	unsigned il = 0, ml = 0;
	uint8_t t = (uint8_t)tag;

	if (w == NULL || outlen > 32 ||
	    EVP_MD_CTX_copy_ex(w, m->ipad) != 1 || EVP_DigestUpdate(w, &t, 1) != 1 ||
	    EVP_DigestUpdate(w, data, len) != 1 || EVP_DigestFinal_ex(w, inner, &il) != 1 ||
	    EVP_MD_CTX_copy_ex(w, m->opad) != 1 || EVP_DigestUpdate(w, inner, il) != 1 ||
	    EVP_DigestFinal_ex(w, md, &ml) != 1 || ml < outlen)
		return -1;
	memcpy(out, md, outlen);
	return 0;
}
