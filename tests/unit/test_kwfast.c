/* The fast keyword path: the string set, the canon text form, short words
 * kept from firing inside longer ones, phrases anchored on a later word,
 * disclaimers found through the engine, and the subject's lazy body look. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "detect/detect.h"
#include "detect/keywords/keywords.h"
#include "detect/keywords/wordset.h"
#include "analyse/message.h"
#include "base/text.h"

START_TEST(set_basics)
{
	struct fkw_set *s = fkw_set_new();
	char w[16];

	ck_assert_ptr_nonnull(s);
	ck_assert(!fkw_set_has(s, "kol", 3));
	ck_assert_int_eq(fkw_set_add(s, "kol", 3), 0);
	ck_assert_int_eq(fkw_set_add(s, "kol", 3), 0);
	ck_assert_uint_eq(fkw_set_count(s), 1);
	ck_assert(fkw_set_has(s, "kol", 3));
	ck_assert(!fkw_set_has(s, "ko", 2));
	ck_assert(!fkw_set_has(s, "kolde", 5));
	ck_assert(!fkw_set_has(s, "kom", 3));
	/* Past the first table size: every word is still there, no others. */
	for (int i = 0; i < 500; i++) {
		int n = snprintf(w, sizeof(w), "ord%d", i);
		ck_assert_int_eq(fkw_set_add(s, w, (size_t)n), 0);
	}
	ck_assert_uint_eq(fkw_set_count(s), 501);
	for (int i = 0; i < 500; i++) {
		int n = snprintf(w, sizeof(w), "ord%d", i);
		ck_assert(fkw_set_has(s, w, (size_t)n));
		n = snprintf(w, sizeof(w), "ord%dx", i);
		ck_assert(!fkw_set_has(s, w, (size_t)n));
	}
	ck_assert(fkw_set_has(s, "b\xc3\xa6r", 4) == 0);
	ck_assert_int_eq(fkw_set_add(s, "b\xc3\xa6r", 4), 0);
	ck_assert(fkw_set_has(s, "b\xc3\xa6r", 4));
	fkw_set_free(s);
	ck_assert(!fkw_set_has(NULL, "x", 1));
}
END_TEST

/* canon keeps lengths, and its words are exactly ftext_next_word's words of
 * the lower-cased text, invalid UTF-8 included. */
START_TEST(canon_words)
{
	static const char *const texts[] = {
		"\xc3\x86R\xc3\x98-Kr\xc3\xa6" "ft, 3\xc2\xbd FOO\xe2\x80\x93" "bar \xc5\x81\xc3\xb3" "d\xc5\xba",
		"Per V. har f\xc3\xa5" "et kr\xc3\xa6" "ft \xe2\x80\x93 finder du?",
		"bad \xff\xfe bytes \xc3 mid \x80\x80 end \xc3",
		"caf\xc3\xa9\xc3\x97" "x\xc3\xb7y \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80ok",
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		const char *t = texts[k];
		size_t len = strlen(t), pos = 0, ws, wl, cp = 0;
		char *c = malloc(len + 1);
		ck_assert_ptr_nonnull(c);
		ftext_canon(c, t, len);
		c[len] = '\0';
		while (ftext_next_word(t, len, &pos, &ws, &wl)) {
			/* Same word boundaries, lower-cased letters. */
			for (; cp < ws; cp++)
				ck_assert_msg(c[cp] == ' ', "%zu: byte %zu not blank", k, cp);
			for (size_t i = ws; i < ws + wl; i++)
				ck_assert_msg(c[i] != ' ', "%zu: byte %zu blank", k, i);
			cp = ws + wl;
		}
		for (; cp < len; cp++)
			ck_assert_msg(c[cp] == ' ', "%zu: tail byte %zu", k, cp);
		free(c);
	}
	{
		char c[32];
		const char *t = "\xc3\x86R\xc3\x98-Kr\xc3\xa6" "ft!";
		ftext_canon(c, t, strlen(t));
		ck_assert_int_eq(memcmp(c, "\xc3\xa6r\xc3\xb8 kr\xc3\xa6" "ft ", strlen(t)), 0);
	}
}
END_TEST

#include "tkw.h"
#include "tmain.h"

