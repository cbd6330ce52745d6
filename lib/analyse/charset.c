/* charset: charset sniffing and conversion through GLib's iconv. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <glib.h>

#include "analyse/charset.h"

/* windows-1252 0x80..0x9f; 0 where it has no character (ISO-8859-1 then). */
static const unsigned short cp1252_hi[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static int
put_cp(struct fbuf *out, gunichar cp)
{
	char u[6];
	int k;

	if (cp == 0)
		cp = ' ';
	k = g_unichar_to_utf8(cp, u);
	return fbuf_add(out, u, (size_t)k);
}

static int
put_byte_1252(struct fbuf *out, unsigned char b)
{
	if (b >= 0x80 && b < 0xa0 && cp1252_hi[b - 0x80])
		return put_cp(out, cp1252_hi[b - 0x80]);
	return put_cp(out, b);
}

/* UTF-8 as it is, with every invalid byte read as windows-1252 (a NUL too:
 * g_utf8_validate_len stops there, and it becomes a blank). */
static int
put_utf8(struct fbuf *out, const unsigned char *p, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		const gchar *end = NULL;
		if (g_utf8_validate_len((const gchar *)p + i, n - i, &end)) {
			run = n - i;
		} else {
			run = (size_t)((const unsigned char *)end - (p + i));
		}
		if (fbuf_add(out, p + i, run) < 0)
			return -1;
		i += run;
		if (i < n && put_byte_1252(out, p[i++]) < 0)
			return -1;
	}
	return out->overflow ? -1 : 0;
}

static int
put_1252(struct fbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (put_byte_1252(out, p[i]) < 0)
			return -1;
	return 0;
}

static int
is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
	    strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0;
}

/* A byte-order mark or the NUL pattern of UTF-16; skips the mark. */
static const char *
sniff(const unsigned char **p, size_t *n)
{
	size_t odd = 0, even = 0, m = *n < 4096 ? *n : 4096;

	if (*n >= 3 && memcmp(*p, "\xef\xbb\xbf", 3) == 0) {
		*p += 3;
		*n -= 3;
		return "UTF-8";
	}
	if (*n >= 2 && ((*p)[0] == 0xff || (*p)[0] == 0xfe) && ((*p)[1] ^ (*p)[0]) == 0x01) {
		const char *cs = (*p)[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
		*p += 2;
		*n -= 2;
		return cs;
	}
	for (size_t i = 0; i + 1 < m; i += 2) {
		even += (*p)[i] == 0;
		odd += (*p)[i + 1] == 0;
	}
	if (m >= 4 && odd * 4 >= m && odd > even * 4)
		return "UTF-16LE";
	if (m >= 4 && even * 4 >= m && even > odd * 4)
		return "UTF-16BE";
	return NULL;
}

static int
put_converted(struct fbuf *out, const unsigned char *p, size_t n, const char *cs)
{
	gsize outlen = 0;
	gchar *u;
	int rc;

	if (strncasecmp(cs, "UTF-16", 6) == 0)
		n &= ~(size_t)1;
	u = g_convert((const gchar *)p, (gssize)n, "UTF-8", cs, NULL, &outlen, NULL);
	if (u == NULL)
		return 1;
	rc = put_utf8(out, (const unsigned char *)u, outlen);
	g_free(u);
	return rc;
}

int
fcharset_text(const unsigned char *p, size_t n, const char *charset, struct fbuf *out)
{
	const char *cs = sniff(&p, &n);
	int rc;

	if (cs == NULL)
		cs = charset && *charset ? charset : "UTF-8";
	if (is_utf8_name(cs))
		return put_utf8(out, p, n);
	if ((rc = put_converted(out, p, n, cs)) <= 0)
		return rc;
	/* Mislabelled or broken: valid UTF-8 stays, anything else is 1252. */
	if (g_utf8_validate_len((const gchar *)p, n, NULL))
		return put_utf8(out, p, n);
	return put_1252(out, p, n);
}
