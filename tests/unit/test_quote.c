/* test_quote: fquote_split() on reply and forward shapes that Danish mail
 * clients produce, and fhtml_to_text() on the HTML forms of the same. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "detect/detect.h"
#include "analyse/html.h"
#include "analyse/message.h"
#include "analyse/quote.h"
#include "tmain.h"

/* Each sample: text, a phrase that must be authored (or NULL) and phrases
 * that must be quoted; a phrase must never land on both sides. */
static const struct {
	const char *name, *text;
	const char *authored[3];
	const char *quoted[4];
} samples[] = {
	{ "gt-quoting",
	  "Ja, det er fint.\n> Kan vi flytte m\xc3\xb8""det?\n>> Borgeren 140549-0389 ringede.\n"
	  "> > Dybt citat\n",
	  { "Ja, det er fint.", NULL }, { "Kan vi flytte", "Borgeren 140549-0389", "Dybt citat", NULL } },
	{ "bottom-posting",
	  "Anne Holm skrev:\n> Hvorn\xc3\xa5r er m\xc3\xb8""det?\n>> Tidligere linje\n\n"
	  "Mit svar st\xc3\xa5r nedenunder: torsdag.\n\n> Og stedet?\n\nR\xc3\xa5""dhuset.\n",
	  { "Mit svar st\xc3\xa5r nedenunder", "R\xc3\xa5""dhuset.", NULL },
	  { "Anne Holm skrev:", "Hvorn\xc3\xa5r er", "Og stedet?", "Tidligere linje" } },
	{ "outlook-da",
	  "Tak, jeg vender tilbage.\n\nMvh Jens\n\nFra: Anne Holm <anne@x.dk>\n"
	  "Sendt: 3. november 2026 10:12\nTil: Jens Hansen <jens@bakkeby.dk>\nEmne: Sag\n\n"
	  "Borgeren har CPR 140549-0389.\nUden citattegn.\n",
	  { "Tak, jeg vender tilbage.", "Mvh Jens", NULL },
	  { "Fra: Anne Holm", "Emne: Sag", "140549-0389", "Uden citattegn." } },
	{ "outlook-da-bold",
	  "Svar.\n\n*Fra:* Anne Holm <anne@x.dk>\n*Sendt:* 3. november 2026 10:12\n\nGammel tekst\n",
	  { "Svar.", NULL }, { "Gammel tekst", NULL } },
	{ "outlook-da-indented",
	  "Svar.\n\n  Fra: Anne Holm <anne@x.dk>\r\n  Dato: 3. november 2026\r\n\r\nGammel tekst\r\n",
	  { "Svar.", NULL }, { "Gammel tekst", NULL } },
	{ "outlook-en",
	  "Thanks.\n\nFrom: Anne Holm <anne@x.dk>\nSent: Tuesday, November 3, 2026 10:12 AM\n"
	  "To: Jens\nSubject: Case\n\nOld text\n",
	  { "Thanks.", NULL }, { "From: Anne Holm", "Old text", NULL } },
	{ "oprindelig",
	  "Se nedenfor.\n\n-----Oprindelig meddelelse-----\nFra: Anne\nGammel tekst\n",
	  { "Se nedenfor.", NULL }, { "-----Oprindelig meddelelse-----", "Gammel tekst", NULL } },
	{ "original",
	  "See below.\n-----Original Message-----\nFrom: Anne\nOld text\n",
	  { "See below.", NULL }, { "Old text", NULL } },
	{ "gmail-da",
	  "Det lyder godt.\n\nDen tir. 3. nov. 2026 kl. 10.12 skrev Anne Holm <anne@x.dk>:\n\n"
	  "> Borgeren er kr\xc3\xa6""ftsyg.\n> Hilsen Anne\n",
	  { "Det lyder godt.", NULL },
	  { "Den tir. 3. nov. 2026 kl. 10.12 skrev Anne Holm", "kr\xc3\xa6""ftsyg", "Hilsen Anne", NULL } },
	{ "gmail-en",
	  "Sounds good.\n\nOn Tue, Nov 3, 2026 at 10:12 AM Anne <a@x> wrote:\n> Old text\n\nBelow.\n",
	  { "Sounds good.", "Below.", NULL }, { "On Tue, Nov 3, 2026", "Old text", NULL } },
	{ "apple-forward",
	  "Til orientering.\n\nStart p\xc3\xa5 videresendt e-mail:\n\nFra: Anne Holm <anne@x.dk>\n"
	  "Emne: Sag\nDato: 3. november 2026 kl. 10.12.03 CET\nTil: Jens\n\nGammel tekst\n",
	  { "Til orientering.", NULL }, { "Gammel tekst", "Fra: Anne Holm", NULL } },
	{ "apple-forward-en",
	  "FYI\n\nBegin forwarded message:\n\nFrom: Anne <a@x>\nSubject: Case\n\nOld text\n",
	  { "FYI", NULL }, { "Old text", NULL } },
	{ "gmail-forward",
	  "FYI\n\n---------- Forwarded message ---------\nFrom: Anne <a@x>\nDate: Tue, Nov 3, 2026\n\n"
	  "Old text\n",
	  { "FYI", NULL }, { "Old text", NULL } },
	{ "not-an-opener",
	  "Fra: Bakkeby Kommune har vi f\xc3\xa5""et svar.\nDet er en god sag.\n",
	  { "Fra: Bakkeby Kommune", "Det er en god sag.", NULL }, { NULL } },
	{ "not-an-opener-2",
	  "Fra: Bakkeby\n\nSendt: i g\xc3\xa5r\nMere tekst.\n",
	  { "Fra: Bakkeby", "Mere tekst.", NULL }, { NULL } },
	{ "plain",
	  "Hej Anne\n\nM\xc3\xb8""det er torsdag kl. 10.\n\nMvh Jens\n",
	  { "Hej Anne", "torsdag kl. 10.", "Mvh Jens" }, { NULL } },
};

