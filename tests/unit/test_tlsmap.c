/* test_tlsmap: the TLS policy map parser (Postfix and Sendmail source
 * text), the MTA's lookup order as fortrolig models it, the load and
 * check through fortrolig.conf, and the decision skipping an uncovered tls. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/tlsmap.h"
#include "decide/decide.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir, *words;

static struct ftlsmap *
pf(const char *text)
{
	struct ftlsmap *m = ftlsmap_parse(text, strlen(text), FTLSMAP_POSTFIX);

	ck_assert_ptr_nonnull(m);
	return m;
}

static struct ftlsmap *
sm(const char *text)
{
	struct ftlsmap *m = ftlsmap_parse(text, strlen(text), FTLSMAP_SENDMAIL);

	ck_assert_ptr_nonnull(m);
	return m;
}

static int
covers(const struct ftlsmap *m, const char *domain, char *why)
{
	why[0] = '\0';
	return ftlsmap_covers(m, domain, why, 256);
}

/* ---- Postfix ---- */

START_TEST(pf_parse)
{
	static const char text[] =
	    "# TLS policy\n"
	    "\n"
	    "   # indented comment\n"
	    "Region.DK\tSECURE protocols=>=TLSv1.2\r\n"
	    "long.dk   secure\n"
	    "    match=.mail.protection.outlook.com\n"
	    "\n"
	    "  protocols=>=TLSv1.2\n"
	    "dup.dk    verify\n"
	    "dup.dk    may\n"
	    "novalue.dk\n"
	    "[mx.relay.dk]:587 encrypt\n";
	struct ftlsmap *m = pf(text);
	char why[256];

	/* region.dk, long.dk, dup.dk, [mx.relay.dk]:587; novalue.dk is no entry */
	ck_assert_uint_eq(ftlsmap_count(m), 4);
	ck_assert_int_eq(covers(m, "region.dk", why), 1);
	ck_assert_int_eq(covers(m, "long.dk", why), 1);
	ck_assert_int_eq(covers(m, "dup.dk", why), 1);          /* the first wins */
	ck_assert_int_eq(covers(m, "novalue.dk", why), 0);
	ck_assert_str_eq(why, "no map entry for novalue.dk");
	ck_assert_int_eq(covers(m, "mx.relay.dk", why), 0);
	ftlsmap_free(m);
}
END_TEST

START_TEST(pf_levels)
{
	static const char text[] =
	    "secure.dk secure\nverify.dk verify\ndane-only.dk dane-only\n"
	    "fingerprint.dk fingerprint match=AB:CD\n"
	    "encrypt.dk encrypt\nmay.dk may\nnone.dk none\ndane.dk dane\nbogus.dk securely\n";
	static const struct { const char *d; int want; } t[] = {
		{ "secure.dk", 1 }, { "verify.dk", 1 }, { "dane-only.dk", 1 }, { "fingerprint.dk", 1 },
		{ "encrypt.dk", 0 }, { "may.dk", 0 }, { "none.dk", 0 }, { "dane.dk", 0 },
		{ "bogus.dk", 0 },
	};
	struct ftlsmap *m = pf(text);
	char why[256];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(covers(m, t[i].d, why) == t[i].want, "%s: %s", t[i].d, why);
	covers(m, "encrypt.dk", why);
	ck_assert_str_eq(why, "map line 5: encrypt.dk is encrypt");
	ftlsmap_free(m);
}
END_TEST

START_TEST(pf_parent_domains)
{
	static const char text[] =
	    ".example.dk secure\n"
	    ".weak.example.dk encrypt\n"
	    "own.weak.example.dk verify\n"
	    "bare.dk secure\n";
	struct ftlsmap *m = pf(text);
	char why[256];

	ck_assert_int_eq(covers(m, "a.example.dk", why), 1);
	ck_assert_int_eq(covers(m, "a.b.example.dk", why), 1);
	/* ".example.dk" is its subdomains only */
	ck_assert_int_eq(covers(m, "example.dk", why), 0);
	/* the nearest parent entry wins */
	ck_assert_int_eq(covers(m, "x.weak.example.dk", why), 0);
	ck_assert_str_eq(why, "map line 2: .weak.example.dk is encrypt");
	ck_assert_int_eq(covers(m, "own.weak.example.dk", why), 1);
	/* a bare domain does not cover its subdomains in Postfix */
	ck_assert_int_eq(covers(m, "bare.dk", why), 1);
	ck_assert_int_eq(covers(m, "sub.bare.dk", why), 0);
	ck_assert_int_eq(covers(m, "", why), 0);
	ftlsmap_free(m);
}
END_TEST

