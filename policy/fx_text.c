/* fx_text: a text attachment without a usable MIME charset -> UTF-8.
 * A BOM decides first (UTF-8, UTF-16LE/BE); then valid UTF-8 stays as it
 * is; then NULs in every other byte mean BOM-less UTF-16; else
 * windows-1252, with ISO-8859-1 for the five bytes it leaves undefined. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fx.h"

static const char *
guess_charset(const unsigned char **p, size_t *n)
{
	size_t odd = 0, even = 0, m = *n < 4096 ? *n : 4096;

	if (*n >= 3 && memcmp(*p, "\xef\xbb\xbf", 3) == 0) {
		*p += 3;
		*n -= 3;
		return "UTF-8";
	}
	if (*n >= 2 && (*p)[0] == 0xff && (*p)[1] == 0xfe) {
		*p += 2;
		*n -= 2;
		return "UTF-16LE";
	}
	if (*n >= 2 && (*p)[0] == 0xfe && (*p)[1] == 0xff) {
		*p += 2;
		*n -= 2;
		return "UTF-16BE";
	}
	for (size_t i = 0; i + 1 < m; i += 2) {
		even += (*p)[i] == 0;
		odd += (*p)[i + 1] == 0;
	}
	if (m >= 4 && odd * 4 >= m)
		return "UTF-16LE";
	if (m >= 4 && even * 4 >= m)
		return "UTF-16BE";
	if (g_utf8_validate((const char *)*p, (gssize)*n, NULL))
		return "UTF-8";
	return "WINDOWS-1252";
}

static void
add_clean(struct fx_result *r, const char *s, size_t n)
{
	size_t i = 0, j;

	/* NULs would cut the segment short for C string users. */
	while (i < n) {
		for (j = i; j < n && s[j] != '\0'; j++)
			;
		if (fbuf_add(&r->text, s + i, j - i) < 0)
			return;
		if (j < n && fbuf_addc(&r->text, ' ') < 0)
			return;
		i = j + 1;
	}
}

void
fx_text(const unsigned char *p, size_t n, struct fx_result *r)
{
	const char *cs = guess_charset(&p, &n);
	gsize outlen = 0;
	char *out;

	if (strncmp(cs, "UTF-16", 6) == 0)
		n &= ~(size_t)1;
	if (strcmp(cs, "UTF-8") == 0) {
		add_clean(r, (const char *)p, n);
		return;
	}
	out = g_convert((const char *)p, (gssize)n, "UTF-8", cs, NULL, &outlen, NULL);
	if (out == NULL && strcmp(cs, "WINDOWS-1252") == 0)
		out = g_convert((const char *)p, (gssize)n, "UTF-8", "ISO-8859-1", NULL,
		    &outlen, NULL);
	if (out == NULL) {
		fx_set(r, FX_BROKEN, "text attachment charset");
		return;
	}
	add_clean(r, out, outlen);
	g_free(out);
}
