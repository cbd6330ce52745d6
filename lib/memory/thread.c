/* thread: keyed hashes of Message-IDs and content fingerprints, learning
 * and the thread detector. No text and no plain Message-ID leaves here. */
#include "base/buffer.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "memory/internal.h"
#include "memory/mac.h"
#include "memory/thread.h"
#include "memory/winnow.h"

#define PURGE_PER_LEARN 256
#define MAX_REFS 64
#define FORMAT_FPS_SIPHASH 2         /* the store format with SipHash fingerprints */
#define FORMAT_KEEP (100LL * 365 * 86400)

static const char format_name[] = "fingerprint format";

/* The format record says since when fingerprints are SipHash keys. A store
 * that already held entries without it was written by an older fortrolig
 * with HMAC fingerprints: those are looked up too until the last of them
 * has expired (ttl_days), so no remembered mail is forgotten by an upgrade.
 * A store that cannot answer now is treated as older, and not written. */
static void
format_check(struct fthr *t, const struct fconf *c)
{
	uint8_t key[1][FSTORE_KEYLEN];
	struct fthr_val v;
	int found = 0, any;
	int64_t now = (int64_t)time(NULL);
	char err[256];

	t->legacy_until = now + (int64_t)c->store.ttl_days * 86400;
	if (fthr_keyed(t, 'V', format_name, sizeof(format_name) - 1, key[0]) < 0 ||
	    t->ops->get(t->store, (const uint8_t (*)[FSTORE_KEYLEN])key, 1, &v, &found,
	    err, sizeof(err)) < 0)
		return;
	if (found && v.cats == FORMAT_FPS_SIPHASH) {
		t->legacy_until = 0;
		for (int i = 0; i < FTHR_IDLEN; i++)
			t->legacy_until = t->legacy_until << 8 | v.id[i];
		return;
	}
	/* Not known (DBSIZE not allowed, say): older data assumed, and the
	 * record written so that this is decided once. */
	if ((any = t->ops->any(t->store, err, sizeof(err))) == 0)
		t->legacy_until = 0;
	memset(&v, 0, sizeof(v));
	for (int i = 0; i < FTHR_IDLEN; i++)
		v.id[i] = (uint8_t)((uint64_t)t->legacy_until >> (56 - 8 * i));
	v.cats = FORMAT_FPS_SIPHASH;
	v.learned = now;
	v.expires = now + FORMAT_KEEP;
	(void)t->ops->put(t->store, (const uint8_t (*)[FSTORE_KEYLEN])key, 1, &v, err, sizeof(err));
}

/* The fingerprints' SipHash key: HMAC(key, 'K' || label), so the one secret
 * of the key file keys both and a stolen store reveals neither. */
static int
fp_key(struct fthr *t)
{
	static const char label[] = "siphash-2-4-128 fingerprints";
	uint8_t k[FSIP_KEYLEN];

	if (fthr_keyed(t, 'K', label, sizeof(label) - 1, k) < 0)
		return -1;
	fsip_init(&t->fp, k);
	OPENSSL_cleanse(k, sizeof(k));
	return 0;
}

struct fthr *
fthr_open(const struct fconf *c, char *err, size_t errlen)
{
	const struct fstore_ops *ops = fstore_lookup(c->store.backend);
	struct fthr *t;

	err[0] = '\0';
	if (ops == NULL)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->ops = ops;
	if (fthr_key_load(c->store.key_file, t->key, err, errlen) < 0 ||
	    (t->store = ops->open(c, err, errlen)) == NULL) {
		OPENSSL_cleanse(t->key, sizeof(t->key));
		free(t);
		return NULL;
	}
	if (fmac_init(&t->mac, t->key, sizeof(t->key)) < 0 || fp_key(t) < 0) {
		snprintf(err, errlen, "cannot set up HMAC-SHA256");
		fthr_close(t);
		return NULL;
	}
	format_check(t, c);
	return t;
}

int
fthr_probe(struct fthr *t, char *err, size_t errlen)
{
	static const uint8_t key[1][FSTORE_KEYLEN];
	struct fthr_val v;
	int found = 0;

	return t->ops->get(t->store, key, 1, &v, &found, err, errlen) < 0 ? -1 : 0;
}

