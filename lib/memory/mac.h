/* mac: HMAC-SHA256 with the key schedule done once. The inner and outer
 * padded-key states are hashed when the key is loaded; each sum copies
 * them into a working context, so a mail's ~700 fingerprints cost no
 * algorithm fetch, lock or key set-up each (OpenSSL's one-shot HMAC()
 * paid all three per call). Equal to HMAC(EVP_sha256(), key, ...). */
#ifndef FORTROLIG_MAC_H
#define FORTROLIG_MAC_H

#include <stddef.h>
#include <stdint.h>

struct fmac {
	void *ipad, *opad;      /* EVP_MD_CTX after the padded key */
};

/* 0, or -1 (out of memory or a library failure). keylen <= 64. */
int fmac_init(struct fmac *m, const uint8_t *key, size_t keylen);
void fmac_free(struct fmac *m);
/* A working context for one thread's run of sums; fmac_work_free releases it. */
void *fmac_work(void);
void fmac_work_free(void *w);
/* HMAC(key, tag || data), its first outlen (<= 32) bytes. 0 or -1. */
int fmac_sum(const struct fmac *m, void *w, char tag, const void *data, size_t len,
    uint8_t *out, size_t outlen);

#endif
