/* text_simd: ftext_canon's vector kernels, one block of bytes a step.
 *
 * Letters are ASCII or two bytes (U+00C0..U+024F); every other code point,
 * and every invalid byte, is blanks. So a block folds in a few vector
 * operations when its only letters outside ASCII are C3 pairs (æøå, é, ü:
 * the bulk of Danish text): a C3 and a continuation byte after it are a
 * pair wherever they stand, as C3 cannot continue a code point, and all
 * other high bytes are blanks, whatever they decode to. Only the leads of
 * other letters (C0 C1 C4..C9, overlong E0 and F0: rare) go one code point
 * at a time through ftext_canon_cp. A pair may straddle two blocks: each
 * block looks at the bytes on either side of it. */
#include "config.h"

#include <stdint.h>

#include "base/text_simd.h"

#ifdef FTEXT_HAVE_SSE2
#include <emmintrin.h>
#endif
#ifdef FTEXT_HAVE_AVX2
#include <immintrin.h>
#endif

enum ftext_isa
ftext_isa_best(void)
{
#ifdef FTEXT_HAVE_AVX2
	if (__builtin_cpu_supports("avx2"))
		return FTEXT_AVX2;
#endif
#ifdef FTEXT_HAVE_SSE2
	return FTEXT_SSE2;
#else
	return FTEXT_SCALAR;
#endif
}

#if defined(FTEXT_HAVE_SSE2) || defined(FTEXT_HAVE_AVX2)
/* The leads u (a mask) of the w-byte block at i, one code point at a time,
 * as in a byte-by-byte decode: a lead always starts a code point. Returns
 * where the next block starts. */
static size_t
canon_fix(char *dst, const char *s, size_t len, size_t i, uint32_t u, unsigned w)
{
	while (u) {
		size_t p = i + (size_t)__builtin_ctz(u);
		ftext_canon_cp(dst, s, len, &p);
		if (p - i >= w)
			return p;
		u &= ~((1u << (p - i)) - 1);
	}
	return i + w;
}

/* A kernel ends on a code point boundary, not inside a straddling C3 pair.
 * (Inside a longer code point is fine: that is blanks either way.) */
static size_t
canon_end(char *dst, const char *s, size_t len, size_t i)
{
	if (i > 0 && i < len && (unsigned char)s[i - 1] == 0xc3 &&
	    ((unsigned char)s[i] & 0xc0) == 0x80) {
		i--;
		ftext_canon_cp(dst, s, len, &i);
	}
	return i;
}
#endif

#ifdef FTEXT_HAVE_SSE2
/* ASCII letters lower-cased, digits kept, every other byte (>= 0x80 too)
 * a blank. The wrapping adds move 'a'..'z' and '0'..'9' to the bottom of
 * the signed range, where one compare finds them. */
static inline __m128i
ascii16(__m128i v)
{
	__m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lo, _mm_set1_epi8(128 - 'a')),
	    _mm_set1_epi8(-128 + 26));
	__m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(128 - '0')),
	    _mm_set1_epi8(-128 + 10));

	/* lo has the blank's bit; digits have it already. */
	return _mm_and_si128(lo, _mm_or_si128(_mm_or_si128(alpha, digit), _mm_set1_epi8(0x20)));
}

/* Mask of the bytes of x that end a C3 pair and fold: 80..BF, but not 97
 * and B7 (× and ÷ are blanks). */
static inline __m128i
fold16(__m128i x)
{
	return _mm_andnot_si128(
	    _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8((char)0xb7)),
	    _mm_cmplt_epi8(x, _mm_set1_epi8((char)0xc0)));
}

/* Mask of the leads of letters left to canon_fix: C0..C9 but C2 and C3,
 * and E0 or F0 before 80..89 (only so can they spell U+024F or below).
 * C0 and 8A are constants of fold16 and ascii16 again: with fewer
 * constants than registers, the block loop reloads none. */
static inline __m128i
slow16(__m128i v, __m128i vn)
{
	__m128i two = _mm_andnot_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc2)),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc3))),
	    _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)0xc0)), _mm_set1_epi8((char)0x8a)));
	__m128i more = _mm_and_si128(
	    _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xef)), _mm_set1_epi8((char)0xe0)),
	    _mm_cmplt_epi8(vn, _mm_set1_epi8((char)0x8a)));

	return _mm_or_si128(two, more);
}

/* The 16 bytes at i into dst, vp and vn the same bytes one back and one on;
 * returns the leads left to canon_fix. A C3 pair keeps its lead and folds
 * its second byte (80..9E gain 0x20); other high bytes are blanks. */
static inline uint32_t
block16(char *dst, const char *s, size_t i, __m128i vp, __m128i vn)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
	__m128i c3 = _mm_set1_epi8((char)0xc3);
	__m128i keep = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v, c3), fold16(vn)),
	    _mm_and_si128(_mm_cmpeq_epi8(vp, c3), fold16(v)));
	__m128i upper = _mm_cmplt_epi8(v, _mm_set1_epi8((char)0x9f));
	__m128i folded = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));

	_mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_or_si128(
	    _mm_and_si128(keep, folded), _mm_andnot_si128(keep, ascii16(v))));
	return (uint32_t)_mm_movemask_epi8(slow16(v, vn));
}

