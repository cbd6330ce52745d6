/* fkw: dictionary words per category. A category is found when, inside a
 * window of words, the distinct terms' weights reach the threshold and the
 * same window talks about a person (a person word, a capitalised name pair,
 * or a CPR number in the message). One policy word does not flag a mail. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fbuf.h"
#include "fdet.h"
#include "fkw.h"
#include "fkwhs.h"
#include "fsig.h"
#include "ftext.h"

#define KW_MAX_WORDS 6
#define KW_PERSON (-1)

struct kw_word {
	char *w;          /* lower-case UTF-8 */
	size_t len;
	unsigned pre : 1;  /* "*x": other letters may come before */
	unsigned suf : 1;  /* "x*": any ending */
};

struct kw_entry {
	int cat;          /* enum fcat, or KW_PERSON */
	int weight;
	size_t nw;
	struct kw_word w[KW_MAX_WORDS];
	char *term;       /* as written, for the finding's excerpt */
	size_t anchor;    /* the phrase's longest word: the one the engine looks for */
};

struct fkw_dict {
	struct kw_entry *e;
	size_t n, cap;
	char **exclude;
	size_t nex, capex;
	struct fkwhs *hs;  /* all first words, one Vectorscan database */
};

static const struct {
	const char *file;
	int cat;
} lists[] = {
	{ "health.txt", FCAT_HEALTH }, { "criminal.txt", FCAT_CRIMINAL },
	{ "social.txt", FCAT_SOCIAL }, { "private.txt", FCAT_PRIVATE },
	{ "person.txt", KW_PERSON },
};

static const char *const name_stop[] = {
	"kommune", "region", "byråd", "byrådet", "udvalg", "udvalget", "afdeling",
	"center", "centret", "skole", "hospital", "sygehus", "kære", "hej", "med",
	"venlig", "hilsen", "mvh", "dear", "best", "regards", "fra", "til", "sendt",
	"emne", "from", "to", "sent", "subject", "den", "det", "de", "vi", "jeg",
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
	"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	"september", "oktober", "november", "december", NULL
};

static size_t
fkw_count(const struct fkw_dict *d)
{
	return d ? d->n : 0;
}

size_t
fkw_dict_size(const struct fkw_dict *d)
{
	return fkw_count(d);
}

void
fkw_dict_free(struct fkw_dict *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->e[i].nw; k++)
			free(d->e[i].w[k].w);
		free(d->e[i].term);
	}
	for (size_t i = 0; i < d->nex; i++)
		free(d->exclude[i]);
	free(d->exclude);
	free(d->e);
	fkwhs_free(d->hs);
	free(d);
}

static char *
lower_dup(const char *s, size_t n)
{
	struct fbuf b;

	fbuf_init(&b, 4096);
	if (ftext_lower(&b, s, n) < 0) {
		fbuf_free(&b);
		return NULL;
	}
	return fbuf_take(&b);
}

static int
push_entry(struct fkw_dict *d, struct kw_entry *e)
{
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 256;
		struct kw_entry *p = realloc(d->e, nc * sizeof(*p));
		if (p == NULL)
			return -1;
		d->e = p;
		d->cap = nc;
	}
	d->e[d->n++] = *e;
	return 0;
}

static int
push_exclude(struct fkw_dict *d, const char *w, size_t n)
{
	if (d->nex == d->capex) {
		size_t nc = d->capex ? d->capex * 2 : 64;
		char **p = realloc(d->exclude, nc * sizeof(*p));
		if (p == NULL)
			return -1;
		d->exclude = p;
		d->capex = nc;
	}
	if ((d->exclude[d->nex] = lower_dup(w, n)) == NULL)
		return -1;
	d->nex++;
	return 0;
}

/* "term words [=N]" -> entry. Returns NULL on success or an error message. */
static const char *
parse_entry(char *line, int cat, struct kw_entry *e)
{
	char *eq = strstr(line, " =");
	char *tok, *save = NULL;

	memset(e, 0, sizeof(*e));
	e->cat = cat;
	e->weight = 1;
	if (eq) {
		char *end;
		long w = strtol(eq + 2, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == eq + 2 || *end || w < 1 || w > 5)
			return "weight must be \" =N\" with N from 1 to 5";
		e->weight = (int)w;
		*eq = '\0';
	}
	if ((e->term = strdup(line)) == NULL)
		return "out of memory";
	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		struct kw_word *w = &e->w[e->nw];
		size_t n = strlen(tok);
		if (e->nw == KW_MAX_WORDS)
			return "a phrase may have at most 6 words";
		w->pre = tok[0] == '*';
		w->suf = n > 1 && tok[n - 1] == '*';
		tok += w->pre;
		n -= w->pre + w->suf;
		if (n == 0 || memchr(tok, '*', n))
			return "'*' may only stand at the start or end of a word";
		if ((w->w = lower_dup(tok, n)) == NULL)
			return "out of memory";
		w->len = strlen(w->w);
		e->nw++;
	}
	return e->nw ? NULL : "empty entry";
}

