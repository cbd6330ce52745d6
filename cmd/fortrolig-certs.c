/* fortrolig-certs: IT's tool for the recipient key stores that a config
 * names (S/MIME directory and GnuPG home). Exit: 0 done, 1 refused or found
 * (import refused a file, check says reject, expiring found some, remove
 * matched nothing), 2 usage, config or store error. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
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

int
fca_ensure_dir(const struct fconf *c, const char *dir, const char *what)
{
	struct passwd *pw = c->user[0] ? getpwnam(c->user) : NULL;

	if (!fca_missing(dir))
		return 0;
	if (mkdir(dir, 0700) < 0 ||
	    (pw && geteuid() == 0 && chown(dir, pw->pw_uid, pw->pw_gid) < 0)) {
		fprintf(stderr, "fortrolig-certs: cannot create %s %s: %s\n", what, dir,
		    strerror(errno));
		return -1;
	}
	printf("created %s %s (mode 0700%s%s)\n", what, dir, pw ? ", owner " : "",
	    pw ? c->user : "");
	return 0;
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

/* "smime: no certificate; pgp: key expired" -> one line per kind. */
static void
print_why(const char *why)
{
	const char *p = why, *sep, *colon;

	while (*p) {
		size_t n = (sep = strstr(p, "; ")) ? (size_t)(sep - p) : strlen(p);
		if ((colon = memchr(p, ':', n)) != NULL && colon + 2 <= p + n)
			printf("  %.*s: not usable: %.*s\n", (int)(colon - p), p,
			    (int)(p + n - colon - 2), colon + 2);
		p += n + (sep ? 2 : 0);
	}
}

/* What the milter would do with confidential mail from a council member
 * to addr: the decision's own function, with the milter's key stores. */
static int
check(const struct fconf *c, const char *arg)
{
	struct fkeyset ks = { { NULL }, { NULL } };
	const struct fdomain_rule *rule;
	struct fpol_rcpt r;
	struct faddr pa;
	enum fort_stat st;
	int rc = FCA_NO;

	if (faddr_parse(arg, &pa) < 0 || pa.domain[0] == '\0') {
		fprintf(stderr, "fortrolig-certs: check: not an address: %s\n", arg);
		return FCA_ERR;
	}
	if (!fconf_domain_internal(c, pa.domain) && (rule = fconf_rule_for(c, pa.domain)) != NULL)
		printf("%s: domain rule \"%s\" (line %d)\n", pa.norm, rule->match, rule->line);
	for (size_t i = 0; fkeys_all_ops[i]; i++) {
		const struct fort_keys_ops *ops = fkeys_all_ops[i];
		ks.ops[ops->kind] = ops;
		if ((ks.store[ops->kind] = ops->open(c)) == NULL) {
			fprintf(stderr, "fortrolig-certs: out of memory\n");
			rc = FCA_ERR;
		}
	}
	st = rc == FCA_ERR ? FORT_NORESOURCE : fpol_decide_rcpt(c, &ks, FCLASS_SENSITIVE, arg, &r);
	if (st == FORT_OK) {
		print_why(r.why);
		if (r.action == FACT_SMIME || r.action == FACT_PGP)
			printf("  %s: usable\n", faction_name(r.action));
		printf("action: %s", faction_name(r.action));
		if (strcmp(r.reason, "internal") == 0 || strcmp(r.reason, "no domain rule") == 0 ||
		    strcmp(r.reason, "no usable action") == 0 ||
		    strcmp(r.reason, "tls not enforced by the MTA map") == 0)
			printf(" (%s)", r.reason);
		printf("\n");
		rc = r.action == FACT_REJECT ? FCA_NO : FCA_OK;
	} else if (rc != FCA_ERR) {
		print_why(r.why);
		fprintf(stderr, "fortrolig-certs: check: a key store could not answer\n");
		rc = FCA_ERR;
	}
	for (int k = 0; k < FACT_COUNT; k++)
		if (ks.ops[k] && ks.store[k])
			ks.ops[k]->close(ks.store[k]);
	return rc;
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
