/* text: UTF-8 decoding, Danish-aware case folding and word iteration. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/text_simd.h"

uint32_t
ftext_utf8_next(const char *str, size_t len, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t p = *i;
	uint32_t cp;
	int n;

	if (s[p] < 0x80) {
		*i = p + 1;
		return s[p];
	}
	if ((s[p] & 0xe0) == 0xc0) {
		cp = s[p] & 0x1f;
		n = 1;
	} else if ((s[p] & 0xf0) == 0xe0) {
		cp = s[p] & 0x0f;
		n = 2;
	} else if ((s[p] & 0xf8) == 0xf0) {
		cp = s[p] & 0x07;
		n = 3;
	} else {
		*i = p + 1;
		return 0xfffd;
	}
	if (p + (size_t)n >= len) {
		*i = p + 1;
		return 0xfffd;
	}
	for (int k = 1; k <= n; k++) {
		if ((s[p + (size_t)k] & 0xc0) != 0x80) {
			*i = p + 1;
			return 0xfffd;
		}
		cp = (cp << 6) | (s[p + (size_t)k] & 0x3f);
	}
	*i = p + (size_t)n + 1;
	return cp;
}

int
ftext_is_letter(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	if (cp >= 0xc0 && cp <= 0x24f)
		return cp != 0xd7 && cp != 0xf7;
	return 0;
}

int
ftext_is_upper(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	if (cp >= 0xc0 && cp <= 0xde)
		return cp != 0xd7;
	if (cp >= 0x100 && cp <= 0x17f)
		return (cp & 1) == 0;
	return 0;
}

uint32_t
ftext_lower_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17f && (cp & 1) == 0)
		return cp + 1;
	return cp;
}

static int
put_cp(struct fbuf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return fbuf_add(out, b, n);
}

int
ftext_lower(struct fbuf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			/* A run of ASCII at once, lower-cased in place. */
			size_t run = i, at = out->len;
			while (run < len && (unsigned char)s[run] < 0x80)
				run++;
			if (fbuf_add(out, s + i, run - i) < 0)
				return -1;
			for (size_t k = at; k < out->len; k++)
				if (out->data[k] >= 'A' && out->data[k] <= 'Z')
					out->data[k] += 'a' - 'A';
			i = run;
			continue;
		}
		if (put_cp(out, ftext_lower_cp(ftext_utf8_next(s, len, &i))) < 0)
			return -1;
	}
	return 0;
}

/* One code point at s[*i] into dst: lower-cased letter or blanks. */
void
ftext_canon_cp(char *dst, const char *s, size_t len, size_t *i)
{
	size_t at = *i;
	unsigned char b1;
	uint32_t cp;

	/* U+00C0..U+00FF (æøå, é, ü) directly: the bulk of Danish non-ASCII. */
	if ((unsigned char)s[at] == 0xc3 && at + 1 < len &&
	    ((b1 = (unsigned char)s[at + 1]) & 0xc0) == 0x80) {
		*i = at + 2;
		if (b1 == 0x97 || b1 == 0xb7) {   /* multiplication and division signs */
			dst[at] = dst[at + 1] = ' ';
			return;
		}
		dst[at] = (char)0xc3;
		dst[at + 1] = (char)(b1 <= 0x9e && b1 != 0x97 ? b1 + 0x20 : b1);
		return;
	}
	cp = ftext_utf8_next(s, len, i);
	/* Blanks first: an overlong letter (C1 81 for 'A') is longer than its
	 * folded form, and every byte of dst must be written. */
	memset(dst + at, ' ', *i - at);
	if (!ftext_is_letter(cp))
		return;
	/* Letters are ASCII or two bytes (U+00C0..U+024F); folding keeps that. */
	cp = ftext_lower_cp(cp);
	if (cp < 0x80) {
		dst[at] = (char)cp;
	} else {
		dst[at] = (char)(0xc0 | (cp >> 6));
		dst[at + 1] = (char)(0x80 | (cp & 0x3f));
	}
}

