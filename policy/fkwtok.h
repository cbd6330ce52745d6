/* fkwtok: the words of a keyword-scan buffer (ftext_canon text with a
 * blank at both ends, words between blanks). A word is found by walking
 * from a byte, or all of them at once into a token array when many are
 * looked at. Internal to the keyword scanner. */
#ifndef FORTROLIG_FKWTOK_H
#define FORTROLIG_FKWTOK_H

#include <stddef.h>

/* A word: cb[s, s + len), s - 1 in the original text; len 0: none. */
struct fkwtok_word {
	size_t s, len;
	size_t k;          /* its index, when the token array is built */
};

/* The buffer and, once built, the start of every word. Zero ts and nt
 * before the first fkwtok_build; fkwtok_free releases the array. */
struct fkwtok {
	const char *cb;
	size_t n;          /* bytes of cb */
	size_t *ts;        /* word k starts at cb[ts[k]] */
	size_t nt;         /* 0: not built (words are found by walking) */
};

/* Builds the token array (once); -1 when out of memory. */
int fkwtok_build(struct fkwtok *tk);
void fkwtok_free(struct fkwtok *tk);

/* The word holding byte p (a letter of cb); from is a word at or before
 * it, or 0. Walks without the array. */
struct fkwtok_word fkwtok_of(const struct fkwtok *tk, size_t p, size_t from);
/* The words around t by walking (no array). */
struct fkwtok_word fkwtok_walk_next(const struct fkwtok *tk, struct fkwtok_word t);
struct fkwtok_word fkwtok_walk_prev(const struct fkwtok *tk, struct fkwtok_word t);
/* Word starts in cb[from, to): the token index distance. */
size_t fkwtok_count(const char *cb, size_t from, size_t to);

/* Inline: the scan asks for neighbouring words all the time. */

/* The end of word k (k < nt): back from the next word's start over the
 * blanks, mostly one. */
static inline size_t
fkwtok_end(const struct fkwtok *tk, size_t k)
{
	size_t e = k + 1 < tk->nt ? tk->ts[k + 1] : tk->n;

	while (tk->cb[e - 1] == ' ')
		e--;
	return e;
}

/* Word k of the token array, or len 0 past its ends. */
static inline struct fkwtok_word
fkwtok_k(const struct fkwtok *tk, size_t k)
{
	struct fkwtok_word t = { tk->n, 0, k };

	if (k < tk->nt) {
		t.s = tk->ts[k];
		t.len = fkwtok_end(tk, k) - tk->ts[k];
	}
	return t;
}

static inline struct fkwtok_word
fkwtok_next(const struct fkwtok *tk, struct fkwtok_word t)
{
	return tk->nt ? fkwtok_k(tk, t.k + 1) : fkwtok_walk_next(tk, t);
}

static inline struct fkwtok_word
fkwtok_prev(const struct fkwtok *tk, struct fkwtok_word t)
{
	struct fkwtok_word z = { 0, 0, 0 };

	if (tk->nt == 0)
		return fkwtok_walk_prev(tk, t);
	return t.k > 0 ? fkwtok_k(tk, t.k - 1) : z;
}

#endif
