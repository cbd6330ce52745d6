/* text: a text attachment without a usable MIME charset -> UTF-8, by
 * fdecode's rules (BOM, UTF-16 NUL pattern, UTF-8, else windows-1252). */
#include "config.h"

#include "analyse/charset.h"
#include "extract/extract.h"

void
fextract_text(const unsigned char *p, size_t n, struct fextract_result *r)
{
	if (fcharset_text(p, n, NULL, &r->text) < 0)
		fextract_set(r, FEXTRACT_LIMIT, "attachment text size limit");
}
