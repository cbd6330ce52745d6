/* test_beyond: what a confidential mail may get besides a reject: the reply
 * to the data subject (thread memory on LMDB), the member's override tag,
 * monitor mode per domain, and the line on how to report a false positive. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "decide/decide.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir, *words;

static struct fconf *
conf(const char *extra)
{
	static int n;
	char err[1024], *text, *path, name[32];
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n%s", extra), 0);
	snprintf(name, sizeof(name), "b%d-%d.conf", (int)getpid(), n++);
	path = tu_write(tmpdir, name, text);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	return c;
}

#define RCPTS(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

static void
want_rcpt(const struct fpol_verdict *v, size_t i, enum faction a, const char *reason)
{
	ck_assert_msg(v->rcpts[i].action == a && strcmp(v->rcpts[i].reason, reason) == 0,
	    "%s: %s (%s), want %s (%s)", v->rcpts[i].addr, faction_name(v->rcpts[i].action),
	    v->rcpts[i].reason, faction_name(a), reason);
}

/* The reject reply as one line. */
static char *
reply(const struct fconf *c, const struct fpol_verdict *v)
{
	char lines[FPOL_MAX_REPLY_LINES][128];
	size_t n = fpol_reject_lines(c, v, lines, FPOL_MAX_REPLY_LINES);
	struct fbuf all;

	fbuf_init(&all, 0);
	for (size_t i = 0; i < n; i++) {
		fbuf_adds(&all, lines[i]);
		fbuf_addc(&all, ' ');
	}
	return fbuf_take(&all);
}

static char *
logline(const struct fpol_verdict *v)
{
	struct fbuf b;

	fbuf_init(&b, 0);
	ck_assert_int_eq(fpol_log_line(v, "anne@bakkeby.dk", &b), 0);
	return fbuf_take(&b);
}

/* ---- the reply to the data subject ---- */

#define CITIZEN_MAIL \
	"From: Birgit Holm <birgit@gmail.com>\r\nTo: anne@bakkeby.dk\r\n" \
	"Subject: Min sag om hjemmehjaelp\r\nMessage-ID: <in-1@gmail.com>\r\n" \
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" \
	"Kaere Anne. Jeg skriver om min sag. Mit CPR-nr. er 140549-0389, og jeg har\r\n" \
	"brug for hjaelp i hjemmet efter min operation. Kan du tage det op med\r\n" \
	"forvaltningen, saa jeg kan faa svar inden jul? Venlig hilsen Birgit Holm\r\n"

#define REPLY(to, body) \
	"From: Anne <anne@bakkeby.dk>\r\nTo: " to "\r\nSubject: SV: Min sag om hjemmehjaelp\r\n" \
	"In-Reply-To: <in-1@gmail.com>\r\nReferences: <in-1@gmail.com>\r\n" \
	"Message-ID: <out-1@bakkeby.dk>\r\n" \
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" body \
	"\r\nDen 3. dec. 2026 skrev Birgit Holm <birgit@gmail.com>:\r\n" \
	"> Kaere Anne. Jeg skriver om min sag. Mit CPR-nr. er 140549-0389, og jeg har\r\n" \
	"> brug for hjaelp i hjemmet efter min operation. Kan du tage det op med\r\n" \
	"> forvaltningen, saa jeg kan faa svar inden jul? Venlig hilsen Birgit Holm\r\n"

static struct fort_lib *
memory_lib(struct fconf **cp, const char *actions)
{
	static int n;
	char extra[1024];
	struct fort_lib *l;
	struct fpol_verdict v;
	static const char in[] = CITIZEN_MAIL;

	snprintf(extra, sizeof(extra),
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n%s"
	    "store = { backend = \"lmdb\"; path = \"%s/ds%d-%d\"; key_file = \"%s/dk%d-%d\";"
	    " map_size = 4194304; };\n", actions, tmpdir, (int)getpid(), n, tmpdir,
	    (int)getpid(), n);
	n++;
	*cp = conf(extra);
	l = tf_lib(*cp, 1);
	/* The citizen's own mail is learnt, with her as its supplier. */
	ck_assert_int_eq(tf_run(l, FORT_LEARN_ALL, in, strlen(in), "birgit@gmail.com", NULL,
	    RCPTS("anne@bakkeby.dk"), &v), FORT_OK);
	ck_assert_int_eq(v.learned, 1);
	fpol_verdict_free(&v);
	return l;
}

