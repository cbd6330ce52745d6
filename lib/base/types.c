/* types: names and the two small owned vectors (segments, findings). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "base/types.h"

const char *const fcat_names[FCAT_COUNT] = {
	"cpr", "health", "criminal", "social", "private", "marking", "thread"
};
const char *const fwhere_names[FWHERE_COUNT] = {
	"subject", "body", "quoted", "attachment", "header"
};

const char *
fcat_name(enum fcat c)
{
	return (unsigned)c < FCAT_COUNT ? fcat_names[c] : "?";
}

const char *
fwhere_name(enum fwhere w)
{
	return (unsigned)w < FWHERE_COUNT ? fwhere_names[w] : "?";
}

const char *
fclass_name(enum fclass c)
{
	switch (c) {
	case FCLASS_SENSITIVE:
		return "sensitive";
	case FCLASS_CONFIDENTIAL:
		return "confidential";
	default:
		return "clean";
	}
}


int
fsegs_add(struct fsegs *s, enum fwhere where, const char *text, size_t len)
{
	char *copy;

	if (fgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return -1;
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	s->v[s->n].where = where;
	s->v[s->n].text = copy;
	s->v[s->n].len = len;
	s->n++;
	return 0;
}

void
fsegs_free(struct fsegs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].text);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int
ffindings_add(struct ffindings *f, const char *detector, enum fcat cat,
    enum fwhere where, int confidence, const char *excerpt)
{
	struct ffinding *x;

	if (fgrow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)) < 0)
		return -1;
	x = &f->v[f->n++];
	x->detector = detector;
	x->cat = cat;
	x->where = where;
	x->confidence = confidence < 0 ? 0 : confidence > 100 ? 100 : confidence;
	fstrlcpy(x->excerpt, excerpt ? excerpt : "", sizeof(x->excerpt));
	x->person[0] = '\0';
	x->cpr[0] = '\0';
	x->terms[0] = '\0';
	return 0;
}

void
ffindings_free(struct ffindings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

unsigned
ffindings_cats(const struct ffindings *f)
{
	unsigned m = 0;

	for (size_t i = 0; i < f->n; i++)
		m |= 1u << f->v[i].cat;
	return m;
}

unsigned
ffindings_wheres(const struct ffindings *f)
{
	unsigned m = 0;

	for (size_t i = 0; i < f->n; i++)
		m |= 1u << f->v[i].where;
	return m;
}