/* Categories of a message of a subject (or NULL) and a body. */
static unsigned
cats2(const char *subject, const char *body)
{
	struct fmsg m;
	struct ffindings f = { 0 };
	unsigned cats;

	memset(&m, 0, sizeof(m));
	if (subject)
		ck_assert_int_eq(fsegs_add(&m.segs, FWHERE_SUBJECT, subject, strlen(subject)), 0);
	ck_assert_int_eq(fsegs_add(&m.segs, FWHERE_BODY, body, strlen(body)), 0);
	ck_assert_int_eq(fkw_scan(&conf, &m, &f), 0);
	cats = ffindings_cats(&f);
	ffindings_free(&f);
	fsegs_free(&m.segs);
	return cats;
}

#define HEALTH (1u << FCAT_HEALTH)
#define CRIMINAL (1u << FCAT_CRIMINAL)

START_TEST(kw_short_words)
{
	/* "hiv" (weight 3) as a word, at the very start and the very end. */
	ck_assert(cats2(NULL, "HIV, siger han.") & HEALTH);
	ck_assert(cats2(NULL, "Han har hiv") & HEALTH);
	ck_assert(cats2(NULL, "Hun er hiv-positiv.") & HEALTH);
	/* ... but not inside other words; "han"/"hun" likewise. */
	ck_assert_uint_eq(cats2(NULL, "Han hivede i rebet og gik til skolen, "
	    "kolonihaven og handlen."), 0);
	ck_assert_uint_eq(cats2(NULL, "Shiva og Ahiv hiver, handler og hunde."), 0);
}
END_TEST

START_TEST(kw_phrase_anchor)
{
	/* "ham til politiet =3" is found on "politiet" and checked backwards. */
	ck_assert(cats2(NULL, "Vi har meldt ham til politiet.") & CRIMINAL);
	ck_assert(cats2(NULL, "Ham til politiet, sagde hun.") & CRIMINAL);
	ck_assert_uint_eq(cats2(NULL, "Til politiet, sagde hun.") & CRIMINAL, 0);
	ck_assert_uint_eq(cats2(NULL, "Vi sendte sagen til politiet i går.") & CRIMINAL, 0);
}
END_TEST

START_TEST(kw_disclaimer_pass)
{
	/* The same words count in prose, not in a confidentiality notice. */
	ck_assert(cats2(NULL, "Anne Holm er kr\xc3\xa6" "ftsyg og tvangsindlagt.") & HEALTH);
	ck_assert_uint_eq(cats2(NULL, "Hej\n\nVi ses.\n\nDenne e-mail kan indeholde fortrolige "
	    "oplysninger, fx om Anne Holm, kr\xc3\xa6" "ftsyg og tvangsindlagt.\n"), 0);
	ck_assert_uint_eq(cats2(NULL, "Hej\n\nVi ses.\n\nIf you have RECEIVED THIS E-MAIL IN "
	    "ERROR: Anne Holm, kr\xc3\xa6" "ftsyg og tvangsindlagt.\n"), 0);
	/* A phrase split over two paragraphs is no disclaimer. */
	ck_assert(cats2(NULL, "Anne Holm er kr\xc3\xa6" "ftsyg og tvangsindlagt, hvis du har "
	    "modtaget\n\ndenne besked.") & HEALTH);
}
END_TEST

START_TEST(kw_subject_person)
{
	/* The subject's person is named in the body, in the subject, or not at all. */
	ck_assert(cats2("Kr\xc3\xa6" "ftsyg igen", "Han vil ikke have, at det kommer ud.") &
	    HEALTH);
	ck_assert(cats2("Per V. har f\xc3\xa5" "et kr\xc3\xa6" "ft", "Se emnet.") & HEALTH);
	ck_assert_uint_eq(cats2("Kr\xc3\xa6" "ftsyg igen", "Vi ses i morgen."), 0);
	/* A body that cannot be decoded as UTF-8 is still read. */
	ck_assert(cats2(NULL, "\xff Anne Holm er kr\xc3\xa6" "ftsyg.") & HEALTH);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("kwfast");
	TCase *tc = tcase_create("parts");
	TCase *tk = tcase_create("keywords");

	tcase_add_test(tc, set_basics);
	tcase_add_test(tc, canon_words);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tk, kw_setup, kw_teardown);
	tcase_add_test(tk, kw_short_words);
	tcase_add_test(tk, kw_phrase_anchor);
	tcase_add_test(tk, kw_disclaimer_pass);
	tcase_add_test(tk, kw_subject_person);
	suite_add_tcase(s, tk);
	return s;
}

int
main(void)
{
	int failed;

	failed = tu_run(suite(), NULL) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
