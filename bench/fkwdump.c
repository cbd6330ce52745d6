/* fkwdump: the keyword findings of generated mails, one line each, for
 * telling a speed change from a behaviour change: run it on the builds
 * before and after and diff the outputs (0 lines: the same findings).
 *
 *   fkwdump [mails]   (default 20000; word lists from the source tree)
 *
 * The mails mix listed terms (with and without their endings, in capitals),
 * pronouns, names, signatures, disclaimers holding case words, quoted
 * history, subjects, separators and a CPR number now and then, at a term
 * density that varies from mail to mail. The generator is fixed: only
 * outputs of the same fkwdump source compare. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "detect/detect.h"
#include "detect/keywords/keywords.h"
#include "analyse/message.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
	uint64_t rng;
	char **terms;
	size_t nterms;
	unsigned density;   /* a listed term per ~density words */
};

static const char *const common[] = {
	"og", "i", "at", "det", "er", "en", "til", "på", "med", "for", "af", "den", "som", "har",
	"vi", "jeg", "ikke", "kan", "skal", "mødet", "byrådet", "udvalget", "sagen", "budgettet",
	"kommunen", "borgerne", "økonomi", "ældre", "børn", "skole", "gældende", "hamburger",
	"kræftens", "bekræfte", "Anne", "Holm", "Jens", "Hansen", "Per", "V.", "Kommune", "Skole",
	"Region", "Mvh", "Ældre", "ØKONOMI", "Økonomi", "ÆLDRE", "Åse", "Ørsted", "e-mail", "3.",
	"12345678", "www.kommune.dk", "Søren", "Kierkegaard",
};
static const char *const spicy[] = {
	"Han", "Hun", "hun", "han", "hende", "ham", "mand", "dame", "privat", "ALKOHOL", "Kræft",
	"Misbrug", "Anbragt",
};
static const char *const seps[] = {
	" ", " ", " ", " ", " ", " ", ", ", ". ", ".\n", "\n", "  ", " - ", "; ", "\n\n", "\r\n",
	": ", "!\n", "(", ") ", " \"", "/", "\t",
};
static const char *const blocks[] = {
	"\n\nMed venlig hilsen\nJens Hansen\nKonsulent\nTlf. 12 34 56 78\n\n",
	"\n-- \nAnne Holm\nByrådsmedlem\n",
	"\nSendt fra min iPhone\n",
	"\n\nDenne e-mail kan indeholde fortrolige oplysninger og er udelukkende beregnet for "
	"modtageren. Hvis du har modtaget denne e-mail ved en fejl, bedes du slette den.\n\n",
	"\n\nP.S. Han har kræft og misbrug.\n",
	"\nMvh Per\n\n",
	"\n> Den 3. nov. skrev Jens Hansen:\n> hun er anbragt\n",
	"\n\nDenne mail kan indeholde fortrolige oplysninger om borgerens kræft og misbrug. Hvis "
	"du har modtaget denne ved en fejl, bedes du slette den.\n\n",
	"\n\nThis email may contain confidential information about cancer and the patient. If "
	"you have received this email in error please delete it.\n\n",
	"\nKAN INDEHOLDE FORTROLIGE oplysninger: hun har kræft og misbrug ",
	"Tekstkan indeholde fortrolige sager, han er anbragt og har kræft\n",
	"\nHan er dement og har kræft, bedes du\nslette den. Modtaget ved en\nfejl.\n",
};

static uint64_t
next(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

/* The terms of every list as written ("*kræft", "sigtet for"). */
static void
load_terms(struct gen *g)
{
	static const char *const files[] = { "health.txt", "criminal.txt", "social.txt",
	    "private.txt", "person.txt", "exclude.txt" };
	char path[4096], line[1024];
	size_t cap = 0;

	for (size_t f = 0; f < N(files); f++) {
		FILE *fp;
		snprintf(path, sizeof(path), "%s/%s", WORDS_DIR, files[f]);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			size_t l;
			line[strcspn(line, "#=\r\n")] = '\0';
			for (l = strlen(line); l && line[l - 1] == ' '; l--)
				line[l - 1] = '\0';
			if (l == 0)
				continue;
			if (g->nterms == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((g->terms = realloc(g->terms, cap * sizeof(*g->terms))) == NULL)
					exit(2);
			}
			if ((g->terms[g->nterms++] = strdup(line)) == NULL)
				exit(2);
		}
		fclose(fp);
	}
}

