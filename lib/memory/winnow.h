/* winnow: content fingerprints for the thread memory. Text is cleaned
 * (greetings, signatures, disclaimers, header lines dropped), normalised to
 * lower-case words, and k-word grams are hashed and chosen by winnowing
 * (Schleimer, Wilkerson, Aiken: "Winnowing", SIGMOD 2003, as in MOSS). */
#ifndef FORTROLIG_FWINNOW_H
#define FORTROLIG_FWINNOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/buffer.h"

/* Changing either invalidates every stored fingerprint, so they are fixed. */
#define FWIN_K 5          /* words per gram */
#define FWIN_W 4          /* grams per winnowing window */

struct ffp {
	uint64_t h;       /* plain gram hash; the store keeps only a keyed hash of it */
	uint32_t pos;     /* word index of the gram's first word */
};

struct ffps {
	struct ffp *v;
	size_t n, cap;
	size_t words;     /* words in the normalised text */
};

/* Appends the text without greeting, signature, disclaimer and header lines. */
int fwin_clean(const char *text, size_t len, struct fbuf *out);
/* Appends the lower-cased words of text separated by single spaces. */
int fwin_normalise(const char *text, size_t len, struct fbuf *out);
/* fwin_clean + fwin_normalise + winnowing; appends to out. Returns 0 or -1. */
int fwin_fingerprints(const char *text, size_t len, struct ffps *out);
void ffps_free(struct ffps *f);

#endif
