/* fortrolig-scan: the milter's analysis and decision, offline, one JSON line per file. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fbuf.h"
#include "fconf.h"
#include "fjson.h"
#include "flog.h"
#include "fmsg.h"
#include "fpolicy.h"

#define MAX_RCPTS 256

struct opts {
	const char *conf;
	const char *sender;
	const char *rcpts[MAX_RCPTS];
	size_t nrcpts;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-scan [-c conf] [--sender ADDR] [--rcpt ADDR]... FILE.eml...\n"
	    "Prints one JSON verdict per file. Exit: 0 all clean, 1 something confidential, 2 error.\n");
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

static int
scan_one(const struct fconf *c, const struct opts *o, const char *path)
{
	struct fpol_verdict v;
	struct fbuf data, line;
	int rc;

	if (read_file(path, c->limits.max_message_size, &data) < 0)
		return 2;
	/* A file past the size limit is analysed as "limit hit": fail closed. */
	if (fpol_evaluate(c, data.overflow ? NULL : fbuf_str(&data), data.len,
	    o->sender, NULL, o->nrcpts ? o->rcpts : NULL, o->nrcpts, &v) < 0) {
		fprintf(stderr, "fortrolig-scan: %s: analysis failed (out of memory)\n", path);
		fbuf_free(&data);
		fpol_verdict_free(&v);
		return 2;
	}
	fbuf_init(&line, 0);
	fjson_verdict(&line, path, &v);
	printf("%s\n", fbuf_str(&line));
	rc = v.cls != FCLASS_CLEAN;
	fbuf_free(&line);
	fbuf_free(&data);
	fpol_verdict_free(&v);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sender", required_argument, NULL, 's' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { FORTROLIG_CONF, NULL, { NULL }, 0 };
	struct fconf *c;
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
	for (int i = optind; i < argc; i++) {
		int r = scan_one(c, &o, argv[i]);
		worst = r > worst ? r : worst;
		fflush(stdout);
	}
	fconf_unref(c);
	fmsg_global_shutdown();
	return worst;
}
