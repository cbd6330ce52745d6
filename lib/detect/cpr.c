/* cpr: CPR numbers, DDMMYY-SSSS, written with '-', '–', space, '.', nothing,
 * or broken by a line wrap. A real date is required (century from the 7th
 * digit); modulus 11 and context words raise confidence; number-like contexts
 * (invoice, account, phone, case numbers) lower it. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buffer.h"
#include "detect/detect.h"
#include "base/text.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const char *const ctx_pos[] = {
	"cpr", "personnummer", "personnr", "person nr", "fødselsdato", "født ",
	"civil registration", "personal identity", "personal id", "social security",
	NULL
};
/* Only just before the number: what kind of number is it? */
static const char *const ctx_neg[] = {
	"faktura", "invoice", "kunde", "customer", "konto", "account", "reg.", "regnr",
	"ordre", "order", "sag", "journal", "j.nr", "jnr", "tlf", "telefon", "mobil",
	"phone", "ean", "p-nr", "p-nummer", "pnr", "cvr", "se-nr", "sporing", "tracking",
	"løbe", "ref", "kvittering", "receipt", "nr.:", "id:", "serie", "serial",
	NULL
};

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

void
fcpr_check(const char dg[10], int today_ymd, struct fcpr_info *in)
{
	static const int w[10] = { 4, 3, 2, 7, 6, 5, 4, 3, 2, 1 };
	int dd = (dg[0] - '0') * 10 + (dg[1] - '0');
	int mm = (dg[2] - '0') * 10 + (dg[3] - '0');
	int yy = (dg[4] - '0') * 10 + (dg[5] - '0');
	int d7 = dg[6] - '0', sum = 0, year;

	memset(in, 0, sizeof(*in));
	for (int i = 0; i < 10; i++)
		sum += (dg[i] - '0') * w[i];
	in->mod11 = sum % 11 == 0;
	if (d7 <= 3)
		year = 1900 + yy;
	else if (d7 == 4 || d7 == 9)
		year = yy <= 36 ? 2000 + yy : 1900 + yy;
	else
		year = yy <= 57 ? 2000 + yy : 1800 + yy;
	in->year = year;
	in->month = mm;
	in->day = dd;
	if (mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(year, mm))
		return;
	in->valid_date = year * 10000 + mm * 100 + dd <= today_ymd;
}

static int
digits_at(const char *t, size_t len, size_t i, size_t n)
{
	if (i + n > len)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!isdigit((unsigned char)t[i + k]))
			return 0;
	return 1;
}

/* A number glued to other digits or inside a URL/identifier is no CPR. */
static int
left_ok(const char *t, size_t i)
{
	unsigned char p;

	if (i == 0)
		return 1;
	p = (unsigned char)t[i - 1];
	if (isdigit(p) || isalpha(p) || strchr("/=?&#_+@%", p))
		return 0;
	if ((p == '-' || p == '.' || p == ',') && i >= 2 && isdigit((unsigned char)t[i - 2]))
		return 0;
	return 1;
}

static int
right_ok(const char *t, size_t len, size_t e)
{
	unsigned char c;

	if (e >= len)
		return 1;
	c = (unsigned char)t[e];
	if (isdigit(c) || isalpha(c) || strchr("/=&#_@%", c))
		return 0;
	if ((c == '-' || c == '.' || c == ',' || c == '/') && e + 1 < len &&
	    isdigit((unsigned char)t[e + 1]))
		return 0;
	return 1;
}

