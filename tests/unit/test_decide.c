/* test_decide: the decision table through the library's phases on small messages,
 * and the texts that describe a verdict (header, log line, reject reply). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "decide/decide.h"
#include "decide/hold.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir, *words;

#define DOMAINS_DEFAULT \
	"domains = (\n" \
	"  { match = \"tls.example\"; actions = [ \"tls\", \"reject\" ]; },\n" \
	"  { match = \"*\";           actions = [ \"smime\", \"pgp\", \"reject\" ]; }\n" \
	");\n"

/* The base configuration, domains (default when NULL) and extra settings. */
static struct fconf *
conf(const char *domains, const char *extra)
{
	static int n;
	char err[1024], *text, *path, name[32];
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\" ]; auth_users = [ \"jens\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n%s%s",
	    domains ? domains : DOMAINS_DEFAULT, extra ? extra : ""), 0);
	snprintf(name, sizeof(name), "d%d-%d.conf", (int)getpid(), n++);
	path = tu_write(tmpdir, name, text);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	return c;
}

#define HDRS(extra, subject) \
	"From: Anne Holm <anne@bakkeby.dk>\r\n" \
	"To: x@gmail.com\r\n" \
	"Cc: kollega@bakkeby.dk\r\n" \
	"Subject: " subject "\r\n" \
	"Message-ID: <20261103101200.1@bakkeby.dk>\r\n" \
	extra \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\n" \
	"Content-Transfer-Encoding: 8bit\r\n\r\n"

static const char msg_clean[] = HDRS("", "M\xc3\xb8""de torsdag")
	"Hej,\r\n\r\nm\xc3\xb8""det er flyttet til torsdag kl. 10 p\xc3\xa5 r\xc3\xa5""dhuset.\r\n"
	"\r\nMvh Anne\r\n";
static const char msg_cpr[] = HDRS("", "Sag")
	"Hej,\r\n\r\nBorgerens CPR-nr. er 140549-0389.\r\n\r\nMvh Anne\r\n";
static const char msg_quoted[] = HDRS("", "SV: Sag")
	"Tak, jeg ser p\xc3\xa5 det.\r\n\r\n"
	"Den tir. 3. nov. 2026 kl. 10.12 skrev Borger <b@x.dk>:\r\n"
	"> Mit CPR-nr. er 140549-0389.\r\n";
static const char msg_marking[] = HDRS("", "FORTROLIGT: budget 2027")
	"Se tallene nedenfor.\r\n";
static const char msg_sensitivity[] = HDRS("Sensitivity: Private\r\n", "Budget")
	"Se tallene nedenfor.\r\n";
static const char msg_health[] = HDRS("", "Borger")
	"Hun er kr\xc3\xa6""ftsyg og har v\xc3\xa6ret indlagt.\r\n";
static const char msg_both[] = HDRS("", "SV: Sag")
	"Det drejer sig om CPR 140549-0389.\r\n\r\n> Mit CPR-nr. er 140549-0389.\r\n";
static const char msg_subject_cpr[] = HDRS("", "SV: Borger 140549-0389")
	"Tak.\r\n\r\n> Mit CPR-nr. er 140549-0389.\r\n";
static const char msg_inherited[] = HDRS("Sensitivity: Private\r\n", "SV: FORTROLIGT: Sag")
	"Tak.\r\n\r\n> Mit CPR-nr. er 140549-0389.\r\n";
static const char msg_nocontext[] = HDRS("", "Liste")
	"Nummer 140549-0389 her.\r\n";
static const char msg_deep[] =
	"From: anne@bakkeby.dk\r\nTo: x@gmail.com\r\nSubject: Dyb\r\nMIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n"
	"--a\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	"--b\r\nContent-Type: multipart/mixed; boundary=\"c\"\r\n\r\n"
	"--c\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHej med dig.\r\n"
	"--c--\r\n--b--\r\n--a--\r\n";

static void
eval(struct fconf *c, const char *msg, const char *sender, const char *auth,
    const char *const *rcpts, size_t n, struct fpol_verdict *v)
{
	ck_assert_int_eq(tf_eval(c, msg, strlen(msg), sender, auth, rcpts, n, v), 0);
	ck_assert_uint_eq(v->nrcpts, n);
}

#define RCPTS(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

