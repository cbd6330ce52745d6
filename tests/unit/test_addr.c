/* test_addr: faddr_parse by RFC 5321/5322, table-driven: each input, and
 * the normalised address (NULL: unparseable). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"
#include "tmain.h"

static const struct {
	const char *in, *norm;
} cases[] = {
	{ "jens@bakkeby.dk", "jens@bakkeby.dk" },
	{ "<jens@bakkeby.dk>", "jens@bakkeby.dk" },
	{ "  <Jens@BAKKEBY.DK>  ", "Jens@bakkeby.dk" },
	{ "jens@bakkeby.dk.", "jens@bakkeby.dk" },
	{ "<@a.example,@b.example:jens@bakkeby.dk>", "jens@bakkeby.dk" },
	{ "\"jens\"@bakkeby.dk", "jens@bakkeby.dk" },
	{ "\"jens x\"@bakkeby.dk", "\"jens x\"@bakkeby.dk" },
	{ "\"x@bakkeby.dk y\"@evil.example", "\"x@bakkeby.dk y\"@evil.example" },
	{ "\"a\\\"b\"@x.dk", "\"a\\\"b\"@x.dk" },
	{ "jens@b\xc3\xa6kkeby.dk", "jens@xn--bkkeby-pua.dk" },
	{ "jens@B\xc3\x86KKEBY.DK", "jens@xn--bkkeby-pua.dk" },
	{ "jens@[192.0.2.1]", "jens@[192.0.2.1]" },
	{ "<>", "" },
	{ "", NULL },
	{ "jens", NULL },
	{ "jens@", NULL },
	{ "@bakkeby.dk", NULL },
	{ "jens@bakkeby.dk@evil.example", NULL },
	{ "jens x@bakkeby.dk", NULL },
	{ "jens@bak keby.dk", NULL },
	{ "jens@bakkeby..dk", NULL },
	{ "\"unterminated@bakkeby.dk", NULL },
	{ "<jens@bakkeby.dk", NULL },
	{ "jens@*.dk", NULL },
	{ "jens@bakkeby.dk>", NULL },
};

START_TEST(parse_table)
{
	struct faddr a;
	int rc = faddr_parse(cases[_i].in, &a);

	if (cases[_i].norm == NULL) {
		ck_assert_msg(rc < 0, "\"%s\" parsed as \"%s\"", cases[_i].in, a.norm);
		ck_assert_str_eq(a.norm, "");
	} else {
		ck_assert_msg(rc == 0, "\"%s\" did not parse", cases[_i].in);
		ck_assert_str_eq(a.norm, cases[_i].norm);
		ck_assert_str_eq(a.domain, strrchr(cases[_i].norm, '@') ?
		    strrchr(cases[_i].norm, '@') + 1 : "");
	}
}
END_TEST

START_TEST(domains)
{
	char out[256];

	ck_assert_int_eq(faddr_domain_norm("*.Bakkeby.DK.", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "*.bakkeby.dk");
	ck_assert_int_eq(faddr_domain_norm("b\xc3\xa6kkeby.dk", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "xn--bkkeby-pua.dk");
	ck_assert_int_lt(faddr_domain_norm("bad domain", out, sizeof(out)), 0);
	ck_assert_int_lt(faddr_domain_norm("", out, sizeof(out)), 0);
}
END_TEST

START_TEST(too_long)
{
	char in[700];
	struct faddr a;

	memset(in, 'a', 600);
	memcpy(in + 600, "@bakkeby.dk", 12);
	ck_assert_int_lt(faddr_parse(in, &a), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");
	int failed;

	tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, domains);
	tcase_add_test(tc, too_long);
	suite_add_tcase(s, tc);
	failed = tu_run(s, NULL) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
