/* fortrolig-certs: IT's tool for the recipient key stores that a config
 * names (S/MIME directory and GnuPG home). Exit: 0 done, 1 refused or found
 * (import refused a file, check says reject, expiring found some, remove
 * matched nothing), 2 usage, config or store error. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/address.h"
#include "keys/admin.h"
#include "base/text.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-certs [-c conf] import FILE...\n"
	    "       fortrolig-certs [-c conf] list\n"
	    "       fortrolig-certs [-c conf] check ADDRESS\n"
	    "       fortrolig-certs [-c conf] remove ADDRESS|FINGERPRINT\n"
	    "       fortrolig-certs [-c conf] expiring DAYS\n"
	    "Exit: 0 done, 1 refused / rejected / found expiring / nothing removed, 2 error.\n");
}

int
fca_fpr_eq(const char *fpr, const char *what)
{
	size_t i = 0;

	for (; *what; what++) {
		if (*what == ':' || *what == ' ')
			continue;
		if (fpr[i] == '\0' || (fpr[i] | 0x20) != (*what | 0x20))
			return 0;
		i++;
	}
	return i > 0 && fpr[i] == '\0';
}

int
fca_missing(const char *dir)
{
	return access(dir, F_OK) != 0 && errno == ENOENT;
}

void
fca_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "never");
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
}

static void
print_entry(const struct fca_entry *e, void *arg)
{
	char d[32];

	(void)arg;
	fca_date(e->expires, d, sizeof(d));
	printf("%s\t%s\t%s\t%s\t%s%s\n", e->addr, e->type, e->fpr, d,
	    e->usable ? "usable" : "unusable: ", e->usable ? "" : e->why);
}

struct expiring {
	time_t limit;
	int n;
};

static void
expiring_entry(const struct fca_entry *e, void *arg)
{
	struct expiring *x = arg;

	if (e->expires == 0 || e->expires > x->limit)
		return;
	print_entry(e, NULL);
	x->n++;
}

/* An armored OpenPGP key goes to the GnuPG home, the rest to S/MIME. */
static int
import(const struct fconf *c, const char *path)
{
	char head[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "fortrolig-certs: %s: %s\n", path, strerror(errno));
		return FCA_ERR;
	}
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	if (strstr(head, "-----BEGIN PGP PRIVATE KEY BLOCK-----") ||
	    strstr(head, "PRIVATE KEY-----")) {
		printf("%s: refused: holds a private key; import only certificates and public keys\n",
		    path);
		return FCA_NO;
	}
	if (strstr(head, "-----BEGIN PGP PUBLIC KEY BLOCK-----"))
		return fca_pgp_import(c, path);
	return fca_smime_import(c, path);
}

static int
check_kind(struct fkeys *fc, enum faction k, const char *addr)
{
	struct fpol_keys keys;
	char why[192] = "";
	int u;

	fkeys_keys(fc, &keys);
	u = keys.usable(keys.ctx, k, addr, why, sizeof(why));
	if (u > 0)
		printf("  %s: usable\n", faction_name(k));
	else
		printf("  %s: not usable: %s\n", faction_name(k), why);
	return u;
}

/* The same walk as the milter's decision (decide/decide.c decide_rcpt) for
 * confidential mail from a council member, with the same key lookup. */
static int
check(const struct fconf *c, const char *arg)
{
	struct faddr pa;
	const char *addr = pa.norm, *domain;
	const struct fdomain_rule *rule;
	struct fkeys *fc;
	int r = FCA_NO, decided = 0;

	if (faddr_parse(arg, &pa) < 0 || *(domain = pa.domain) == '\0') {
		fprintf(stderr, "fortrolig-certs: check: not an address: %s\n", arg);
		return FCA_ERR;
	}
	if (fconf_domain_internal(c, domain)) {
		printf("%s: internal domain\naction: deliver (internal)\n", addr);
		return FCA_OK;
	}
	if ((rule = fconf_rule_for(c, domain)) == NULL) {
		printf("%s: no domain rule\naction: reject (no domain rule)\n", addr);
		return FCA_NO;
	}
	printf("%s: domain rule \"%s\" (line %d)\n", addr, rule->match, rule->line);
	if ((fc = fkeys_new(c)) == NULL) {
		fprintf(stderr, "fortrolig-certs: out of memory\n");
		return FCA_ERR;
	}
	for (size_t i = 0; i < rule->nactions; i++) {
		enum faction a = rule->actions[i];
		if (a == FACT_SMIME || a == FACT_PGP) {
			int u = check_kind(fc, a, addr);
			if (u < 0) {
				r = FCA_ERR;
				break;
			}
			if (u == 0)
				continue;
		}
		printf("action: %s\n", faction_name(a));
		r = a == FACT_REJECT ? FCA_NO : FCA_OK;
		decided = 1;
		break;
	}
	if (!decided && r != FCA_ERR)
		printf("action: reject (no usable action)\n");
	fkeys_free(fc);
	return r;
}

static int
remove_one(const struct fconf *c, const char *what)
{
	int n = 0, r1, r2;

	r1 = fca_smime_remove(c, what, &n);
	r2 = fca_pgp_remove(c, what, &n);
	if (r1 == FCA_ERR || r2 == FCA_ERR)
		return FCA_ERR;
	if (n == 0) {
		printf("nothing matches %s\n", what);
		return FCA_NO;
	}
	return FCA_OK;
}

static int
expiring(const struct fconf *c, const char *arg)
{
	struct expiring x = { 0, 0 };
	char *end;
	long days;
	int r1, r2;

	errno = 0;
	days = strtol(arg, &end, 10);
	if (errno || *end || end == arg || days < 0 || days > 36500) {
		fprintf(stderr, "fortrolig-certs: expiring: DAYS must be 0..36500\n");
		return FCA_ERR;
	}
	x.limit = time(NULL) + (time_t)days * 86400;
	r1 = fca_smime_each(c, expiring_entry, &x);
	r2 = fca_pgp_each(c, expiring_entry, &x);
	if (r1 == FCA_ERR || r2 == FCA_ERR)
		return FCA_ERR;
	return x.n ? FCA_NO : FCA_OK;
}

static int
run(const struct fconf *c, const char *cmd, int argc, char **argv)
{
	int r = FCA_OK;

	if (strcmp(cmd, "import") == 0 && argc >= 1) {
		for (int i = 0; i < argc; i++) {
			int k = import(c, argv[i]);
			if (k > r)
				r = k;
		}
		return r;
	}
	if (strcmp(cmd, "list") == 0 && argc == 0) {
		int r1 = fca_smime_each(c, print_entry, NULL);
		int r2 = fca_pgp_each(c, print_entry, NULL);
		return r1 > r2 ? r1 : r2;
	}
	if (strcmp(cmd, "check") == 0 && argc == 1)
		return check(c, argv[0]);
	if (strcmp(cmd, "remove") == 0 && argc == 1)
		return remove_one(c, argv[0]);
	if (strcmp(cmd, "expiring") == 0 && argc == 1)
		return expiring(c, argv[0]);
	usage(stderr);
	return FCA_ERR;
}

int
main(int argc, char **argv)
{
	const char *conf = FORTROLIG_CONF;
	struct fconf *c;
	char err[512];
	int ch, r;

	while ((ch = getopt(argc, argv, "c:h")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return FCA_ERR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return FCA_ERR;
	}
	if ((c = fconf_load(conf, FORTROLIG_WORDS, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fortrolig-certs: %s\n", err);
		return FCA_ERR;
	}
	r = run(c, argv[optind], argc - optind - 1, argv + optind + 1);
	fconf_unref(c);
	return r;
}
