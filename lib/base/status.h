/* status: the classes of failure, shared by every stage and the API
 * (fortrolig.h). One value per class; fort_stat_action() maps them. */
#ifndef FORTROLIG_STATUS_H
#define FORTROLIG_STATUS_H

enum fort_stat {
	FORT_OK,
	FORT_NORESOURCE,     /* memory or the spool file: tempfail */
	FORT_INTERNAL,       /* a library failed, a state that cannot be: tempfail */
	FORT_LIMIT,          /* the message could not be read in full: limits.on_limit */
	FORT_ENCRYPTED,      /* a password-protected attachment: limits.on_encrypted_attachment */
	FORT_STORE,          /* the thread memory could not answer or learn: store.on_error */
	FORT_KEYSTORE,       /* a key store could not answer: tempfail */
	FORT_SPOOFED,        /* a council address from a client SPF fails: reject */
	FORT_STAT_COUNT
};

/* What a failure class leads to. */
enum fort_fail {
	FORT_FAIL_IGNORE,        /* judge what could be read */
	FORT_FAIL_CONFIDENTIAL,  /* the message counts as confidential */
	FORT_FAIL_TEMPFAIL,      /* 4xx: the sender's MTA tries again later */
	FORT_FAIL_REJECT,        /* 5xx */
};

#endif
