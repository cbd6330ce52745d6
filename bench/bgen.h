/* bgen: mail of realistic shapes for the benchmarks, generated from a seed:
 * Outlook HTML replies with quoted threads of Danish council text, the same
 * with a citizen's CPR number and diagnosis in a quoted mail, replies with
 * a docx or PDF attachment, and 2 MB messages (a PDF with a scanned image,
 * or a long plain body). Same seed, same bytes. Nothing binary is committed. */
#ifndef FORTROLIG_BGEN_H
#define FORTROLIG_BGEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buffer.h"

enum bg_shape {
	BG_REPLY,          /* Outlook HTML reply, quoted thread, ~20 KB, clean */
	BG_REPLY_CONF,     /* the same, a CPR number and a diagnosis in a quoted mail */
	BG_DOCX,           /* short reply with a docx attachment */
	BG_PDF,            /* short reply with a PDF attachment */
	BG_BIG_PDF,        /* ~2 MB: a report PDF with a scanned page image */
	BG_BIG_BODY,       /* ~2 MB: a long text/plain body */
	BG_NSHAPES
};

struct bgen {
	uint64_t rng;
	unsigned serial;   /* makes Message-IDs unique */
};

void bg_init(struct bgen *g, uint64_t seed);
const char *bg_shape_name(enum bg_shape s);
/* Whether the shape's mail is meant to be found confidential. */
int bg_shape_confidential(enum bg_shape s);
/* Appends one message of the shape (CRLF line ends) to out. 0 or -1. */
int bg_mail(struct bgen *g, enum bg_shape s, struct fbuf *out);

#endif
