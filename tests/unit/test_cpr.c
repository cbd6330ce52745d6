/* test_cpr: CPR validation (fcpr_check) and candidate scoring on text
 * (fcpr_candidate), with the hard negatives a council mail is full of. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "detect/detect.h"
#include "tmain.h"

#define TODAY 20260601
#define THRESHOLD 50   /* detectors.cpr.threshold default */

/* ---- fcpr_check ---- */

static const struct {
	const char *digits;
	int today;
	int valid, year, month, day, mod11;
} check_cases[] = {
	/* Known modulus-11 numbers. */
	{ "1405490389", TODAY, 1, 1949, 5, 14, 1 },
	{ "0707614285", TODAY, 1, 1961, 7, 7, 1 },
	{ "1405491234", TODAY, 1, 1949, 5, 14, 0 },
	/* Leap years: 2000 is one (divisible by 400), 1900 is not. */
	{ "2902004234", TODAY, 1, 2000, 2, 29, -1 },
	{ "2902009234", TODAY, 1, 2000, 2, 29, -1 },
	{ "2902005234", TODAY, 1, 2000, 2, 29, -1 },
	{ "2902001234", TODAY, 0, 1900, 2, 29, -1 },
	{ "2902000234", TODAY, 0, 1900, 2, 29, -1 },
	{ "2902965234", TODAY, 1, 1896, 2, 29, -1 },
	{ "2902975234", TODAY, 0, 1897, 2, 29, -1 },
	{ "2902241234", TODAY, 1, 1924, 2, 29, -1 },
	/* Century from the 7th digit: 0-3 -> 1900s. */
	{ "0101200123", TODAY, 1, 1920, 1, 1, -1 },
	{ "0101201123", TODAY, 1, 1920, 1, 1, -1 },
	{ "0101202123", TODAY, 1, 1920, 1, 1, -1 },
	{ "0101203123", TODAY, 1, 1920, 1, 1, -1 },
	/* 4 and 9 -> 2000s when yy <= 36, else 1900s. */
	{ "0101364123", 20360101, 1, 2036, 1, 1, -1 },
	{ "0101374123", TODAY, 1, 1937, 1, 1, -1 },
	{ "0101369123", 20360101, 1, 2036, 1, 1, -1 },
	{ "0101379123", TODAY, 1, 1937, 1, 1, -1 },
	{ "0101004123", TODAY, 1, 2000, 1, 1, -1 },
	/* 5-8 -> 2000s when yy <= 57, else 1800s. */
	{ "0101575123", 20570101, 1, 2057, 1, 1, -1 },
	{ "0101585123", TODAY, 1, 1858, 1, 1, -1 },
	{ "0101206123", TODAY, 1, 2020, 1, 1, -1 },
	{ "0101997123", TODAY, 1, 1899, 1, 1, -1 },
	{ "0101158123", TODAY, 1, 2015, 1, 1, -1 },
	/* Future birth dates are not valid (yet). */
	{ "0101364123", TODAY, 0, 2036, 1, 1, -1 },
	{ "0206264123", TODAY, 0, 2026, 6, 2, -1 },
	{ "0106264123", TODAY, 1, 2026, 6, 1, -1 },   /* today itself */
	{ "0101575123", TODAY, 0, 2057, 1, 1, -1 },
	/* Impossible dates. */
	{ "0001490389", TODAY, 0, 1949, 1, 0, -1 },
	{ "3204490389", TODAY, 0, 1949, 4, 32, -1 },
	{ "3104490389", TODAY, 0, 1949, 4, 31, -1 },
	{ "3112490389", TODAY, 1, 1949, 12, 31, -1 },
	{ "0113490389", TODAY, 0, 1949, 13, 1, -1 },
	{ "0100490389", TODAY, 0, 1949, 0, 1, -1 },
};

