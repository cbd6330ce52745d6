/* callbacks: libmilter callbacks. They collect the message and facts, call
 * lib/ once at end of message, and apply the verdict. Any internal error
 * gives SMFIS_TEMPFAIL: fortrolig fails closed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmilter/mfapi.h>

#include "base/address.h"
#include "base/buffer.h"
#include "base/log.h"
#include "keys/keys.h"
#include "milter.h"
#include "apply.h"
#include "decide/decide.h"
#include "decide/sender.h"
#include "memory/thread.h"
#include "base/text.h"

#define FM_MAX_RCPTS 1000

struct fm_strip {
	char *name;
	int index;          /* 1-based occurrence of this header name */
};

struct fm_msg {
	struct fconf *conf;           /* one reference for this message */
	struct flog_ctx log;
	char sender[320];             /* normalised; "" for <> or unparseable */
	char *sender_raw;             /* as given in MAIL FROM: membership reads this */
	char *rcpts[FM_MAX_RCPTS];
	char *rcpt_args[FM_MAX_RCPTS];  /* as given in RCPT TO, for smfi_delrcpt */
	size_t nrcpts;
	struct fm_mimehdrs mime;
	struct fbuf raw;              /* headers + body as received */
	struct fm_strip *strip;       /* client X-Fortrolig* headers, any number */
	size_t nstrip, capstrip;
	int member;
	int verified;                 /* AUTH, trusted relay or SPF pass: may be learned */
	int to_member;                /* inbound to a member: learned from when trusted */
};

struct fm_conn {
	char auth[256];
	char ip[INET6_ADDRSTRLEN];    /* empty for a local (non-socket) client */
	char helo[256];
	struct fm_msg *msg;
};

/* libmilter has no user pointer for the filter itself: these are the globals,
 * set before smfi_main() and only read afterwards. */
static struct fm_snap *fm_snap;
static struct fthr *fm_thr;

void
fm_set_thread(struct fthr *thr)
{
	fm_thr = thr;
}

static void
msg_free(struct fm_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i]);
		free(m->rcpt_args[i]);
	}
	fbuf_free(&m->raw);
	for (size_t i = 0; i < m->nstrip; i++)
		free(m->strip[i].name);
	free(m->strip);
	free(m->sender_raw);
	fconf_unref(m->conf);
	free(m);
}

static struct fm_conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static sfsistat
fm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct fm_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (addr && addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)addr)->sin_addr, c->ip, sizeof(c->ip));
	else if (addr && addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)addr)->sin6_addr, c->ip,
		    sizeof(c->ip));
	smfi_setpriv(ctx, c);
	return SMFIS_CONTINUE;
}

static sfsistat
fm_helo(SMFICTX *ctx, char *helo)
{
	struct fm_conn *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	fstrlcpy(c->helo, helo ? helo : "", sizeof(c->helo));
	return SMFIS_CONTINUE;
}

/* 550 5.7.1 for a member address from a client SPF fails (Danish, then English). */
static sfsistat
reject_spoof(SMFICTX *ctx, const struct fm_msg *m)
{
	struct fbuf da, en;

	fbuf_init(&da, 0);
	fbuf_init(&en, 0);
	ftext_to_ascii(&da, m->conf->spf.spoof_da);
	ftext_to_ascii(&en, m->conf->spf.spoof_en);
	if (smfi_setmlreply(ctx, "550", "5.7.1", (char *)fbuf_str(&da), (char *)fbuf_str(&en),
	    (char *)NULL) != MI_SUCCESS)
		smfi_setreply(ctx, "550", "5.7.1", "Spoofed council sender / Forfalsket afsender");
	fbuf_free(&da);
	fbuf_free(&en);
	return SMFIS_REJECT;
}

/* Who is who: AUTH, trusted relay or SPF decide whether a member address is real. */
static sfsistat
sender_check(SMFICTX *ctx, struct fm_conn *c, struct fm_msg *m)
{
	char why[128];
	enum fsender_sender st = fsender_sender(m->conf, m->sender_raw, c->auth, c->ip, c->helo,
	    why, sizeof(why));

	m->member = st != FSENDER_NOT_MEMBER;
	m->verified = st == FSENDER_MEMBER;
	if (st != FSENDER_SPOOFED)
		return SMFIS_CONTINUE;
	flog(&m->log, LOG_NOTICE, "from=<%s> client=%s %s: spoofed council sender%s",
	    m->sender, c->ip[0] ? c->ip : "local", why,
	    m->conf->mode == FMODE_MONITOR ? " (monitor: accepted)" : ": reject");
	if (m->conf->mode == FMODE_MONITOR) {
		m->verified = 0;
		return SMFIS_CONTINUE;
	}
	return reject_spoof(ctx, m);
}

