/* fortrolig-policy: the MTA's TLS policy from fortrolig.conf. A milter
 * cannot choose Postfix's transport itself; a domain whose rule lists
 * "tls" must be reached over verified TLS for all its mail, so IT puts
 * this output into the MTA's TLS policy map (smtp_tls_policy_maps, or
 * Sendmail's access database). Exit: 0, 1 nothing to export, 2 error. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "fortrolig.h"

enum format { POSTFIX_TLS, SENDMAIL_ACCESS };

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-policy [-c conf] --export postfix-tls|sendmail-access "
	    "[--level secure|verify]\n"
	    "Prints the TLS policy map entries for every domain whose rule lists \"tls\".\n"
	    "postfix-tls: smtp_tls_policy_maps lines (LEVEL protocols=>=TLSv1.2), for postmap.\n"
	    "sendmail-access: TLS_Rcpt: entries (VERIFY:128) for the access database.\n");
}

static int
lists_tls(const struct fdomain_rule *r)
{
	for (size_t i = 0; i < r->nactions; i++)
		if (r->actions[i] == FACT_TLS)
			return 1;
	return 0;
}

/* Postfix: "*.example.dk" -> ".example.dk" (its subdomains). Sendmail's
 * access lookups try the parent domains themselves: "example.dk". Map
 * files take comments on lines of their own only. */
static void
entry(enum format fmt, const char *level, const struct fdomain_rule *r)
{
	const char *d = r->match[0] == '*' ? r->match + 1 : r->match;

	printf("# fortrolig.conf line %d: %s\n", r->line, r->match);
	if (fmt == POSTFIX_TLS)
		printf("%s %s protocols=>=TLSv1.2\n", d, level);
	else
		printf("TLS_Rcpt:%s VERIFY:128\n", d[0] == '.' ? d + 1 : d);
}

static int
export(const struct fconf *c, enum format fmt, const char *level)
{
	int n = 0;

	printf("# TLS policy for the domains whose fortrolig rule lists \"tls\".\n"
	    "# Made by fortrolig-policy; regenerate after changing the domain rules.\n");
	for (size_t i = 0; i < c->nrules; i++) {
		const struct fdomain_rule *r = &c->rules[i];
		if (!lists_tls(r))
			continue;
		if (strcmp(r->match, "*") == 0) {
			fprintf(stderr, "fortrolig-policy: line %d: the rule for \"*\" lists tls: "
			    "set smtp_tls_security_level = %s in main.cf instead of a map entry\n",
			    r->line, level);
			continue;
		}
		entry(fmt, level, r);
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "export", required_argument, NULL, 'e' },
		{ "level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fort_lib_opts o = { FORTROLIG_CONF, FORTROLIG_WORDS, NULL, NULL };
	const char *what = NULL, *level = "secure";
	struct fort_lib *lib;
	struct fconf *c;
	enum format fmt;
	char err[1024];
	int ch, n;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': o.conf = optarg; break;
		case 'e': what = optarg; break;
		case 'l': level = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (what == NULL || optind != argc ||
	    (strcmp(what, "postfix-tls") != 0 && strcmp(what, "sendmail-access") != 0) ||
	    (strcmp(level, "secure") != 0 && strcmp(level, "verify") != 0)) {
		usage(stderr);
		return 2;
	}
	fmt = strcmp(what, "postfix-tls") == 0 ? POSTFIX_TLS : SENDMAIL_ACCESS;
	if ((lib = fort_lib_open(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fortrolig-policy: %s\n", err);
		return 2;
	}
	c = fort_lib_conf(lib);
	n = export(c, fmt, level);
	fconf_unref(c);
	fort_lib_close(lib);
	return n > 0 ? 0 : 1;
}