static void
want_rcpt(const struct fpol_verdict *v, size_t i, enum faction a, const char *reason)
{
	ck_assert_msg(v->rcpts[i].action == a, "%s: action %s, want %s", v->rcpts[i].addr,
	    faction_name(v->rcpts[i].action), faction_name(a));
	ck_assert_ptr_nonnull(v->rcpts[i].reason);
	ck_assert_msg(strcmp(v->rcpts[i].reason, reason) == 0, "%s: reason \"%s\", want \"%s\"",
	    v->rcpts[i].addr, v->rcpts[i].reason, reason);
}

static char *
header(const struct fpol_verdict *v)
{
	struct fbuf b;

	fbuf_init(&b, 0);
	ck_assert_int_eq(fpol_header_value(v, &b), 0);
	return fbuf_take(&b);
}

/* ---- the decision table ---- */

#define ONLY_TLS "domains = ( { match = \"tls.example\"; actions = [ \"tls\" ]; } );\n"
#define HOLD_RULES \
	"domains = (\n" \
	"  { match = \"hold.example\"; actions = [ \"hold\" ]; },\n" \
	"  { match = \"late.example\"; actions = [ \"smime\", \"pgp\", \"hold\", \"reject\" ]; },\n" \
	"  { match = \"mon.example\"; actions = [ \"hold\" ]; monitor = true; },\n" \
	"  { match = \"tls.example\"; actions = [ \"tls\", \"reject\" ]; },\n" \
	"  { match = \"*\"; actions = [ \"reject\" ]; }\n" \
	");\n"
#define R(a, why) { FACT_##a, why }

