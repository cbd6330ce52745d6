/* tlsmap: the MTA's TLS policy map, read from its source text (not the
 * .db), and the one question fortrolig asks of it: does the MTA demand
 * verified TLS for all mail to this domain? A "tls" action is used only
 * when it does (tls_policy_map in fortrolig.conf). */
#ifndef FORTROLIG_TLSMAP_H
#define FORTROLIG_TLSMAP_H

#include <stddef.h>

enum ftlsmap_format { FTLSMAP_POSTFIX, FTLSMAP_SENDMAIL };

struct ftlsmap;
struct fconf;

/* The map file: NULL when it cannot be read (err says why). */
struct ftlsmap *ftlsmap_load(const char *path, enum ftlsmap_format fmt, char *err,
    size_t errlen);
/* The same from text in memory (the tests). */
struct ftlsmap *ftlsmap_parse(const char *text, size_t len, enum ftlsmap_format fmt);
void ftlsmap_free(struct ftlsmap *m);
size_t ftlsmap_count(const struct ftlsmap *m);

/* 1 when the entry the MTA would apply to mail for domain (lower case,
 * A-labels) demands verified TLS, else 0 and why says what was found. */
int ftlsmap_covers(const struct ftlsmap *m, const char *domain, char *why, size_t whylen);
/* The same for a rule's match: "example.dk", "*.example.dk" (a subdomain
 * without an entry of its own) or "*" (a domain without an entry). */
int ftlsmap_covers_match(const struct ftlsmap *m, const char *match, char *why,
    size_t whylen);

/* The decision's question: tls is usable for domain. Without
 * tls_policy_map every domain is (the admin vouches for the MTA); with it,
 * only a covered one, and none when the map could not be read. */
int ftlsmap_enforced(const struct fconf *c, const char *domain, char *why, size_t whylen);
/* Calls warn once per problem: the map unreadable (once), or each rule
 * listing tls that the map does not cover. Returns the number of calls. */
size_t ftlsmap_check(const struct fconf *c, void (*warn)(void *arg, const char *msg),
    void *arg);

#endif