/* Between the date and the serial: "-", "–", ".", blanks, one line break. */
static size_t
separator(const char *t, size_t len, size_t j, int *dash)
{
	size_t k = j, marks = 0, nl = 0;

	*dash = 0;
	while (k < len && k - j < 6) {
		unsigned char c = (unsigned char)t[k];
		if (c == '-' || c == '.') {
			if (++marks > 1)
				break;
			*dash = c == '-';
			k++;
		} else if (c == 0xe2 && k + 2 < len && (unsigned char)t[k + 1] == 0x80 &&
		    ((unsigned char)t[k + 2] == 0x93 || (unsigned char)t[k + 2] == 0x91)) {
			if (++marks > 1)
				break;
			*dash = 1;
			k += 3;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			k++;
		} else if (c == '\n') {
			if (++nl > 1)
				break;
			k++;
		} else if (c == 0xc2 && k + 1 < len && (unsigned char)t[k + 1] == 0xa0) {
			k += 2;
		} else {
			break;
		}
	}
	return k;
}

/* Case-insensitive for ASCII and for Latin-1 letters in UTF-8 (Ø/ø). */
static int
ci_eq(const char *t, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)t[i], b = (unsigned char)w[i];
		if (i > 0 && (unsigned char)t[i - 1] == 0xc3 && a >= 0x80 && a <= 0x9e && a != 0x97)
			a += 0x20;
		if (tolower(a) != b)
			return 0;
	}
	return 1;
}

static int
near_word(const char *t, size_t from, size_t to, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		size_t wl = strlen(words[i]);
		for (size_t p = from; p + wl <= to; p++)
			if (ci_eq(t + p, words[i], wl))
				return 1;
	}
	return 0;
}

/* The word before a bare label ("reservation" in "reservation no."), on
 * the same line: at least four letters and not a person's number. */
static int
qualified(const char *t, size_t b)
{
	char w[24];
	size_t e = b, a;

	if (e == 0 || (t[e - 1] != ' ' && t[e - 1] != '-'))
		return 0;
	e--;
	for (a = e; a > 0 && e - a < sizeof(w) - 1 && (isalpha((unsigned char)t[a - 1]) ||
	    (unsigned char)t[a - 1] >= 0x80); a--)
		;
	if (e - a < 4)
		return 0;
	for (size_t i = 0; i < e - a; i++)
		w[i] = (char)tolower((unsigned char)t[a + i]);
	w[e - a] = '\0';
	return strstr(w, "cpr") == NULL && strstr(w, "person") == NULL &&
	    strstr(w, "social") == NULL && strstr(w, "civil") == NULL;
}

/* The label just before the number names another kind of number:
 * "reservationsnr.", "bilagsnr", "booking no.", "ordre-id", "kode". A label
 * that names a person's number ("CPR-nr.", "personnr.") does not. */
static int
other_label_at(const char *t, size_t s, int depth)
{
	static const char *const ends[] = { "nr", "nummer", "number", "no", "id", "kode", "code",
	    "num", NULL };
	char w[40];
	size_t e = s, b, n;

	while (e > 0 && s - e < 6 && strchr(" \t:.#=-", t[e - 1]) != NULL && t[e - 1])
		e--;
	for (b = e; b > 0 && e - b < sizeof(w) - 1 && (isalpha((unsigned char)t[b - 1]) ||
	    t[b - 1] == '-' || (unsigned char)t[b - 1] >= 0x80); b--)
		;
	if ((n = e - b) < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)t[b + i]);
	w[n] = '\0';
	/* "reservationsnr. er 2611262704": the label before the copula */
	if (depth == 0 && (strcmp(w, "er") == 0 || strcmp(w, "is") == 0))
		return other_label_at(t, b, 1);
	if (strstr(w, "cpr") || strstr(w, "person") || strstr(w, "fødsel"))
		return 0;
	for (size_t i = 0; ends[i]; i++) {
		size_t l = strlen(ends[i]);
		if (n < l || strcmp(w + n - l, ends[i]) != 0)
			continue;
		/* A bare "nummer" or "no." says nothing; "reservation no." does. */
		return n > l + 1 || qualified(t, b);
	}
	return 0;
}

/* 0..100: a real date gives 20; modulus 11, a context word and the usual
 * separator add; a number-like context just before takes away. */
