/* marking: explicit confidentiality markings. A marking is a tag a person set
 * on purpose: "FORTROLIGT", a subject tag, a "Lukket punkt" heading, an
 * Outlook Sensitivity or a Microsoft sensitivity label that IT lists. A
 * signature disclaimer ("kan indeholde fortrolige oplysninger") is not. */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "base/buffer.h"
#include "base/phrases.h"
#include "detect/detect.h"
#include "analyse/signoff.h"
#include "base/text.h"

static const char *const subject_words[] = {
	"fortroligt", "fortrolig", "strengt fortroligt", "confidential",
	"lukket punkt", "lukkede punkt", NULL
};
static const char *const caps_words[] = { "FORTROLIGT", "FORTROLIG", "CONFIDENTIAL", NULL };
static const char *const heading_words[] = {
	"fortroligt", "fortrolig", "lukket punkt", "strengt fortroligt", "confidential", NULL
};
/* A closed agenda item is confidential when its outcome is told. */
static const char *const closed_words[] = {
	"lukket punkt", "lukkede punkt", "lukkede punkter", "lukket møde", "lukkede møde",
	"closed session", NULL
};
/* Running text in which a person marks the content confidential. Not the
 * language of agreements ("shall treat as confidential"), and not "er
 * fortrolig med" (is familiar with). */
static const char *const running_words[] = {
	"behandles fortroligt", "behandles som lukket punkt", "behandles som fortroligt",
	"holdes fortroligt", "er fortroligt", "er strengt fortroligt",
	"må ikke videregives", "må ikke deles", "må ikke sendes videre", "ikke sige videre",
	"ikke sige det videre", "ikke fortælle det videre", "ikke fortælle videre",
	"bliver mellem os", "bliver imellem os", "hold det for dig selv",
	"this is confidential", "keep this confidential", "keep it confidential",
	"between you and me", "keep this between", NULL
};
static const char *const decided_words[] = {
	"besluttede", "vedtog", "stemte", "godkendte", "blev enige", "blev vedtaget",
	"blev besluttet", "decided", "voted", NULL
};

/* Whole word (or phrase) w at p in s: letters must not touch either end. */
static int
whole_at(const char *s, size_t len, size_t p, size_t wl)
{
	size_t i = p + wl, j;
	uint32_t after = 0, before = 0;

	if (i < len) {
		j = i;
		after = ftext_utf8_next(s, len, &j);
	}
	if (p > 0) {
		j = p - 1;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		before = ftext_utf8_next(s, len, &j);
	}
	return !ftext_is_letter(after) && !ftext_is_letter(before);
}

/* The word that ends before p (letters only), lower-cased into w. */
static size_t
word_before(const char *s, size_t p, char *w, size_t wn)
{
	size_t e = p, b, n;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == ':' || s[e - 1] == '-'))
		e--;
	for (b = e; b > 0 && e - b < wn - 1 && (isalpha((unsigned char)s[b - 1]) ||
	    (unsigned char)s[b - 1] >= 0x80); b--)
		;
	n = e - b;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)s[b + i]);
	w[n] = '\0';
	return b;
}

