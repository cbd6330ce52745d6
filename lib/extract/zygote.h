/* zygote: the single-threaded process extractors are forked from (zygote.c). */
#ifndef FORTROLIG_FZYG_H
#define FORTROLIG_FZYG_H

#include <stddef.h>
#include <sys/types.h>

#include "extract/extract.h"

/* Starts an extraction of kind k: the attachment is the n bytes of the file
 * in, the output (sandbox.c's format) goes to out. The caller keeps and
 * closes both. -1: no zygote could be started or reached. */
int fzyg_submit(enum fextract_kind k, int in, size_t n, const struct fextract_limits *l, int out);
/* The running zygote's pid (0: none), for tests. */
pid_t fzyg_pid(void);
/* Ends the zygote (at library shutdown); a later submit starts a new one. */
void fzyg_stop(void);

#endif
