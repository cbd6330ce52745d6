/* html: HTML to plain text with libxml2; quoted containers get '>' markers. */
#ifndef FORTROLIG_FHTML_H
#define FORTROLIG_FHTML_H

#include <stddef.h>

#include "base/buffer.h"

/* html is UTF-8. Returns 0, or -1 when the document cannot be rendered. */
int fhtml_to_text(const char *html, size_t len, struct fbuf *out);

#endif
