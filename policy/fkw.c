/* fkw: dictionary words per category. A category is found when, inside a
 * window of words, the distinct terms' weights reach the threshold and the
 * same window talks about a person (a person word, a capitalised name pair,
 * or a CPR number in the message). One policy word does not flag a mail. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fbuf.h"
#include "fdet.h"
#include "fkw.h"
#include "fkwhs.h"
#include "fkwi.h"
#include "fkwset.h"
#include "fsig.h"
#include "ftext.h"

static const struct {
	const char *file;
	int cat;
} lists[] = {
	{ "health.txt", FCAT_HEALTH }, { "criminal.txt", FCAT_CRIMINAL },
	{ "social.txt", FCAT_SOCIAL }, { "private.txt", FCAT_PRIVATE },
	{ "person.txt", KW_PERSON },
};

static const char *const name_stop[] = {
	"kommune", "region", "byråd", "byrådet", "udvalg", "udvalget", "afdeling",
	"center", "centret", "skole", "hospital", "sygehus", "kære", "hej", "med",
	"venlig", "hilsen", "mvh", "dear", "best", "regards", "fra", "til", "sendt",
	"emne", "from", "to", "sent", "subject", "den", "det", "de", "vi", "jeg",
	"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
	"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	"september", "oktober", "november", "december", NULL
};

static size_t
fkw_count(const struct fkw_dict *d)
{
	return d ? d->n : 0;
}

size_t
fkw_dict_size(const struct fkw_dict *d)
{
	return fkw_count(d);
}

void
fkw_dict_free(struct fkw_dict *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->e[i].nw; k++)
			free(d->e[i].w[k].w);
		free(d->e[i].term);
	}
	fkwset_free(d->exclude);
	fkwset_free(d->stop);
	free(d->e);
	fkwhs_free(d->hs);
	free(d);
}

static char *
lower_dup(const char *s, size_t n)
{
	struct fbuf b;

	fbuf_init(&b, 4096);
	if (ftext_lower(&b, s, n) < 0) {
		fbuf_free(&b);
		return NULL;
	}
	return fbuf_take(&b);
}

static int
push_entry(struct fkw_dict *d, struct kw_entry *e)
{
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 256;
		struct kw_entry *p = realloc(d->e, nc * sizeof(*p));
		if (p == NULL)
			return -1;
		d->e = p;
		d->cap = nc;
	}
	d->e[d->n++] = *e;
	return 0;
}

static int
push_exclude(struct fkw_dict *d, const char *w, size_t n)
{
	char *low = lower_dup(w, n);
	int rc;

	if (low == NULL)
		return -1;
	rc = fkwset_add(d->exclude, low, strlen(low));
	free(low);
	return rc;
}

/* "term words [=N]" -> entry. Returns NULL on success or an error message. */
static const char *
parse_entry(char *line, int cat, struct kw_entry *e)
{
	char *eq = strstr(line, " =");
	char *tok, *save = NULL;

	memset(e, 0, sizeof(*e));
	e->cat = cat;
	e->weight = 1;
	if (eq) {
		char *end;
		long w = strtol(eq + 2, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == eq + 2 || *end || w < 1 || w > 5)
			return "weight must be \" =N\" with N from 1 to 5";
		e->weight = (int)w;
		*eq = '\0';
	}
	if ((e->term = strdup(line)) == NULL)
		return "out of memory";
	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		struct kw_word *w = &e->w[e->nw];
		size_t n = strlen(tok);
		if (e->nw == KW_MAX_WORDS)
			return "a phrase may have at most 6 words";
		w->pre = tok[0] == '*';
		w->suf = n > 1 && tok[n - 1] == '*';
		tok += w->pre;
		n -= w->pre + w->suf;
		if (n == 0 || memchr(tok, '*', n))
			return "'*' may only stand at the start or end of a word";
		if ((w->w = lower_dup(tok, n)) == NULL)
			return "out of memory";
		w->len = strlen(w->w);
		e->nw++;
	}
	return e->nw ? NULL : "empty entry";
}

static void
free_entry(struct kw_entry *e)
{
	for (size_t k = 0; k < e->nw; k++)
		free(e->w[k].w);
	free(e->term);
}

