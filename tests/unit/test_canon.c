/* test_canon: ftext_canon, through every kernel this CPU runs, against a
 * plain one-code-point-at-a-time reference: random bytes, random mixes of
 * ASCII, æøå, × ÷, C2 pairs, longer and broken sequences at every offset
 * and length up to 200 (so every block edge), and Danish sentences. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/text_simd.h"
#include "base/phrases.h"
#include "tmain.h"

#define MAXLEN 200

/* The definition: each code point decoded, a letter lower-cased in place
 * (two bytes stay two), everything else one blank a byte. */
static void
ref_canon(char *dst, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t at = i;
		uint32_t cp = ftext_utf8_next(s, len, &i);
		memset(dst + at, ' ', i - at);
		if (!ftext_is_letter(cp))
			continue;
		cp = ftext_lower_cp(cp);
		if (cp < 0x80) {
			dst[at] = (char)cp;
		} else {
			dst[at] = (char)(0xc0 | (cp >> 6));
			dst[at + 1] = (char)(0x80 | (cp & 0x3f));
		}
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void
hexdump(char *out, size_t size, const char *s, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && o + 4 < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%02x ", (unsigned char)s[i]);
}

/* s[0..len) through each kernel, in a buffer of exactly len bytes (so the
 * sanitizers see any read past the end), into a dst full of junk. */
static void
check_one(const char *s, size_t len)
{
	char *in = malloc(len ? len : 1), want[MAXLEN + 64], got[MAXLEN + 64];

	ck_assert_ptr_nonnull(in);
	ck_assert_uint_le(len, MAXLEN + 32);
	memcpy(in, s, len);
	ref_canon(want, in, len);
	for (int isa = FTEXT_SCALAR; isa <= (int)ftext_isa_best(); isa++) {
		memset(got, 'X', sizeof(got));
		ftext_canon_isa(got, in, len, (enum ftext_isa)isa);
		if (memcmp(got, want, len) != 0) {
			char hs[1024], hg[1024], hw[1024];
			hexdump(hs, sizeof(hs), in, len);
			hexdump(hg, sizeof(hg), got, len);
			hexdump(hw, sizeof(hw), want, len);
			ck_abort_msg("isa %d, len %zu\n  in   %s\n  got  %s\n  want %s",
			    isa, len, hs, hg, hw);
		}
		ck_assert_msg(got[len] == 'X', "isa %d wrote past len %zu", isa, len);
	}
	/* The public entry is one of them. */
	memset(got, 'X', sizeof(got));
	ftext_canon(got, in, len);
	ck_assert_int_eq(memcmp(got, want, len), 0);
	free(in);
}

/* Every offset and every length of buf. */
static void
check_slices(const char *buf, size_t n)
{
	for (size_t len = 0; len <= n; len++)
		check_one(buf, len);
	for (size_t off = 1; off < n && off <= 40; off++)
		check_one(buf + off, n - off);
}

START_TEST(canon_random_bytes)
{
	char buf[MAXLEN];

	for (int k = 0; k < 3000; k++) {
		size_t n = rnd() % (MAXLEN + 1);
		/* Mostly high bytes in some runs, mostly ASCII in others. */
		unsigned hi = rnd() % 4;
		for (size_t i = 0; i < n; i++) {
			unsigned r = rnd();
			buf[i] = (char)(r % 4 < hi ? 0x80 | (r >> 8) : (r >> 8) & 0xff);
		}
		check_one(buf, n);
	}
	for (int k = 0; k < 20; k++) {
		for (size_t i = 0; i < MAXLEN; i++)
			buf[i] = (char)rnd();
		check_slices(buf, MAXLEN);
	}
}
END_TEST

/* Pieces the kernels treat specially, and those they must leave alone. */
static const char *const pieces[] = {
	"a", "Z", "q", "7", " ", ".", "-", "\n", "@", "[", "`", "{", "\x7f", "\x01",
	"\xc3\xa6", "\xc3\xb8", "\xc3\xa5", "\xc3\x86", "\xc3\x98", "\xc3\x85",
	"\xc3\x97", "\xc3\xb7", "\xc3\x9f", "\xc3\xbf", "\xc3\x80", "\xc3\x9e", "\xc3\xa0",
	"\xc2\xa0", "\xc2\xa7", "\xc2\x80", "\xc2\xbf",
	"\xc5\x81", "\xc4\x80", "\xc9\x8f", "\xc8\x80", "\xd0\x96",
	"\xe2\x80\x93", "\xe2\x80\x9c", "\xe4\xb8\xad", "\xef\xbb\xbf",
	"\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
	"\xc3", "\xc2", "\x80", "\xbf", "\x97", "\xb7", "\xff", "\xfe", "\xf8\x88",
	"\xc3\xc3", "\xc0\x80", "\xc1\x81", "\xc1\xba", "\xe0\x83\x80", "\xe0\x81\x81",
	"\xf0\x80\x83\x80", "\xe2\x80", "\xf0\x9f\x98", "\xed\xa0\x80",
	/* Either side of U+024F, the last letter, in two, three, four bytes. */
	"\xc9\x8f", "\xc9\x90", "\xe0\x89\x8f", "\xe0\x8a\x80", "\xe0\xa0\x80",
	"\xf0\x80\x89\x8f", "\xf0\x80\x8a\x80", "\xf0\x8a\x80\x80", "\xf0\x90\x80\x80",
};

/* A random mix of pieces, weighted toward ASCII letters and æøå. */
static size_t
gen_mix(char *buf, size_t size)
{
	size_t n = 0, npieces = sizeof(pieces) / sizeof(pieces[0]);
	unsigned bias = rnd() % 3;

	while (n < size) {
		unsigned r = rnd() % 16;
		const char *p = r < bias * 4 ? pieces[rnd() % 2 ? 0 : 3] :
		    r < 12 ? pieces[14 + rnd() % 6] : pieces[rnd() % npieces];
		size_t l = strlen(p);
		if (l > size - n)
			break;
		for (size_t k = rnd() % 6; k > 0 && n < size; k--)
			buf[n++] = (char)('a' + rnd() % 26);
		if (l > size - n)
			break;
		memcpy(buf + n, p, l);
		n += l;
	}
	return n;
}

START_TEST(canon_mixes)
{
	char buf[MAXLEN];

	for (int k = 0; k < 400; k++)
		check_slices(buf, gen_mix(buf, MAXLEN));
}
END_TEST

/* A lone piece at every position of an ASCII run: each block edge. */
START_TEST(canon_edges)
{
	char buf[MAXLEN];

	for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
		size_t l = strlen(pieces[p]);
		for (size_t at = 0; at + l <= 80; at++) {
			memset(buf, 'K', 80);
			memcpy(buf + at, pieces[p], l);
			check_one(buf, 80);
			check_one(buf, at + l);
			check_one(buf, at + 1 < at + l ? at + 1 : at + l);
		}
	}
}
END_TEST

