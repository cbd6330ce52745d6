/* quote: split a text body into what the member wrote and the quoted thread. */
#ifndef FORTROLIG_FQUOTE_H
#define FORTROLIG_FQUOTE_H

#include <stddef.h>

#include "base/buffer.h"

/* Appends authored lines to *authored and quoted lines (markers removed) to *quoted. */
int fquote_split(const char *text, size_t len, struct fbuf *authored, struct fbuf *quoted);
/* True for a line that opens an earlier message: Outlook blocks, forwards. */
int fquote_is_opener(const char *line, size_t len, const char *next, size_t nlen);
/* True for an attribution ("Den ... skrev Anne Holm <a@x.dk>:", "On ... wrote:"),
 * also one that Gmail wrapped onto the next line. */
int fquote_is_attribution(const char *line, size_t len, const char *next, size_t nlen);

#endif
