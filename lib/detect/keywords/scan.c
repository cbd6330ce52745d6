/* scan: the keyword scan. One Vectorscan pass over the segment in
 * ftext_canon form finds the candidate words; only around those is the text
 * read word by word: the entry is checked on its tokens, the token index is
 * counted for the window, and name pairs are looked for only within a
 * window of a category word. Results equal a full tokenisation's. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buffer.h"
#include "detect/detect.h"
#include "detect/keywords/keywords.h"
#include "detect/keywords/internal.h"
#include "detect/keywords/scan.h"
#include "detect/keywords/tokens.h"
#include "analyse/signoff.h"
#include "base/text.h"



/* A root is a prefix: " bor" fires on every "borger". An anchor word that
 * starts a token must be there whole, and end there unless it has a "*"
 * ending; dropping the rest here keeps the raw hits few, so most segments
 * never build their token array. (A "*x" anchor matches anywhere in its
 * token, so the token decides; check_raw does that.) */
static int
anchor_here(const struct scan *sc, const struct kw_entry *e, size_t at)
{
	const struct kw_word *a = &e->w[e->anchor];
	size_t n = sc->len + 2;

	if (a->pre)
		return 1;
	if (at > n || n - at < a->len + !a->suf || memcmp(sc->cb + at, a->w, a->len) != 0)
		return 0;
	return a->suf || sc->cb[at + a->len] == ' ';
}

static int
on_raw(size_t at, size_t entry, void *arg)
{
	struct scan *sc = arg;

	if (entry >= sc->d->n) {
		/* A phrase's anchor word: the phrase starts off bytes before it
		 * (in the segment's text: cb has one blank more). */
		size_t ph = entry - sc->d->n, off = sc->d->disc_off[ph];
		if (sc->base + at < off + 1)
			return 0;
		if (fgrow((void **)&sc->p, &sc->capp, sc->np + 1, sizeof(*sc->p)) < 0)
			return -1;
		sc->p[sc->np].at = sc->base + at - 1 - off;
		sc->p[sc->np].phrase = ph;
		sc->np++;
		return 0;
	}
	if (!anchor_here(sc, &sc->d->e[entry], sc->base + at))
		return 0;
	if (fgrow((void **)&sc->r, &sc->capr, sc->nr + 1, sizeof(*sc->r)) < 0)
		return -1;
	sc->r[sc->nr].at = sc->base + at;
	sc->r[sc->nr].entry = entry;
	sc->nr++;
	return 0;
}

static int
add_hit(struct scan *sc, size_t at, size_t off, int entry)
{
	if (fgrow((void **)&sc->h, &sc->caph, sc->nh + 1, sizeof(*sc->h)) < 0)
		return -1;
	sc->h[sc->nh].at = at;
	sc->h[sc->nh].off = off;
	sc->h[sc->nh].entry = entry;
	sc->nh++;
	return 0;
}

/* ---- checks on one token ---- */