static int
in_list(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

/* "Ikke fortroligt", "ikke længere fortroligt", "not confidential": a
 * person saying the opposite of a marking. */
static int
negated(const char *s, size_t p)
{
	static const char *const neg[] = { "ikke", "not", "ej", "intet", "ingen", "non", NULL };
	char w[16];
	size_t b = word_before(s, p, w, sizeof(w));

	if (strcmp(w, "længere") == 0 || strcmp(w, "longer") == 0 || strcmp(w, "mere") == 0)
		word_before(s, b, w, sizeof(w));
	return in_list(w, neg) || strcmp(w, "no") == 0;
}

/* The first byte is compared inline: a call to strncasecmp at every byte
 * of every line was the marking pass's main cost. Words start with an
 * ASCII letter. */
static int
find_word(const char *s, size_t len, const char *w, int ci, size_t from, size_t to)
{
	size_t wl = strlen(w);
	unsigned char w0 = (unsigned char)w[0], w0l = (unsigned char)tolower(w0);

	for (size_t p = from; p + wl <= to && p + wl <= len; p++) {
		unsigned char c = (unsigned char)s[p];
		int eq;
		if (ci ? (unsigned char)tolower(c) != w0l : c != w0)
			continue;
		eq = ci ? strncasecmp(s + p, w, wl) == 0 : memcmp(s + p, w, wl) == 0;
		if (eq && whole_at(s, len, p, wl) && !negated(s, p))
			return (int)p;
	}
	return -1;
}

static size_t
para_end(const char *s, size_t len, size_t p)
{
	const char *e = NULL;

	for (size_t i = p; i + 1 < len; i++)
		if (s[i] == '\n' && (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n'))) {
			e = s + i;
			break;
		}
	return e ? (size_t)(e - s) : len;
}

/* A line of a numbered list: "12. ", "12) ", "Punkt 12". */
static int
numbered(const char *s, size_t ls, size_t le)
{
	while (ls < le && (s[ls] == ' ' || s[ls] == '\t'))
		ls++;
	return ls < le && isdigit((unsigned char)s[ls]);
}

/* A heading: the marking opens the line and ends it or is followed by ':'/'-'
 * and more text ("Lukket punkt 12: ..."). */
static int
heading_line(const char *s, size_t len, size_t ls, size_t le)
{
	/* "11. Lukket punkt: Ejendomshandel": an item's title in a numbered
	 * agenda tells nothing; its outcome is closed_item_told's. */
	if (numbered(s, ls, le))
		return 0;
	while (ls < le && (s[ls] == ' ' || s[ls] == '\t' || s[ls] == '*' || s[ls] == '[' ||
	    isdigit((unsigned char)s[ls]) || s[ls] == '.' || s[ls] == ')'))
		ls++;
	for (size_t i = 0; heading_words[i]; i++) {
		size_t wl = strlen(heading_words[i]);
		if (ls + wl <= le && strncasecmp(s + ls, heading_words[i], wl) == 0 &&
		    whole_at(s, len, ls, wl) && (ftext_is_upper((unsigned char)s[ls]) ||
		    isupper((unsigned char)s[ls])))
			return 1;
	}
	return 0;
}

static size_t
para_start(const char *s, size_t p)
{
	while (p > 0 && !(s[p - 1] == '\n' && p >= 2 && (s[p - 2] == '\n' ||
	    (s[p - 2] == '\r' && p >= 3 && s[p - 3] == '\n'))))
		p--;
	return p;
}

static int
any_word(const char *s, size_t len, const char *const *w, size_t from, size_t to)
{
	for (size_t i = 0; w[i]; i++)
		if (find_word(s, len, w[i], 1, from, to) >= 0)
			return 1;
	return 0;
}

/* "Fra lukket punkt i går: Byrådet besluttede ...": the outcome of a closed
 * item, told in one paragraph. Saying that an item is closed is not. */
static int
closed_item_told(const char *s, size_t len, size_t ls, size_t le)
{
	size_t ps, pe;

	if (!any_word(s, len, closed_words, ls, le))
		return 0;
	ps = para_start(s, ls);
	pe = para_end(s, len, ls);
	return any_word(s, len, decided_words, ps, pe);
}

/* "msip_label: Fortroligt", written by the attachment extractor for a
 * document's sensitivity label or custom property. */
static int
attachment_label(const struct fconf *c, const char *s, size_t ls, size_t le)
{
	static const char key[] = "msip_label:";
	size_t kl = sizeof(key) - 1;

	if (le - ls <= kl || strncasecmp(s + ls, key, kl) != 0)
		return 0;
	ls += kl;
	while (ls < le && (s[ls] == ' ' || s[ls] == '\t'))
		ls++;
	while (le > ls && (s[le - 1] == ' ' || s[le - 1] == '\r'))
		le--;
	for (size_t i = 0; i < c->mark.msip_labels.n; i++)
		if (strlen(c->mark.msip_labels.v[i]) == le - ls &&
		    strncasecmp(c->mark.msip_labels.v[i], s + ls, le - ls) == 0)
			return 1;
	return 0;
}

/* One pass per line says whether any of the 30 phrases below may be on it
 * (base/phrases.h); most lines hold none, and a search per phrase was the
 * marking pass's main cost. Built once, read-only after. */
static struct {
	struct fphr caps, closed, running;
} pre;
static pthread_once_t pre_once = PTHREAD_ONCE_INIT;

static void
pre_init(void)
{
	fphr_build(&pre.caps, caps_words);
	fphr_build(&pre.closed, closed_words);
	fphr_build(&pre.running, running_words);
}

static int
may_have(const struct fphr *p, const char *s, size_t ls, size_t le)
{
	return fphr_next(p, s + ls, le - ls, 0) < le - ls;
}

static int
scan_lines(const struct fconf *c, const struct fseg *g, const struct fsig *sig,
    struct ffindings *out)
{
	const char *s = g->text;
	size_t len = g->len, ls = 0;

	while (ls < len) {
		const char *nl = memchr(s + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - s) : len;
		int hit = 0, conf = 90;

		if (g->where == FWHERE_ATTACHMENT && attachment_label(c, s, ls, le))
			return ffindings_add(out, "marking", FCAT_MARKING, g->where, 95,
			    "document label");
		if (!fsignoff_covers(sig, ls)) {
			hit = heading_line(s, len, ls, le);
			for (size_t i = 0; !hit && may_have(&pre.caps, s, ls, le) && caps_words[i]; i++)
				hit = find_word(s, len, caps_words[i], 0, ls, le) >= 0;
			if (!hit && ((may_have(&pre.closed, s, ls, le) &&
			    closed_item_told(s, len, ls, le)) || (may_have(&pre.running, s, ls, le) &&
			    any_word(s, len, running_words, ls, le)))) {
				hit = 1;
				conf = 70;
			}
		}
		if (hit && !fsignoff_is_disclaimer(s, para_start(s, ls), para_end(s, len, ls)))
			return ffindings_add(out, "marking", FCAT_MARKING, g->where, conf,
			    "marking in text");
		ls = le + 1;
	}
	return 0;
}

static int
scan_text(const struct fconf *c, const struct fseg *g, struct ffindings *out)
{
	struct fsig sig = { NULL, 0, 0 };
	int rc;

	pthread_once(&pre_once, pre_init);
	fsignoff_find(g->text, g->len, &sig);
	rc = scan_lines(c, g, &sig, out);
	fsignoff_free(&sig);
	return rc;
}

/* "Re: Lukket punkt 8 – spørgsmål": a subject that asks about a closed
 * item names it; it does not hold its material. */
static const char *const asks[] = {
	"spørgsmål", "spørger", "hvorfor", "henvendelse", "question", "?", NULL
};

static int
asks_about(const struct fseg *g)
{
	struct fbuf low;
	int hit = 0;

	fbuf_init(&low, 0);
	if (ftext_lower(&low, g->text, g->len) == 0)
		for (size_t i = 0; asks[i] && !hit; i++)
			hit = strstr(fbuf_str(&low), asks[i]) != NULL;
	fbuf_free(&low);
	return hit;
}

/* "Workshop: handling confidential data", "Kursus i håndtering af fortrolige
 * oplysninger": confidentiality as the topic (a verb or preposition before,
 * a kind of material after) is no tag on this mail. */
static const char *const topic_before[] = {
	"handling", "håndtering", "behandling", "om", "about", "regarding", "protecting",
	"beskyttelse", NULL
};
static const char *const topic_after[] = {
	"data", "information", "oplysninger", "materiale", "dokumenter", "documents", "mails",
	"e-mails", "personoplysninger", "sager", NULL
};


static int
as_topic(const struct fseg *g, int at, size_t wl)
{
	char before[32], after[32];
	size_t e = (size_t)at + wl, b, n = 0;

	word_before(g->text, (size_t)at, before, sizeof(before));
	while (e < g->len && g->text[e] == ' ')
		e++;
	for (b = e; b < g->len && n + 1 < sizeof(after) && (isalpha((unsigned char)g->text[b]) ||
	    g->text[b] == '-' || (unsigned char)g->text[b] >= 0x80); b++)
		after[n++] = (char)tolower((unsigned char)g->text[b]);
	after[n] = '\0';
	return in_list(before, topic_before) && in_list(after, topic_after);
}

static int
scan_subject(const struct fseg *g, struct ffindings *out)
{
	for (size_t i = 0; subject_words[i]; i++) {
		size_t wl = strlen(subject_words[i]);
		int at = find_word(g->text, g->len, subject_words[i], 1, 0, g->len);
		/* Every occurrence: "Handling confidential data - CONFIDENTIAL". */
		while (at >= 0 && as_topic(g, at, wl))
			at = find_word(g->text, g->len, subject_words[i], 1, (size_t)at + wl, g->len);
		if (at < 0)
			continue;
		if (strncmp(subject_words[i], "lukke", 5) == 0 && asks_about(g))
			continue;
		return ffindings_add(out, "marking", FCAT_MARKING, FWHERE_SUBJECT, 90,
		    "subject tag");
	}
	return 0;
}

/* msip_labels: "MSIP_Label_<guid>_Name=Fortroligt; MSIP_Label_<guid>_Enabled=true; ..." */
static int
label_listed(const struct fconf *c, const char *labels)
{
	for (const char *p = labels; (p = strstr(p, "_Name=")) != NULL;) {
		size_t n;
		p += 6;
		n = strcspn(p, ";\r\n");
		while (n && p[n - 1] == ' ')
			n--;
		for (size_t i = 0; i < c->mark.msip_labels.n; i++)
			if (strlen(c->mark.msip_labels.v[i]) == n &&
			    strncasecmp(c->mark.msip_labels.v[i], p, n) == 0)
				return 1;
	}
	return 0;
}

int
fmark_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out)
{
	if (!c->mark.enabled)
		return 0;
	if (m->sensitivity) {
		char v[64];
		ftext_bare_addr(v, sizeof(v), m->sensitivity);
		for (size_t i = 0; i < c->mark.sensitivity.n; i++)
			if (strcasecmp(c->mark.sensitivity.v[i], v) == 0 &&
			    ffindings_add(out, "marking", FCAT_MARKING, FWHERE_HEADER, 95,
				"Sensitivity header") < 0)
				return -1;
	}
	if (m->msip_labels && label_listed(c, m->msip_labels) &&
	    ffindings_add(out, "marking", FCAT_MARKING, FWHERE_HEADER, 95, "msip_labels") < 0)
		return -1;
	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *g = &m->segs.v[i];
		int r = g->where == FWHERE_SUBJECT ? scan_subject(g, out) : scan_text(c, g, out);
		if (r < 0)
			return -1;
	}
	return 0;
}
