/* fpipe: what a whole message costs in the library, per shape of mail.
 * Each message goes the milter's way through the public API (fortrolig.h):
 * fort_msg_new, sender, recipient, headers and body (fort_feed), fort_eom,
 * the verdict, with a thread memory (LMDB) of its own per shape in a temp
 * dir. Rates are per core: CPU time of this process and of the extractor
 * zygote with its reaped children (the attachments). Next to it, on the same messages, the analysis alone
 * (MIME, HTML, extraction: fmsg_analyse) and the detectors alone (CPR and
 * keywords on the analysed text, as fbench measures them); the rest is
 * the spool, the marking detector, the thread memory and the decision.
 *
 *   fpipe [-r ROUNDS] [-n SCALE] [-s SHAPE]
 *                                  one untimed round, then ROUNDS (5); median;
 *                                  SCALE times the messages per round; only
 *                                  SHAPE (a name of bgen.c) with -s (perf)
 *   fpipe -w DIR                   writes one message of each shape to DIR
 *                                  (DIR/<shape>.eml, for bench-e2e.sh) */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyse/message.h"
#include "base/log.h"
#include "bgen.h"
#include "detect/detect.h"
#include "extract/zygote.h"
#include "fortrolig.h"

#define MAX_ROUNDS 51
#define SEED 0x66707065ull   /* "fpipe" */

/* Per shape: distinct messages generated, messages per timed round. */
static const struct {
	unsigned variants, per_round;
} plan[BG_NSHAPES] = {
	[BG_REPLY] = { 32, 256 },
	[BG_REPLY_CONF] = { 32, 256 },
	[BG_DOCX] = { 16, 96 },
	[BG_PDF] = { 16, 96 },
	[BG_BIG_PDF] = { 4, 24 },
	[BG_BIG_BODY] = { 4, 8 },
};

struct corpus {
	struct fbuf *v;
	size_t n, bytes;
};

/* CPU seconds of the extractor zygote and of the children it reaped
 * (utime, stime, cutime, cstime of /proc/PID/stat); 0 when none runs. */
static double
zygote_cpu(void)
{
	char path[64], buf[1024], *p;
	unsigned long long t[4];
	pid_t z = fzyg_pid();
	FILE *f;
	size_t n;

	if (z <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)z);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which ends with the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
	    "%*u %*u %llu %llu %llu %llu", &t[0], &t[1], &t[2], &t[3]) != 4)
		return 0;
	return (double)(t[0] + t[1] + t[2] + t[3]) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds of this process, its reaped children and the zygote. */
static double
cpu_now(void)
{
	struct rusage s, c;

	getrusage(RUSAGE_SELF, &s);
	getrusage(RUSAGE_CHILDREN, &c);
	return s.ru_utime.tv_sec + s.ru_stime.tv_sec + c.ru_utime.tv_sec + c.ru_stime.tv_sec +
	    (s.ru_utime.tv_usec + s.ru_stime.tv_usec + c.ru_utime.tv_usec + c.ru_stime.tv_usec) / 1e6 +
	    zygote_cpu();
}

/* This thread's CPU seconds: precise for the short detector pass. */
static double
thread_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
gen_corpus(enum bg_shape s, unsigned n, struct corpus *c)
{
	struct bgen g;

	bg_init(&g, SEED + (uint64_t)s * 7919);
	if ((c->v = calloc(n, sizeof(*c->v))) == NULL)
		return -1;
	c->n = n;
	c->bytes = 0;
	for (unsigned i = 0; i < n; i++) {
		fbuf_init(&c->v[i], 0);
		if (bg_mail(&g, s, &c->v[i]) < 0)
			return -1;
		c->bytes += c->v[i].len;
	}
	return 0;
}

static void
free_corpus(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		fbuf_free(&c->v[i]);
	free(c->v);
}

/* One message the milter's way: a council member, local relay, one
 * external recipient. Returns the class, or -1. */
static int
run_one(struct fort_lib *l, const struct fbuf *msg)
{
	struct fort_client cl = { "127.0.0.1", "bench.bakkeby.dk", NULL, FORT_LEARN_AUTO };
	struct fort_msg *m = fort_msg_new(l, &cl);
	enum fort_stat st = m ? FORT_OK : FORT_NORESOURCE;
	int cls = -1;

	if (st == FORT_OK)
		st = fort_sender(m, "<anne.holm@bakkeby.dk>");
	if (st == FORT_OK)
		st = fort_rcpt(m, "<lars.berg@example.org>");
	if (st == FORT_OK)
		st = fort_feed(m, msg->data, msg->len);
	if (st == FORT_OK)
		st = fort_eom(m);
	if (st == FORT_OK && !fort_verdict(m)->incomplete)
		cls = (int)fort_verdict(m)->cls;
	fort_msg_free(m);
	return cls;
}

