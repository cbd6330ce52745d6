/* phrases: a one-pass prefilter for fixed phrase lists (see phrases.h). */
#include "config.h"

#include <string.h>

#include "base/phrases.h"

static unsigned
key(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return (unsigned)(((v | 0x2020202020202020ull) * 0x9e3779b97f4a7c15ull) >> (64 - FPHR_BITS));
}

void
fphr_build(struct fphr *p, const char *const *list)
{
	memset(p, 0, sizeof(*p));
	for (size_t k = 0; list[k]; k++) {
		unsigned h;
		if (strlen(list[k]) < FPHR_WINDOW) {
			p->any_short = 1;
			continue;
		}
		h = key(list[k]);
		p->set[h / 64] |= (uint64_t)1 << (h % 64);
	}
}

size_t
fphr_next(const struct fphr *p, const char *s, size_t n, size_t from)
{
	if (p->any_short)
		return from < n ? from : n;
	for (size_t i = from; i + FPHR_WINDOW <= n; i++) {
		unsigned h = key(s + i);
		if (p->set[h / 64] >> (h % 64) & 1)
			return i;
	}
	return n;
}
