/* test_conf: fconf_load() on good files and on each kind of bad file; every
 * error must read "<file>:<line>: ..." with the line of the culprit. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "detect/keywords/keywords.h"
#include "conf/texts_default.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir;   /* made in main(), removed at the end */
static char *words;    /* tmpdir/words: small valid word lists */

static struct fconf *
load_text(const char *name, const char *text, char *err, size_t errlen, char **pathp)
{
	char *path = tu_write(tmpdir, name, text);
	struct fconf *c;

	ck_assert_ptr_nonnull(path);
	err[0] = '\0';
	c = fconf_load(path, words, err, errlen);
	if (pathp)
		*pathp = path;
	else
		free(path);
	return c;
}

#define MINIMAL "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"

/* ---- good files ---- */

START_TEST(minimal_defaults)
{
	char err[1024];
	struct fconf *c = load_text("minimal.conf", MINIMAL, err, sizeof(err), NULL);

	ck_assert_msg(c != NULL, "error: %s", err);
	ck_assert_int_eq(c->mode, FMODE_ENFORCE);
	ck_assert_str_eq(c->socket, "inet:8894@127.0.0.1");
	ck_assert_str_eq(c->metrics, "");
	ck_assert_int_eq(c->quoted_new_thread, 1);
	ck_assert_uint_eq(c->council_senders.n, 1);
	ck_assert_str_eq(c->council_senders.v[0], "*@bakkeby.dk");
	ck_assert_uint_eq(c->auth_users.n, 0);
	ck_assert_uint_eq(c->internal_domains.n, 0);
	ck_assert_uint_eq(c->nrules, 0);
	ck_assert_int_eq(c->cpr.enabled, 1);
	ck_assert_int_eq(c->cpr.threshold, 50);
	ck_assert_int_eq(c->cpr.context_window, 300);
	ck_assert_int_eq(c->kw.enabled, 1);
	ck_assert_int_eq(c->kw.threshold, 3);
	ck_assert_int_eq(c->kw.window, 60);
	ck_assert_str_eq(c->kw.dir, words);
	ck_assert_ptr_nonnull(c->kw.dict);
	ck_assert_uint_eq(fkw_dict_size(c->kw.dict), 8);   /* tutil.h: 8 entries, exclude apart */
	ck_assert_int_eq(c->mark.enabled, 1);
	ck_assert_uint_eq(c->mark.sensitivity.n, 2);
	ck_assert_str_eq(c->mark.sensitivity.v[1], "Company-Confidential");
	ck_assert_uint_eq(c->mark.msip_labels.n, 5);
	ck_assert_int_eq((int)c->limits.max_message_size, 52428800);
	ck_assert_int_eq(c->limits.max_mime_depth, 16);
	ck_assert_int_eq(c->limits.max_parts, 256);
	ck_assert_int_eq(c->limits.on_limit, FONLIMIT_CONFIDENTIAL);
	ck_assert_str_eq(c->texts.reject_da, FTEXT_REJECT_DA);
	ck_assert_str_eq(c->texts.new_thread_en, FTEXT_NEW_THREAD_EN);
	ck_assert_ptr_eq(fconf_rule_for(c, "gmail.com"), NULL);
	ck_assert_str_eq(c->hold.notify, "");
	fconf_unref(c);
}
END_TEST

/* hold: an action like reject, and the DPO's address in faddr's form. */
START_TEST(hold_action_and_notify)
{
	char err[1024];
	struct fconf *c = load_text("hold.conf", MINIMAL
	    "domains = ( { match = \"region.dk\"; actions = [ \"smime\", \"hold\" ]; },\n"
	    "  { match = \"*\"; actions = [ \"hold\" ]; } );\n"
	    "hold = { notify = \"<DPO@Bakkeby.DK>\"; };\n", err, sizeof(err), NULL);

	ck_assert_msg(c != NULL, "error: %s", err);
	ck_assert_uint_eq(c->rules[0].nactions, 2);
	ck_assert_int_eq(c->rules[0].actions[1], FACT_HOLD);
	ck_assert_int_eq(c->rules[1].actions[0], FACT_HOLD);
	ck_assert_str_eq(faction_name(FACT_HOLD), "hold");
	ck_assert_str_eq(faction_name(FACT_REJECT), "reject");
	ck_assert_str_eq(c->hold.notify, "DPO@bakkeby.dk");
	fconf_unref(c);
}
END_TEST