/* msg/s per core of one round of n messages; *bad counts wrong verdicts. */
static double
round_pipeline(struct fort_lib *l, const struct corpus *c, unsigned n, int want, unsigned *bad)
{
	double t0 = cpu_now();

	for (unsigned i = 0; i < n; i++) {
		int cls = run_one(l, &c->v[i % c->n]);
		if (cls < 0 || (cls != FCLASS_CLEAN) != want)
			(*bad)++;
	}
	return n / (cpu_now() - t0);
}

/* The analysis alone, then the detectors alone on its text: CPU seconds
 * per message of each, and the analysed text's bytes per message. */
static int
round_parts(const struct fconf *conf, const struct corpus *c, double *an, double *det,
    double *text)
{
	double ta = 0, td = 0;
	size_t tb = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct fmsg m;
		struct ffindings f = { 0 };
		double t0 = cpu_now(), t1;
		if (fmsg_analyse(conf, c->v[i].data, c->v[i].len, &m) < 0)
			return -1;
		m.by_member = 1;
		ta += cpu_now() - t0;
		t1 = thread_now();
		if (fcpr_scan(conf, &m, &f) < 0 || fkw_scan(conf, &m, &f) < 0)
			return -1;
		td += thread_now() - t1;
		for (size_t k = 0; k < m.segs.n; k++)
			tb += m.segs.v[k].len;
		ffindings_free(&f);
		fmsg_free(&m);
	}
	*an = ta / c->n;
	*det = td / c->n;
	*text = (double)tb / c->n;
	return 0;
}

