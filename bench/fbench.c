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

#include "base/buffer.h"
#include "conf/config.h"
#include "detect/detect.h"
#include "detect/keywords/keywords.h"
#include "analyse/message.h"
#include "base/text.h"

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

/* A generated corpus: which mails are about a case, and how dense their
 * listed terms are. */
struct mix {
	unsigned case_every;   /* every n-th mail is about a case (0: none) */
	unsigned term_every;   /* in those, a listed term per ~n words */
};

/* Mails of common words and a name now and then; the case mails of the mix
 * also hold listed terms. */
static void
gen(struct fbuf *b, char **terms, size_t nterms, struct mix mx)
{
	size_t ncommon = sizeof(common) / sizeof(common[0]);

	for (size_t m = 0; m < NMAILS; m++) {
		size_t start = b->len, words = 0;
		int about = nterms && mx.case_every && m % mx.case_every == 0;
		fbuf_adds(b, "Hej Anne\n\n");
		while (b->len - start < MAIL_SIZE - 64) {
			uint64_t r = next();
			const char *w = about && r % mx.term_every == 0 ? terms[(r >> 16) % nterms] :
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

#define BATCH 32   /* mails whose segments are built, then scanned (128 KB) */
_Static_assert(NMAILS % BATCH == 0, "round_once scans whole batches");

/* One round of the given detectors over every mail. Each mail is one body
 * segment. The segments of BATCH mails are built off the clock and scanned
 * right after, as the milter scans a message its analysis has just decoded
 * (so the text comes from cache, not from memory). */
static double
round_once(const struct fconf *c, const char *text, int cpr, int kw, size_t *findings)
{
	struct ffindings f = { 0 };
	struct fmsg v[BATCH];
	size_t hits = 0;
	double dt = 0;

	for (size_t m0 = 0; m0 < NMAILS; m0 += BATCH) {
		double t0;
		memset(v, 0, sizeof(v));
		for (size_t m = 0; m < BATCH; m++)
			if (fsegs_add(&v[m].segs, FWHERE_BODY, text + (m0 + m) * MAIL_SIZE,
			    MAIL_SIZE) < 0)
				exit(2);
		t0 = now();
		for (size_t m = 0; m < BATCH; m++) {
			if ((cpr && fcpr_scan(c, &v[m], &f) < 0) || (kw && fkw_scan(c, &v[m], &f) < 0))
				exit(2);
			hits += f.n;
			ffindings_free(&f);
			memset(&f, 0, sizeof(f));
		}
		dt += now() - t0;
		for (size_t m = 0; m < BATCH; m++)
			fsegs_free(&v[m].segs);
	}
	*findings = hits;
	return (double)NMAILS * MAIL_SIZE / dt / 1e6;
}

/* MB/s after one untimed round: scratch space, page faults and the clock
 * speed settle (the first round runs up to a third slower than the rest). */
static double
bench_detectors(const struct fconf *c, const char *text, int cpr, int kw, size_t *findings)
{
	round_once(c, text, cpr, kw, findings);
	return round_once(c, text, cpr, kw, findings);
}

/* The full detectors on a freshly generated corpus of the given mix. */
static double
bench_mix(const struct fconf *c, char **terms, size_t nterms, struct mix mx, size_t *findings)
{
	struct fbuf b;
	double mbs;

	fbuf_init(&b, 0);
	gen(&b, terms, nterms, mx);
	mbs = bench_detectors(c, b.data, 1, 1, findings);
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

static const char *
verdict(double mbs)
{
	return mbs >= 1000 ? "met" : "NOT met";
}

int
main(int argc, char **argv)
{
	/* The stress mix: a listed term per ~300 words in every mail (about
	 * half the mails reach the full analysis). The council mix: nine mails
	 * in ten ordinary, one about a case, with a term per ~60 words. */
	const struct mix stress = { 1, 300 }, council = { 10, 60 }, ordinary = { 0, 0 };
	struct fconf c;
	struct fbuf b;
	char err[512], **terms;
	size_t nterms = load_terms(&terms), nf, nc, nk, ncm;
	double det, cpr, kw, eng, pc, mc, clean, cm;
	/* "fbench detectors": the stress mix only, five rounds (for a profiler). */
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
	gen(&b, terms, nterms, stress);
	printf("fbench: %zu dictionary terms, %d generated Danish mails of %d bytes per corpus;\n"
	    "MB/s per core of the detectors (segments built off the clock, %d mails at a time; "
	    "one untimed round first)\n",
	    fkw_dict_size(c.kw.dict), NMAILS, MAIL_SIZE, BATCH);
	for (int r = 0; only && r < 3; r++)
		round_once(&c, b.data, 1, 1, &nf);
	det = bench_detectors(&c, b.data, 1, 1, &nf);
	if (!only) {
		cm = bench_mix(&c, terms, nterms, council, &ncm);
		clean = bench_mix(&c, terms, nterms, ordinary, &nc);
		printf("council mix (1 mail in 10 about a case):    %10.1f MB/s  (%zu findings)\n",
		    cm, ncm);
		printf("ordinary mail (no listed term):             %10.1f MB/s  (%zu findings)\n",
		    clean, nc);
	}
	printf("stress mix (a listed term per ~300 words):  %10.1f MB/s  (%zu findings)\n", det,
	    nf);
	if (!only) {
		cpr = bench_detectors(&c, b.data, 1, 0, &nc);
		kw = bench_detectors(&c, b.data, 0, 1, &nk);
		printf("  stress mix, CPR detector alone:           %10.1f MB/s  (%zu findings)\n",
		    cpr, nc);
		printf("  stress mix, keyword detector alone:       %10.1f MB/s  (%zu findings)\n",
		    kw, nk);
		eng = bench_engine(&c, b.data, b.len);
		printf("  stress mix, Vectorscan pass alone:        %10.1f MB/s\n", eng);
		pc = bench_pcre(terms, nterms, b.data);
		printf("naive PCRE2, each pattern in turn:          %10.1f MB/s\n", pc);
		mc = bench_memchr(b.data, b.len);
		printf("memchr:                                     %10.1f MB/s\n", mc);
		printf("ratios (stress mix): detectors/naive PCRE2 = %.0fx, detectors/memchr = %.4f, "
		    "Vectorscan/memchr = %.4f\n", det / pc, det / mc, eng / mc);
		printf("target >= 1000 MB/s per core: council mix %s, ordinary mail %s, "
		    "stress mix %s\n", verdict(cm), verdict(clean), verdict(det));
	}
	for (size_t i = 0; i < nterms; i++)
		free(terms[i]);
	free(terms);
	fbuf_free(&b);
	fkw_dict_free(c.kw.dict);
	return 0;
}
