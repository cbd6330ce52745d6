/* bgen_doc: the attachments of the generated mail: a Word document (OOXML
 * zip, built with libzip) and a PDF (Helvetica text pages, optionally a
 * scanned page as an image), each with Danish council text. */
#ifndef FORTROLIG_BGEN_DOC_H
#define FORTROLIG_BGEN_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buffer.h"
#include "bgen.h"

/* Shared with bgen.c: the generator and one paragraph of council text. */
uint64_t bg_next(struct bgen *g);
void bg_paragraph(struct bgen *g, struct fbuf *out);

/* A memo about topic as docx. 0 or -1. */
int bg_docx(struct bgen *g, const char *topic, struct fbuf *out);
/* A report of pages text pages, plus a page with an RGB image of about
 * image_bytes (0: none). 0 or -1. */
int bg_pdf(struct bgen *g, const char *topic, unsigned pages, size_t image_bytes,
    struct fbuf *out);

#endif
