/* dictionary: dictionary words per category. A category is found when, inside a
 * window of words, the distinct terms' weights reach the threshold and the
 * same window talks about a person (a person word, a capitalised name pair,
 * or a CPR number in the message). One policy word does not flag a mail. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buffer.h"
#include "detect/detect.h"
#include "detect/keywords/keywords.h"
#include "detect/keywords/engine.h"
#include "detect/keywords/internal.h"
#include "detect/keywords/scan.h"
#include "detect/keywords/wordset.h"
#include "analyse/signoff.h"
#include "base/text.h"

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
	fkw_set_free(d->exclude);
	fkw_set_free(d->names);
	fkw_set_free(d->names_pair);
	fkw_set_free(d->person_words);
	fkw_set_free(d->stop);
	free(d->e);
	fkw_engine_free(d->hs);
	fkw_engine_free(d->hs_person);
	fkw_engine_free(d->hs_public);
	free(d->disc_off);
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
push_word(struct fkw_set *set, const char *w, size_t n)
{
	char *low = lower_dup(w, n);
	int rc;

	if (low == NULL)
		return -1;
	rc = fkw_set_add(set, low, strlen(low));
	free(low);
	return rc;
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
		if (strcmp(tok, "?") == 0) {
			/* Any one word: never the anchor, never first or last. */
			if (e->nw == 0 || (w->w = strdup("")) == NULL)
				return e->nw == 0 ? "'?' may not start an entry" : "out of memory";
			w->any = 1;
			e->nw++;
			continue;
		}
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
	if (e->nw && e->w[e->nw - 1].any)
		return "'?' may not end an entry";
	return e->nw ? NULL : "empty entry";
}

static void
free_entry(struct kw_entry *e)
{
	for (size_t k = 0; k < e->nw; k++)
		free(e->w[k].w);
	free(e->term);
}

/* An entry listed twice in one category counts once, at its higher weight:
 * "distinct terms" must not depend on how a list was edited. */
static int
merged(struct fkw_dict *d, const struct kw_entry *e)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].cat == e->cat && strcasecmp(d->e[i].term, e->term) == 0) {
			if (e->weight > d->e[i].weight)
				d->e[i].weight = e->weight;
			return 1;
		}
	return 0;
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
		if (cat == LIST_EXCLUDE || cat == LIST_NAMES) {
			/* "per +": a name that is also a word counts only with a surname */
			size_t wl = strcspn(p, " \t");
			int pair = cat == LIST_NAMES && strchr(p + wl, '+') != NULL;
			if (push_word(cat == LIST_EXCLUDE ? d->exclude : pair ? d->names_pair : d->names,
			    p, cat == LIST_NAMES ? wl : strlen(p)) < 0)
				goto oom;
			if (cat == LIST_NAMES)
				d->nnames++;
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
		if (merged(d, &e)) {
			free_entry(&e);
			continue;
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
	return d->hs && fkw_engine_scan(d->hs, low, len, count_root, hits) != 0 ? -1 : 0;
}

/* Frequent words make poor anchors: they fire on most lines. */
static const char *const weak_anchor[] = {
	"blive", "bliver", "blevet", "være", "været", "har", "have", "ikke", "for",
	"til", "med", "mod", "fra", "ud", "af", "om", "på", "sin", "sit", "sine",
	"ham", "han", "hun", "den", "det", "der", "en", "et", "og", "at", "i",
	"er", "var", "som", "kan", "skal", "vil", "in", "of", "the", "a", "to",
	"her", "him", "his", "from", "can", "går", "får", "fået", "kommer", "tage", "tager",
	"uden", "selv", "mere", "meget", "ligger", "kunne", "sammen", "ingen", "kommunen",
	"hele", "også", "when", "with", "into", "sagen", NULL
};

/* Everyday words of council mail: better than a stop word, worse than any
 * other (a phrase "privat økonomi" is looked for at "privat"). */
static const char *const common_anchor[] = {
	"økonomi", "økonomiske", "afdeling", "problemer", "behandling", "tidligere",
	"arbejde", "undersøgelse", "institution", "familien", "hjemmet", "personlig",
	"personligt", "registreret", "betale", "afslag", "nedsat", "støttet", "social",
	"socialt", "services", "order", "child", "taken", "leave", "medical", "removed",
	"placed", "parents", "benefits", "police", "criminal", "reported", "plejehjem",
	"plejehjemmet", "skole", "skolen", "politiet", "børn", "børnene", "ældre", "hjem", NULL
};

static int
listed(const char *const *list, const struct kw_word *w)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == w->len && memcmp(list[i], w->w, w->len) == 0)
			return 1;
	return 0;
}