START_TEST(check_table)
{
	struct fcpr_info in;
	const char *d = check_cases[_i].digits;

	fcpr_check(d, check_cases[_i].today, &in);
	ck_assert_msg(in.valid_date == check_cases[_i].valid, "%s: valid_date %d, want %d",
	    d, in.valid_date, check_cases[_i].valid);
	ck_assert_msg(in.year == check_cases[_i].year, "%s: year %d, want %d", d, in.year,
	    check_cases[_i].year);
	ck_assert_int_eq(in.month, check_cases[_i].month);
	ck_assert_int_eq(in.day, check_cases[_i].day);
	if (check_cases[_i].mod11 >= 0)
		ck_assert_msg(in.mod11 == check_cases[_i].mod11, "%s: mod11 %d", d, in.mod11);
}
END_TEST

/* The modulus 11 check against an independent computation, for every serial
 * of one date. */
START_TEST(check_mod11_all_serials)
{
	static const int w[10] = { 4, 3, 2, 7, 6, 5, 4, 3, 2, 1 };
	char d[24];   /* room for any int: -O1 cannot see s < 10000 */
	int hits = 0;

	for (int s = 0; s < 10000; s++) {
		struct fcpr_info in;
		int sum = 0;
		snprintf(d, sizeof(d), "140549%04d", s);
		for (int k = 0; k < 10; k++)
			sum += (d[k] - '0') * w[k];
		fcpr_check(d, TODAY, &in);
		ck_assert_msg(in.mod11 == (sum % 11 == 0), "%s: mod11 %d", d, in.mod11);
		hits += in.mod11;
	}
	ck_assert_int_eq(hits, 910);   /* counted independently */
}
END_TEST

/* ---- fcpr_candidate ---- */

/* The best score over every start position, as fcpr_scan walks the text;
 * -1 when no position yields a candidate. */
static int
best(const char *t, char masked[16], size_t *bstart, size_t *bend)
{
	size_t len = strlen(t);
	int top = -1;

	for (size_t i = 0; i < len; i++) {
		char mk[16];
		size_t end = 0;
		int sc;
		if (!isdigit((unsigned char)t[i]))
			continue;
		sc = fcpr_candidate(t, len, i, NULL, TODAY, &end, mk);
		if (sc < 0)
			sc = -1;   /* any negative value is "no candidate" to fcpr_scan */
		if (sc > top) {
			top = sc;
			if (masked)
				memcpy(masked, mk, 16);
			if (bstart)
				*bstart = i;
			if (bend)
				*bend = end;
		}
	}
	return top;
}

static const struct {
	const char *text;
	size_t start, end;   /* where the number is in text */
} positives[] = {
	{ "140549-0389", 0, 11 },
	{ "1405490389", 0, 10 },
	{ "140549 0389", 0, 11 },
	{ "14.05.49-0389", 0, 13 },
	{ "140549-\n0389", 0, 12 },
	{ "140549-\r\n0389", 0, 13 },
	{ "140549\xe2\x80\x93""0389", 0, 13 },   /* en-dash */
	{ "Hej,\nhun har 140549-0389.", 13, 24 },
	{ "(140549-0389)", 1, 12 },
	{ "Se: 140549-0389, tak", 4, 15 },
	{ "Personnummer 140549\xc2\xa0""0389 er nyt", 13, 25 },   /* no-break space */
	{ "Borgeren (CPR 1405491234) ringede", 14, 24 },   /* mod 11 fails, context */
	{ "f\xc3\xb8""dt 0101201234", 6, 16 },
};

START_TEST(candidate_positive)
{
	const char *t = positives[_i].text;
	char masked[16] = "";
	size_t s = 0, e = 0;
	int sc = best(t, masked, &s, &e);

	ck_assert_msg(sc >= THRESHOLD, "\"%s\": score %d, want >= %d", t, sc, THRESHOLD);
	ck_assert_uint_eq(s, positives[_i].start);
	ck_assert_uint_eq(e, positives[_i].end);
	ck_assert_int_eq((int)strlen(masked), 11);
	ck_assert_msg(strcmp(masked + 6, "-XXXX") == 0, "masked \"%s\"", masked);
	ck_assert_msg(strncmp(masked, t + positives[_i].start, 2) == 0 ||
	    t[positives[_i].start + 2] == '.', "masked \"%s\" keeps the date", masked);
}
END_TEST