static void
free_entry(struct kw_entry *e)
{
	for (size_t k = 0; k < e->nw; k++)
		free(e->w[k].w);
	free(e->term);
}

static int
load_file(struct fkw_dict *d, const char *dir, const char *file, int cat, int optional,
    char *err, size_t errlen)
{
	char path[4096], line[1024];
	FILE *f;
	int ln = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((f = fopen(path, "r")) == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s:0: cannot open word list: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *hash = strchr(line, '#');
		size_t n;
		ln++;
		if (hash)
			*hash = '\0';
		n = strlen(p);
		if (n == sizeof(line) - 1 && p[n - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line too long", path, ln);
			fclose(f);
			return -1;
		}
		while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			p[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue;
		if (cat == FCAT_COUNT) {
			if (push_exclude(d, p, strlen(p)) < 0)
				goto oom;
			continue;
		}
		struct kw_entry e;
		const char *why = parse_entry(p, cat, &e);
		if (why) {
			free_entry(&e);
			snprintf(err, errlen, "%s:%d: %s", path, ln, why);
			fclose(f);
			return -1;
		}
		if (push_entry(d, &e) < 0) {
			free_entry(&e);
			goto oom;
		}
	}
	fclose(f);
	return 0;
oom:
	snprintf(err, errlen, "%s:%d: out of memory", path, ln);
	fclose(f);
	return -1;
}

static int
count_root(size_t start, size_t entry, void *arg)
{
	(void)start;
	(void)entry;
	(*(size_t *)arg)++;
	return 0;
}

int
fkw_dict_engine_scan(const struct fkw_dict *d, const char *low, size_t len, size_t *hits)
{
	*hits = 0;
	return fkwhs_scan(d->hs, low, len, count_root, hits) != 0 ? -1 : 0;
}

static int
build_engine(struct fkw_dict *d, const char *dir, char *err, size_t errlen)
{
	const char **w = calloc(d->n ? d->n : 1, sizeof(*w));
	size_t *l = calloc(d->n ? d->n : 1, sizeof(*l));
	char why[256];

	if (w == NULL || l == NULL) {
		free(w);
		free(l);
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return -1;
	}
	/* Anchor phrases on their rarest-looking (longest) word, not on "i" or "har". */
	for (size_t i = 0; i < d->n; i++) {
		struct kw_entry *e = &d->e[i];
		for (size_t k = 1; k < e->nw; k++)
			if (e->w[k].len > e->w[e->anchor].len)
				e->anchor = k;
		w[i] = e->w[e->anchor].w;
		l[i] = e->w[e->anchor].len;
	}
	d->hs = fkwhs_build(w, l, d->n, why, sizeof(why));
	free(w);
	free(l);
	if (d->hs == NULL) {
		snprintf(err, errlen, "%s:0: word lists: %s", dir, why);
		return -1;
	}
	return 0;
}

struct fkw_dict *
fkw_dict_load(const char *dir, char *err, size_t errlen)
{
	struct fkw_dict *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (load_file(d, dir, lists[i].file, lists[i].cat, 0, err, errlen) < 0)
			goto fail;
	if (load_file(d, dir, "exclude.txt", FCAT_COUNT, 1, err, errlen) < 0)
		goto fail;
	if (build_engine(d, dir, err, errlen) < 0)
		goto fail;
	return d;
fail:
	fkw_dict_free(d);
	return NULL;
}

/* ---- scanning ---- */

struct tok {
	size_t s, len;     /* in the lower-cased text */
	int cap;           /* first letter upper-case in the original */
	int excluded;
};

struct hit {
	size_t at;         /* token index */
	int entry;         /* index into dict, or -1 for a name pair */
};

struct scan {
	const struct fkw_dict *d;
	const char *low;
	struct tok *t;
	size_t nt;
	struct hit *h;
	size_t nh, caph;
};

static int
word_match(const struct kw_word *w, const char *s, size_t n)
{
	if (n < w->len)
		return 0;
	if (w->pre && w->suf)
		return memmem(s, n, w->w, w->len) != NULL;
	if (w->pre)
		return memcmp(s + n - w->len, w->w, w->len) == 0;
	if (w->suf)
		return memcmp(s, w->w, w->len) == 0;
	return n == w->len && memcmp(s, w->w, n) == 0;
}

static int
excluded(const struct fkw_dict *d, const char *s, size_t n)
{
	for (size_t i = 0; i < d->nex; i++)
		if (strlen(d->exclude[i]) == n && memcmp(d->exclude[i], s, n) == 0)
			return 1;
	return 0;
}

static int
add_hit(struct scan *sc, size_t at, int entry)
{
	if (sc->nh == sc->caph) {
		size_t nc = sc->caph ? sc->caph * 2 : 64;
		struct hit *p = realloc(sc->h, nc * sizeof(*p));
		if (p == NULL)
			return -1;
		sc->h = p;
		sc->caph = nc;
	}
	sc->h[sc->nh].at = at;
	sc->h[sc->nh].entry = entry;
	sc->nh++;
	return 0;
}

static int
entry_at(const struct scan *sc, const struct kw_entry *e, size_t i)
{
	if (i + e->nw > sc->nt)
		return 0;
	for (size_t k = 0; k < e->nw; k++) {
		const struct tok *t = &sc->t[i + k];
		if (t->excluded || !word_match(&e->w[k], sc->low + t->s, t->len))
			return 0;
	}
	return 1;
}

static int
stop_name(const char *s, size_t n)
{
	for (size_t i = 0; name_stop[i]; i++)
		if (strlen(name_stop[i]) == n && memcmp(name_stop[i], s, n) == 0)
			return 1;
	return 0;
}

/* The token holding byte off, or sc->nt. */
static size_t
token_at(const struct scan *sc, size_t off)
{
	size_t lo = 0, hi = sc->nt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->t[mid].s + sc->t[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sc->nt && sc->t[lo].s <= off ? lo : sc->nt;
}

/* A root hit: check the whole entry from the token it falls in. */
static int
on_root(size_t start, size_t entry, void *arg)
{
	struct scan *sc = arg;
	const struct kw_entry *e = &sc->d->e[entry];
	size_t i = token_at(sc, start);

	if (i == sc->nt || i < e->anchor || !entry_at(sc, e, i - e->anchor))
		return 0;
	return add_hit(sc, i - e->anchor, (int)entry) < 0 ? -1 : 0;
}

static int
by_token(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

static int
find_hits(struct scan *sc, size_t len)
{
	size_t n = 0;

	if (fkwhs_scan(sc->d->hs, sc->low, len, on_root, sc) != 0)
		return -1;
	for (size_t i = 0; i + 1 < sc->nt; i++)
		if (sc->t[i].cap && sc->t[i + 1].cap && sc->t[i].len > 1 &&
		    !sc->t[i].excluded && !sc->t[i + 1].excluded &&
		    (sc->t[i + 1].len > 1 || sc->low[sc->t[i + 1].s + 1] == '.') &&
		    sc->t[i + 1].s - (sc->t[i].s + sc->t[i].len) <= 2 &&
		    !stop_name(sc->low + sc->t[i].s, sc->t[i].len) &&
		    !stop_name(sc->low + sc->t[i + 1].s, sc->t[i + 1].len) &&
		    add_hit(sc, i, -1) < 0)
			return -1;
	/* Window scoring walks hits in text order; a root seen twice in one
	 * token ("kræftkræft") must count once. */
	if (sc->nh)
		qsort(sc->h, sc->nh, sizeof(*sc->h), by_token);
	for (size_t i = 0; i < sc->nh; i++)
		if (n == 0 || by_token(&sc->h[n - 1], &sc->h[i]) != 0)
			sc->h[n++] = sc->h[i];
	sc->nh = n;
	return 0;
}

/* Tokens inside a signature or disclaimer: names and department words
 * there do not describe the case ("Psykiatri og Misbrug", "Anne Holm"). */
static void
mark_signatures(struct scan *sc, const char *text, size_t len)
{
	struct fsig g;

	fsig_find(text, len, &g);
	for (size_t t = 0; t < sc->nt; t++)
		if (fsig_covers(&g, sc->t[t].s))
			sc->t[t].excluded = 1;
}

static int
tokenize(struct scan *sc, const char *orig, size_t len)
{
	size_t pos = 0, ws, wl, cap = 0;

	while (ftext_next_word(sc->low, len, &pos, &ws, &wl)) {
		size_t j = ws;
		if (sc->nt == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct tok *p = realloc(sc->t, nc * sizeof(*p));
			if (p == NULL)
				return -1;
			sc->t = p;
			cap = nc;
		}
		sc->t[sc->nt].s = ws;
		sc->t[sc->nt].len = wl;
		sc->t[sc->nt].cap = ftext_is_upper(ftext_utf8_next(orig, len, &j)) &&
		    !(wl > 1 && ftext_is_upper((unsigned char)orig[ws + 1]));
		sc->t[sc->nt].excluded = excluded(sc->d, sc->low + ws, wl);
		sc->nt++;
	}
	return 0;
}

static int
is_person(const struct scan *sc, const struct hit *h)
{
	return h->entry < 0 || sc->d->e[h->entry].cat == KW_PERSON;
}

/* Hits are sorted by token: binary search keeps a long attachment linear. */
static int
person_near(const struct scan *sc, size_t from, size_t to)
{
	size_t lo = 0, hi = sc->nh;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->h[mid].at < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sc->nh && sc->h[lo].at <= to; lo++)
		if (is_person(sc, &sc->h[lo]))
			return 1;
	return 0;
}

/* Best window score for category cat; *term gets the strongest term. */
static int
window_score(const struct scan *sc, int cat, size_t window, int cpr_seen, const char **term)
{
	int best = 0;

	for (size_t a = 0; a < sc->nh; a++) {
		const struct hit *ha = &sc->h[a];
		int sum = 0, topw = 0;
		const char *top = NULL;
		if (ha->entry < 0 || sc->d->e[ha->entry].cat != cat)
			continue;
		for (size_t b = a; b < sc->nh && sc->h[b].at < ha->at + window; b++) {
			int dup = 0;
			const struct kw_entry *e;
			if (sc->h[b].entry < 0 || sc->d->e[sc->h[b].entry].cat != cat)
				continue;
			for (size_t k = a; k < b && !dup; k++)
				dup = sc->h[k].entry == sc->h[b].entry;
			if (dup)
				continue;
			e = &sc->d->e[sc->h[b].entry];
			sum += e->weight;
			if (e->weight > topw) {
				topw = e->weight;
				top = e->term;
			}
		}
		if (!cpr_seen && !person_near(sc, ha->at > window ? ha->at - window : 0, ha->at + window))
			continue;
		if (sum > best) {
			best = sum;
			*term = top;
		}
	}
	return best;
}

/* *person receives whether the segment names or points at a person at all. */
static int
scan_segment(const struct fconf *c, const struct fseg *g, int person_given,
    int *person, struct ffindings *out)
{
	struct scan sc = { c->kw.dict, NULL, NULL, 0, NULL, 0, 0 };
	struct fbuf low;
	int rc = 0;

	fbuf_init(&low, 0);
	if (ftext_lower(&low, g->text, g->len) < 0 || low.len != g->len) {
		/* Case folding keeps byte lengths for the letters we fold. */
		fbuf_free(&low);
		return low.overflow ? -1 : 0;
	}
	sc.low = fbuf_str(&low);
	if (tokenize(&sc, g->text, g->len) < 0)
		rc = -1;
	if (rc == 0)
		mark_signatures(&sc, g->text, g->len);
	if (rc == 0 && find_hits(&sc, g->len) < 0)
		rc = -1;
	if (person)
		*person = sc.nt > 0 && person_near(&sc, 0, sc.nt);
	for (int cat = FCAT_HEALTH; rc == 0 && cat <= FCAT_PRIVATE; cat++) {
		const char *term = NULL;
		int s = window_score(&sc, cat, (size_t)c->kw.window, person_given, &term);
		if (s >= c->kw.threshold &&
		    ffindings_add(out, "keywords", (enum fcat)cat, g->where,
			s * 100 / (c->kw.threshold * 2), term) < 0)
			rc = -1;
	}
	free(sc.t);
	free(sc.h);
	fbuf_free(&low);
	return rc;
}

/* Subjects are short: the person they speak of is often named in the body
 * ("Per V. har fået kræft" / "Han vil ikke ..."), so they are scanned last. */
int
fkw_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out)
{
	int cpr_seen = (ffindings_cats(out) >> FCAT_CPR) & 1, body_person = 0;

	if (!c->kw.enabled || c->kw.dict == NULL)
		return 0;
	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *g = &m->segs.v[i];
		int person = 0;
		if (g->where == FWHERE_SUBJECT)
			continue;
		if (scan_segment(c, g, cpr_seen, &person, out) < 0)
			return -1;
		body_person |= g->where == FWHERE_BODY && person;
	}
	for (size_t i = 0; i < m->segs.n; i++)
		if (m->segs.v[i].where == FWHERE_SUBJECT &&
		    scan_segment(c, &m->segs.v[i], cpr_seen || body_person, NULL, out) < 0)
			return -1;
	return 0;
}
