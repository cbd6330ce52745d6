/* ftext_simd: ftext_canon's vector kernels, one block of bytes a step. */
#include "config.h"

#include "ftext_simd.h"

#ifdef FTEXT_HAVE_SSE2
#include <emmintrin.h>
#endif

enum ftext_isa
ftext_isa_best(void)
{
#ifdef FTEXT_HAVE_SSE2
	return FTEXT_SSE2;
#else
	return FTEXT_SCALAR;
#endif
}

#ifdef FTEXT_HAVE_SSE2
/* 16 ASCII bytes at once: letters lower-cased, digits kept, the rest blank
 * (bytes >= 0x80 too: the caller redoes those one code point at a time). */
static __m128i
canon16(__m128i v)
{
	__m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i a = _mm_sub_epi8(lo, _mm_set1_epi8('a'));
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	__m128i alpha = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(25)), a);
	__m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
	__m128i keep = _mm_or_si128(_mm_and_si128(alpha, lo), _mm_and_si128(digit, v));

	return _mm_or_si128(keep, _mm_andnot_si128(_mm_or_si128(alpha, digit),
	    _mm_set1_epi8(' ')));
}

size_t
ftext_canon_sse2(char *dst, const char *s, size_t len)
{
	size_t i = 0;

	while (i + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned hi = (unsigned)_mm_movemask_epi8(v);
		size_t next = i + 16;
		_mm_storeu_si128((__m128i *)(void *)(dst + i), canon16(v));
		/* Each high byte not eaten by the one before starts a code point,
		 * exactly as in a byte-by-byte decode. */
		while (hi) {
			size_t p = i + (size_t)__builtin_ctz(hi);
			ftext_canon_cp(dst, s, len, &p);
			if (p - i >= 16) {
				next = p;
				break;
			}
			hi &= ~((1u << (p - i)) - 1);
		}
		i = next;
	}
	return i;
}
#endif
