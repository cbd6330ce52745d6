/* test_certs: the S/MIME store rules (keys/smime_store.c). Certificates come
 * from the same throwaway CA script the end-to-end tests use
 * (tests/e2e/pki.sh), generated at test time: index by SAN rfc822Name and
 * subject emailAddress, case-insensitive; unusable outside the validity
 * dates, with the wrong key usage, with an EKU lacking emailProtection, or
 * not chaining to ca_file; the newest usable certificate wins. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "keys/smime_store.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir;
static struct fkeys_store *st;

/* Runs pki.sh; every certificate is copied into store/. */
static int
make_pki(const char *dir)
{
	static const char script[] =
	    ". \"$PKI_SH\" && P=\"$D/pki\" && pki_init \"$P\" &&"
	    " PKI_SUBJ=/CN=idx/emailAddress=Subj@Example.ORG pki_cert idx Mixed@Case.Example enc rsa &&"
	    " pki_cert ec ec@example.org ecenc ec &&"
	    " pki_cert old old@example.org enc rsa 20200101000000Z 20210101000000Z &&"
	    " pki_cert future future@example.org enc rsa 20400101000000Z 20410101000000Z &&"
	    " pki_cert sig sig@example.org sigonly rsa &&"
	    " pki_cert cli cli@example.org clientauth rsa &&"
	    " pki_cert m1 multi@example.org enc rsa 20250101000000Z 20350101000000Z &&"
	    " pki_cert m2 multi@example.org enc rsa 20260101000000Z 20350101000000Z &&"
	    " pki_cert m3 multi@example.org sigonly rsa 20260201000000Z 20350101000000Z &&"
	    " mkdir \"$D/store\" && cp \"$P\"/*.pem \"$D/store/\" && rm \"$D/store/ca.pem\" &&"
	    " echo 'not a certificate' > \"$D/store/README\" &&"
	    " ( P=\"$D/pki2\"; pki_init \"$P\" && pki_cert stranger stranger@example.org enc rsa ) &&"
	    " cp \"$D/pki2/stranger.pem\" \"$D/store/\"";
	char *cmd;
	int r;

	if (asprintf(&cmd, "PKI_SH='%s' D='%s' bash -c '%s'", PKI_SH, dir, "eval \"$S\"") < 0)
		return -1;
	setenv("S", script, 1);
	r = system(cmd);
	free(cmd);
	unsetenv("S");
	return r == 0 ? 0 : -1;
}

static X509 *
pki_cert(const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/pki/%s.pem", tmpdir, name);
	return fkeys_load_cert(path);
}

/* find(addr) must give the certificate pki/name.pem. */
static void
assert_finds(const char *addr, const char *name)
{
	char why[192] = "";
	X509 *want = pki_cert(name), *got = fkeys_store_find(st, addr, why, sizeof(why));

	ck_assert_ptr_nonnull(want);
	ck_assert_msg(got != NULL, "%s: not found: %s", addr, why);
	ck_assert_msg(X509_cmp(want, got) == 0, "%s: not %s", addr, name);
	X509_free(want);
}

static void
assert_unusable(const char *addr, const char *reason)
{
	char why[192] = "";

	ck_assert_ptr_null(fkeys_store_find(st, addr, why, sizeof(why)));
	ck_assert_msg(strstr(why, reason) != NULL, "%s: why \"%s\", wanted \"%s\"", addr, why, reason);
}

START_TEST(index_addresses)
{
	/* ten certificates, the README is skipped */
	ck_assert_uint_eq(st->n, 10);
	assert_finds("mixed@case.example", "idx");
	assert_finds("MIXED@CASE.EXAMPLE", "idx");
	assert_finds("subj@example.org", "idx");      /* subject emailAddress */
	assert_finds("Subj@EXAMPLE.org", "idx");
	assert_unusable("case.example", "no certificate for the address");
	assert_unusable("nobody@example.org", "no certificate for the address");
}
END_TEST

START_TEST(cert_addrs)
{
	X509 *x = pki_cert("idx");
	char **a;
	size_t n;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(fkeys_cert_addrs(x, &a, &n), 2);
	ck_assert_str_eq(a[0], "mixed@case.example");
	ck_assert_str_eq(a[1], "subj@example.org");
	fkeys_addrs_free(a, n);
	X509_free(x);
}
END_TEST

START_TEST(usability)
{
	assert_finds("ec@example.org", "ec");        /* keyAgreement is enough */
	assert_unusable("old@example.org", "certificate expired 2021-01-01");
	assert_unusable("future@example.org", "not valid before 2040-01-01");
	assert_unusable("sig@example.org", "key usage does not allow encryption");
	assert_unusable("cli@example.org", "extended key usage lacks emailProtection");
	assert_unusable("stranger@example.org", "does not chain to ca_file");
}
END_TEST

START_TEST(newest_usable_wins)
{
	/* m3 is newest but signature-only; of m1 and m2 the later notBefore wins */
	assert_finds("multi@example.org", "m2");
}
END_TEST

START_TEST(no_ca_file)
{
	char err[256] = "", why[192] = "", dir[1024];
	struct fkeys_store *s2;

	snprintf(dir, sizeof(dir), "%s/store", tmpdir);
	s2 = fkeys_store_load(dir, "", err, sizeof(err));
	ck_assert_ptr_nonnull(s2);
	ck_assert_ptr_null(fkeys_store_find(s2, "ec@example.org", why, sizeof(why)));
	ck_assert_str_eq(why, "no CA bundle loaded");
	fkeys_store_free(s2);
	ck_assert_ptr_null(fkeys_store_load("/nonexistent/store", "", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot open S/MIME store"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("certs");
	TCase *tc = tcase_create("store");
	char err[256] = "", dir[1024], ca[1024];
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || make_pki(tmpdir) < 0) {
		fprintf(stderr, "test_certs: cannot make the test PKI\n");
		tu_rmtree(tmpdir);
		return 99;
	}
	snprintf(dir, sizeof(dir), "%s/store", tmpdir);
	snprintf(ca, sizeof(ca), "%s/pki/ca.pem", tmpdir);
	if ((st = fkeys_store_load(dir, ca, err, sizeof(err))) == NULL) {
		fprintf(stderr, "test_certs: %s\n", err);
		return 99;
	}
	tcase_add_test(tc, index_addresses);
	tcase_add_test(tc, cert_addrs);
	tcase_add_test(tc, usability);
	tcase_add_test(tc, newest_usable_wins);
	tcase_add_test(tc, no_ca_file);
	suite_add_tcase(s, tc);
	failed = tu_run(s, NULL) != EXIT_SUCCESS;
	fkeys_store_free(st);
	tu_rmtree(tmpdir);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
