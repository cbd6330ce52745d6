/* test_where: one mail per place a finding can be ("where"), each shaped
 * as a real client writes it, and the finding is reported there and only
 * there. The attachment case nests message/rfc822 twice, quoted-printable
 * around base64. Written here, not taken from a corpus. */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "decide/decide.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static struct fconf *conf;
static char *tmpdir;

/* Outlook desktop, RFC 2047 subject */
static const char m_subject[] =
	"From: Anne Holm <anne@bakkeby.dk>\r\n"
	"To: Ole Berg <ole@gmail.com>\r\n"
	"Subject: =?utf-8?Q?Borger_140549-0389_=E2=80=93_opf=C3=B8lgning?=\r\n"
	"Thread-Topic: =?utf-8?Q?Borger_140549-0389_=E2=80=93_opf=C3=B8lgning?=\r\n"
	"Thread-Index: AdnQx1234567890abcdef==\r\n"
	"X-MS-Has-Attach:\r\n"
	"Content-Language: da-DK\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/alternative; boundary=\"_000_AM0PR_\"\r\n"
	"\r\n"
	"--_000_AM0PR_\r\n"
	"Content-Type: text/plain; charset=\"utf-8\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"SGVqIE9sZQ0KDQpWaSB0YWdlciBkZXQgcMOlIG3DuGRldC4NCg0KQW5uZQ0K\r\n"
	"--_000_AM0PR_\r\n"
	"Content-Type: text/html; charset=\"utf-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<html><body><div class=3DWordSection1><p class=3DMsoNormal>Hej Ole<o:p></o:p></p><p class=3DMsoNormal>Vi tager det p=C3=A5 m=C3=B8det.<o:p></o:p></p></div></body></html>\r\n"
	"--_000_AM0PR_--\r\n"
	"";

/* iPhone Mail, QP text and HTML */
static const char m_body[] =
	"From: Anne Holm <anne@bakkeby.dk>\r\n"
	"To: Ole Berg <ole@gmail.com>\r\n"
	"Subject: Sagen\r\n"
	"Mime-Version: 1.0 (1.0)\r\n"
	"X-Mailer: iPhone Mail (21F90)\r\n"
	"Content-Type: multipart/alternative; boundary=Apple-Mail-2\r\n"
	"\r\n"
	"--Apple-Mail-2\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Hej Ole. Borgerens CPR-nr. er 140549-0389.\r\n"
	"\r\n"
	"Sendt fra min iPhone\r\n"
	"--Apple-Mail-2\r\n"
	"Content-Type: text/html; charset=utf-8\r\n"
	"Content-Transfer-Encoding: 7bit\r\n"
	"\r\n"
	"<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head><body dir=\"auto\">Hej Ole. Borgerens CPR-nr. er <span>140549</span>-0389.<br><br><div>Sendt fra min iPhone</div></body></html>\r\n"
	"--Apple-Mail-2--\r\n"
	"";

/* Gmail reply, gmail_quote */
static const char m_quoted[] =
	"From: Anne Holm <anne.holm@bakkeby.dk>\r\n"
	"To: Ole Berg <ole@gmail.com>\r\n"
	"Subject: Re: Min sag\r\n"
	"In-Reply-To: <CAB123@mail.gmail.com>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/alternative; boundary=\"000000000000abc\"\r\n"
	"\r\n"
	"--000000000000abc\r\n"
	"Content-Type: text/plain; charset=\"UTF-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Tak, jeg vender tilbage.\r\n"
	"\r\n"
	"Den tir. 3. nov. 2026 kl. 10.12 skrev Ole Berg <ole@gmail.com>:\r\n"
	"\r\n"
	"> Mit CPR-nr. er 140549-0389.\r\n"
	">\r\n"
	"--000000000000abc\r\n"
	"Content-Type: text/html; charset=\"UTF-8\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<div dir=3D\"ltr\">Tak, jeg vender tilbage.</div><br><div class=3D\"gmail_quote\"><div dir=3D\"ltr\" class=3D\"gmail_attr\">Den tir. 3. nov. 2026 kl. 10.12 skrev Ole Berg &lt;<a href=3D\"mailto:ole@gmail.com\">ole@gmail.com</a>&gt;:<br></div><blockquote class=3D\"gmail_quote\" style=3D\"margin:0px 0px 0px 0.8ex\"><div dir=3D\"ltr\">Mit CPR-nr. er 140549-0389.</div></blockquote></div>\r\n"
	"--000000000000abc--\r\n"
	"";

