/* fortrolig.h: libfortrolig's one API, in the phases of an SMTP
 * transaction (as libopendkim's dkim.h). The caller hands over what the MTA
 * says; the library owns everything else: the configuration snapshot, who
 * is a council member (AUTH, SPF, trusted relays), what may be learned, the
 * spool, analysis, detection, the thread memory and the decision.
 *
 *   lib = fort_lib_open(...); fort_lib_start(lib)     once per process
 *   m = fort_msg_new(lib, &client)                      per message
 *   fort_sender(m, "<a@b>"); fort_rcpt(m, ...)...
 *   fort_header(m, name, value)...; fort_eoh(m); fort_body(m, chunk)...
 *   fort_eom(m); v = fort_verdict(m)                    then apply v
 *   fort_msg_free(m)
 *
 * Every call returns an enum fort_stat. FORT_OK means go on. Every other
 * value is one class of failure, and fort_stat_action() is the one place
 * that maps a class to what is done (the admin's on_limit, on_error, ...). */
#ifndef FORTROLIG_H
#define FORTROLIG_H

#include <stddef.h>

#include "base/status.h"
#include "conf/config.h"
#include "decide/decide.h"
#include "decide/keys.h"

const char *fort_stat_name(enum fort_stat st);
/* The one mapping from a failure class to its consequence. */
enum fort_fail fort_stat_action(const struct fconf *c, enum fort_stat st);

struct fort_lib_opts {
	const char *conf;                          /* path of fortrolig.conf */
	const char *words;                         /* default word-list directory */
	const struct fort_keys_ops *const *keys;   /* NULL-terminated; NULL: no key stores */
	struct fconf *loaded;   /* instead of conf: a loaded configuration (the tests);
	                         * the library takes a reference, reload is refused */
};

struct fort_lib;

/* Loads the configuration (file:line errors in err). */
struct fort_lib *fort_lib_open(const struct fort_lib_opts *o, char *err, size_t errlen);
/* Opens the thread memory; call after the privilege drop (LMDB must not
 * cross a fork, files are created as the run user). */
int fort_lib_start(struct fort_lib *l, char *err, size_t errlen);
/* Loads the configuration again; messages in flight keep their snapshot.
 * On error the running snapshot stays and err says why. */
int fort_lib_reload(struct fort_lib *l, char *err, size_t errlen);
/* The current configuration, with a reference the caller drops (fconf_unref). */
struct fconf *fort_lib_conf(struct fort_lib *l);
/* The thread memory is open (fort_lib_start, store.backend not "none"). */
int fort_lib_has_memory(const struct fort_lib *l);
/* The attachment extractor program (FORTROLIG_EXTRACTOR, else the installed one). */
const char *fort_extractor_path(void);
void fort_lib_close(struct fort_lib *l);

/* What the thread memory may learn from a message. */
enum fort_learn {
	FORT_LEARN_AUTO,         /* the milter: members' mail when verified, and inbound
	                          * mail to members from trusted relays, SPF pass or
	                          * internal domains */
	FORT_LEARN_NEVER,        /* fortrolig-scan: detect only */
	FORT_LEARN_ALL,          /* fortrolig-scan --learn: every confidential file */
};

/* The connection a message arrived on. Any field may be NULL. */
struct fort_client {
	const char *ip;          /* "" or NULL for a local submission */
	const char *helo;
	const char *auth;        /* SMTP AUTH user */
	enum fort_learn learn;
};

struct fort_msg;

struct fort_msg *fort_msg_new(struct fort_lib *l, const struct fort_client *cl);
void fort_msg_free(struct fort_msg *m);
/* The MTA's queue id, for the log lines (may be given at any phase). */
void fort_msg_qid(struct fort_msg *m, const char *qid);

enum fort_stat fort_sender(struct fort_msg *m, const char *path);
enum fort_stat fort_rcpt(struct fort_msg *m, const char *path);
enum fort_stat fort_header(struct fort_msg *m, const char *name, const char *value);
enum fort_stat fort_eoh(struct fort_msg *m);
enum fort_stat fort_body(struct fort_msg *m, const void *p, size_t n);
/* Analyse, detect, remember, decide, log. FORT_OK or a failure class; the
 * verdict's outcome already holds the consequence of any class the
 * decision could absorb (limits, encrypted attachments, the store). */
enum fort_stat fort_eom(struct fort_msg *m);

/* Outbound from a council member (after fort_sender). */
int fort_msg_member(const struct fort_msg *m);
/* The message is analysed at all: from a member or to one. Others pass
 * untouched, and their body need not be handed over. */
int fort_msg_wanted(const struct fort_msg *m);
const struct fpol_verdict *fort_verdict(const struct fort_msg *m);
/* Why a tempfail: the class fort_eom failed with, else the one the verdict
 * turned into a tempfail (its would); FORT_OK when neither. No strings to parse. */
enum fort_stat fort_msg_fail(const struct fort_msg *m);
/* Moves the verdict to out, which the caller frees (fpol_verdict_free). */
void fort_msg_take_verdict(struct fort_msg *m, struct fpol_verdict *out);
const struct fconf *fort_msg_conf(const struct fort_msg *m);
/* The sender, normalised ("" for <> or an unparseable one). */
const char *fort_msg_sender(const struct fort_msg *m);
/* Client X-Fortrolig* headers to remove: name and 1-based occurrence. */
size_t fort_msg_strip_count(const struct fort_msg *m);
const char *fort_msg_strip(const struct fort_msg *m, size_t i, int *occurrence);
/* The spooled message (headers, blank line, body) as one block. */
enum fort_stat fort_msg_data(struct fort_msg *m, const char **p, size_t *n);
/* Encrypts the message for the verdict's recipients of kind v->enc. */
enum fort_stat fort_encrypt(struct fort_msg *m, struct fkeys_out *out, char *err,
    size_t errlen);
/* The 550 text for a spoofed council sender: Danish, then English (ASCII). */
int fort_spoof_text(const struct fort_msg *m, struct fbuf *da, struct fbuf *en);

/* Offline: a whole RFC 5322 message, split into the header and body phases
 * as an MTA would (fortrolig-scan and the tests). With no fort_sender, the
 * From header stands in for the envelope sender; with no fort_rcpt, the
 * To, Cc and Bcc headers stand in for the recipients. */
enum fort_stat fort_feed(struct fort_msg *m, const char *data, size_t len);

#endif
