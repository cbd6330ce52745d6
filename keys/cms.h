/* cms: S/MIME EnvelopedData / AuthEnvelopedData. Internal to keys/. */
#ifndef FORTROLIG_FC_CMS_H
#define FORTROLIG_FC_CMS_H

#include <openssl/x509.h>

#include "keys/keys.h"

struct fkeys_cms_opts {
	int gcm;          /* AES-256-GCM AuthEnvelopedData, else AES-256-CBC */
	int rsa_oaep;     /* RSA recipients with OAEP padding */
};

/* One envelope for all certs; the inner entity hdr+body is streamed
 * through the encoder into out as base64 lines with CRLF. */
int fkeys_cms_encrypt(STACK_OF(X509) *certs, const struct fkeys_cms_opts *o,
    const struct fbuf *hdr, const char *body, size_t blen, struct fkeys_out *out,
    char *err, size_t errlen);

#endif