START_TEST(candidate_masked_never_serial)
{
	static const char *const forms[] = {
		"140549-0389", "1405490389", "140549 0389", "14.05.49-0389",
		"140549-\n0389", "140549\xe2\x80\x93""0389",
	};
	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		char masked[16];
		memset(masked, 'Z', sizeof(masked));
		ck_assert_int_ge(best(forms[k], masked, NULL, NULL), 0);
		ck_assert_ptr_nonnull(memchr(masked, '\0', sizeof(masked)));
		ck_assert_str_eq(masked, "140549-XXXX");
		ck_assert_ptr_null(strstr(masked, "0389"));
		ck_assert_ptr_null(strstr(masked, "389"));
	}
}
END_TEST

/* Numbers that are no CPR number: -1, or below the default threshold. */
static const char *const negatives[] = {
	"Sagsnummer SAG-2018-02338 er oprettet.",
	"SAG-2018-02338",
	"J.nr. 2004-322-0064",
	"2004-322-0064",
	"Journalnummer 01.05.12-P20-3-24 vedr. lokalplan",
	"01.05.12-P20-3-24",
	"Ring til mig p\xc3\xa5 40 55 21 90 efter kl. 16.",
	"+45 12 34 56 78",
	"Tlf. +45 40 55 21 90",
	"M\xc3\xb8""det den 22-06-2005 blev aflyst.",
	"22-06-2005",
	"22.06.2005",
	"Reg.nr. og konto: 1234-5678901234",
	"1234-5678901234",
	"Perioden 010126-311226 er budgetperioden.",
	"010126-311226",
	"3213991234",
	"Fakturanr. 1405491234",
	"Fakturanr.: 140549-1234",
	"Kundenummer 1405491234",
	"Sporingsnummer 14054903891234567890",
	"14054903891234567890",
	"Pakke 00370726201234567890 er afsendt",
	"https://x.dk/a?id=1405490389",
	"Se https://x.dk/a?id=1405490389&v=2 for detaljer",
	"https://x.dk/sag/1405490389/bilag",
	"mailto:1405490389@x.dk",
	"version 2.140549-0389",
	"ABC1405490389",
	"1405490389ABC",
	"1405490389-12",
	"140549-03891",
	"0101364000 er et fremtidigt nummer",   /* 2036: future */
};

START_TEST(candidate_negative)
{
	const char *t = negatives[_i];
	int sc = best(t, NULL, NULL, NULL);

	ck_assert_msg(sc < THRESHOLD, "\"%s\": score %d, want -1 or < %d", t, sc, THRESHOLD);
}
END_TEST

/* The API contract: -1 when there is no candidate at all. */
START_TEST(candidate_none_is_minus_one)
{
	static const char *const none[] = {
		"SAG-2018-02338", "2004-322-0064", "01.05.12-P20-3-24", "40 55 21 90",
		"22-06-2005", "1234-5678901234", "010126-311226", "3213991234",
		"14054903891234567890", "https://x.dk/a?id=1405490389",
	};
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		size_t len = strlen(none[k]), end;
		char mk[16];
		for (size_t i = 0; i < len; i++)
			if (isdigit((unsigned char)none[k][i]))
				ck_assert_msg(fcpr_candidate(none[k], len, i, NULL, TODAY, &end, mk) == -1,
				    "\"%s\" at %zu: not -1", none[k], i);
	}
}
END_TEST

/* Context: a mod-11 failure needs a context word, a negative word sinks a
 * valid one, and the number of the invoice line is judged on its own. */
