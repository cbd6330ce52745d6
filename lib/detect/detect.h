/* detect: the detector interface. Each detector reads the analysed message and
 * appends findings; none of them keeps or returns the matched text. */
#ifndef FORTROLIG_FDET_H
#define FORTROLIG_FDET_H

#include "conf/config.h"
#include "analyse/message.h"
#include "base/types.h"

struct fdet {
	const char *name;
	int (*scan)(const struct fconf *c, const struct fmsg *m, struct ffindings *out);
};

/* The detectors in the order they run (cpr first: keywords use its result). */
extern const struct fdet fdet_all[];

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
