/* keys: recipient keys (S/MIME store, GnuPG keyring) and encryption. The
 * milter, fortrolig-certs and the bench use this; lib/ sees only the
 * struct fpol_keys lookup. No OpenSSL or GPGME types leak out. */
#ifndef FORTROLIG_FC_H
#define FORTROLIG_FC_H

#include <stddef.h>
#include <stdio.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "decide/decide.h"

/* Encrypted output: in memory, or in an unlinked 0600 temp file past a
 * threshold. Lines end in CRLF. */
#define FKEYS_OUT_SPILLBUF 65536

struct fkeys_out {
	struct fbuf mem;
	FILE *spill;
	char *spillbuf;       /* stdio buffer of spill, freed after it */
	size_t len;
	size_t spill_at;
	int crlf;             /* translate bare LF to CRLF on write */
	int last_cr;
	char ctype[256];      /* outer Content-Type */
	char cte[16];         /* outer Content-Transfer-Encoding, or "" */
	char disp[64];        /* outer Content-Disposition, or "" */
};

void fkeys_out_init(struct fkeys_out *o, size_t spill_at);
void fkeys_out_free(struct fkeys_out *o);
int fkeys_out_write(struct fkeys_out *o, const void *p, size_t n);
int fkeys_out_puts(struct fkeys_out *o, const char *s);
/* Reads the output from the start in chunks: returns bytes read, 0 at the
 * end, -1 on error. Call fkeys_out_rewind first. */
int fkeys_out_rewind(struct fkeys_out *o);
long fkeys_out_read(struct fkeys_out *o, char *buf, size_t n, size_t *pos);

/* One lookup context per message: the stores are loaded on first use. */
struct fkeys;
struct fkeys *fkeys_new(const struct fconf *c);
void fkeys_free(struct fkeys *fc);
void fkeys_keys(struct fkeys *fc, struct fpol_keys *out);
/* The last store error (the key lookup returned -1). */
const char *fkeys_error(const struct fkeys *fc);

/* Encrypts the message raw (headers, CRLF, body) for the verdict's
 * recipients of kind v->enc. out gets the new body and outer headers.
 * Returns 0, or -1 with err set. */
int fkeys_encrypt(struct fkeys *fc, const struct fpol_verdict *v, const char *sender,
    const char *raw, size_t len, struct fkeys_out *out, char *err, size_t errlen);

/* The inner MIME entity's header block: the Content-* headers of raw, plus
 * protected headers (Thunderbird protected-headers="v1") when protect.
 * *body points into raw past the blank line. */
int fkeys_inner_headers(const char *raw, size_t len, int protect, struct fbuf *hdr,
    const char **body, size_t *blen);
/* A header value as an RFC 2047 encoded word when it is not plain ASCII. */
int fkeys_encode_header(const char *s, struct fbuf *out);

/* S/MIME store: an S/MIME certificate usable for addr? 1/0/-1 */
struct fkeys_store;
struct fkeys_store *fkeys_store_load(const char *dir, const char *ca_file, char *err, size_t errlen);
void fkeys_store_free(struct fkeys_store *st);

#endif
