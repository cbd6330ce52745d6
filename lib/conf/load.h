/* load: what config.c and rules.c share while a file is read. Not part of
 * the library's interface. */
#ifndef FORTROLIG_FCONF_LOAD_H
#define FORTROLIG_FCONF_LOAD_H

#include <libconfig.h>
#include <stddef.h>

#include "conf/config.h"

struct loadctx {
	const char *file;
	char *err;
	size_t errlen;
};

/* Writes "file:line: message" (the line of s, 0 without one); returns -1. */
int fconf_fail(struct loadctx *lc, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *fconf_strdup(const char *s);
/* The index of val in "a|b|c", or -1. */
int fconf_enum_index(const char *names, const char *val);
/* A list of non-empty strings at path (def when absent). */
int fconf_load_list(struct loadctx *lc, const config_t *cfg, const char *path,
    struct fstrlist *l, const char *const *def);
void fconf_free_list(struct fstrlist *l);
/* The domain of an address or pattern in faddr's form, in place. */
int fconf_norm_domain(char **p, int must, struct loadctx *lc, const config_setting_t *at_s,
    const char *path);
/* pat = "*.x": is domain a subdomain of x? */
int fconf_suffix_match(const char *pat, const char *domain);

/* rules.c: domains, data_subject_actions, override. */
int fconf_load_rules(struct loadctx *lc, const config_t *cfg, struct fconf *c);
void fconf_free_rules(struct fconf *c);

#endif
