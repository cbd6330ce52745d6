/* test_split: reply and forward shapes of Outlook, Gmail, Apple Mail and
 * Thunderbird (Danish and English), signatures and disclaimers (fsig), and
 * the keyword engine (whole words, æøå, exclusions, window rule). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "detect/detect.h"
#include "analyse/html.h"
#include "detect/keywords/keywords.h"
#include "analyse/message.h"
#include "analyse/quote.h"
#include "analyse/signoff.h"

static const struct {
	const char *name, *text, *authored, *quoted;
} samples[] = {
	{ "outlook-da-top",
	  "Jeg tager den med p\xc3\xa5 m\xc3\xb8""det.\r\n\r\nMed venlig hilsen\r\nJens Hansen\r\n\r\n"
	  "Fra: Anne Holm <anne.holm@bakkeby.dk>\r\nSendt: 3. november 2026 10:12\r\n"
	  "Til: Jens Hansen <jens@bakkeby.dk>\r\nCc: Team\r\nEmne: SV: Borger\r\n\r\n"
	  "Borgeren er indlagt p\xc3\xa5 psykiatrisk afdeling.\r\n",
	  "Jeg tager den med", "indlagt p\xc3\xa5 psykiatrisk" },
	{ "outlook-en-top",
	  "Agreed.\n\nFrom: Anne Holm <anne@x.dk>\nSent: Tuesday, November 3, 2026 10:12 AM\n"
	  "To: Jens\nSubject: RE: Case\n\nThe citizen was charged.\n",
	  "Agreed.", "was charged" },
	{ "gmail-da-wrapped",
	  "Tak!\n\nDen tir. 3. nov. 2026 kl. 10.12 skrev Anne Holm <\nanne.holm@example.dk>:\n\n"
	  "> Hun er sygemeldt med stress.\n",
	  "Tak!", "anne.holm@example.dk>:" },
	{ "gmail-en-wrapped",
	  "Thanks\n\nOn Tue, Nov 3, 2026 at 10:12 AM Anne Holm <\nanne@example.com> wrote:\n\n> Old\n",
	  "Thanks", "anne@example.com> wrote:" },
	{ "apple-da-reply",
	  "Fint.\n\n> Den 3. nov. 2026 kl. 10.12 skrev Anne Holm <anne@x.dk>:\n>\n> Gammel\n",
	  "Fint.", "Gammel" },
	{ "apple-da-forward",
	  "Se her.\n\nStart p\xc3\xa5 videresendt besked:\n\n> Fra: Anne <a@x.dk>\n> Emne: Sag\n\n"
	  "Videresendt tekst uden mark\xc3\xb8r\n",
	  "Se her.", "Videresendt tekst uden" },
	{ "thunderbird-da",
	  "Svar nedenfor.\n\nDen 03.11.2026 kl. 10.12 skrev Anne Holm:\n> Sp\xc3\xb8rgsm\xc3\xa5l\n\nSvar 1\n",
	  "Svar 1", "Den 03.11.2026 kl. 10.12 skrev Anne Holm:" },
	{ "thunderbird-en",
	  "See below.\n\nOn 03/11/2026 10:12, Anne Holm wrote:\n> Question\n\nAnswer\n",
	  "Answer", "Question" },
	{ "thunderbird-forward",
	  "FYI\n\n-------- Videresendt meddelelse --------\nEmne: Sag\nDato: 3. nov\n\nTekst\n",
	  "FYI", "Tekst" },
	{ "gmail-forward-da",
	  "Til orientering\n\n---------- Videresendt besked ---------\nFra: Anne <a@x>\n"
	  "Date: 3. nov. 2026\n\nGammel\n",
	  "Til orientering", "Gammel" },
	{ "outlook-videresendt",
	  "Se nedenfor\n\n-----Videresendt meddelelse-----\nFra: Anne\nSendt: 3. nov\n\nGammel\n",
	  "Se nedenfor", "Gammel" },
	{ "nested",
	  "Svar\n> Niveau 1\n> > Niveau 2\n>>> Niveau 3\n", "Svar", "Niveau 3" },
	{ "bare-phrase-is-text",
	  "Original message sent yesterday was wrong.\nSecond line\n", "Second line", NULL },
};

static int
has(const struct fbuf *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

START_TEST(split_shapes)
{
	struct fbuf a, q;
	const char *t = samples[_i].text;

	fbuf_init(&a, 0);
	fbuf_init(&q, 0);
	ck_assert_int_eq(fquote_split(t, strlen(t), &a, &q), 0);
	ck_assert_msg(has(&a, samples[_i].authored) && !has(&q, samples[_i].authored),
	    "%s: authored [%s] quoted [%s]", samples[_i].name, fbuf_str(&a), fbuf_str(&q));
	if (samples[_i].quoted)
		ck_assert_msg(has(&q, samples[_i].quoted) && !has(&a, samples[_i].quoted),
		    "%s: authored [%s] quoted [%s]", samples[_i].name, fbuf_str(&a), fbuf_str(&q));
	else
		ck_assert_msg(q.len == 0, "%s: quoted [%s]", samples[_i].name, fbuf_str(&q));
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* Outlook desktop: a border-top div with bold labels and &nbsp;. */
START_TEST(html_outlook_desktop)
{
	static const char html[] = "<html><body><div class=WordSection1><p class=MsoNormal>"
	    "Det er fint.<o:p></o:p></p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt;"
	    "padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>Fra:</b>&nbsp;Anne Holm "
	    "&lt;anne@x.dk&gt;<br><b>Sendt:</b>&nbsp;3. november 2026 10:12<br><b>Til:</b>&nbsp;Jens"
	    "<br><b>Emne:</b>&nbsp;Sag</p></div></div><p class=MsoNormal>Borgeren er sigtet.</p>"
	    "</div></body></html>";
	struct fbuf t, a, q;

	fbuf_init(&t, 0);
	fbuf_init(&a, 0);
	fbuf_init(&q, 0);
	ck_assert_int_eq(fhtml_to_text(html, strlen(html), &t), 0);
	ck_assert_int_eq(fquote_split(t.data, t.len, &a, &q), 0);
	ck_assert_msg(has(&a, "Det er fint.") && !has(&a, "sigtet"), "[%s]", fbuf_str(&a));
	ck_assert_msg(has(&q, "Borgeren er sigtet."), "[%s]", fbuf_str(&q));
	fbuf_free(&t);
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* ---- signatures and disclaimers ---- */

static int
covered(const char *t, const char *phrase)
{
	struct fsig g = { NULL, 0, 0 };
	const char *p = strstr(t, phrase);
	int r;

	ck_assert_ptr_nonnull(p);
	fsignoff_find(t, strlen(t), &g);
	r = fsignoff_covers(&g, (size_t)(p - t));
	fsignoff_free(&g);
	return r;
}

START_TEST(sig_blocks)
{
	static const char t1[] = "Hej Poul\n\nBorgeren har kr\xc3\xa6""ft.\n\nMed venlig hilsen\n"
	    "Anne Holm\nTeamleder, Psykiatri og Misbrug\nBakkeby Kommune\nTlf. 22 31 40 59\n\n"
	    "FORTROLIGHED: Denne e-mail er udelukkende beregnet for modtageren. Hvis du har "
	    "modtaget den ved en fejl, bedes du slette den.\n";
	static const char t2[] = "Thanks\n\nBest regards,\nJohn Smith\n\nThis email and any "
	    "attachments may contain confidential information.\n";
	static const char t3[] = "Mvh Jens\n\nPS: Borgeren er tvangsindlagt igen, det er en lang "
	    "historie som jeg fort\xc3\xa6ller om senere.\n";
	static const char t4[] = "Hilsen fra os alle sammen her i byr\xc3\xa5""det, vi har haft en "
	    "god dag: FORTROLIGT\n";
	static const char t5[] = "Ok\n\n-- \nJens\nSendt fra min iPhone\n";

	ck_assert(covered(t1, "Psykiatri og Misbrug"));
	ck_assert(covered(t1, "Anne Holm"));
	ck_assert(covered(t1, "FORTROLIGHED"));
	ck_assert(!covered(t1, "kr\xc3\xa6""ft"));
	ck_assert(covered(t2, "John Smith"));
	ck_assert(covered(t2, "may contain confidential"));
	ck_assert(!covered(t2, "Thanks"));
	ck_assert(!covered(t3, "tvangsindlagt"));
	ck_assert(!covered(t4, "FORTROLIGT"));
	ck_assert(covered(t5, "Jens"));
}
END_TEST

/* A long thread has a signature per message: text after the sixteenth
 * still counts (a fixed table once swallowed all of it). */
START_TEST(sig_long_thread)
{
	char t[16384];
	const char *p;
	size_t o = 0;

	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(t + o, sizeof(t) - o, "Svar nummer %02d om sagen.\n\n"
		    "Mvh\nPerson%02d Hansen\n\nDen tir. 3. nov. 2026 kl. 10.%02d skrev "
		    "Person%02d Hansen <p%02d@bakkeby.dk>:\n\n", i, i, i, i + 1, i + 1);
	ck_assert(o < sizeof(t));
	ck_assert(!covered(t, "Svar nummer 00"));
	ck_assert(!covered(t, "Svar nummer 17"));
	ck_assert(!covered(t, "Svar nummer 39"));
	ck_assert(covered(t, "Person39 Hansen\n"));
	p = strstr(t, "Person20 Hansen\n");
	ck_assert_ptr_nonnull(p);
	ck_assert(covered(t, "Person20 Hansen\n"));
	/* The attribution after a signature is not part of it. */
	ck_assert(!covered(t, "Den tir. 3. nov. 2026 kl. 10.20"));
}
END_TEST

/* "Mvh Jens" in the quoted history must not swallow the older message
 * quoted under it: an attribution or a deeper quote level ends it. */
START_TEST(sig_ends_at_earlier_message)
{
	static const char q[] = "Tak.\n\nMvh\nJens\n\nDen man. 2. nov. 2026 kl. 09.00 skrev "
	    "Ole Berg <ole.berg@bakkeby.dk>:\nBorgeren Per V. har kr\xc3\xa6""ft.\n";
	static const char b[] = "Ja.\n\n> Tak.\n>\n> Mvh\n> Jens\n>\n>> Borgeren Per V. har "
	    "kr\xc3\xa6""ft.\n";
	static const char w[] = "Thanks\n\nBest regards\nJohn\n\nOn Mon, 2 Nov 2026 at 09:00, "
	    "Ole Berg <ole.berg@bakkeby.dk> wrote:\nPer has cancer.\n";

	ck_assert(covered(q, "Jens"));
	ck_assert(!covered(q, "Borgeren"));
	ck_assert(covered(b, "Jens"));
	ck_assert(!covered(b, "Borgeren"));
	ck_assert(covered(w, "John"));
	ck_assert(!covered(w, "Per has"));
}
END_TEST

/* Every closing and app phrase, in three spellings, still opens a
 * signature (the two-letter pre-check in fsig must know each one). */
START_TEST(sig_every_closing)
{
	for (int apps = 0; apps <= 1; apps++) {
		size_t n;
		const char *const *v = fsignoff_closings(apps, &n);
		ck_assert_uint_gt(n, 5);
		for (size_t i = 0; i < n; i++)
			for (int form = 0; form < 3; form++) {
				char t[256];
				size_t l = (size_t)snprintf(t, sizeof(t), "Tak for i dag.\n\n%s\nJens Nielsen\n",
				    v[i]);
				char *p = t + strlen("Tak for i dag.\n\n");
				for (size_t k = 0; form > 0 && p[k] != '\n'; k++)
					if ((form == 2 || k == 0) && p[k] >= 'a' && p[k] <= 'z')
						p[k] = (char)(p[k] - 32);
				ck_assert(l < sizeof(t));
				ck_assert_msg(covered(t, "Jens Nielsen"), "%s (form %d)", v[i], form);
				ck_assert_msg(!covered(t, "Tak for"), "%s", v[i]);
			}
	}
}
END_TEST

START_TEST(sig_disclaimer_paragraphs)
{
	static const char *const yes[] = {
		"Denne mail kan indeholde fortrolige oplysninger.",
		"If you have received this e-mail in error, please notify the sender.",
		"CONFIDENTIALITY NOTICE: The information is for the addressee.",
		"Fortrolighedserkl\xc3\xa6ring\nIndholdet er til modtageren.",
	};
	static const char *const no[] = {
		"Sagen er fortrolig, og borgeren er indlagt.",
		"FORTROLIGT: referat fra lukket punkt.",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(fsignoff_is_disclaimer(yes[i], 0, strlen(yes[i])), "%s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!fsignoff_is_disclaimer(no[i], 0, strlen(no[i])), "%s", no[i]);
}
END_TEST

/* ---- keyword engine on the shipped word lists ---- */

#include "tkw.h"
#include "tmain.h"

/* Categories found in text as a body segment (and the where of each). */
static unsigned
kw_cats(const char *text, enum fwhere where)
{
	struct fmsg m;
	struct ffindings f = { 0 };
	unsigned cats;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(fsegs_add(&m.segs, where, text, strlen(text)), 0);
	ck_assert_int_eq(fkw_scan(&conf, &m, &f), 0);
	for (size_t i = 0; i < f.n; i++)
		ck_assert_int_eq(f.v[i].where, where);
	cats = ffindings_cats(&f);
	ffindings_free(&f);
	fsegs_free(&m.segs);
	return cats;
}

#define HEALTH (1u << FCAT_HEALTH)
#define SOCIAL (1u << FCAT_SOCIAL)
#define CRIMINAL (1u << FCAT_CRIMINAL)

START_TEST(kw_whole_words)
{
	/* Inflections and compounds of listed stems. */
	ck_assert(kw_cats("Hans mor har fået lungekræft og får kemoterapien nu.", FWHERE_BODY) &
	    HEALTH);
	ck_assert(kw_cats("Borgeren Per Hansen er sigtet for vold og blev anholdt i går.",
	    FWHERE_QUOTED) & CRIMINAL);
	/* Exclusions and æøå boundaries: "bekræfte" is no "kræft". */
	ck_assert_uint_eq(kw_cats("Kan du bekræfte, at Anne Holm kommer? Hun bekræftede "
	    "det i går, og han bekræfter også.", FWHERE_BODY), 0);
	/* One common policy word does not flag a political mail. */
	ck_assert_uint_eq(kw_cats("Byrådet skal drøfte psykiatrien og budgettet for "
	    "handicapområdet på mandag.", FWHERE_BODY), 0);
}
END_TEST

START_TEST(kw_window_and_signature)
{
	struct fbuf b;
	char *t;

	/* The terms are far apart: no window holds both with a person. */
	fbuf_init(&b, 0);
	fbuf_adds(&b, "Anne Holm er kræftsyg.");
	for (int i = 0; i < 80; i++)
		fbuf_adds(&b, " bla");
	ck_assert(kw_cats(fbuf_str(&b), FWHERE_BODY) & HEALTH);
	fbuf_free(&b);
	/* Department names in a signature are not about the case. */
	t = "Hej\n\nVi ses til mødet om budgettet.\n\nMed venlig hilsen\nAnne Holm\n"
	    "Afdelingsleder, Psykiatri og Misbrug, Sundhed og Omsorg\nTlf. 22 31 40 59\n";
	ck_assert_uint_eq(kw_cats(t, FWHERE_BODY), 0);
	/* A signature in the quoted history ends where the older message starts:
	 * the case quoted under "Mvh Jens" is still read. */
	t = "Tak.\n\nMvh\nJens\n\nDen man. 2. nov. 2026 kl. 09.00 skrev Ole Berg "
	    "<ole.berg@bakkeby.dk>:\nBorgeren Per V. har f\xc3\xa5""et konstateret kr\xc3\xa6""ft "
	    "og er indlagt.\n";
	ck_assert(kw_cats(t, FWHERE_QUOTED) & HEALTH);
}
END_TEST

/* Every disclaimer phrase is found by the keyword pass (anchored on a later
 * word): the case words of its paragraph do not count, in capitals too and
 * when the phrase starts inside a word. Without the phrase they do. */
static unsigned
kw_disc_form(const char *c, const char *lead, const char *phrase, int caps)
{
	char t[512];
	int l = snprintf(t, sizeof(t), "Hej\n\n%s. %s%s.\n\nVi ses.\n", c, lead, phrase);

	ck_assert(l > 0 && (size_t)l < sizeof(t));
	for (char *p = t; caps && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return kw_cats(t, FWHERE_BODY);
}

START_TEST(kw_every_disclaimer_phrase)
{
	static const char *const lead[] = { "Bem\xc3\xa6rk: ", "TEKST", "" };
	const char *c = "Borgeren Per V. har kr\xc3\xa6""ft og misbrug og er indlagt";
	size_t n;
	const char *const *v = fsignoff_phrases(&n);

	ck_assert_uint_gt(n, 10);
	for (int form = 0; form < 3; form++)
		ck_assert_msg(kw_disc_form(c, lead[form], "", form == 1) & HEALTH, "form %d", form);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(strchr(v[i], ' ') != NULL, "one-word phrase: %s", v[i]);
		for (int form = 0; form < 3; form++)
			ck_assert_msg(kw_disc_form(c, lead[form], v[i], form == 1) == 0, "%s (form %d)",
			    v[i], form);
	}
}
END_TEST

/* Neglect told in plain words is a social case; the same words about the
 * municipality are not. */
START_TEST(kw_neglect_plain_words)
{
	ck_assert(kw_cats("Drengen bor nu hos sin moster, fordi hans mor ikke kan tage sig af "
	    "ham, n\xc3\xa5r hun har drukket.", FWHERE_BODY) & SOCIAL);
	ck_assert_uint_eq(kw_cats("Kommunen kan ikke tage sig af alle opgaver i \xc3\xa5r, s\xc3\xa5 "
	    "budgettet skal prioriteres.", FWHERE_BODY), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("quote");
	TCase *tk = tcase_create("keywords");

	tcase_add_loop_test(tc, split_shapes, 0, (int)(sizeof(samples) / sizeof(samples[0])));
	tcase_add_test(tc, html_outlook_desktop);
	tcase_add_test(tc, sig_blocks);
	tcase_add_test(tc, sig_long_thread);
	tcase_add_test(tc, sig_ends_at_earlier_message);
	tcase_add_test(tc, sig_every_closing);
	tcase_add_test(tc, sig_disclaimer_paragraphs);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tk, kw_setup, kw_teardown);
	tcase_add_test(tk, kw_whole_words);
	tcase_add_test(tk, kw_window_and_signature);
	tcase_add_test(tk, kw_neglect_plain_words);
	tcase_add_test(tk, kw_every_disclaimer_phrase);
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
