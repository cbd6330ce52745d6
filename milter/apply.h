/* apply: applying an encryption verdict, dropped recipients and a hold
 * through libmilter (body replacement, MIME header changes, smfi_delrcpt,
 * smfi_quarantine) and the mails fortrolig writes about them. */
#ifndef FORTROLIG_FM_ENC_H
#define FORTROLIG_FM_ENC_H

#include <libmilter/mfapi.h>

#include "base/buffer.h"
#include "keys/keys.h"
#include "base/log.h"
#include "decide/decide.h"
#include "fortrolig.h"

#define FM_MAX_MIMEHDRS 64

/* The message's own MIME headers (Content-*, MIME-Version), in order, so
 * that each can be removed by name and occurrence. */
struct fm_mimehdrs {
	struct {
		char name[64];
		int index;
	} v[FM_MAX_MIMEHDRS];
	size_t n;
	int overflow;
	int subjects;
};

void fm_mimehdrs_note(struct fm_mimehdrs *h, const char *name);

/* Encrypts raw and rewrites the message. FORT_OK, or the failure class the
 * caller tempfails with (FORT_KEYSTORE: the encryption; FORT_INTERNAL: the MTA). */
enum fort_stat fm_enc_apply(SMFICTX *ctx, struct fort_msg *m, const struct fm_mimehdrs *h,
    const struct flog_ctx *log);
/* Sends the advice mail, then deletes the dropped recipients. */
int fm_enc_drop(SMFICTX *ctx, const struct fconf *c, const struct fpol_verdict *v,
    const char *sender, char *const *rcpt_args, const struct flog_ctx *log);

/* Removes the member's override tag: the Subject without it (RFC 2047). */
int fm_override_subject(SMFICTX *ctx, const struct fpol_verdict *v, const struct fm_mimehdrs *h);

/* Puts the message on hold (the MTA's quarantine) with the verdict as the
 * reason, and sends the DPO's notification (hold.notify) and the member's
 * advice. 0, or -1 (logged): the caller tempfails. */
int fm_hold_apply(SMFICTX *ctx, const struct fconf *c, const struct fpol_verdict *v,
    const char *sender, const char *qid, const struct flog_ctx *log);

/* milter/advice.c: submits a mail of fortrolig's own through the MTA:
 * text (LF line ends, ASCII) under subject, to one address. */
int fm_notice_send(const struct fconf *c, const char *to, const char *subject,
    const struct fbuf *text, char *err, size_t errlen);
/* The advice mail to a sender whose recipients were dropped. */
int fm_advice_send(const struct fconf *c, const struct fpol_verdict *v, const char *sender,
    char *err, size_t errlen);

#endif
