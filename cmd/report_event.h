/* report_event: one parsed fortrolig-milter line into the report's counts. */
#ifndef FORTROLIG_REPORT_EVENT_H
#define FORTROLIG_REPORT_EVENT_H

#include "memory/mac.h"
#include "report.h"

struct rp_ctx {
	struct rp_report *r;
	const struct fmac *mac;     /* NULL: members by address (--names) */
	void *work;                 /* fmac_work() for mac */
	const char *since, *until;  /* YYYY-MM-DD or NULL, both inclusive */
};

/* 0, or -1 when out of memory. */
int rp_event(struct rp_ctx *x, const struct rp_line *l);

#endif
