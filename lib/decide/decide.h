/* decide: the one entry point the milter and fortrolig-scan share:
 * analyse -> detect -> decide, and the texts that describe a verdict. */
#ifndef FORTROLIG_FPOLICY_H
#define FORTROLIG_FPOLICY_H

#include <stddef.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "memory/thread.h"
#include "base/types.h"

struct fpol_rcpt {
	char addr[320];
	enum faction action;
	const char *reason;       /* static string: "clean", "internal", "new-thread", ... */
	char why[192];            /* why smime/pgp were not usable ("" if not asked) */
	int dropped;              /* mixed = drop-and-notify removed this recipient */
};

enum fpol_outcome { FPOL_DELIVER, FPOL_ROUTE_TLS, FPOL_REJECT, FPOL_TEMPFAIL, FPOL_ENCRYPT };

/* Recipient key lookup, implemented by keys/ (lib/ stays free of
 * OpenSSL and GPGME). usable() returns 1 when rcpt has a usable key of
 * kind FACT_SMIME or FACT_PGP, 0 when not (why says why), -1 on an
 * internal error. A NULL struct means no key is ever usable. */
struct fpol_keys {
	int (*usable)(void *ctx, enum faction kind, const char *rcpt, char *why, size_t whylen);
	void *ctx;
};

struct fpol_verdict {
	int outbound;             /* sender is a council member */
	int monitor;
	enum fclass cls;
	unsigned cats, wheres;    /* bit sets over enum fcat / enum fwhere */
	int new_thread;           /* confidential only in the quoted thread */
	int incomplete;
	char incomplete_reason[96];
	int encrypted_att;        /* password-protected attachment (on_encrypted_attachment) */
	char encrypted_att_reason[64];
	struct ffindings findings;
	struct fpol_rcpt *rcpts;
	size_t nrcpts;
	enum fpol_outcome outcome;       /* what is applied */
	enum fpol_outcome would;         /* what enforce mode would apply */
	enum faction enc;                /* FACT_SMIME or FACT_PGP when would == FPOL_ENCRYPT */
	int protect_subject;             /* encrypting and the subject is confidential */
	int split;                       /* recipients need different encryption kinds */
	size_t ndropped;                 /* recipients dropped under drop-and-notify */
	int store_error;                 /* the thread memory could not answer */
	int learned, learn_error;
	char store_reason[160];
	struct fthr_hits thread;         /* thread hits, for --explain */
};

/* What the thread memory may do with this message (decide/thread.c). */
enum fpol_learn {
	FPOL_LEARN_NONE,         /* detect only (unverified sender) */
	FPOL_LEARN_OUTBOUND,     /* confidential mail from a member only */
	FPOL_LEARN_TRUSTED,      /* also inbound to a member (SPF pass, trusted relay, internal) */
	FPOL_LEARN_ALL,          /* fortrolig-scan --learn: every confidential file */
};

/* What one evaluation may use besides the config: both parts optional. */
struct fpol_ctx {
	struct fthr *thr;                /* NULL: no thread memory */
	enum fpol_learn learn;
	const struct fpol_keys *keys;    /* NULL: no recipient keys (smime/pgp unusable) */
};

/* Runs every detector over an analysed message. */
int fpol_detect(const struct fconf *c, const struct fmsg *m, struct ffindings *out);
int fpol_is_member(const struct fconf *c, const char *sender, const char *auth_user);
/* Full pipeline for one message. sender/auth may be NULL. Returns 0 or -1
 * (resource failure: the caller must tempfail). */
int fpol_evaluate(const struct fconf *c, const char *data, size_t len,
    const char *sender, const char *auth, const char *const *rcpts, size_t nrcpts,
    struct fpol_verdict *v);
/* The same with the thread memory (detect, and learn after the decision). */
int fpol_evaluate_ctx(const struct fconf *c, const struct fpol_ctx *x, const char *data,
    size_t len, const char *sender, const char *auth, const char *const *rcpts,
    size_t nrcpts, struct fpol_verdict *v);
/* Thread detector and learning around fpol_decide (decide/thread.c). */
int fpol_thread_detect(const struct fconf *c, const struct fpol_ctx *x,
    const struct fmsg *m, struct fpol_verdict *v);
int fpol_thread_learn(const struct fconf *c, const struct fpol_ctx *x,
    const struct fmsg *m, const char *const *rcpts, size_t nrcpts, struct fpol_verdict *v);
/* Decision only, for an analysed message (used by the tests). */
int fpol_decide(const struct fconf *c, const struct fmsg *m, const char *const *rcpts,
    size_t nrcpts, struct fpol_verdict *v);
/* The same with a key lookup (keys may be NULL). */
int fpol_evaluate_keys(const struct fconf *c, const struct fpol_keys *keys,
    const char *data, size_t len, const char *sender, const char *auth,
    const char *const *rcpts, size_t nrcpts, struct fpol_verdict *v);
int fpol_decide_keys(const struct fconf *c, const struct fpol_keys *keys,
    const struct fmsg *m, const char *const *rcpts, size_t nrcpts, struct fpol_verdict *v);
void fpol_verdict_free(struct fpol_verdict *v);
/* The advice mail body for dropped recipients (Danish, then English; no content). */
int fpol_advice_text(const struct fconf *c, const struct fpol_verdict *v, struct fbuf *out);

const char *fpol_outcome_name(enum fpol_outcome o);
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

#endif