/* Blocks from i until one has leads for canon_fix (*u) or the end. Apart
 * from the fallback, so that the constants stay in registers. */
static __attribute__((noinline)) size_t
run16(char *dst, const char *s, size_t len, size_t i, uint32_t *u)
{
	uint32_t slow = 0;

	for (; i + 17 <= len; i += 16) {
		__m128i vp = _mm_loadu_si128((const __m128i *)(const void *)(s + i - 1));
		__m128i vn = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
		if ((slow = block16(dst, s, i, vp, vn)) != 0)
			break;
	}
	*u = slow;   /* not in the loop: dst may alias it, as far as the compiler knows */
	return i;
}

size_t
ftext_canon_sse2(char *dst, const char *s, size_t len)
{
	size_t i;
	uint32_t u;

	/* Every block needs a byte after it; the first has none before it. */
	if (len < 17)
		return 0;
	{
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i vn = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
		u = block16(dst, s, 0, _mm_slli_si128(v, 1), vn);
		i = canon_fix(dst, s, len, 0, u, 16);
	}
	while ((i = run16(dst, s, len, i, &u)) + 17 <= len)
		i = canon_fix(dst, s, len, i, u, 16);
	return canon_end(dst, s, len, i);
}
#endif

#ifdef FTEXT_HAVE_AVX2
#define AVX2 __attribute__((target("avx2")))

/* As ascii16. */
static inline AVX2 __m256i
ascii32(__m256i v)
{
	__m256i lo = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
	__m256i alpha = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 26),
	    _mm256_add_epi8(lo, _mm256_set1_epi8(128 - 'a')));
	__m256i digit = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 10),
	    _mm256_add_epi8(v, _mm256_set1_epi8(128 - '0')));

	return _mm256_and_si256(lo, _mm256_or_si256(_mm256_or_si256(alpha, digit),
	    _mm256_set1_epi8(0x20)));
}

/* As fold16. */
static inline AVX2 __m256i
fold32(__m256i x)
{
	return _mm256_andnot_si256(
	    _mm256_cmpeq_epi8(_mm256_or_si256(x, _mm256_set1_epi8(0x20)),
	    _mm256_set1_epi8((char)0xb7)),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xc0), x));
}

/* As slow16. */
static inline AVX2 __m256i
slow32(__m256i v, __m256i vn)
{
	__m256i two = _mm256_andnot_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xc2)),
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xc3))),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0x8a),
	    _mm256_add_epi8(v, _mm256_set1_epi8((char)0xc0))));
	__m256i more = _mm256_and_si256(
	    _mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8((char)0xef)),
	    _mm256_set1_epi8((char)0xe0)),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0x8a), vn));

	return _mm256_or_si256(two, more);
}

/* As block16. */
static inline AVX2 uint32_t
block32(char *dst, const char *s, size_t i, __m256i vp, __m256i vn)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
	__m256i c3 = _mm256_set1_epi8((char)0xc3);
	__m256i keep = _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v, c3), fold32(vn)),
	    _mm256_and_si256(_mm256_cmpeq_epi8(vp, c3), fold32(v)));
	__m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0x9f), v);
	__m256i folded = _mm256_add_epi8(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20)));

	_mm256_storeu_si256((__m256i *)(void *)(dst + i),
	    _mm256_blendv_epi8(ascii32(v), folded, keep));
	return (uint32_t)_mm256_movemask_epi8(slow32(v, vn));
}

/* As run16. */
static AVX2 __attribute__((noinline)) size_t
run32(char *dst, const char *s, size_t len, size_t i, uint32_t *u)
{
	uint32_t slow = 0;

	for (; i + 33 <= len; i += 32) {
		__m256i vp = _mm256_loadu_si256((const __m256i *)(const void *)(s + i - 1));
		__m256i vn = _mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1));
		if ((slow = block32(dst, s, i, vp, vn)) != 0)
			break;
	}
	*u = slow;
	return i;
}

/* x one byte up (byte j gets byte j - 1, byte 0 a zero), across the lanes. */
static inline AVX2 __m256i
up1(__m256i x)
{
	return _mm256_alignr_epi8(x, _mm256_permute2x128_si256(x, x, 0x08), 15);
}

AVX2 size_t
ftext_canon_avx2(char *dst, const char *s, size_t len)
{
	size_t i;
	uint32_t u;

	if (len < 33)
		return 0;
	{
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)s);
		__m256i vn = _mm256_loadu_si256((const __m256i *)(const void *)(s + 1));
		u = block32(dst, s, 0, up1(v), vn);
		i = canon_fix(dst, s, len, 0, u, 32);
	}
	while ((i = run32(dst, s, len, i, &u)) + 33 <= len)
		i = canon_fix(dst, s, len, i, u, 32);
	return canon_end(dst, s, len, i);
}
#endif
