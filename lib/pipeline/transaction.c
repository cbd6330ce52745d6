/* transaction: one message through the phases of fortrolig.h. The envelope
 * decides who is who at once; headers and body are spooled only for mail
 * the gateway judges or learns from; fort_eom runs the stages in order:
 * analyse -> detect -> decide -> remember, then logs the verdict. */
#include "base/buffer.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyse/message.h"
#include "base/address.h"
#include "base/log.h"
#include "base/spool.h"
#include "base/text.h"
#include "decide/sender.h"
#include "detect/detect.h"
#include "pipeline/library.h"

struct fort_strip {
	char *name;
	int index;                 /* 1-based occurrence of this header name */
};

struct fort_msg {
	struct fort_lib *lib;
	struct fort_snap *snap;
	const struct fconf *c;
	struct flog_ctx log;
	char ip[64], helo[256], auth[256];
	enum fort_learn learn;
	char *sender_raw;          /* as given: membership reads this */
	char sender[FADDR_MAX];    /* normalised, "" for <> or unparseable */
	int sender_seen, member, verified, to_member;
	int monitored;             /* a member listed in council.monitor */
	char **rcpts;
	size_t nrcpts, caprcpts;
	struct fort_strip *strip;
	size_t nstrip, capstrip;
	struct fspool spool;
	struct fpol_verdict v;
	enum fort_stat fail;       /* what fort_eom returned */
};

static void
copy(char *dst, size_t n, const char *src)
{
	fstrlcpy(dst, src ? src : "", n);
}

struct fort_msg *
fort_msg_new(struct fort_lib *l, const struct fort_client *cl)
{
	struct fort_msg *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->lib = l;
	m->snap = fort_snap_get(l);
	m->c = m->snap->conf;
	copy(m->ip, sizeof(m->ip), cl ? cl->ip : NULL);
	copy(m->helo, sizeof(m->helo), cl ? cl->helo : NULL);
	copy(m->auth, sizeof(m->auth), cl ? cl->auth : NULL);
	m->learn = cl ? cl->learn : FORT_LEARN_AUTO;
	flog_setqid(&m->log, NULL);
	/* Room for the size limit plus one byte, so that passing it is seen. */
	fspool_init(&m->spool, (size_t)m->c->limits.spool_memory,
	    (size_t)m->c->limits.max_message_size + 1, m->c->limits.spool_dir);
	return m;
}

void
fort_msg_free(struct fort_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	for (size_t i = 0; i < m->nstrip; i++)
		free(m->strip[i].name);
	free(m->strip);
	free(m->sender_raw);
	fspool_free(&m->spool);
	fpol_verdict_free(&m->v);
	fort_snap_put(m->snap);
	free(m);
}

void
fort_msg_qid(struct fort_msg *m, const char *qid)
{
	if (qid && *qid)
		flog_setqid(&m->log, qid);
}

enum fort_stat
fort_sender(struct fort_msg *m, const char *path)
{
	struct faddr a;
	char why[128];
	enum fsender_kind st;

	free(m->sender_raw);
	if ((m->sender_raw = strdup(path ? path : "")) == NULL)
		return FORT_NORESOURCE;
	m->sender_seen = 1;
	m->sender[0] = '\0';
	if (faddr_parse(m->sender_raw, &a) == 0)
		fstrlcpy(m->sender, a.norm, sizeof(m->sender));
	st = fsender_sender(m->c, m->sender_raw, m->auth, m->ip, m->helo, why, sizeof(why));
	m->member = st != FSENDER_NOT_MEMBER;
	m->verified = st == FSENDER_MEMBER;
	m->monitored = m->member && m->sender[0] &&
	    fconf_list_match(&m->c->monitor_senders, m->sender);
	if (st != FSENDER_SPOOFED)
		return FORT_OK;
	m->verified = 0;
	flog(&m->log, LOG_NOTICE, "from=<%s> client=%s %s: spoofed council sender%s",
	    m->sender, m->ip[0] ? m->ip : "local", why,
	    fort_stat_action(m->c, FORT_SPOOFED) == FORT_FAIL_REJECT ? ": reject" :
	    " (monitor: accepted)");
	return fort_stat_action(m->c, FORT_SPOOFED) == FORT_FAIL_REJECT ? FORT_SPOOFED : FORT_OK;
}


enum fort_stat
fort_rcpt(struct fort_msg *m, const char *path)
{
	struct faddr a;

	if (fgrow((void **)&m->rcpts, &m->caprcpts, m->nrcpts + 1, sizeof(char *)) < 0 ||
	    (m->rcpts[m->nrcpts] = strdup(path ? path : "")) == NULL)
		return FORT_NORESOURCE;
	/* The policy parses the recipient again; an unparseable one is external. */
	if (faddr_parse(m->rcpts[m->nrcpts++], &a) == 0 && a.norm[0] &&
	    fconf_list_match(&m->c->council_senders, a.norm))
		m->to_member = 1;
	return FORT_OK;
}