static void
run_out(struct fort_lib *l, const char *msg, const char *const *rcpts, size_t n,
    struct fpol_verdict *v)
{
	ck_assert_int_eq(tf_run(l, FORT_LEARN_NEVER, msg, strlen(msg), "anne@bakkeby.dk", NULL,
	    rcpts, n, v), FORT_OK);
	ck_assert_uint_eq(v->nrcpts, n);
}

START_TEST(data_subject_reply)
{
	static const char out[] = REPLY("Birgit Holm <birgit@gmail.com>", "Tak, jeg tager det op.\r\n");
	struct fconf *c;
	struct fort_lib *l = memory_lib(&c, "data_subject_actions = [ \"deliver\" ];\n");
	struct fpol_verdict v;
	char *line;

	run_out(l, out, RCPTS("birgit@gmail.com", "kollega@bakkeby.dk"), &v);
	ck_assert_int_ne(v.cls, FCLASS_CLEAN);
	ck_assert_int_eq(v.data_subject, 1);
	want_rcpt(&v, 0, FACT_DELIVER, "data-subject");
	want_rcpt(&v, 1, FACT_DELIVER, "internal");
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	line = logline(&v);
	ck_assert_msg(strstr(line, " reason=data-subject") != NULL, "%s", line);
	free(line);
	fpol_verdict_free(&v);

	/* A copy to a journalist: judged as today. */
	run_out(l, out, RCPTS("birgit@gmail.com", "redaktion@avis.dk"), &v);
	ck_assert_int_eq(v.data_subject, 0);
	want_rcpt(&v, 1, FACT_REJECT, "new-thread");
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	/* The same reply to somebody else altogether. */
	run_out(l, out, RCPTS("redaktion@avis.dk"), &v);
	ck_assert_int_eq(v.data_subject, 0);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* hold is an action like the others in data_subject_actions. */
START_TEST(data_subject_hold)
{
	static const char out[] = REPLY("birgit@gmail.com", "Tak, jeg tager det op.\r\n");
	struct fconf *c;
	struct fort_lib *l = memory_lib(&c, "data_subject_actions = [ \"hold\" ];\n");
	struct fpol_verdict v;

	run_out(l, out, RCPTS("birgit@gmail.com"), &v);
	ck_assert_int_eq(v.data_subject, 1);
	want_rcpt(&v, 0, FACT_HOLD, "data-subject");
	ck_assert_int_eq(v.outcome, FPOL_HOLD);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* The member's own text: her CPR number is traced; anything else is not. */
START_TEST(data_subject_own_text)
{
	static const char cpr_hers[] = REPLY("birgit@gmail.com",
	    "Din sag (CPR-nr. 140549-0389) er sendt videre.\r\n");
	static const char cpr_other[] = REPLY("birgit@gmail.com",
	    "Din naboes CPR-nr. er 010190-1234.\r\n");
	static const char health_own[] = REPLY("birgit@gmail.com",
	    "Hun er kr\xc3\xa6""ftsyg og har v\xc3\xa6ret indlagt.\r\n");
	struct fconf *c;
	struct fort_lib *l = memory_lib(&c, "");
	struct fpol_verdict v;

	run_out(l, cpr_hers, RCPTS("birgit@gmail.com"), &v);
	ck_assert_int_eq(v.data_subject, 1);
	/* The default data_subject_actions: tls, then reject. */
	want_rcpt(&v, 0, FACT_TLS, "data-subject");
	ck_assert_int_eq(v.outcome, FPOL_ROUTE_TLS);
	fpol_verdict_free(&v);
	run_out(l, cpr_other, RCPTS("birgit@gmail.com"), &v);
	ck_assert_int_eq(v.data_subject, 0);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	run_out(l, health_own, RCPTS("birgit@gmail.com"), &v);
	ck_assert_int_eq(v.data_subject, 0);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* A member's mail that was rejected never left: it is not remembered, so
 * her corrected copy is judged on its own. One that left is. */
START_TEST(rejected_not_learnt)
{
	static const char out[] = REPLY("redaktion@avis.dk",
	    "Jeg sender din sag videre, CPR-nr. 140549-0389, som du skrev.\r\n");
	struct fconf *c;
	struct fort_lib *l = memory_lib(&c, "");
	struct fpol_verdict v;

	ck_assert_int_eq(tf_run(l, FORT_LEARN_ALL, out, strlen(out), "anne@bakkeby.dk", NULL,
	    RCPTS("redaktion@avis.dk"), &v), FORT_OK);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	ck_assert_int_eq(v.learned, 0);
	fpol_verdict_free(&v);
	ck_assert_int_eq(tf_run(l, FORT_LEARN_ALL, out, strlen(out), "anne@bakkeby.dk", NULL,
	    RCPTS("kollega@bakkeby.dk"), &v), FORT_OK);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	ck_assert_int_eq(v.learned, 1);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* ---- the override tag ---- */

#define OVERRIDE_CONF \
	"domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n" \
	"override = { tag = \"sendes alligevel\";\n" \
	"  rules = ( { members = [ \"anne@bakkeby.dk\" ];\n" \
	"              categories = [ \"health\", \"social\", \"marking\" ]; } ); };\n" \
	"texts = { report_da = \"Mener du, at dette er en fejl, s\xc3\xa5 skriv til it@bakkeby.dk.\";\n" \
	"          report_en = \"Think this is a mistake? Write to it@bakkeby.dk.\"; };\n"

#define MSG(subject, body) \
	"From: Anne <anne@bakkeby.dk>\r\nTo: x@gmail.com\r\nSubject: " subject "\r\n" \
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" body "\r\n"

START_TEST(override_allowed)
{
	static const char msg[] = MSG("Borger [Sendes alligevel: aftalt med hende, 140549-0389] i dag",
	    "Hun er kr\xc3\xa6""ftsyg og har v\xc3\xa6ret indlagt.");
	struct fconf *c = conf(OVERRIDE_CONF);
	struct fpol_verdict v;
	char *line;

	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_int_eq(v.override.present, 1);
	ck_assert_int_eq(v.override.used, 1);
	ck_assert_ptr_null(v.override.refused);
	/* The default override.actions: tls, then deliver. */
	want_rcpt(&v, 0, FACT_TLS, "override");
	ck_assert_int_eq(v.outcome, FPOL_ROUTE_TLS);
	ck_assert_str_eq(v.override.subject, "Borger i dag");
	/* The member's words are logged with the CPR number masked; the
	 * number inside the tag was not judged as content. */
	ck_assert_str_eq(v.override.justification, "aftalt med hende, 140549-XXXX");
	ck_assert_int_eq(v.cats & (1u << FCAT_CPR), 0);
	line = logline(&v);
	ck_assert_msg(strstr(line, "override=honoured") && strstr(line, "140549-XXXX") &&
	    !strstr(line, "0389"), "%s", line);
	free(line);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

START_TEST(override_refused)
{
	static const char cpr[] = MSG("Sag [sendes alligevel: aftalt]",
	    "Borgerens CPR-nr. er 140549-0389.");
	static const char health[] = MSG("Sag [sendes alligevel: aftalt]",
	    "Hun er kr\xc3\xa6""ftsyg og har v\xc3\xa6ret indlagt.");
	static const char empty[] = MSG("Sag [sendes alligevel: ]",
	    "Hun er kr\xc3\xa6""ftsyg og har v\xc3\xa6ret indlagt.");
	static const char clean[] = MSG("M\xc3\xb8""de [sendes alligevel: test]",
	    "M\xc3\xb8""det er flyttet til torsdag.");
	struct fconf *c = conf(OVERRIDE_CONF);
	struct fpol_verdict v;
	char *r;

	ck_assert_int_eq(tf_eval(c, cpr, strlen(cpr), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_str_eq(v.override.refused, "cpr");
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	r = reply(c, &v);
	ck_assert_msg(strstr(r, "CPR-numre kan ikke overstyres") &&
	    strstr(r, "CPR numbers cannot be overridden"), "%s", r);
	/* The false-positive line, in both languages, ASCII. */
	ck_assert_msg(strstr(r, "Mener du, at dette er en fejl, saa skriv til it@bakkeby.dk.") &&
	    strstr(r, "Think this is a mistake? Write to it@bakkeby.dk."), "%s", r);
	free(r);
	fpol_verdict_free(&v);

	ck_assert_int_eq(tf_eval(c, health, strlen(health), "jens@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_str_eq(v.override.refused, "member");
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	r = reply(c, &v);
	ck_assert_msg(strstr(r, "you are not allowed to override") != NULL, "%s", r);
	free(r);
	fpol_verdict_free(&v);

	ck_assert_int_eq(tf_eval(c, empty, strlen(empty), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_str_eq(v.override.refused, "no justification");
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);

	/* Nothing to override: delivered, and the tag still goes. */
	ck_assert_int_eq(tf_eval(c, clean, strlen(clean), "jens@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	ck_assert_ptr_null(v.override.refused);
	ck_assert_str_eq(fpol_override_result(&v), "not needed");
	ck_assert_str_eq(v.override.subject, "M\xc3\xb8""de");
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

START_TEST(mask_cpr)
{
	char a[] = "se 140549-0389, 1405490389 og 140549 0389; ikke 12345678901 eller 1234-5678";

	fpol_mask_cpr(a);
	ck_assert_str_eq(a, "se 140549-XXXX, 140549XXXX og 140549 XXXX; ikke 12345678901 eller 1234-5678");
}
END_TEST

/* ---- monitor mode per domain ---- */

START_TEST(monitor_per_domain)
{
	static const char msg[] = MSG("Sag", "Borgerens CPR-nr. er 140549-0389.");
	struct fconf *c = conf(
	    "domains = ( { match = \"gmail.com\"; actions = [ \"reject\" ]; monitor = true; },\n"
	    "  { match = \"tls.example\"; actions = [ \"tls\", \"reject\" ]; },\n"
	    "  { match = \"*\"; actions = [ \"reject\" ]; } );\n");
	struct fpol_verdict v;
	char *r, *line;

	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), FORT_OK);
	ck_assert_int_eq(v.would, FPOL_REJECT);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	ck_assert_uint_eq(v.nmonitored, 1);
	line = logline(&v);
	ck_assert_msg(strstr(line, "action=reject") && strstr(line, "monitored=1 applied=deliver") &&
	    strstr(line, "mode=enforce"), "%s", line);
	free(line);
	fpol_verdict_free(&v);

	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com", "y@tls.example"), &v), FORT_OK);
	ck_assert_int_eq(v.outcome, FPOL_ROUTE_TLS);
	fpol_verdict_free(&v);

	/* An enforced domain still rejects; the reply names only its recipient. */
	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com", "z@other.dk"), &v), FORT_OK);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	r = reply(c, &v);
	ck_assert_msg(strstr(r, "z@other.dk") && !strstr(r, "x@gmail.com"), "%s", r);
	free(r);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

START_TEST(config_errors)
{
	static const char *const bad[][2] = {
		{ "override = { tag = \"a: b\"; };\n", "override.tag must be" },
		{ "override = { tag = \"x\"; rules = ( { members = [ \"*\" ]; "
		    "categories = [ \"helbred\" ]; } ); };\n", "unknown category \"helbred\"" },
		{ "override = { tag = \"x\"; actions = [ \"maybe\" ]; };\n", "unknown action \"maybe\"" },
		{ "data_subject_actions = [ ];\n", "non-empty actions list" },
		{ "domains = ( { match = \"*\"; actions = [ \"reject\" ]; monitor = 1; } );\n",
		    "monitor must be true or false" },
	};
	char err[1024], *path;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text;
		ck_assert_int_ge(asprintf(&text, "council = { senders = [ \"*@bakkeby.dk\" ]; };\n%s",
		    bad[i][0]), 0);
		path = tu_write(tmpdir, "bad.conf", text);
		ck_assert_ptr_null(fconf_load(path, words, err, sizeof(err)));
		ck_assert_msg(strstr(err, bad[i][1]) && strstr(err, "bad.conf:2:"), "%zu: %s", i, err);
		free(path);
		free(text);
	}
}
END_TEST

static Suite *
beyond_suite(void)
{
	Suite *s = suite_create("beyond");
	TCase *tc = tcase_create("beyond");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, data_subject_reply);
	tcase_add_test(tc, data_subject_own_text);
	tcase_add_test(tc, data_subject_hold);
	tcase_add_test(tc, rejected_not_learnt);
	tcase_add_test(tc, override_allowed);
	tcase_add_test(tc, override_refused);
	tcase_add_test(tc, mask_cpr);
	tcase_add_test(tc, monitor_per_domain);
	tcase_add_test(tc, config_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;
	failed = tu_run(beyond_suite(), NULL) != EXIT_SUCCESS;
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
