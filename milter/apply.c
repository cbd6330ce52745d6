/* apply: the milter side of encryption. keys/ builds the new body; here
 * it replaces the old one, the MIME headers are swapped and, for a
 * confidential subject, the visible Subject becomes the neutral text.
 * From, To, Cc, Date, Message-ID and the thread headers stay untouched. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "apply.h"
#include "decide/hold.h"

void
fm_mimehdrs_note(struct fm_mimehdrs *h, const char *name)
{
	int idx = 1;

	if (strcasecmp(name, "Subject") == 0) {
		h->subjects++;
		return;
	}
	if (strncasecmp(name, "Content-", 8) != 0 && strcasecmp(name, "MIME-Version") != 0)
		return;
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->v[i].name, name) == 0)
			idx = h->v[i].index + 1;
	if (h->n == FM_MAX_MIMEHDRS || strlen(name) >= sizeof(h->v[0].name)) {
		h->overflow = 1;
		return;
	}
	fstrlcpy(h->v[h->n].name, name, sizeof(h->v[0].name));
	h->v[h->n].index = idx;
	h->n++;
}

static int
swap_headers(SMFICTX *ctx, const struct fconf *c, const struct fpol_verdict *v,
    const struct fm_mimehdrs *h, const struct fkeys_out *o)
{
	struct fbuf subj;
	int r = 0;

	/* Last occurrence first, so that the indices stay right. */
	for (size_t i = h->n; i-- > 0 && r == 0;)
		r = smfi_chgheader(ctx, (char *)h->v[i].name, h->v[i].index, NULL) == MI_SUCCESS ? 0 : -1;
	if (r == 0)
		r = smfi_addheader(ctx, "MIME-Version", "1.0") == MI_SUCCESS ? 0 : -1;
	if (r == 0)
		r = smfi_addheader(ctx, "Content-Type", (char *)o->ctype) == MI_SUCCESS ? 0 : -1;
	if (r == 0 && o->cte[0])
		r = smfi_addheader(ctx, "Content-Transfer-Encoding", (char *)o->cte) == MI_SUCCESS ? 0 : -1;
	if (r == 0 && o->disp[0])
		r = smfi_addheader(ctx, "Content-Disposition", (char *)o->disp) == MI_SUCCESS ? 0 : -1;
	if (r == 0 && v->protect_subject) {
		fbuf_init(&subj, 1024);
		r = fkeys_encode_header(c->protected_subject, &subj);
		for (int i = h->subjects; r == 0 && i > 1; i--)
			r = smfi_chgheader(ctx, "Subject", i, NULL) == MI_SUCCESS ? 0 : -1;
		if (r == 0 && h->subjects)
			r = smfi_chgheader(ctx, "Subject", 1, (char *)fbuf_str(&subj)) == MI_SUCCESS ? 0 : -1;
		else if (r == 0)
			r = smfi_addheader(ctx, "Subject", (char *)fbuf_str(&subj)) == MI_SUCCESS ? 0 : -1;
		fbuf_free(&subj);
	}
	return r;
}

static int
replace_body(SMFICTX *ctx, struct fkeys_out *o)
{
	char *chunk = malloc(65536);
	size_t pos = 0;
	long n;
	int r = 0;

	if (chunk == NULL || fkeys_out_rewind(o) < 0) {
		free(chunk);
		return -1;
	}
	while (r == 0 && (n = fkeys_out_read(o, chunk, 65536, &pos)) > 0)
		r = smfi_replacebody(ctx, (unsigned char *)chunk, (int)n) == MI_SUCCESS ? 0 : -1;
	if (n < 0)
		r = -1;
	free(chunk);
	return r;
}

enum fort_stat
fm_enc_apply(SMFICTX *ctx, struct fort_msg *m, const struct fm_mimehdrs *h,
    const struct flog_ctx *log)
{
	const struct fconf *c = fort_msg_conf(m);
	const struct fpol_verdict *v = fort_verdict(m);
	struct fkeys_out o;
	char err[256] = "";
	enum fort_stat r;

	if (h->overflow) {
		flog(log, LOG_ERR, "cannot encrypt: over the MIME header limit");
		return FORT_LIMIT;
	}
	fkeys_out_init(&o, (size_t)c->spill_size);
	if ((r = fort_encrypt(m, &o, err, sizeof(err))) != FORT_OK)
		flog(log, LOG_ERR, "encryption failed: %s", err[0] ? err : "out of memory");
	else if (swap_headers(ctx, c, v, h, &o) < 0 || replace_body(ctx, &o) < 0) {
		flog(log, LOG_ERR, "cannot rewrite the message through the MTA");
		r = FORT_INTERNAL;
	} else {
		const char *raw;
		size_t len = 0;
		(void)fort_msg_data(m, &raw, &len);
		flog(log, LOG_INFO, "encrypted (%s) %zu bytes -> %zu bytes%s%s", faction_name(v->enc),
		    len, o.len, o.spill ? " (spilled)" : "",
		    v->protect_subject ? ", subject protected" : "");
	}
	fkeys_out_free(&o);
	return r;
}