static int
load_file(struct fkw_dict *d, const char *dir, const char *file, int cat, int optional,
    char *err, size_t errlen)
{
	char path[4096], line[1024];
	FILE *f;
	int ln = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((f = fopen(path, "r")) == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s:0: cannot open word list: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *hash = strchr(line, '#');
		size_t n;
		ln++;
		if (hash)
			*hash = '\0';
		n = strlen(p);
		if (n == sizeof(line) - 1 && p[n - 1] != '\n') {
			snprintf(err, errlen, "%s:%d: line too long", path, ln);
			fclose(f);
			return -1;
		}
		while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			p[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue;
		if (cat == FCAT_COUNT) {
			if (push_exclude(d, p, strlen(p)) < 0)
				goto oom;
			continue;
		}
		struct kw_entry e;
		const char *why = parse_entry(p, cat, &e);
		if (why) {
			free_entry(&e);
			snprintf(err, errlen, "%s:%d: %s", path, ln, why);
			fclose(f);
			return -1;
		}
		if (push_entry(d, &e) < 0) {
			free_entry(&e);
			goto oom;
		}
	}
	fclose(f);
	return 0;
oom:
	snprintf(err, errlen, "%s:%d: out of memory", path, ln);
	fclose(f);
	return -1;
}

static int
count_root(size_t start, size_t entry, void *arg)
{
	(void)start;
	(void)entry;
	(*(size_t *)arg)++;
	return 0;
}

int
fkw_dict_engine_scan(const struct fkw_dict *d, const char *low, size_t len, size_t *hits)
{
	*hits = 0;
	return fkwhs_scan(d->hs, low, len, count_root, hits) != 0 ? -1 : 0;
}

/* Frequent words make poor anchors: they fire on most lines. */
static const char *const weak_anchor[] = {
	"blive", "bliver", "blevet", "være", "været", "har", "have", "ikke", "for",
	"til", "med", "mod", "fra", "ud", "af", "om", "på", "sin", "sit", "sine",
	"ham", "han", "hun", "den", "det", "der", "en", "et", "og", "at", "i",
	"er", "var", "som", "kan", "skal", "vil", "in", "of", "the", "a", "to", NULL
};

static int
anchor_rank(const struct kw_word *w)
{
	int r = (int)w->len * 4 - (w->pre + w->suf);

	for (size_t i = 0; weak_anchor[i]; i++)
		if (strlen(weak_anchor[i]) == w->len && memcmp(weak_anchor[i], w->w, w->len) == 0)
			return r - 1000;
	return r;
}

static int
build_engine(struct fkw_dict *d, const char *dir, char *err, size_t errlen)
{
	size_t np, n;
	const char *const *ph = fsig_phrases(&np);
	const char **w;
	size_t *l;
	unsigned *f;
	char why[256], *canon = NULL;
	size_t clen = 0;

	n = d->n + np;
	w = calloc(n, sizeof(*w));
	l = calloc(n, sizeof(*l));
	f = calloc(n, sizeof(*f));
	for (size_t i = 0; i < np; i++)
		clen += strlen(ph[i]);
	if (w == NULL || l == NULL || f == NULL || (canon = malloc(clen + 1)) == NULL) {
		free(w);
		free(l);
		free(f);
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return -1;
	}
	/* Anchor phrases on their rarest-looking word, not on "i" or "blive";
	 * which word it is changes speed only: the scan checks the whole entry. */
	for (size_t i = 0; i < d->n; i++) {
		struct kw_entry *e = &d->e[i];
		for (size_t k = 1; k < e->nw; k++)
			if (anchor_rank(&e->w[k]) > anchor_rank(&e->w[e->anchor]))
				e->anchor = k;
		w[i] = e->w[e->anchor].w;
		l[i] = e->w[e->anchor].len;
		f[i] = (e->w[e->anchor].pre ? FKWHS_PRE : 0) | (e->w[e->anchor].suf ? FKWHS_SUF : 0);
	}
	/* The disclaimer phrases ride along (ids from d->n): one pass finds both. */
	clen = 0;
	for (size_t i = 0; i < np; i++) {
		size_t pl = strlen(ph[i]);
		ftext_canon(canon + clen, ph[i], pl);
		w[d->n + i] = canon + clen;
		l[d->n + i] = pl;
		f[d->n + i] = FKWHS_PRE | FKWHS_SUF;
		clen += pl;
	}
	d->hs = fkwhs_build(w, l, f, n, why, sizeof(why));
	free(w);
	free(l);
	free(f);
	free(canon);
	if (d->hs == NULL) {
		snprintf(err, errlen, "%s:0: word lists: %s", dir, why);
		return -1;
	}
	return 0;
}

static int
build_stop(struct fkw_dict *d)
{
	for (size_t i = 0; name_stop[i]; i++)
		if (fkwset_add(d->stop, name_stop[i], strlen(name_stop[i])) < 0)
			return -1;
	return 0;
}

struct fkw_dict *
fkw_dict_load(const char *dir, char *err, size_t errlen)
{
	struct fkw_dict *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->exclude = fkwset_new()) == NULL ||
	    (d->stop = fkwset_new()) == NULL || build_stop(d) < 0) {
		fkw_dict_free(d);
		snprintf(err, errlen, "%s:0: out of memory", dir);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (load_file(d, dir, lists[i].file, lists[i].cat, 0, err, errlen) < 0)
			goto fail;
	if (load_file(d, dir, "exclude.txt", FCAT_COUNT, 1, err, errlen) < 0)
		goto fail;
	if (build_engine(d, dir, err, errlen) < 0)
		goto fail;
	return d;
fail:
	fkw_dict_free(d);
	return NULL;
}
