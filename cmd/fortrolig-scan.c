/* fortrolig-scan: the milter's analysis and decision, offline, one JSON
 * line per file. It drives the same library phases as the milter
 * (fortrolig.h) with the same key stores, so its verdicts are the milter's. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buffer.h"
#include "base/log.h"
#include "decide/json.h"
#include "fortrolig.h"
#include "keys/keys.h"

#define MAX_RCPTS 256

struct opts {
	const char *conf;
	const char *sender;
	const char *auth;
	const char *rcpts[MAX_RCPTS];
	size_t nrcpts;
	int learn, explain, reply, log;
	struct fort_lib *lib;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-scan [-c conf] [--learn] [--explain] [--sender ADDR] "
	    "[--rcpt ADDR]... [--auth USER] [--reply] [--log] FILE.eml...\n"
	    "Prints one JSON verdict per file. Exit: 0 all clean, 1 something confidential, 2 error.\n"
	    "--learn remembers the confidential files in the thread memory (as inbound mail).\n"
	    "--explain adds the remembered entries a thread hit matched (hash prefix, date).\n"
	    "--reply prints the SMTP reply the milter gives instead of the JSON line.\n"
	    "--log writes the milter's log lines for each file to stderr.\n"
	    "--auth USER is the SMTP AUTH user (council.auth_users).\n");
}

static int
read_file(const char *path, long long limit, struct fbuf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "fortrolig-scan: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fbuf_init(out, (size_t)limit + 1);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fbuf_add(out, buf, n) < 0)
			break;   /* over the limit: the analysis reports it */
	if (ferror(f)) {
		fprintf(stderr, "fortrolig-scan: %s: read error\n", path);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* ,"thread_matches":[{"entry":"ab12..","learned":"2026-09-14","where":"header","hits":0}] */
static int
explain(struct fbuf *line, const struct fpol_verdict *v)
{
	int r = 0;

	if (line->len == 0 || line->data[line->len - 1] != '}')
		return -1;
	line->data[--line->len] = '\0';
	r |= fbuf_adds(line, ",\"thread_matches\":[");
	for (size_t i = 0; i < v->thread.n; i++) {
		const struct fthr_hit *h = &v->thread.v[i];
		time_t t = (time_t)h->learned;
		struct tm tm;
		char day[32] = "?";
		if (gmtime_r(&t, &tm))
			strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%SZ", &tm);
		r |= fbuf_printf(line, "%s{\"entry\":\"%s\",\"learned\":\"%s\",\"where\":\"%s\","
		    "\"hits\":%d}", i ? "," : "", h->id, day, fwhere_name(h->where), h->hits);
	}
	r |= fbuf_printf(line, "],\"learned\":%s}", v->learned ? "true" : "false");
	return r;
}

/* The reply the milter gives at end of message, as an SMTP client sees it. */
static void
print_reply(const struct fort_msg *m, const struct fpol_verdict *v)
{
	char lines[FPOL_MAX_REPLY_LINES][128];
	size_t n;

	switch (v->outcome) {
	case FPOL_REJECT:
		n = fpol_reject_lines(fort_msg_conf(m), v, lines, FPOL_MAX_REPLY_LINES);
		for (size_t i = 0; i < n; i++)
			printf("550%c5.7.1 %s\n", i + 1 < n ? '-' : ' ', lines[i]);
		break;
	case FPOL_TEMPFAIL:
		printf("451 4.7.1 Message could not be analysed; try again later\n");
		break;
	default:
		printf("250 %s\n", fpol_outcome_name(v->outcome));
	}
}

static int
scan_data(const struct opts *o, const char *path, const struct fbuf *data)
{
	struct fort_client cl = { NULL, NULL, o->auth, o->learn ? FORT_LEARN_ALL : FORT_LEARN_NEVER };
	struct fort_msg *m = fort_msg_new(o->lib, &cl);
	const struct fpol_verdict *v;
	enum fort_stat st = m ? FORT_OK : FORT_NORESOURCE;
	struct fbuf line;
	int rc;

	if (st == FORT_OK && o->sender)
		st = fort_sender(m, o->sender);
	for (size_t i = 0; st == FORT_OK && i < o->nrcpts; i++)
		st = fort_rcpt(m, o->rcpts[i]);
	if (st == FORT_OK)
		st = fort_feed(m, data->data ? data->data : "", data->len);
	if (st == FORT_OK)
		st = fort_eom(m);
	if (st != FORT_OK) {
		fprintf(stderr, "fortrolig-scan: %s: analysis failed (%s)\n", path, fort_stat_name(st));
		fort_msg_free(m);
		return 2;
	}
	v = fort_verdict(m);
	if (v->store_error || v->learn_error) {
		fprintf(stderr, "fortrolig-scan: %s: thread memory: %s\n", path, v->store_reason);
		fort_msg_free(m);
		return 2;
	}
	fbuf_init(&line, 0);
	fjson_verdict(&line, path, v);
	if (o->explain)
		explain(&line, v);
	if (o->reply)
		print_reply(m, v);
	else
		printf("%s\n", fbuf_str(&line));
	rc = v->cls != FCLASS_CLEAN;
	fbuf_free(&line);
	fort_msg_free(m);
	return rc;
}

static int
scan_one(const struct opts *o, const char *path)
{
	struct fconf *c = fort_lib_conf(o->lib);
	struct fbuf data;
	int rc = 2;

	/* A file past the size limit is analysed as "limit hit": fail closed. */
	if (read_file(path, c->limits.max_message_size, &data) == 0)
		rc = scan_data(o, path, &data);
	fbuf_free(&data);
	fconf_unref(c);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sender", required_argument, NULL, 's' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "auth", required_argument, NULL, 'a' },
		{ "learn", no_argument, NULL, 'l' },
		{ "explain", no_argument, NULL, 'e' },
		{ "reply", no_argument, NULL, 'R' },
		{ "log", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { FORTROLIG_CONF, NULL, NULL, { NULL }, 0, 0, 0, 0, 0, NULL };
	struct fort_lib_opts lopts = { NULL, FORTROLIG_WORDS, fkeys_all_ops, NULL };
	char err[1024];
	int ch, worst = 0;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.conf = optarg;
			break;
		case 's':
			o.sender = optarg;
			break;
		case 'a':
			o.auth = optarg;
			break;
		case 'r':
			if (o.nrcpts == MAX_RCPTS) {
				fprintf(stderr, "fortrolig-scan: at most %d --rcpt\n", MAX_RCPTS);
				return 2;
			}
			o.rcpts[o.nrcpts++] = optarg;
			break;
		case 'l':
			o.learn = 1;
			break;
		case 'e':
			o.explain = 1;
			break;
		case 'R':
			o.reply = 1;
			break;
		case 'L':
			o.log = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	flog_open("fortrolig-scan", o.log, 0);
	lopts.conf = o.conf;
	if ((o.lib = fort_lib_open(&lopts, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fortrolig-scan: %s\n", err);
		return 2;
	}
	if (fort_lib_start(o.lib, err, sizeof(err)) < 0 || (o.learn && !fort_lib_has_memory(o.lib))) {
		fprintf(stderr, "fortrolig-scan: thread memory: %s\n",
		    err[0] ? err : "store.backend is \"none\": nothing to learn into");
		fort_lib_close(o.lib);
		return 2;
	}
	for (int i = optind; i < argc && worst < 2; i++) {
		int r = scan_one(&o, argv[i]);
		worst = r > worst ? r : worst;
		fflush(stdout);
	}
	fort_lib_close(o.lib);
	return worst;
}
