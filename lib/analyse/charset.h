/* charset: the bytes of a text part or file -> UTF-8, whatever its label.
 * A byte-order mark, then the NUL pattern of UTF-16, overrule the declared
 * charset; bytes that are not valid in the charset are read as
 * windows-1252 rather than dropped. NUL bytes become blanks, so that no
 * C-string user downstream stops early. Nothing is ever cut off. */
#ifndef FORTROLIG_FDECODE_H
#define FORTROLIG_FDECODE_H

#include <stddef.h>

#include "base/buffer.h"

/* charset may be NULL (unknown). Returns 0, or -1 when out is full. */
int fcharset_text(const unsigned char *p, size_t n, const char *charset, struct fbuf *out);

#endif
