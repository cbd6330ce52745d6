/* address: mail addresses parsed by RFC 5321 (Path, Mailbox) and RFC 5322
 * (addr-spec), and normalised so that one address has one spelling:
 * brackets, source route and a trailing dot in the domain removed, the
 * domain lower-cased and IDNA-encoded (A-labels), a quoted local part
 * unquoted when it is a plain dot-atom. */
#ifndef FORTROLIG_FADDR_H
#define FORTROLIG_FADDR_H

#include <stddef.h>

#define FADDR_MAX 320

struct faddr {
	char norm[FADDR_MAX];      /* "local@domain", or "" for the null path <> */
	const char *domain;        /* into norm, after the '@' ("" for <>) */
};

/* 0 with *a filled, or -1 when s is not an address (a is then empty).
 * "<>" parses, as the null reverse-path. */
int faddr_parse(const char *s, struct faddr *a);
/* A domain name (or "*.suffix" pattern) normalised as faddr_parse does:
 * lower case, A-labels, no trailing dot. 0, or -1 when it is not one. */
int faddr_domain_norm(const char *in, char *out, size_t outlen);

#endif