static void
unflow_eq(const char *in, int delsp, const char *want)
{
	char buf[256];
	size_t n = strlen(in);

	ck_assert_uint_lt(n, sizeof(buf));
	memcpy(buf, in, n + 1);
	ftext_unflow(buf, &n, delsp);
	ck_assert_uint_le(n, strlen(in));
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

/* RFC 3676: soft breaks joined, within one quote depth only; DelSp; the
 * signature separator and space-stuffing; a last line without a break. */
START_TEST(text_unflow)
{
	unflow_eq("cpr 0101 \r\n90-1236 ok\r\n", 0, "cpr 0101 90-1236 ok\r\n");
	unflow_eq("cpr 0101 \n90-1236\n", 1, "cpr 010190-1236\n");
	unflow_eq("> a \n> b\n", 0, "> a b\n");
	unflow_eq(">> a \n> b\n", 0, ">> a \n> b\n");
	unflow_eq("-- \nJens\n", 0, "-- \nJens\n");
	unflow_eq(" From here \n on\n", 0, " From here on\n");
	unflow_eq("a \nb \n", 0, "a b \n");
	unflow_eq("a \nb ", 1, "ab\n");
	unflow_eq("", 0, "");
}
END_TEST

START_TEST(canon_danish)
{
	static const char *const texts[] = {
		"K\xc3\xa6re Anne. Borgeren er indlagt p\xc3\xa5 psykiatrisk afdeling, "
		"og hun f\xc3\xa5r f\xc3\xb8rst svar i n\xc3\xa6ste uge.",
		"\xc3\x86NDRING AF M\xc3\x98" "DET I \xc3\x85RHUS: byr\xc3\xa5" "det, "
		"\xc3\xb8konomi og l\xc3\xb8sning (pris 2\xc2\xa0" "000\xc2\xa0kr \xc3\x97 3).",
		"Med venlig hilsen\r\nJens Hansen\r\nSagsbehandler \xe2\x80\x93 Familieafdelingen\r\n"
		"\xe2\x80\x9c" "Fortrolig\xe2\x80\x9d \xc2\xa7 12, stk.\xc2\xa0" "3",
		"Caf\xc3\xa9 M\xc3\xbcller \xc3\xa0 la Cr\xc3\xa8me, \xc3\x9f und \xc3\xbf; "
		"\xc5\x81\xc3\xb3" "d\xc5\xba ist gr\xc3\xb6\xc3\x9f" "er \xc3\xb7 zwei.",
	};
	char buf[MAXLEN];

	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		size_t n = strlen(texts[k]);
		ck_assert_uint_le(n, MAXLEN);
		memcpy(buf, texts[k], n);
		check_slices(buf, n);
	}
	/* Known answers, so the reference itself is pinned down. */
	{
		const char *t = "\xc3\x86R\xc3\x98-\xc3\x85" "a\xc3\x97" "b\xc2\xa0" "C\xc1\x81" "D\xe2\x80\x93!";
		const char *w = "\xc3\xa6r\xc3\xb8 \xc3\xa5" "a  b  c" "a d    ";
		char c[32];
		ftext_canon(c, t, strlen(t));
		ck_assert_int_eq(memcmp(c, w, strlen(t)), 0);
	}
}
END_TEST

