/* callbacks: libmilter callbacks. Each one hands what the MTA said to the
 * library phase of the same name (fortrolig.h) and turns the status into
 * a milter answer; at end of message the verdict is applied. Any internal
 * error gives SMFIS_TEMPFAIL: fortrolig fails closed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmilter/mfapi.h>

#include "apply.h"
#include "base/io.h"
#include "fortrolig.h"
#include "metrics.h"
#include "milter.h"

#define FM_MAX_RCPTS 1000

struct fm_msg {
	struct fort_msg *fm;
	struct flog_ctx log;
	char *rcpt_args[FM_MAX_RCPTS];  /* as given in RCPT TO, for smfi_delrcpt */
	size_t nrcpts;
	struct fm_mimehdrs mime;
};

struct fm_conn {
	char auth[256];
	char ip[INET6_ADDRSTRLEN];    /* empty for a local (non-socket) client */
	char helo[256];
	struct fm_msg *msg;
	unsigned long noreply;        /* SMFIP_NR_* the MTA agreed to */
	enum fort_stat deferred;      /* a failure in a step without a reply */
};

/* The steps that need no answer (headers, end of headers, body): each
 * answer is a write and, on loopback, the MTA's wakeup, paid per header.
 * A failure in them is answered at end of message instead. */
#define FM_NOREPLY (SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)
#define FM_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_DELRCPT | \
	SMFIF_QUARANTINE)

/* libmilter has no user pointer for the filter itself: set once before
 * smfi_main() and only read afterwards (the counters it points to are
 * atomics). */
static const struct fm_filter *fm_ctx;

static void
msg_free(struct fm_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpt_args[i]);
	fort_msg_free(m->fm);
	free(m);
}

static struct fm_conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static struct fm_msg *
msg_of(SMFICTX *ctx)
{
	struct fm_conn *c = smfi_getpriv(ctx);

	return c ? c->msg : NULL;
}

static void
end_message(struct fm_conn *c)
{
	msg_free(c->msg);
	c->msg = NULL;
}

/* Every 4xx is counted with its cause. */
static sfsistat
tempfail_for(enum fort_stat cause)
{
	fmet_tempfail(fm_ctx->met, cause);
	return SMFIS_TEMPFAIL;
}

/* A state that cannot be (no message, no memory): fail closed. */
static sfsistat
internal(void)
{
	return tempfail_for(FORT_INTERNAL);
}

/* A status from a phase before end of message: go on, or fail closed. */
static sfsistat
phase(enum fort_stat st)
{
	return st == FORT_OK ? SMFIS_CONTINUE : tempfail_for(st);
}

/* A step the MTA expects no answer to: its failure waits for end of message. */
static sfsistat
quiet(SMFICTX *ctx, unsigned long step, enum fort_stat st)
{
	struct fm_conn *c = conn_of(ctx);

	if (c == NULL || !(c->noreply & step))
		return phase(st);
	if (st != FORT_OK && c->deferred == FORT_OK)
		c->deferred = st;
	return SMFIS_NOREPLY;
}

static sfsistat
fm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	struct fm_conn *c = calloc(1, sizeof(*c));

	(void)f2;
	(void)f3;
	if (c == NULL)
		return SMFIS_REJECT;
	c->noreply = f1 & FM_NOREPLY;
	smfi_setpriv(ctx, c);
	*pf0 = f0 & FM_ACTIONS;
	*pf1 = c->noreply;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
fm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct fm_conn *c = conn_of(ctx);

	(void)host;
	if (c == NULL && (c = calloc(1, sizeof(*c))) == NULL)
		return internal();
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
		return internal();
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
	fort_spoof_text(m->fm, &da, &en);
	if (smfi_setmlreply(ctx, "550", "5.7.1", (char *)fbuf_str(&da), (char *)fbuf_str(&en),
	    (char *)NULL) != MI_SUCCESS)
		smfi_setreply(ctx, "550", "5.7.1", "Spoofed council sender / Forfalsket afsender");
	fbuf_free(&da);
	fbuf_free(&en);
	fmet_reject(fm_ctx->met, FMET_REJ_SPOOFED);
	return SMFIS_REJECT;
}

