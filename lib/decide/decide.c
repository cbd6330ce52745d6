/* decide: findings + sender + recipients -> one action per recipient and
 * one outcome for the message. The strictest recipient decides. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "base/buffer.h"
#include "base/text.h"
#include "conf/tlsmap.h"
#include "decide/decide.h"
#include "decide/mix.h"
#include "fortrolig.h"

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

int
fkeyset_usable(const struct fkeyset *ks, enum faction k, const char *addr, char *why,
    size_t whylen)
{
	if (ks == NULL || (unsigned)k >= FACT_COUNT || ks->ops[k] == NULL) {
		snprintf(why, whylen, "no key store");
		return 0;
	}
	return ks->ops[k]->usable(ks->store[k], addr, why, whylen);
}

int
fpol_key_usable(const struct fkeyset *ks, enum faction kind, struct fpol_rcpt *r)
{
	char why[128];
	size_t l = strlen(r->why);
	int u = fkeyset_usable(ks, kind, r->addr, why, sizeof(why));

	if (u <= 0)
		snprintf(r->why + l, sizeof(r->why) - l, "%s%s: %s", l ? "; " : "",
		    faction_name(kind), why);
	return u;
}

/* tls only where the MTA's TLS policy map enforces it (tls_policy_map):
 * otherwise it is skipped like a missing key, and why says so. */
static int
tls_usable(const struct fconf *c, const char *domain, struct fpol_rcpt *r)
{
	char why[160];
	size_t l = strlen(r->why);

	if (ftlsmap_enforced(c, domain, why, sizeof(why)))
		return 1;
	snprintf(r->why + l, sizeof(r->why) - l, "%stls: %s", l ? "; " : "", why);
	return 0;
}

/* The first usable action of a list for r. why (if not NULL) names the
 * list for every outcome; otherwise the action itself says why. */
static int
walk_actions(const struct fconf *c, const struct fkeyset *keys, const enum faction *acts,
    size_t n, const char *domain, const char *why, struct fpol_rcpt *r)
{
	int tls_skipped = 0;

	r->action = FACT_REJECT;
	r->reason = why ? why : "no usable action";
	for (size_t i = 0; i < n; i++) {
		int u;
		switch (acts[i]) {
		case FACT_SMIME:
		case FACT_PGP:
			if ((u = fpol_key_usable(keys, acts[i], r)) < 0)
				return -1;
			if (u == 0)
				continue;
			r->action = acts[i];
			r->reason = why ? why : r->action == FACT_SMIME ? "certificate" : "key";
			return 0;
		case FACT_DELIVER:
			r->action = FACT_DELIVER;
			r->reason = why ? why : "domain rule";
			return 0;
		case FACT_HOLD:
			r->action = FACT_HOLD;
			r->reason = why ? why : "hold for review";
			return 0;
		case FACT_TLS:
			if (!tls_usable(c, domain, r)) {
				tls_skipped = 1;
				continue;
			}
			r->action = FACT_TLS;
			r->reason = why ? why : "enforced TLS";
			return 0;
		default:
			r->action = FACT_REJECT;
			r->reason = why ? why : tls_skipped ? "tls not enforced by the MTA map" :
			    "domain rule";
			return 0;
		}
	}
	return 0;
}

static int
decide_rcpt(const struct fconf *c, const struct fkeyset *keys, const struct fpol_verdict *v,
    struct fpol_rcpt *r, const char *domain)
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
	rule = fconf_rule_for(c, domain);
	r->monitored = rule && rule->monitor;
	/* Every finding came from mail this recipient supplied. */
	if (v->data_subject)
		return walk_actions(c, keys, c->ds_actions, c->nds_actions, domain, "data-subject", r);
	r->action = FACT_REJECT;
	if (v->new_thread) {
		r->reason = "new-thread";
		return 0;
	}
	if (rule == NULL) {
		r->reason = "no domain rule";
		return 0;
	}
	return walk_actions(c, keys, rule->actions, rule->nactions, domain, NULL, r);
}

/* The member's tag: honoured for the recipients that would be rejected,
 * where override.rules allow it; otherwise the reject says why. */
static int
apply_override(const struct fconf *c, const struct fkeyset *keys, const struct fmsg *m,
    struct fpol_verdict *v, const char *const *domains)
{
	struct fpol_override *o = &v->override;
	size_t nrej = 0;

	for (size_t i = 0; i < v->nrcpts; i++)
		nrej += v->rcpts[i].action == FACT_REJECT;
	if (!o->present)
		return 0;
	if (nrej == 0) {
		o->refused = NULL;   /* nothing to override: the tag is only removed */
		return 0;
	}
	if (o->refused == NULL && (m->incomplete || v->encrypted_att))
		o->refused = "incomplete";
	if (o->refused == NULL && !o->allowed)
		o->refused = (v->cats & (1u << FCAT_CPR)) ? "cpr" : "categories";
	if (o->refused)
		return 0;
	for (size_t i = 0; i < v->nrcpts; i++) {
		struct fpol_rcpt *r = &v->rcpts[i];
		if (r->action != FACT_REJECT)
			continue;
		r->why[0] = '\0';
		if (walk_actions(c, keys, c->override.actions, c->override.nactions, domains[i],
		    "override", r) < 0)
			return -1;
		o->used |= r->action != FACT_REJECT;
	}
	v->new_thread = 0;
	return 0;
}

