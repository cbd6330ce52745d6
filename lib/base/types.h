/* types: the vocabulary shared by analysis, detectors and decision. */
#ifndef FORTROLIG_FTYPES_H
#define FORTROLIG_FTYPES_H

#include <stddef.h>

enum fcat {
	FCAT_CPR, FCAT_HEALTH, FCAT_CRIMINAL, FCAT_SOCIAL, FCAT_PRIVATE,
	FCAT_MARKING, FCAT_THREAD, FCAT_COUNT
};

enum fwhere {
	FWHERE_SUBJECT, FWHERE_BODY, FWHERE_QUOTED, FWHERE_ATTACHMENT,
	FWHERE_HEADER, FWHERE_COUNT
};

enum fclass { FCLASS_CLEAN, FCLASS_CONFIDENTIAL, FCLASS_SENSITIVE };

extern const char *const fcat_names[FCAT_COUNT];
extern const char *const fwhere_names[FWHERE_COUNT];
const char *fcat_name(enum fcat c);
const char *fwhere_name(enum fwhere w);
const char *fclass_name(enum fclass c);

/* A piece of decoded UTF-8 text and where in the message it came from. */
struct fseg {
	enum fwhere where;
	char *text;       /* owned, NUL-terminated UTF-8 */
	size_t len;
};

struct fsegs {
	struct fseg *v;
	size_t n, cap;
};

int fsegs_add(struct fsegs *s, enum fwhere where, const char *text, size_t len);
void fsegs_free(struct fsegs *s);

/* One detector hit. The excerpt is masked; the raw match is never kept. */
struct ffinding {
	const char *detector;
	enum fcat cat;
	enum fwhere where;
	int confidence;         /* 0..100 */
	char excerpt[48];
	char person[48];        /* keywords: who the finding is about ("name",
	                         * "cpr number", "word: borgeren"); never a name */
	char terms[96];         /* keywords: the window's terms and weights, the
	                         * predicate evidence ("demens=2 glemsom=2") */
	char cpr[11];           /* cpr: the digits, only for the thread memory's
	                         * keyed hash; never printed or logged */
};

struct ffindings {
	struct ffinding *v;
	size_t n, cap;
};

int ffindings_add(struct ffindings *f, const char *detector, enum fcat cat,
    enum fwhere where, int confidence, const char *excerpt);
void ffindings_free(struct ffindings *f);
/* Bit sets over enum fcat / enum fwhere. */
unsigned ffindings_cats(const struct ffindings *f);
unsigned ffindings_wheres(const struct ffindings *f);

#endif
