/* fx_zip: bounded reading of zip entries, shared by the archive and the
 * OOXML/ODF extractors. Internal to fx_*.c. */
#ifndef FORTROLIG_FX_ZIP_H
#define FORTROLIG_FX_ZIP_H

#include <zip.h>

#include "fbuf.h"
#include "fx.h"

struct fxz {
	zip_t *z;
	const struct fx_limits *l;
	struct fx_result *r;
	int depth;
};

/* Reads entry i into out, counting against the inflate budget and the
 * ratio limit. Returns 0, or -1 with the status recorded in z->r. */
int fxz_read(struct fxz *z, zip_uint64_t i, struct fbuf *out);
/* Extracts entry i as a file of its own (nested archive, text, PDF). */
void fxz_member(struct fxz *z, zip_uint64_t i, const char *name);
/* Office documents: OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp). */
int fx_ooxml_is_doc(zip_t *z);
void fx_ooxml(struct fxz *z);

#endif
