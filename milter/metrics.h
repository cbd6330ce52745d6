/* metrics: the milter's counters and their HTTP endpoint (Prometheus text
 * format). Counters carry no content: labels come from fixed sets (class,
 * category, where, action, mode, reason, cause), never an address, a queue
 * id or text from a message. */
#ifndef FORTROLIG_FMET_H
#define FORTROLIG_FMET_H

#include <stddef.h>

#include "base/buffer.h"
#include "base/status.h"
#include "decide/decide.h"

/* Why a message was rejected (fortrolig_rejects_total{reason}). */
enum fmet_reject {
	FMET_REJ_SPOOFED,        /* a council address from a client SPF fails */
	FMET_REJ_NEW_THREAD,     /* confidential only in the quoted thread */
	FMET_REJ_NO_RULE,        /* no domain rule for a recipient */
	FMET_REJ_RULE,           /* the recipient's domain rule says reject */
	FMET_REJ_NO_ACTION,      /* no action of the rule was usable (no key, ...) */
	FMET_REJ_MIXED,          /* a recipient cannot read the one encrypted copy */
	FMET_REJ_OTHER,
	FMET_REJ_COUNT
};

struct fmet;

struct fmet *fmet_new(void);
void fmet_free(struct fmet *m);

/* One fort_eom() run: its duration, and with a verdict (st == FORT_OK) the
 * message, its findings, action, thread hit and learning. */
void fmet_analysed(struct fmet *m, long long usecs, const struct fpol_verdict *v);
/* A 5xx; fmet_reject_reason() finds the reason of a content reject. */
void fmet_reject(struct fmet *m, enum fmet_reject r);
enum fmet_reject fmet_reject_reason(const struct fpol_verdict *v);
/* A 4xx and the failure class behind it (fort_msg_fail, a phase's status). */
void fmet_tempfail(struct fmet *m, enum fort_stat cause);

/* The exposition text: HELP, TYPE and one line per series. 0 or -1. */
int fmet_render(struct fmet *m, struct fbuf *out);

/* The HTTP listener: bound before the fork and the privilege drop (any
 * port), served from its own thread once started. */
struct fmet_http;
/* addr as fortrolig.conf's metrics; NULL with err when it cannot listen. */
struct fmet_http *fmet_http_listen(const char *addr, char *err, size_t errlen);
/* Serves GET /metrics from m; 0, or -1 with err. m must outlive the listener. */
int fmet_http_start(struct fmet_http *h, struct fmet *m, char *err, size_t errlen);
void fmet_http_stop(struct fmet_http *h);

#endif
