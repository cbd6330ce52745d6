/* report: fortrolig-report's parts. The milter's log lines in, counts out:
 * per day, category, action and (pseudonymised) member, the reject reasons
 * and the tempfails. The log never holds content, and neither does this. */
#ifndef FORTROLIG_REPORT_H
#define FORTROLIG_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RP_KEYMAX 320

/* A string-keyed counter set; small (tens of keys), searched linearly. */
struct rp_count {
	char key[RP_KEYMAX];
	long n;
};
struct rp_counts {
	struct rp_count *v;
	size_t n, cap;
};

/* A day or a member: its messages, actions (enforce / monitor) and categories. */
struct rp_group {
	char key[RP_KEYMAX];
	long msgs;
	struct rp_counts acts, mon, cats;
};
struct rp_groups {
	struct rp_group *v;
	size_t n, cap;
};

/* Open-addressing table of 64-bit line hashes with a signed balance each. */
struct rp_seen {
	uint64_t *key;
	int *val;
	size_t n, cap;
};

struct rp_report {
	long lines, fortrolig, ignored, other, dups, undated, outside, toolong;
	long msgs, msgs_monitor, spoof_rej, spoof_acc, tf_msgs, tf_events;
	struct rp_counts classes, acts, mon, cats, reasons, tfail;
	struct rp_groups days, members;
	struct rp_seen pairs, tfqids;
};

/* How a line reached the log: through syslog, or as the milter's standard
 * error (-f; under systemd the journal keeps a copy of both). */
enum rp_form { RP_SYSLOG, RP_STDERR };

/* One fortrolig-milter line, split; pointers into the caller's buffer. */
struct rp_line {
	char day[11];            /* YYYY-MM-DD, "" when the line has no time stamp */
	long pid;
	enum rp_form form;
	const char *qid;
	size_t qidlen;
	const char *text;        /* after "QID: fortrolig: " */
};

/* counting (report_count.c) */
int rp_counts_add(struct rp_counts *c, const char *key, size_t keylen, long by);
long rp_counts_get(const struct rp_counts *c, const char *key);
void rp_counts_sort(struct rp_counts *c);
struct rp_group *rp_groups_get(struct rp_groups *g, const char *key);
void rp_groups_sort_by_key(struct rp_groups *g);
void rp_groups_sort_by_msgs(struct rp_groups *g);
/* Adds by to the balance of h; returns the balance before. -1 on no memory
 * (the balance is then INT_MIN: callers treat it as an error). */
int rp_seen_add(struct rp_seen *s, uint64_t h, int by, int *before);
uint64_t rp_hash(uint64_t h, const void *p, size_t n);
void rp_report_free(struct rp_report *r);

/* parsing (report_parse.c): 1 a fortrolig-milter line, 0 not one. year
 * is the year for RFC 3164 stamps that carry none; month is the current month. */
int rp_parse_prefix(const char *line, int year, int month, struct rp_line *out);
/* A printable token: [A-Za-z0-9._:()-], at most max bytes; its length or 0. */
size_t rp_token(const char *s, size_t max);

/* output (report_out.c) */
struct rp_outopts {
	const char *since, *until;
	int names, top;
};
void rp_print_text(FILE *f, struct rp_report *r, const struct rp_outopts *o);
int rp_print_json(FILE *f, struct rp_report *r, const struct rp_outopts *o);

#endif