static sfsistat
fm_envfrom(SMFICTX *ctx, char **argv)
{
	struct fm_conn *c = conn_of(ctx);
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");
	struct fort_client cl;
	struct fm_msg *m;
	enum fort_stat st;

	if (c == NULL)
		return internal();
	end_message(c);
	c->deferred = FORT_OK;
	fstrlcpy(c->auth, auth ? auth : "", sizeof(c->auth));
	cl = (struct fort_client){ c->ip, c->helo, c->auth, FORT_LEARN_AUTO };
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return internal();
	c->msg = m;
	if ((m->fm = fort_msg_new(fm_ctx->lib, &cl)) == NULL)
		return internal();
	flog_setqid(&m->log, smfi_getsymval(ctx, "i"));
	fort_msg_qid(m->fm, smfi_getsymval(ctx, "i"));
	st = fort_sender(m->fm, argv[0]);
	return st == FORT_SPOOFED ? reject_spoof(ctx, m) : phase(st);
}

static sfsistat
fm_envrcpt(SMFICTX *ctx, char **argv)
{
	struct fm_msg *m = msg_of(ctx);
	const char *arg = argv[0] ? argv[0] : "";

	if (m == NULL)
		return internal();
	if (m->nrcpts == FM_MAX_RCPTS) {
		smfi_setreply(ctx, "452", "4.5.3", "Too many recipients");
		return tempfail_for(FORT_LIMIT);
	}
	if ((m->rcpt_args[m->nrcpts] = strdup(arg)) == NULL)
		return internal();
	m->nrcpts++;
	return phase(fort_rcpt(m->fm, arg));
}

static sfsistat
fm_header(SMFICTX *ctx, char *name, char *value)
{
	struct fm_msg *m = msg_of(ctx);

	if (m == NULL)
		return quiet(ctx, SMFIP_NR_HDR, FORT_INTERNAL);
	fm_mimehdrs_note(&m->mime, name);
	return quiet(ctx, SMFIP_NR_HDR, fort_header(m->fm, name, value));
}

static sfsistat
fm_eoh(SMFICTX *ctx)
{
	struct fm_msg *m = msg_of(ctx);

	return quiet(ctx, SMFIP_NR_EOH, m ? fort_eoh(m->fm) : FORT_INTERNAL);
}

static sfsistat
fm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct fm_msg *m = msg_of(ctx);

	return quiet(ctx, SMFIP_NR_BODY, m ? fort_body(m->fm, chunk, len) : FORT_INTERNAL);
}

/* Deletes client-supplied X-Fortrolig* headers, last occurrence first. */
static int
strip_headers(SMFICTX *ctx, const struct fm_msg *m)
{
	const char *name;
	int idx;

	for (size_t i = fort_msg_strip_count(m->fm); i-- > 0;)
		if ((name = fort_msg_strip(m->fm, i, &idx)) == NULL ||
		    smfi_chgheader(ctx, (char *)name, idx, NULL) != MI_SUCCESS)
			return -1;
	return 0;
}

static sfsistat
reject(SMFICTX *ctx, const struct fm_msg *m, const struct fpol_verdict *v)
{
	char lines[FPOL_MAX_REPLY_LINES][128];
	char *l[FPOL_MAX_REPLY_LINES] = { NULL };
	size_t n = fpol_reject_lines(fort_msg_conf(m->fm), v, lines, FPOL_MAX_REPLY_LINES);

	for (size_t i = 0; i < n; i++)
		l[i] = lines[i];
	/* smfi_setmlreply takes a NULL-terminated list of at most 32 lines. */
	if (n == 0 || smfi_setmlreply(ctx, "550", "5.7.1", l[0], l[1], l[2], l[3], l[4],
	    l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14], l[15], l[16],
	    l[17], l[18], l[19], l[20], l[21], l[22], l[23], (char *)NULL) != MI_SUCCESS)
		smfi_setreply(ctx, "550", "5.7.1",
		    "Fortrolige oplysninger kan ikke sendes / Confidential content cannot be sent");
	fmet_reject(fm_ctx->met, fmet_reject_reason(v));
	return SMFIS_REJECT;
}

static sfsistat
tempfail(SMFICTX *ctx, const struct fm_msg *m)
{
	smfi_setreply(ctx, "451", "4.7.1", "Message could not be analysed; try again later");
	return tempfail_for(fort_msg_fail(m->fm));
}