START_TEST(pf_rule_matches)
{
	struct ftlsmap *m = pf(".kl.dk secure\nregion.dk secure\nnaboby.dk secure\n.dk may\n");
	char why[256];

	ck_assert_int_eq(ftlsmap_covers_match(m, "region.dk", why, sizeof(why)), 1);
	ck_assert_int_eq(ftlsmap_covers_match(m, "*.kl.dk", why, sizeof(why)), 1);
	/* only naboby.dk itself is listed: its subdomains fall to ".dk may" */
	ck_assert_int_eq(ftlsmap_covers_match(m, "*.naboby.dk", why, sizeof(why)), 0);
	ck_assert_str_eq(why, "map line 4: .dk is may");
	ck_assert_int_eq(ftlsmap_covers_match(m, "*", why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "smtp_tls_security_level"));
	ftlsmap_free(m);
}
END_TEST

/* ---- Sendmail ---- */

START_TEST(sm_lookups)
{
	static const char text[] =
	    "# access\n"
	    "Connect:10.0.0.1 RELAY\n"
	    "TLS_Srv:mx.weak.dk VERIFY\n"
	    "TLS_Rcpt:region.dk VERIFY:128\n"
	    "tls_rcpt:perm.dk PERM+VERIFY:112+CN:mx.perm.dk\n"
	    "TLS_Rcpt:encr.dk ENCR:128\n"
	    "TLS_Rcpt:weak.dk OK\n"
	    "TLS_Rcpt:.dotted.dk VERIFY\n"
	    "TLS_Rcpt:.dotweak.dk ENCR:128\n"
	    "TLS_Rcpt:dotweak.dk VERIFY\n"
	    "TLS_Rcpt:addr.dk VERIFY\n"
	    "TLS_Rcpt:jens@addr.dk ENCR:64\n"
	    "TLS_Rcpt:verifiedish.dk VERIFYX\n";
	struct ftlsmap *m = sm(text);
	char why[256];

	ck_assert_int_eq(covers(m, "region.dk", why), 1);
	/* a domain entry covers its subdomains */
	ck_assert_int_eq(covers(m, "a.b.region.dk", why), 1);
	ck_assert_int_eq(covers(m, "perm.dk", why), 1);
	ck_assert_int_eq(covers(m, "encr.dk", why), 0);
	ck_assert_str_eq(why, "map line 6: TLS_Rcpt:encr.dk is ENCR:128");
	ck_assert_int_eq(covers(m, "weak.dk", why), 0);
	ck_assert_int_eq(covers(m, "mx.weak.dk", why), 0);      /* TLS_Srv is not read */
	/* ".domain" needs FEATURE(lookupdotdomain): VERIFY is not relied on,
	 * a weaker one blocks */
	ck_assert_int_eq(covers(m, "a.dotted.dk", why), 0);
	ck_assert_int_eq(covers(m, "a.dotweak.dk", why), 0);
	ck_assert_int_eq(covers(m, "dotweak.dk", why), 1);
	/* a weaker address entry: not the whole domain */
	ck_assert_int_eq(covers(m, "addr.dk", why), 0);
	ck_assert_str_eq(why, "map line 12: an address at addr.dk is ENCR:64");
	ck_assert_int_eq(covers(m, "verifiedish.dk", why), 0);
	ck_assert_int_eq(ftlsmap_covers_match(m, "*", why, sizeof(why)), 0);
	ck_assert_int_eq(ftlsmap_covers_match(m, "*.region.dk", why, sizeof(why)), 1);
	ck_assert_int_eq(ftlsmap_covers_match(m, "*.dotted.dk", why, sizeof(why)), 0);
	ftlsmap_free(m);
}
END_TEST

START_TEST(sm_default_and_user)
{
	struct ftlsmap *m = sm("TLS_Rcpt: VERIFY\nTLS_Rcpt:plain.dk ENCR:128\n");
	char why[256];

	ck_assert_int_eq(covers(m, "any.dk", why), 1);
	ck_assert_int_eq(covers(m, "plain.dk", why), 0);
	ck_assert_int_eq(ftlsmap_covers_match(m, "*", why, sizeof(why)), 1);
	ftlsmap_free(m);
	m = sm("TLS_Rcpt: VERIFY\nTLS_Rcpt:postmaster@ ENCR:128\n");
	ck_assert_int_eq(covers(m, "any.dk", why), 0);
	ck_assert_str_eq(why, "map line 2: a TLS_Rcpt:user@ entry is ENCR:128");
	ck_assert_int_eq(ftlsmap_covers_match(m, "*", why, sizeof(why)), 0);
	ftlsmap_free(m);
}
END_TEST

