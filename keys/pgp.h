/* pgp: the GnuPG keyring through GPGME. Internal to keys/. */
#ifndef FORTROLIG_FC_PGP_H
#define FORTROLIG_FC_PGP_H

#include <gpgme.h>

#include "keys/keys.h"

/* A context on the dedicated home; NULL with err set. */
gpgme_ctx_t fkeys_pgp_ctx(const char *home, char *err, size_t errlen);
/* The newest usable key for addr (caller unrefs), or NULL with why. -1 in
 * *fail on an engine error. */
gpgme_key_t fkeys_pgp_find(gpgme_ctx_t ctx, const char *addr, char *why, size_t whylen, int *fail);
/* Whether one key can be used, and why not. */
int fkeys_pgp_key_usable(gpgme_key_t k, char *why, size_t whylen);
/* PGP/MIME (RFC 3156) of the inner entity hdr+body into out. */
int fkeys_pgp_encrypt(gpgme_ctx_t ctx, gpgme_key_t *keys, const struct fbuf *hdr,
    const char *body, size_t blen, struct fkeys_out *out, char *err, size_t errlen);

#endif
