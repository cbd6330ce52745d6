/* report_count: the counters of fortrolig-report. Keys are short tokens
 * (an action, a category, a day, a pseudonym), copied bounded. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "report.h"

static void
keycpy(char *dst, const char *src, size_t len)
{
	if (len >= RP_KEYMAX)
		len = RP_KEYMAX - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int
same(const char *key, const char *s, size_t len)
{
	if (len >= RP_KEYMAX)
		len = RP_KEYMAX - 1;
	return strncmp(key, s, len) == 0 && key[len] == '\0';
}


int
rp_counts_add(struct rp_counts *c, const char *key, size_t keylen, long by)
{
	for (size_t i = 0; i < c->n; i++)
		if (same(c->v[i].key, key, keylen)) {
			c->v[i].n += by;
			return 0;
		}
	if (fgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0)
		return -1;
	keycpy(c->v[c->n].key, key, keylen);
	c->v[c->n++].n = by;
	return 0;
}

long
rp_counts_get(const struct rp_counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return c->v[i].n;
	return 0;
}

/* Highest count first, then by key: the output does not depend on input order. */
static int
cmp_count(const void *a, const void *b)
{
	const struct rp_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
rp_counts_sort(struct rp_counts *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cmp_count);
}

struct rp_group *
rp_groups_get(struct rp_groups *g, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < g->n; i++)
		if (same(g->v[i].key, key, len))
			return &g->v[i];
	if (fgrow((void **)&g->v, &g->cap, g->n + 1, sizeof(*g->v)) < 0)
		return NULL;
	memset(&g->v[g->n], 0, sizeof(g->v[0]));
	keycpy(g->v[g->n].key, key, len);
	return &g->v[g->n++];
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct rp_group *)a)->key, ((const struct rp_group *)b)->key);
}

static int
cmp_msgs(const void *a, const void *b)
{
	const struct rp_group *x = a, *y = b;

	if (x->msgs != y->msgs)
		return x->msgs > y->msgs ? -1 : 1;
	return strcmp(x->key, y->key);
}

void
rp_groups_sort_by_key(struct rp_groups *g)
{
	if (g->n > 1)
		qsort(g->v, g->n, sizeof(*g->v), cmp_key);
}

void
rp_groups_sort_by_msgs(struct rp_groups *g)
{
	if (g->n > 1)
		qsort(g->v, g->n, sizeof(*g->v), cmp_msgs);
}

/* FNV-1a, 64 bits: enough to tell apart the lines of one log. */
uint64_t
rp_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (h == 0)
		h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t
slot(const struct rp_seen *s, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (s->cap - 1);

	while (s->key[i] != 0 && s->key[i] != h)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
rehash(struct rp_seen *s)
{
	struct rp_seen n = { NULL, NULL, s->n, s->cap ? 2 * s->cap : 1024 };

	if ((n.key = calloc(n.cap, sizeof(*n.key))) == NULL ||
	    (n.val = calloc(n.cap, sizeof(*n.val))) == NULL) {
		free(n.key);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++)
		if (s->key[i] != 0) {
			size_t j = slot(&n, s->key[i]);
			n.key[j] = s->key[i];
			n.val[j] = s->val[i];
		}
	free(s->key);
	free(s->val);
	*s = n;
	return 0;
}

int
rp_seen_add(struct rp_seen *s, uint64_t h, int by, int *before)
{
	size_t i;

	if (h == 0)
		h = 1;      /* 0 marks a free slot */
	if (2 * (s->n + 1) > s->cap && rehash(s) < 0) {
		*before = INT_MIN;
		return -1;
	}
	i = slot(s, h);
	if (s->key[i] == 0) {
		s->key[i] = h;
		s->val[i] = 0;
		s->n++;
	}
	*before = s->val[i];
	s->val[i] += by;
	return 0;
}

static void
counts_free(struct rp_counts *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void
groups_free(struct rp_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		counts_free(&g->v[i].acts);
		counts_free(&g->v[i].mon);
		counts_free(&g->v[i].cats);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}

void
rp_report_free(struct rp_report *r)
{
	counts_free(&r->classes);
	counts_free(&r->acts);
	counts_free(&r->mon);
	counts_free(&r->cats);
	counts_free(&r->reasons);
	counts_free(&r->tfail);
	groups_free(&r->days);
	groups_free(&r->members);
	free(r->pairs.key);
	free(r->pairs.val);
	free(r->tfqids.key);
	free(r->tfqids.val);
	memset(r, 0, sizeof(*r));
}