static const char full_fmt[] =
	"# every setting, none at its default\n"
	"mode = \"monitor\";\n"
	"socket = \"unix:/run/fortrolig/milter.sock\";\n"
	"metrics = \"[::1]:9712\";\n"
	"user = \"fortrolig\";\n"
	"council = {\n"
	"  senders = [ \"*@bakkeby.dk\", \"borgmester@naboby.dk\" ];\n"
	"  auth_users = [ \"jens\", \"anne.holm\" ];\n"
	"};\n"
	"internal_domains = [ \"bakkeby.dk\", \"*.intern.bakkeby.dk\" ];\n"
	"quoted_action = \"as-body\";\n"
	"domains = (\n"
	"  { match = \"tls.example\";    actions = [ \"tls\", \"reject\" ]; },\n"
	"  { match = \"*.example.dk\";   actions = [ \"smime\", \"tls\", \"reject\" ]; },\n"
	"  { match = \"*.a.example.dk\"; actions = [ \"deliver\" ]; },\n"
	"  { match = \"example.dk\";     actions = [ \"pgp\", \"reject\" ]; },\n"
	"  { match = \"*\";              actions = [ \"smime\", \"pgp\", \"reject\" ]; }\n"
	");\n"
	"detectors = {\n"
	"  cpr = { enabled = false; threshold = 70; context_window = 120; };\n"
	"  keywords = { enabled = true; dir = \"%s\"; threshold = 4; window = 30; };\n"
	"  marking = { enabled = false; sensitivity = [ \"Private\" ];\n"
	"              msip_labels = [ \"Intern\", \"Fortroligt\" ]; };\n"
	"};\n"
	"limits = { max_message_size = 2147483647; max_mime_depth = 8; max_parts = 64;\n"
	"           on_limit = \"tempfail\"; };\n"
	"texts = {\n"
	"  reject_da = \"Afvist: {categories}.\";\n"
	"  reject_en = \"Rejected: \" \"{categories}.\";\n"
	"  new_thread_da = \"Start en ny tr\xc3\xa5""d.\";\n"
	"  new_thread_en = \"Start a new thread.\";\n"
	"};\n";

static struct fconf *
load_full(void)
{
	char err[1024], *text;
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text, full_fmt, words), 0);
	c = load_text("full.conf", text, err, sizeof(err), NULL);
	free(text);
	ck_assert_msg(c != NULL, "error: %s", err);
	return c;
}

START_TEST(full_all_settings)
{
	struct fconf *c = load_full();

	ck_assert_int_eq(c->mode, FMODE_MONITOR);
	ck_assert_str_eq(c->socket, "unix:/run/fortrolig/milter.sock");
	ck_assert_str_eq(c->metrics, "[::1]:9712");
	ck_assert_str_eq(c->user, "fortrolig");
	ck_assert_uint_eq(c->council_senders.n, 2);
	ck_assert_str_eq(c->auth_users.v[1], "anne.holm");
	ck_assert_uint_eq(c->internal_domains.n, 2);
	ck_assert_int_eq(c->quoted_new_thread, 0);
	ck_assert_uint_eq(c->nrules, 5);
	ck_assert_str_eq(c->rules[0].match, "tls.example");
	ck_assert_uint_eq(c->rules[0].nactions, 2);
	ck_assert_int_eq(c->rules[0].actions[0], FACT_TLS);
	ck_assert_int_eq(c->rules[0].actions[1], FACT_REJECT);
	ck_assert_int_eq(c->rules[0].line, 13);
	ck_assert_int_eq(c->rules[1].actions[0], FACT_SMIME);
	ck_assert_int_eq(c->rules[2].actions[0], FACT_DELIVER);
	ck_assert_int_eq(c->rules[3].actions[0], FACT_PGP);
	ck_assert_int_eq(c->rules[4].line, 17);
	ck_assert_int_eq(c->cpr.enabled, 0);
	ck_assert_int_eq(c->cpr.threshold, 70);
	ck_assert_int_eq(c->cpr.context_window, 120);
	ck_assert_int_eq(c->kw.threshold, 4);
	ck_assert_int_eq(c->kw.window, 30);
	ck_assert_ptr_nonnull(c->kw.dict);
	ck_assert_int_eq(c->mark.enabled, 0);
	ck_assert_uint_eq(c->mark.sensitivity.n, 1);
	ck_assert_uint_eq(c->mark.msip_labels.n, 2);
	ck_assert_str_eq(c->mark.msip_labels.v[0], "Intern");
	ck_assert(c->limits.max_message_size == 2147483647LL);
	ck_assert_int_eq(c->limits.max_mime_depth, 8);
	ck_assert_int_eq(c->limits.max_parts, 64);
	ck_assert_int_eq(c->limits.on_limit, FONLIMIT_TEMPFAIL);
	ck_assert_str_eq(c->texts.reject_da, "Afvist: {categories}.");
	ck_assert_str_eq(c->texts.reject_en, "Rejected: {categories}.");
	ck_assert_str_eq(c->texts.new_thread_da, "Start en ny tr\xc3\xa5""d.");
	ck_assert_str_eq(faction_name(FACT_TLS), "tls");
	ck_assert_str_eq(faction_name(FACT_COUNT), "?");
	/* A second reference keeps the snapshot alive. */
	ck_assert_ptr_eq(fconf_ref(c), c);
	fconf_unref(c);
	ck_assert_str_eq(c->rules[4].match, "*");
	fconf_unref(c);
}
END_TEST

