/* signoff: signatures and standard confidentiality disclaimers. Text inside
 * them never counts as a marking or as a keyword hit. */
#ifndef FORTROLIG_FSIG_H
#define FORTROLIG_FSIG_H

#include <stddef.h>

struct fsignoff_range {
	size_t s, e;   /* byte range [s, e) of the text */
};

/* Zero it before the first fsignoff_find; fsignoff_free releases it. A long thread
 * has a signature per message: there is no fixed limit. */
struct fsig {
	struct fsignoff_range *r;
	size_t n, cap;
};

/* Finds the signature and disclaimer ranges of a segment's text. When
 * memory runs out a range is left out: its words then count like any
 * others (fail closed), never the other way round. */
void fsignoff_find(const char *text, size_t len, struct fsig *out);
void fsignoff_free(struct fsig *g);
/* The same with the disclaimer phrases already found (one Vectorscan pass):
 * at[i] is where phrase[i] may start, sorted by at; each is checked here. */
struct fsignoff_cand {
	size_t at, phrase;
};
void fsignoff_find_cand(const char *text, size_t len, const struct fsignoff_cand *c, size_t nc,
    struct fsig *out);
/* The disclaimer phrases (ASCII, lower-case), for building that pass. */
const char *const *fsignoff_phrases(size_t *n);
/* The closing phrases (apps 0) or the app lines (apps 1), for tests. */
const char *const *fsignoff_closings(int apps, size_t *n);
/* True when byte offset off lies in one of the ranges (which fsignoff_find
 * leaves sorted and disjoint: a binary search). */
int fsignoff_covers(const struct fsig *g, size_t off);
/* True when the paragraph text[s, e) reads as a confidentiality disclaimer. */
int fsignoff_is_disclaimer(const char *text, size_t s, size_t e);

#endif