static struct fort_lib *
open_lib(const char *dir, enum bg_shape s)
{
	char conf[4096], text[8192], err[1024];
	struct fort_lib_opts o = { conf, WORDS_DIR, NULL, NULL };
	struct fort_lib *l;
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/%s.conf", dir, bg_shape_name(s));
	snprintf(text, sizeof(text),
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n"
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n"
	    "detectors = { keywords = { dir = \"%s\"; }; };\n"
	    "limits = { spool_dir = \"%s\"; };\n"
	    "store = { backend = \"lmdb\"; path = \"%s/%s.db\"; key_file = \"%s/%s.key\"; };\n",
	    WORDS_DIR, dir, dir, bg_shape_name(s), dir, bg_shape_name(s));
	if ((f = fopen(conf, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "fpipe: %s: %s\n", conf, strerror(errno));
		return NULL;
	}
	if ((l = fort_lib_open(&o, err, sizeof(err))) == NULL ||
	    fort_lib_start(l, err, sizeof(err)) < 0) {
		fprintf(stderr, "fpipe: %s\n", err);
		fort_lib_close(l);
		return NULL;
	}
	return l;
}

struct result {
	double bytes, msgs, mbs, an_ms, det_ms, text;
	unsigned bad;
};

static int
bench_shape(const char *dir, enum bg_shape s, int rounds, unsigned scale, struct result *r)
{
	struct corpus c;
	struct fort_lib *l = NULL;
	struct fconf *conf;
	unsigned n = plan[s].per_round * scale;
	double v[MAX_ROUNDS], a[MAX_ROUNDS], d[MAX_ROUNDS], warm;
	int want = bg_shape_confidential(s), rc = -1;

	memset(r, 0, sizeof(*r));
	if (gen_corpus(s, plan[s].variants, &c) < 0 || (l = open_lib(dir, s)) == NULL)
		goto out;
	r->bytes = (double)c.bytes / c.n;
	/* Untimed: page faults, the word lists' scratch, LMDB's first pages. */
	round_pipeline(l, &c, c.n, want, &r->bad);
	for (int i = 0; i < rounds; i++)
		v[i] = round_pipeline(l, &c, n, want, &r->bad);
	r->msgs = median(v, rounds);
	r->mbs = r->msgs * r->bytes / 1e6;
	conf = fort_lib_conf(l);
	if (round_parts(conf, &c, &warm, &warm, &r->text) == 0) {
		int i;
		for (i = 0; i < rounds && round_parts(conf, &c, &a[i], &d[i], &r->text) == 0; i++)
			;
		if (i == rounds) {
			r->an_ms = median(a, rounds) * 1e3;
			r->det_ms = median(d, rounds) * 1e3;
			rc = 0;
		}
	}
	fconf_unref(conf);
out:
	fort_lib_close(l);
	if (c.v)
		free_corpus(&c);
	return rc;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
write_samples(const char *dir)
{
	for (int s = 0; s < BG_NSHAPES; s++) {
		struct corpus c = { NULL, 0, 0 };
		char path[4096];
		FILE *f;
		int ok;
		snprintf(path, sizeof(path), "%s/%s.eml", dir, bg_shape_name((enum bg_shape)s));
		if (gen_corpus((enum bg_shape)s, 1, &c) < 0 || (f = fopen(path, "wb")) == NULL) {
			fprintf(stderr, "fpipe: %s: cannot write\n", path);
			return 2;
		}
		ok = fwrite(c.v[0].data, 1, c.v[0].len, f) == c.v[0].len;
		ok &= fclose(f) == 0;
		free_corpus(&c);
		if (!ok)
			return 2;
	}
	return 0;
}

static void
print_row(enum bg_shape s, const struct result *r)
{
	double ms = 1e3 / r->msgs, rest = ms - r->an_ms - r->det_ms;

	printf("%-12s %8.0f KB %8.0f %8.1f %8.2f | %7.2f %7.3f %7.2f | %8.0f %8.0f %5.0fx\n",
	    bg_shape_name(s), r->bytes / 1024, r->msgs, r->mbs, ms, r->an_ms, r->det_ms,
	    rest > 0 ? rest : 0, r->text / 1024, r->text / (r->det_ms / 1e3) / 1e6,
	    ms / r->det_ms);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/fpipe-XXXXXX";
	struct result r[BG_NSHAPES];
	int rounds = 5, ch, rc = 0;
	unsigned scale = 1;
	const char *only = NULL;

	while ((ch = getopt(argc, argv, "r:n:s:w:")) != -1) {
		switch (ch) {
		case 's':
			only = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			scale = (unsigned)atoi(optarg);
			break;
		case 'w':
			return write_samples(optarg);
		default:
			fprintf(stderr, "usage: fpipe [-r rounds] [-n scale] [-s shape] | fpipe -w DIR\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || scale < 1 || scale > 100) {
		fprintf(stderr, "fpipe: -r 1..%d, -n 1..100\n", MAX_ROUNDS);
		return 2;
	}
	flog_open("fpipe", 0, 0);   /* the verdict lines would only measure the terminal */
	/* A library per shape, opened and closed in turn: this reference keeps
	 * GMime initialised once for the process (it cannot be re-initialised
	 * after g_mime_shutdown), as in the milter. */
	fmsg_global_init();
	if (mkdtemp(dir) == NULL) {
		perror("fpipe: mkdtemp");
		return 2;
	}
	printf("fpipe: the whole library per message (fort_msg_new .. fort_eom, LMDB thread "
	    "memory), one core;\nCPU of the process and its extraction children; one untimed "
	    "round, then the median of %d.\nanalysis = fmsg_analyse (MIME, HTML, attachments), "
	    "detectors = CPR + keywords on its text (as fbench),\nrest = spool, marking detector, "
	    "thread memory,\ndecision, log (pipeline minus the two; noise can make it 0).\n\n", rounds);
	printf("%-12s %11s %8s %8s %8s | %7s %7s %7s | %8s %8s %6s\n", "shape", "size", "msg/s",
	    "MB/s", "ms/msg", "analys", "detect", "rest", "text KB", "det MB/s", "pipe/det");
	for (int s = 0; s < BG_NSHAPES; s++) {
		if (only && strcmp(only, bg_shape_name((enum bg_shape)s)) != 0)
			continue;
		fflush(stdout);
		if (bench_shape(dir, (enum bg_shape)s, rounds, scale, &r[s]) < 0) {
			fprintf(stderr, "fpipe: %s: failed\n", bg_shape_name((enum bg_shape)s));
			rc = 2;
			break;
		}
		print_row((enum bg_shape)s, &r[s]);
		if (r[s].bad) {
			fprintf(stderr, "fpipe: %s: %u verdicts were not %s\n",
			    bg_shape_name((enum bg_shape)s), r[s].bad,
			    bg_shape_confidential((enum bg_shape)s) ? "confidential" : "clean");
			rc = 1;
		}
	}
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	fmsg_global_shutdown();
	return rc;
}