START_TEST(rule_for)
{
	static const struct {
		const char *domain, *match;
	} t[] = {
		{ "tls.example", "tls.example" },
		{ "TLS.Example", "tls.example" },
		{ "example.dk", "example.dk" },          /* exact beats *.suffix */
		{ "EXAMPLE.DK", "example.dk" },
		{ "x.example.dk", "*.example.dk" },
		{ "b.x.example.dk", "*.example.dk" },
		{ "y.a.example.dk", "*.a.example.dk" },  /* longest suffix wins */
		{ "a.example.dk", "*.example.dk" },      /* *.a.example.dk is not a.example.dk */
		{ "badexample.dk", "*" },                /* a suffix starts at a dot */
		{ "gmail.com", "*" },
		{ "", "*" },
	};
	struct fconf *c = load_full();

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct fdomain_rule *r = fconf_rule_for(c, t[i].domain);
		ck_assert_msg(r != NULL, "%s: no rule", t[i].domain);
		ck_assert_msg(strcmp(r->match, t[i].match) == 0, "%s: rule %s, want %s",
		    t[i].domain, r->match, t[i].match);
	}
	fconf_unref(c);
}
END_TEST

/* The order in the file does not matter for exact and suffix rules. */
START_TEST(rule_for_order)
{
	char err[1024];
	struct fconf *c = load_text("order.conf", MINIMAL
	    "domains = (\n"
	    "  { match = \"*\"; actions = [ \"reject\" ]; },\n"
	    "  { match = \"*.dk\"; actions = [ \"tls\" ]; },\n"
	    "  { match = \"*.sub.x.dk\"; actions = [ \"deliver\" ]; },\n"
	    "  { match = \"*.x.dk\"; actions = [ \"pgp\" ]; },\n"
	    "  { match = \"a.sub.x.dk\"; actions = [ \"smime\" ]; }\n"
	    ");\n", err, sizeof(err), NULL);

	ck_assert_msg(c != NULL, "error: %s", err);
	ck_assert_str_eq(fconf_rule_for(c, "a.sub.x.dk")->match, "a.sub.x.dk");
	ck_assert_str_eq(fconf_rule_for(c, "b.sub.x.dk")->match, "*.sub.x.dk");
	ck_assert_str_eq(fconf_rule_for(c, "sub.x.dk")->match, "*.x.dk");
	ck_assert_str_eq(fconf_rule_for(c, "x.dk")->match, "*.dk");
	ck_assert_str_eq(fconf_rule_for(c, "x.se")->match, "*");
	fconf_unref(c);
}
END_TEST

