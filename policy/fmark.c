/* fmark: explicit confidentiality markings. A marking is a tag a person set
 * on purpose: "FORTROLIGT", a subject tag, a "Lukket punkt" heading, an
 * Outlook Sensitivity or a Microsoft sensitivity label that IT lists. A
 * signature disclaimer ("kan indeholde fortrolige oplysninger") is not. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fbuf.h"
#include "fdet.h"
#include "ftext.h"

static const char *const subject_words[] = {
	"fortroligt", "fortrolig", "strengt fortroligt", "confidential",
	"lukket punkt", "lukkede punkt", NULL
};
static const char *const caps_words[] = { "FORTROLIGT", "FORTROLIG", "CONFIDENTIAL", NULL };
static const char *const heading_words[] = {
	"fortroligt", "fortrolig", "lukket punkt", "strengt fortroligt", "confidential", NULL
};
static const char *const disclaimer_phrases[] = {
	"kan indeholde fortrolig", "may contain confidential", "may contain privileged",
	"hvis du har modtaget", "if you have received", "if you are not the intended",
	"er kun beregnet til", "is intended only for", "intended solely for",
	"ved en fejl", "in error", NULL
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

static int
find_word(const char *s, size_t len, const char *w, int ci, size_t from, size_t to)
{
	size_t wl = strlen(w);

	for (size_t p = from; p + wl <= to && p + wl <= len; p++) {
		int eq = ci ? strncasecmp(s + p, w, wl) == 0 : memcmp(s + p, w, wl) == 0;
		if (eq && whole_at(s, len, p, wl))
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

static int
is_disclaimer(const char *s, size_t from, size_t to)
{
	for (size_t i = 0; disclaimer_phrases[i]; i++) {
		size_t pl = strlen(disclaimer_phrases[i]);
		for (size_t p = from; p + pl <= to; p++)
			if (strncasecmp(s + p, disclaimer_phrases[i], pl) == 0)
				return 1;
	}
	return 0;
}

/* A heading: the marking opens the line and ends it or is followed by ':'/'-'
 * and more text ("Lukket punkt 12: ..."). */
static int
heading_line(const char *s, size_t len, size_t ls, size_t le)
{
	while (ls < le && (s[ls] == ' ' || s[ls] == '\t' || s[ls] == '*' || s[ls] == '['))
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

static int
scan_text(const struct fseg *g, struct ffindings *out)
{
	const char *s = g->text;
	size_t len = g->len, ls = 0;

	while (ls < len) {
		const char *nl = memchr(s + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - s) : len, ps = ls, pe;
		int hit = heading_line(s, len, ls, le);

		for (size_t i = 0; !hit && caps_words[i]; i++)
			hit = find_word(s, len, caps_words[i], 0, ls, le) >= 0;
		if (hit) {
			while (ps > 0 && !(s[ps - 1] == '\n' && ps >= 2 && s[ps - 2] == '\n'))
				ps--;
			pe = para_end(s, len, ls);
			if (!is_disclaimer(s, ps, pe))
				return ffindings_add(out, "marking", FCAT_MARKING, g->where, 90,
				    "marking in text");
		}
		ls = le + 1;
	}
	return 0;
}

static int
scan_subject(const struct fseg *g, struct ffindings *out)
{
	for (size_t i = 0; subject_words[i]; i++)
		if (find_word(g->text, g->len, subject_words[i], 1, 0, g->len) >= 0)
			return ffindings_add(out, "marking", FCAT_MARKING, FWHERE_SUBJECT, 90,
			    "subject tag");
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
		int r = g->where == FWHERE_SUBJECT ? scan_subject(g, out) : scan_text(g, out);
		if (r < 0)
			return -1;
	}
	return 0;
}
