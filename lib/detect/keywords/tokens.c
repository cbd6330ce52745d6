/* tokens: the words of a keyword-scan buffer; see detect/keywords/tokens.h. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "detect/keywords/tokens.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The word holding byte p, walking out to the blanks. */
static struct fkw_tok_word
walk_at(const char *cb, size_t p)
{
	struct fkw_tok_word t;
	size_t e = p;

	while (cb[p - 1] != ' ')
		p--;
	while (cb[e] != ' ')
		e++;
	t.s = p;
	t.len = e - p;
	t.k = 0;
	return t;
}

/* The next word after t, or len 0 at the end. */
struct fkw_tok_word
fkw_tok_walk_next(const struct fkw_tok *tk, struct fkw_tok_word t)
{
	size_t p = t.s + t.len;
	struct fkw_tok_word z = { tk->n, 0, 0 };

	while (p < tk->n && tk->cb[p] == ' ')
		p++;
	return p < tk->n ? walk_at(tk->cb, p) : z;
}

/* The word before t, or len 0 at the start. */
struct fkw_tok_word
fkw_tok_walk_prev(const struct fkw_tok *tk, struct fkw_tok_word t)
{
	size_t p = t.s;
	struct fkw_tok_word z = { 0, 0, 0 };

	while (p > 0 && tk->cb[p - 1] == ' ')
		p--;
	return p > 0 ? walk_at(tk->cb, p - 1) : z;
}

/* Hits come in text order, so the search gallops on from the last one
 * instead of halving the whole array each time. */
struct fkw_tok_word
fkw_tok_of(const struct fkw_tok *tk, size_t p, size_t from)
{
	size_t lo = from, hi, step = 1;

	if (tk->nt == 0)
		return walk_at(tk->cb, p);
	if (lo >= tk->nt || tk->ts[lo] > p)
		lo = 0;
	while (lo + step < tk->nt && tk->ts[lo + step] <= p) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < tk->nt ? lo + step : tk->nt;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tk->ts[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return fkw_tok_k(tk, lo);
}

size_t
fkw_tok_count(const char *cb, size_t from, size_t to)
{
	size_t n = 0, i = from;

#if defined(__SSE2__)
	/* Per-byte counters (a match is -1), summed before any can wrap. */
	const __m128i sp = _mm_set1_epi8(' ');
	while (i + 16 <= to) {
		__m128i acc = _mm_setzero_si128();
		for (int r = 0; r < 255 && i + 16 <= to; r++, i += 16) {
			__m128i prev = _mm_loadu_si128((const __m128i *)(const void *)(cb + i - 1));
			__m128i cur = _mm_loadu_si128((const __m128i *)(const void *)(cb + i));
			acc = _mm_sub_epi8(acc, _mm_andnot_si128(_mm_cmpeq_epi8(cur, sp),
			    _mm_cmpeq_epi8(prev, sp)));
		}
		acc = _mm_sad_epu8(acc, _mm_setzero_si128());
		n += (size_t)_mm_cvtsi128_si32(acc) + (size_t)_mm_extract_epi16(acc, 4);
	}
#endif
	for (; i < to; i++)
		n += (cb[i - 1] == ' ') & (cb[i] != ' ');
	return n;
}

#if defined(__SSE2__)
/* Word starts (blank before, letter here) of cb[i, i + 64) as a bit mask. */
static uint64_t
starts64(const char *cb, size_t i)
{
	const __m128i sp = _mm_set1_epi8(' ');
	uint64_t m = 0;

	for (int k = 0; k < 4; k++) {
		const char *p = cb + i + 16 * (size_t)k;
		__m128i bp = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p - 1)), sp);
		__m128i bc = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), sp);
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_andnot_si128(bc, bp)) << (16 * k);
	}
	return m;
}

/* The set bits of m as offsets from base into out; returns their count.
 * Eight are written at a time whether set or not (out has room): a loop per
 * bit mispredicts on every block. */
static size_t
flatten(size_t *out, size_t base, uint64_t m)
{
	/* Bit count in registers: without -mpopcnt the builtin is a call. */
	uint64_t c = m - ((m >> 1) & 0x5555555555555555ull);
	size_t n;

	c = (c & 0x3333333333333333ull) + ((c >> 2) & 0x3333333333333333ull);
	c = (c + (c >> 4)) & 0x0f0f0f0f0f0f0f0full;
	n = (size_t)((c * 0x0101010101010101ull) >> 56);

	for (size_t done = 0; done < n; done += 8)
		for (int k = 0; k < 8; k++) {
			out[done + (size_t)k] = base + (size_t)__builtin_ctzll(m | (1ull << 63));
			m &= m - 1;
		}
	return n;
}
#endif

/* Every word's start at once, for the segments where many words are looked
 * at (a category could count): walking byte by byte costs more. Ends are
 * found from the next start (fkw_tok_end). */
int
fkw_tok_build(struct fkw_tok *tk)
{
	const char *cb = tk->cb;
	/* + 64: flatten() writes up to 7 slots past the last word. */
	size_t n = tk->n, i = 1, ks = 0, cap = n / 2 + 1 + 64;

	if (tk->ts)
		return 0;
	if ((tk->ts = malloc(cap * sizeof(size_t))) == NULL)
		return -1;
#if defined(__SSE2__)
	for (; i + 64 <= n; i += 64)
		ks += flatten(tk->ts + ks, i, starts64(cb, i));
#endif
	for (; i < n; i++)
		if (cb[i - 1] == ' ' && cb[i] != ' ')
			tk->ts[ks++] = i;
	tk->nt = ks;
	return 0;
}

void
fkw_tok_free(struct fkw_tok *tk)
{
	free(tk->ts);
	tk->ts = NULL;
	tk->nt = 0;
}