static const struct dcase {
	const char *name, *domains, *extra, *msg, *sender, *auth;
	const char *rcpts[4];
	struct {
		enum faction a;
		const char *why;
	} want[4];
	int outbound, new_thread;
	enum fclass cls;
	enum fpol_outcome outcome, would;
	const char *header;   /* exact X-Fortrolig value, or NULL */
} cases[] = {
	{ "clean", NULL, NULL, msg_clean, "<anne@bakkeby.dk>", NULL,
	  { "<x@gmail.com>", "y@tls.example", "kollega@bakkeby.dk" },
	  { R(DELIVER, "clean"), R(DELIVER, "clean"), R(DELIVER, "clean") },
	  1, 0, FCLASS_CLEAN, FPOL_DELIVER, FPOL_DELIVER,
	  "class=clean; categories=; where=; action=deliver" },
	{ "cpr-external", NULL, NULL, msg_cpr, "anne@bakkeby.dk", NULL, { "<x@gmail.com>" },
	  { R(REJECT, "domain rule") },   /* smime and pgp are skipped */
	  1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=cpr; where=body; action=reject" },
	{ "cpr-tls", NULL, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@TLS.example", "kollega@bakkeby.dk" },
	  { R(TLS, "enforced TLS"), R(DELIVER, "internal") },
	  1, 0, FCLASS_SENSITIVE, FPOL_ROUTE_TLS, FPOL_ROUTE_TLS,
	  "class=sensitive; categories=cpr; where=body; action=tls" },
	{ "cpr-internal", NULL, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "kollega@bakkeby.dk", "<Chef@BAKKEBY.DK>" },
	  { R(DELIVER, "internal"), R(DELIVER, "internal") },
	  1, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "mixed", NULL, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "kollega@bakkeby.dk", "y@tls.example", "x@gmail.com" },
	  { R(DELIVER, "internal"), R(TLS, "enforced TLS"), R(REJECT, "domain rule") },
	  1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "no-star-rule", ONLY_TLS, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "x@gmail.com", "y@tls.example" }, { R(REJECT, "no domain rule"), R(TLS, "enforced TLS") },
	  1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "no-rules", "", NULL, msg_cpr, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "no domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "none-usable", "domains = ( { match = \"*\"; actions = [ \"smime\", \"pgp\" ]; } );\n",
	  NULL, msg_cpr, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "no usable action") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "deliver-rule", "domains = ( { match = \"*.com\"; actions = [ \"pgp\", \"deliver\" ]; } );\n",
	  NULL, msg_cpr, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(DELIVER, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "exact-first", "domains = ( { match = \"*\"; actions = [ \"deliver\" ]; },\n"
	  "  { match = \"gmail.com\"; actions = [ \"smime\", \"tls\" ]; } );\n",
	  NULL, msg_cpr, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(TLS, "enforced TLS") }, 1, 0, FCLASS_SENSITIVE, FPOL_ROUTE_TLS, FPOL_ROUTE_TLS, NULL },
	{ "new-thread", NULL, "quoted_action = \"new-thread\";\n", msg_quoted, "anne@bakkeby.dk", NULL,
	  { "x@gmail.com", "y@tls.example", "kollega@bakkeby.dk" },
	  { R(REJECT, "new-thread"), R(REJECT, "new-thread"), R(DELIVER, "internal") },
	  1, 1, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=cpr; where=quoted; action=reject(new-thread)" },
	{ "as-body", NULL, "quoted_action = \"as-body\";\n", msg_quoted, "anne@bakkeby.dk", NULL,
	  { "x@gmail.com", "y@tls.example" }, { R(REJECT, "domain rule"), R(TLS, "enforced TLS") },
	  1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=cpr; where=quoted; action=reject" },
	{ "body-and-quote", NULL, NULL, msg_both, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=cpr; where=body,quoted; action=reject" },
	/* A subject tag and a Sensitivity header are inherited from the thread;
	 * a CPR number in the subject is the member's own text. */
	{ "inherited-marking", NULL, NULL, msg_inherited, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "new-thread") }, 1, 1, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=cpr,marking; where=subject,quoted,header; "
	  "action=reject(new-thread)" },
	{ "subject-cpr", NULL, NULL, msg_subject_cpr, "anne@bakkeby.dk", NULL, { "y@tls.example" },
	  { R(TLS, "enforced TLS") }, 1, 0, FCLASS_SENSITIVE, FPOL_ROUTE_TLS, FPOL_ROUTE_TLS,
	  "class=sensitive; categories=cpr; where=subject,quoted; action=tls" },
	{ "non-member", NULL, NULL, msg_cpr, "<someone@gmail.com>", NULL,
	  { "x@gmail.com", "kollega@bakkeby.dk" },
	  { R(DELIVER, "not from a council member"), R(DELIVER, "not from a council member") },
	  0, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "null-sender", NULL, NULL, msg_cpr, "<>", NULL, { "x@gmail.com" },
	  { R(DELIVER, "not from a council member") },
	  0, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "auth-member", NULL, NULL, msg_cpr, "jens.privat@gmail.com", "jens", { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "member-case", NULL, NULL, msg_cpr, "<Anne.Holm@BAKKEBY.DK>", "", { "X@GMAIL.COM" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "monitor", NULL, "mode = \"monitor\";\n", msg_cpr, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_REJECT,
	  "class=sensitive; categories=cpr; where=body; action=reject; mode=monitor" },
	{ "marking-only", NULL, NULL, msg_marking, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_CONFIDENTIAL, FPOL_REJECT, FPOL_REJECT,
	  "class=confidential; categories=marking; where=subject; action=reject" },
	{ "sensitivity", NULL, NULL, msg_sensitivity, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_CONFIDENTIAL, FPOL_REJECT, FPOL_REJECT,
	  "class=confidential; categories=marking; where=header; action=reject" },
	{ "health", NULL, NULL, msg_health, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT,
	  "class=sensitive; categories=health; where=body; action=reject" },
	{ "cpr-disabled", NULL, "detectors = { cpr = { enabled = false; }; };\n", msg_cpr,
	  "anne@bakkeby.dk", NULL, { "x@gmail.com" }, { R(DELIVER, "clean") },
	  1, 0, FCLASS_CLEAN, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "cpr-threshold", NULL, "detectors = { cpr = { threshold = 80; }; };\n", msg_nocontext,
	  "anne@bakkeby.dk", NULL, { "x@gmail.com" }, { R(DELIVER, "clean") },
	  1, 0, FCLASS_CLEAN, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "cpr-no-context", NULL, NULL, msg_nocontext, "anne@bakkeby.dk", NULL, { "x@gmail.com" },
	  { R(REJECT, "domain rule") }, 1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	/* hold: one held recipient holds the one copy for all; a rejected one
	 * still rejects it; skipped key actions fall through to hold. */
	{ "hold", HOLD_RULES, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@hold.example", "kollega@bakkeby.dk", "z@tls.example" },
	  { R(HOLD, "hold for review"), R(DELIVER, "internal"), R(TLS, "enforced TLS") },
	  1, 0, FCLASS_SENSITIVE, FPOL_HOLD, FPOL_HOLD,
	  "class=sensitive; categories=cpr; where=body; action=hold" },
	{ "hold-after-keys", HOLD_RULES, NULL, msg_health, "anne@bakkeby.dk", NULL,
	  { "y@late.example" }, { R(HOLD, "hold for review") },
	  1, 0, FCLASS_SENSITIVE, FPOL_HOLD, FPOL_HOLD,
	  "class=sensitive; categories=health; where=body; action=hold" },
	{ "hold-and-reject", HOLD_RULES, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@hold.example", "x@gmail.com" },
	  { R(HOLD, "hold for review"), R(REJECT, "domain rule") },
	  1, 0, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	{ "hold-clean", HOLD_RULES, NULL, msg_clean, "anne@bakkeby.dk", NULL, { "y@hold.example" },
	  { R(DELIVER, "clean") }, 1, 0, FCLASS_CLEAN, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "hold-non-member", HOLD_RULES, NULL, msg_cpr, "someone@gmail.com", NULL,
	  { "y@hold.example" }, { R(DELIVER, "not from a council member") },
	  0, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_DELIVER, NULL },
	{ "hold-new-thread", HOLD_RULES, "quoted_action = \"new-thread\";\n", msg_quoted,
	  "anne@bakkeby.dk", NULL, { "y@hold.example" }, { R(REJECT, "new-thread") },
	  1, 1, FCLASS_SENSITIVE, FPOL_REJECT, FPOL_REJECT, NULL },
	/* A monitored domain's hold is judged and shown, not applied. */
	{ "hold-monitored-domain", HOLD_RULES, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@mon.example", "z@tls.example" }, { R(HOLD, "hold for review"), R(TLS, "enforced TLS") },
	  1, 0, FCLASS_SENSITIVE, FPOL_ROUTE_TLS, FPOL_HOLD,
	  "class=sensitive; categories=cpr; where=body; action=hold; monitored=1; applied=tls" },
	{ "hold-and-monitored-hold", HOLD_RULES, NULL, msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@mon.example", "y@hold.example" },
	  { R(HOLD, "hold for review"), R(HOLD, "hold for review") },
	  1, 0, FCLASS_SENSITIVE, FPOL_HOLD, FPOL_HOLD, NULL },
	{ "hold-monitor", HOLD_RULES, "mode = \"monitor\";\n", msg_cpr, "anne@bakkeby.dk", NULL,
	  { "y@hold.example" }, { R(HOLD, "hold for review") },
	  1, 0, FCLASS_SENSITIVE, FPOL_DELIVER, FPOL_HOLD,
	  "class=sensitive; categories=cpr; where=body; action=hold; mode=monitor" },
};

START_TEST(decision_table)
{
	const struct dcase *t = &cases[_i];
	struct fconf *c = conf(t->domains, t->extra);
	struct fpol_verdict v;
	size_t n = 0;

	while (n < 4 && t->rcpts[n])
		n++;
	ck_assert_int_eq(tf_eval(c, t->msg, strlen(t->msg), t->sender, t->auth, t->rcpts, n,
	    &v), 0);
	ck_assert_uint_eq(v.nrcpts, n);
	ck_assert_msg(v.outbound == t->outbound, "%s: outbound %d", t->name, v.outbound);
	ck_assert_msg(v.cls == t->cls, "%s: class %s", t->name, fclass_name(v.cls));
	ck_assert_msg(v.new_thread == t->new_thread, "%s: new_thread %d", t->name, v.new_thread);
	ck_assert_msg(v.monitor == (t->extra && strstr(t->extra, "monitor")), "%s: monitor", t->name);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(v.rcpts[i].action == t->want[i].a && v.rcpts[i].reason &&
		    strcmp(v.rcpts[i].reason, t->want[i].why) == 0, "%s: %s: %s (%s), want %s (%s)",
		    t->name, v.rcpts[i].addr, faction_name(v.rcpts[i].action),
		    v.rcpts[i].reason ? v.rcpts[i].reason : "NULL", faction_name(t->want[i].a),
		    t->want[i].why);
		ck_assert_ptr_null(strpbrk(v.rcpts[i].addr, "<> "));
	}
	ck_assert_msg(v.outcome == t->outcome, "%s: outcome %s", t->name, fpol_outcome_name(v.outcome));
	ck_assert_msg(v.would == t->would, "%s: would %s", t->name, fpol_outcome_name(v.would));
	if (t->header) {
		char *h = header(&v);
		ck_assert_str_eq(h, t->header);
		free(h);
	}
	/* Findings keep masked excerpts only. */
	for (size_t i = 0; i < v.findings.n; i++)
		if (v.findings.v[i].cat == FCAT_CPR)
			ck_assert_str_eq(v.findings.v[i].excerpt, "140549-XXXX");
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

/* No envelope given (fortrolig-scan): From: stands in, To/Cc are the recipients. */
START_TEST(header_addresses)
{
	struct fconf *c = conf(NULL, NULL);
	struct fpol_verdict v;

	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), NULL, NULL, NULL, 0, &v), 0);
	ck_assert_int_eq(v.outbound, 1);
	ck_assert_uint_eq(v.nrcpts, 2);
	want_rcpt(&v, 0, FACT_REJECT, "domain rule");
	want_rcpt(&v, 1, FACT_DELIVER, "internal");
	fpol_verdict_free(&v);
	/* An AUTH user not on the list, a look-alike domain: not members. */
	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), "x@gmail.com", "jensen",
	    RCPTS("y@gmail.com"), &v), 0);
	ck_assert_int_eq(v.outbound, 0);
	fpol_verdict_free(&v);
	ck_assert_int_eq(tf_eval(c, msg_cpr, strlen(msg_cpr), "anne@bakkeby.dk.evil.com", NULL,
	    RCPTS("y@gmail.com"), &v), 0);
	ck_assert_int_eq(v.outbound, 0);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