/* The tail from i on, after a kernel (or all of it). */
static void
canon_tail(char *dst, const char *s, size_t len, size_t i)
{
	static const unsigned char ascii[128] = {
		['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
		['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
		['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
		['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
		['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
		['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
		['y'] = 'y', ['z'] = 'z',
		['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
		['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
		['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
		['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
		['Y'] = 'y', ['Z'] = 'z',
	};
	const unsigned char *u = (const unsigned char *)s;

	while (i < len) {
		while (i < len && u[i] < 0x80) {
			unsigned char c = ascii[u[i]];
			dst[i++] = c ? (char)c : ' ';
		}
		if (i < len)
			ftext_canon_cp(dst, s, len, &i);
	}
}

void
ftext_canon_isa(char *dst, const char *s, size_t len, enum ftext_isa isa)
{
	size_t i = 0;

	switch (isa) {
#ifdef FTEXT_HAVE_AVX2
	case FTEXT_AVX2:
		i = ftext_canon_avx2(dst, s, len);
#ifdef FTEXT_HAVE_SSE2
		/* Up to 31 bytes left: one more block of 16 saves half the tail. */
		i += ftext_canon_sse2(dst + i, s + i, len - i);
#endif
		break;
#endif
#ifdef FTEXT_HAVE_SSE2
	case FTEXT_SSE2:
		i = ftext_canon_sse2(dst, s, len);
		break;
#endif
	default:
		break;
	}
	canon_tail(dst, s, len, i);
}

void
ftext_canon(char *dst, const char *s, size_t len)
{
	ftext_canon_isa(dst, s, len, ftext_isa_best());
}

int
ftext_next_word(const char *s, size_t len, size_t *pos, size_t *ws, size_t *wl)
{
	size_t i = *pos, start = 0;
	int in = 0;

	while (i < len) {
		size_t at = i;
		unsigned char b = (unsigned char)s[i];
		/* ASCII without decoding: most of any Danish text. */
		uint32_t cp = b < 0x80 ? (i++, b) : ftext_utf8_next(s, len, &i);
		if (ftext_is_letter(cp)) {
			if (!in) {
				start = at;
				in = 1;
			}
		} else if (in) {
			*ws = start;
			*wl = at - start;
			*pos = i;
			return 1;
		}
	}
	*pos = len;
	if (in) {
		*ws = start;
		*wl = len - start;
		return 1;
	}
	return 0;
}

static const char *
translit(uint32_t cp)
{
	switch (cp) {
	case 0xe6: return "ae";
	case 0xc6: return "Ae";
	case 0xf8: return "oe";
	case 0xd8: return "Oe";
	case 0xe5: return "aa";
	case 0xc5: return "Aa";
	case 0xe4: return "ae";
	case 0xc4: return "Ae";
	case 0xf6: return "oe";
	case 0xd6: return "Oe";
	case 0xfc: return "ue";
	case 0xdc: return "Ue";
	case 0xe9: case 0xe8: return "e";
	case 0xc9: return "E";
	case 0xa7: return "par.";
	case 0x2013: case 0x2014: return "-";
	case 0x201c: case 0x201d: case 0x201e: return "\"";
	case 0x2018: case 0x2019: return "'";
	case 0xa0: return " ";
	default: return "?";
	}
}

int
ftext_to_ascii(struct fbuf *out, const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			/* Control characters and '%' have no place in an SMTP reply. */
			if (fbuf_addc(out, c == '%' ? ' ' : c < 0x20 ? ' ' : (char)c) < 0)
				return -1;
			i++;
			continue;
		}
		if (fbuf_adds(out, translit(ftext_utf8_next(s, len, &i))) < 0)
			return -1;
	}
	return 0;
}

int
ftext_glob_casematch(const char *pat, const char *s)
{
	const char *star = NULL, *ss = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			ss = s;
		} else if (tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++ss;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

const char *
ftext_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

void
ftext_bare_addr(char *dst, size_t size, const char *addr)
{
	size_t n;

	while (*addr == ' ' || *addr == '\t' || *addr == '<')
		addr++;
	n = strcspn(addr, "> \t\r\n");
	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, addr, n);
	dst[n] = '\0';
}

void
ftext_unfold_content_lines(char *s, size_t *len)
{
	size_t i = 0, o = 0, n = *len;

	while (i < n) {
		size_t nl = s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : s[i] == '\n';
		if (nl && i + nl < n && (s[i + nl] == ' ' || s[i + nl] == '\t')) {
			i += nl + 1;
			continue;
		}
		if (s[i] == '\\' && i + 1 < n && s[i + 1] && strchr("nN,;\\", s[i + 1])) {
			s[o++] = s[i + 1] == 'n' || s[i + 1] == 'N' ? '\n' : s[i + 1];
			i += 2;
			continue;
		}
		s[o++] = s[i++];
	}
	*len = o;
}

/* One line of flowed text: its quote depth, where the content starts (after
 * the quote marks and one stuffing blank) and whether its break is soft. */
struct flowline {
	size_t start, content, end, eol;
	int depth, soft;
};

static void
flow_line(const char *s, size_t i, size_t n, struct flowline *l)
{
	const char *nl = memchr(s + i, '\n', n - i);
	size_t c;

	l->start = i;
	l->eol = nl ? (size_t)(nl - s) + 1 : n;
	l->end = nl ? (size_t)(nl - s) : n;
	if (l->end > i && s[l->end - 1] == '\r')
		l->end--;
	for (c = i; c < l->end && s[c] == '>'; c++)
		;
	l->depth = (int)(c - i);
	if (c < l->end && s[c] == ' ')
		c++;
	l->content = c;
	l->soft = l->end > c && s[l->end - 1] == ' ' &&
	    !(l->end - c == 3 && memcmp(s + c, "-- ", 3) == 0);
}

void
ftext_unflow(char *s, size_t *len, int delsp)
{
	size_t i = 0, o = 0, n = *len, from, to;
	int prev_soft = 0, prev_depth = 0;
	struct flowline l;

	while (i < n) {
		flow_line(s, i, n, &l);
		if (prev_soft && l.depth != prev_depth)
			s[o++] = '\n';       /* the soft line had no break written */
		from = prev_soft && l.depth == prev_depth ? l.content : l.start;
		to = l.soft && delsp ? l.end - 1 : l.end;
		memmove(s + o, s + from, to - from);
		o += to - from;
		if (!l.soft) {
			memmove(s + o, s + l.end, l.eol - l.end);
			o += l.eol - l.end;
		}
		prev_soft = l.soft;
		prev_depth = l.depth;
		i = l.eol;
	}
	if (prev_soft && o < n)
		s[o++] = '\n';
	*len = o;
}