START_TEST(list_match_and_internal)
{
	struct fconf *c = load_full();

	ck_assert(fconf_list_match(&c->council_senders, "anne@bakkeby.dk"));
	ck_assert(fconf_list_match(&c->council_senders, "Anne.Holm@BAKKEBY.DK"));
	ck_assert(fconf_list_match(&c->council_senders, "BORGMESTER@naboby.dk"));
	ck_assert(!fconf_list_match(&c->council_senders, "jens@naboby.dk"));
	ck_assert(!fconf_list_match(&c->council_senders, "anne@notbakkeby.dk"));
	ck_assert(!fconf_list_match(&c->council_senders, "anne@sub.bakkeby.dk"));
	ck_assert(!fconf_list_match(&c->council_senders, "anne@bakkeby.dk.evil.com"));
	ck_assert(!fconf_list_match(&c->council_senders, ""));
	ck_assert(fconf_list_match(&c->auth_users, "JENS"));
	ck_assert(!fconf_list_match(&c->auth_users, "jensen"));
	ck_assert(fconf_domain_internal(c, "bakkeby.dk"));
	ck_assert(fconf_domain_internal(c, "Bakkeby.DK"));
	ck_assert(!fconf_domain_internal(c, "sub.bakkeby.dk"));   /* only listed domains */
	ck_assert(fconf_domain_internal(c, "skole.intern.bakkeby.dk"));
	ck_assert(!fconf_domain_internal(c, "intern.bakkeby.dk"));
	ck_assert(!fconf_domain_internal(c, "gmail.com"));
	ck_assert(!fconf_domain_internal(c, ""));
	fconf_unref(c);
}
END_TEST

/* Keywords switched off: the word list directory is not read at all. */
START_TEST(keywords_disabled)
{
	char err[1024];
	struct fconf *c = load_text("nokw.conf", MINIMAL
	    "detectors = { keywords = { enabled = false; dir = \"/nonexistent/words\"; }; };\n",
	    err, sizeof(err), NULL);

	ck_assert_msg(c != NULL, "error: %s", err);
	ck_assert_ptr_null(c->kw.dict);
	fconf_unref(c);
}
END_TEST

/* The word lists shipped in lib/detect/keywords/words load without an error. */
START_TEST(shipped_wordlists)
{
	char err[1024], *text;
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text, MINIMAL "detectors = { keywords = { dir = \"%s\"; }; };\n",
	    WORDS_DIR), 0);
	c = load_text("shipped.conf", text, err, sizeof(err), NULL);
	free(text);
	ck_assert_msg(c != NULL, "error: %s", err);
	ck_assert_uint_gt(fkw_dict_size(c->kw.dict), 100);
	fconf_unref(c);
}
END_TEST

/* ---- bad files: "<file>:<line>: message" ---- */

