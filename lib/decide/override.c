/* override: the member's subject tag "[TAG: justification]" (override.tag).
 * Found before the detectors run, so that the member's own justification is
 * not judged as content; honoured or refused by fpol_decide. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buffer.h"
#include "decide/decide.h"

/* Bytes equal, ASCII letters in any case. */
static int
tag_at(const char *s, const char *tag, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || tolower((unsigned char)s[i]) != tolower((unsigned char)tag[i]))
			return 0;
	return 1;
}

/* "[ TAG : words ]" at s: the length of the whole, and the words. */
static size_t
match_tag(const char *s, const char *tag, const char **words, size_t *wlen)
{
	const char *p = s + 1, *end;
	size_t tl = strlen(tag);

	while (*p == ' ')
		p++;
	if (!tag_at(p, tag, tl))
		return 0;
	p += tl;
	while (*p == ' ')
		p++;
	if (*p != ':' || (end = strchr(p, ']')) == NULL)
		return 0;
	for (p++; *p == ' '; p++)
		;
	*words = p;
	*wlen = (size_t)(end - p);
	while (*wlen && (*words)[*wlen - 1] == ' ')
		(*wlen)--;
	return (size_t)(end + 1 - s);
}

void
fpol_mask_cpr(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + 10 <= n; i++) {
		size_t d = 0, j = i, last = 0;
		if (!isdigit((unsigned char)s[i]) || (i && isdigit((unsigned char)s[i - 1])))
			continue;
		/* Ten digits, the sixth and seventh perhaps apart by one separator. */
		for (; j < n && d < 10; j++) {
			if (isdigit((unsigned char)s[j]))
				d++, last = j;
			else if (!(d == 6 && j == i + 6 && strchr("-/. ", s[j])))
				break;
		}
		if (d < 10 || (last + 1 < n && isdigit((unsigned char)s[last + 1])))
			continue;
		for (size_t k = last, m = 0; m < 4; k--)
			if (isdigit((unsigned char)s[k])) {
				s[k] = 'X';
				m++;
			}
		i = last;
	}
}

/* The justification, fit for a log line: no quotes, no control bytes. */
static void
keep_words(struct fpol_override *o, const char *w, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < sizeof(o->justification); i++) {
		unsigned char ch = (unsigned char)w[i];
		o->justification[k++] = ch < 0x20 || ch == 0x7f ? ' ' : ch == '"' ? '\'' : (char)ch;
	}
	/* Never half a UTF-8 character at the cut. */
	while (k && ((unsigned char)o->justification[k - 1] & 0xc0) == 0x80)
		k--;
	if (k && (unsigned char)o->justification[k - 1] >= 0xc0)
		k--;
	o->justification[k] = '\0';
	fpol_mask_cpr(o->justification);
}

/* The subject without the tag and the blanks around it. */
static char *
without_tag(const char *subj, size_t at, size_t len)
{
	size_t a = at, b = at + len, n = strlen(subj);
	char *out;

	while (a > 0 && subj[a - 1] == ' ')
		a--;
	while (b < n && subj[b] == ' ')
		b++;
	if ((out = malloc(n + 2)) == NULL)
		return NULL;
	snprintf(out, n + 2, "%.*s%s%s", (int)a, subj, a > 0 && b < n ? " " : "", subj + b);
	return out;
}

int
fpol_override_find(const struct fconf *c, struct fmsg *m, struct fpol_override *o)
{
	struct fseg *s = NULL;
	const char *words;
	size_t wlen, len = 0;
	char *p;

	if (c->override.tag == NULL || c->override.tag[0] == '\0')
		return 0;
	for (size_t i = 0; s == NULL && i < m->segs.n; i++)
		if (m->segs.v[i].where == FWHERE_SUBJECT)
			s = &m->segs.v[i];
	if (s == NULL)
		return 0;
	for (p = s->text; (p = strchr(p, '[')) != NULL; p++)
		if ((len = match_tag(p, c->override.tag, &words, &wlen)) > 0)
			break;
	if (p == NULL)
		return 0;
	o->present = 1;
	keep_words(o, words, wlen);
	if (wlen == 0)
		o->refused = "no justification";
	if ((o->subject = without_tag(s->text, (size_t)(p - s->text), len)) == NULL)
		return -1;
	memset(p, ' ', len);
	return 0;
}

void
fpol_override_judge(const struct fconf *c, const char *sender, unsigned cats,
    struct fpol_override *o)
{
	if (!o->present)
		return;
	if (fconf_override_for(c, sender, cats, &o->allowed) == NULL && o->refused == NULL)
		o->refused = "member";
}