int
fm_enc_drop(SMFICTX *ctx, const struct fconf *c, const struct fpol_verdict *v,
    const char *sender, char *const *rcpt_args, const struct flog_ctx *log)
{
	char err[256];

	/* Nothing is dropped silently: no advice mail, no drop (tempfail). */
	if (fm_advice_send(c, v, sender, err, sizeof(err)) < 0) {
		flog(log, LOG_ERR, "advice mail to <%s> failed: %s", sender, err);
		return -1;
	}
	for (size_t i = 0; i < v->nrcpts; i++) {
		if (!v->rcpts[i].dropped)
			continue;
		if (smfi_delrcpt(ctx, rcpt_args[i]) != MI_SUCCESS)
			return -1;
		flog(log, LOG_NOTICE, "dropped rcpt=<%s> reason=%s why=\"%s\" advice=sent",
		    v->rcpts[i].addr, v->rcpts[i].reason, v->rcpts[i].why);
	}
	return 0;
}

typedef int (*hold_text_fn)(const struct fpol_verdict *, const struct fpol_held *,
    struct fbuf *);

static int
hold_notice(const struct fconf *c, const struct fpol_verdict *v, const struct fpol_held *h,
    const char *to, const char *subject, hold_text_fn text, const struct flog_ctx *log)
{
	char err[256] = "";
	struct fbuf t;
	int r;

	fbuf_init(&t, 1 << 16);
	if ((r = text(v, h, &t)) < 0)
		snprintf(err, sizeof(err), "cannot build the mail");
	else
		r = fm_notice_send(c, to, subject, &t, err, sizeof(err));
	fbuf_free(&t);
	if (r < 0)
		flog(log, LOG_ERR, "advice mail to <%s> failed: %s", to, err);
	return r;
}

int
fm_hold_apply(SMFICTX *ctx, const struct fconf *c, const struct fpol_verdict *v,
    const char *sender, const char *qid, const struct flog_ctx *log)
{
	struct fpol_held h = { sender, qid && *qid ? qid : "?", time(NULL) };
	struct fbuf reason;
	int r;

	/* The quarantine is only asked for here; nothing has left yet if a
	 * notice fails, and the tempfail undoes it. */
	fbuf_init(&reason, 4096);
	r = fpol_hold_reason(v, &reason);
	if (r == 0 && smfi_quarantine(ctx, (char *)fbuf_str(&reason)) != MI_SUCCESS) {
		flog(log, LOG_ERR, "cannot put the message on hold through the MTA");
		r = -1;
	}
	fbuf_free(&reason);
	if (r < 0)
		return -1;
	if (c->hold.notify[0] && hold_notice(c, v, &h, c->hold.notify, FPOL_HOLD_DPO_SUBJECT,
	    fpol_hold_dpo_text, log) < 0)
		return -1;
	if (hold_notice(c, v, &h, sender, FPOL_HOLD_MEMBER_SUBJECT, fpol_hold_member_text,
	    log) < 0)
		return -1;
	flog(log, LOG_NOTICE, "held for review: dpo=<%s> advice=sent", c->hold.notify);
	return 0;
}

int
fm_override_subject(SMFICTX *ctx, const struct fpol_verdict *v, const struct fm_mimehdrs *h)
{
	struct fbuf subj;
	int r;

	/* An encrypted mail with a protected subject has the neutral one already. */
	if (!v->override.present || v->override.subject == NULL || v->protect_subject ||
	    h->subjects == 0)
		return 0;
	fbuf_init(&subj, 4096);
	r = fkeys_encode_header(v->override.subject, &subj);
	for (int i = h->subjects; r == 0 && i > 1; i--)
		r = smfi_chgheader(ctx, "Subject", i, NULL) == MI_SUCCESS ? 0 : -1;
	if (r == 0)
		r = smfi_chgheader(ctx, "Subject", 1, (char *)fbuf_str(&subj)) == MI_SUCCESS ? 0 : -1;
	fbuf_free(&subj);
	return r;
}
