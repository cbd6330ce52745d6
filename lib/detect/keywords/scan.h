/* scan: the keyword scan's state, shared by its mechanics (scan.c) and
 * the rules of who a finding is about (person.c). Not for other modules. */
#ifndef FORTROLIG_FKW_SCAN_H
#define FORTROLIG_FKW_SCAN_H

#include <stddef.h>

#include "analyse/signoff.h"
#include "detect/keywords/tokens.h"

struct fmsg;

struct raw {
	size_t at;         /* a byte inside the anchor token */
	size_t entry;
};

struct hit {
	size_t at;         /* token index */
	size_t off;        /* its start in the canon buffer */
	int entry;         /* index into dict, or -1 for a name pair */
};

struct fconf;

struct scan {
	const struct fkw_dict *d;
	const char *self;  /* sender's and addressees' display names, lower-cased */
	int own;           /* the member's own words: first person is the member */
	int public_text;   /* 1: the text says it is public, a role word names nobody;
	                      2: it says the person is made up, a name names nobody */
	int public_subject; /* the message's subject says so ("Debatindlæg: ..."), for the body */
	const char *orig;  /* the segment text, len bytes */
	const char *cb;    /* " " + canon(orig) + " " */
	size_t len;
	struct fsig sig;
	int sig_done;
	struct raw *r;
	size_t nr, capr;
	struct hit *h;
	size_t nh, caph;
	struct fsignoff_cand *p;   /* disclaimer phrase candidates */
	size_t np, capp;
	size_t base;       /* offset of the buffer the engine is scanning */
	int nosig;         /* 1: signatures not looked at yet (the first, upper-bound pass) */
	int main_done;     /* the category and phrase pass has run */
	struct fkw_tok tk;  /* the words of cb */
	size_t *q;         /* token indices of the windows that could reach the threshold */
	size_t nq, capq;
	unsigned *stamp;   /* per entry: the window it was last counted in (window_sum) */
	unsigned gen;
};

/* Exclusion-list words, and words inside a signature or disclaimer. */
int fkw_person_excluded(struct scan *sc, struct fkw_tok_word t);
/* A named individual at a (b is the word after it). */
int fkw_person_name(struct scan *sc, struct fkw_tok_word a, struct fkw_tok_word b);
/* A count or a quantifier before the term that starts at first. */
int fkw_person_group(struct scan *sc, struct fkw_tok_word first);
/* Does hit h point at an individual (a name, or a person word)? */
int fkw_person_is(const struct scan *sc, const struct hit *h);
/* Does the canon buffer cb[0, n) say the text is public? */
int fkw_person_public_text(const struct fkw_dict *d, const char *cb, size_t n);
/* 1 when a subject (not a reply's or forward's) says the mail is public, 0,
 * or -1; cb is scratch space of at least the longest subject + 2 bytes. */
int fkw_person_public_subject(const struct fkw_dict *d, const struct fmsg *m, char *cb);
/* IT's judgement calls (detectors.keywords): health the person made public
 * herself, a court's public verdict. 1 when cat is not to be found here. */
int fkw_person_judged_public(const struct scan *sc, const struct fconf *c, int cat);
/* Is the word in a row of three or more cells (';', tab, '|')? */
int fkw_person_in_table(const struct scan *sc, struct fkw_tok_word w);
/* The markers' words for the dictionary to build d->hs_public from (*w
 * points into static strings; the caller frees the two arrays). */
int fkw_person_marker_words(const char ***w, size_t **len, size_t *n);
/* Who a window is about, for --explain: never the name itself. */
void fkw_person_label(const struct scan *sc, int cpr_seen, size_t p, char *out, size_t n);
/* Drops the category hits said of the writer in her own text. */
void fkw_person_drop_writer(struct scan *sc);

#endif