static void
end_message(struct fm_conn *c)
{
	msg_free(c->msg);
	c->msg = NULL;
}

static sfsistat
fm_envfrom(SMFICTX *ctx, char **argv)
{
	struct fm_conn *c = conn_of(ctx);
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");
	struct fm_msg *m;
	struct faddr a;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	end_message(c);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return SMFIS_TEMPFAIL;
	c->msg = m;
	m->conf = fm_snap_get(fm_snap);
	fstrlcpy(c->auth, auth ? auth : "", sizeof(c->auth));
	if ((m->sender_raw = strdup(argv[0] ? argv[0] : "")) == NULL)
		return SMFIS_TEMPFAIL;
	if (faddr_parse(m->sender_raw, &a) == 0)
		fstrlcpy(m->sender, a.norm, sizeof(m->sender));
	flog_setqid(&m->log, smfi_getsymval(ctx, "i"));
	/* Room for the size limit plus one byte, so that passing it is seen. */
	fbuf_init(&m->raw, (size_t)m->conf->limits.max_message_size + 1);
	return sender_check(ctx, c, m);
}

static sfsistat
fm_envrcpt(SMFICTX *ctx, char **argv)
{
	struct fm_conn *c = conn_of(ctx);
	const char *arg = argv[0] ? argv[0] : "";
	struct faddr a;

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (c->msg->nrcpts == FM_MAX_RCPTS) {
		smfi_setreply(ctx, "452", "4.5.3", "Too many recipients");
		return SMFIS_TEMPFAIL;
	}
	/* The policy parses the recipient itself; an unparseable one is external. */
	if ((c->msg->rcpts[c->msg->nrcpts] = strdup(arg)) == NULL)
		return SMFIS_TEMPFAIL;
	if ((c->msg->rcpt_args[c->msg->nrcpts] = strdup(arg)) == NULL) {
		free(c->msg->rcpts[c->msg->nrcpts]);
		return SMFIS_TEMPFAIL;
	}
	c->msg->nrcpts++;
	if (fm_thr && faddr_parse(arg, &a) == 0 && a.norm[0] &&
	    fconf_list_match(&c->msg->conf->council_senders, a.norm))
		c->msg->to_member = 1;
	return SMFIS_CONTINUE;
}

/* Remembers a client X-Fortrolig* header for removal. -1 only when out of
 * memory (the message is then tempfailed, never passed with the header). */
static int
note_strip(struct fm_msg *m, const char *name)
{
	int idx = 1;

	for (size_t i = 0; i < m->nstrip; i++)
		if (strcasecmp(m->strip[i].name, name) == 0)
			idx = m->strip[i].index + 1;
	if (m->nstrip == m->capstrip) {
		size_t cap = m->capstrip ? 2 * m->capstrip : 8;
		struct fm_strip *v = reallocarray(m->strip, cap, sizeof(*v));
		if (v == NULL)
			return -1;
		m->strip = v;
		m->capstrip = cap;
	}
	if ((m->strip[m->nstrip].name = strdup(name)) == NULL)
		return -1;
	m->strip[m->nstrip++].index = idx;
	return 0;
}

static sfsistat
fm_header(SMFICTX *ctx, char *name, char *value)
{
	struct fm_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (strncasecmp(name, "X-Fortrolig", 11) == 0)   /* a client's claim is not analysed */
		return note_strip(c->msg, name) == 0 ? SMFIS_CONTINUE : SMFIS_TEMPFAIL;
	fbuf_printf(&c->msg->raw, "%s: %s\r\n", name, value);
	fm_mimehdrs_note(&c->msg->mime, name);
	return SMFIS_CONTINUE;
}

