/* fbench: detector throughput on a generated Danish corpus, in MB/s per
 * core (thread CPU time), next to a naive baseline (each word-list pattern
 * through PCRE2 in turn, JIT on) and memchr over the same bytes. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fbuf.h"
#include "fconf.h"
#include "fdet.h"
#include "fkw.h"
#include "fmsg.h"
#include "ftext.h"

#define MAIL_SIZE 4096
#define NMAILS 8192               /* 32 MB of mail bodies */
#define PCRE_SLICE (1u << 20)     /* the baseline is slow: 1 MB of the same text */

static const char *const common[] = {
	"og", "i", "at", "det", "er", "en", "til", "på", "med", "for", "af", "den", "som",
	"har", "vi", "jeg", "ikke", "kan", "skal", "mødet", "byrådet", "udvalget", "sagen",
	"budgettet", "kommunen", "borgerne", "lokalplan", "høring", "forslag", "beslutning",
	"økonomi", "skole", "vejen", "cykelsti", "dagsorden", "referat", "næste", "uge",
	"mandag", "torsdag", "tak", "for", "svar", "gerne", "måske", "også", "være", "blive",
	"går", "får", "bør", "løsning", "område", "ændring", "forår", "efterår", "børn",
	"ældre", "plejehjem", "trafik", "parkering", "bygning", "tilbud", "pris", "kr",
};

static uint64_t rng = 88172645463325252ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Terms of the lists, as written ("*kræft", "sigtet for"). */
static size_t
load_terms(char ***out)
{
	static const char *const files[] = { "health.txt", "criminal.txt", "social.txt",
	    "private.txt", "person.txt" };
	char path[4096], line[1024], **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		FILE *fp;
		snprintf(path, sizeof(path), "%s/%s", WORDS_DIR, files[f]);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			line[strcspn(line, "#=\r\n")] = '\0';
			for (size_t l = strlen(line); l && line[l - 1] == ' '; l--)
				line[l - 1] = '\0';
			if (line[0] == '\0')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((v = realloc(v, cap * sizeof(*v))) == NULL)
					exit(2);
			}
			if ((v[n++] = strdup(line)) == NULL)
				exit(2);
		}
		fclose(fp);
	}
	*out = v;
	return n;
}

/* Mails of common words, one listed term in ~300 words (none when nterms
 * is 0), a name now and then. */
static void
gen(struct fbuf *b, char **terms, size_t nterms)
{
	size_t ncommon = sizeof(common) / sizeof(common[0]);

	for (size_t m = 0; m < NMAILS; m++) {
		size_t start = b->len, words = 0;
		fbuf_adds(b, "Hej Anne\n\n");
		while (b->len - start < MAIL_SIZE - 64) {
			uint64_t r = next();
			const char *w = nterms && r % 300 == 0 ? terms[(r >> 16) % nterms] :
			    r % 97 == 0 ? "Jens Hansen" : common[(r >> 8) % ncommon];
			if (*w == '*')
				w++;
			fbuf_adds(b, words % 12 == 0 && words ? ".\n" : " ");
			fbuf_add(b, w, strcspn(w, "*"));
			words++;
		}
		while (b->len - start < MAIL_SIZE)
			fbuf_addc(b, ' ');
	}
}

/* The Vectorscan pass alone, over the whole corpus lower-cased. */
static double
bench_engine(const struct fconf *c, const char *text, size_t len)
{
	char *low = malloc(len + 2);
	size_t hits = 0;
	double t0, dt;

	if (low == NULL)
		exit(2);
	low[0] = ' ';
	ftext_canon(low + 1, text, len);
	low[len + 1] = ' ';
	t0 = now();
	if (fkw_dict_engine_scan(c->kw.dict, low, len + 2, &hits) < 0)
		exit(2);
	dt = now() - t0;
	free(low);
	printf("  (%zu engine hits)\n", hits);
	return len / dt / 1e6;
}

/* Each mail as one body segment through the given detectors. */
static double
bench_detectors(const struct fconf *c, const char *text, int cpr, int kw, size_t *findings)
{
	struct ffindings f = { 0 };
	size_t hits = 0;
	double t0 = now(), dt;

	for (size_t m = 0; m < NMAILS; m++) {
		struct fmsg msg;
		memset(&msg, 0, sizeof(msg));
		if (fsegs_add(&msg.segs, FWHERE_BODY, text + m * MAIL_SIZE, MAIL_SIZE) < 0 ||
		    (cpr && fcpr_scan(c, &msg, &f) < 0) || (kw && fkw_scan(c, &msg, &f) < 0))
			exit(2);
		hits += f.n;
		ffindings_free(&f);
		memset(&f, 0, sizeof(f));
		fsegs_free(&msg.segs);
	}
	dt = now() - t0;
	*findings = hits;
	return (double)NMAILS * MAIL_SIZE / dt / 1e6;
}

/* The same kind of mail without a listed term: what most council mail is
 * like (the mix above flags about two mails in five). */
