/* fc: recipient keys (S/MIME store, GnuPG keyring) and encryption. The
 * milter, fortrolig-certs and the bench use this; policy/ sees only the
 * struct fpol_keys lookup. No OpenSSL or GPGME types leak out. */
#ifndef FORTROLIG_FC_H
#define FORTROLIG_FC_H

#include <stddef.h>
#include <stdio.h>

#include "fbuf.h"
#include "fconf.h"
#include "fpolicy.h"

/* Encrypted output: in memory, or in an unlinked 0600 temp file past a
 * threshold. Lines end in CRLF. */
#define FCOUT_SPILLBUF 65536

struct fcout {
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

void fcout_init(struct fcout *o, size_t spill_at);
void fcout_free(struct fcout *o);
int fcout_write(struct fcout *o, const void *p, size_t n);
int fcout_puts(struct fcout *o, const char *s);
/* Reads the output from the start in chunks: returns bytes read, 0 at the
 * end, -1 on error. Call fcout_rewind first. */
int fcout_rewind(struct fcout *o);
long fcout_read(struct fcout *o, char *buf, size_t n, size_t *pos);

/* One lookup context per message: the stores are loaded on first use. */
struct fcerts;
struct fcerts *fcerts_new(const struct fconf *c);
void fcerts_free(struct fcerts *fc);
void fcerts_keys(struct fcerts *fc, struct fpol_keys *out);
/* The last store error (the key lookup returned -1). */
const char *fcerts_error(const struct fcerts *fc);

/* Encrypts the message raw (headers, CRLF, body) for the verdict's
 * recipients of kind v->enc. out gets the new body and outer headers.
 * Returns 0, or -1 with err set. */
int fcerts_encrypt(struct fcerts *fc, const struct fpol_verdict *v, const char *sender,
    const char *raw, size_t len, struct fcout *out, char *err, size_t errlen);

/* The inner MIME entity's header block: the Content-* headers of raw, plus
 * protected headers (Thunderbird protected-headers="v1") when protect.
 * *body points into raw past the blank line. */
int fc_inner_headers(const char *raw, size_t len, int protect, struct fbuf *hdr,
    const char **body, size_t *blen);
/* A header value as an RFC 2047 encoded word when it is not plain ASCII. */
int fc_encode_header(const char *s, struct fbuf *out);

/* S/MIME store: an S/MIME certificate usable for addr? 1/0/-1 */
struct fc_store;
struct fc_store *fc_store_load(const char *dir, const char *ca_file, char *err, size_t errlen);
void fc_store_free(struct fc_store *st);

#endif
