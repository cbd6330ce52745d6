/* tlsmap: a TLS policy map's source text -> sorted entries, and the
 * lookup order of the MTA that reads it. Wherever the MTA's behaviour
 * depends on a setting fortrolig cannot see, the answer is "not covered":
 * a tls action must never be taken for a domain the MTA may send in clear.
 *
 * Postfix (smtp_tls_policy_maps): "key level [attr=value ...]"; logical
 * lines continue on lines that start with white space. The key is the
 * next-hop domain; when the domain has no entry, ".parent" entries are
 * tried, nearest first. Verified TLS: secure, verify, dane-only, fingerprint.
 *
 * Sendmail (access map): "TLS_Rcpt:key [PERM+|TEMP+]VERIFY[:bits][+ext]".
 * Lookups: user@domain, user@, the domain and then each parent domain
 * ("example.dk" covers its subdomains), then the bare "TLS_Rcpt:" default.
 * ".parent" keys count only with FEATURE(`lookupdotdomain'): a weak one
 * blocks, a VERIFY one is not relied on. Only VERIFY is verified TLS. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "conf/tlsmap.h"

#define TLSMAP_MAX_BYTES (16 * 1024 * 1024)
#define TLSMAP_KEY_MAX 320

struct tent {
	char *key;                 /* lower case; "" = Sendmail's default */
	char level[32];            /* the value's first word, for the why */
	int verified, line;
};

struct ftlsmap {
	enum ftlsmap_format fmt;
	struct tent *v;
	size_t n, cap;
	struct tent weak_user;     /* Sendmail "user@" without VERIFY (line 0: none) */
};

static const char *const pf_verified[] = { "secure", "verify", "dane-only", "fingerprint", NULL };

static int
pf_level_verified(const char *level)
{
	for (size_t i = 0; pf_verified[i]; i++)
		if (strcasecmp(level, pf_verified[i]) == 0)
			return 1;
	return 0;
}

/* [(PERM|TEMP)+](VERIFY[:bits]|ENCR:bits)[+extensions] */
static int
sm_level_verified(const char *v)
{
	if (strncasecmp(v, "PERM+", 5) == 0 || strncasecmp(v, "TEMP+", 5) == 0)
		v += 5;
	return strncasecmp(v, "VERIFY", 6) == 0 && (v[6] == '\0' || v[6] == ':' || v[6] == '+');
}

