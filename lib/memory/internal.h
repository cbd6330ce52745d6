/* internal: what thread.c and supply.c share. Not part of the interface. */
#ifndef FORTROLIG_FTHR_INTERNAL_H
#define FORTROLIG_FTHR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "memory/mac.h"
#include "memory/siphash.h"
#include "memory/thread.h"

struct fthr {
	const struct fstore_ops *ops;
	struct fstore *store;
	uint8_t key[32];
	struct fmac mac;           /* HMAC with the key schedule done once */
	struct fsip fp;            /* SipHash key of fingerprints, derived from key */
	int64_t legacy_until;      /* till then, also HMAC fingerprints (older stores) */
};

/* The keys one learnt message stores, all with the same value, in one
 * store transaction. */
struct fthr_keyvec {
	uint8_t (*k)[FSTORE_KEYLEN];
	size_t n, cap;
};

/* Room for more keys; a pointer to the first new one, or NULL. */
uint8_t (*fthr_keys_grow(struct fthr_keyvec *kv, size_t more))[FSTORE_KEYLEN];
/* The stored key: HMAC(key, tag || data), truncated. Returns 0 or -1. */
int fthr_keyed(const struct fthr *t, char tag, const void *data, size_t len,
    uint8_t out[FSTORE_KEYLEN]);
/* Notes a remembered mail the message matched (h may be NULL). */
void fthr_trace(struct fthr_hits *h, const uint8_t id[FTHR_IDLEN]);
/* Adds the supplier, CPR and subject keys of a learnt mail with entry id. */
int fthr_supply_keys(struct fthr *t, const uint8_t id[FTHR_IDLEN],
    const struct fthr_supply *sup, struct fthr_keyvec *kv, char *err, size_t errlen);

#endif
