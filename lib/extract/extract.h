/* extract: attachment text extraction (text, OOXML, ODF, PDF, zip members).
 *
 * fextract_extract() runs in the calling process and is what the fuzzers drive.
 * The analysis only calls fextract_extract_sandboxed(): a child of the
 * fortrolig-extract zygote with CPU, memory and file-size rlimits, a
 * wall-clock timeout and a capped pipe, so that a hostile file can crash or
 * hang only that child. */
#ifndef FORTROLIG_FX_H
#define FORTROLIG_FX_H

#include <stddef.h>

#include "base/buffer.h"

enum fextract_kind {
	FEXTRACT_KIND_NONE,      /* nothing to extract: the file name is all we see */
	FEXTRACT_KIND_TEXT,      /* text/csv/tsv without a usable MIME charset */
	FEXTRACT_KIND_ZIP,       /* zip container: OOXML, ODF or a plain archive */
	FEXTRACT_KIND_PDF,
	FEXTRACT_KIND_CFB,       /* OLE compound file: legacy Office or encrypted OOXML */
	FEXTRACT_KIND_ARCHIVE    /* tar, 7z, rar, gzip/bzip2/xz/zstd, a zip behind a prefix */
};

/* In rising severity; FEXTRACT_ENCRYPTED is kept apart (a finding of its own). */
enum fextract_status {
	FEXTRACT_OK,
	FEXTRACT_LIMIT,          /* a limit was hit; text may be partial */
	FEXTRACT_BROKEN,         /* could not be parsed */
	FEXTRACT_FAILED,         /* the extractor crashed or was killed */
	FEXTRACT_ENCRYPTED       /* password-protected: cannot be inspected */
};

struct fextract_limits {
	size_t max_text;           /* bytes of text out, and bytes inflated */
	int max_ratio;             /* inflated / compressed, per entry over 1 MiB */
	int max_depth;             /* archive nesting */
	int timeout_ms;            /* wall clock, sandbox only */
	long long max_memory;      /* RLIMIT_AS bytes, sandbox only */
};

struct fextract_result {
	enum fextract_status status;     /* never FEXTRACT_ENCRYPTED */
	char reason[64];
	int encrypted;
	char enc_reason[64];
	struct fbuf text;          /* UTF-8 */
	size_t inflated;           /* bytes decompressed so far (all nesting) */
};

/* Entries larger than this must respect max_ratio. */
#define FEXTRACT_RATIO_FLOOR ((size_t)1 << 20)

enum fextract_kind fextract_sniff(const char *ctype, const char *fname, const unsigned char *p, size_t n);
void fextract_result_init(struct fextract_result *r, size_t max_text);
void fextract_result_free(struct fextract_result *r);
/* Records a status and its reason: the worst (first of equals) wins. */
void fextract_set(struct fextract_result *r, enum fextract_status st, const char *reason);
const char *fextract_status_name(enum fextract_status st);

void fextract_extract(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, int depth, struct fextract_result *r);
/* fextract_extract without the final size and ratio checks, for nested members. */
void fextract_dispatch(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, int depth, struct fextract_result *r);
void fextract_extract_sandboxed(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, struct fextract_result *r);
/* Registers Poppler's types once per process. */
void fextract_global_init(void);
/* The extractor program: $FORTROLIG_EXTRACTOR, else the installed one. */
const char *fextract_helper_path(void);
/* main() of fortrolig-extract: the zygote (zygote.c). */
int fextract_helper_main(int argc, char **argv);
/* The child's output on fd, in the format the sandbox reads. */
int fextract_write_output(int fd, const struct fextract_result *r);

/* The extractors (extract/text.c, zip.c, office.c, pdf.c, archive.c). */
void fextract_text(const unsigned char *p, size_t n, struct fextract_result *r);
void fextract_zip(const unsigned char *p, size_t n, const struct fextract_limits *l, int depth,
    struct fextract_result *r);
void fextract_pdf(const unsigned char *p, size_t n, const struct fextract_limits *l, struct fextract_result *r);
void fextract_cfb(const unsigned char *p, size_t n, struct fextract_result *r);
/* The text of a legacy .doc/.xls/.ppt (extract/cfb.c); incomplete when not read. */
void fextract_cfb_text(const unsigned char *p, size_t n, struct fextract_result *r);
void fextract_archive(const unsigned char *p, size_t n, const struct fextract_limits *l, int depth,
    struct fextract_result *r);

#endif
