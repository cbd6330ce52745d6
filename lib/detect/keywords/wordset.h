/* wordset: a fixed set of short byte strings (the exclusion list, the name
 * stop words) with O(1) membership: open addressing on an FNV-1a hash. */
#ifndef FORTROLIG_FKWSET_H
#define FORTROLIG_FKWSET_H

#include <stddef.h>

struct fkw_set;

struct fkw_set *fkw_set_new(void);
void fkw_set_free(struct fkw_set *s);
/* Copies w; adding a word twice keeps one. Returns -1 when out of memory. */
int fkw_set_add(struct fkw_set *s, const char *w, size_t n);
int fkw_set_has(const struct fkw_set *s, const char *w, size_t n);
size_t fkw_set_count(const struct fkw_set *s);

#endif
