/* thread: the thread memory inside the policy pipeline. The detector
 * runs with the others; learning runs after the decision, because only a
 * message classified confidential is remembered. */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "conf/config.h"
#include "decide/decide.h"
#include "base/text.h"

int
fpol_thread_detect(const struct fconf *c, const struct fpol_ctx *x, const struct fmsg *m,
    struct fpol_verdict *v)
{
	if (x == NULL || x->thr == NULL)
		return 0;
	if (fthr_check(x->thr, c, m, &v->findings, &v->thread, v->store_reason,
	    sizeof(v->store_reason)) < 0)
		v->store_error = 1;
	return 0;
}

static int
to_member(const struct fconf *c, const char *const *rcpts, size_t n)
{
	struct faddr a;

	for (size_t i = 0; i < n; i++)
		if (faddr_parse(rcpts[i], &a) == 0 && a.norm[0] &&
		    fconf_list_match(&c->council_senders, a.norm))
			return 1;
	return 0;
}

int
fpol_thread_learn(const struct fconf *c, const struct fpol_ctx *x, const struct fmsg *m,
    const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	int learn;

	if (x == NULL || x->thr == NULL)
		return 0;
	/* A memory that cannot answer must not let member mail through unseen. */
	if (v->store_error && v->outbound && c->store.on_error == FSTORE_ERR_TEMPFAIL) {
		v->would = FPOL_TEMPFAIL;
		v->outcome = v->monitor ? FPOL_DELIVER : FPOL_TEMPFAIL;
	}
	learn = (v->outbound && x->learn != FPOL_LEARN_NONE) || x->learn == FPOL_LEARN_ALL ||
	    (x->learn == FPOL_LEARN_TRUSTED && to_member(c, rcpts, n));
	/* Only real findings: a mail confidential because a limit was hit has
	 * nothing to remember. */
	if (v->store_error || !learn || v->cls == FCLASS_CLEAN || v->cats == 0)
		return 0;
	if (fthr_learn(x->thr, c, m, v->cats, v->store_reason, sizeof(v->store_reason)) == 0) {
		v->learned = 1;
		return 0;
	}
	/* A mail that could not be remembered is tried again later, so that a
	 * reply to it cannot slip out unrecognised (store.on_error). */
	v->learn_error = 1;
	if (c->store.on_error == FSTORE_ERR_TEMPFAIL) {
		v->would = FPOL_TEMPFAIL;
		v->outcome = v->monitor ? FPOL_DELIVER : FPOL_TEMPFAIL;
	}
	return 0;
}
