/* keys: recipient keys (S/MIME store, GnuPG keyring) and encryption. The
 * milter, fortrolig-certs and the bench use this; lib/ sees only
 * struct fort_keys_ops. No OpenSSL or GPGME types leak out. */
#ifndef FORTROLIG_FC_H
#define FORTROLIG_FC_H

#include <stddef.h>
#include <stdio.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "decide/decide.h"
#include "decide/keys.h"

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

/* The key-store backends (lib/decide/keys.h): one instance per kind,
 * and all of them, NULL-terminated, for fort_lib_opts.keys. */
extern const struct fort_keys_ops fkeys_smime_ops;
extern const struct fort_keys_ops fkeys_pgp_ops;
extern const struct fort_keys_ops *const fkeys_all_ops[];

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
