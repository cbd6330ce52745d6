/* text_simd: the vector kernels behind ftext_canon, internal to lib/
 * and its tests. A kernel folds whole blocks and returns where it stopped,
 * always at a code point boundary; the caller finishes the tail. */
#ifndef FORTROLIG_FTEXT_SIMD_H
#define FORTROLIG_FTEXT_SIMD_H

#include <stddef.h>

#if defined(__SSE2__)
#define FTEXT_HAVE_SSE2 1
#endif
/* AVX2 code is built on any x86 (target attribute), run only where the CPU
 * has it. */
#if (defined(__x86_64__) || defined(__i386__)) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define FTEXT_HAVE_AVX2 1
#endif

enum ftext_isa { FTEXT_SCALAR, FTEXT_SSE2, FTEXT_AVX2 };

/* The fastest kernel this CPU runs. */
enum ftext_isa ftext_isa_best(void);
/* ftext_canon through the given kernel (tests compare them all); isa must
 * not be above ftext_isa_best(). */
void ftext_canon_isa(char *dst, const char *s, size_t len, enum ftext_isa isa);
/* One code point at s[*i] into dst (advancing *i): the kernels' fallback. */
void ftext_canon_cp(char *dst, const char *s, size_t len, size_t *i);

#ifdef FTEXT_HAVE_SSE2
size_t ftext_canon_sse2(char *dst, const char *s, size_t len);
#endif
#ifdef FTEXT_HAVE_AVX2
size_t ftext_canon_avx2(char *dst, const char *s, size_t len);
#endif

#endif
