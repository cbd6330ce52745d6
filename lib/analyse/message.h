/* message: a raw RFC 5322 message -> tagged text segments plus the few header
 * facts the detectors and the decision need. GMime does the parsing. */
#ifndef FORTROLIG_FMSG_H
#define FORTROLIG_FMSG_H

#include <stddef.h>

#include "conf/config.h"
#include "base/types.h"

#define FMSG_MAX_ADDRS 256

struct fmsg {
	struct fsegs segs;
	char from[320];
	char from_name[128];       /* the From display name, UTF-8, or "" */
	int by_member;             /* set by the pipeline: a council member wrote it, so
	                            * "jeg" in its own text is the member */
	char to_names[256];        /* To and Cc display names, blank-separated */
	char *rcpts[FMSG_MAX_ADDRS];       /* To, Cc, Bcc headers (fortrolig-scan defaults) */
	size_t nrcpts;
	char *sensitivity;                 /* Sensitivity: header value, or NULL */
	char *msip_labels;                 /* msip_labels: header value, or NULL */
	char *message_id, *in_reply_to, *references;   /* raw header values, or NULL */
	int encrypted;                     /* already S/MIME or PGP/MIME encrypted */
	int incomplete;                    /* a limit was hit or a part could not be read */
	char incomplete_reason[96];
	int encrypted_att;                 /* a password-protected attachment */
	char encrypted_att_reason[64];
	int parts;
	long long decoded;                 /* bytes decoded and extracted */
	long long deadline_ms;             /* CLOCK_MONOTONIC end of max_analysis_time */
};

/* Process-wide library set-up (GMime, libxml2); call once from main(). */
void fmsg_global_init(void);
void fmsg_global_shutdown(void);

/* Returns 0, or -1 only on resource failure. Parse trouble sets incomplete. */
int fmsg_analyse(const struct fconf *c, const char *data, size_t len, struct fmsg *m);
/* The same for a spooled message (base/spool.h). */
struct fspool;
int fmsg_analyse_spool(const struct fconf *c, struct fspool *sp, struct fmsg *m);
void fmsg_free(struct fmsg *m);
/* Marks the message incomplete once the analysis time is used up; 1 then. */
int fmsg_check_deadline(struct fmsg *m);

#endif
