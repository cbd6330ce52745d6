/* apply: applying an encryption verdict and dropped recipients through
 * libmilter (body replacement, MIME header changes, smfi_delrcpt) and the
 * advice mail to the sender. */
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

/* milter/advice.c: submits the advice mail through the MTA. */
int fm_advice_send(const struct fconf *c, const struct fpol_verdict *v, const char *sender,
    char *err, size_t errlen);

#endif
