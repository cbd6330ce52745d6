/* signoff: where a writer's own words stop. A signature starts at a closing
 * line ("Med venlig hilsen", "Mvh", "Best regards", "-- ", "Sendt fra min
 * iPhone") and runs over the short lines after it (name, title, phone,
 * address). A disclaimer is a paragraph with the stock phrases of a
 * confidentiality notice. A "P.S." or a paragraph of prose ends a signature,
 * so text written after it is still read. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analyse/quote.h"
#include "analyse/signoff.h"
#include "base/phrases.h"

#define SIG_MAX_LINE 80    /* longer lines are prose, not a signature */
#define SIG_MAX_LINES 15   /* non-blank lines a signature may span */

/* Closing phrases; the rest of the line may hold a short name. */
static const char *const closings[] = {
	"med venlig hilsen", "med venlige hilsner", "venlig hilsen", "venlige hilsner",
	"de bedste hilsner", "bedste hilsner", "bedste hilsen", "kærlig hilsen",
	"mange hilsner", "hilsen", "mvh", "vh", "best regards", "kind regards",
	"warm regards", "regards", "best wishes", "sincerely", "yours sincerely", NULL
};
/* Lines that are signatures by themselves (phone mail apps). */
static const char *const sig_lines[] = {
	"sendt fra min iphone", "sendt fra min ipad", "sendt fra min mobil",
	"sendt fra outlook", "hent outlook til", "sent from my iphone",
	"sent from my ipad", "sent from outlook", "get outlook for", "sendt fra mail",
	NULL
};
/* Stock phrases of confidentiality notices, Danish and English. */
static const char *const disclaimer_phrases[] = {
	"kan indeholde fortrolig", "indeholde fortrolige oplysninger",
	"udelukkende beregnet for", "udelukkende beregnet til", "kun beregnet for",
	"kun beregnet til", "er beregnet for modtageren", "hvis du har modtaget denne",
	"hvis du har modtaget den ved en fejl", "hvis du ved en fejl har modtaget",
	"modtaget ved en fejl", "modtaget denne e-mail ved en fejl",
	"bedes du slette", "bedes du venligst slette", "give afsender besked",
	"underrette afsender", "underrette afsenderen", "kontakte afsenderen",
	"may contain confidential", "may contain privileged", "is intended only for",
	"intended solely for", "intended recipient", "if you have received this",
	"received this e-mail in error", "received this email in error",
	"received this message in error", "please notify the sender",
	"please delete", "strictly prohibited",
	/* Secure-mail and privacy footers of public bodies. */
	"send ikke fortrolige", "send ikke følsomme", "brug i stedet digital post",
	"brug i stedet sikker post", "hvordan vi behandler dine personoplysninger",
	"hvordan vi behandler personoplysninger", "do not send confidential",
	"do not send sensitive", "how we process your personal data", NULL
};
/* Words that open a disclaimer paragraph on their own. */
static const char *const disclaimer_heads[] = {
	"fortrolighed:", "fortrolighedserklæring", "ansvarsfraskrivelse",
	"disclaimer:", "confidentiality notice", "confidentiality:",
	"this e-mail and any attachments", "this email and any attachments",
	"denne e-mail og eventuelle vedhæftede", "denne mail og eventuelle vedhæftede",
	NULL
};


/* The first two letters decide for almost every line: inline, so the
 * common mismatch costs a few instructions (every phrase has two). */
static inline int
two_ci(const char *s, size_t n, const char *w)
{
	return n >= 2 && (((unsigned char)s[0] | 0x20) == (unsigned char)w[0] || s[0] == w[0]) &&
	    (((unsigned char)s[1] | 0x20) == (unsigned char)w[1] || s[1] == w[1]);
}

static inline int
starts_ci(const char *s, size_t n, const char *w)
{
	size_t wl;

	if (!two_ci(s, n, w))
		return 0;
	wl = strlen(w);
	return n >= wl && strncasecmp(s, w, wl) == 0;
}

/* Disclaimer phrases anywhere in a paragraph, in one pass (base/phrases.h)
 * rather than a search for each of the 30 phrases in turn. */
static struct fphr pf;
static pthread_once_t pf_once = PTHREAD_ONCE_INIT;

static void
pf_init(void)
{
	fphr_build(&pf, disclaimer_phrases);
}

static int
has_phrase(const char *s, size_t n)
{
	pthread_once(&pf_once, pf_init);
	for (size_t p = fphr_next(&pf, s, n, 0); p < n; p = fphr_next(&pf, s, n, p + 1))
		for (size_t k = 0; disclaimer_phrases[k]; k++)
			if (starts_ci(s + p, n - p, disclaimer_phrases[k]))
				return 1;
	return 0;
}

static int heads(const char *t, size_t s, size_t e);

int
fsignoff_is_disclaimer(const char *t, size_t s, size_t e)
{
	return heads(t, s, e) || has_phrase(t + s, e - s);
}

const char *const *
fsignoff_phrases(size_t *n)
{
	*n = sizeof(disclaimer_phrases) / sizeof(disclaimer_phrases[0]) - 1;
	return disclaimer_phrases;
}