/* Past limits.spool_memory the message is in a temp file, and GMime reads
 * it from there in full: a CPR number at the end of a large message. */
START_TEST(spooled_to_file)
{
	struct fconf *c = conf(NULL, "limits = { spool_memory = 4096; };\n");
	struct fbuf msg;
	struct fpol_verdict v;

	fbuf_init(&msg, 0);
	fbuf_adds(&msg, HDRS("", "Referat"));
	for (int i = 0; i < 4000; i++)
		fbuf_adds(&msg, "Udvalget dr\xc3\xb8" "ftede budgettet for n\xc3\xa6ste \xc3\xa5r.\r\n");
	fbuf_adds(&msg, "Borgerens CPR-nr. er 140549-0389.\r\n");
	ck_assert_uint_gt(msg.len, 100000);
	ck_assert_int_eq(tf_eval(c, msg.data, msg.len, "anne@bakkeby.dk", NULL,
	    RCPTS("x@gmail.com"), &v), 0);
	ck_assert_msg(!v.incomplete, "incomplete: %s", v.incomplete_reason);
	ck_assert_int_eq(v.cls, FCLASS_SENSITIVE);
	ck_assert(v.cats & (1u << FCAT_CPR));
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	fbuf_free(&msg);
	fconf_unref(c);
}
END_TEST

