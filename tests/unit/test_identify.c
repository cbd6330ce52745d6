/* test_identify: who a finding is about, and what a marking is, with the
 * shipped word lists
 * (lib/detect/keywords/words). A health, social, criminal or private
 * finding needs an identifiable individual tied to it; groups, statistics,
 * the writer herself and the mail's own addressee are not one. Each case is
 * a kind of mail, each written here, not taken from a corpus. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyse/message.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir;
static struct fconf *conf;

#define MAIL(from, to, subject, body) \
	"From: " from "\r\nTo: " to "\r\nSubject: " subject "\r\n" \
	"Message-ID: <t@bakkeby.dk>\r\nMIME-Version: 1.0\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" body

static const struct {
	const char *name, *msg;
	int confidential;
} cases[] = {
	{ "named citizen, everyday dementia words",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Lotte <lotte@gmail.com>", "Koret",
	  "Hej Lotte\r\n\r\nVi har en i koret, Gerda Mikkelsen, som farer vild, når hun "
	  "g\xc3\xa5r tur, og hun genkender ikke sin s\xc3\xb8n mere.\r\n\r\nKram Anne\r\n"), 1 },
	{ "a given name alone is a person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Karin",
	  "Hej Ole\r\n\r\nKarin er blevet tvangsindlagt p\xc3\xa5 psykiatrisk afdeling.\r\n"), 1 },
	{ "a street address is a person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Naboen",
	  "Hej Ole\r\n\r\nLejeren p\xc3\xa5 Engvej 12 er sigtet for brandstiftelse.\r\n"), 1 },
	{ "an organisation is not a name",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Tal",
	  "Hej Ole\r\n\r\nIf\xc3\xb8lge Danmarks Statistik er tvangsindl\xc3\xa6ggelser "
	  "og skizofreni steget i Region Syddanmark.\r\n"), 0 },
	{ "the member's own illness",
	  MAIL("Karina Dahl <kd@bakkeby.dk>", "J\xc3\xb8rgen <j@gmail.com>", "Mig",
	  "K\xc3\xa6re J\xc3\xb8rgen\r\n\r\nJeg har f\xc3\xa5""et konstateret kr\xc3\xa6""ft "
	  "og skal have kemo. Jeg er sygemeldt i seks uger.\r\n\r\nKarina\r\n"), 0 },
	{ "the member writes about her father",
	  MAIL("Karina Dahl <kd@bakkeby.dk>", "J\xc3\xb8rgen <j@gmail.com>", "Far",
	  "K\xc3\xa6re J\xc3\xb8rgen\r\n\r\nMin far har f\xc3\xa5""et konstateret kr\xc3\xa6""ft "
	  "og skal have kemo.\r\n"), 1 },
	{ "the addressee is not the case",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Claus Bech <claus@gmail.com>", "M\xc3\xb8""de",
	  "Jeg er indlagt med en blodprop.\r\n\r\nClaus, kan du tage m\xc3\xb8""det torsdag?\r\n"), 0 },
	{ "counts and quantifiers are groups",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Kriminalitet",
	  "Hej Ole\r\n\r\nAntallet af sigtede for spiritusk\xc3\xb8rsel steg til 58 sigtede, "
	  "og 42 anbringelser blev besluttet.\r\n"), 0 },
	{ "a labelled ten-digit number is not a CPR number",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Booking",
	  "Hej Ole\r\n\r\nVores reservationsnr. er 2611262704, og group reservation no. "
	  "2611262704 gælder til oktober.\r\n"), 0 },
	{ "a public text's role words name nobody",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Pressemeddelelse",
	  "PRESSEMEDDELELSE\r\n\r\nEn 34-\xc3\xa5rig mand er sigtet for indbrud, og han er "
	  "anholdt.\r\n"), 0 },
	{ "a public text still names a named person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Pressemeddelelse",
	  "PRESSEMEDDELELSE\r\n\r\nKarsten Holm er sigtet for indbrud, og han er "
	  "anholdt.\r\n"), 1 },
	{ "markings: 'Ikke fortroligt' is not one",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Ikke fortroligt: referat",
	  "Hej Ole\r\n\r\nReferatet er ikke l\xc3\xa6ngere fortroligt.\r\n"), 0 },
	{ "markings: said in running text",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Grunden",
	  "Hej Ole\r\n\r\nPrisen p\xc3\xa5 grunden skal behandles som lukket punkt, "
	  "s\xc3\xa5 det m\xc3\xa5 ikke videregives.\r\n"), 1 },
	{ "markings: an agenda item's title tells nothing",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Dagsorden",
	  "Hej Ole\r\n\r\n10. Budget 2027\r\n11. Lukket punkt: Ejendomshandel\r\n"
	  "12. Eventuelt\r\n"), 0 },
	{ "markings: 'fortrolig med' is familiar with",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Erkl\xc3\xa6ringen",
	  "Hej Ole\r\n\r\nJeg er fortrolig med den slags erkl\xc3\xa6ringer.\r\n"), 0 },
	{ "a phrase with a word in a gap: taget ? ? fra ham",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Dennis",
	  "Hej Ole\r\n\r\nDennis Kj\xc3\xa6r har ringet. De har taget hans s\xc3\xb8n fra ham "
	  "i marts, og nu m\xc3\xa5 han kun se ham hver anden s\xc3\xb8ndag.\r\n"), 1 },
	{ "a subordinate clause: ikke before the verb",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Gerda",
	  "Hej Ole\r\n\r\nGerda Mikkelsen siger, at hun ikke kan finde hjem, og datteren har "
	  "f\xc3\xa5""et hende skrevet op til plejehjem.\r\n"), 1 },
	{ "everyday words about a group are not a person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Demens",
	  "Hej Ole\r\n\r\nMange \xc3\xa6ldre kan ikke finde hjem, og ventelisten til en plads "
	  "p\xc3\xa5 plejehjem er lang. Det skal vi tale om i udvalget.\r\n"), 0 },
	{ "an age band is a group",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Budget",
	  "Hej Ole\r\n\r\nAntallet af 0-5-\xc3\xa5rige falder, og de 6-16-\xc3\xa5rige med behov for "
	  "specialundervisning koster merudgifter.\r\n"), 0 },
	{ "an age with a role is one person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Sag",
	  "Hej Ole\r\n\r\nEn 34-\xc3\xa5rig mand fra S\xc3\xb8""by er sigtet for vold mod sin "
	  "nabo.\r\n"), 1 },
	{ "a word of a host name is no word of the text",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Boligst\xc3\xb8tte",
	  "Hej Ole\r\n\r\nDu s\xc3\xb8ger boligst\xc3\xb8tte p\xc3\xa5 borger.dk, og kommunen "
	  "kan give indskudsl\xc3\xa5n.\r\n"), 0 },
	{ "a role word heading a table column is no person",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Tal",
	  "Hej Ole\r\n\r\nKategori;Indbrud;Vold;Spiritusk\xc3\xb8rsel;Sigtede\r\n"
	  "2025;263;88;41;71\r\n"), 0 },
	{ "a street and a date: the writer's own move",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Flytning",
	  "Hej Ole\r\n\r\nNu er skilsmissen endelig p\xc3\xa5 plads, s\xc3\xa5 jeg flytter ind p\xc3\xa5 "
	  "Havnegade 1. oktober. Har du en trailer?\r\n"), 0 },
	{ "an anonymised typical case is nobody",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Oplaeg",
	  "Hej Ole\r\n\r\nEt typisk forl\xc3\xb8""b kunne v\xc3\xa6re en kvinde p\xc3\xa5 45 med "
	  "depression og misbrug p\xc3\xa5 sygedagpenge. Eksemplet er anonymiseret.\r\n"), 0 },
	{ "a titled speaker in an invitation is in a public role",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Borgerm\xc3\xb8""de",
	  "Kære alle\r\n\r\nAlle er velkomne til borgerm\xc3\xb8""de om psykiatri. Overl\xc3\xa6ge "
	  "Karen Holm fort\xc3\xa6ller om behandling af depression og skizofreni.\r\n"), 0 },
	{ "a named citizen in an invitation still counts",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Borgerm\xc3\xb8""de",
	  "Kære alle\r\n\r\nAlle er velkomne til borgerm\xc3\xb8""de. Karen Holm fra Engvej er "
	  "tvangsindlagt med skizofreni, s\xc3\xa5 hun kommer ikke.\r\n"), 1 },
	{ "a subject asking about a closed item is no marking",
	  MAIL("Lene <lene@bakkeby.dk>", "Signe <sima@tv2fyn.dk>",
	  "Re: Lukket punkt 8 i \xc3\x98konomiudvalget - sp\xc3\xb8rgsm\xc3\xa5l",
	  "Hej Signe\r\n\r\nPunktet er lukket, s\xc3\xa5 jeg kan ikke sige noget om indholdet.\r\n"), 0 },
	{ "a closed item's title in the subject is a marking",
	  MAIL("Lene <lene@bakkeby.dk>", "Ole <ole@gmail.com>", "Lukket punkt 8: Salg af grund",
	  "Hej Ole\r\n\r\nK\xc3\xb8""besummen bliver 4,2 mio. kr.\r\n"), 1 },
	{ "a term a policy is against is nobody's",
	  MAIL("Ole Thygesen <ot@bakkeby.dk>", "Medlemmer <m@parti.dk>", "Nyt fra byr\xc3\xa5""det",
	  "K\xc3\xa6re medlem\r\n\r\nVi har f\xc3\xa5""et flertal for en ny politik mod socialt "
	  "bedrageri. Tilmelding til grillaften hos Ole.\r\n"), 0 },
	{ "a named person with the same term is still one",
	  MAIL("Ole Thygesen <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Naboen",
	  "Hej Lis\r\n\r\nJens Madsen er d\xc3\xb8mt for socialt bedrageri og skal "
	  "betale 300.000 tilbage.\r\n"), 1 },
	{ "a subject that says it is an op-ed speaks for the body",
	  MAIL("Birthe <bd@bakkeby.dk>", "Debat <debat@avis.dk>", "Debatindl\xc3\xa6g: De anbragte unge",
	  "Hun har boet p\xc3\xa5 et opholdssted, siden hun var 13, og f\xc3\xa5r nu "
	  "kontanthj\xc3\xa6lp. Vi svigter de anbragte unge.\r\n"), 0 },
	{ "a made-up person's name is nobody",
	  MAIL("Birthe <bd@bakkeby.dk>", "Debat <debat@avis.dk>", "De unge",
	  "Forestil dig en ung, vi kan kalde hende Sofie. Hun er ikke en bestemt person. "
	  "Sofie har boet p\xc3\xa5 et opholdssted og f\xc3\xa5r kontanthj\xc3\xa6lp.\r\n"), 0 },
	{ "confidentiality as a workshop's topic is no marking",
	  MAIL("Signe <sf@bakkeby.dk>", "Partners <p@example.eu>",
	  "Invitation: Workshop \"Handling confidential data in projects\"",
	  "Dear partners,\r\n\r\nWe organise a short workshop on the GDPR.\r\n"), 0 },
	{ "one person's fight against an illness is hers",
	  MAIL("Ole <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Jens",
	  "Jens Madsen forts\xc3\xa6tter sin kamp mod kr\xc3\xa6""ften, og kemo er startet.\r\n"), 1 },
	{ "a plan for a citizen is about the citizen",
	  MAIL("Ole <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Plan",
	  "Vi laver en handleplan for borgeren, der er tvangsindlagt med skizofreni.\r\n"), 1 },
	{ "calling someone in is no made-up person",
	  MAIL("Ole <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Samtale",
	  "Vi kan kalde hende ind til samtale i morgen. Sofie Hansen er tvangsindlagt med "
	  "skizofreni.\r\n"), 1 },
	{ "a denied made-up case is a real one",
	  MAIL("Ole <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Sag",
	  "Det er ikke et t\xc3\xa6nkt eksempel: Sofie Hansen p\xc3\xa5 Engvej 12 er tvangsindlagt "
	  "med skizofreni.\r\n"), 1 },
	{ "a reply's public subject says nothing of the body",
	  MAIL("Ole <ot@bakkeby.dk>", "Lis <lis@gmail.com>", "Re: Nyhedsbrev maj",
	  "Naboen er blevet tvangsindlagt med skizofreni, og hun har ingen familie.\r\n"), 1 },
	{ "a tag after a topic in the same subject still is one",
	  MAIL("Signe <sf@bakkeby.dk>", "Partners <p@example.eu>",
	  "Handling confidential data - CONFIDENTIAL", "Dear partners,\r\n\r\nSee below.\r\n"), 1 },
	{ "sending confidential documents tags them",
	  MAIL("Signe <sf@bakkeby.dk>", "Partners <p@example.eu>",
	  "Sending confidential documents re: case 123", "Dear partners,\r\n\r\nSee below.\r\n"), 1 },
	{ "a confidential tag in the subject still is one",
	  MAIL("Signe <sf@bakkeby.dk>", "Partners <p@example.eu>", "Confidential: budget draft",
	  "Dear partners,\r\n\r\nThe draft is attached.\r\n"), 1 },
	{ "English everyday words about a named man",
	  MAIL("Aisha <ar@bakkeby.dk>", "Team <team@example.org>", "Follow-up",
	  "Dear team,\r\n\r\nMr Bent Larsen on Kirkevej tried to take his own life last month "
	  "and is home from hospital now.\r\n"), 1 },
	{ "a sentence in English about a named neighbour",
	  MAIL("Aisha <ar@bakkeby.dk>", "Sam <sam@gmail.com>", "Next door",
	  "Henrik M\xc3\xb8lby next door got a suspended sentence yesterday.\r\n"), 1 },
	{ "a bare number label keeps the CPR number",
	  MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Liste",
	  "Nummer 140549-0389 her.\r\n"), 1 },
};

START_TEST(identify)
{
	const char *rcpt = "ole@gmail.com";
	struct fpol_verdict v;

	ck_assert_int_eq(tf_eval(conf, cases[_i].msg, strlen(cases[_i].msg), NULL, NULL, &rcpt, 1,
	    &v), 0);
	ck_assert_msg((v.cls != FCLASS_CLEAN) == cases[_i].confidential, "%s: class %s",
	    cases[_i].name, fclass_name(v.cls));
	/* Who it is about is said, and never a name. */
	for (size_t i = 0; i < v.findings.n; i++)
		if (strcmp(v.findings.v[i].detector, "keywords") == 0)
			ck_assert(v.findings.v[i].person[0] != '\0');
	fpol_verdict_free(&v);
}
END_TEST

