/* tfort: the one way the unit tests run a message, through the library's
 * phases as the milter and fortrolig-scan drive them (fortrolig.h). */
#ifndef FORTROLIG_TFORT_H
#define FORTROLIG_TFORT_H

#include <check.h>
#include <string.h>

#include "fortrolig.h"

/* A library on configuration c; with memory, the thread memory is opened. */
static inline struct fort_lib *
tf_lib(struct fconf *c, int memory)
{
	struct fort_lib_opts o = { NULL, NULL, NULL, c };
	struct fort_lib *l;
	char err[512] = "";

	l = fort_lib_open(&o, err, sizeof(err));
	ck_assert_msg(l != NULL, "library: %s", err);
	if (memory)
		ck_assert_msg(fort_lib_start(l, err, sizeof(err)) == 0, "memory: %s", err);
	return l;
}

/* One message: envelope (none when sender is NULL or n is 0: the headers
 * stand in), the message, end of message. v is the caller's to free. */
static inline enum fort_stat
tf_run(struct fort_lib *l, enum fort_learn learn, const char *msg, size_t len,
    const char *sender, const char *auth, const char *const *rcpts, size_t n,
    struct fpol_verdict *v)
{
	struct fort_client cl = { NULL, NULL, auth, learn };
	struct fort_msg *m = fort_msg_new(l, &cl);
	enum fort_stat st = m ? FORT_OK : FORT_NORESOURCE;

	memset(v, 0, sizeof(*v));
	if (st == FORT_OK && sender)
		st = fort_sender(m, sender);
	for (size_t i = 0; st == FORT_OK && rcpts && i < n; i++)
		st = fort_rcpt(m, rcpts[i]);
	if (st == FORT_OK)
		st = fort_feed(m, msg, len);
	if (st == FORT_OK)
		st = fort_eom(m);
	if (m)
		fort_msg_take_verdict(m, v);
	fort_msg_free(m);
	return st;
}

/* Detect and decide only, on a library of its own. */
static inline enum fort_stat
tf_eval(struct fconf *c, const char *msg, size_t len, const char *sender, const char *auth,
    const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	struct fort_lib *l = tf_lib(c, 0);
	enum fort_stat st = tf_run(l, FORT_LEARN_NEVER, msg, len, sender, auth, rcpts, n, v);

	fort_lib_close(l);
	return st;
}

#endif
