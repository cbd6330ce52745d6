/* thread: the thread memory. It remembers confidential mail as keyed
 * hashes only (HMAC-SHA256 of the normalised Message-ID, SipHash-2-4-128
 * of winnowed content fingerprints under a key derived from the same
 * secret) and recognises replies to it and quotes of it.
 * One store interface (fstore_ops), two backends: LMDB and Redis. */
#ifndef FORTROLIG_FTHREAD_H
#define FORTROLIG_FTHREAD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "base/types.h"

#define FSTORE_KEYLEN 16        /* stored key: HMAC-SHA256 truncated, or SipHash-128 */
#define FTHR_IDLEN 8            /* entry id: prefix of the Message-ID's HMAC */
#define FTHR_VALLEN 28

/* What one key maps to: the remembered mail it belongs to. */
struct fthr_val {
	uint8_t id[FTHR_IDLEN];
	uint32_t cats;          /* bit set over enum fcat */
	int64_t learned, expires;
};

struct fstore;

/* A backend. get looks up n keys at once: found[i] = 1 and vals[i] set
 * for a live entry. Every function returns 0, or -1 with a reason in err
 * (the store could not answer). */
struct fstore_ops {
	const char *name;
	struct fstore *(*open)(const struct fconf *c, char *err, size_t errlen);
	/* Stores n keys, all with the value v, in one transaction. */
	int (*put)(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
	    const struct fthr_val *v, char *err, size_t errlen);
	int (*get)(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
	    struct fthr_val *vals, int *found, char *err, size_t errlen);
	/* Removes up to max expired entries; returns how many, or -1. */
	int (*purge)(struct fstore *s, int64_t now, int max, char *err, size_t errlen);
	void (*close)(struct fstore *s);
	/* 1 when the store holds any entry, 0 when empty, or -1. */
	int (*any)(struct fstore *s, char *err, size_t errlen);
};

extern const struct fstore_ops fstore_lmdb_ops;
extern const struct fstore_ops fstore_redis_ops;

/* The backend called name (memory/store.c), or NULL ("none", unknown). */
const struct fstore_ops *fstore_lookup(const char *name);
int fstore_known(const char *name);
/* The names this build knows, for error messages. */
const char *fstore_names(void);

void fthr_val_encode(const struct fthr_val *v, uint8_t out[FTHR_VALLEN]);
void fthr_val_decode(const uint8_t in[FTHR_VALLEN], struct fthr_val *v);

/* The memory: a backend, its handle and the HMAC key. Shared by threads. */
struct fthr;

/* NULL with a reason when the store or the key cannot be opened. A
 * config whose store.backend is "none" gives NULL and err "". */
struct fthr *fthr_open(const struct fconf *c, char *err, size_t errlen);
void fthr_close(struct fthr *t);
/* One lookup of a key nobody stored: does the store answer? 0 or -1 (err). */
int fthr_probe(struct fthr *t, char *err, size_t errlen);

/* Reads the key file, creating it (0600, 32 random bytes as hex) when it
 * does not exist. A group- or world-readable key is refused. */
int fthr_key_load(const char *path, uint8_t key[32], char *err, size_t errlen);

/* "<A@B>" -> "a@b": without brackets, blanks and comments, lower-cased.
 * Returns the length, 0 for no usable id. */
size_t fthr_msgid_norm(const char *s, size_t len, char *out, size_t outlen);

/* One thread hit, for --explain: never content. */
struct fthr_hit {
	char id[2 * FTHR_IDLEN + 1];   /* hex prefix of the remembered entry */
	int64_t learned;
	enum fwhere where;
	unsigned cats;
	int hits;                      /* fingerprints in the window, 0 for a header hit */
};

#define FTHR_MAX_TRACE 16

struct fthr_hits {
	struct fthr_hit v[8];
	size_t n;
	/* Every remembered mail the message matched (a reference, or two or
	 * more fingerprints of one segment), for fthr_data_subject. */
	uint8_t ids[FTHR_MAX_TRACE][FTHR_IDLEN];
	size_t nids;
	int ids_over;             /* more than FTHR_MAX_TRACE: nothing is traced */
	int ref_hit;              /* In-Reply-To/References named a remembered mail */
	int quoted_hit;           /* a quoted segment quotes a remembered mail */
};

/* Who supplied a learnt mail (the data subject, as far as the gateway can
 * tell): its normalised envelope sender and From address, kept as keyed
 * hashes with the mail's id, and with each CPR number found in it. */
struct fthr_supply {
	const char *addrs[2];     /* "" or NULL: none */
	const struct ffindings *findings;   /* CPR findings carry their digits */
	const char *subject;      /* decoded Subject, or NULL */
};

/* The thread detector: appends findings (thread + remembered categories).
 * Returns 0, or -1 when the store could not answer (reason in err). */
int fthr_check(struct fthr *t, const struct fconf *c, const struct fmsg *m,
    struct ffindings *out, struct fthr_hits *hits, char *err, size_t errlen);
/* Remembers a confidential mail; sup (or NULL) names who supplied it.
 * Returns 0, or -1 (reason in err). */
int fthr_learn(struct fthr *t, const struct fconf *c, const struct fmsg *m,
    unsigned cats, const struct fthr_supply *sup, char *err, size_t errlen);
/* Is an outbound message a reply to the data subject? Every finding must
 * be traced to remembered mail (thread hits, a quote of it, its subject,
 * or a CPR number it held) and every one of the n external recipients
 * (normalised addresses) must have supplied all of that mail. *yes = 1 or
 * 0; returns 0, or -1 when the store could not answer. */
int fthr_data_subject(struct fthr *t, const struct fmsg *m, const struct ffindings *f,
    const struct fthr_hits *h, const char *const *rcpts, size_t n, int *yes,
    char *err, size_t errlen);
/* "Re: SV: Fw: Subject" -> "subject": the thread's own subject. */
size_t fthr_subject_norm(const char *s, char *out, size_t outlen);

#endif