/* Apple Mail forward: message/rfc822 (QP) holding a message/rfc822 (base64) */
static const char m_attachment[] =
	"From: Anne Holm <anne@bakkeby.dk>\r\n"
	"To: Ole Berg <ole@gmail.com>\r\n"
	"Subject: Fwd: Sag\r\n"
	"Message-Id: <A1B2C3D4-1111-2222-3333-444455556666@bakkeby.dk>\r\n"
	"Mime-Version: 1.0 (Mac OS X Mail 16.0)\r\n"
	"Content-Type: multipart/mixed; boundary=\"Apple-Mail=_1\"\r\n"
	"\r\n"
	"--Apple-Mail=_1\r\n"
	"Content-Transfer-Encoding: 7bit\r\n"
	"Content-Type: text/plain; charset=us-ascii\r\n"
	"\r\n"
	"Til orientering.\r\n"
	"\r\n"
	"Start paa videresendt e-mail:\r\n"
	"\r\n"
	"--Apple-Mail=_1\r\n"
	"Content-Disposition: attachment; filename=Fwd.eml\r\n"
	"Content-Type: message/rfc822\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"From: Lars <lars@bakkeby.dk>\r\n"
	"To: Anne <anne@bakkeby.dk>\r\n"
	"Subject: Fwd: Sag\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=3D\"in2\"\r\n"
	"\r\n"
	"--in2\r\n"
	"Content-Type: text/plain; charset=3Dutf-8\r\n"
	"\r\n"
	"Se nedenfor.\r\n"
	"--in2\r\n"
	"Content-Type: message/rfc822\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"Content-Disposition: attachment; filename=3D\"Sag.eml\"\r\n"
	"\r\n"
	"RnJvbTogU2Fnc2JlaGFuZGxlciA8c2JAYmFra2VieS5kaz4NClRvOiBBbm5lIDxhbm5lQGJha2tl\r\n"
	"YnkuZGs+DQpTdWJqZWN0OiBTYWcNCk1JTUUtVmVyc2lvbjogMS4wDQpDb250ZW50LVR5cGU6IHRl\r\n"
	"eHQvcGxhaW47IGNoYXJzZXQ9dXRmLTgNCkNvbnRlbnQtVHJhbnNmZXItRW5jb2Rpbmc6IGJhc2U2\r\n"
	"NA0KDQpRbTl5WjJWeVpXNXpJRU5RVWkxdWNpNGdaWElnTVRRd05UUTVMVEF6T0Rrc0lHOW5JR2gx\r\n"
	"YmlCMlpXNTBaWElnY01PbElITjJZWEl1DQo=3D\r\n"
	"--in2--\r\n"
	"\r\n"
	"--Apple-Mail=_1--\r\n"
	"";

/* Outlook Sensitivity and a Purview label */
static const char m_header[] =
	"From: Anne Holm <anne@bakkeby.dk>\r\n"
	"To: Ole Berg <ole@gmail.com>\r\n"
	"Subject: Budget\r\n"
	"Sensitivity: Company-Confidential\r\n"
	"msip_labels: MSIP_Label_1a2b3c4d-0000-1111-2222-333344445555_Enabled=true; MSIP_Label_1a2b3c4d-0000-1111-2222-333344445555_Name=Fortroligt;\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=\"utf-8\"\r\n"
	"\r\n"
	"Se tallene.\r\n"
	"";

static const struct {
	const char *name, *msg;
	enum fwhere where;
	enum fcat cat;
} cases[] = {
	{ "subject", m_subject, FWHERE_SUBJECT, FCAT_CPR },
	{ "body", m_body, FWHERE_BODY, FCAT_CPR },
	{ "quoted", m_quoted, FWHERE_QUOTED, FCAT_CPR },
	{ "attachment", m_attachment, FWHERE_ATTACHMENT, FCAT_CPR },
	{ "header", m_header, FWHERE_HEADER, FCAT_MARKING },
};

START_TEST(where)
{
	const char *rcpt = "ole@gmail.com";
	struct fpol_verdict v;

	ck_assert_int_eq(tf_eval(conf, cases[_i].msg, strlen(cases[_i].msg), NULL, NULL, &rcpt, 1,
	    &v), 0);
	ck_assert_msg(v.cats & (1u << cases[_i].cat), "%s: categories %#x", cases[_i].name, v.cats);
	ck_assert_msg(v.wheres == (1u << cases[_i].where), "%s: where %#x, want only %s",
	    cases[_i].name, v.wheres, fwhere_name(cases[_i].where));
	ck_assert_int_eq(v.incomplete, 0);
	fpol_verdict_free(&v);
}
END_TEST

/* A forwarded message whose encoded body is empty: nothing to read, and
 * no empty buffer handed to GMime (a critical warning is fatal here). */
START_TEST(empty_forward)
{
	static const char msg[] =
	    "From: Anne <anne@bakkeby.dk>\r\nTo: ole@gmail.com\r\nSubject: Fwd\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nSe vedhaeftet.\r\n"
	    "--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "\r\n--b--\r\n";
	const char *rcpt = "ole@gmail.com";
	struct fpol_verdict v;
	GLogLevelFlags old = g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);

	ck_assert_int_eq(tf_eval(conf, msg, strlen(msg), NULL, NULL, &rcpt, 1, &v), 0);
	ck_assert_int_eq(v.cls, FCLASS_CLEAN);
	fpol_verdict_free(&v);
	g_log_set_always_fatal(old);
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
	    "detectors = { keywords = { dir = \"" WORDS_DIR "\"; }; };\n");
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
	Suite *s = suite_create("where");
	TCase *tc = tcase_create("where");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, where, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, empty_forward);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL) == EXIT_SUCCESS ? 0 : 1;
}