static const struct {
	const char *name, *text;
	int line;
	const char *says;
} bad[] = {
	{ "syntax.conf", MINIMAL "mode = = \"enforce\";\n", 2, "syntax error" },
	{ "type.conf", MINIMAL "\nmode = 1;\n", 3, "mode must be a string" },
	{ "enum.conf", MINIMAL "mode = \"block\";\n", 2, "is not one of" },
	{ "typo.conf", MINIMAL "quoted_acton = \"as-body\";\n", 2,
	  "unknown setting \"quoted_acton\"" },
	{ "typo2.conf", MINIMAL "detectors = {\n  cpr = {\n    treshold = 50;\n  };\n};\n", 4,
	  "unknown setting \"detectors.cpr.treshold\"" },
	{ "range.conf", MINIMAL "detectors = {\n  cpr = {\n    threshold = 500;\n  };\n};\n", 4,
	  "out of range" },
	{ "range2.conf", MINIMAL "limits = {\n  max_message_size = 100;\n};\n", 3, "out of range" },
	{ "range3.conf", MINIMAL "limits = { max_message_size = 3000000000L; };\n", 2,
	  "out of range" },
	{ "float.conf", MINIMAL "detectors = { cpr = {\n threshold = 50.0; }; };\n", 3,
	  "must be an integer" },
	{ "bool.conf", MINIMAL "detectors = { marking = {\n enabled = \"yes\"; }; };\n", 3,
	  "must be true or false" },
	{ "onlimit.conf", MINIMAL "limits = {\n on_limit = \"drop\"; };\n", 3, "is not one of" },
	{ "listtype.conf", MINIMAL "internal_domains = \"bakkeby.dk\";\n", 2, "list of strings" },
	{ "listelem.conf", MINIMAL "internal_domains = [ \"\" ];\n", 2, "empty" },
	{ "match.conf", MINIMAL "domains = (\n  { match = \"ex ample.dk\"; actions = [ \"reject\" ]; }\n);\n",
	  3, "bad match \"ex ample.dk\"" },
	{ "match2.conf", MINIMAL "domains = (\n  { match = \"*example.dk\"; actions = [ \"reject\" ]; }\n);\n",
	  3, "bad match" },
	{ "match3.conf", MINIMAL "domains = (\n  { match = \"\"; actions = [ \"reject\" ]; }\n);\n",
	  3, "bad match" },
	{ "match4.conf", MINIMAL "domains = (\n  { match = \"*.\"; actions = [ \"reject\" ]; }\n);\n",
	  3, "bad match" },
	{ "nomatch.conf", MINIMAL "domains = (\n  { actions = [ \"reject\" ]; }\n);\n", 3, "no match" },
	{ "action.conf", MINIMAL "domains = (\n  { match = \"*\";\n    actions = [ \"smime\", \"encrypt\" ]; }\n);\n",
	  4, "unknown action \"encrypt\"" },
	{ "noactions.conf", MINIMAL "domains = (\n  { match = \"*\"; actions = [ ]; }\n);\n", 3,
	  "non-empty actions" },
	{ "manyactions.conf", MINIMAL "domains = (\n  { match = \"*\"; actions = [ \"tls\", \"tls\", "
	  "\"tls\", \"tls\", \"tls\", \"tls\", \"tls\", \"tls\", \"reject\" ]; }\n);\n", 3,
	  "more than 8 actions" },
	{ "rulekey.conf", MINIMAL "domains = (\n  { match = \"*\"; actions = [ \"reject\" ];\n"
	  "    action = \"tls\"; }\n);\n", 4, "unknown setting \"action\"" },
	{ "dup.conf", MINIMAL "domains = (\n  { match = \"naboby.dk\"; actions = [ \"tls\" ]; },\n"
	  "  { match = \"Naboby.DK\"; actions = [ \"reject\" ]; }\n);\n", 4,
	  "already matched by the rule at line 3" },
	{ "metrics.conf", MINIMAL "\nmetrics = \"10.0.0.5:9712\";\n", 3, "not a loopback address" },
	{ "metrics2.conf", MINIMAL "metrics = \"0.0.0.0:9712\";\n", 2, "not a loopback address" },
	{ "metrics3.conf", MINIMAL "metrics = \"[2001:db8::1]:9712\";\n", 2, "not a loopback" },
	{ "metrics4.conf", MINIMAL "metrics = \"127.0.0.1\";\n", 2, "is not HOST:PORT" },
	{ "metrics5.conf", MINIMAL "metrics = \"127.0.0.1:0\";\n", 2, "is not HOST:PORT" },
	{ "metrics6.conf", MINIMAL "metrics = \"127.0.0.1:70000\";\n", 2, "is not HOST:PORT" },
	{ "metrics7.conf", MINIMAL "metrics = \"example.org:9712\";\n", 2, "must be an IP address" },
	{ "council.conf", "# no members\ncouncil = { senders = [ ]; auth_users = [ ]; };\n", 2,
	  "council: list at least one" },
	{ "hold.conf", MINIMAL "hold = {\n  notify = \"dpo at bakkeby\"; };\n", 3,
	  "hold.notify = \"dpo at bakkeby\" is not a mail address" },
	{ "hold2.conf", MINIMAL "hold = { notify = \"dpo\"; };\n", 2, "is not a mail address" },
	{ "hold3.conf", MINIMAL "hold = { notfy = \"dpo@bakkeby.dk\"; };\n", 2,
	  "unknown setting \"hold.notfy\"" },
	{ "hold4.conf", MINIMAL "domains = (\n  { match = \"*\"; actions = [ \"held\" ]; }\n);\n", 3,
	  "unknown action \"held\" (deliver, smime, pgp, tls, reject, hold)" },
};

START_TEST(bad_file)
{
	char err[1024], want[1200], *path;
	struct fconf *c = load_text(bad[_i].name, bad[_i].text, err, sizeof(err), &path);

	if (c != NULL) {
		fconf_unref(c);
		free(path);
		ck_abort_msg("%s: loaded without an error", bad[_i].name);
	}
	snprintf(want, sizeof(want), "%s:%d: ", path, bad[_i].line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s: got \"%s\", want prefix \"%s\"",
	    bad[_i].name, err, want);
	ck_assert_msg(strstr(err, bad[_i].says) != NULL, "%s: \"%s\" does not say \"%s\"",
	    bad[_i].name, err, bad[_i].says);
	ck_assert_ptr_null(strchr(err, '\n'));
	free(path);
}
END_TEST

