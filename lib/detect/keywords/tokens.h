/* tokens: the words of a keyword-scan buffer (ftext_canon text with a
 * blank at both ends, words between blanks). A word is found by walking
 * from a byte, or all of them at once into a token array when many are
 * looked at. Internal to the keyword scanner. */
#ifndef FORTROLIG_FKWTOK_H
#define FORTROLIG_FKWTOK_H

#include <stddef.h>

/* A word: cb[s, s + len), s - 1 in the original text; len 0: none. */
struct fkw_tok_word {
	size_t s, len;
	size_t k;          /* its index, when the token array is built */
};

/* The buffer and, once built, the start of every word. Zero ts and nt
 * before the first fkw_tok_build; fkw_tok_free releases the array. */
struct fkw_tok {
	const char *cb;
	size_t n;          /* bytes of cb */
	size_t *ts;        /* word k starts at cb[ts[k]] */
	size_t nt;         /* 0: not built (words are found by walking) */
};

/* Builds the token array (once); -1 when out of memory. */
int fkw_tok_build(struct fkw_tok *tk);
void fkw_tok_free(struct fkw_tok *tk);

/* The word holding byte p (a letter of cb); from is a word at or before
 * it, or 0. Walks without the array. */
struct fkw_tok_word fkw_tok_of(const struct fkw_tok *tk, size_t p, size_t from);
/* The words around t by walking (no array). */
struct fkw_tok_word fkw_tok_walk_next(const struct fkw_tok *tk, struct fkw_tok_word t);
struct fkw_tok_word fkw_tok_walk_prev(const struct fkw_tok *tk, struct fkw_tok_word t);
/* Word starts in cb[from, to): the token index distance. */
size_t fkw_tok_count(const char *cb, size_t from, size_t to);

/* Inline: the scan asks for neighbouring words all the time. */

/* The end of word k (k < nt): back from the next word's start over the
 * blanks, mostly one. */
static inline size_t
fkw_tok_end(const struct fkw_tok *tk, size_t k)
{
	size_t e = k + 1 < tk->nt ? tk->ts[k + 1] : tk->n;

	while (tk->cb[e - 1] == ' ')
		e--;
	return e;
}

/* Word k of the token array, or len 0 past its ends. */
static inline struct fkw_tok_word
fkw_tok_k(const struct fkw_tok *tk, size_t k)
{
	struct fkw_tok_word t = { tk->n, 0, k };

	if (k < tk->nt) {
		t.s = tk->ts[k];
		t.len = fkw_tok_end(tk, k) - tk->ts[k];
	}
	return t;
}

static inline struct fkw_tok_word
fkw_tok_next(const struct fkw_tok *tk, struct fkw_tok_word t)
{
	return tk->nt ? fkw_tok_k(tk, t.k + 1) : fkw_tok_walk_next(tk, t);
}

static inline struct fkw_tok_word
fkw_tok_prev(const struct fkw_tok *tk, struct fkw_tok_word t)
{
	struct fkw_tok_word z = { 0, 0, 0 };

	if (tk->nt == 0)
		return fkw_tok_walk_prev(tk, t);
	return t.k > 0 ? fkw_tok_k(tk, t.k - 1) : z;
}

#endif