/* One word: a listed term (its '*' as an ending or none), a pronoun or a
 * common word, now and then in capitals. */
static void
word(struct gen *g, struct fbuf *b)
{
	uint64_t r = next(g);
	const char *w = r % g->density == 0 ? g->terms[(r >> 8) % g->nterms] :
	    r % (g->density / 2 + 3) == 1 ? spicy[(r >> 8) % N(spicy)] :
	    common[(r >> 8) % N(common)];
	int caps = (r >> 40) % 23 == 0, cap1 = (r >> 40) % 7 == 0;
	char t[256];
	size_t o = 0;

	for (const char *p = w; *p && o < 240; p++) {
		const char *fx = (r >> 52) % 2 ? "syge" : "er";
		if (*p != '*')
			t[o++] = *p;
		else if ((r >> 50) % 2)
			o += (size_t)snprintf(t + o, sizeof(t) - o, "%s", fx);
	}
	for (size_t i = 0; i < o; i++)
		if (t[i] >= 'a' && t[i] <= 'z' && (caps || (cap1 && i == 0)))
			t[i] = (char)(t[i] - 32);
	fbuf_add(b, t, o);
}

static void
text(struct gen *g, struct fbuf *b, size_t words)
{
	for (size_t i = 0; i < words; i++) {
		uint64_t r = next(g);
		if (r % 61 == 0)
			fbuf_adds(b, blocks[(r >> 8) % N(blocks)]);
		word(g, b);
		fbuf_adds(b, (r >> 20) % 3 ? " " : seps[(r >> 24) % N(seps)]);
	}
}

/* Mail m: a body, maybe quoted history and a subject, maybe a CPR number
 * already found (then no person is needed). */
static void
mail(struct gen *g, const struct fconf *c, size_t m)
{
	uint64_t r = next(g);
	struct fmsg msg;
	struct fbuf body, quoted, subj;
	struct ffindings f = { 0 };

	memset(&msg, 0, sizeof(msg));
	fbuf_init(&body, 0);
	fbuf_init(&quoted, 0);
	fbuf_init(&subj, 0);
	g->density = 4 + (unsigned)((r >> 44) % 400);
	text(g, &body, 10 + r % 400);
	text(g, &subj, 1 + (r >> 12) % 8);
	if ((r >> 30) % 11 == 0)
		ffindings_add(&f, "cpr", FCAT_CPR, FWHERE_BODY, 90, "010190-XXXX");
	fsegs_add(&msg.segs, FWHERE_BODY, body.data, body.len);
	if ((r >> 34) % 3 == 0) {
		text(g, &quoted, 5 + (r >> 40) % 200);
		fsegs_add(&msg.segs, FWHERE_QUOTED, quoted.data, quoted.len);
	}
	if ((r >> 36) % 2)
		fsegs_add(&msg.segs, FWHERE_SUBJECT, subj.data, subj.len);
	if (fkw_scan(c, &msg, &f) < 0)
		printf("%zu ERROR\n", m);
	for (size_t i = 0; i < f.n; i++)
		printf("%zu %s %d %d %d %s\n", m, f.v[i].detector, f.v[i].cat, f.v[i].where,
		    f.v[i].confidence, f.v[i].excerpt);
	ffindings_free(&f);
	fsegs_free(&msg.segs);
	fbuf_free(&body);
	fbuf_free(&quoted);
	fbuf_free(&subj);
}

int
main(int argc, char **argv)
{
	struct gen g = { 0x9e3779b97f4a7c15ull, NULL, 0, 9 };
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	struct fconf c;
	char err[512];

	load_terms(&g);
	memset(&c, 0, sizeof(c));
	c.kw.enabled = 1;
	c.kw.threshold = 3;
	c.kw.window = 60;
	if (g.nterms == 0 || (c.kw.dict = fkw_dict_load(WORDS_DIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fkwdump: word lists: %s\n", g.nterms ? err : "none");
		return 2;
	}
	for (size_t m = 0; m < n; m++)
		mail(&g, &c, m);
	for (size_t i = 0; i < g.nterms; i++)
		free(g.terms[i]);
	free(g.terms);
	fkw_dict_free(c.kw.dict);
	return 0;
}
