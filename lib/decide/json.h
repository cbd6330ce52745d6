/* json: the one-line JSON verdict that fortrolig-scan prints (DESIGN.md §6). */
#ifndef FORTROLIG_FJSON_H
#define FORTROLIG_FJSON_H

#include "base/buffer.h"
#include "decide/decide.h"

int fjson_string(struct fbuf *out, const char *s);
int fjson_verdict(struct fbuf *out, const char *file, const struct fpol_verdict *v);

#endif
