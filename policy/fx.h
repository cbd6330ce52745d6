/* fx: attachment text extraction (text, OOXML, ODF, PDF, zip members).
 *
 * fx_extract() runs in the calling process and is what the fuzzers drive.
 * The analysis only calls fx_extract_sandboxed(): a forked child with CPU,
 * memory and file-size rlimits, a wall-clock timeout and a capped pipe, so
 * that a hostile file can crash or hang only that child. */
#ifndef FORTROLIG_FX_H
#define FORTROLIG_FX_H

#include <stddef.h>

#include "fbuf.h"

enum fx_kind {
	FX_KIND_NONE,      /* nothing to extract: the file name is all we see */
	FX_KIND_TEXT,      /* text/csv/tsv without a usable MIME charset */
	FX_KIND_ZIP,       /* zip container: OOXML, ODF or a plain archive */
	FX_KIND_PDF,
	FX_KIND_CFB        /* OLE compound file: legacy Office or encrypted OOXML */
};

/* In rising severity; FX_ENCRYPTED is kept apart (a finding of its own). */
enum fx_status {
	FX_OK,
	FX_LIMIT,          /* a limit was hit; text may be partial */
	FX_BROKEN,         /* could not be parsed */
	FX_FAILED,         /* the extractor crashed or was killed */
	FX_ENCRYPTED       /* password-protected: cannot be inspected */
};

struct fx_limits {
	size_t max_text;           /* bytes of text out, and bytes inflated */
	int max_ratio;             /* inflated / compressed, per entry over 1 MiB */
	int max_depth;             /* archive nesting */
	int timeout_ms;            /* wall clock, sandbox only */
	long long max_memory;      /* RLIMIT_AS bytes, sandbox only */
};

struct fx_result {
	enum fx_status status;     /* never FX_ENCRYPTED */
	char reason[64];
	int encrypted;
	char enc_reason[64];
	struct fbuf text;          /* UTF-8 */
	size_t inflated;           /* bytes decompressed so far (all nesting) */
};

/* Entries larger than this must respect max_ratio. */
#define FX_RATIO_FLOOR ((size_t)1 << 20)

enum fx_kind fx_sniff(const char *ctype, const char *fname, const unsigned char *p, size_t n);
void fx_result_init(struct fx_result *r, size_t max_text);
void fx_result_free(struct fx_result *r);
/* Records a status and its reason: the worst (first of equals) wins. */
void fx_set(struct fx_result *r, enum fx_status st, const char *reason);
const char *fx_status_name(enum fx_status st);

void fx_extract(enum fx_kind k, const unsigned char *p, size_t n,
    const struct fx_limits *l, int depth, struct fx_result *r);
/* fx_extract without the final size and ratio checks, for nested members. */
void fx_dispatch(enum fx_kind k, const unsigned char *p, size_t n,
    const struct fx_limits *l, int depth, struct fx_result *r);
void fx_extract_sandboxed(enum fx_kind k, const unsigned char *p, size_t n,
    const struct fx_limits *l, struct fx_result *r);
/* Call once at start-up: pre-registers library types so that a forked
 * child needs no lock another thread may hold. */
void fx_global_init(void);

/* The extractors (fx_text.c, fx_zip.c, fx_ooxml.c, fx_pdf.c). */
void fx_text(const unsigned char *p, size_t n, struct fx_result *r);
void fx_zip(const unsigned char *p, size_t n, const struct fx_limits *l, int depth,
    struct fx_result *r);
void fx_pdf(const unsigned char *p, size_t n, const struct fx_limits *l, struct fx_result *r);
void fx_cfb(const unsigned char *p, size_t n, struct fx_result *r);

#endif