static sfsistat
fm_eoh(SMFICTX *ctx)
{
	struct fm_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	fbuf_add(&c->msg->raw, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat
fm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct fm_conn *c = conn_of(ctx);

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	/* Past the limit the buffer stops growing; the analysis sees the overflow. */
	if (c->msg->member || c->msg->to_member)
		fbuf_add(&c->msg->raw, chunk, len);
	return SMFIS_CONTINUE;
}

/* Deletes client-supplied X-Fortrolig* headers, last occurrence first. */
static int
strip_headers(SMFICTX *ctx, struct fm_msg *m)
{
	for (size_t i = m->nstrip; i-- > 0;)
		if (smfi_chgheader(ctx, m->strip[i].name, m->strip[i].index, NULL) != MI_SUCCESS)
			return -1;
	return 0;
}

static sfsistat
reject(SMFICTX *ctx, const struct fm_msg *m, const struct fpol_verdict *v)
{
	char lines[FPOL_MAX_REPLY_LINES][128];
	char *l[FPOL_MAX_REPLY_LINES] = { NULL };
	size_t n = fpol_reject_lines(m->conf, v, lines, FPOL_MAX_REPLY_LINES);

	for (size_t i = 0; i < n; i++)
		l[i] = lines[i];
	/* smfi_setmlreply takes a NULL-terminated list of at most 32 lines. */
	if (n == 0 || smfi_setmlreply(ctx, "550", "5.7.1", l[0], l[1], l[2], l[3], l[4],
	    l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14], l[15], l[16],
	    l[17], l[18], l[19], l[20], l[21], l[22], l[23], (char *)NULL) != MI_SUCCESS)
		smfi_setreply(ctx, "550", "5.7.1",
		    "Fortrolige oplysninger kan ikke sendes / Confidential content cannot be sent");
	return SMFIS_REJECT;
}

static sfsistat
apply(SMFICTX *ctx, struct fm_msg *m, const struct fpol_verdict *v, struct fkeys *fc)
{
	struct fbuf hv;
	int r = 0;

	switch (v->outcome) {
	case FPOL_REJECT:
		return reject(ctx, m, v);
	case FPOL_TEMPFAIL:
		smfi_setreply(ctx, "451", "4.7.1", "Message could not be analysed; try again later");
		return SMFIS_TEMPFAIL;
	default:
		break;
	}
	/* Encrypt before anything is promised or changed: a failure tempfails. */
	if (v->outcome == FPOL_ENCRYPT &&
	    fm_enc_apply(ctx, m->conf, fc, v, m->sender, &m->raw, &m->mime, &m->log) < 0)
		return SMFIS_TEMPFAIL;
	if (v->outcome != FPOL_DELIVER || !v->monitor)
		if (v->ndropped && fm_enc_drop(ctx, m->conf, v, m->sender, m->rcpt_args, &m->log) < 0)
			return SMFIS_TEMPFAIL;
	fbuf_init(&hv, 4096);
	if (r == 0)
		r = fpol_header_value(v, &hv);
	if (r == 0)
		r = smfi_addheader(ctx, "X-Fortrolig", (char *)fbuf_str(&hv)) == MI_SUCCESS ? 0 : -1;
	if (r == 0 && v->outcome == FPOL_ROUTE_TLS)
		r = smfi_addheader(ctx, "X-Fortrolig-Route", "tls-verify") == MI_SUCCESS ? 0 : -1;
	fbuf_free(&hv);
	return r == 0 ? SMFIS_CONTINUE : SMFIS_TEMPFAIL;
}

/* Why a recipient got the action it got, when a key lookup was involved. */
static void
log_rcpts(const struct fm_msg *m, const struct fpol_verdict *v)
{
	for (size_t i = 0; i < v->nrcpts; i++) {
		const struct fpol_rcpt *r = &v->rcpts[i];
		if (r->why[0] == '\0' && r->action != FACT_SMIME && r->action != FACT_PGP)
			continue;
		flog(&m->log, LOG_INFO, "rcpt=<%s> action=%s reason=%s%s%s%s", r->addr,
		    faction_name(r->action), r->reason, r->why[0] ? " why=\"" : "", r->why,
		    r->why[0] ? "\"" : "");
	}
}

/* Thread memory events: store trouble, learning. Never content. */
static void
log_thread(const struct fm_msg *m, const struct fpol_verdict *v)
{
	if (v->store_error)
		flog(&m->log, LOG_ERR, "thread memory could not answer (%s)%s", v->store_reason,
		    m->member && m->conf->store.on_error == FSTORE_ERR_TEMPFAIL ? ": tempfail" : "");
	if (v->learn_error)
		flog(&m->log, LOG_ERR, "thread memory: cannot learn (%s)%s", v->store_reason,
		    m->conf->store.on_error == FSTORE_ERR_TEMPFAIL ? ": tempfail" : "");
	if (v->learned)
		flog(&m->log, LOG_INFO, "thread memory: learned %s mail, class=%s",
		    m->member ? "outbound" : "inbound", fclass_name(v->cls));
}