void
fthr_close(struct fthr *t)
{
	if (t == NULL)
		return;
	t->ops->close(t->store);
	fmac_free(&t->mac);
	OPENSSL_cleanse(t->key, sizeof(t->key));
	OPENSSL_cleanse(&t->fp, sizeof(t->fp));
	free(t);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int
key_create(const char *path, char *err, size_t errlen)
{
	uint8_t raw[32];
	char hex[66];
	int fd;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		snprintf(err, errlen, "%s: no random bytes for a new key", path);
		return -1;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[64] = '\n';
	OPENSSL_cleanse(raw, sizeof(raw));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		if (errno == EEXIST)
			return 0;   /* another process was first */
		snprintf(err, errlen, "%s: cannot create the key: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, hex, 65) != 65 || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: cannot write the key: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	OPENSSL_cleanse(hex, sizeof(hex));
	return close(fd) == 0 ? 0 : -1;
}

int
fthr_key_load(const char *path, uint8_t key[32], char *err, size_t errlen)
{
	char hex[80];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 && errno == ENOENT) {
		if (key_create(path, err, errlen) < 0)
			return -1;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open the key: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: the key must not be readable by group or others (chmod 600)",
		    path);
		goto out;
	}
	n = read(fd, hex, sizeof(hex));
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
		n--;
	if (n != 64) {
		snprintf(err, errlen, "%s: the key must be 64 hex digits", path);
		goto out;
	}
	for (int i = 0; i < 32; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "%s: the key must be 64 hex digits", path);
			goto out;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	rc = 0;
out:
	OPENSSL_cleanse(hex, sizeof(hex));
	close(fd);
	return rc;
}

int
fthr_keyed(const struct fthr *t, char tag, const void *data, size_t len,
    uint8_t out[FSTORE_KEYLEN])
{
	void *w = fmac_work();
	int rc = fmac_sum(&t->mac, w, tag, data, len, out, FSTORE_KEYLEN);

	fmac_work_free(w);
	return rc;
}

/* n keys for the fingerprints of f: SipHash, or the HMAC of older stores. */
static int
keyed_fps(const struct fthr *t, const struct ffps *f, uint8_t (*keys)[FSTORE_KEYLEN],
    int legacy)
{
	void *w;
	int rc = 0;

	if (!legacy) {
		for (size_t i = 0; i < f->n; i++)
			fsip_sum(&t->fp, &f->v[i].h, sizeof(f->v[i].h), keys[i]);
		return 0;
	}
	w = fmac_work();
	for (size_t i = 0; rc == 0 && i < f->n; i++)
		rc = fmac_sum(&t->mac, w, 'f', &f->v[i].h, sizeof(f->v[i].h), keys[i], FSTORE_KEYLEN);
	fmac_work_free(w);
	return rc;
}

size_t
fthr_msgid_norm(const char *s, size_t len, char *out, size_t outlen)
{
	size_t n = 0;
	int depth = 0;

	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '(')
			depth++;
		else if (ch == ')' && depth > 0)
			depth--;
		else if (depth == 0 && ch > ' ' && ch != '<' && ch != '>' && ch < 0x7f) {
			if (n + 1 >= outlen)
				return 0;   /* longer than any real id: unusable */
			out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
	}
	out[n] = '\0';
	return n;
}

void
fthr_val_encode(const struct fthr_val *v, uint8_t out[FTHR_VALLEN])
{
	memcpy(out, v->id, FTHR_IDLEN);
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(v->cats >> (24 - 8 * i));
	for (int i = 0; i < 8; i++) {
		out[12 + i] = (uint8_t)((uint64_t)v->learned >> (56 - 8 * i));
		out[20 + i] = (uint8_t)((uint64_t)v->expires >> (56 - 8 * i));
	}
}

void
fthr_val_decode(const uint8_t in[FTHR_VALLEN], struct fthr_val *v)
{
	uint64_t l = 0, e = 0;

	memcpy(v->id, in, FTHR_IDLEN);
	v->cats = 0;
	for (int i = 0; i < 4; i++)
		v->cats = v->cats << 8 | in[8 + i];
	for (int i = 0; i < 8; i++) {
		l = l << 8 | in[12 + i];
		e = e << 8 | in[20 + i];
	}
	v->learned = (int64_t)l;
	v->expires = (int64_t)e;
}

/* Calls fn for each "<id>" in a References/In-Reply-To value. */
static size_t
split_refs(const char *s, char ids[][256], size_t max)
{
	size_t n = 0;

	while (s && *s && n < max) {
		const char *a = strchr(s, '<'), *b;
		if (a == NULL || (b = strchr(a, '>')) == NULL)
			break;
		if (fthr_msgid_norm(a, (size_t)(b - a + 1), ids[n], sizeof(ids[n])) > 0)
			n++;
		s = b + 1;
	}
	return n;
}

static void
note_hit(struct fthr_hits *h, const struct fthr_val *v, enum fwhere where, int hits)
{
	struct fthr_hit *x;

	if (h == NULL || h->n == sizeof(h->v) / sizeof(h->v[0]))
		return;
	x = &h->v[h->n++];
	for (int i = 0; i < FTHR_IDLEN; i++)
		snprintf(x->id + 2 * i, 3, "%02x", v->id[i]);
	x->learned = v->learned;
	x->where = where;
	x->cats = v->cats;
	x->hits = hits;
}

