/* decide: findings + sender + recipients -> one action per recipient and
 * one outcome for the message. The strictest recipient decides. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "base/buffer.h"
#include "detect/detect.h"
#include "decide/mix.h"
#include "decide/decide.h"
#include "base/text.h"

const struct fdet fdet_all[] = {
	{ "cpr", fcpr_scan },
	{ "marking", fmark_scan },
	{ "keywords", fkw_scan },
	{ NULL, NULL },
};

int
fpol_detect(const struct fconf *c, const struct fmsg *m, struct ffindings *out)
{
	for (const struct fdet *d = fdet_all; d->name; d++) {
		if (d->scan == fcpr_scan && !c->cpr.enabled)
			continue;
		if (d->scan(c, m, out) < 0)
			return -1;
	}
	return 0;
}

/* An address that does not parse counts as a member: its mail is judged
 * rather than waved through (the null path <> is nobody). */
int
fpol_is_member(const struct fconf *c, const char *sender, const char *auth)
{
	struct faddr a;

	if (auth && *auth && fconf_list_match(&c->auth_users, auth))
		return 1;
	if (sender == NULL)
		return 0;
	if (faddr_parse(sender, &a) < 0)
		return 1;
	return a.norm[0] && fconf_list_match(&c->council_senders, a.norm);
}

static enum fclass
classify(unsigned cats, int incomplete_confidential)
{
	unsigned sensitive = (1u << FCAT_CPR) | (1u << FCAT_HEALTH) |
	    (1u << FCAT_CRIMINAL) | (1u << FCAT_SOCIAL);

	if (cats & sensitive)
		return FCLASS_SENSITIVE;
	if (cats || incomplete_confidential)
		return FCLASS_CONFIDENTIAL;
	return FCLASS_CLEAN;
}

/* Only the quoted thread carries it. A reply inherits the earlier subject
 * tag and Sensitivity/label headers, so markings there still count as the
 * thread's; anything else in the subject, the body or an attachment is the
 * member's own text. */
static int
quoted_only(const struct ffindings *f)
{
	int quoted = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct ffinding *x = &f->v[i];
		int thread = strcmp(x->detector, "thread") == 0;
		int inherited = x->cat == FCAT_MARKING || x->cat == FCAT_THREAD || thread;
		switch (x->where) {
		case FWHERE_QUOTED:
			quoted = 1;
			break;
		case FWHERE_SUBJECT:
		case FWHERE_HEADER:
			if (!inherited)
				return 0;
			/* A reply to a remembered mail: the thread itself is the finding. */
			quoted |= thread && x->where == FWHERE_HEADER;
			break;
		default:
			return 0;
		}
	}
	return quoted;
}

/* An encrypted body still travels under a clear Subject: a finding there
 * (other than a marking, which says nothing) leaves the mail unprotected. */
static int
subject_in_clear(const struct ffindings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].where == FWHERE_SUBJECT && f->v[i].cat != FCAT_MARKING)
			return 1;
	return 0;
}

/* Asks the key lookup; a miss is noted in r->why for the log. */
static int
key_usable(const struct fpol_keys *keys, enum faction kind, struct fpol_rcpt *r)
{
	char why[128] = "no key store";
	size_t l = strlen(r->why);
	int u = 0;

	if (keys && keys->usable)
		u = keys->usable(keys->ctx, kind, r->addr, why, sizeof(why));
	if (u == 0)
		snprintf(r->why + l, sizeof(r->why) - l, "%s%s: %s", l ? "; " : "",
		    faction_name(kind), why);
	return u;
}

static int
decide_rcpt(const struct fconf *c, const struct fpol_keys *keys,
    const struct fpol_verdict *v, struct fpol_rcpt *r, const char *domain)
{
	const struct fdomain_rule *rule;

	r->action = FACT_DELIVER;
	if (v->cls == FCLASS_CLEAN) {
		r->reason = "clean";
		return 0;
	}
	if (*domain && fconf_domain_internal(c, domain)) {
		r->reason = "internal";
		return 0;
	}
	r->action = FACT_REJECT;
	if (v->new_thread) {
		r->reason = "new-thread";
		return 0;
	}
	if ((rule = fconf_rule_for(c, domain)) == NULL) {
		r->reason = "no domain rule";
		return 0;
	}
	r->reason = "no usable action";
	for (size_t i = 0; i < rule->nactions; i++) {
		int u;
		switch (rule->actions[i]) {
		case FACT_SMIME:
		case FACT_PGP:
			if ((u = key_usable(keys, rule->actions[i], r)) < 0)
				return -1;
			if (u == 0)
				continue;
			r->action = rule->actions[i];
			r->reason = r->action == FACT_SMIME ? "certificate" : "key";
			return 0;
		case FACT_DELIVER:
			r->action = FACT_DELIVER;
			r->reason = "domain rule";
			return 0;
		case FACT_TLS:
			r->action = FACT_TLS;
			r->reason = "enforced TLS";
			return 0;
		default:
			r->action = FACT_REJECT;
			r->reason = "domain rule";
			return 0;
		}
	}
	return 0;
}