START_TEST(candidate_context)
{
	char mk[16];
	int plain = best("Nummer 1405491234 her", mk, NULL, NULL);
	int cpr = best("Hendes CPR-nummer er 1405491234.", mk, NULL, NULL);
	int faktura = best("Fakturanr. 1405491234", mk, NULL, NULL);
	int far = best("CPR\n................................................................"
	    "................................................................"
	    "................................................................"
	    "................................................................"
	    "................................................................ 1405491234", mk,
	    NULL, NULL);

	ck_assert_int_lt(plain, THRESHOLD);
	ck_assert_int_ge(cpr, THRESHOLD);
	ck_assert_int_lt(faktura, THRESHOLD);
	ck_assert_int_lt(far, THRESHOLD);   /* the context word is > 300 chars away */
	ck_assert_int_gt(best("140549-0389", mk, NULL, NULL), best("1405490389", mk, NULL, NULL));
}
END_TEST

/* detectors.cpr.context_window is documented as 0..5000 characters
 * (fortrolig.conf(5)); a context word 700 characters away counts with a
 * window of 1000 and does not with the default 300. */
START_TEST(candidate_context_window)
{
	struct fconf c;
	char text[1024], mk[16];
	size_t end, at;
	int narrow, wide, zero;

	memset(&c, 0, sizeof(c));
	memset(text, '.', sizeof(text));
	memcpy(text, "CPR ", 4);
	at = 4 + 700;
	text[at - 1] = ' ';
	memcpy(text + at, "1405491234", 10);   /* mod 11 fails: needs the context */
	text[at + 10] = '\0';
	c.cpr.context_window = 300;
	narrow = fcpr_candidate(text, at + 10, at, &c, TODAY, &end, mk);
	c.cpr.context_window = 1000;
	wide = fcpr_candidate(text, at + 10, at, &c, TODAY, &end, mk);
	c.cpr.context_window = 0;
	zero = fcpr_candidate("CPR 1405491234", 14, 4, &c, TODAY, &end, mk);
	ck_assert_int_lt(narrow, THRESHOLD);
	ck_assert_int_lt(zero, THRESHOLD);
	ck_assert_msg(wide >= THRESHOLD, "context_window 1000: score %d, want >= %d "
	    "(the context word is 700 characters away)", wide, THRESHOLD);
}
END_TEST

/* Only the candidate's own bytes are read: a number at the very end of the
 * buffer, and a buffer that is not NUL-terminated. */
START_TEST(candidate_bounds)
{
	char buf[11];
	char mk[16];
	size_t end = 0;

	memcpy(buf, "1405490389X", 11);
	ck_assert_int_ge(fcpr_candidate(buf, 10, 0, NULL, TODAY, &end, mk), THRESHOLD);
	ck_assert_uint_eq(end, 10);
	ck_assert_int_eq(fcpr_candidate(buf, 9, 0, NULL, TODAY, &end, mk), -1);
	ck_assert_int_eq(fcpr_candidate("140549-", 7, 0, NULL, TODAY, &end, mk), -1);
	ck_assert_int_eq(fcpr_candidate("14.05.4", 7, 0, NULL, TODAY, &end, mk), -1);
}
END_TEST

static Suite *
cpr_suite(void)
{
	Suite *s = suite_create("cpr");
	TCase *tc = tcase_create("check");

	tcase_add_loop_test(tc, check_table, 0, (int)(sizeof(check_cases) / sizeof(check_cases[0])));
	tcase_add_test(tc, check_mod11_all_serials);
	suite_add_tcase(s, tc);
	tc = tcase_create("candidate");
	tcase_add_loop_test(tc, candidate_positive, 0, (int)(sizeof(positives) / sizeof(positives[0])));
	tcase_add_loop_test(tc, candidate_negative, 0, (int)(sizeof(negatives) / sizeof(negatives[0])));
	tcase_add_test(tc, candidate_masked_never_serial);
	tcase_add_test(tc, candidate_none_is_minus_one);
	tcase_add_test(tc, candidate_context);
	tcase_add_test(tc, candidate_context_window);
	tcase_add_test(tc, candidate_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	failed = tu_run(cpr_suite(), NULL) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
