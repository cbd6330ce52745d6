/* siphash: SipHash-2-4-128 (see siphash.h); checked against OpenSSL's
 * SIPHASH MAC in tests/unit/test_thread.c. */
#include "config.h"

#include <string.h>

#include "memory/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void
rounds(uint64_t v[4], int n)
{
	while (n-- > 0) {
		v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
		v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
		v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
		v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
	}
}

void
fsip_init(struct fsip *s, const uint8_t key[FSIP_KEYLEN])
{
	s->k0 = le64(key);
	s->k1 = le64(key + 8);
}

void
fsip_sum(const struct fsip *s, const void *data, size_t len, uint8_t out[FSIP_OUTLEN])
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		s->k0 ^ 0x736f6d6570736575ull, s->k1 ^ 0x646f72616e646f6dull ^ 0xee,
		s->k0 ^ 0x6c7967656e657261ull, s->k1 ^ 0x7465646279746573ull,
	};
	uint8_t last[8] = { 0 };
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v[3] ^= m;
		rounds(v, 2);
		v[0] ^= m;
	}
	if (len > i)
		memcpy(last, p + i, len - i);
	m = le64(last) | (uint64_t)len << 56;
	v[3] ^= m;
	rounds(v, 2);
	v[0] ^= m;
	v[2] ^= 0xee;
	rounds(v, 4);
	put_le64(out, v[0] ^ v[1] ^ v[2] ^ v[3]);
	v[1] ^= 0xdd;
	rounds(v, 4);
	put_le64(out + 8, v[0] ^ v[1] ^ v[2] ^ v[3]);
}
