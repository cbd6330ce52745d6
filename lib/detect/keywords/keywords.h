/* keywords: the keyword dictionary loaded from IT's word lists. */
#ifndef FORTROLIG_FKW_H
#define FORTROLIG_FKW_H

#include <stddef.h>

struct fkw_dict;

/* Loads DIR/{health,criminal,social,private,exclude,person}.txt.
 * On error returns NULL and writes "file:line: message". */
struct fkw_dict *fkw_dict_load(const char *dir, char *err, size_t errlen);
void fkw_dict_free(struct fkw_dict *d);
size_t fkw_dict_size(const struct fkw_dict *d);
/* Raw engine pass over lower-cased text (for bench/): root hits in *hits. */
int fkw_dict_engine_scan(const struct fkw_dict *d, const char *low, size_t len, size_t *hits);

#endif
