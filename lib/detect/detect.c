/* detect: the registry, in its explicit order. A detector is added here
 * with its enabled() test; nothing else needs to know it. */
#include "config.h"

#include "detect/detect.h"
#include "detect/keywords/keywords.h"

static int
cpr_on(const struct fdet_ctx *x)
{
	return x->c->cpr.enabled;
}

static enum fort_stat
cpr_scan(const struct fdet_ctx *x, struct ffindings *out)
{
	return fcpr_scan(x->c, x->m, out) < 0 ? FORT_NORESOURCE : FORT_OK;
}

static int
marking_on(const struct fdet_ctx *x)
{
	return x->c->mark.enabled;
}

static enum fort_stat
marking_scan(const struct fdet_ctx *x, struct ffindings *out)
{
	return fmark_scan(x->c, x->m, out) < 0 ? FORT_NORESOURCE : FORT_OK;
}

static int
keywords_on(const struct fdet_ctx *x)
{
	return x->c->kw.enabled && x->c->kw.dict != NULL;
}

static enum fort_stat
keywords_scan(const struct fdet_ctx *x, struct ffindings *out)
{
	return fkw_scan(x->c, x->m, out) < 0 ? FORT_NORESOURCE : FORT_OK;
}

static int
thread_on(const struct fdet_ctx *x)
{
	return x->thr != NULL && x->c->thread.enabled;
}

static enum fort_stat
thread_scan(const struct fdet_ctx *x, struct ffindings *out)
{
	return fthr_check(x->thr, x->c, x->m, out, x->hits, x->err, x->errlen) < 0 ?
	    FORT_STORE : FORT_OK;
}

const struct fdet fdet_all[] = {
	{ "cpr", cpr_on, cpr_scan },
	{ "marking", marking_on, marking_scan },
	{ "keywords", keywords_on, keywords_scan },
	{ "thread", thread_on, thread_scan },
	{ NULL, NULL, NULL },
};

enum fort_stat
fdet_run(const struct fdet_ctx *x, struct ffindings *out)
{
	enum fort_stat worst = FORT_OK, st;

	for (const struct fdet *d = fdet_all; d->name; d++) {
		if (!d->enabled(x))
			continue;
		if ((st = d->scan(x, out)) == FORT_NORESOURCE)
			return st;
		if (st != FORT_OK)
			worst = st;
	}
	return worst;
}
