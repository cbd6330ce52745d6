/* detect: the detector registry. Each detector reads the analysed message
 * and appends findings; none of them keeps or returns the matched text. */
#ifndef FORTROLIG_DETECT_H
#define FORTROLIG_DETECT_H

#include "analyse/message.h"
#include "base/status.h"
#include "base/types.h"
#include "conf/config.h"
#include "memory/thread.h"

/* What a detector may read besides the message. */
struct fdet_ctx {
	const struct fconf *c;
	const struct fmsg *m;
	struct fthr *thr;              /* the thread memory, or NULL */
	struct fthr_hits *hits;        /* thread hits, for --explain */
	char *err;                     /* why a store could not answer */
	size_t errlen;
};

struct fdet {
	const char *name;
	int (*enabled)(const struct fdet_ctx *x);
	/* FORT_OK, FORT_NORESOURCE, or FORT_STORE (the others still run). */
	enum fort_stat (*scan)(const struct fdet_ctx *x, struct ffindings *out);
};

/* The detectors in the order they run: cpr first (keywords count its
 * numbers as persons), the thread memory last. */
extern const struct fdet fdet_all[];

/* Runs every enabled detector. FORT_NORESOURCE stops at once; FORT_STORE
 * is returned after the others ran (their findings stand). */
enum fort_stat fdet_run(const struct fdet_ctx *x, struct ffindings *out);

int fcpr_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out);
int fmark_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out);
int fkw_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out);

/* CPR validation, exposed for the unit tests. digits: 10 ASCII digits. */
struct fcpr_info {
	int valid_date;
	int year, month, day;
	int mod11;
};
void fcpr_check(const char digits[10], int today_ymd, struct fcpr_info *info);
/* Score of the candidate starting at text[start] (see detect/cpr.c), or -1 if none;
 * *end receives the index just past it. Used by the scanner and the tests. */
int fcpr_candidate(const char *text, size_t len, size_t start, const struct fconf *c,
    int today_ymd, size_t *end, char masked[16]);

#endif