int
fort_msg_member(const struct fort_msg *m)
{
	return m->member;
}

int
fort_msg_wanted(const struct fort_msg *m)
{
	/* Offline use, or no envelope: everything is analysed. */
	if (m->learn != FORT_LEARN_AUTO || !m->sender_seen || m->nrcpts == 0)
		return 1;
	return m->member || (m->to_member && fort_lib_thr(m->lib) != NULL);
}

/* A client's X-Fortrolig* header: removed later, never analysed. */
static enum fort_stat
note_strip(struct fort_msg *m, const char *name)
{
	int idx = 1;

	for (size_t i = 0; i < m->nstrip; i++)
		if (strcasecmp(m->strip[i].name, name) == 0)
			idx = m->strip[i].index + 1;
	if (fgrow((void **)&m->strip, &m->capstrip, m->nstrip + 1, sizeof(*m->strip)) < 0 ||
	    (m->strip[m->nstrip].name = strdup(name)) == NULL)
		return FORT_NORESOURCE;
	m->strip[m->nstrip++].index = idx;
	return FORT_OK;
}

static enum fort_stat
spool(struct fort_msg *m, const void *p, size_t n)
{
	if (!fort_msg_wanted(m))
		return FORT_OK;
	if (fspool_write(&m->spool, p, n) < 0) {
		flog(&m->log, LOG_ERR, "cannot spool the message: %m");
		return FORT_NORESOURCE;
	}
	return FORT_OK;
}

enum fort_stat
fort_header(struct fort_msg *m, const char *name, const char *value)
{
	enum fort_stat st;

	if (strncasecmp(name, "X-Fortrolig", 11) == 0)
		return note_strip(m, name);
	if ((st = spool(m, name, strlen(name))) != FORT_OK || (st = spool(m, ": ", 2)) != FORT_OK ||
	    (st = spool(m, value, strlen(value))) != FORT_OK)
		return st;
	return spool(m, "\r\n", 2);
}

enum fort_stat
fort_eoh(struct fort_msg *m)
{
	return spool(m, "\r\n", 2);
}

enum fort_stat
fort_body(struct fort_msg *m, const void *p, size_t n)
{
	return spool(m, p, n);
}

/* Thread memory events and key-store trouble: never content. */
static void
log_memory(const struct fort_msg *m)
{
	const struct fpol_verdict *v = &m->v;

	if (v->store_error)
		flog(&m->log, LOG_ERR, "thread memory could not answer (%s)%s", v->store_reason,
		    m->member && fort_stat_action(m->c, FORT_STORE) == FORT_FAIL_TEMPFAIL ?
		    ": tempfail" : "");
	if (v->learn_error)
		flog(&m->log, LOG_ERR, "thread memory: cannot learn (%s)%s", v->store_reason,
		    fort_stat_action(m->c, FORT_STORE) == FORT_FAIL_TEMPFAIL ? ": tempfail" : "");
	if (v->learned)
		flog(&m->log, LOG_INFO, "thread memory: learned %s mail, class=%s",
		    m->member ? "outbound" : "inbound", fclass_name(v->cls));
}

/* The decision line, and why each rejected recipient, one with a key
 * question, or one served as the data subject or by an override, got its action (fortrolig-report counts the reject reasons). */
static void
log_verdict(const struct fort_msg *m)
{
	const struct fpol_verdict *v = &m->v;
	struct fbuf line;

	fbuf_init(&line, 4096);
	fpol_log_line(v, m->sender, &line);
	flog(&m->log, v->cls == FCLASS_CLEAN ? LOG_INFO : LOG_NOTICE, "%s", fbuf_str(&line));
	fbuf_free(&line);
	for (size_t i = 0; i < v->nrcpts; i++) {
		const struct fpol_rcpt *r = &v->rcpts[i];
		if (r->why[0] == '\0' && r->action != FACT_SMIME && r->action != FACT_PGP &&
		    r->action != FACT_REJECT && r->action != FACT_HOLD &&
		    strcmp(r->reason, "data-subject") != 0 &&
		    strcmp(r->reason, "override") != 0)
			continue;
		flog(&m->log, LOG_INFO, "rcpt=<%s> action=%s reason=%s%s%s%s%s", r->addr,
		    faction_name(r->action), r->reason, r->why[0] ? " why=\"" : "", r->why,
		    r->why[0] ? "\"" : "", r->monitored &&
		    (r->action == FACT_REJECT || r->action == FACT_HOLD) ? " mode=monitor" : "");
	}
}