static int
anchor_rank(const struct kw_word *w)
{
	int r = (int)w->len * 4 - (w->pre + w->suf);

	if (w->any)
		return -100000;
	if (listed(weak_anchor, w))
		return r - 1000;
	return listed(common_anchor, w) ? r - 500 : r;
}

/* Anchor phrases on their rarest-looking word, not on "i" or "blive";
 * which word it is changes speed only: the scan checks the whole entry. */
static void
pick_anchors(struct fkw_dict *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct kw_entry *e = &d->e[i];
		for (size_t k = 1; k < e->nw; k++)
			if (anchor_rank(&e->w[k]) > anchor_rank(&e->w[e->anchor]))
				e->anchor = k;
	}
}

/* The literals of one database: the anchors of the category entries and of
 * the disclaimer phrases (ids from d->n), or of the person entries. */
enum lits_kind { LITS_CATEGORY, LITS_PERSON };

struct lits {
	const char **w;
	size_t *l, *id, n;
	unsigned *f;
	char *canon;
};

static void
lits_free(struct lits *L)
{
	free(L->w);
	free(L->l);
	free(L->id);
	free(L->f);
	free(L->canon);
}

/* A disclaimer phrase's anchor: its rarest-looking word after the first, so
 * a phrase that starts inside a word is still found (a later word always
 * starts after a blank). canon is the phrase in ftext_canon form; returns
 * the word's offset and sets *len. */
static size_t
disc_anchor(const char *canon, size_t n, size_t *len)
{
	size_t best = 0, p = 0;
	int rank = 0;

	*len = 0;
	while (p < n && canon[p] != ' ')
		p++;
	while (p < n) {
		struct kw_word w = { NULL, 0, 0, 1, 0 };
		size_t s;
		while (p < n && canon[p] == ' ')
			p++;
		for (s = p; p < n && canon[p] != ' '; p++)
			;
		w.w = (char *)(canon + s);
		w.len = p - s;
		if (w.len > 0 && (*len == 0 || anchor_rank(&w) > rank)) {
			rank = anchor_rank(&w);
			best = s;
			*len = w.len;
		}
	}
	return best;
}

/* The phrases' anchors into L (after the entries), their offsets into
 * d->disc_off: the engine reports the anchor, the phrase starts off before. */
static int
disc_lits(struct fkw_dict *d, struct lits *L)
{
	size_t np, clen = 0;
	const char *const *ph = fsignoff_phrases(&np);

	if ((d->disc_off = calloc(np + 1, sizeof(size_t))) == NULL)
		return -1;
	for (size_t i = 0; i < np; i++) {
		size_t pl = strlen(ph[i]), wl, off;
		ftext_canon(L->canon + clen, ph[i], pl);
		off = disc_anchor(L->canon + clen, pl, &wl);
		L->w[L->n] = L->canon + clen + off;
		clen += pl;
		if (wl == 0)
			continue;   /* a one-word phrase: test_split rules it out */
		L->l[L->n] = wl;
		L->f[L->n] = FKW_ENGINE_SUF;
		L->id[L->n++] = d->n + i;
		d->disc_off[i] = off;
	}
	return 0;
}