int
fpol_decide(const struct fconf *c, const struct fmsg *m, const char *const *rcpts,
    size_t n, struct fpol_verdict *v)
{
	return fpol_decide_keys(c, NULL, m, rcpts, n, v);
}

int
fpol_decide_keys(const struct fconf *c, const struct fpol_keys *keys, const struct fmsg *m,
    const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	v->cats = ffindings_cats(&v->findings);
	v->wheres = ffindings_wheres(&v->findings);
	v->incomplete = m->incomplete;
	fstrlcpy(v->incomplete_reason, m->incomplete_reason, sizeof(v->incomplete_reason));
	if (m->encrypted_att && c->limits.on_encrypted_attachment != FONENC_IGNORE) {
		v->encrypted_att = 1;
		fstrlcpy(v->encrypted_att_reason, m->encrypted_att_reason,
		    sizeof(v->encrypted_att_reason));
	}
	v->cls = classify(v->cats, (m->incomplete &&
	    c->limits.on_limit == FONLIMIT_CONFIDENTIAL) || (v->encrypted_att &&
	    c->limits.on_encrypted_attachment == FONENC_CONFIDENTIAL));
	v->new_thread = c->quoted_new_thread && quoted_only(&v->findings) && !m->incomplete;
	v->monitor = c->mode == FMODE_MONITOR;
	v->rcpts = calloc(n ? n : 1, sizeof(*v->rcpts));
	if (v->rcpts == NULL)
		return -1;
	v->nrcpts = n;
	for (size_t i = 0; i < n; i++) {
		struct faddr a;
		/* An unparseable recipient keeps its text for the reply and has
		 * no domain: it is external. */
		if (faddr_parse(rcpts[i], &a) == 0)
			fstrlcpy(v->rcpts[i].addr, a.norm, sizeof(v->rcpts[i].addr));
		else
			ftext_bare_addr(v->rcpts[i].addr, sizeof(v->rcpts[i].addr), rcpts[i]);
		if (!v->outbound) {
			v->rcpts[i].action = FACT_DELIVER;
			v->rcpts[i].reason = "not from a council member";
			continue;
		}
		if (m->encrypted && !subject_in_clear(&v->findings)) {
			v->rcpts[i].action = FACT_DELIVER;
			v->rcpts[i].reason = "already encrypted";
			continue;
		}
		if (decide_rcpt(c, keys, v, &v->rcpts[i], a.domain) < 0)
			return -1;
	}
	/* One copy of the message: fpol_mix settles encryption and mixed recipients. */
	if (fpol_mix(c, keys, v) < 0)
		return -1;
	if (v->outbound && m->incomplete && c->limits.on_limit == FONLIMIT_TEMPFAIL)
		v->would = FPOL_TEMPFAIL;
	if (v->outbound && v->encrypted_att &&
	    c->limits.on_encrypted_attachment == FONENC_TEMPFAIL)
		v->would = FPOL_TEMPFAIL;
	v->outcome = v->monitor ? FPOL_DELIVER : v->would;
	return 0;
}

int
fpol_evaluate(const struct fconf *c, const char *data, size_t len, const char *sender,
    const char *auth, const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	return fpol_evaluate_ctx(c, NULL, data, len, sender, auth, rcpts, n, v);
}

int
fpol_evaluate_keys(const struct fconf *c, const struct fpol_keys *keys, const char *data,
    size_t len, const char *sender, const char *auth, const char *const *rcpts, size_t n,
    struct fpol_verdict *v)
{
	struct fpol_ctx x = { NULL, FPOL_LEARN_NONE, keys };

	return fpol_evaluate_ctx(c, &x, data, len, sender, auth, rcpts, n, v);
}

int
fpol_evaluate_ctx(const struct fconf *c, const struct fpol_ctx *x, const char *data,
    size_t len, const char *sender, const char *auth, const char *const *rcpts, size_t n,
    struct fpol_verdict *v)
{
	struct fmsg m;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (fmsg_analyse(c, data, len, &m) == 0) {
		/* fortrolig-scan without --sender/--rcpt: the headers stand in. */
		v->outbound = fpol_is_member(c, sender ? sender : m.from, auth);
		if (rcpts == NULL) {
			rcpts = (const char *const *)m.rcpts;
			n = m.nrcpts;
		}
		/* The detectors count against max_analysis_time too. */
		if (fpol_detect(c, &m, &v->findings) == 0 &&
		    fpol_thread_detect(c, x, &m, v) == 0 && (fmsg_check_deadline(&m), 1) &&
		    fpol_decide_keys(c, x ? x->keys : NULL, &m, rcpts, n, v) == 0 &&
		    fpol_thread_learn(c, x, &m, rcpts, n, v) == 0)
			rc = 0;
	}
	fmsg_free(&m);
	return rc;
}

void
fpol_verdict_free(struct fpol_verdict *v)
{
	ffindings_free(&v->findings);
	free(v->rcpts);
	memset(v, 0, sizeof(*v));
}