static int
word_match(const struct kw_word *w, const char *s, size_t n)
{
	if (w->any)
		return n > 0;
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
by_cand(const void *a, const void *b)
{
	const struct fsignoff_cand *x = a, *y = b;

	return (x->at > y->at) - (x->at < y->at);
}


/* Does entry e start at token first? */
static int
entry_at(struct scan *sc, const struct kw_entry *e, struct fkw_tok_word first)
{
	struct fkw_tok_word t = first;

	for (size_t k = 0; k < e->nw; k++) {
		if (k > 0)
			t = fkw_tok_next(&sc->tk, t);
		if (t.len == 0 || !word_match(&e->w[k], sc->cb + t.s, t.len) || fkw_person_excluded(sc, t))
			return 0;
	}
	return 1;
}

/* Engine hits come nearly in order (by where a match ends, a root's length
 * apart at most): insertion sort, which costs a step or two per hit. Lists
 * that are not (two sorted runs, as after the name pairs) go to qsort once
 * the moves pass a few per element, so no input makes this quadratic. */
static void
sort_small(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = v, tmp[32];
	size_t budget = 8 * n + 64 * 64;

	if (size > sizeof(tmp)) {
		qsort(v, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		memcpy(tmp, b + i * size, size);
		while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0) {
			memcpy(b + j * size, b + (j - 1) * size, size);
			j--;
		}
		memcpy(b + j * size, tmp, size);
		if (i - j >= budget) {
			qsort(v, n, size, cmp);
			return;
		}
		budget -= i - j;
	}
}

static int
by_pos(const void *a, const void *b)
{
	const struct raw *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Does entry e hold at raw hit at (a byte of its anchor word)? *t gets the
 * anchor's word, *first the entry's first. */
static int
holds(struct scan *sc, const struct kw_entry *e, size_t at, size_t hint, struct fkw_tok_word *t,
    struct fkw_tok_word *first)
{
	size_t k;

	*t = fkw_tok_of(&sc->tk, at, hint);
	*first = *t;
	for (k = 0; k < e->anchor && (*first = fkw_tok_prev(&sc->tk, *first)).len; k++)
		;
	return k == e->anchor && entry_at(sc, e, *first);
}


/* Raw engine hits r[from..] -> checked hits (appended) with their token
 * index, counted only for the hits that hold: most raw hits are a root
 * inside a longer word. Without the token array from must be 0. */
static int
check_raw(struct scan *sc, size_t from)
{
	size_t pos = 1, idx = 0, hint = 0;

	if (sc->nr > from)
		sort_small(sc->r + from, sc->nr - from, sizeof(*sc->r), by_pos);
	for (size_t i = from; i < sc->nr; i++) {
		const struct kw_entry *e = &sc->d->e[sc->r[i].entry];
		struct fkw_tok_word t, first;
		int ok = holds(sc, e, sc->r[i].at, hint, &t, &first);
		hint = t.k;
		if (!ok || fkw_person_group(sc, first) ||
		    (e->cat == KW_PERSON && fkw_person_in_table(sc, first)))
			continue;
		if (sc->tk.nt) {
			idx = t.k;
		} else {
			idx += fkw_tok_count(sc->cb, pos, t.s);
			pos = t.s;
		}
		if (add_hit(sc, idx - e->anchor, first.s, (int)sc->r[i].entry) < 0)
			return -1;
	}
	return 0;
}

static int
by_token(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Window scoring walks hits in text order; a root seen twice in one token
 * ("kræftkræft") must count once. */
static void
sort_hits(struct scan *sc)
{
	size_t n = 0;

	if (sc->nh)
		sort_small(sc->h, sc->nh, sizeof(*sc->h), by_token);
	for (size_t i = 0; i < sc->nh; i++)
		if (n == 0 || by_token(&sc->h[n - 1], &sc->h[i]) != 0)
			sc->h[n++] = sc->h[i];
	sc->nh = n;
}


/* A person among hits [first, last), sorted by token, at a word index in
 * [from, to]: binary search keeps a long attachment linear. */
static int
person_among(const struct scan *sc, size_t first, size_t last, size_t from, size_t to)
{
	size_t lo = first, hi = last;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->h[mid].at < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < last && sc->h[lo].at <= to; lo++)
		if (fkw_person_is(sc, &sc->h[lo]))
			return 1;
	return 0;
}

/* Name pairs with their first word's index in [lo, hi], from the token
 * array: a word that cannot open a name costs one byte read, as
 * capitalised() wants an upper-case first letter. */
static int
pairs_in_array(struct scan *sc, size_t lo, size_t hi, int *found)
{
	for (size_t i = lo; i <= hi && i < sc->tk.nt; i++) {
		unsigned char c0 = (unsigned char)sc->orig[sc->tk.ts[i] - 1];
		struct fkw_tok_word a;
		if (c0 < 0x80 && (c0 < 'A' || c0 > 'Z'))
			continue;
		a = fkw_tok_k(&sc->tk, i);
		if (fkw_person_name(sc, a, fkw_tok_k(&sc->tk, i + 1))) {
			*found = 1;
			if (add_hit(sc, i, a.s, -1) < 0)
				return -1;
		}
	}
	return 0;
}

/* The same walking the text; t is token lo. */
static int
pairs_in(struct scan *sc, struct fkw_tok_word t, size_t lo, size_t hi, int *found)
{
	if (sc->tk.nt)
		return pairs_in_array(sc, lo, hi, found);
	for (size_t i = lo; t.len && i <= hi; i++) {
		struct fkw_tok_word n = fkw_tok_next(&sc->tk, t);
		if (fkw_person_name(sc, t, n)) {
			*found = 1;
			if (add_hit(sc, i, t.s, -1) < 0)
				return -1;
		}
		t = n;
	}
	return 0;
}

/* Name pairs within window of each window that qualifies (token array
 * built). The windows' starts rise: each token is looked at once. Looked
 * for before person words: a name in reach makes the person pass there
 * needless, and names are only capital letters to check. */
static int
pairs_near(struct scan *sc, size_t window)
{
	size_t done = 0;   /* token indices below done are looked at */
	int found = 0;

	for (size_t i = 0; i < sc->nq; i++) {
		size_t k = sc->q[i], lo = k > window ? k - window : 0, hi = k + window;
		if (hi < done)
			continue;
		if (lo < done)
			lo = done;
		if (lo < sc->tk.nt && pairs_in(sc, fkw_tok_k(&sc->tk, lo), lo, hi, &found) < 0)
			return -1;
		done = hi + 1;
	}
	return 0;
}

/* Marks for the entries already counted in a window: wanted only when a
 * window holds many hits (text that is all case words), where comparing
 * each with every earlier one would grow with the square. 0 when there is
 * no memory for them: the caller compares instead. */
static int
stamps(struct scan *sc)
{
	if (sc->stamp == NULL && (sc->stamp = calloc(sc->d->n, sizeof(*sc->stamp))) == NULL)
		return 0;
	if (++sc->gen == 0) {
		memset(sc->stamp, 0, sc->d->n * sizeof(*sc->stamp));
		sc->gen = 1;
	}
	return 1;
}

/* Is hit b's entry one of hits [a, b)? */
static int
seen(struct scan *sc, size_t a, size_t b, int marks)
{
	size_t e = (size_t)sc->h[b].entry;

	if (marks) {
		if (sc->stamp[e] == sc->gen)
			return 1;
		sc->stamp[e] = sc->gen;
		return 0;
	}
	for (size_t k = a; k < b; k++)
		if (sc->h[k].entry == sc->h[b].entry)
			return 1;
	return 0;
}

/* The distinct weights of hit a's category in the window that starts at a;
 * *top gets the strongest term. */
static int
window_sum(struct scan *sc, size_t a, size_t window, const char **top)
{
	const struct hit *ha = &sc->h[a];
	int cat = sc->d->e[ha->entry].cat, sum = 0, topw = 0;
	/* More than 16 hits in the window: hit a + 16 is still inside. */
	int marks = a + 16 < sc->nh && sc->h[a + 16].at < ha->at + window && stamps(sc);

	*top = NULL;
	for (size_t b = a; b < sc->nh && sc->h[b].at < ha->at + window; b++) {
		const struct kw_entry *e;
		if (sc->h[b].entry < 0 || sc->d->e[sc->h[b].entry].cat != cat || seen(sc, a, b, marks))
			continue;
		e = &sc->d->e[sc->h[b].entry];
		sum += e->weight;
		if (e->weight > topw) {
			topw = e->weight;
			*top = e->term;
		}
	}
	return sum;
}


/* The best window score of each category (best[cat - FCAT_HEALTH], zeroed
 * by the caller), its strongest term and its person. Hits come in token
 * order, so the first person in reach is followed with one index, not
 * searched for each. */
static void
window_scores(struct scan *sc, size_t window, int cpr_seen, int *best,
    const char **term, char (*who)[48], size_t *start)
{
	size_t p = 0;

	for (size_t a = 0; a < sc->nh; a++) {
		const struct hit *ha = &sc->h[a];
		size_t lo = ha->at > window ? ha->at - window : 0;
		const char *top;
		int cat, sum;
		if (ha->entry < 0 || (cat = sc->d->e[ha->entry].cat) == KW_PERSON)
			continue;
		while (!cpr_seen && p < sc->nh && (sc->h[p].at < lo || !fkw_person_is(sc, &sc->h[p])))
			p++;
		if (!cpr_seen && (p == sc->nh || sc->h[p].at > ha->at + window))
			continue;
		sum = window_sum(sc, a, window, &top);
		if (sum > best[cat - FCAT_HEALTH]) {
			best[cat - FCAT_HEALTH] = sum;
			term[cat - FCAT_HEALTH] = top;
			start[cat - FCAT_HEALTH] = a;
			fkw_person_label(sc, cpr_seen, p, who[cat - FCAT_HEALTH], sizeof(who[0]));
		}
	}
}

/* The category hits found before signatures were known, less those with a
 * word inside a signature or disclaimer: what check_raw would keep now,
 * without checking every raw hit again. */
static void
drop_signed(struct scan *sc)
{
	size_t n = 0, hint = 0;

	if (sc->sig.n == 0)
		return;
	for (size_t i = 0; i < sc->nh; i++) {
		const struct kw_entry *e = &sc->d->e[sc->h[i].entry];
		struct fkw_tok_word t = fkw_tok_of(&sc->tk, sc->h[i].off, hint);
		int out = 0;
		hint = t.k;
		for (size_t k = 0; k < e->nw && !out; k++) {
			if (k > 0)
				t = fkw_tok_next(&sc->tk, t);
			out = fsignoff_covers(&sc->sig, t.s - 1);
		}
		if (!out)
			sc->h[n++] = sc->h[i];
	}
	sc->nh = n;
}


/* The predicate evidence of a finding: the distinct terms of the window
 * that starts at hit a, with their weights ("demens=2 glemsom=2"). */
static void
window_terms(const struct scan *sc, size_t a, size_t window, char *out, size_t n)
{
	int cat = sc->d->e[sc->h[a].entry].cat;
	size_t len = 0;

	out[0] = '\0';
	for (size_t b = a; b < sc->nh && sc->h[b].at < sc->h[a].at + window; b++) {
		const struct kw_entry *e;
		size_t k = a;
		if (sc->h[b].entry < 0 || sc->d->e[sc->h[b].entry].cat != cat)
			continue;
		while (k < b && sc->h[k].entry != sc->h[b].entry)
			k++;
		if (k < b)
			continue;
		e = &sc->d->e[sc->h[b].entry];
		int w = snprintf(out + len, n - len, "%s%s=%d", len ? " " : "", e->term, e->weight);
		if (w < 0 || (size_t)w >= n - len) {
			out[len] = '\0';
			return;
		}
		len += (size_t)w;
	}
}

/* The windows (by their first hit's token) that reach the threshold before
 * signatures are excluded and persons looked for: only there can either
 * change a finding, so only there are persons looked for. */
static int
qualify(struct scan *sc, const struct fconf *c)
{
	sc->nq = 0;
	for (size_t a = 0; a < sc->nh; a++) {
		const struct hit *ha = &sc->h[a];
		const char *top;
		if (ha->entry < 0 || sc->d->e[ha->entry].cat == KW_PERSON ||
		    window_sum(sc, a, (size_t)c->kw.window, &top) < c->kw.threshold)
			continue;
		if (fgrow((void **)&sc->q, &sc->capq, sc->nq + 1, sizeof(*sc->q)) < 0)
			return -1;
		sc->q[sc->nq++] = ha->at;
	}
	return 0;
}

/* Any person word or name pair in the whole segment. */
static int
any_person(struct scan *sc, int *person)
{
	struct fkw_tok_word z = { 0, 0, 0 };
	struct fkw_tok_word t = sc->tk.nt ? fkw_tok_k(&sc->tk, 0) : fkw_tok_walk_next(&sc->tk, z);

	for (size_t i = 0; i < sc->nh; i++)
		if (fkw_person_is(sc, &sc->h[i])) {
			*person = 1;
			return 0;
		}
	*person = 0;
	return pairs_in(sc, t, 0, (size_t)-1 - 1, person);
}

/* The person words of cb[s, e) (s at a blank) into the raw hits. */
static int
scan_range(struct scan *sc, const struct fkw_engine *h, size_t s, size_t e)
{
	int rc;

	if (h == NULL || e <= s)
		return 0;
	sc->base = s;
	rc = fkw_engine_scan((struct fkw_engine *)h, sc->cb + s, e - s, on_raw, sc);
	sc->base = 0;
	return rc != 0 ? -1 : 0;
}

/* The first pass: category words into the raw hits, disclaimer phrases
 * into the candidates. */
static int
main_pass(struct scan *sc)
{
	sc->main_done = 1;
	return scan_range(sc, sc->d->hs, 0, sc->len + 2);
}

/* Signatures and disclaimers of the segment, for fkw_person_excluded(): wanted only
 * once a category could count. The phrases come from the first pass; a
 * segment scanned only for persons has it now, keeping no category hit. */
static int
find_signature(struct scan *sc)
{
	if (sc->sig_done)
		return 0;
	if (!sc->main_done) {
		size_t nr = sc->nr;
		if (main_pass(sc) < 0)
			return -1;
		sc->nr = nr;
	}
	if (sc->np)
		qsort(sc->p, sc->np, sizeof(*sc->p), by_cand);
	fsignoff_find_cand(sc->orig, sc->len, sc->p, sc->np, &sc->sig);
	sc->sig_done = 1;
	sc->nosig = 0;
	return 0;
}

/* One window's person search: a person word whose entry starts at a word
 * index in [lo, hi]; hint is a word at or before the search. */
struct person_win {
	struct scan *sc;
	size_t lo, hi, hint;
	size_t n;          /* hits from n on are this pass's persons, kept sorted */
};

/* A person word from the engine, checked at once and kept if it holds (a
 * later window may want it); the first in the window ends the search (1),
 * as one person is all a window needs. */
static int
on_person(size_t at, size_t entry, void *arg)
{
	struct person_win *pw = arg;
	struct scan *sc = pw->sc;
	const struct kw_entry *e = &sc->d->e[entry];
	struct fkw_tok_word t, first;
	size_t idx;

	if (!holds(sc, e, sc->base + at, pw->hint, &t, &first) || fkw_person_group(sc, first) ||
	    fkw_person_in_table(sc, first))
		return 0;
	pw->hint = t.k;
	idx = t.k - e->anchor;
	if (add_hit(sc, idx, first.s, (int)entry) < 0)
		return -1;
	/* Mostly in order already: a step or two back at most. */
	for (size_t i = sc->nh - 1; i > pw->n && sc->h[i - 1].at > sc->h[i].at; i--) {
		struct hit tmp = sc->h[i];
		sc->h[i] = sc->h[i - 1];
		sc->h[i - 1] = tmp;
	}
	return idx >= pw->lo && idx <= pw->hi;
}

/* Person words only where they can count: within window words of a window
 * that qualifies and has no name in reach yet (and a phrase's length on,
 * for a phrase's later anchor). Each window stops at its first person; a
 * region scanned to its end is not scanned again for the next window, as
 * every person in it was kept. */
static int
scan_persons(struct scan *sc, size_t window)
{
	size_t n = sc->nh, done = 0;

	if (sc->d->hs_person == NULL)
		return 0;
	for (size_t i = 0; i < sc->nq; i++) {
		size_t k = sc->q[i], lo = k > window ? k - window - 1 : 0,
		    hi = k + window + KW_MAX_WORDS < sc->tk.nt ? k + window + KW_MAX_WORDS : sc->tk.nt - 1;
		size_t s = sc->tk.ts[lo] - 1, e = fkw_tok_end(&sc->tk, hi);
		struct person_win pw = { sc, k > window ? k - window : 0, k + window, lo, n };
		int rc;
		if (person_among(sc, 0, n, pw.lo, pw.hi) || person_among(sc, n, sc->nh, pw.lo, pw.hi))
			continue;
		if (s < done)
			s = done;
		if (s >= e)
			continue;
		sc->base = s;
		rc = fkw_engine_scan(sc->d->hs_person, sc->cb + s, e - s, on_person, &pw);
		sc->base = 0;
		if (rc < 0)
			return -1;
		if (rc == 0)
			done = e;
	}
	return 0;
}

/* Category findings. Most segments stop after the first engine pass (no
 * category word) or the upper bound (signatures not yet excluded, a person
 * assumed): excluding words and finding persons only ever lowers a score. */
static int
categories(struct scan *sc, const struct fconf *c, int person_given, enum fwhere where,
    struct ffindings *out)
{
	size_t window = (size_t)c->kw.window;
	int best[FCAT_PRIVATE - FCAT_HEALTH + 1] = { 0 };
	const char *term[FCAT_PRIVATE - FCAT_HEALTH + 1] = { NULL };
	char who[FCAT_PRIVATE - FCAT_HEALTH + 1][48] = { "" };
	size_t start[FCAT_PRIVATE - FCAT_HEALTH + 1] = { 0 };

	if (main_pass(sc) < 0)
		return -1;
	if (sc->nr == 0)
		return 0;
	sc->nosig = 1;
	/* Many raw hits: the token array is cheaper than walking to each. */
	if ((sc->nr >= 16 && fkw_tok_build(&sc->tk) < 0) || check_raw(sc, 0) < 0)
		return -1;
	sort_hits(sc);
	if (qualify(sc, c) < 0)
		return -1;
	if (sc->nq == 0)
		return 0;
	/* Asked only now: most segments never get here. */
	if ((sc->public_text = fkw_person_public_text(sc->d, sc->cb, sc->len + 2)) < 0 ||
	    fkw_tok_build(&sc->tk) < 0 || find_signature(sc) < 0)
		return -1;
	if (sc->public_text < sc->public_subject)
		sc->public_text = sc->public_subject;
	drop_signed(sc);
	if (!person_given && sc->own)
		fkw_person_drop_writer(sc);
	if (!person_given) {
		if (pairs_near(sc, window) < 0)
			return -1;
		sort_hits(sc);
		if (scan_persons(sc, window) < 0)
			return -1;
		sort_hits(sc);
	}
	window_scores(sc, window, person_given, best, term, who, start);
	for (int cat = FCAT_HEALTH; cat <= FCAT_PRIVATE; cat++) {
		int s = best[cat - FCAT_HEALTH];
		if (s < c->kw.threshold || fkw_person_judged_public(sc, c, cat))
			continue;
		if (ffindings_add(out, "keywords", (enum fcat)cat, where,
		    s * 100 / (c->kw.threshold * 2), term[cat - FCAT_HEALTH]) < 0)
			return -1;
		fstrlcpy(out->v[out->n - 1].person, who[cat - FCAT_HEALTH][0] ? who[cat - FCAT_HEALTH] :
		    "named in the body", sizeof(out->v[0].person));
		window_terms(sc, start[cat - FCAT_HEALTH], window, out->v[out->n - 1].terms,
		    sizeof(out->v[0].terms));
	}
	return 0;
}

/* Does the segment name or point at a person anywhere? */
static int
persons_anywhere(struct scan *sc, int *person)
{
	sc->nr = 0;
	sc->nh = 0;
	if (fkw_tok_build(&sc->tk) < 0 || scan_range(sc, sc->d->hs_person, 0, sc->len + 2) < 0 ||
	    find_signature(sc) < 0 || check_raw(sc, 0) < 0)
		return -1;
	sort_hits(sc);
	if ((sc->public_text = fkw_person_public_text(sc->d, sc->cb, sc->len + 2)) < 0)
		return -1;
	if (sc->public_text < sc->public_subject)
		sc->public_text = sc->public_subject;
	return any_person(sc, person);
}

struct who {
	const char *self;   /* the sender's and addressees' names */
	int own;            /* the member's own mail */
	int pub;            /* its subject says it is a public text */
};

/* Findings of one segment into out (NULL: none wanted); *person (NULL: not
 * wanted) receives whether the segment names or points at a person at all.
 * cb is scratch space of at least g->len + 2 bytes. */
static int
scan_segment(const struct fconf *c, const struct who *w, const struct fseg *g,
    int person_given, int *person, struct ffindings *out, char *cb)
{
	struct scan sc;
	int rc = 0;

	memset(&sc, 0, sizeof(sc));
	sc.d = c->kw.dict;
	sc.self = w->self;
	sc.public_subject = g->where == FWHERE_BODY ? w->pub : 0;
	sc.own = w->own && (g->where == FWHERE_BODY || g->where == FWHERE_SUBJECT);
	sc.orig = g->text;
	sc.cb = cb;
	sc.len = g->len;
	sc.tk.cb = cb;
	sc.tk.n = g->len + 2;
	cb[0] = ' ';
	ftext_canon(cb + 1, g->text, g->len);
	cb[g->len + 1] = ' ';
	if (out)
		rc = categories(&sc, c, person_given, g->where, out);
	if (rc == 0 && person)
		rc = persons_anywhere(&sc, person);
	free(sc.r);
	free(sc.h);
	free(sc.p);
	free(sc.q);
	fkw_tok_free(&sc.tk);
	free(sc.stamp);
	fsignoff_free(&sc.sig);
	return rc < 0 ? -1 : 0;
}

/* Does any body segment name a person? Asked only when a subject needs it. */
static int
body_person(const struct fconf *c, const struct who *w, const struct fmsg *m, char *cb,
    int *person)
{
	*person = 0;
	for (size_t i = 0; i < m->segs.n && !*person; i++)
		if (m->segs.v[i].where == FWHERE_BODY &&
		    scan_segment(c, w, &m->segs.v[i], 1, person, NULL, cb) < 0)
			return -1;
	return 0;
}

/* Subjects are short: the person they speak of is often named in the body
 * ("Per V. har fået kræft" / "Han vil ikke ..."), so they are scanned last,
 * and the body is searched for a person only when a subject needs one. */
static int
scan_subjects(const struct fconf *c, const struct who *w, const struct fmsg *m, int cpr_seen,
    char *cb, struct ffindings *out)
{
	int person = -1;

	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *g = &m->segs.v[i];
		struct ffindings probe = { 0 };
		size_t found;
		int rc;
		if (g->where != FWHERE_SUBJECT)
			continue;
		if (!cpr_seen && person < 0) {
			/* Without a person in reach nothing can count: look first. */
			rc = scan_segment(c, w, g, 1, NULL, &probe, cb);
			found = probe.n;
			ffindings_free(&probe);
			if (rc < 0)
				return -1;
			if (found == 0)
				continue;
			if (body_person(c, w, m, cb, &person) < 0)
				return -1;
		}
		if (scan_segment(c, w, g, cpr_seen || person > 0, NULL, out, cb) < 0)
			return -1;
	}
	return 0;
}

int
fkw_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out)
{
	int cpr_seen = (ffindings_cats(out) >> FCAT_CPR) & 1, rc = 0;
	struct who w;
	char self[sizeof(m->from_name) + sizeof(m->to_names) + 1];
	size_t max = 0, n1 = strlen(m->from_name), n2 = strlen(m->to_names);
	char *cb;

	/* The sender's and the addressees' names, lower-cased (ftext_canon
	 * keeps the length, every non-letter a blank). */
	ftext_canon(self, m->from_name, n1);
	self[n1] = ' ';
	ftext_canon(self + n1 + 1, m->to_names, n2);
	self[n1 + 1 + n2] = '\0';
	if (!c->kw.enabled || c->kw.dict == NULL)
		return 0;
	for (size_t i = 0; i < m->segs.n; i++)
		if (m->segs.v[i].len > max)
			max = m->segs.v[i].len;
	if ((cb = malloc(max + 2)) == NULL)
		return -1;
	w.self = self;
	w.own = m->by_member;
	if ((w.pub = fkw_person_public_subject(c->kw.dict, m, cb)) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < m->segs.n; i++)
		if (m->segs.v[i].where != FWHERE_SUBJECT)
			rc = scan_segment(c, &w, &m->segs.v[i], cpr_seen, NULL, out, cb);
	if (rc == 0)
		rc = scan_subjects(c, &w, m, cpr_seen, cb, out);
	free(cb);
	return rc;
}