static int
add_findings(struct ffindings *out, const struct fthr_val *v, enum fwhere where,
    const char *what)
{
	if (ffindings_add(out, "thread", FCAT_THREAD, where, 90, what) < 0)
		return -1;
	for (int k = 0; k < FCAT_COUNT; k++)
		if (k != FCAT_THREAD && (v->cats & (1u << k)) &&
		    ffindings_add(out, "thread", (enum fcat)k, where, 80, what) < 0)
			return -1;
	return 0;
}

static int
check_refs(struct fthr *t, const struct fmsg *m, struct ffindings *out,
    struct fthr_hits *hits, char *err, size_t errlen)
{
	char (*ids)[256] = calloc(MAX_REFS, 256);
	uint8_t (*keys)[FSTORE_KEYLEN] = calloc(MAX_REFS, FSTORE_KEYLEN);
	struct fthr_val vals[MAX_REFS];
	int found[MAX_REFS] = { 0 };
	size_t n = 0;
	int rc = -1;

	if (ids == NULL || keys == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	n = split_refs(m->in_reply_to, ids, MAX_REFS);
	n += split_refs(m->references, ids + n, MAX_REFS - n);
	for (size_t i = 0; i < n; i++)
		if (fthr_keyed(t, 'm', ids[i], strlen(ids[i]), keys[i]) < 0) {
			snprintf(err, errlen, "HMAC failed");
			goto out;
		}
	if (n && t->ops->get(t->store, (const uint8_t (*)[FSTORE_KEYLEN])keys, n, vals, found,
	    err, errlen) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++)
		if (found[i])
			fthr_trace(hits, vals[i].id);
	for (size_t i = 0; i < n; i++)
		if (found[i]) {
			note_hit(hits, &vals[i], FWHERE_HEADER, 0);
			if (hits)
				hits->ref_hit = 1;
			rc = add_findings(out, &vals[i], FWHERE_HEADER, "reply to a remembered mail");
			break;
		}
out:
	free(ids);
	free(keys);
	return rc;
}

/* The densest window of hits from one remembered entry. */
static int
best_window(const struct ffps *f, const int *found, const struct fthr_val *vals,
    size_t at, int window)
{
	int best = 0;

	for (size_t i = at; i < f->n; i++) {
		int c = 0;
		if (!found[i] || memcmp(vals[i].id, vals[at].id, FTHR_IDLEN) != 0)
			continue;
		for (size_t j = i; j < f->n && f->v[j].pos < f->v[i].pos + (uint32_t)window; j++)
			c += found[j] && memcmp(vals[j].id, vals[at].id, FTHR_IDLEN) == 0;
		best = c > best ? c : best;
	}
	return best;
}

/* Every remembered mail with two or more fingerprints in the segment: a
 * reply to the data subject must come from mail that person supplied. */
static void
trace_segment(struct fthr_hits *h, const struct ffps *f, const int *found,
    const struct fthr_val *vals)
{
	struct { const uint8_t *id; int n; } seen[64];
	size_t nseen = 0;

	for (size_t i = 0; h && i < f->n; i++) {
		size_t k = 0;
		if (!found[i])
			continue;
		while (k < nseen && memcmp(seen[k].id, vals[i].id, FTHR_IDLEN) != 0)
			k++;
		if (k == nseen) {
			if (nseen == sizeof(seen) / sizeof(seen[0])) {
				h->ids_over = 1;
				return;
			}
			seen[nseen].id = vals[i].id;
			seen[nseen++].n = 0;
		}
		if (++seen[k].n == 2)
			fthr_trace(h, vals[i].id);
	}
}

static int
check_segment(struct fthr *t, const struct fconf *c, const struct fseg *s,
    struct ffindings *out, struct fthr_hits *hits, char *err, size_t errlen)
{
	struct ffps f = { 0 };
	uint8_t (*keys)[FSTORE_KEYLEN] = NULL;
	struct fthr_val *vals = NULL;
	int *found = NULL, rc = -1, legacy;
	size_t nk;

