/* zip: bounded reading of zip entries, shared by the archive and the
 * OOXML/ODF extractors. Internal to fextract_*.c. */
#ifndef FORTROLIG_FX_ZIP_H
#define FORTROLIG_FX_ZIP_H

#include <zip.h>

#include "base/buffer.h"
#include "extract/extract.h"

struct fextract_zip {
	zip_t *z;
	const struct fextract_limits *l;
	struct fextract_result *r;
	int depth;
};

/* Reads entry i into out, counting against the inflate budget and the
 * ratio limit. Returns 0, or -1 with the status recorded in z->r. */
int fextract_zip_read(struct fextract_zip *z, zip_uint64_t i, struct fbuf *out);
/* Extracts entry i as a file of its own (nested archive, text, PDF). */
void fextract_zip_member(struct fextract_zip *z, zip_uint64_t i, const char *name);
/* Office documents: OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp). */
int fextract_ooxml_is_doc(zip_t *z);
void fextract_ooxml(struct fextract_zip *z);

#endif
