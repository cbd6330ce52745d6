/* siphash: SipHash-2-4 with a 128-bit output (Aumasson and Bernstein),
 * the keyed hash of content fingerprints. A mail has hundreds of them and
 * a 2 MB body tens of thousands; HMAC-SHA256 cost two compressions and a
 * context copy each, SipHash a few dozen additions and rotations. */
#ifndef FORTROLIG_SIPHASH_H
#define FORTROLIG_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define FSIP_KEYLEN 16
#define FSIP_OUTLEN 16

struct fsip {
	uint64_t k0, k1;
};

void fsip_init(struct fsip *s, const uint8_t key[FSIP_KEYLEN]);
void fsip_sum(const struct fsip *s, const void *data, size_t len, uint8_t out[FSIP_OUTLEN]);

#endif