/* A term listed twice in one category counts once (distinct terms). */
START_TEST(duplicate_terms)
{
	static const char *const files[][2] = {
		{ "health.txt", "hostet =2\nhostet =2\n" }, { "criminal.txt", "sigtet for =3\n" },
		{ "social.txt", "x\n" }, { "private.txt", "y\n" }, { "person.txt", "hun\n" },
		{ "exclude.txt", "z\n" },
	};
	static const char msg[] = MAIL("Anne <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "S",
	    "Hej\r\n\r\nHun har hostet.\r\n");
	const char *rcpt = "ole@gmail.com";
	char err[1024], *dir, *path, *text;
	struct fconf *c;
	struct fpol_verdict v;

	ck_assert_int_ge(asprintf(&dir, "%s/dup", tmpdir), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		free(tu_write(dir, files[i][0], files[i][1]));
	ck_assert_int_ge(asprintf(&text, "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "detectors = { keywords = { dir = \"%s\"; }; };\n", dir), 0);
	path = tu_write(tmpdir, "dup.conf", text);
	c = fconf_load(path, dir, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_eq(v.cls, FCLASS_CLEAN);
	fpol_verdict_free(&v);
	fconf_unref(c);
	free(path);
	free(text);
	free(dir);
}
END_TEST

/* IT's judgement calls: off by default (confidential), on when set. */
START_TEST(judgement_calls)
{
	static const char health[] = MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Lone",
	    "Hej Ole\r\n\r\nLone Dahl st\xc3\xa5r frem i avisen i dag: hun har f\xc3\xa5""et "
	    "konstateret brystkr\xc3\xa6""ft og er startet i kemoterapi.\r\n");
	static const char verdict[] = MAIL("Anne Holm <anne@bakkeby.dk>", "Ole <ole@gmail.com>", "Dom",
	    "Hej Ole\r\n\r\nByretten idømte i går tidligere borgmester Per Holt seks m\xc3\xa5neders "
	    "ubetinget f\xc3\xa6ngsel for mandatsvig; han er d\xc3\xb8mt og anker.\r\n");
	const char *rcpt = "ole@gmail.com";
	char err[1024], *path;
	struct fconf *on;
	struct fpol_verdict v;

	path = tu_write(tmpdir, "judge.conf",
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "detectors = { keywords = { dir = \"" WORDS_DIR "\"; self_published_public = true;\n"
	    "  verdicts_public = true; }; };\n");
	on = fconf_load(path, WORDS_DIR, err, sizeof(err));
	ck_assert_msg(on != NULL, "%s", err);
	ck_assert_int_eq(tf_eval(conf, health, strlen(health), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_ne(v.cls, FCLASS_CLEAN);
	fpol_verdict_free(&v);
	ck_assert_int_eq(tf_eval(on, health, strlen(health), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_eq(v.cats & (1u << FCAT_HEALTH), 0);
	fpol_verdict_free(&v);
	ck_assert_int_eq(tf_eval(conf, verdict, strlen(verdict), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_ne(v.cats & (1u << FCAT_CRIMINAL), 0);
	fpol_verdict_free(&v);
	ck_assert_int_eq(tf_eval(on, verdict, strlen(verdict), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_eq(v.cats & (1u << FCAT_CRIMINAL), 0);
	fpol_verdict_free(&v);
	fconf_unref(on);
	free(path);
}
END_TEST

static void
setup(void)
{
	char err[1024], *path;

	tmpdir = tu_mkdtemp();
	ck_assert_ptr_nonnull(tmpdir);
	path = tu_write(tmpdir, "c.conf",
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n"
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n"
	    "detectors = { keywords = { dir = \"" WORDS_DIR "\"; }; };\n"
	    "store = { backend = \"none\"; };\n");
	ck_assert_ptr_nonnull(path);
	conf = fconf_load(path, WORDS_DIR, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	free(path);
}

static void
teardown(void)
{
	fconf_unref(conf);
	tu_rmtree(tmpdir);
	free(tmpdir);
}

int
main(void)
{
	Suite *s = suite_create("identify");
	TCase *tc = tcase_create("identify");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, identify, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, duplicate_terms);
	tcase_add_test(tc, judgement_calls);
	suite_add_tcase(s, tc);
	failed = tu_run(s, NULL) != EXIT_SUCCESS;
	return failed ? 1 : 0;
}