static int
score(const char *t, size_t len, size_t s, size_t e, int dash, int dotted,
    const struct fcpr_info *in, const struct fconf *c)
{
	size_t w = c ? (size_t)c->cpr.context_window : 300;
	size_t cs = s > w ? s - w : 0, ce = e + w < len ? e + w : len;
	int sc = 20;

	if (in->mod11)
		sc += 40;
	if (dash)
		sc += 10;
	if (dotted)
		sc += 5;
	if (near_word(t, cs, ce, ctx_pos))
		sc += 40;
	if (near_word(t, s > 28 ? s - 28 : 0, s, ctx_neg) || other_label_at(t, s, 0))
		sc -= 60;
	return sc < 0 ? 0 : sc > 100 ? 100 : sc;
}

int
fcpr_candidate(const char *t, size_t len, size_t i, const struct fconf *c,
    int today, size_t *end, char masked[16])
{
	char dg[10];
	size_t j, k;
	int dotted = 0, dash;
	struct fcpr_info in;

	if (!left_ok(t, i))
		return -1;
	if (digits_at(t, len, i, 6)) {
		memcpy(dg, t + i, 6);
		j = i + 6;
	} else if (digits_at(t, len, i, 2) && i + 8 <= len && t[i + 2] == '.' &&
	    digits_at(t, len, i + 3, 2) && t[i + 5] == '.' && digits_at(t, len, i + 6, 2)) {
		dg[0] = t[i]; dg[1] = t[i + 1]; dg[2] = t[i + 3];
		dg[3] = t[i + 4]; dg[4] = t[i + 6]; dg[5] = t[i + 7];
		j = i + 8;
		dotted = 1;
	} else {
		return -1;
	}
	k = separator(t, len, j, &dash);
	if (dotted && k == j)
		return -1;
	if (!digits_at(t, len, k, 4) || !right_ok(t, len, k + 4))
		return -1;
	memcpy(dg + 6, t + k, 4);
	fcpr_check(dg, today, &in);
	if (!in.valid_date)
		return -1;
	*end = k + 4;
	snprintf(masked, 16, "%.6s-XXXX", dg);
	return score(t, len, i, k + 4, dash, dotted, &in, c);
}

static int
today_ymd(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* The first ASCII digit at or after i, or len: 16 bytes a step where SSE2 is. */
static size_t
next_digit(const char *t, size_t len, size_t i)
{
#if defined(__SSE2__)
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);

	for (; i + 16 <= len; i += 16) {
		__m128i d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(t + i)),
		    zero);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	for (; i < len; i++)
		if (isdigit((unsigned char)t[i]))
			return i;
	return len;
}

/* The ten digits, for the thread memory's keyed hash; never printed. */
static void
keep_digits(const char *t, size_t len, char out[11])
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < 10; i++)
		if (isdigit((unsigned char)t[i]))
			out[n++] = t[i];
	out[n == 10 ? n : 0] = '\0';
}

int
fcpr_scan(const struct fconf *c, const struct fmsg *m, struct ffindings *out)
{
	int today = today_ymd();

	for (size_t s = 0; s < m->segs.n; s++) {
		const char *t = m->segs.v[s].text;
		size_t len = m->segs.v[s].len;
		for (size_t i = next_digit(t, len, 0); i < len; i = next_digit(t, len, i + 1)) {
			char masked[16];
			size_t end;
			int sc = fcpr_candidate(t, len, i, c, today, &end, masked);
			if (sc < 0) {
				/* A number cannot start right after a digit (left_ok). */
				while (i + 1 < len && isdigit((unsigned char)t[i + 1]))
					i++;
				continue;
			}
			if (sc >= c->cpr.threshold &&
			    ffindings_add(out, "cpr", FCAT_CPR, m->segs.v[s].where, sc, masked) < 0)
				return -1;
			if (sc >= c->cpr.threshold)
				keep_digits(t + i, end - i, out->v[out->n - 1].cpr);
			i = end;
		}
	}
	return 0;
}