static int
add(struct ftlsmap *m, const char *key, size_t klen, const char *level, size_t llen,
    int verified, int line)
{
	struct tent *e;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct tent *v = realloc(m->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	e = &m->v[m->n];
	if ((e->key = malloc(klen + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < klen; i++)
		e->key[i] = (char)tolower((unsigned char)key[i]);
	e->key[klen] = '\0';
	snprintf(e->level, sizeof(e->level), "%.*s", (int)llen, level);
	e->verified = verified;
	e->line = line;
	m->n++;
	return 0;
}

static size_t
word(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && s[n] != '\t')
		n++;
	return n;
}

static size_t
blanks(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && (s[n] == ' ' || s[n] == '\t'))
		n++;
	return n;
}

/* "TLS_Rcpt:key value": an address entry only ever weakens. */
static int
sm_entry(struct ftlsmap *m, const char *key, size_t kl, const char *v, size_t vl, int line)
{
	char val[sizeof(m->weak_user.level)];
	const char *at;
	int ver;

	if (kl < 9 || strncasecmp(key, "TLS_Rcpt:", 9) != 0)
		return 0;
	key += 9;
	kl -= 9;
	snprintf(val, sizeof(val), "%.*s", (int)vl, v);
	ver = sm_level_verified(val);
	if (kl && key[kl - 1] == '@') {               /* "user@": any domain */
		if (!ver && m->weak_user.line == 0) {
			snprintf(m->weak_user.level, sizeof(m->weak_user.level), "%s", val);
			m->weak_user.line = line;
		}
		return 0;
	}
	if ((at = memchr(key, '@', kl)) != NULL)      /* "user@domain": "@domain" */
		return ver ? 0 : add(m, at, kl - (size_t)(at - key), v, vl, 0, line);
	return add(m, key, kl, v, vl, ver, line);
}

/* One logical line: key, white space, value. A line without a value is
 * one postmap/makemap refuses: it counts as no entry. */
static int
entry(struct ftlsmap *m, const char *s, size_t len, int line)
{
	size_t kl = word(s, len), vs, vl;
	char level[32];

	vs = kl + blanks(s + kl, len - kl);
	vl = word(s + vs, len - vs);
	if (kl == 0 || vl == 0 || kl > TLSMAP_KEY_MAX)
		return 0;
	if (m->fmt == FTLSMAP_SENDMAIL)
		return sm_entry(m, s, kl, s + vs, vl, line);
	snprintf(level, sizeof(level), "%.*s", (int)vl, s + vs);
	return add(m, s, kl, s + vs, vl, vl < sizeof(level) && pf_level_verified(level), line);
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct tent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorted by key; of repeated keys the first line wins, as postmap and
 * makemap keep the first one. */
static void
finish(struct ftlsmap *m)
{
	size_t o = 0;

	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_ent);
	for (size_t i = 0; i < m->n; i++) {
		if (o && strcmp(m->v[o - 1].key, m->v[i].key) == 0) {
			free(m->v[i].key);
			continue;
		}
		m->v[o++] = m->v[i];
	}
	m->n = o;
}

struct ftlsmap *
ftlsmap_parse(const char *text, size_t len, enum ftlsmap_format fmt)
{
	struct ftlsmap *m = calloc(1, sizeof(*m));
	struct fbuf logical;
	int line = 0, start = 0, r = 0;

	if (m == NULL)
		return NULL;
	m->fmt = fmt;
	fbuf_init(&logical, 0);
	for (size_t pos = 0; pos < len && r == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos), *s = text + pos;
		size_t n = nl ? (size_t)(nl - s) : len - pos, b;
		pos += n + (nl != NULL);
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		b = blanks(s, n);
		if (b == n || s[b] == '#')
			continue;
		/* Postfix: white space first continues the logical line. */
		if (b > 0 && fmt == FTLSMAP_POSTFIX && logical.len) {
			r = fbuf_addc(&logical, ' ') | fbuf_add(&logical, s + b, n - b);
			continue;
		}
		if (logical.len)
			r = entry(m, fbuf_str(&logical), logical.len, start);
		fbuf_reset(&logical);
		start = line;
		r |= fbuf_add(&logical, s + b, n - b);
	}
	if (r == 0 && logical.len)
		r = entry(m, fbuf_str(&logical), logical.len, start);
	fbuf_free(&logical);
	finish(m);
	if (r != 0) {
		ftlsmap_free(m);
		return NULL;
	}
	return m;
}

struct ftlsmap *
ftlsmap_load(const char *path, enum ftlsmap_format fmt, char *err, size_t errlen)
{
	struct ftlsmap *m = NULL;
	struct stat sb;
	char *text = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL || fstat(fileno(f), &sb) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
	} else if (!S_ISREG(sb.st_mode) || sb.st_size > TLSMAP_MAX_BYTES) {
		snprintf(err, errlen, "not a regular file of at most %d bytes", TLSMAP_MAX_BYTES);
	} else if ((text = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
	} else if ((n = fread(text, 1, (size_t)sb.st_size, f)) != (size_t)sb.st_size || ferror(f)) {
		snprintf(err, errlen, "cannot read the file");
	} else if ((m = ftlsmap_parse(text, n, fmt)) == NULL) {
		snprintf(err, errlen, "out of memory");
	}
	if (f)
		fclose(f);
	free(text);
	return m;
}

void
ftlsmap_free(struct ftlsmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	free(m);
}

size_t
ftlsmap_count(const struct ftlsmap *m)
{
	return m ? m->n : 0;
}

