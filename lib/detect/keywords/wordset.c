/* wordset: string set for the per-token checks of the keyword scan. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/keywords/wordset.h"

struct slot {
	char *w;            /* NULL: empty */
	size_t n;
	uint32_t h;
};

#define KWSET_FILTER 4096   /* bits */

struct fkw_set {
	struct slot *v;
	size_t cap, n;      /* cap: a power of two, kept at least twice n */
	/* A bit per (first byte, last byte, length) of the members: most
	 * words asked about are rejected here without hashing them. */
	uint64_t filter[KWSET_FILTER / 64];
};

static size_t
filter_bit(const char *w, size_t n)
{
	size_t f = n ? (unsigned char)w[0] * 31u + (unsigned char)w[n - 1] * 131u : 0;

	return (f + n) & (KWSET_FILTER - 1);
}

static uint32_t
hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

struct fkw_set *
fkw_set_new(void)
{
	struct fkw_set *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if ((s->v = calloc(16, sizeof(*s->v))) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = 16;
	return s;
}

void
fkw_set_free(struct fkw_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i].w);
	free(s->v);
	free(s);
}

size_t
fkw_set_count(const struct fkw_set *s)
{
	return s ? s->n : 0;
}

static struct slot *
find(struct slot *v, size_t cap, const char *w, size_t n, uint32_t h)
{
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
		if (v[i].w == NULL ||
		    (v[i].h == h && v[i].n == n && memcmp(v[i].w, w, n) == 0))
			return &v[i];
}

static int
grow(struct fkw_set *s)
{
	size_t nc = s->cap * 2;
	struct slot *v = calloc(nc, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].w)
			*find(v, nc, s->v[i].w, s->v[i].n, s->v[i].h) = s->v[i];
	free(s->v);
	s->v = v;
	s->cap = nc;
	return 0;
}

int
fkw_set_add(struct fkw_set *s, const char *w, size_t n)
{
	uint32_t h = hash(w, n);
	struct slot *sl;

	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -1;
	sl = find(s->v, s->cap, w, n, h);
	if (sl->w)
		return 0;
	if ((sl->w = malloc(n ? n : 1)) == NULL)
		return -1;
	memcpy(sl->w, w, n);
	sl->n = n;
	sl->h = h;
	s->n++;
	s->filter[filter_bit(w, n) / 64] |= 1ull << (filter_bit(w, n) % 64);
	return 0;
}

int
fkw_set_has(const struct fkw_set *s, const char *w, size_t n)
{
	uint32_t h;
	size_t b;

	if (s == NULL || s->n == 0)
		return 0;
	b = filter_bit(w, n);
	if (!((s->filter[b / 64] >> (b % 64)) & 1))
		return 0;
	h = hash(w, n);
	return find(s->v, s->cap, w, n, h)->w != NULL;
}
