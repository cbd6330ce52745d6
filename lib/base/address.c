/* address: one parser for every address the gateway compares. A byte that
 * does not fit the grammar makes the whole address unparseable: the
 * callers then treat a recipient as external and a sender as a member
 * (fail closed), never guess at a domain. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "base/address.h"
#include "base/buffer.h"

static int
is_blank(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* RFC 5322 atext, plus UTF-8 (RFC 6531). */
static int
is_atext(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL;
}

/* A dot-atom: atext runs joined by single dots. */
static int
is_dot_atom(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Skips "@a,@b:" (RFC 5321 source route); p points after '<'. */
static const char *
skip_route(const char *p, const char *end)
{
	const char *colon;

	if (p >= end || *p != '@')
		return p;
	colon = memchr(p, ':', (size_t)(end - p));
	return colon ? colon + 1 : NULL;
}

/* The local part at *pp, unescaped into out. Returns 1 if it was quoted. */
static int
local_part(const char **pp, const char *end, struct fbuf *out)
{
	const char *p = *pp;

	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && ++p == end)
				return -1;
			if ((unsigned char)*p < 0x20 && *p != '\t')
				return -1;
			fbuf_addc(out, *p);
		}
		if (p == end)
			return -1;
		*pp = p + 1;
		return 1;
	}
	for (; p < end && *p != '@'; p++) {
		if (*p != '.' && !is_atext((unsigned char)*p))
			return -1;
		fbuf_addc(out, *p);
	}
	*pp = p;
	return out->len ? 0 : -1;
}

static int
ascii_domain(const char *in, size_t n, char *out, size_t outlen)
{
	size_t label = 0;

	if (n == 0 || n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    (ch == '*' && i == 0 && n > 1 && in[1] == '.')) {
			label++;
		} else if (ch >= 'A' && ch <= 'Z') {
			ch = (unsigned char)(ch - 'A' + 'a');
			label++;
		} else {
			return -1;
		}
		out[i] = (char)ch;
	}
	out[n] = '\0';
	return label ? 0 : -1;
}

int
faddr_domain_norm(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in);
	char *tmp, *alabel = NULL;
	int rc;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n > 1 && in[0] == '[' && in[n - 1] == ']') {
		/* An address literal: kept, lower-cased (IPv6 hex). */
		if (n >= outlen || memchr(in, '@', n) != NULL)
			return -1;
		for (size_t i = 0; i < n; i++)
			out[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] - 'A' + 'a' : in[i]);
		out[n] = '\0';
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] >= 0x80)
			goto idn;
	return ascii_domain(in, n, out, outlen);
idn:
	if ((tmp = strndup(in, n)) == NULL)
		return -1;
	rc = idn2_to_ascii_8z(tmp, &alabel, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	free(tmp);
	if (rc != IDN2_OK) {
		free(alabel);
		return -1;
	}
	rc = ascii_domain(alabel, strlen(alabel), out, outlen);
	free(alabel);
	return rc;
}

/* The canonical local part: bare when it is a dot-atom, else quoted. */
static int
put_local(struct fbuf *out, const struct fbuf *local)
{
	if (is_dot_atom(local->data, local->len))
		return fbuf_add(out, local->data, local->len);
	fbuf_addc(out, '"');
	for (size_t i = 0; i < local->len; i++) {
		if (local->data[i] == '"' || local->data[i] == '\\')
			fbuf_addc(out, '\\');
		fbuf_addc(out, local->data[i]);
	}
	return fbuf_addc(out, '"');
}

static int
parse(const char *p, const char *end, struct faddr *a)
{
	char dom[256], tmp[256];
	struct fbuf local, norm;
	size_t dl;
	int rc = -1;

	fbuf_init(&local, FADDR_MAX);
	fbuf_init(&norm, FADDR_MAX - 1);
	if (local_part(&p, end, &local) < 0 || p >= end || *p != '@')
		goto out;
	dl = (size_t)(end - ++p);
	if (dl == 0 || dl >= sizeof(tmp))
		goto out;
	memcpy(tmp, p, dl);
	tmp[dl] = '\0';
	if (faddr_domain_norm(tmp, dom, sizeof(dom)) < 0 || dom[0] == '*')
		goto out;
	put_local(&norm, &local);
	fbuf_addc(&norm, '@');
	fbuf_adds(&norm, dom);
	if (norm.overflow || local.overflow)
		goto out;
	memcpy(a->norm, norm.data, norm.len + 1);
	a->domain = strrchr(a->norm, '@') + 1;
	rc = 0;
out:
	fbuf_free(&local);
	fbuf_free(&norm);
	return rc;
}

int
faddr_parse(const char *s, struct faddr *a)
{
	const char *end;

	a->norm[0] = '\0';
	a->domain = a->norm;
	if (s == NULL)
		return -1;
	while (is_blank((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank((unsigned char)end[-1]))
		end--;
	if (s < end && *s == '<') {
		if (end[-1] != '>' || end - s < 2)
			return -1;
		s++;
		end--;
		if (s == end)
			return 0;            /* <>: the null path */
		if ((s = skip_route(s, end)) == NULL)
			return -1;
	}
	if (s >= end || parse(s, end, a) < 0) {
		a->norm[0] = '\0';
		a->domain = a->norm;
		return -1;
	}
	return 0;
}