static int
lits_make(struct fkw_dict *d, enum lits_kind kind, struct lits *L)
{
	size_t np, clen = 0, cap;
	const char *const *ph = fsignoff_phrases(&np);

	memset(L, 0, sizeof(*L));
	if (kind != LITS_CATEGORY)
		np = 0;
	cap = d->n + np;
	for (size_t i = 0; i < np; i++)
		clen += strlen(ph[i]);
	if ((L->w = calloc(cap + 1, sizeof(*L->w))) == NULL ||
	    (L->l = calloc(cap + 1, sizeof(*L->l))) == NULL ||
	    (L->id = calloc(cap + 1, sizeof(*L->id))) == NULL ||
	    (L->f = calloc(cap + 1, sizeof(*L->f))) == NULL ||
	    (L->canon = malloc(clen + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		const struct kw_word *a = &d->e[i].w[d->e[i].anchor];
		if ((d->e[i].cat == KW_PERSON) != (kind == LITS_PERSON))
			continue;
		L->w[L->n] = a->w;
		L->l[L->n] = a->len;
		L->f[L->n] = (a->pre ? FKW_ENGINE_PRE : 0) | (a->suf ? FKW_ENGINE_SUF : 0);
		L->id[L->n++] = i;
	}
	return kind == LITS_CATEGORY ? disc_lits(d, L) : 0;
}

/* Two databases: category words and disclaimer phrases are looked for in
 * every segment; person words (common in any mail) only once a category
 * word could count, and only in the windows where they matter. Phrases are
 * anchored on a long word, as entries are: a literal of common words would
 * slow the pass that every mail takes.
 * An empty list leaves *h NULL (nothing of that kind is found). */
static int
build_one(struct fkw_dict *d, enum lits_kind kind, struct fkw_engine **h, const char *dir,
    char *err, size_t errlen)
{
	struct lits L;
	char why[256];
	int rc = 0;

	if (lits_make(d, kind, &L) < 0) {
		snprintf(err, errlen, "%s:0: out of memory", dir);
		rc = -1;
	} else if (L.n > 0 && (*h = fkw_engine_build(L.w, L.l, L.f, L.id, L.n, why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s:0: word lists: %s", dir, why);
		rc = -1;
	}
	lits_free(&L);
	return rc;
}

/* One-word person entries as a set: the first-person check asks whether a
 * sentence names anyone besides the writer. */
static int
build_person_words(struct fkw_dict *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct kw_entry *e = &d->e[i];
		if (e->cat == KW_PERSON && e->nw == 1 && !e->w[0].pre && !e->w[0].suf &&
		    fkw_set_add(d->person_words, e->w[0].w, e->w[0].len) < 0)
			return -1;
	}
	return 0;
}

/* The public-text markers: one more small database, asked per segment
 * only once a window could count. */
static int
build_public(struct fkw_dict *d, const char *dir, char *err, size_t errlen)
{
	const char **w = NULL;
	size_t *len = NULL, n = 0;
	unsigned *flags = NULL;
	char why[256];
	int rc = -1;

	if (fkw_person_marker_words(&w, &len, &n) < 0 ||
	    (flags = calloc(n ? n : 1, sizeof(*flags))) == NULL)
		snprintf(err, errlen, "%s:0: out of memory", dir);
	else if ((d->hs_public = fkw_engine_build(w, len, flags, NULL, n, why, sizeof(why))) == NULL)
		snprintf(err, errlen, "%s:0: public-text markers: %s", dir, why);
	else
		rc = 0;
	free(w);
	free(len);
	free(flags);
	return rc;
}

static int
build_engine(struct fkw_dict *d, const char *dir, char *err, size_t errlen)
{
	if (build_person_words(d) < 0) {
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return -1;
	}
	pick_anchors(d);
	if (build_one(d, LITS_CATEGORY, &d->hs, dir, err, errlen) < 0 ||
	    build_one(d, LITS_PERSON, &d->hs_person, dir, err, errlen) < 0 ||
	    build_public(d, dir, err, errlen) < 0)
		return -1;
	return 0;
}

static int
build_stop(struct fkw_dict *d)
{
	for (size_t i = 0; name_stop[i]; i++)
		if (fkw_set_add(d->stop, name_stop[i], strlen(name_stop[i])) < 0)
			return -1;
	return 0;
}

struct fkw_dict *
fkw_dict_load(const char *dir, char *err, size_t errlen)
{
	struct fkw_dict *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->exclude = fkw_set_new()) == NULL || (d->names = fkw_set_new()) == NULL ||
	    (d->names_pair = fkw_set_new()) == NULL || (d->person_words = fkw_set_new()) == NULL ||
	    (d->stop = fkw_set_new()) == NULL || build_stop(d) < 0) {
		fkw_dict_free(d);
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (load_file(d, dir, lists[i].file, lists[i].cat, 0, err, errlen) < 0)
			goto fail;
	if (load_file(d, dir, "exclude.txt", LIST_EXCLUDE, 1, err, errlen) < 0 ||
	    load_file(d, dir, "names.txt", LIST_NAMES, 1, err, errlen) < 0)
		goto fail;
	if (build_engine(d, dir, err, errlen) < 0)
		goto fail;
	return d;
fail:
	fkw_dict_free(d);
	return NULL;
}
