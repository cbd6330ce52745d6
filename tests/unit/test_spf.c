/* test_spf: who is who. The SPF records come from a zone file through
 * libspf2's zone backend (spf.test_zone), because the tests cannot reach
 * any DNS; trusted_relays matching for IPv4 and IPv6 prefixes. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "decide/sender.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir, *words;

static struct fconf *
conf(void)
{
	char err[1024], *text, *path, *zone;
	struct fconf *c;

	zone = tu_write(tmpdir, "spf.zone", "# test records\n"
	    "bakkeby.dk v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\n"
	    "soft.example v=spf1 ?all\n");
	ck_assert_ptr_nonnull(zone);
	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\", \"*@soft.example\" ]; auth_users = [ \"anne\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n"
	    "trusted_relays = [ \"10.1.0.0/16\", \"2001:db8:ffff::1\" ];\n"
	    "spf = { test_zone = \"%s\"; };\n", zone), 0);
	path = tu_write(tmpdir, "spf.conf", text);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	free(zone);
	return c;
}

START_TEST(spf_results)
{
	struct fconf *c = conf();
	char why[128];

	ck_assert_int_eq(fsender_check(c, "192.0.2.7", "x", "a@bakkeby.dk", why, sizeof(why)), FSENDER_PASS);
	ck_assert_int_eq(fsender_check(c, "198.51.100.1", "x", "a@bakkeby.dk", why, sizeof(why)),
	    FSENDER_FAIL);
	ck_assert_str_eq(why, "spf=fail");
	ck_assert_int_eq(fsender_check(c, "2001:db8::5", "x", "a@bakkeby.dk", why, sizeof(why)),
	    FSENDER_PASS);
	ck_assert_int_eq(fsender_check(c, "198.51.100.1", "x", "a@nozone.example", why, sizeof(why)),
	    FSENDER_OTHER);
	fconf_unref(c);
}
END_TEST

START_TEST(sender_status)
{
	struct fconf *c = conf();
	char why[128];

	ck_assert_int_eq(fsender_sender(c, "x@gmail.com", NULL, "198.51.100.1", "h", why, sizeof(why)),
	    FSENDER_NOT_MEMBER);
	ck_assert_int_eq(fsender_sender(c, "a@bakkeby.dk", "anne", "198.51.100.1", "h", why,
	    sizeof(why)), FSENDER_MEMBER);
	ck_assert_int_eq(fsender_sender(c, "<a@bakkeby.dk>", NULL, "192.0.2.9", "h", why, sizeof(why)),
	    FSENDER_MEMBER);
	ck_assert_int_eq(fsender_sender(c, "a@bakkeby.dk", NULL, "10.1.200.3", "h", why, sizeof(why)),
	    FSENDER_MEMBER);
	ck_assert_int_eq(fsender_sender(c, "a@bakkeby.dk", NULL, "198.51.100.1", "h", why,
	    sizeof(why)), FSENDER_SPOOFED);
	ck_assert_int_eq(fsender_sender(c, "a@soft.example", NULL, "198.51.100.1", "h", why,
	    sizeof(why)), FSENDER_MEMBER_UNVERIFIED);
	/* Inbound learning: trusted relay, SPF pass, or an internal domain SPF does not fail. */
	ck_assert(fsender_inbound_trusted(c, "x@nozone.example", "10.1.0.1", "h"));
	ck_assert(!fsender_inbound_trusted(c, "x@nozone.example", "198.51.100.1", "h"));
	ck_assert(!fsender_inbound_trusted(c, "x@bakkeby.dk", "198.51.100.1", "h"));
	ck_assert(fsender_inbound_trusted(c, "x@bakkeby.dk", "192.0.2.1", "h"));
	fconf_unref(c);
}
END_TEST

START_TEST(relays)
{
	struct fconf *c = conf();

	ck_assert(fsender_trusted_relay(c, "10.1.255.255"));
	ck_assert(!fsender_trusted_relay(c, "10.2.0.1"));
	ck_assert(fsender_trusted_relay(c, "2001:db8:ffff::1"));
	ck_assert(!fsender_trusted_relay(c, "2001:db8:ffff::2"));
	ck_assert(!fsender_trusted_relay(c, ""));
	ck_assert(!fsender_trusted_relay(c, "not-an-ip"));
	fconf_unref(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spf");
	TCase *tc = tcase_create("spf");
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;
	tcase_add_test(tc, spf_results);
	tcase_add_test(tc, sender_status);
	tcase_add_test(tc, relays);
	suite_add_tcase(s, tc);
	failed = tu_run(s, NULL) != EXIT_SUCCESS;
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
