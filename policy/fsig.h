/* fsig: signatures and standard confidentiality disclaimers. Text inside
 * them never counts as a marking or as a keyword hit. */
#ifndef FORTROLIG_FSIG_H
#define FORTROLIG_FSIG_H

#include <stddef.h>

#define FSIG_MAX_RANGES 16

struct fsig {
	struct {
		size_t s, e;   /* byte range [s, e) of the text */
	} r[FSIG_MAX_RANGES];
	size_t n;
};

/* Finds the signature and disclaimer ranges of a segment's text. */
void fsig_find(const char *text, size_t len, struct fsig *out);
/* True when byte offset off lies in one of the ranges. */
int fsig_covers(const struct fsig *g, size_t off);
/* True when the paragraph text[s, e) reads as a confidentiality disclaimer. */
int fsig_is_disclaimer(const char *text, size_t s, size_t e);

#endif
