/* fx_text: a text attachment without a usable MIME charset -> UTF-8, by
 * fdecode's rules (BOM, UTF-16 NUL pattern, UTF-8, else windows-1252). */
#include "config.h"

#include "fdecode.h"
#include "fx.h"

void
fx_text(const unsigned char *p, size_t n, struct fx_result *r)
{
	if (fdecode_text(p, n, NULL, &r->text) < 0)
		fx_set(r, FX_LIMIT, "attachment text size limit");
}
