/* decide: findings, sender and recipients -> one action per recipient and
 * one outcome for the message; and the texts that describe a verdict. */
#ifndef FORTROLIG_DECIDE_H
#define FORTROLIG_DECIDE_H

#include <stddef.h>

#include "analyse/message.h"
#include "base/buffer.h"
#include "base/status.h"
#include "base/types.h"
#include "conf/config.h"
#include "decide/keys.h"
#include "memory/thread.h"

struct fpol_rcpt {
	char addr[320];
	enum faction action;
	const char *reason;       /* static string: "clean", "internal", "new-thread", ... */
	char why[192];            /* why smime/pgp were not usable ("" if not asked) */
	int dropped;              /* mixed = drop-and-notify removed this recipient */
	int monitored;            /* its domain rule says monitor: a reject is not applied */
};

/* The subject tag "[TAG: justification]" (override.tag), found by the
 * pipeline (decide/override.c) and judged by the decision. */
struct fpol_override {
	int present;              /* the top-level subject carries the tag */
	int allowed;              /* override.rules cover the sender and every category */
	int used;                 /* it changed a rejected recipient's action */
	const char *refused;      /* static: why it was not honoured, or NULL */
	char justification[160];  /* the member's words, CPR numbers masked, for the log */
	char *subject;            /* owned: the decoded subject without the tag (UTF-8) */
};

enum fpol_outcome { FPOL_DELIVER, FPOL_ROUTE_TLS, FPOL_REJECT, FPOL_TEMPFAIL, FPOL_ENCRYPT,
	FPOL_HOLD };

struct fpol_verdict {
	int outbound;             /* sender is a council member */
	int monitor;
	enum fclass cls;
	unsigned cats, wheres;    /* bit sets over enum fcat / enum fwhere */
	int new_thread;           /* confidential only in the quoted thread */
	int data_subject;         /* a reply to the data subject only (set by the caller) */
	struct fpol_override override;   /* set by the caller; refused/used by fpol_decide */
	size_t nmonitored;        /* rejects and holds not applied: their rule says monitor */
	int incomplete;
	char incomplete_reason[96];
	int encrypted_att;        /* password-protected attachment (on_encrypted_attachment) */
	char encrypted_att_reason[64];
	struct ffindings findings;
	struct fpol_rcpt *rcpts;
	size_t nrcpts;
	enum fpol_outcome outcome;       /* what is applied */
	enum fpol_outcome would;         /* what enforce mode would apply */
	enum fpol_outcome enforced;      /* would, less the rejects of monitored domains */
	enum fort_stat fail;             /* the class that made would TEMPFAIL (FORT_OK: none) */
	enum faction enc;                /* FACT_SMIME or FACT_PGP when would == FPOL_ENCRYPT */
	int protect_subject;             /* encrypting and the subject is confidential */
	int split;                       /* recipients need different encryption kinds */
	size_t ndropped;                 /* recipients dropped under drop-and-notify */
	int store_error;                 /* the thread memory could not answer */
	int keystore_error;              /* a key store could not answer (why in store_reason) */
	int learned, learn_error;
	char store_reason[160];
	struct fthr_hits thread;         /* thread hits, for --explain */
};

/* The decision for an analysed message whose findings are in v (v->outbound
 * set by the caller): classification, one action per recipient, the outcome.
 * FORT_OK, FORT_KEYSTORE (a key store could not answer) or FORT_NORESOURCE. */
enum fort_stat fpol_decide(const struct fconf *c, const struct fkeyset *ks,
    const struct fmsg *m, const char *const *rcpts, size_t nrcpts, struct fpol_verdict *v);
/* One recipient of a message of class cls (fortrolig-certs check). */
enum fort_stat fpol_decide_rcpt(const struct fconf *c, const struct fkeyset *ks,
    enum fclass cls, const char *addr, struct fpol_rcpt *r);
/* Asks the key store of kind k about r; why it is not usable goes to r->why.
 * 1, 0, or -1 when the store could not answer. */
int fpol_key_usable(const struct fkeyset *ks, enum faction k, struct fpol_rcpt *r);
/* A failure class the decision absorbs (limit, encrypted attachment, the
 * store), by fort_stat_action(): the one place a verdict turns TEMPFAIL. */
void fpol_fail(const struct fconf *c, enum fort_stat st, struct fpol_verdict *v);
void fpol_verdict_free(struct fpol_verdict *v);
/* The override tag in m's own subject (decide/override.c): fills o and
 * blanks the tag in the subject segment. 0, or -1 out of memory. */
int fpol_override_find(const struct fconf *c, struct fmsg *m, struct fpol_override *o);
/* May this sender override findings of these categories? Sets o->allowed,
 * or o->refused = "member" when no override rule lists the sender. */
void fpol_override_judge(const struct fconf *c, const char *sender, unsigned cats,
    struct fpol_override *o);
/* Masks CPR-shaped numbers in place: 010190-1234 -> 010190-XXXX. */
void fpol_mask_cpr(char *s);
/* The advice mail body for dropped recipients (Danish, then English; no content). */
int fpol_advice_text(const struct fconf *c, const struct fpol_verdict *v, struct fbuf *out);

const char *fpol_outcome_name(enum fpol_outcome o);
/* "honoured", "not needed", or why it was refused ("cpr", "member", ...). */
const char *fpol_override_result(const struct fpol_verdict *v);
/* "class=sensitive; categories=cpr,health; where=body; action=reject" */
int fpol_header_value(const struct fpol_verdict *v, struct fbuf *out);
/* "from=<a> class=... cats=... where=... action=... rcpts=N mode=..." */
int fpol_log_line(const struct fpol_verdict *v, const char *sender, struct fbuf *out);
/* ASCII reply lines (Danish first, then English), each <= width characters. */
#define FPOL_MAX_REPLY_LINES 24
size_t fpol_reject_lines(const struct fconf *c, const struct fpol_verdict *v,
    char lines[][128], size_t maxlines);
/* Set lists as "a,b,c" for the JSON and header writers. */
int fpol_list_cats(unsigned cats, struct fbuf *out, const char *sep);
int fpol_list_wheres(unsigned wheres, struct fbuf *out, const char *sep);
/* The categories in words, Danish or English ("CPR-nummer, ..."; ASCII). */
int fpol_list_cat_words(unsigned cats, int danish, struct fbuf *out, const char *sep);

#endif