/* The phrase prefilter returns every place a phrase starts, in any ASCII
 * case, and far fewer places than there are bytes. */
START_TEST(phrases_filter)
{
	static const char *const list[] = { "kan indeholde fortrolig", "må ikke videregives",
		"CONFIDENTIAL", "please notify the sender", NULL };
	static const char *const filler[] = { "ikke ", "fort ", "kan ", "må ", "please ",
		"the ", "Conf ", "x\n", "æøå ", NULL };
	struct fphr f;
	char text[4096];
	size_t starts[64], ns = 0, n = 0, hits = 0;
	uint32_t r = 7;

	fphr_build(&f, list);
	ck_assert_int_eq(f.any_short, 0);
	while (n < sizeof(text) - 64 && ns < 64) {
		r = r * 1103515245u + 12345u;
		if ((r >> 16) % 8 == 0) {
			const char *ph = list[(r >> 8) % 4];
			starts[ns++] = n;
			for (size_t k = 0; ph[k]; k++)
				text[n++] = (r >> 20) & 1 && ph[k] >= 'a' && ph[k] <= 'z' ? ph[k] - 32 : ph[k];
		} else {
			const char *w = filler[(r >> 8) % 9];
			memcpy(text + n, w, strlen(w));
			n += strlen(w);
		}
	}
	for (size_t k = 0; k < ns; k++)
		ck_assert_uint_eq(fphr_next(&f, text, n, starts[k]), starts[k]);
	for (size_t p = fphr_next(&f, text, n, 0); p < n; p = fphr_next(&f, text, n, p + 1))
		hits++;
	ck_assert_uint_ge(hits, ns);
	ck_assert_uint_lt(hits, ns + n / 100);
	/* A phrase shorter than the window: every position is a candidate. */
	{
		static const char *const shortl[] = { "ej", NULL };
		fphr_build(&f, shortl);
		ck_assert_uint_eq(fphr_next(&f, "abc", 3, 1), 1);
		ck_assert_uint_eq(fphr_next(&f, "abc", 3, 3), 3);
	}
}
END_TEST


static Suite *
suite(void)
{
	Suite *s = suite_create("canon");
	TCase *tc = tcase_create("kernels");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, canon_random_bytes);
	tcase_add_test(tc, canon_mixes);
	tcase_add_test(tc, canon_edges);
	tcase_add_test(tc, text_unflow);
	tcase_add_test(tc, canon_danish);
	tcase_add_test(tc, phrases_filter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	failed = tu_run(suite(), NULL) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
