/* fortrolig-report: counts from fortrolig-milter's log lines for a period,
 * for IT and the council's secretariat: per day, category, action and
 * member, the reject reasons and the tempfails. Members are pseudonymised
 * with a keyed hash unless --names is given. It reads only what the milter
 * logged, which is never content. Exit: 0, 2 error. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "memory/mac.h"
#include "memory/thread.h"
#include "report.h"
#include "report_event.h"

#define LINE_MAX_BYTES 8192

struct opts {
	const char *key, *since, *until;
	int names, json, top, year, month;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-report [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json]\n"
	    "       [--names | --key FILE] [--top N] [--year YYYY] [LOGFILE...]\n"
	    "Counts fortrolig-milter's log lines (syslog, journal or -f standard error;\n"
	    "standard input without LOGFILE or for \"-\"): per day, category, action and\n"
	    "member (pseudonymised unless --names), reject reasons and tempfails.\n");
}

static int
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != 10)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "names", no_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "top", required_argument, NULL, 't' },
		{ "year", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 's': o->since = optarg; break;
		case 'u': o->until = optarg; break;
		case 'j': o->json = 1; break;
		case 'n': o->names = 1; break;
		case 'k': o->key = optarg; break;
		case 't':
			o->top = (int)strtol(optarg, &end, 10);
			if (*end || o->top < 1 || o->top > 1000)
				return -1;
			break;
		case 'y':
			o->year = (int)strtol(optarg, &end, 10);
			if (*end || o->year < 1970 || o->year > 9999)
				return -1;
			o->month = 12;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if ((o->since && !is_date(o->since)) || (o->until && !is_date(o->until)) ||
	    (o->names && o->key))
		return -1;
	return 0;
}

/* The keyed hash for pseudonyms. The key is never created here: without
 * it there are no pseudonyms, and then no report. */
static int
load_key(const char *path, struct fmac *mac)
{
	uint8_t key[32];
	char err[512];
	struct stat st;
	int rc;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "fortrolig-report: %s: %s (give --key FILE, or --names)\n", path,
		    strerror(errno));
		return -1;
	}
	if (fthr_key_load(path, key, err, sizeof(err)) < 0) {
		fprintf(stderr, "fortrolig-report: %s\n", err);
		return -1;
	}
	rc = fmac_init(mac, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	if (rc < 0)
		fprintf(stderr, "fortrolig-report: cannot set up HMAC-SHA256\n");
	return rc;
}

/* One line into buf, without its line end: its length, -1 at the end of
 * the input, -2 for a line over the buffer or with a NUL byte (skipped). */
static long
next_line(FILE *in, char *buf, size_t size)
{
	size_t n = 0;
	int c, bad = 0;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (c == '\0' || n + 1 >= size)
			bad = 1;
		else
			buf[n++] = (char)c;
	}
	if (c == EOF && n == 0 && !bad)
		return -1;
	while (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return bad ? -2 : (long)n;
}

static int
read_stream(FILE *in, struct rp_ctx *x, const struct opts *o)
{
	char line[LINE_MAX_BYTES];
	struct rp_line l;
	long n;

	while ((n = next_line(in, line, sizeof(line))) != -1) {
		x->r->lines++;
		if (n == -2) {
			x->r->ignored++;
			x->r->toolong++;
			continue;
		}
		if (!rp_parse_prefix(line, o->year, o->month, &l)) {
			x->r->ignored++;
			continue;
		}
		if (rp_event(x, &l) < 0)
			return -1;
	}
	return ferror(in) ? -1 : 0;
}

static int
read_inputs(int argc, char **argv, struct rp_ctx *x, const struct opts *o)
{
	if (argc == 0)
		return read_stream(stdin, x, o);
	for (int i = 0; i < argc; i++) {
		FILE *in = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
		int rc;

		if (in == NULL) {
			fprintf(stderr, "fortrolig-report: %s: %s\n", argv[i], strerror(errno));
			return -1;
		}
		rc = read_stream(in, x, o);
		if (in != stdin)
			fclose(in);
		if (rc < 0) {
			fprintf(stderr, "fortrolig-report: %s: read error or out of memory\n",
			    argv[i]);
			return -1;
		}
	}
	return 0;
}

static void
sort_groups(struct rp_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		rp_counts_sort(&g->v[i].acts);
		rp_counts_sort(&g->v[i].mon);
		rp_counts_sort(&g->v[i].cats);
	}
}

static void
sort_report(struct rp_report *r)
{
	rp_counts_sort(&r->classes);
	rp_counts_sort(&r->acts);
	rp_counts_sort(&r->mon);
	rp_counts_sort(&r->cats);
	rp_counts_sort(&r->reasons);
	rp_counts_sort(&r->tfail);
	sort_groups(&r->days);
	sort_groups(&r->members);
	rp_groups_sort_by_key(&r->days);
	rp_groups_sort_by_msgs(&r->members);
}

static void
this_year(struct opts *o)
{
	time_t now = time(NULL);
	struct tm tm;

	if (o->year || localtime_r(&now, &tm) == NULL)
		return;
	o->year = tm.tm_year + 1900;
	o->month = tm.tm_mon + 1;
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, NULL, 0, 0, 10, 0, 12 };
	struct rp_report r = { 0 };
	struct rp_ctx x = { &r, NULL, NULL, NULL, NULL };
	struct rp_outopts out;
	struct fmac mac = { NULL, NULL };
	int rc = 2;

	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	this_year(&o);
	x.since = o.since;
	x.until = o.until;
	if (!o.names) {
		if (load_key(o.key ? o.key : FORTROLIG_STATEDIR "/thread.key", &mac) < 0 ||
		    (x.work = fmac_work()) == NULL)
			goto out;
		x.mac = &mac;
	}
	if (read_inputs(argc - optind, argv + optind, &x, &o) < 0)
		goto out;
	sort_report(&r);
	out = (struct rp_outopts){ o.since, o.until, o.names, o.top };
	if (o.json)
		rc = rp_print_json(stdout, &r, &out) < 0 ? 2 : 0;
	else {
		rp_print_text(stdout, &r, &out);
		rc = 0;
	}
	if (fflush(stdout) != 0)
		rc = 2;
out:
	fmac_work_free(x.work);
	fmac_free(&mac);
	rp_report_free(&r);
	return rc;
}
