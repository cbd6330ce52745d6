/* mime: the inner MIME entity. It is the original entity: the message's
 * Content-* headers and its body. When the subject is protected, the
 * visible headers go inside too and Content-Type gets protected-headers="v1"
 * (the style Thunderbird reads). */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "keys/keys.h"

static const char *const protected_names[] = {
	"Subject", "From", "To", "Cc", "Reply-To", "Date", "Message-ID", NULL
};

static int
is_protected(const char *h, size_t namelen)
{
	for (size_t i = 0; protected_names[i]; i++)
		if (strlen(protected_names[i]) == namelen &&
		    strncasecmp(h, protected_names[i], namelen) == 0)
			return 1;
	return 0;
}

/* Appends one header (its physical lines, CRLF-terminated). For
 * Content-Type under protection the parameter goes at the end. */
static int
copy_header(struct fbuf *hdr, const char *h, size_t hl, int ctype_protect)
{
	while (hl && (h[hl - 1] == '\n' || h[hl - 1] == '\r'))
		hl--;
	for (size_t i = 0; i < hl; i++) {
		if (h[i] == '\r')
			continue;
		if (h[i] == '\n' ? fbuf_add(hdr, "\r\n", 2) < 0 : fbuf_addc(hdr, h[i]) < 0)
			return -1;
	}
	if (ctype_protect && fbuf_adds(hdr, ";\r\n protected-headers=\"v1\"") < 0)
		return -1;
	return fbuf_add(hdr, "\r\n", 2);
}

int
fkeys_inner_headers(const char *raw, size_t len, int protect, struct fbuf *hdr,
    const char **body, size_t *blen)
{
	size_t p = 0;
	int have_ct = 0;

	*body = raw + len;
	*blen = 0;
	while (p < len) {
		size_t s = p, colon;
		if (raw[p] == '\n' || (raw[p] == '\r' && p + 1 < len && raw[p + 1] == '\n')) {
			p += raw[p] == '\r' ? 2 : 1;
			*body = raw + p;
			*blen = len - p;
			break;
		}
		/* one header: up to a line break not followed by white space */
		while (p < len) {
			const char *nl = memchr(raw + p, '\n', len - p);
			p = nl ? (size_t)(nl - raw) + 1 : len;
			if (p >= len || (raw[p] != ' ' && raw[p] != '\t'))
				break;
		}
		for (colon = s; colon < p && raw[colon] != ':'; colon++)
			;
		if (colon == p)
			continue;
		if (colon - s > 8 && strncasecmp(raw + s, "Content-", 8) == 0) {
			int ct = colon - s == 12 && strncasecmp(raw + s, "Content-Type", 12) == 0;
			have_ct |= ct;
			if (copy_header(hdr, raw + s, p - s, ct && protect) < 0)
				return -1;
		} else if (protect && is_protected(raw + s, colon - s)) {
			if (copy_header(hdr, raw + s, p - s, 0) < 0)
				return -1;
		}
	}
	if (!have_ct && fbuf_printf(hdr, "Content-Type: text/plain; charset=us-ascii%s\r\n",
	    protect ? "; protected-headers=\"v1\"" : "") < 0)
		return -1;
	return fbuf_add(hdr, "\r\n", 2);
}

int
fkeys_encode_header(const char *s, struct fbuf *out)
{
	size_t n = strlen(s);
	unsigned char enc[4 * 256 / 3 + 8];
	int plain = 1;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x7f || (unsigned char)s[i] < 0x20)
			plain = 0;
	if (plain)
		return fbuf_adds(out, s);
	if (n > 180)
		return -1;   /* a neutral subject is short */
	EVP_EncodeBlock(enc, (const unsigned char *)s, (int)n);
	return fbuf_printf(out, "=?UTF-8?B?%s?=", enc);
}