const char *const *
fsignoff_closings(int apps, size_t *n)
{
	const char *const *v = apps ? sig_lines : closings;

	for (*n = 0; v[*n]; (*n)++)
		;
	return v;
}

static int
heads(const char *t, size_t s, size_t e)
{
	while (s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\n' || t[s] == '\r' ||
	    t[s] == '*' || t[s] == '_'))
		s++;
	for (size_t k = 0; disclaimer_heads[k]; k++)
		if (starts_ci(t + s, e - s, disclaimer_heads[k]))
			return 1;
	return 0;
}

/* Candidate phrases are a superset of the real ones: check each in place. */
struct cands {
	const struct fsignoff_cand *c;
	size_t n, next;
};

static int
para_disclaimer(const char *t, size_t s, size_t e, struct cands *cs)
{
	if (cs == NULL)
		return fsignoff_is_disclaimer(t, s, e);
	if (heads(t, s, e))
		return 1;
	while (cs->next < cs->n && cs->c[cs->next].at < s)
		cs->next++;
	for (size_t i = cs->next; i < cs->n && cs->c[i].at < e; i++) {
		const char *w = disclaimer_phrases[cs->c[i].phrase];
		size_t wl = strlen(w);
		if (cs->c[i].at + wl <= e && strncasecmp(t + cs->c[i].at, w, wl) == 0)
			return 1;
	}
	return 0;
}

/* A trimmed line [*s, *e). */
static void
trim(const char *t, size_t *s, size_t *e)
{
	while (*s < *e && (t[*s] == ' ' || t[*s] == '\t' || t[*s] == '>'))
		(*s)++;
	while (*e > *s && (t[*e - 1] == ' ' || t[*e - 1] == '\r' || t[*e - 1] == '\t'))
		(*e)--;
}

static unsigned char
lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* The first three bytes of every closing and app line above, as pairs
 * after the first letter ('*': any or none; test_split checks each phrase
 * still gets through): most lines stop here, and two letters let through
 * every line that starts "det", "se" or "ve". */
static int
may_close(const char *t, size_t n)
{
	static const char *const next2[128] = {
		['-'] = "-*", ['b'] = "edes", ['d'] = "e ", ['g'] = "et", ['h'] = "ilen",
		['k'] = "\xc3\xa6in", ['m'] = "edvhan", ['r'] = "eg", ['s'] = "inen",
		['v'] = "enh*", ['w'] = "ar", ['y'] = "ou",
	};
	unsigned char c0 = (unsigned char)t[0], c1, c2;
	const char *p;

	if (n < 2 || c0 >= 0x80 || (p = next2[lower_ascii(c0)]) == NULL)
		return 0;
	c1 = lower_ascii((unsigned char)t[1]);
	c2 = n > 2 ? lower_ascii((unsigned char)t[2]) : 0;
	for (; p[0]; p += 2)
		if ((unsigned char)p[0] == c1 && (p[1] == '*' || (unsigned char)p[1] == c2))
			return 1;
	return 0;
}

static int
closing_line(const char *t, size_t s, size_t e)
{
	if (!may_close(t + s, e - s))
		return 0;
	if (e - s == 2 && t[s] == '-' && t[s + 1] == '-')
		return 1;
	for (size_t k = 0; sig_lines[k]; k++)
		if (starts_ci(t + s, e - s, sig_lines[k]))
			return 1;
	for (size_t k = 0; closings[k]; k++) {
		size_t wl, rest, words = 0;
		const char *r;
		if (!starts_ci(t + s, e - s, closings[k]))
			continue;
		wl = strlen(closings[k]);
		r = t + s + wl;
		rest = e - s - wl;
		/* The phrase must end there: "hilsen" but not "hilsenen". */
		if (rest && !(*r == ' ' || *r == ',' || *r == '.' || *r == '!' || *r == '\t'))
			continue;
		for (size_t p = 0; p < rest; p++)
			words += r[p] == ' ' && p + 1 < rest && r[p + 1] != ' ';
		/* "Mvh Jens Hansen", never a sentence that merely starts so. */
		if (rest <= 40 && words <= 4 && !memchr(r, ':', rest))
			return 1;
	}
	return 0;
}

static void
add(struct fsig *g, size_t s, size_t e)
{
	/* Overlaps are merged once, by normalise(). */
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 8;
		struct fsignoff_range *p = realloc(g->r, nc * sizeof(*p));
		if (p == NULL)
			return;   /* see analyse/signoff.h: the words inside then count */
		g->r = p;
		g->cap = nc;
	}
	g->r[g->n].s = s;
	g->r[g->n].e = e;
	g->n++;
}

static size_t
line_end(const char *t, size_t len, size_t s)
{
	const char *nl = memchr(t + s, '\n', len - s);

	return nl ? (size_t)(nl - t) : len;
}

/* Quote markers ("> >") before a line's text. */
static size_t
depth(const char *t, size_t s, size_t e)
{
	size_t d = 0;

	for (; s < e && (t[s] == '>' || t[s] == ' ' || t[s] == '\t'); s++)
		d += t[s] == '>';
	return d;
}