/* The recipient's address, normalised; an unparseable one keeps its text
 * for the reply and has no domain: it is external. */
static const char *
rcpt_addr(const char *in, struct fpol_rcpt *r)
{
	struct faddr a;

	if (faddr_parse(in, &a) == 0) {
		fstrlcpy(r->addr, a.norm, sizeof(r->addr));
		return r->addr + (a.domain - a.norm);
	}
	ftext_bare_addr(r->addr, sizeof(r->addr), in);
	return "";
}

enum fort_stat
fpol_decide_rcpt(const struct fconf *c, const struct fkeyset *ks, enum fclass cls,
    const char *addr, struct fpol_rcpt *r)
{
	struct fpol_verdict v;
	const char *domain;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.cls = cls;
	domain = rcpt_addr(addr, r);
	return decide_rcpt(c, ks, &v, r, domain) < 0 ? FORT_KEYSTORE : FORT_OK;
}

void
fpol_fail(const struct fconf *c, enum fort_stat st, struct fpol_verdict *v)
{
	if (fort_stat_action(c, st) != FORT_FAIL_TEMPFAIL)
		return;
	if (v->would != FPOL_TEMPFAIL)
		v->fail = st;
	v->would = FPOL_TEMPFAIL;
	v->outcome = v->monitor ? FPOL_DELIVER : FPOL_TEMPFAIL;
}

/* Limits and encrypted attachments: do they make the message confidential? */
static int
absorbed_confidential(const struct fconf *c, const struct fmsg *m, struct fpol_verdict *v)
{
	v->incomplete = m->incomplete;
	fstrlcpy(v->incomplete_reason, m->incomplete_reason, sizeof(v->incomplete_reason));
	if (m->encrypted_att && fort_stat_action(c, FORT_ENCRYPTED) != FORT_FAIL_IGNORE) {
		v->encrypted_att = 1;
		fstrlcpy(v->encrypted_att_reason, m->encrypted_att_reason,
		    sizeof(v->encrypted_att_reason));
	}
	return (m->incomplete && fort_stat_action(c, FORT_LIMIT) == FORT_FAIL_CONFIDENTIAL) ||
	    (v->encrypted_att && fort_stat_action(c, FORT_ENCRYPTED) == FORT_FAIL_CONFIDENTIAL);
}

enum fort_stat
fpol_decide(const struct fconf *c, const struct fkeyset *ks, const struct fmsg *m,
    const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	const char **domains;
	enum fort_stat st;

	v->cats = ffindings_cats(&v->findings);
	v->wheres = ffindings_wheres(&v->findings);
	v->cls = classify(v->cats, absorbed_confidential(c, m, v));
	v->new_thread = c->quoted_new_thread && quoted_only(&v->findings) && !m->incomplete;
	v->monitor = v->monitor || c->mode == FMODE_MONITOR;
	v->data_subject = v->data_subject && v->cls != FCLASS_CLEAN && v->outbound &&
	    !m->incomplete && !v->encrypted_att;
	v->rcpts = calloc(n ? n : 1, sizeof(*v->rcpts));
	domains = calloc(n ? n : 1, sizeof(*domains));
	if (v->rcpts == NULL || domains == NULL) {
		free(domains);
		return FORT_NORESOURCE;
	}
	v->nrcpts = n;
	for (size_t i = 0; i < n; i++) {
		const char *domain = domains[i] = rcpt_addr(rcpts[i], &v->rcpts[i]);
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
		if (decide_rcpt(c, ks, v, &v->rcpts[i], domain) < 0) {
			free(domains);
			return FORT_KEYSTORE;
		}
	}
	st = v->outbound && apply_override(c, ks, m, v, domains) < 0 ? FORT_KEYSTORE : FORT_OK;
	free(domains);
	/* One copy of the message: fpol_mix settles encryption and mixed recipients. */
	if (st != FORT_OK || fpol_mix(c, ks, v) < 0)
		return FORT_KEYSTORE;
	v->outcome = v->monitor ? FPOL_DELIVER : v->enforced;
	if (v->outbound && m->incomplete)
		fpol_fail(c, FORT_LIMIT, v);
	if (v->outbound && v->encrypted_att)
		fpol_fail(c, FORT_ENCRYPTED, v);
	return FORT_OK;
}

void
fpol_verdict_free(struct fpol_verdict *v)
{
	ffindings_free(&v->findings);
	free(v->rcpts);
	free(v->override.subject);
	memset(v, 0, sizeof(*v));
}
