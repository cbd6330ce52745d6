/* quote: line-based split. A '>' line is quoted; after an opener (Outlook
 * "Fra:/Sendt:" block, "-----Oprindelig meddelelse-----", a forward banner)
 * every following line is quoted, because Outlook and phones top-post. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "analyse/quote.h"

/* Forward and reply banners, compared without the dashes or the colon that
 * clients put around them ("---------- Forwarded message ---------"). */
static const char *const banners[] = {
	"oprindelig meddelelse", "original message", "oprindelig besked",
	"videresendt meddelelse", "videresendt besked", "videresendt e-mail",
	"videresendt mail", "forwarded message", "forwarded e-mail",
	"begin forwarded message", "start på videresendt besked",
	"start på videresendt e-mail", "start på videresendt mail",
	"start på videresendt meddelelse", NULL
};

static size_t
skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || (unsigned char)s[i] == 0xc2))
		i += (unsigned char)s[i] == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0 ? 2 : 1;
	return i;
}

static int
starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

static int
header_line(const char *s, size_t len, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (starts_ci(s, len, names[i]))
			return 1;
	return 0;
}

static const char *const from_names[] = { "fra:", "from:", "*fra:*", "*from:*", NULL };
static const char *const sent_names[] = {
	"sendt:", "sent:", "dato:", "date:", "til:", "to:", "*sendt:*", "*sent:*", NULL
};

/* "Den tir. 3. nov. 2026 kl. 10.12 skrev X <x@y>:", "On ... wrote:", "X skrev:".
 * Only the line itself is quoted: bottom-posted text may follow the quote.
 * "Som jeg skrev i går, gælder følgende:" is the member's own sentence. */
static int
attribution(const char *s, size_t len)
{
	static const char *const starts[] = { "den ", "d. ", "on ", "am ", "le ", NULL };
	int verb = 0, lead = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		len--;
	if (len < 6 || s[len - 1] != ':' || len > 300)
		return 0;
	for (size_t i = 0; i + 6 <= len; i++)
		if (strncasecmp(s + i, " skrev", 6) == 0 || strncasecmp(s + i, " wrote", 6) == 0)
			verb = 1;
	for (size_t i = 0; starts[i]; i++)
		lead |= starts_ci(s, len, starts[i]);
	if (!verb)
		return 0;
	/* A date-led line, an address, or a short "Anne Holm skrev:". */
	return lead || memchr(s, '@', len) != NULL ||
	    ((len >= 7 && (strncasecmp(s + len - 7, " skrev:", 7) == 0 ||
	    strncasecmp(s + len - 7, " wrote:", 7) == 0)) && len <= 48 &&
	    !memchr(s, ',', len));
}

/* The line is a banner: dashes/blanks, the phrase, dashes/blanks or ':'. */
static int
banner(const char *s, size_t len)
{
	size_t i = 0, dashes = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r' || s[len - 1] == '\t'))
		len--;
	while (i < len && (s[i] == '-' || s[i] == ' ' || s[i] == '_' || s[i] == '='))
		dashes += s[i++] != ' ';
	for (size_t k = 0; banners[k]; k++) {
		size_t n = strlen(banners[k]), j = i + n, tail = 0;
		if (!starts_ci(s + i, len - i, banners[k]))
			continue;
		while (j < len && (s[j] == '-' || s[j] == ' ' || s[j] == ':' || s[j] == '_' ||
		    s[j] == '='))
			tail += s[j++] != ' ';
		/* Bare phrase lines need their colon or dashes: "Original message" as
		 * a sentence start is the member's text. */
		if (j == len && (dashes >= 2 || tail >= 1))
			return 1;
	}
	return 0;
}

int
fquote_is_opener(const char *line, size_t len, const char *next, size_t nlen)
{
	size_t i = skip_blank(line, len, 0);

	line += i;
	len -= i;
	if (banner(line, len))
		return 1;
	if (header_line(line, len, from_names) && next) {
		size_t j = skip_blank(next, nlen, 0);
		return header_line(next + j, nlen - j, sent_names);
	}
	return 0;
}

static int
has_verb(const char *s, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++)
		if (strncasecmp(s + i, " skrev", 6) == 0 || strncasecmp(s + i, " wrote", 6) == 0 ||
		    (i == 0 && (strncasecmp(s, "skrev", 5) == 0 || strncasecmp(s, "wrote", 5) == 0)))
			return 1;
	return 0;
}

/* Gmail wraps a long "On ..., Anne Holm <\nanne@x.dk> wrote:" over two lines. */
static int
attribution2(const char *s, size_t len, const char *n, size_t nlen)
{
	static const char *const starts[] = { "den ", "on ", "am ", "le ", NULL };
	int lead = 0;

	if (n == NULL || len + nlen > 300 || len < 4)
		return 0;
	for (size_t i = 0; starts[i]; i++)
		lead |= starts_ci(s, len, starts[i]);
	while (nlen && (n[nlen - 1] == ' ' || n[nlen - 1] == '\r'))
		nlen--;
	if (!lead || s[len - 1] == ':' || nlen < 2 || n[nlen - 1] != ':')
		return 0;
	return has_verb(s, len) || has_verb(n, nlen);
}

int
fquote_is_attribution(const char *line, size_t len, const char *next, size_t nlen)
{
	size_t i = skip_blank(line, len, 0);

	while (len > i && line[len - 1] == '\r')
		len--;
	return attribution(line + i, len - i) || attribution2(line + i, len - i, next, nlen);
}

struct line {
	const char *s;
	size_t len;
};

static struct line
line_at(const char *text, size_t len, size_t pos, size_t *next)
{
	const char *nl = memchr(text + pos, '\n', len - pos);
	struct line l = { text + pos, nl ? (size_t)(nl - text) - pos : len - pos };

	*next = nl ? (size_t)(nl - text) + 1 : len;
	if (l.len && l.s[l.len - 1] == '\r')
		l.len--;
	return l;
}

static int
emit(struct fbuf *b, const char *s, size_t n)
{
	return fbuf_add(b, s, n) < 0 || fbuf_addc(b, '\n') < 0 ? -1 : 0;
}

int
fquote_split(const char *text, size_t len, struct fbuf *authored, struct fbuf *quoted)
{
	size_t pos = 0, next;
	int after_opener = 0;

	while (pos < len) {
		struct line l = line_at(text, len, pos, &next);
		size_t dummy = len;
		struct line l2 = next < len ? line_at(text, len, next, &dummy) : (struct line){ NULL, 0 };
		size_t i = skip_blank(l.s, l.len, 0);

		if (!after_opener && fquote_is_opener(l.s, l.len, l2.s, l2.len))
			after_opener = 1;
		if (!after_opener && attribution(l.s + i, l.len - i)) {
			if (emit(quoted, l.s + i, l.len - i) < 0)
				return -1;
		} else if (!after_opener && attribution2(l.s + i, l.len - i, l2.s, l2.len)) {
			if (emit(quoted, l.s + i, l.len - i) < 0 || emit(quoted, l2.s, l2.len) < 0)
				return -1;
			pos = dummy;
			continue;
		} else if (i < l.len && l.s[i] == '>') {
			while (i < l.len && (l.s[i] == '>' || l.s[i] == ' ' || l.s[i] == '\t'))
				i++;
			if (emit(quoted, l.s + i, l.len - i) < 0)
				return -1;
		} else if (emit(after_opener ? quoted : authored, l.s, l.len) < 0) {
			return -1;
		}
		pos = next;
	}
	return 0;
}
