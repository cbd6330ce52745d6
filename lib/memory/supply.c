/* supply: who supplied a remembered mail, and the test for a reply to the
 * data subject. Suppliers, CPR numbers and subjects are kept as keyed
 * hashes in the same store as the thread memory, with the mail's id. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "memory/internal.h"
#include "memory/thread.h"

#define MAX_CPRS 32

void
fthr_trace(struct fthr_hits *h, const uint8_t id[FTHR_IDLEN])
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nids; i++)
		if (memcmp(h->ids[i], id, FTHR_IDLEN) == 0)
			return;
	if (h->nids == FTHR_MAX_TRACE) {
		h->ids_over = 1;
		return;
	}
	memcpy(h->ids[h->nids++], id, FTHR_IDLEN);
}

/* One reply or forward prefix ("re:", "sv:", "fwd:", "aw: " ...) at s. */
static size_t
prefix_len(const char *s)
{
	static const char *const pre[] = { "re", "sv", "fw", "fwd", "vs", "aw", "tr", "antw", NULL };

	for (size_t i = 0; pre[i]; i++) {
		size_t n = strlen(pre[i]);
		if (strncasecmp(s, pre[i], n) == 0 && s[n] == ':')
			return n + 1;
	}
	return 0;
}

size_t
fthr_subject_norm(const char *s, char *out, size_t outlen)
{
	size_t n = 0, p;
	int blank = 0;

	if (outlen == 0)
		return 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if ((p = prefix_len(s)) == 0)
			break;
		s += p;
	}
	for (; *s && n + 1 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isspace(ch)) {
			blank = n > 0;
			continue;
		}
		if (blank && n + 2 < outlen)
			out[n++] = ' ';
		blank = 0;
		out[n++] = (char)(ch < 0x80 ? tolower(ch) : ch);
	}
	out[n] = '\0';
	return n;
}

/* 'p': id || addr. 'c': cpr digits || NUL || addr. */
static int
supplier_key(const struct fthr *t, const uint8_t id[FTHR_IDLEN], const char *addr,
    uint8_t out[FSTORE_KEYLEN])
{
	char buf[FTHR_IDLEN + 320];
	size_t n = strlen(addr);

	if (n > 319)
		return -1;
	memcpy(buf, id, FTHR_IDLEN);
	memcpy(buf + FTHR_IDLEN, addr, n);
	return fthr_keyed(t, 'p', buf, FTHR_IDLEN + n, out);
}

static int
cpr_key(const struct fthr *t, const char *cpr, const char *addr, uint8_t out[FSTORE_KEYLEN])
{
	char buf[11 + 320];
	size_t n = strlen(addr);

	if (n > 319)
		return -1;
	memcpy(buf, cpr, 10);
	buf[10] = '\0';
	memcpy(buf + 11, addr, n);
	return fthr_keyed(t, 'c', buf, 11 + n, out);
}

static int
add_key(struct fthr_keyvec *kv, int (*fn)(const struct fthr *, const char *, const char *,
    uint8_t *), const struct fthr *t, const char *a, const char *b)
{
	uint8_t (*k)[FSTORE_KEYLEN] = fthr_keys_grow(kv, 1);

	if (k == NULL || fn(t, a, b, k[0]) < 0)
		return -1;
	kv->n++;
	return 0;
}

static int
cpr_key_fn(const struct fthr *t, const char *cpr, const char *addr, uint8_t *out)
{
	return cpr_key(t, cpr, addr, out);
}

static int
supplier_key_fn(const struct fthr *t, const char *id, const char *addr, uint8_t *out)
{
	return supplier_key(t, (const uint8_t *)id, addr, out);
}

static int
subject_key_fn(const struct fthr *t, const char *subject, const char *unused, uint8_t *out)
{
	char norm[512];
	size_t n = fthr_subject_norm(subject, norm, sizeof(norm));

	(void)unused;
	return n ? fthr_keyed(t, 's', norm, n, out) : -1;
}

int
fthr_supply_keys(struct fthr *t, const uint8_t id[FTHR_IDLEN], const struct fthr_supply *sup,
    struct fthr_keyvec *kv, char *err, size_t errlen)
{
	char norm[8];
	int rc = 0;

	if (sup->subject && fthr_subject_norm(sup->subject, norm, sizeof(norm)) > 0)
		rc |= add_key(kv, subject_key_fn, t, sup->subject, NULL);
	for (int a = 0; a < 2 && rc == 0; a++) {
		const char *addr = sup->addrs[a];
		if (addr == NULL || *addr == '\0' || (a == 1 && sup->addrs[0] &&
		    strcmp(addr, sup->addrs[0]) == 0))
			continue;
		rc |= add_key(kv, supplier_key_fn, t, (const char *)id, addr);
		for (size_t i = 0; rc == 0 && sup->findings && i < sup->findings->n; i++)
			if (sup->findings->v[i].cpr[0])
				rc |= add_key(kv, cpr_key_fn, t, sup->findings->v[i].cpr, addr);
	}
	if (rc)
		snprintf(err, errlen, "out of memory or HMAC failed");
	return rc ? -1 : 0;
}