/* A message over limits.max_message_size is not read: fail closed. */
START_TEST(limit_size)
{
	static const struct {
		const char *on_limit;
		enum fclass cls;
		enum fpol_outcome would;
	} t[] = {
		{ "confidential", FCLASS_CONFIDENTIAL, FPOL_REJECT },
		{ "tempfail", FCLASS_CLEAN, FPOL_TEMPFAIL },
		{ "scan-partial", FCLASS_CLEAN, FPOL_DELIVER },
	};
	struct fbuf big;

	fbuf_init(&big, 0);
	fbuf_adds(&big, msg_clean);
	while (big.len < 4096)
		fbuf_adds(&big, "Helt almindelig tekst uden noget fortroligt i.\r\n");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char extra[128];
		struct fconf *c;
		struct fpol_verdict v;
		char *h;
		snprintf(extra, sizeof(extra), "limits = { max_message_size = 1024; on_limit = \"%s\"; };\n",
		    t[i].on_limit);
		c = conf(NULL, extra);
		eval(c, fbuf_str(&big), "anne@bakkeby.dk", NULL,
		    RCPTS("x@gmail.com", "kollega@bakkeby.dk"), &v);
		ck_assert_int_eq(v.incomplete, 1);
		ck_assert_msg(strstr(v.incomplete_reason, "size") != NULL, "%s", v.incomplete_reason);
		ck_assert_int_eq(v.cls, t[i].cls);
		ck_assert_msg(v.would == t[i].would, "%s: would %s", t[i].on_limit,
		    fpol_outcome_name(v.would));
		ck_assert_int_eq(v.outcome, v.would);
		/* The class behind a tempfail, for the milter's metrics. */
		ck_assert_int_eq(v.fail, v.would == FPOL_TEMPFAIL ? FORT_LIMIT : FORT_OK);
		ck_assert_int_eq(v.rcpts[1].action, FACT_DELIVER);
		h = header(&v);
		ck_assert_ptr_nonnull(strstr(h, "; incomplete=yes"));
		free(h);
		fpol_verdict_free(&v);
		/* Mail that is not outbound is never held back by a limit. */
		eval(c, fbuf_str(&big), "x@gmail.com", NULL, RCPTS("kollega@bakkeby.dk"), &v);
		ck_assert_int_eq(v.outcome, FPOL_DELIVER);
		fpol_verdict_free(&v);
		fconf_unref(c);
	}
	fbuf_free(&big);
}
END_TEST