static double
clean_mail(const struct fconf *c)
{
	struct fbuf b;
	size_t nf;
	double mbs;

	fbuf_init(&b, 0);
	gen(&b, NULL, 0);
	mbs = bench_detectors(c, b.data, 1, 1, &nf);
	printf("  full detectors, mail without a listed term: %4.1f MB/s per core  (%zu findings)\n",
	    mbs, nf);
	fbuf_free(&b);
	return mbs;
}

/* "*x" -> "\w*x", "x*" -> "x\w*", blanks -> "\s+". */
static pcre2_code *
pattern(const char *term)
{
	char re[2048];
	size_t o = 0;
	int err;
	PCRE2_SIZE off;

	for (const char *p = term; *p && o + 8 < sizeof(re); p++)
		o += (size_t)snprintf(re + o, sizeof(re) - o, "%s",
		    *p == '*' ? "\\w*" : *p == ' ' ? "\\s+" : (char[]){ *p, 0 });
	return pcre2_compile((PCRE2_SPTR)re, o, PCRE2_CASELESS | PCRE2_UTF, &err, &off, NULL);
}

static double
bench_pcre(char **terms, size_t n, const char *text)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	size_t hits = 0;
	double t = 0;

	for (size_t i = 0; i < n; i++) {
		pcre2_code *re = pattern(terms[i]);
		PCRE2_SIZE at = 0;
		double t0;
		if (re == NULL)
			continue;
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		t0 = now();
		while (pcre2_match(re, (PCRE2_SPTR)text, PCRE_SLICE, at, 0, md, NULL) >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			hits++;
			at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
		t += now() - t0;
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	printf("  (%zu matches)\n", hits);
	return PCRE_SLICE / t / 1e6;
}

static double
bench_memchr(const char *text, size_t len)
{
	/* volatile: memchr is pure, and a constant key lets the compiler call it
	 * once for all 50 rounds. */
	volatile int key = 0x01;
	size_t found = 0;
	double t0 = now(), dt;

	for (int r = 0; r < 50; r++)
		found += memchr(text, key, len) != NULL;
	dt = now() - t0;
	if (found)
		printf("  (unexpected byte)\n");
	return 50.0 * len / dt / 1e6;
}

int
main(int argc, char **argv)
{
	struct fconf c;
	struct fbuf b;
	char err[512], **terms;
	size_t nterms = load_terms(&terms), nf, nc, nk;
	double det, cpr, kw, eng, pc, mc, clean;
	/* "fbench detectors": the full detectors only, five times (for a profiler). */
	int only = argc > 1 && strcmp(argv[1], "detectors") == 0;

	memset(&c, 0, sizeof(c));
	c.cpr.enabled = 1;
	c.cpr.threshold = 50;
	c.cpr.context_window = 300;
	c.kw.enabled = 1;
	c.kw.threshold = 3;
	c.kw.window = 60;
	if (nterms == 0 || (c.kw.dict = fkw_dict_load(WORDS_DIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fbench: word lists: %s\n", nterms ? err : "none");
		return 2;
	}
	fbuf_init(&b, 0);
	gen(&b, terms, nterms);
	printf("fbench: %zu dictionary terms, %.1f MB generated Danish text, %d mails of %d bytes\n",
	    fkw_dict_size(c.kw.dict), b.len / 1e6, NMAILS, MAIL_SIZE);
	/* One untimed round first: scratch space, page faults and the clock
	 * speed settle (the first round ran ~25% slower than the rest). */
	for (int r = 0; r < (only ? 4 : 1); r++)
		bench_detectors(&c, b.data, 1, 1, &nf);
	det = bench_detectors(&c, b.data, 1, 1, &nf);
	printf("full detectors (CPR + keywords):        %10.1f MB/s per core  (%zu findings)\n",
	    det, nf);
	if (!only) {
		cpr = bench_detectors(&c, b.data, 1, 0, &nc);
		kw = bench_detectors(&c, b.data, 0, 1, &nk);
		printf("  CPR detector alone:                   %10.1f MB/s per core  (%zu findings)\n",
		    cpr, nc);
		printf("  keyword detector alone:               %10.1f MB/s per core  (%zu findings)\n",
		    kw, nk);
		clean = clean_mail(&c);
		eng = bench_engine(&c, b.data, b.len);
		printf("  Vectorscan pass alone (canon text):   %10.1f MB/s per core\n", eng);
		pc = bench_pcre(terms, nterms, b.data);
		printf("naive PCRE2, each pattern in turn:      %10.1f MB/s per core\n", pc);
		mc = bench_memchr(b.data, b.len);
		printf("memchr:                                 %10.1f MB/s per core\n", mc);
		printf("ratios: detectors/naive PCRE2 = %.0fx, detectors/memchr = %.4f, "
		    "Vectorscan/memchr = %.4f\n", det / pc, det / mc, eng / mc);
		printf("target: >= 1000 MB/s per core for the full detectors: %s "
		    "(without listed terms: %s)\n", det >= 1000 ? "met" : "NOT met",
		    clean >= 1000 ? "met" : "not met");
	}
	for (size_t i = 0; i < nterms; i++)
		free(terms[i]);
	free(terms);
	fbuf_free(&b);
	fkw_dict_free(c.kw.dict);
	return 0;
}