	if (fwin_fingerprints(s->text, s->len, &f) < 0)
		goto oom;
	if (f.n == 0) {
		rc = 0;
		goto out;
	}
	legacy = (int64_t)time(NULL) < t->legacy_until;
	nk = legacy ? 2 * f.n : f.n;
	keys = calloc(nk, FSTORE_KEYLEN);
	vals = calloc(nk, sizeof(*vals));
	found = calloc(nk, sizeof(*found));
	if (keys == NULL || vals == NULL || found == NULL)
		goto oom;
	if (keyed_fps(t, &f, keys, 0) < 0 || (legacy && keyed_fps(t, &f, keys + f.n, 1) < 0)) {
		snprintf(err, errlen, "HMAC failed");
		goto out;
	}
	if (t->ops->get(t->store, (const uint8_t (*)[FSTORE_KEYLEN])keys, nk, vals, found,
	    err, errlen) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; legacy && i < f.n; i++) {
		if (!found[i] && found[f.n + i]) {
			found[i] = 1;
			vals[i] = vals[f.n + i];
		}
	}
	trace_segment(hits, &f, found, vals);
	for (size_t i = 0; i < f.n; i++) {
		int n;
		if (!found[i] || (n = best_window(&f, found, vals, i, c->thread.window)) <
		    c->thread.min_hits)
			continue;
		note_hit(hits, &vals[i], s->where, n);
		if (hits && s->where == FWHERE_QUOTED)
			hits->quoted_hit = 1;
		rc = add_findings(out, &vals[i], s->where, "quotes a remembered mail");
		break;
	}
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	ffps_free(&f);
	free(keys);
	free(vals);
	free(found);
	return rc;
}

int
fthr_check(struct fthr *t, const struct fconf *c, const struct fmsg *m,
    struct ffindings *out, struct fthr_hits *hits, char *err, size_t errlen)
{
	if (t == NULL || !c->thread.enabled)
		return 0;
	if (check_refs(t, m, out, hits, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *s = &m->segs.v[i];
		if (s->where == FWHERE_SUBJECT || s->where == FWHERE_HEADER)
			continue;
		if (check_segment(t, c, s, out, hits, err, errlen) < 0)
			return -1;
	}
	return 0;
}

uint8_t (*fthr_keys_grow(struct fthr_keyvec *kv, size_t more))[FSTORE_KEYLEN]
{
	return fgrow((void **)&kv->k, &kv->cap, kv->n + more, FSTORE_KEYLEN) < 0 ? NULL : kv->k + kv->n;
}

static int
learn_text(struct fthr *t, const struct fconf *c, const struct fmsg *m, struct fthr_keyvec *kv,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *s = &m->segs.v[i];
		struct ffps f = { 0 };
		uint8_t (*k)[FSTORE_KEYLEN];
		int r = 0;
		if (s->where == FWHERE_SUBJECT || s->where == FWHERE_HEADER)
			continue;
		if (fwin_fingerprints(s->text, s->len, &f) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		/* Too little text identifies nothing and only risks false hits. */
		if (f.words >= (size_t)c->thread.min_words && f.n > 0) {
			if ((k = fthr_keys_grow(kv, f.n)) == NULL) {
				snprintf(err, errlen, "out of memory");
				r = -1;
			} else if (keyed_fps(t, &f, k, 0) < 0) {
				snprintf(err, errlen, "HMAC failed");
				r = -1;
			} else {
				kv->n += f.n;
			}
		}
		ffps_free(&f);
		if (r < 0)
			return -1;
	}
	return 0;
}

int
fthr_learn(struct fthr *t, const struct fconf *c, const struct fmsg *m,
    unsigned cats, const struct fthr_supply *sup, char *err, size_t errlen)
{
	struct fthr_val v;
	struct fthr_keyvec kv = { NULL, 0, 0 };
	uint8_t (*k)[FSTORE_KEYLEN];
	char id[256];
	size_t idlen = m->message_id ?
	    fthr_msgid_norm(m->message_id, strlen(m->message_id), id, sizeof(id)) : 0;
	int rc = -1;

	if (t == NULL)
		return 0;
	memset(&v, 0, sizeof(v));
	v.cats = cats & ~(1u << FCAT_THREAD);
	v.learned = (int64_t)time(NULL);
	v.expires = v.learned + (int64_t)c->store.ttl_days * 86400;
	if (idlen) {
		if ((k = fthr_keys_grow(&kv, 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (fthr_keyed(t, 'm', id, idlen, k[0]) < 0) {
			snprintf(err, errlen, "HMAC failed");
			goto out;
		}
		memcpy(v.id, k[0], FTHR_IDLEN);
		kv.n++;
	} else if (RAND_bytes(v.id, FTHR_IDLEN) != 1) {
		snprintf(err, errlen, "no random bytes for an entry id");
		goto out;
	}
	/* One transaction for the whole message: a durable commit each for
	 * the Message-ID and every segment serialised the milter's threads. */
	if (learn_text(t, c, m, &kv, err, errlen) < 0 ||
	    (sup && fthr_supply_keys(t, v.id, sup, &kv, err, errlen) < 0) ||
	    (kv.n > 0 && t->ops->put(t->store, (const uint8_t (*)[FSTORE_KEYLEN])kv.k, kv.n, &v,
	    err, errlen) < 0))
		goto out;
	rc = t->ops->purge(t->store, v.learned, PURGE_PER_LEARN, err, errlen) < 0 ? -1 : 0;
out:
	free(kv.k);
	return rc;
}