/* ---- through fortrolig.conf ---- */

static struct fconf *
conf(const char *domains, const char *extra)
{
	static int n;
	char err[1024], *text, *path, name[32];
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n%s%s", domains, extra), 0);
	snprintf(name, sizeof(name), "t%d-%d.conf", (int)getpid(), n++);
	path = tu_write(tmpdir, name, text);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	return c;
}

#define RULES \
	"domains = (\n" \
	"  { match = \"tls.example\";   actions = [ \"tls\", \"reject\" ]; },\n" \
	"  { match = \"gone.example\";  actions = [ \"tls\", \"reject\" ]; },\n" \
	"  { match = \"only.example\";  actions = [ \"tls\" ]; },\n" \
	"  { match = \"*.sub.example\"; actions = [ \"smime\", \"tls\", \"reject\" ]; },\n" \
	"  { match = \"*\";             actions = [ \"tls\", \"reject\" ]; }\n" \
	");\n"

static char *
map_conf_line(const char *file, const char *format)
{
	char *line;

	ck_assert_int_ge(asprintf(&line, "tls_policy_map = \"%s/%s\";\n%s", tmpdir, file,
	    format ? format : ""), 0);
	return line;
}

struct warns {
	size_t n;
	char last[1024];
};

static void
collect(void *arg, const char *msg)
{
	struct warns *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

START_TEST(conf_unset)
{
	struct fconf *c = conf(RULES, "");
	struct warns w = { 0, "" };
	char why[256];

	ck_assert_str_eq(c->tls.map, "");
	ck_assert_int_eq(c->tls.format, FTLSMAP_POSTFIX);
	ck_assert_int_eq(ftlsmap_enforced(c, "gone.example", why, sizeof(why)), 1);
	ck_assert_uint_eq(ftlsmap_check(c, collect, &w), 0);
	fconf_unref(c);
}
END_TEST

START_TEST(conf_missing_map)
{
	char *line = map_conf_line("no-such-map", NULL);
	struct fconf *c = conf(RULES, line);
	struct warns w = { 0, "" };
	char why[256];

	ck_assert_ptr_null(c->tls.parsed);
	ck_assert_int_eq(ftlsmap_enforced(c, "tls.example", why, sizeof(why)), 0);
	ck_assert_str_eq(why, "the map could not be read");
	/* one warning per load, not one per domain */
	ck_assert_uint_eq(ftlsmap_check(c, collect, &w), 1);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_ptr_nonnull(strstr(w.last, "No such file or directory"));
	ck_assert_ptr_nonnull(strstr(w.last, "unusable for every domain"));
	fconf_unref(c);
	free(line);
}
END_TEST

START_TEST(conf_check_rules)
{
	char *line = map_conf_line("pf-map", NULL), *p;
	struct fconf *c;
	struct warns w = { 0, "" };
	char why[256];

	p = tu_write(tmpdir, "pf-map", "tls.example secure\nonly.example verify\n"
	    ".sub.example secure\n");
	free(p);
	c = conf(RULES, line);
	ck_assert_ptr_nonnull(c->tls.parsed);
	ck_assert_int_eq(ftlsmap_enforced(c, "tls.example", why, sizeof(why)), 1);
	ck_assert_int_eq(ftlsmap_enforced(c, "gone.example", why, sizeof(why)), 0);
	/* gone.example and "*" */
	ck_assert_uint_eq(ftlsmap_check(c, collect, &w), 2);
	ck_assert_msg(strstr(w.last, ".conf:8): a Postfix map has no entry for every domain") != NULL,
	    "%s", w.last);
	fconf_unref(c);
	free(line);
}
END_TEST

START_TEST(conf_sendmail_format)
{
	char *line = map_conf_line("sm-map", "tls_policy_format = \"sendmail\";\n"), *p;
	struct fconf *c;
	char why[256];

	p = tu_write(tmpdir, "sm-map", "TLS_Rcpt:tls.example VERIFY:128\n"
	    "TLS_Rcpt:sub.example VERIFY:128\n");
	free(p);
	c = conf(RULES, line);
	ck_assert_int_eq(c->tls.format, FTLSMAP_SENDMAIL);
	ck_assert_int_eq(ftlsmap_enforced(c, "tls.example", why, sizeof(why)), 1);
	ck_assert_int_eq(ftlsmap_enforced(c, "x.sub.example", why, sizeof(why)), 1);
	ck_assert_int_eq(ftlsmap_enforced(c, "only.example", why, sizeof(why)), 0);
	fconf_unref(c);
	free(line);
}
END_TEST

START_TEST(conf_relative_path)
{
	char err[1024], *path = tu_write(tmpdir, "rel.conf",
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "tls_policy_map = \"tls_policy\";\n");

	ck_assert_ptr_nonnull(path);
	ck_assert_ptr_null(fconf_load(path, words, err, sizeof(err)));
	ck_assert_msg(strstr(err, ":2: tls_policy_map must be an absolute path") != NULL, "%s", err);
	free(path);
}
END_TEST

/* ---- the decision ---- */

static const char msg_cpr[] =
	"From: Anne Holm <anne@bakkeby.dk>\r\nTo: x@tls.example\r\nSubject: Sag\r\n"
	"Message-ID: <1@bakkeby.dk>\r\nMIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n\r\n"
	"Hej,\r\n\r\nBorgerens CPR-nr. er 140549-0389.\r\n\r\nMvh Anne\r\n";

static void
want(const struct fpol_verdict *v, size_t i, enum faction a, const char *reason,
    const char *why)
{
	ck_assert_msg(v->rcpts[i].action == a, "%s: %s, want %s", v->rcpts[i].addr,
	    faction_name(v->rcpts[i].action), faction_name(a));
	ck_assert_str_eq(v->rcpts[i].reason, reason);
	ck_assert_str_eq(v->rcpts[i].why, why);
}

START_TEST(decide_skips_uncovered_tls)
{
	const char *const rcpts[] = { "a@tls.example", "b@gone.example", "c@only.example",
	    "d@x.sub.example", "e@elsewhere.example" };
	char *line = map_conf_line("pf-map2", NULL), *p;
	struct fpol_verdict v;
	struct fconf *c;

	p = tu_write(tmpdir, "pf-map2", "tls.example secure\n.sub.example encrypt\n"
	    "elsewhere.example verify\n");
	free(p);
	c = conf(RULES, line);
	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), "<anne@bakkeby.dk>", NULL,
	    rcpts, 5, &v), FORT_OK);
	want(&v, 0, FACT_TLS, "enforced TLS", "");
	want(&v, 1, FACT_REJECT, "tls not enforced by the MTA map",
	    "tls: no map entry for gone.example");
	want(&v, 2, FACT_REJECT, "no usable action", "tls: no map entry for only.example");
	want(&v, 3, FACT_REJECT, "tls not enforced by the MTA map",
	    "smime: no key store; tls: map line 2: .sub.example is encrypt");
	/* the "*" rule: a domain with its own verified entry gets tls */
	want(&v, 4, FACT_TLS, "enforced TLS", "");
	ck_assert_int_eq(v.would, FPOL_REJECT);
	fpol_verdict_free(&v);
	fconf_unref(c);
	free(line);
}
END_TEST

