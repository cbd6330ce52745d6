/* feed: a whole message handed over in the phases an MTA would use: each
 * header field (with its folded lines) to fort_header, then fort_eoh, then
 * the body. The header block ends at the first empty line, or at the first
 * line that is not a header field (as Postfix's cleanup reads it). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fortrolig.h"

/* Length of the field at p (through its folded continuation lines, without
 * the final line end), and the next field's start in *next. */
static size_t
field_len(const char *p, const char *end, const char **next)
{
	const char *q = p;

	for (;;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		if (nl == NULL) {
			*next = end;
			return (size_t)(end - p);
		}
		if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			q = nl + 1;
			continue;
		}
		*next = nl + 1;
		return (size_t)(nl - p - (nl > p && nl[-1] == '\r'));
	}
}

/* "Name: value" at p[0..n): name and value as C strings in buf. */
static int
split_field(const char *p, size_t n, char *buf, const char **name, const char **value)
{
	const char *colon = memchr(p, ':', n);
	size_t nl;

	if (colon == NULL || colon == p)
		return -1;
	nl = (size_t)(colon - p);
	for (size_t i = 0; i < nl; i++)
		if (p[i] <= ' ' || p[i] >= 127)
			return -1;
	memcpy(buf, p, n);
	buf[nl] = '\0';
	buf[n] = '\0';
	*name = buf;
	*value = buf + nl + 1;
	while (**value == ' ' || **value == '\t')
		(*value)++;
	return 0;
}

enum fort_stat
fort_feed(struct fort_msg *m, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *next;
	enum fort_stat st = FORT_OK;

	/* An mbox "From " separator is not part of the message. */
	if (len > 5 && memcmp(p, "From ", 5) == 0 && (next = memchr(p, '\n', len)) != NULL)
		p = next + 1;
	while (p < end && st == FORT_OK) {
		const char *name, *value;
		size_t n;
		char *buf;
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += *p == '\n' ? 1 : 2;      /* the empty line: the body follows */
			break;
		}
		n = field_len(p, end, &next);
		if ((buf = malloc(n + 1)) == NULL)
			return FORT_NORESOURCE;
		if (split_field(p, n, buf, &name, &value) < 0) {
			free(buf);
			break;                        /* not a header: the body starts here */
		}
		st = fort_header(m, name, value);
		free(buf);
		p = next;
	}
	if (st == FORT_OK)
		st = fort_eoh(m);
	if (st == FORT_OK && p < end)
		st = fort_body(m, p, (size_t)(end - p));
	return st;
}
