/* fkwset: a fixed set of short byte strings (the exclusion list, the name
 * stop words) with O(1) membership: open addressing on an FNV-1a hash. */
#ifndef FORTROLIG_FKWSET_H
#define FORTROLIG_FKWSET_H

#include <stddef.h>

struct fkwset;

struct fkwset *fkwset_new(void);
void fkwset_free(struct fkwset *s);
/* Copies w; adding a word twice keeps one. Returns -1 when out of memory. */
int fkwset_add(struct fkwset *s, const char *w, size_t n);
int fkwset_has(const struct fkwset *s, const char *w, size_t n);
size_t fkwset_count(const struct fkwset *s);

#endif