/* A line no signature runs over: prose, a P.S., the start of an earlier
 * message (its opener or attribution), or another quote level. Without the
 * last two a short quoted reply after "Mvh Jens" was taken for his title. */
static int
sig_stop(const char *t, size_t len, size_t s, size_t e, size_t ts, size_t te, size_t lines,
    size_t d0)
{
	const char *next = e + 1 < len ? t + e + 1 : NULL;
	size_t nlen = next ? line_end(t, len, e + 1) - (e + 1) : 0;

	return te - ts > SIG_MAX_LINE || lines > SIG_MAX_LINES ||
	    starts_ci(t + ts, te - ts, "ps") || starts_ci(t + ts, te - ts, "p.s") ||
	    depth(t, s, e) != d0 || fquote_is_opener(t + s, e - s, next, nlen) ||
	    fquote_is_attribution(t + ts, te - ts, next, nlen);
}

/* The signature that starts at the closing line ls: returns its end. */
static size_t
signature_end(const char *t, size_t len, size_t ls)
{
	size_t pos = line_end(t, len, ls), end = pos, lines = 0, d0 = depth(t, ls, pos);

	while (pos < len) {
		size_t s = pos + 1, e, ts, te;
		if (s >= len)
			break;
		e = line_end(t, len, s);
		ts = s;
		te = e;
		trim(t, &ts, &te);
		if (ts < te) {
			if (sig_stop(t, len, s, e, ts, te, ++lines, d0))
				break;
			end = e;
		}
		pos = e;
	}
	return end;
}

/* The newlines of a text, 64 bytes at a time: most lines are short, and a
 * memchr call per line cost more than the checks on the line. */
struct nl_scan {
	const char *t;
	size_t len, base;
	uint64_t m;        /* newlines of t[base, base + 64) */
};

#if defined(__SSE2__)
static uint64_t
nl_mask(const char *p)
{
	const __m128i nl = _mm_set1_epi8('\n');
	uint64_t m = 0;

	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * k);
	}
	return m;
}
#endif

/* The first newline at or after from, or len. */
static size_t
nl_next(struct nl_scan *ns, size_t from)
{
#if defined(__SSE2__)
	while (from < ns->len) {
		uint64_t m;
		if (from < ns->base || from >= ns->base + 64) {
			/* Blocks at multiples of 64: a line ending in the block
			 * the last one ended in costs no new load. */
			size_t b = from & ~(size_t)63;
			if (b + 64 > ns->len)
				break;
			ns->base = b;
			ns->m = nl_mask(ns->t + b);
		}
		if ((m = ns->m >> (from - ns->base)) != 0)
			return from + (size_t)__builtin_ctzll(m);
		from = ns->base + 64;
	}
#endif
	return from < ns->len ? line_end(ns->t, ns->len, from) : ns->len;
}

static int
by_start(const void *a, const void *b)
{
	const struct fsignoff_range *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* Ranges sorted and disjoint, for fsignoff_covers' binary search: a paragraph
 * found to be a disclaimer may start before signatures already added. */
static void
normalise(struct fsig *g)
{
	size_t n = 0;

	if (g->n < 2)
		return;
	qsort(g->r, g->n, sizeof(*g->r), by_start);
	for (size_t i = 1; i < g->n; i++) {
		if (g->r[i].s <= g->r[n].e) {
			if (g->r[i].e > g->r[n].e)
				g->r[n].e = g->r[i].e;
		} else {
			g->r[++n] = g->r[i];
		}
	}
	g->n = n + 1;
}

static void
find(const char *t, size_t len, struct cands *cs, struct fsig *g)
{
	struct nl_scan ns = { t, len, (size_t)-1 / 2, 0 };
	size_t ls = 0, ps = 0;
	int in_para = 0;

	g->n = 0;
	while (ls < len) {
		size_t le = nl_next(&ns, ls), ts = ls, te = le;
		trim(t, &ts, &te);
		if (ts == te) {
			if (in_para && para_disclaimer(t, ps, ls, cs))
				add(g, ps, ls);
			in_para = 0;
		} else {
			if (!in_para) {
				ps = ls;
				in_para = 1;
			}
			if (closing_line(t, ts, te)) {
				size_t se = signature_end(t, len, ls);
				add(g, ls, se);
			}
		}
		ls = le + 1;
	}
	if (in_para && para_disclaimer(t, ps, len, cs))
		add(g, ps, len);
	normalise(g);
}

void
fsignoff_find(const char *t, size_t len, struct fsig *g)
{
	find(t, len, NULL, g);
}

void
fsignoff_find_cand(const char *t, size_t len, const struct fsignoff_cand *c, size_t nc,
    struct fsig *g)
{
	struct cands cs = { c, nc, 0 };

	find(t, len, &cs, g);
}

void
fsignoff_free(struct fsig *g)
{
	free(g->r);
	g->r = NULL;
	g->n = g->cap = 0;
}

int
fsignoff_covers(const struct fsig *g, size_t off)
{
	size_t lo = 0, hi = g->n;

	/* The last range starting at or before off (sorted, disjoint). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->r[mid].s <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && off < g->r[lo - 1].e;
}