START_TEST(limit_mime_depth)
{
	struct fconf *c = conf(NULL, NULL);
	struct fpol_verdict v;

	eval(c, msg_deep, "anne@bakkeby.dk", NULL, RCPTS("x@gmail.com"), &v);
	ck_assert_int_eq(v.incomplete, 0);
	ck_assert_int_eq(v.cls, FCLASS_CLEAN);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	fpol_verdict_free(&v);
	fconf_unref(c);
	c = conf(NULL, "limits = { max_mime_depth = 3; };\n");
	eval(c, msg_deep, "anne@bakkeby.dk", NULL, RCPTS("x@gmail.com", "kollega@bakkeby.dk"), &v);
	ck_assert_int_eq(v.incomplete, 1);
	ck_assert_msg(strstr(v.incomplete_reason, "depth") != NULL, "%s", v.incomplete_reason);
	ck_assert_int_eq(v.cls, FCLASS_CONFIDENTIAL);
	want_rcpt(&v, 0, FACT_REJECT, "domain rule");
	want_rcpt(&v, 1, FACT_DELIVER, "internal");
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	ck_assert_int_eq(v.new_thread, 0);
	fpol_verdict_free(&v);
	fconf_unref(c);
	c = conf(NULL, "limits = { max_parts = 2; };\n");
	eval(c, msg_deep, "anne@bakkeby.dk", NULL, RCPTS("x@gmail.com"), &v);
	ck_assert_int_eq(v.incomplete, 1);
	ck_assert_int_eq(v.cls, FCLASS_CONFIDENTIAL);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

/* ---- texts ---- */

static void
no_content(const char *s)
{
	static const char *const secret[] = {
		"140549", "0389", "Borgerens", "CPR-nr", "kr\xc3\xa6""ftsyg", "kraeftsyg", "indlagt",
		NULL
	};
	for (size_t i = 0; secret[i]; i++)
		ck_assert_msg(strstr(s, secret[i]) == NULL, "\"%s\" in \"%s\"", secret[i], s);
}

START_TEST(reject_lines)
{
	struct fconf *c = conf(NULL, NULL);
	struct fpol_verdict v;
	char lines[FPOL_MAX_REPLY_LINES][128];
	size_t n, first_en = 0;
	struct fbuf all;

	eval(c, msg_cpr, "anne@bakkeby.dk", NULL,
	    RCPTS("kollega@bakkeby.dk", "<x@gmail.com>", "y@tls.example"), &v);
	n = fpol_reject_lines(c, &v, lines, FPOL_MAX_REPLY_LINES);
	ck_assert_uint_ge(n, 2);
	ck_assert_uint_le(n, FPOL_MAX_REPLY_LINES);
	ck_assert_msg(strncmp(lines[0], "Mailen er IKKE sendt", 20) == 0, "first: %s", lines[0]);
	fbuf_init(&all, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(strlen(lines[i]) <= 76, "line %zu is %zu long", i, strlen(lines[i]));
		ck_assert_msg(strlen(lines[i]) > 0, "line %zu empty", i);
		for (const unsigned char *p = (const unsigned char *)lines[i]; *p; p++)
			ck_assert_msg(*p >= 0x20 && *p < 0x80, "line %zu: byte %#x", i, *p);
		if (!first_en && strncmp(lines[i], "The mail was NOT sent", 21) == 0)
			first_en = i;
		fbuf_adds(&all, lines[i]);
		fbuf_addc(&all, ' ');
	}
	ck_assert_msg(first_en > 0, "no English text after the Danish");
	ck_assert_ptr_nonnull(strstr(fbuf_str(&all), "x@gmail.com"));
	ck_assert_ptr_null(strstr(fbuf_str(&all), "kollega@bakkeby.dk"));
	ck_assert_ptr_null(strstr(fbuf_str(&all), "y@tls.example"));   /* routed, not rejected */
	ck_assert_ptr_nonnull(strstr(fbuf_str(&all), "CPR-nummer"));
	ck_assert_ptr_nonnull(strstr(fbuf_str(&all), "din egen tekst"));
	ck_assert_ptr_nonnull(strstr(fbuf_str(&all), "forvaltningslovens"));
	ck_assert_msg(strstr(fbuf_str(&all), "140549") == NULL && strstr(fbuf_str(&all), "0389") == NULL,
	    "%s", fbuf_str(&all));
	fbuf_free(&all);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

START_TEST(reject_lines_new_thread_and_many)
{
	struct fconf *c = conf(NULL, "texts = { reject_da = \"Afvist%: {recipients}\\n.\"; };\n");
	struct fpol_verdict v;
	char lines[FPOL_MAX_REPLY_LINES][128];
	size_t n;

	eval(c, msg_quoted, "anne@bakkeby.dk", NULL, RCPTS("x@gmail.com"), &v);
	n = fpol_reject_lines(c, &v, lines, FPOL_MAX_REPLY_LINES);
	ck_assert_uint_ge(n, 2);
	ck_assert_msg(strstr(lines[0], "citerede") != NULL, "%s", lines[0]);
	for (size_t i = 0; i < n; i++)
		no_content(lines[i]);
	fpol_verdict_free(&v);
	/* Many rejected recipients: four named, the rest counted; '%' and
	 * line breaks in a configured text become spaces. */
	eval(c, msg_cpr, "anne@bakkeby.dk", NULL, RCPTS("a1@gmail.com", "a2@gmail.com", "a3@gmail.com",
	    "a4@gmail.com", "a5@gmail.com", "a6@gmail.com", "s\xc3\xb8ren@gmail.com"), &v);
	n = fpol_reject_lines(c, &v, lines, FPOL_MAX_REPLY_LINES);
	ck_assert_str_eq(lines[0],
	    "Afvist : a1@gmail.com, a2@gmail.com, a3@gmail.com, a4@gmail.com (+3) .");
	ck_assert_msg(strncmp(lines[1], "The mail was NOT sent", 21) == 0, "%s", lines[1]);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_le(strlen(lines[i]), 76);
		for (const unsigned char *p = (const unsigned char *)lines[i]; *p; p++)
			ck_assert_int_lt(*p, 0x80);
	}
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

START_TEST(log_line_no_content)
{
	static const char *const msgs[] = { msg_cpr, msg_health, msg_quoted };
	static const char prefix[] = "from=<anne@bakkeby.dk> member=yes class=sensitive cats=";
	struct fconf *c = conf(NULL, NULL);

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct fpol_verdict v;
		struct fbuf b;
		char *h;
		eval(c, msgs[i], "<anne@bakkeby.dk>", NULL, RCPTS("x@gmail.com", "k@bakkeby.dk"), &v);
		fbuf_init(&b, 0);
		ck_assert_int_eq(fpol_log_line(&v, "<anne@bakkeby.dk>", &b), 0);
		ck_assert_msg(strncmp(fbuf_str(&b), prefix, strlen(prefix)) == 0, "%s", fbuf_str(&b));
		ck_assert_msg(strstr(fbuf_str(&b), " rcpts=2 mode=enforce") != NULL, "%s", fbuf_str(&b));
		no_content(fbuf_str(&b));
		h = header(&v);
		no_content(h);
		free(h);
		fbuf_free(&b);
		fpol_verdict_free(&v);
	}
	fconf_unref(c);
}
END_TEST

/* The MTA's quarantine reason and the two notices: verdict and envelope,
 * never content; Danish first, then English; plain ASCII. */
START_TEST(hold_texts)
{
	struct fconf *c = conf(HOLD_RULES, NULL);
	struct fpol_held h = { "anne@bakkeby.dk", "4F3A21C0E2", 1788768900 };
	struct fpol_verdict v;
	struct fbuf b;
	const char *s;

	eval(c, msg_both, "<anne@bakkeby.dk>", NULL, RCPTS("y@hold.example", "k@bakkeby.dk"), &v);
	ck_assert_int_eq(v.outcome, FPOL_HOLD);
	fbuf_init(&b, 0);
	ck_assert_int_eq(fpol_hold_reason(&v, &b), 0);
	ck_assert_str_eq(fbuf_str(&b), "fortrolig: class=sensitive categories=cpr");
	fbuf_reset(&b);
	ck_assert_int_eq(fpol_hold_dpo_text(&v, &h, &b), 0);
	s = fbuf_str(&b);
	ck_assert_msg(strncmp(s, "En mail fra et byraadsmedlem", 28) == 0, "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "A mail from a council member"));
	ck_assert(strstr(s, "A mail from") > strstr(s, "Kategorier: CPR-nummer\n"));
	ck_assert_ptr_nonnull(strstr(s, "Categories: CPR number\n"));
	ck_assert_ptr_nonnull(strstr(s, "<anne@bakkeby.dk>"));
	ck_assert_ptr_nonnull(strstr(s, "y@hold.example, k@bakkeby.dk"));
	ck_assert_ptr_nonnull(strstr(s, "fortrolig-hold release 4F3A21C0E2"));
	ck_assert_ptr_nonnull(strstr(s, "Queue id:   4F3A21C0E2"));
	ck_assert_ptr_nonnull(strstr(s, "2026-"));
	no_content(s);
	ck_assert_ptr_null(strstr(s, "SV: Sag"));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p < 0x80), "byte %#x", *p);
	fbuf_reset(&b);
	ck_assert_int_eq(fpol_hold_member_text(&v, &h, &b), 0);
	s = fbuf_str(&b);
	ck_assert_msg(strncmp(s, "Din mail indeholder", 19) == 0, "%s", s);
	ck_assert_ptr_nonnull(strstr(s, "databeskyttelsesansvarlige (DPO)"));
	ck_assert_ptr_nonnull(strstr(s, "waits for review by the data protection officer"));
	ck_assert_ptr_nonnull(strstr(s, "Koe-id:     4F3A21C0E2"));
	no_content(s);
	ck_assert_ptr_null(strstr(s, "SV: Sag"));
	fbuf_free(&b);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

/* council.monitor: a listed member's mail is judged and marked but never
 * blocked; another member's is enforced as before. */
START_TEST(monitor_per_member)
{
	char err[1024], *path;
	struct fconf *c;
	struct fpol_verdict v;

	path = tu_write(tmpdir, "monitor.conf",
	    "council = { senders = [ \"*@bakkeby.dk\" ]; monitor = [ \"Anne@Bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n" DOMAINS_DEFAULT);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(path);

	memset(&v, 0, sizeof(v));
	eval(c, msg_cpr, "anne@bakkeby.dk", NULL, RCPTS("x@gmail.com"), &v);
	ck_assert_int_eq(v.cls, FCLASS_SENSITIVE);
	ck_assert_int_eq(v.monitor, 1);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	ck_assert_int_eq(v.would, FPOL_REJECT);
	fpol_verdict_free(&v);
	eval(c, msg_cpr, "jens@bakkeby.dk", NULL, RCPTS("x@gmail.com"), &v);
	ck_assert_int_eq(v.monitor, 0);
	ck_assert_int_eq(v.outcome, FPOL_REJECT);
	fpol_verdict_free(&v);
	fconf_unref(c);
}
END_TEST

static Suite *
decide_suite(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, decision_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, header_addresses);
	tcase_add_test(tc, spooled_to_file);
	tcase_add_test(tc, limit_size);
	tcase_add_test(tc, limit_mime_depth);
	suite_add_tcase(s, tc);
	tc = tcase_create("texts");
	tcase_add_test(tc, reject_lines);
	tcase_add_test(tc, monitor_per_member);
	tcase_add_test(tc, reject_lines_new_thread_and_many);
	tcase_add_test(tc, log_line_no_content);
	tcase_add_test(tc, hold_texts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;
	failed = tu_run(decide_suite(), NULL) != EXIT_SUCCESS;
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