START_TEST(decide_unreadable_map)
{
	const char *const rcpts[] = { "a@tls.example" };
	char *line = map_conf_line("absent-map", NULL);
	struct fconf *c = conf(RULES, line);
	struct fpol_verdict v;

	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), "<anne@bakkeby.dk>", NULL,
	    rcpts, 1, &v), FORT_OK);
	want(&v, 0, FACT_REJECT, "tls not enforced by the MTA map",
	    "tls: the map could not be read");
	fpol_verdict_free(&v);
	fconf_unref(c);
	free(line);
}
END_TEST

START_TEST(decide_without_setting)
{
	const char *const rcpts[] = { "a@gone.example" };
	struct fconf *c = conf(RULES, "");
	struct fpol_verdict v;

	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), "<anne@bakkeby.dk>", NULL,
	    rcpts, 1, &v), FORT_OK);
	want(&v, 0, FACT_TLS, "enforced TLS", "");
	ck_assert_int_eq(v.would, FPOL_ROUTE_TLS);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

static Suite *
tlsmap_suite(void)
{
	Suite *s = suite_create("tlsmap");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, pf_parse);
	tcase_add_test(tc, pf_levels);
	tcase_add_test(tc, pf_parent_domains);
	tcase_add_test(tc, pf_rule_matches);
	tcase_add_test(tc, sm_lookups);
	tcase_add_test(tc, sm_default_and_user);
	suite_add_tcase(s, tc);
	tc = tcase_create("conf");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, conf_unset);
	tcase_add_test(tc, conf_missing_map);
	tcase_add_test(tc, conf_check_rules);
	tcase_add_test(tc, conf_sendmail_format);
	tcase_add_test(tc, conf_relative_path);
	tcase_add_test(tc, decide_skips_uncovered_tls);
	tcase_add_test(tc, decide_unreadable_map);
	tcase_add_test(tc, decide_without_setting);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;
	failed = tu_run(tlsmap_suite(), NULL) != EXIT_SUCCESS;
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
