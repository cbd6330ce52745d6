/* phrases: where any of a fixed list of phrases may start, in one pass.
 * A set of the phrases' first eight bytes (ASCII case folded, hashed to 16
 * bits) lets almost every position go after one lookup (four bytes let
 * through every "ikke" and "fort"); the caller then
 * compares its phrases only at the positions this returns. A filter only:
 * every real start is returned, and some that are not. */
#ifndef FORTROLIG_FPHR_H
#define FORTROLIG_FPHR_H

#include <stddef.h>
#include <stdint.h>

#define FPHR_BITS 16
#define FPHR_WINDOW 8

struct fphr {
	uint64_t set[(1u << FPHR_BITS) / 64];
	int any_short;      /* a phrase under FPHR_WINDOW bytes: every position may start one */
};

/* list: NULL-terminated. */
void fphr_build(struct fphr *p, const char *const *list);
/* The first position >= from where a phrase may start in s[0, n); n if none. */
size_t fphr_next(const struct fphr *p, const char *s, size_t n, size_t from);

#endif
