/* hold: the words for a message held for review (quarantine): the reason
 * the MTA keeps with it, the DPO's notification and the member's advice.
 * Verdict and envelope only (sender, recipients, time, categories, queue
 * id): never the subject, the text or an attachment. */
#ifndef FORTROLIG_FHOLD_H
#define FORTROLIG_FHOLD_H

#include <time.h>

#include "base/buffer.h"
#include "decide/decide.h"

/* What the notices say besides the verdict. */
struct fpol_held {
	const char *sender;        /* the member, normalised */
	const char *qid;           /* the MTA's queue id */
	time_t when;
};

/* "fortrolig: class=sensitive categories=cpr,health" */
int fpol_hold_reason(const struct fpol_verdict *v, struct fbuf *out);
/* The mail bodies, Danish then English, ASCII, LF line ends. */
int fpol_hold_dpo_text(const struct fpol_verdict *v, const struct fpol_held *h,
    struct fbuf *out);
int fpol_hold_member_text(const struct fpol_verdict *v, const struct fpol_held *h,
    struct fbuf *out);

#define FPOL_HOLD_DPO_SUBJECT \
	"Fortrolig: mail tilbageholdt til gennemsyn / mail held for review"
#define FPOL_HOLD_MEMBER_SUBJECT \
	"Fortrolig: din mail venter paa gennemsyn / your mail waits for review"

#endif