static sfsistat
fm_eom(SMFICTX *ctx)
{
	struct fm_conn *c = conn_of(ctx);
	struct fm_msg *m = c ? c->msg : NULL;
	struct fpol_verdict v;
	struct fpol_keys keys;
	struct fkeys *fc;
	struct fpol_ctx x;
	struct fbuf line;
	sfsistat st;

	if (m == NULL)
		return SMFIS_TEMPFAIL;
	flog_setqid(&m->log, smfi_getsymval(ctx, "i"));
	if (strip_headers(ctx, m) < 0) {
		flog(&m->log, LOG_ERR, "cannot remove client X-Fortrolig headers: tempfail");
		return SMFIS_TEMPFAIL;
	}
	if (!m->member && !m->to_member)
		return SMFIS_CONTINUE;
	if ((fc = fkeys_new(m->conf)) == NULL)
		return m->member ? SMFIS_TEMPFAIL : SMFIS_CONTINUE;
	fkeys_keys(fc, &keys);
	x.keys = &keys;
	x.thr = fm_thr;
	x.learn = m->member ? (m->verified ? FPOL_LEARN_OUTBOUND : FPOL_LEARN_NONE) :
	    fsender_inbound_trusted(m->conf, m->sender_raw, c->ip, c->helo) ? FPOL_LEARN_TRUSTED :
	    FPOL_LEARN_NONE;
	if (fpol_evaluate_ctx(m->conf, &x, m->raw.overflow ? NULL : fbuf_str(&m->raw),
	    m->raw.len, m->sender_raw, c->auth, (const char *const *)m->rcpts, m->nrcpts, &v) < 0) {
		flog(&m->log, LOG_ERR, "analysis failed (%s): %s",
		    fkeys_error(fc)[0] ? fkeys_error(fc) : "out of memory",
		    m->member ? "tempfail" : "inbound mail passes");
		fpol_verdict_free(&v);
		fkeys_free(fc);
		return m->member ? SMFIS_TEMPFAIL : SMFIS_CONTINUE;
	}
	log_thread(m, &v);
	if (!m->member) {
		/* Inbound: never blocked, never marked; analysed only to learn. A
		 * failed learning is retried by the sender's MTA (store.on_error). */
		st = v.learn_error && m->conf->store.on_error == FSTORE_ERR_TEMPFAIL &&
		    m->conf->mode != FMODE_MONITOR ? SMFIS_TEMPFAIL : SMFIS_CONTINUE;
		if (st == SMFIS_TEMPFAIL)
			smfi_setreply(ctx, "451", "4.3.0", "Thread memory unavailable; try again later");
		fpol_verdict_free(&v);
		fkeys_free(fc);
		return st;
	}
	fbuf_init(&line, 4096);
	fpol_log_line(&v, m->sender, &line);
	flog(&m->log, v.cls == FCLASS_CLEAN ? LOG_INFO : LOG_NOTICE, "%s", fbuf_str(&line));
	fbuf_free(&line);
	log_rcpts(m, &v);
	st = apply(ctx, m, &v, fc);
	fpol_verdict_free(&v);
	fkeys_free(fc);
	return st;
}

static sfsistat
fm_abort(SMFICTX *ctx)
{
	struct fm_conn *c = conn_of(ctx);

	if (c)
		end_message(c);
	return SMFIS_CONTINUE;
}

static sfsistat
fm_close(SMFICTX *ctx)
{
	struct fm_conn *c = conn_of(ctx);

	if (c) {
		end_message(c);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

int
fm_register(struct fm_snap *snap)
{
	static struct smfiDesc desc = {
		.xxfi_name = "fortrolig",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_DELRCPT,
		.xxfi_connect = fm_connect,
		.xxfi_helo = fm_helo,
		.xxfi_envfrom = fm_envfrom,
		.xxfi_envrcpt = fm_envrcpt,
		.xxfi_header = fm_header,
		.xxfi_eoh = fm_eoh,
		.xxfi_body = fm_body,
		.xxfi_eom = fm_eom,
		.xxfi_abort = fm_abort,
		.xxfi_close = fm_close,
	};

	fm_snap = snap;
	return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}