static int
add_headers(SMFICTX *ctx, const struct fpol_verdict *v)
{
	struct fbuf hv;
	int r;

	fbuf_init(&hv, 4096);
	r = fpol_header_value(v, &hv);
	if (r == 0)
		r = smfi_addheader(ctx, "X-Fortrolig", (char *)fbuf_str(&hv)) == MI_SUCCESS ? 0 : -1;
	if (r == 0 && v->outcome == FPOL_ROUTE_TLS)
		r = smfi_addheader(ctx, "X-Fortrolig-Route", "tls-verify") == MI_SUCCESS ? 0 : -1;
	fbuf_free(&hv);
	return r;
}

static sfsistat
apply(SMFICTX *ctx, struct fm_msg *m, const struct fpol_verdict *v)
{
	const struct fconf *c = fort_msg_conf(m->fm);
	const char *sender = fort_msg_sender(m->fm);
	enum fort_stat st;

	switch (v->outcome) {
	case FPOL_REJECT:
		return reject(ctx, m, v);
	case FPOL_TEMPFAIL:
		return tempfail(ctx, m);
	default:
		break;
	}
	/* Encrypt before anything is promised or changed: a failure tempfails. */
	if (v->outcome == FPOL_ENCRYPT &&
	    (st = fm_enc_apply(ctx, m->fm, &m->mime, &m->log)) != FORT_OK)
		return tempfail_for(st);
	/* Held: accepted into the MTA's hold queue, the X-Fortrolig header
	 * below tells fortrolig-hold the verdict. */
	if (v->outcome == FPOL_HOLD &&
	    fm_hold_apply(ctx, c, v, sender, smfi_getsymval(ctx, "i"), &m->log) < 0)
		return internal();
	if ((v->outcome != FPOL_DELIVER || !v->monitor) && v->ndropped &&
	    fm_enc_drop(ctx, c, v, sender, m->rcpt_args, &m->log) < 0)
		return internal();
	if (fm_override_subject(ctx, v, &m->mime) < 0)
		return internal();
	return add_headers(ctx, v) == 0 ? SMFIS_CONTINUE : internal();
}

static sfsistat
fm_eom(SMFICTX *ctx)
{
	struct fm_msg *m = msg_of(ctx);
	const struct fpol_verdict *v;
	enum fort_stat st;
	long long t0;

	if (m == NULL)
		return internal();
	flog_setqid(&m->log, smfi_getsymval(ctx, "i"));
	fort_msg_qid(m->fm, smfi_getsymval(ctx, "i"));
	if (conn_of(ctx)->deferred != FORT_OK) {
		flog(&m->log, LOG_ERR, "message could not be taken in (%s): tempfail",
		    fort_stat_name(conn_of(ctx)->deferred));
		smfi_setreply(ctx, "451", "4.7.1", "Message could not be analysed; try again later");
		return tempfail_for(conn_of(ctx)->deferred);
	}
	if (strip_headers(ctx, m) < 0) {
		flog(&m->log, LOG_ERR, "cannot remove client X-Fortrolig headers: tempfail");
		return internal();
	}
	if (!fort_msg_wanted(m->fm))
		return SMFIS_CONTINUE;
	t0 = fio_now_us();
	st = fort_eom(m->fm);
	v = fort_verdict(m->fm);
	fmet_analysed(fm_ctx->met, fio_now_us() - t0, st == FORT_OK ? v : NULL);
	if (!fort_msg_member(m->fm)) {
		/* Inbound: never blocked, never marked; analysed only to learn. A
		 * failed learning is retried by the sender's MTA (store.on_error). */
		if (st == FORT_OK && v->outcome == FPOL_TEMPFAIL) {
			smfi_setreply(ctx, "451", "4.3.0", "Thread memory unavailable; try again later");
			return tempfail_for(fort_msg_fail(m->fm));
		}
		return SMFIS_CONTINUE;
	}
	if (st != FORT_OK)
		return tempfail(ctx, m);
	return apply(ctx, m, v);
}

static sfsistat
fm_abort(SMFICTX *ctx)
{
	struct fm_conn *c = conn_of(ctx);

	if (c) {
		end_message(c);
		c->deferred = FORT_OK;
	}
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
fm_register(const struct fm_filter *f)
{
	static struct smfiDesc desc = {
		.xxfi_name = "fortrolig",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = FM_ACTIONS,
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
		.xxfi_negotiate = fm_negotiate,
	};

	fm_ctx = f;
	return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}