/* What the thread memory may learn from this message (fort_client.learn). */
static int
may_learn(const struct fort_msg *m)
{
	switch (m->learn) {
	case FORT_LEARN_ALL:
		return 1;
	case FORT_LEARN_NEVER:
		return 0;
	default:
		if (m->member)
			return m->verified;
		return m->to_member && fsender_inbound_trusted(m->c, m->sender_raw, m->ip, m->helo);
	}
}

/* Who supplied an inbound mail: its envelope sender and From address. */
static const struct fthr_supply *
supply(const struct fort_msg *m, const struct fmsg *msg, struct fthr_supply *sup,
    char from[FADDR_MAX])
{
	struct faddr a;
	const struct fseg *subj = NULL;

	from[0] = '\0';
	if (faddr_parse(msg->from, &a) == 0)
		fstrlcpy(from, a.norm, FADDR_MAX);
	for (size_t i = 0; subj == NULL && i < msg->segs.n; i++)
		if (msg->segs.v[i].where == FWHERE_SUBJECT)
			subj = &msg->segs.v[i];
	sup->addrs[0] = m->sender;
	sup->addrs[1] = from;
	sup->findings = &m->v.findings;
	sup->subject = subj ? subj->text : NULL;
	return sup;
}

/* A reply whose every finding its external recipients supplied themselves
 * (data_subject_actions). The store is asked only when it could be one. */
static enum fort_stat
data_subject(struct fort_msg *m, const struct fmsg *msg, const char *const *rcpts, size_t n)
{
	struct fthr *thr = fort_lib_thr(m->lib);
	char (*norm)[FADDR_MAX] = NULL;
	const char **ext = NULL;
	struct faddr a;
	size_t next = 0;
	int yes = 0, rc = 0;

	if (thr == NULL || !m->member || m->v.store_error || m->v.findings.n == 0 || n == 0)
		return FORT_OK;
	if ((ext = calloc(n, sizeof(*ext))) == NULL || (norm = calloc(n, FADDR_MAX)) == NULL) {
		free(ext);
		return FORT_NORESOURCE;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* Unparseable: external, and it supplied nothing. */
		if (faddr_parse(rcpts[i], &a) < 0 || a.norm[0] == '\0')
			rc = 1;
		else if (!fconf_domain_internal(m->c, a.domain)) {
			fstrlcpy(norm[next], a.norm, FADDR_MAX);
			ext[next] = norm[next];
			next++;
		}
	}
	if (rc == 0)
		rc = fthr_data_subject(thr, msg, &m->v.findings, &m->v.thread, ext, next, &yes,
		    m->v.store_reason, sizeof(m->v.store_reason));
	free(ext);
	free(norm);
	if (rc < 0)
		m->v.store_error = 1;
	m->v.data_subject = yes;
	return FORT_OK;
}

/* Remembers a confidential message. Only real findings count: a mail that
 * is confidential because a limit was hit has nothing to remember. */
static void
remember(struct fort_msg *m, const struct fmsg *msg)
{
	struct fpol_verdict *v = &m->v;
	struct fthr *thr = fort_lib_thr(m->lib);
	struct fthr_supply sup;
	char from[FADDR_MAX];

	if (thr == NULL || v->cls == FCLASS_CLEAN || v->cats == 0 || !may_learn(m))
		return;
	/* A member's mail that did not leave cannot be replied to; remembered,
	 * it would catch her corrected copy (the findings she removed). */
	if (m->member && (v->outcome == FPOL_REJECT || v->outcome == FPOL_TEMPFAIL))
		return;
	/* A store that could not answer the lookup is not asked again (a second
	 * timeout), but the mail is not learnt either: an inbound one let
	 * through unlearnt would let the member's trimmed reply out in clear. */
	if (!v->store_error && fthr_learn(thr, m->c, msg, v->cats,
	    m->member ? NULL : supply(m, msg, &sup, from), v->store_reason,
	    sizeof(v->store_reason)) == 0) {
		v->learned = 1;
		return;
	}
	/* Tried again later, so that a reply to it cannot slip out unrecognised. */
	v->learn_error = 1;
	fpol_fail(m->c, FORT_STORE, v);
}

/* Without an envelope (offline), the headers stand in for it. */
static void
envelope_from_headers(struct fort_msg *m, const struct fmsg *msg, const char *const **rcpts,
    size_t *n)
{
	if (!m->sender_seen)
		fort_sender(m, msg->from);
	if (m->nrcpts == 0) {
		*rcpts = (const char *const *)msg->rcpts;
		*n = msg->nrcpts;
	}
}

