/* internal: the keyword dictionary's layout, shared by its loader (detect/keywords/dictionary.c) and
 * its scanner (detect/keywords/scan.c). Not for other modules. */
#ifndef FORTROLIG_FKWI_H
#define FORTROLIG_FKWI_H

#include <stddef.h>

#include "detect/keywords/engine.h"
#include "detect/keywords/wordset.h"

#define KW_MAX_WORDS 6
#define KW_PERSON (-1)
#define LIST_EXCLUDE 100   /* load_file: exclude.txt */
#define LIST_NAMES 101     /* load_file: names.txt */

struct kw_word {
	char *w;          /* lower-case UTF-8 */
	size_t len;
	unsigned pre : 1;  /* "*x": other letters may come before */
	unsigned suf : 1;  /* "x*": any ending */
	unsigned any : 1;  /* "?": any one word ("taget ? fra ham") */
};

struct kw_entry {
	int cat;          /* enum fcat, or KW_PERSON */
	int weight;
	size_t nw;
	struct kw_word w[KW_MAX_WORDS];
	char *term;       /* as written, for the finding's excerpt */
	size_t anchor;    /* the phrase's rarest-looking word: the one the engine looks for */
};

struct fkw_dict {
	struct kw_entry *e;
	size_t n, cap;
	struct fkw_set *exclude;   /* exclude.txt, lower-cased */
	struct fkw_set *stop;      /* words that are never half of a name pair */
	struct fkw_set *names;     /* names.txt: given names, lower-cased */
	struct fkw_set *names_pair;  /* names.txt "per +": only with a surname */
	struct fkw_set *person_words;  /* one-word entries of person.txt */
	size_t nnames;             /* 0: no names.txt, any capitalised pair is a name */
	struct fkw_engine *hs;         /* category and disclaimer anchors: every segment */
	struct fkw_engine *hs_person;  /* person anchors: in windows that could count */
	struct fkw_engine *hs_public;  /* "pressemeddelelse": a text that says it is public */
	size_t *disc_off;         /* per disclaimer phrase (id d->n + i): its anchor's offset */
};

#endif