static int
has(const struct fbuf *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

START_TEST(split_samples)
{
	struct fbuf a, q;
	const char *t = samples[_i].text;

	fbuf_init(&a, 0);
	fbuf_init(&q, 0);
	ck_assert_int_eq(fquote_split(t, strlen(t), &a, &q), 0);
	for (size_t k = 0; k < 3 && samples[_i].authored[k]; k++) {
		const char *p = samples[_i].authored[k];
		ck_assert_msg(has(&a, p), "%s: \"%s\" not authored:\n[%s]", samples[_i].name, p,
		    fbuf_str(&a));
		ck_assert_msg(!has(&q, p), "%s: \"%s\" also quoted", samples[_i].name, p);
	}
	for (size_t k = 0; k < 4 && samples[_i].quoted[k]; k++) {
		const char *p = samples[_i].quoted[k];
		ck_assert_msg(has(&q, p), "%s: \"%s\" not quoted:\n[%s]", samples[_i].name, p,
		    fbuf_str(&q));
		ck_assert_msg(!has(&a, p), "%s: \"%s\" also authored", samples[_i].name, p);
	}
	if (samples[_i].quoted[0] == NULL)
		ck_assert_msg(q.len == 0, "%s: quoted [%s]", samples[_i].name, fbuf_str(&q));
	/* Markers are removed and no line is lost. */
	ck_assert_msg(!has(&q, "\n>") && (q.len == 0 || q.data[0] != '>'), "%s: marker kept",
	    samples[_i].name);
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* Lines keep their order and their text (minus markers), CRLF or LF. */
START_TEST(split_exact)
{
	static const char t[] = "Svar\r\n> a\r\n>>b\r\n\r\n>  > c\r\nslut";
	struct fbuf a, q;

	fbuf_init(&a, 0);
	fbuf_init(&q, 0);
	ck_assert_int_eq(fquote_split(t, strlen(t), &a, &q), 0);
	ck_assert_str_eq(fbuf_str(&a), "Svar\n\nslut\n");
	ck_assert_str_eq(fbuf_str(&q), "a\nb\nc\n");
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

START_TEST(opener_lines)
{
	static const struct {
		const char *line, *next;
		int opener;
	} t[] = {
		{ "Fra: Anne Holm <anne@x.dk>", "Sendt: 3. november 2026 10:12", 1 },
		{ "From: Anne", "Sent: Tuesday", 1 },
		{ "From: Anne", "Date: Tue", 1 },
		{ "FRA: Anne", "TIL: Jens", 1 },
		{ "-----Oprindelig meddelelse-----", NULL, 1 },
		{ "   -----Original Message-----", NULL, 1 },
		{ "---------- Forwarded message ---------", NULL, 1 },
		{ "Begin forwarded message:", NULL, 1 },
		{ "Start p\xc3\xa5 videresendt e-mail:", NULL, 1 },
		{ "Fra: Bakkeby", NULL, 0 },
		{ "Fra: Bakkeby", "", 0 },
		{ "Fra: Bakkeby", "Kommune har skrevet", 0 },
		{ "Fra kl. 10 til 12", "Sendt: i dag", 0 },
		{ "Sendt: 3. november", "Fra: Anne", 0 },
		{ "Hej", NULL, 0 },
		{ "", NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(fquote_is_opener(t[i].line, strlen(t[i].line), t[i].next,
		    t[i].next ? strlen(t[i].next) : 0) == t[i].opener, "\"%s\" / \"%s\": want %d",
		    t[i].line, t[i].next ? t[i].next : "(none)", t[i].opener);
}
END_TEST

/* ---- HTML ---- */

static char *
html_text(const char *html)
{
	struct fbuf b;

	fbuf_init(&b, 0);
	ck_assert_int_eq(fhtml_to_text(html, strlen(html), &b), 0);
	return b.data ? fbuf_take(&b) : strdup("");
}

static void
html_split(const char *html, struct fbuf *a, struct fbuf *q)
{
	char *t = html_text(html);

	fbuf_init(a, 0);
	fbuf_init(q, 0);
	ck_assert_int_eq(fquote_split(t, strlen(t), a, q), 0);
	free(t);
}

START_TEST(html_blockquote)
{
	char *t = html_text("<html><body><p>Mit svar</p>"
	    "<blockquote>Citat her<blockquote>Dybere</blockquote></blockquote>"
	    "<p>Efter</p></body></html>");
	struct fbuf a, q;

	ck_assert_msg(strstr(t, "> Citat her") != NULL, "[%s]", t);
	ck_assert_msg(strstr(t, "> > Dybere") != NULL, "[%s]", t);
	ck_assert_msg(strstr(t, "Mit svar\n") == t, "[%s]", t);
	free(t);
	html_split("<p>Mit svar</p><blockquote>Citat her</blockquote><p>Efter</p>", &a, &q);
	ck_assert(has(&a, "Mit svar") && has(&a, "Efter") && !has(&a, "Citat"));
	ck_assert(has(&q, "Citat her"));
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

START_TEST(html_gmail_quote)
{
	struct fbuf a, q;

	html_split("<div dir=\"ltr\">Det lyder godt.</div><br>"
	    "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
	    "Den tir. 3. nov. 2026 kl. 10.12 skrev Anne Holm &lt;<a href=\"mailto:anne@x.dk\">"
	    "anne@x.dk</a>&gt;:<br></div>"
	    "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">"
	    "<div>Borgeren 140549-0389 er syg.</div></blockquote></div>", &a, &q);
	ck_assert_msg(has(&a, "Det lyder godt."), "[%s]", fbuf_str(&a));
	ck_assert_msg(!has(&a, "Borgeren") && !has(&a, "skrev"), "[%s]", fbuf_str(&a));
	ck_assert_msg(has(&q, "Borgeren 140549-0389 er syg."), "[%s]", fbuf_str(&q));
	ck_assert_msg(has(&q, "skrev Anne Holm"), "[%s]", fbuf_str(&q));
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* Outlook's HTML reply: no blockquote, only the divRplyFwdMsg header box. */
START_TEST(html_outlook_divrplyfwdmsg)
{
	struct fbuf a, q;
	char *t = html_text("<div>Jeg svarer i morgen.</div><hr style=\"display:inline-block\">"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>Fra:</b> Anne Holm"
	    "<br><b>Sendt:</b> 3. november 2026 10:12<br><b>Til:</b> Jens<br>"
	    "<b>Emne:</b> Sag</font></div><div>Borgeren 140549-0389 er syg.</div>");

	ck_assert_msg(strstr(t, "\n-----Original Message-----\n") != NULL, "[%s]", t);
	free(t);
	html_split("<div>Jeg svarer i morgen.</div><hr>"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>Fra:</b> Anne Holm<br><b>Sendt:</b> "
	    "3. november 2026</div><div>Borgeren 140549-0389 er syg.</div>", &a, &q);
	ck_assert_msg(has(&a, "Jeg svarer i morgen."), "[%s]", fbuf_str(&a));
	ck_assert_msg(!has(&a, "Borgeren"), "[%s]", fbuf_str(&a));
	ck_assert_msg(has(&q, "Borgeren 140549-0389"), "[%s]", fbuf_str(&q));
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* Outlook desktop: the header block is plain paragraphs with bold labels
 * and no-break spaces; the text opener "Fra:/Sendt:" must still be seen. */
START_TEST(html_outlook_desktop)
{
	struct fbuf a, q;

	html_split("<div class=\"WordSection1\"><p class=\"MsoNormal\">Det ordner jeg.<o:p></o:p></p>"
	    "<p class=\"MsoNormal\">&nbsp;<o:p></o:p></p>"
	    "<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">"
	    "<p class=\"MsoNormal\"><b><span lang=\"DA\">Fra:</span></b><span lang=\"DA\">"
	    "&nbsp;Anne Holm &lt;anne@x.dk&gt;<br><b>Sendt:</b>&nbsp;3. november 2026 10:12<br>"
	    "<b>Til:</b>&nbsp;Jens<br><b>Emne:</b>&nbsp;Sag<o:p></o:p></span></p></div>"
	    "<p class=\"MsoNormal\">Borgeren 140549-0389 er syg.<o:p></o:p></p></div>", &a, &q);
	ck_assert_msg(has(&a, "Det ordner jeg."), "[%s]", fbuf_str(&a));
	ck_assert_msg(!has(&a, "Borgeren") && !has(&a, "Anne Holm"), "[%s]", fbuf_str(&a));
	ck_assert_msg(has(&q, "Borgeren 140549-0389"), "[%s]", fbuf_str(&q));
	fbuf_free(&a);
	fbuf_free(&q);
}
END_TEST

/* A CPR number split over two table cells still reads as one. */
START_TEST(html_table_cells_cpr)
{
	char *t = html_text("<table><tr><td>Navn</td><td>CPR</td></tr>"
	    "<tr><td>Anne Holm</td><td>140549</td><td>-0389</td></tr></table>");
	size_t len = strlen(t), end = 0;
	int found = -1;

	for (size_t i = 0; i < len; i++) {
		char mk[16];
		if (isdigit((unsigned char)t[i]) &&
		    fcpr_candidate(t, len, i, NULL, 20260601, &end, mk) >= 50) {
			found = (int)i;
			ck_assert_str_eq(mk, "140549-XXXX");
			break;
		}
	}
	ck_assert_msg(found >= 0, "no CPR in [%s]", t);
	ck_assert_msg(strstr(t, "Anne Holm") != NULL, "[%s]", t);
	free(t);
}
END_TEST

/* Scripts and styles are not text; entities are decoded. */
START_TEST(html_scripts_entities)
{
	char *t = html_text("<html><head><title>T</title><style>p{}</style></head><body>"
	    "<script>var x = 1;</script><p>R&aring;dhus &amp; b&oslash;rn</p></body></html>");

	ck_assert_msg(strstr(t, "var x") == NULL && strstr(t, "p{}") == NULL, "[%s]", t);
	ck_assert_msg(strstr(t, "R\xc3\xa5""dhus & b\xc3\xb8""rn") != NULL, "[%s]", t);
	free(t);
}
END_TEST

static Suite *
quote_suite(void)
{
	Suite *s = suite_create("quote");
	TCase *tc = tcase_create("split");

	tcase_add_loop_test(tc, split_samples, 0, (int)(sizeof(samples) / sizeof(samples[0])));
	tcase_add_test(tc, split_exact);
	tcase_add_test(tc, opener_lines);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_test(tc, html_blockquote);
	tcase_add_test(tc, html_gmail_quote);
	tcase_add_test(tc, html_outlook_divrplyfwdmsg);
	tcase_add_test(tc, html_outlook_desktop);
	tcase_add_test(tc, html_table_cells_cpr);
	tcase_add_test(tc, html_scripts_entities);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	failed = tu_run(quote_suite(), NULL) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
