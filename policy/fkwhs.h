/* fkwhs: the keyword dictionary as one Vectorscan literal database. Each
 * entry's first word is reduced to a root (the shortest listed word that
 * is a prefix of it); a root's hit is handed back once per entry that
 * shares it, and the caller recovers the exact word from the token. */
#ifndef FORTROLIG_FKWHS_H
#define FORTROLIG_FKWHS_H

#include <stddef.h>

struct fkwhs;

/* words[i] (lower-case, len[i] bytes) is entry i's first word. */
struct fkwhs *fkwhs_build(const char *const *words, const size_t *len, size_t n,
    char *err, size_t errlen);
void fkwhs_free(struct fkwhs *h);
size_t fkwhs_roots(const struct fkwhs *h);

/* Calls cb(start, entry, ctx) for each root hit and entry of that root.
 * A non-zero return from cb stops the scan and is returned. Thread-safe:
 * scratch space comes from a pool owned by h. Returns -1 on engine error. */
typedef int (*fkwhs_cb)(size_t start, size_t entry, void *ctx);
int fkwhs_scan(struct fkwhs *h, const char *low, size_t len, fkwhs_cb cb, void *ctx);

#endif
