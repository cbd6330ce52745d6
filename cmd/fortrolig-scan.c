/* fortrolig-scan: the milter's analysis and decision, offline, one JSON line per file. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "decide/json.h"
#include "base/log.h"
#include "analyse/message.h"
#include "decide/decide.h"
#include "scan.h"
#include "memory/thread.h"

#define MAX_RCPTS 256

struct opts {
	const char *conf;
	const char *sender;
	const char *rcpts[MAX_RCPTS];
	size_t nrcpts;
	int learn, explain;
	struct fthr *thr;
	struct fpol_keys keys;    /* usable == NULL: no key stores */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-scan [-c conf] [--learn] [--explain] [--sender ADDR] "
	    "[--rcpt ADDR]... FILE.eml...\n"
	    "Prints one JSON verdict per file. Exit: 0 all clean, 1 something confidential, 2 error.\n"
	    "--learn remembers the confidential files in the thread memory (as inbound mail).\n"
	    "--explain adds the remembered entries a thread hit matched (hash prefix, date).\n");
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

static int
scan_one(const struct fconf *c, const struct opts *o, const char *path)
{
	struct fpol_verdict v;
	struct fbuf data, line;
	int rc;

	if (read_file(path, c->limits.max_message_size, &data) < 0)
		return 2;
	/* A file past the size limit is analysed as "limit hit": fail closed. */
	struct fpol_ctx x = { o->thr, o->learn ? FPOL_LEARN_ALL : FPOL_LEARN_NONE,
	    o->keys.usable ? &o->keys : NULL };

	if (fpol_evaluate_ctx(c, &x, data.overflow ? NULL : fbuf_str(&data), data.len,
	    o->sender, NULL, o->nrcpts ? o->rcpts : NULL, o->nrcpts, &v) < 0) {
		fprintf(stderr, "fortrolig-scan: %s: analysis failed (out of memory)\n", path);
		fbuf_free(&data);
		fpol_verdict_free(&v);
		return 2;
	}
	if (v.store_error || v.learn_error) {
		fprintf(stderr, "fortrolig-scan: %s: thread memory: %s\n", path, v.store_reason);
		fbuf_free(&data);
		fpol_verdict_free(&v);
		return 2;
	}
	fbuf_init(&line, 0);
	fjson_verdict(&line, path, &v);
	if (o->explain)
		explain(&line, &v);
	printf("%s\n", fbuf_str(&line));
	rc = v.cls != FCLASS_CLEAN;
	fbuf_free(&line);
	fbuf_free(&data);
	fpol_verdict_free(&v);
	return rc;
}

int
fscan_main(int argc, char **argv, const struct fscan_keys_ops *ops)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sender", required_argument, NULL, 's' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "learn", no_argument, NULL, 'l' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { FORTROLIG_CONF, NULL, { NULL }, 0, 0, 0, NULL, { NULL, NULL } };
	struct fconf *c;
	void *kh = NULL;
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
	flog_open("fortrolig-scan", 1, 0);
	fmsg_global_init();
	if ((c = fconf_load(o.conf, FORTROLIG_WORDS, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fortrolig-scan: %s\n", err);
		fmsg_global_shutdown();
		return 2;
	}
	o.thr = fthr_open(c, err, sizeof(err));
	if (o.thr == NULL && (err[0] || o.learn)) {
		fprintf(stderr, "fortrolig-scan: thread memory: %s\n",
		    err[0] ? err : "store.backend is \"none\": nothing to learn into");
		fconf_unref(c);
		fmsg_global_shutdown();
		return 2;
	}
	if (ops && (kh = ops->open(c, &o.keys)) == NULL) {
		fprintf(stderr, "fortrolig-scan: out of memory\n");
		worst = 2;
	}
	for (int i = optind; i < argc && worst < 2; i++) {
		int r = scan_one(c, &o, argv[i]);
		worst = r > worst ? r : worst;
		fflush(stdout);
	}
	if (kh)
		ops->close(kh);
	fthr_close(o.thr);
	fconf_unref(c);
	fmsg_global_shutdown();
	return worst;
}