/* No council group at all: the error names the file and the setting. */
START_TEST(bad_no_council)
{
	char err[1024], want[1200], *path;
	struct fconf *c = load_text("nocouncil.conf", "mode = \"enforce\";\n", err, sizeof(err),
	    &path);

	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s:", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\"", err);
	ck_assert_ptr_nonnull(strstr(err, "council"));
	free(path);
}
END_TEST

START_TEST(bad_missing_file)
{
	char err[1024], want[1200], *path;

	ck_assert_int_ge(asprintf(&path, "%s/does-not-exist.conf", tmpdir), 0);
	ck_assert_ptr_null(fconf_load(path, words, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:0: ", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\"", err);
	free(path);
}
END_TEST

/* An error inside an @include'd file names that file and its line. */
START_TEST(bad_in_include)
{
	char err[1024], want[1200], *inc, *text, *path;

	inc = tu_write(tmpdir, "inc.conf", "# included\nmode = 1;\n");
	ck_assert_ptr_nonnull(inc);
	ck_assert_int_ge(asprintf(&text, MINIMAL "@include \"%s\"\n", inc), 0);
	ck_assert_ptr_null(load_text("main-inc.conf", text, err, sizeof(err), &path));
	snprintf(want, sizeof(want), "%s:2: ", inc);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want prefix \"%s\"", err,
	    want);
	free(inc);
	free(text);
	free(path);
}
END_TEST

/* A bad word list is reported as "<list>:<line>: ...", not as the config. */
static void
bad_words(const char *file, const char *content, int line, const char *says)
{
	char err[1024], want[1200], *dir, *conf, *p;

	ck_assert_int_ge(asprintf(&dir, "%s/badwords-%s", tmpdir, file), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (const char *const *f = (const char *const[]){ "health.txt", "criminal.txt",
	    "social.txt", "private.txt", "person.txt", NULL }; *f; f++) {
		p = tu_write(dir, *f, strcmp(*f, file) == 0 ? content : "ord\n");
		ck_assert_ptr_nonnull(p);
		free(p);
	}
	ck_assert_int_ge(asprintf(&conf, MINIMAL "detectors = { keywords = { dir = \"%s\"; }; };\n",
	    dir), 0);
	ck_assert_ptr_null(load_text("badwords.conf", conf, err, sizeof(err), NULL));
	snprintf(want, sizeof(want), "%s/%s:%d: ", dir, file, line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\", want prefix \"%s\"", err,
	    want);
	ck_assert_msg(strstr(err, says) != NULL, "\"%s\" does not say \"%s\"", err, says);
	free(dir);
	free(conf);
}

START_TEST(bad_wordlist_weight)
{
	bad_words("health.txt", "# health\n\nkr\xc3\xa6""ftsyg =3\nkr\xc3\xa6""ft =9\n", 4, "weight");
}
END_TEST

START_TEST(bad_wordlist_weight_text)
{
	bad_words("social.txt", "anbragt =x\n", 1, "weight");
}
END_TEST

START_TEST(bad_wordlist_star)
{
	bad_words("criminal.txt", "ok\nsig*tet\n", 2, "'*'");
}
END_TEST

START_TEST(bad_wordlist_missing)
{
	char err[1024], *conf;

	ck_assert_int_ge(asprintf(&conf, MINIMAL "detectors = { keywords = { dir = \"%s/none\"; }; };\n",
	    tmpdir), 0);
	ck_assert_ptr_null(load_text("nowords.conf", conf, err, sizeof(err), NULL));
	ck_assert_msg(strstr(err, "/none/health.txt:0: ") != NULL, "got \"%s\"", err);
	free(conf);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("good");

	tcase_add_test(tc, minimal_defaults);
	tcase_add_test(tc, full_all_settings);
	tcase_add_test(tc, hold_action_and_notify);
	tcase_add_test(tc, rule_for);
	tcase_add_test(tc, rule_for_order);
	tcase_add_test(tc, list_match_and_internal);
	tcase_add_test(tc, keywords_disabled);
	tcase_add_test(tc, shipped_wordlists);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_add_loop_test(tc, bad_file, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, bad_no_council);
	tcase_add_test(tc, bad_missing_file);
	tcase_add_test(tc, bad_in_include);
	tcase_add_test(tc, bad_wordlist_weight);
	tcase_add_test(tc, bad_wordlist_weight_text);
	tcase_add_test(tc, bad_wordlist_star);
	tcase_add_test(tc, bad_wordlist_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;   /* automake: hard error */
	failed = tu_run(conf_suite(), NULL) != EXIT_SUCCESS;
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
