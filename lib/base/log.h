/* log: logging that carries the queue id on every line, never content. */
#ifndef FORTROLIG_FLOG_H
#define FORTROLIG_FLOG_H

#include <syslog.h>

/* Per-message log context: callers pass it and the queue id comes along. */
struct flog_ctx {
	char qid[64];
};

/* Process-wide sink, set once at start-up before threads exist. */
void flog_open(const char *ident, int to_stderr, int to_syslog);
void flog(const struct flog_ctx *ctx, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void flog_setqid(struct flog_ctx *ctx, const char *qid);

#endif