/* The subject of the message, if it is a remembered mail's: traced. */
static int
trace_subject(struct fthr *t, const struct fmsg *m, struct fthr_hits *h, int *traced,
    char *err, size_t errlen)
{
	uint8_t key[1][FSTORE_KEYLEN];
	struct fthr_val v;
	int found = 0;

	*traced = 0;
	for (size_t i = 0; i < m->segs.n; i++) {
		if (m->segs.v[i].where != FWHERE_SUBJECT)
			continue;
		if (subject_key_fn(t, m->segs.v[i].text, NULL, key[0]) < 0)
			return 0;
		if (t->ops->get(t->store, (const uint8_t (*)[FSTORE_KEYLEN])key, 1, &v, &found,
		    err, errlen) < 0)
			return -1;
		if (found) {
			fthr_trace(h, v.id);
			*traced = 1;
		}
		return 0;
	}
	return 0;
}

/* Is finding x traced to remembered mail? A CPR number outside a quote of
 * it is traced through the recipients (*cpr = 1: ask the store). */
static int
traced(const struct ffinding *x, const struct fthr_hits *h, int subject, int *cpr)
{
	int quote = h->quoted_hit || h->ref_hit;

	*cpr = 0;
	if (strcmp(x->detector, "thread") == 0)
		return 1;
	if (x->where == FWHERE_QUOTED && quote)
		return 1;
	if (x->where == FWHERE_SUBJECT && (subject || (x->cat == FCAT_MARKING && h->ref_hit)))
		return 1;
	if (x->where == FWHERE_HEADER && x->cat == FCAT_MARKING && h->ref_hit)
		return 1;
	if (x->cat == FCAT_CPR && x->cpr[0]) {
		*cpr = 1;
		return 1;
	}
	return 0;
}

static int
ask_all(struct fthr *t, struct fthr_keyvec *kv, int *yes, char *err, size_t errlen)
{
	struct fthr_val *vals = calloc(kv->n ? kv->n : 1, sizeof(*vals));
	int *found = calloc(kv->n ? kv->n : 1, sizeof(*found));
	int rc = -1;

	if (vals == NULL || found == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (t->ops->get(t->store, (const uint8_t (*)[FSTORE_KEYLEN])kv->k, kv->n, vals, found,
	    err, errlen) < 0)
		goto out;
	*yes = kv->n > 0;
	for (size_t i = 0; i < kv->n; i++)
		*yes &= found[i] != 0;
	rc = 0;
out:
	free(vals);
	free(found);
	return rc;
}

int
fthr_data_subject(struct fthr *t, const struct fmsg *m, const struct ffindings *f,
    const struct fthr_hits *hits, const char *const *rcpts, size_t n, int *yes,
    char *err, size_t errlen)
{
	struct fthr_hits h = *hits;
	struct fthr_keyvec kv = { NULL, 0, 0 };
	const char *cprs[MAX_CPRS];
	size_t ncpr = 0;
	int subject, rc = -1;

	*yes = 0;
	subject = 0;
	if (t == NULL || n == 0 || f->n == 0)
		return 0;
	/* Only a finding in the subject asks whose subject it is. */
	if ((ffindings_wheres(f) & (1u << FWHERE_SUBJECT)) &&
	    trace_subject(t, m, &h, &subject, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		int cpr;
		if (!traced(&f->v[i], &h, subject, &cpr))
			return 0;
		if (cpr && ncpr == MAX_CPRS)
			return 0;
		if (cpr)
			cprs[ncpr++] = f->v[i].cpr;
	}
	if (h.ids_over || h.nids + ncpr == 0)
		return 0;
	for (size_t r = 0; r < n; r++) {
		for (size_t i = 0; i < h.nids; i++)
			if (add_key(&kv, supplier_key_fn, t, (const char *)h.ids[i], rcpts[r]) < 0)
				goto oom;
		for (size_t i = 0; i < ncpr; i++)
			if (add_key(&kv, cpr_key_fn, t, cprs[i], rcpts[r]) < 0)
				goto oom;
	}
	rc = ask_all(t, &kv, yes, err, errlen);
	free(kv.k);
	return rc;
oom:
	snprintf(err, errlen, "out of memory or HMAC failed");
	free(kv.k);
	return -1;
}
