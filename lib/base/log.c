/* log: one sink (stderr and/or syslog) set at start-up; queue id prefix per line. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buffer.h"
#include "base/log.h"

/* Written once in flog_open() before any thread starts; read-only afterwards. */
static struct {
	int to_stderr;
	int to_syslog;
	char ident[32];
} sink = { 1, 0, "fortrolig" };

void
flog_open(const char *ident, int to_stderr, int to_syslog)
{
	fstrlcpy(sink.ident, ident, sizeof(sink.ident));
	sink.to_stderr = to_stderr;
	sink.to_syslog = to_syslog;
	if (to_syslog)
		openlog(sink.ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
flog_setqid(struct flog_ctx *ctx, const char *qid)
{
	fstrlcpy(ctx->qid, qid && *qid ? qid : "NOQUEUE", sizeof(ctx->qid));
}

void
flog(const struct flog_ctx *ctx, int prio, const char *fmt, ...)
{
	char msg[2048];
	const char *qid = ctx && ctx->qid[0] ? ctx->qid : "NOQUEUE";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sink.to_syslog)
		syslog(prio, "%s: fortrolig: %s", qid, msg);
	if (sink.to_stderr)
		fprintf(stderr, "%s[%ld]: %s: fortrolig: %s\n", sink.ident,
		    (long)getpid(), qid, msg);
}
