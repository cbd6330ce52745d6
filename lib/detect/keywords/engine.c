/* engine: Vectorscan literal matching for the keyword dictionary. Built once
 * per config snapshot (so a SIGHUP reload builds a new one); scratch space
 * is pooled per database so concurrent milter threads never share one. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "detect/keywords/engine.h"

#define FKW_ENGINE_POOL 64   /* idle scratches kept; more are made and freed */

struct root {
	const char *w;      /* borrowed from the caller during build only */
	size_t len;
	size_t first, n;    /* range in members[] */
};

struct fkw_engine {
	hs_database_t *db;
	hs_scratch_t *proto;
	size_t *rootlen;      /* per root id */
	unsigned char *rootlead;  /* 1: the root literal starts with the blank */
	size_t *rootfirst, *rootn;
	size_t *members;      /* entry indices grouped by root */
	size_t nroots;
	pthread_mutex_t lock;
	hs_scratch_t *pool[FKW_ENGINE_POOL];
	size_t npool;
};

struct order {
	const char *w;
	size_t len, entry;
};

static int
by_word(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->w, y->w, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

void
fkw_engine_free(struct fkw_engine *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->npool; i++)
		hs_free_scratch(h->pool[i]);
	hs_free_scratch(h->proto);
	hs_free_database(h->db);
	pthread_mutex_destroy(&h->lock);
	free(h->rootlen);
	free(h->rootlead);
	free(h->rootfirst);
	free(h->rootn);
	free(h->members);
	free(h);
}

size_t
fkw_engine_roots(const struct fkw_engine *h)
{
	return h ? h->nroots : 0;
}

/* Sorted words: a word's root is the nearest earlier root that prefixes it. */
static int
reduce(struct fkw_engine *h, struct order *o, size_t n, const char ***pats)
{
	size_t cur = 0;

	if ((h->rootlen = calloc(n, sizeof(size_t))) == NULL ||
	    (h->rootlead = calloc(n, 1)) == NULL ||
	    (h->rootfirst = calloc(n, sizeof(size_t))) == NULL ||
	    (h->rootn = calloc(n, sizeof(size_t))) == NULL ||
	    (h->members = calloc(n, sizeof(size_t))) == NULL ||
	    (*pats = calloc(n, sizeof(char *))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (h->nroots == 0 || o[i].len < h->rootlen[cur] ||
		    memcmp(o[i].w, (*pats)[cur], h->rootlen[cur]) != 0) {
			cur = h->nroots++;
			(*pats)[cur] = o[i].w;
			h->rootlen[cur] = o[i].len;
			h->rootlead[cur] = o[i].w[0] == ' ';
			h->rootfirst[cur] = i;
		}
		h->members[i] = o[i].entry;
		h->rootn[cur]++;
	}
	return 0;
}

static int
compile(struct fkw_engine *h, const char **pats, char *err, size_t errlen)
{
	unsigned *ids = calloc(h->nroots, sizeof(unsigned)), *flags = calloc(h->nroots,
	    sizeof(unsigned));
	hs_compile_error_t *ce = NULL;
	int rc = -1;

	if (ids == NULL || flags == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < h->nroots; i++)
		ids[i] = (unsigned)i;
	if (hs_compile_lit_multi(pats, flags, ids, h->rootlen, (unsigned)h->nroots,
	    HS_MODE_BLOCK, NULL, &h->db, &ce) != HS_SUCCESS) {
		snprintf(err, errlen, "vectorscan: %s", ce && ce->message ? ce->message : "compile");
		hs_free_compile_error(ce);
		goto out;
	}
	if (hs_alloc_scratch(h->db, &h->proto) != HS_SUCCESS) {
		snprintf(err, errlen, "vectorscan: cannot allocate scratch");
		goto out;
	}
	rc = 0;
out:
	free(ids);
	free(flags);
	return rc;
}

/* One buffer holds every literal: the leading blank and the word's start. */
static char *
literals(const char *const *words, const size_t *len, const unsigned *flags,
    const size_t *ids, size_t n, struct order *o)
{
	size_t total = 0, at = 0;
	char *buf;

	for (size_t i = 0; i < n; i++)
		total += len[i] + 2;
	if ((buf = malloc(total ? total : 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t l;
		o[i].w = buf + at;
		o[i].entry = ids ? ids[i] : i;
		if (!(flags[i] & FKW_ENGINE_PRE))
			buf[at++] = ' ';
		memcpy(buf + at, words[i], len[i]);
		at += len[i];
		l = (size_t)(buf + at - o[i].w);
		o[i].len = l < FKW_ENGINE_MAX_LIT ? l : FKW_ENGINE_MAX_LIT;
	}
	return buf;
}

struct fkw_engine *
fkw_engine_build(const char *const *words, const size_t *len, const unsigned *flags,
    const size_t *ids, size_t n, char *err, size_t errlen)
{
	struct fkw_engine *h = calloc(1, sizeof(*h));
	struct order *o = calloc(n ? n : 1, sizeof(*o));
	const char **pats = NULL;
	char *lit = NULL;

	if (h == NULL || o == NULL || pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h);
		free(o);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((lit = literals(words, len, flags, ids, n, o)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	qsort(o, n, sizeof(*o), by_word);
	if (n == 0) {
		snprintf(err, errlen, "empty dictionary");
		goto fail;
	}
	if (reduce(h, o, n, &pats) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (compile(h, pats, err, errlen) < 0)
		goto fail;
	free(pats);
	free(o);
	free(lit);
	return h;
fail:
	free(pats);
	free(o);
	free(lit);
	fkw_engine_free(h);
	return NULL;
}

static hs_scratch_t *
take_scratch(struct fkw_engine *h)
{
	hs_scratch_t *s = NULL;

	pthread_mutex_lock(&h->lock);
	if (h->npool > 0)
		s = h->pool[--h->npool];
	pthread_mutex_unlock(&h->lock);
	if (s == NULL && hs_clone_scratch(h->proto, &s) != HS_SUCCESS)
		return NULL;
	return s;
}

static void
give_scratch(struct fkw_engine *h, hs_scratch_t *s)
{
	pthread_mutex_lock(&h->lock);
	if (h->npool < FKW_ENGINE_POOL) {
		h->pool[h->npool++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	hs_free_scratch(s);
}

struct ctx {
	const struct fkw_engine *h;
	fkw_engine_cb cb;
	void *arg;
	int rc;
};

static int
on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
    void *p)
{
	struct ctx *c = p;
	size_t start = (size_t)to - c->h->rootlen[id] + c->h->rootlead[id];

	(void)from;
	(void)flags;
	for (size_t k = 0; k < c->h->rootn[id]; k++)
		if ((c->rc = c->cb(start, c->h->members[c->h->rootfirst[id] + k], c->arg)) != 0)
			return 1;
	return 0;
}

int
fkw_engine_scan(struct fkw_engine *h, const char *low, size_t len, fkw_engine_cb cb, void *arg)
{
	struct ctx c = { h, cb, arg, 0 };
	hs_scratch_t *s;
	hs_error_t e;

	if (len > 0xffffffffu || (s = take_scratch(h)) == NULL)
		return -1;
	e = hs_scan(h->db, low, (unsigned)len, 0, s, on_match, &c);
	give_scratch(h, s);
	if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
		return -1;
	return c.rc;
}