static enum fort_stat
pipeline(struct fort_msg *m, struct fmsg *msg)
{
	const char *const *rcpts = (const char *const *)m->rcpts;
	size_t n = m->nrcpts;
	struct fdet_ctx x = { m->c, msg, fort_lib_thr(m->lib), &m->v.thread, m->v.store_reason,
	    sizeof(m->v.store_reason) };
	enum fort_stat st;

	envelope_from_headers(m, msg, &rcpts, &n);
	m->v.outbound = m->member;
	/* A member in roll-out: logged and marked, never blocked. */
	m->v.monitor = m->monitored;
	msg->by_member = m->member;
	if (m->member && fpol_override_find(m->c, msg, &m->v.override) < 0)
		return FORT_NORESOURCE;
	if ((st = fdet_run(&x, &m->v.findings)) == FORT_NORESOURCE)
		return st;
	m->v.store_error = st == FORT_STORE;
	if ((st = data_subject(m, msg, rcpts, n)) != FORT_OK)
		return st;
	fpol_override_judge(m->c, m->sender, ffindings_cats(&m->v.findings), &m->v.override);
	/* The detectors count against max_analysis_time too. */
	fmsg_check_deadline(msg);
	if ((st = fpol_decide(m->c, &m->snap->keys, msg, rcpts, n, &m->v)) != FORT_OK)
		return st;
	if (m->v.store_error && m->v.outbound)
		fpol_fail(m->c, FORT_STORE, &m->v);
	remember(m, msg);
	return FORT_OK;
}

enum fort_stat
fort_eom(struct fort_msg *m)
{
	struct fmsg msg;
	enum fort_stat st;

	fpol_verdict_free(&m->v);
	m->fail = FORT_OK;
	if (!fort_msg_wanted(m))
		return FORT_OK;
	if (fmsg_analyse_spool(m->c, &m->spool, &msg) < 0)
		st = FORT_NORESOURCE;
	else
		st = pipeline(m, &msg);
	fmsg_free(&msg);
	if (st != FORT_OK) {
		flog(&m->log, LOG_ERR, "analysis failed (%s)%s", fort_stat_name(st),
		    m->member ? ": tempfail" : ": inbound mail passes");
		m->fail = st;
		return st;
	}
	log_memory(m);
	if (m->member)
		log_verdict(m);
	return FORT_OK;
}

const struct fpol_verdict *
fort_verdict(const struct fort_msg *m)
{
	return &m->v;
}

void
fort_msg_take_verdict(struct fort_msg *m, struct fpol_verdict *out)
{
	*out = m->v;
	memset(&m->v, 0, sizeof(m->v));
}

enum fort_stat
fort_msg_fail(const struct fort_msg *m)
{
	return m->fail != FORT_OK ? m->fail : m->v.fail;
}

const struct fconf *
fort_msg_conf(const struct fort_msg *m)
{
	return m->c;
}

const char *
fort_msg_sender(const struct fort_msg *m)
{
	return m->sender;
}

size_t
fort_msg_strip_count(const struct fort_msg *m)
{
	return m->nstrip;
}

const char *
fort_msg_strip(const struct fort_msg *m, size_t i, int *occurrence)
{
	if (i >= m->nstrip)
		return NULL;
	*occurrence = m->strip[i].index;
	return m->strip[i].name;
}

enum fort_stat
fort_msg_data(struct fort_msg *m, const char **p, size_t *n)
{
	if (m->spool.overflow)
		return FORT_LIMIT;
	return fspool_view(&m->spool, p, n) == 0 ? FORT_OK : FORT_NORESOURCE;
}

enum fort_stat
fort_encrypt(struct fort_msg *m, struct fkeys_out *out, char *err, size_t errlen)
{
	const struct fpol_verdict *v = &m->v;
	const struct fort_keys_ops *ops = (unsigned)v->enc < FACT_COUNT ?
	    m->snap->keys.ops[v->enc] : NULL;
	struct fkeys_req req = { NULL, 0, m->sender, NULL, 0, v->protect_subject };
	const char **addrs;
	enum fort_stat st;

	if (ops == NULL) {
		snprintf(err, errlen, "no %s key store", faction_name(v->enc));
		return FORT_KEYSTORE;
	}
	if ((st = fort_msg_data(m, &req.raw, &req.rawlen)) != FORT_OK) {
		snprintf(err, errlen, "message over the size limit or not readable");
		return st;
	}
	if ((addrs = calloc(v->nrcpts + 1, sizeof(*addrs))) == NULL)
		return FORT_NORESOURCE;
	for (size_t i = 0; i < v->nrcpts; i++)
		if (v->rcpts[i].action == v->enc && !v->rcpts[i].dropped)
			addrs[req.naddrs++] = v->rcpts[i].addr;
	req.addrs = addrs;
	st = ops->encrypt(m->snap->keys.store[v->enc], &req, out, err, errlen) < 0 ?
	    FORT_KEYSTORE : FORT_OK;
	free(addrs);
	return st;
}

int
fort_spoof_text(const struct fort_msg *m, struct fbuf *da, struct fbuf *en)
{
	return ftext_to_ascii(da, m->c->spf.spoof_da) | ftext_to_ascii(en, m->c->spf.spoof_en);
}