static const struct tent *
find(const struct ftlsmap *m, const char *pre, const char *key)
{
	char k[TLSMAP_KEY_MAX + 2];
	size_t lo = 0, hi = m->n;

	if ((size_t)snprintf(k, sizeof(k), "%s%s", pre, key) >= sizeof(k))
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(k, m->v[mid].key);
		if (c == 0)
			return &m->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const char *
parent(const char *d)
{
	const char *dot = strchr(d, '.');

	return dot && dot[1] ? dot + 1 : NULL;
}

/* generic: a subdomain of d that has no entry of its own. */
static const struct tent *
pf_walk(const struct ftlsmap *m, const char *d, int generic)
{
	const struct tent *e;

	if (!generic && (e = find(m, "", d)) != NULL)
		return e;
	for (const char *p = generic ? d : parent(d); p; p = parent(p))
		if ((e = find(m, ".", p)) != NULL)
			return e;
	return NULL;
}

static const struct tent *
sm_walk(const struct ftlsmap *m, const char *d, int generic)
{
	const struct tent *e;

	if (m->weak_user.line)
		return &m->weak_user;
	if (!generic && ((e = find(m, "@", d)) != NULL || (e = find(m, "", d)) != NULL))
		return e;
	for (const char *p = generic ? d : parent(d); p; p = parent(p)) {
		if ((e = find(m, ".", p)) != NULL && !e->verified)
			return e;
		if ((e = find(m, "", p)) != NULL)
			return e;
	}
	return find(m, "", "");
}

static int
verdict(const struct ftlsmap *m, const struct tent *e, const char *what, char *why,
    size_t whylen)
{
	const char *tag = m->fmt == FTLSMAP_SENDMAIL ? "TLS_Rcpt:" : "";

	if (e == NULL) {
		snprintf(why, whylen, "no map entry for %s", what);
		return 0;
	}
	if (e->verified)
		return 1;
	if (e == &m->weak_user)
		snprintf(why, whylen, "map line %d: a TLS_Rcpt:user@ entry is %s", e->line, e->level);
	else if (e->key[0] == '@')
		snprintf(why, whylen, "map line %d: an address at %s is %s", e->line, e->key + 1,
		    e->level);
	else
		snprintf(why, whylen, "map line %d: %s%s is %s", e->line, tag, e->key, e->level);
	return 0;
}

int
ftlsmap_covers(const struct ftlsmap *m, const char *domain, char *why, size_t whylen)
{
	if (domain[0] == '\0') {
		snprintf(why, whylen, "no recipient domain");
		return 0;
	}
	return verdict(m, m->fmt == FTLSMAP_POSTFIX ? pf_walk(m, domain, 0) :
	    sm_walk(m, domain, 0), domain, why, whylen);
}

int
ftlsmap_covers_match(const struct ftlsmap *m, const char *match, char *why, size_t whylen)
{
	if (strcmp(match, "*") == 0) {
		if (m->fmt == FTLSMAP_POSTFIX) {
			snprintf(why, whylen, "a Postfix map has no entry for every domain; set "
			    "smtp_tls_security_level in main.cf");
			return 0;
		}
		return verdict(m, m->weak_user.line ? &m->weak_user : find(m, "", ""),
		    "every domain (TLS_Rcpt:)", why, whylen);
	}
	if (match[0] == '*' && match[1] == '.')
		return verdict(m, m->fmt == FTLSMAP_POSTFIX ? pf_walk(m, match + 2, 1) :
		    sm_walk(m, match + 2, 1), match, why, whylen);
	return ftlsmap_covers(m, match, why, whylen);
}

int
ftlsmap_enforced(const struct fconf *c, const char *domain, char *why, size_t whylen)
{
	if (c->tls.map == NULL || c->tls.map[0] == '\0')
		return 1;
	if (c->tls.parsed == NULL) {
		snprintf(why, whylen, "the map could not be read");
		return 0;
	}
	return ftlsmap_covers(c->tls.parsed, domain, why, whylen);
}

static int
lists_tls(const struct fdomain_rule *r)
{
	for (size_t i = 0; i < r->nactions; i++)
		if (r->actions[i] == FACT_TLS)
			return 1;
	return 0;
}

size_t
ftlsmap_check(const struct fconf *c, void (*warn)(void *arg, const char *msg), void *arg)
{
	char why[256], msg[1024];
	size_t n = 0;

	if (c->tls.map == NULL || c->tls.map[0] == '\0')
		return 0;
	if (c->tls.parsed == NULL) {
		snprintf(msg, sizeof(msg), "tls_policy_map %s: %s; tls is unusable for every "
		    "domain until it can be read", c->tls.map, c->tls.error);
		warn(arg, msg);
		return 1;
	}
	for (size_t i = 0; i < c->nrules; i++) {
		const struct fdomain_rule *r = &c->rules[i];
		if (!lists_tls(r) || ftlsmap_covers_match(c->tls.parsed, r->match, why, sizeof(why)))
			continue;
		snprintf(msg, sizeof(msg), "tls_policy_map %s does not enforce verified TLS for "
		    "\"%s\" (%s:%d): %s; tls is skipped for it and the rule's next action "
		    "applies", c->tls.map, r->match, c->path, r->line, why);
		warn(arg, msg);
		n++;
	}
	return n;
}
