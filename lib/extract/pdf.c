/* pdf: PDF text through Poppler (poppler-glib). Poppler inflates the
 * content streams (FlateDecode and the rest) and joins text shown in
 * separate fragments into words by their position on the page. */
#include "config.h"

#include <string.h>

#include <poppler.h>

#include "base/buffer.h"
#include "extract/extract.h"

void
fextract_global_init(void)
{
	/* Once, before the first document: registration takes GLib's type lock. */
	g_type_ensure(POPPLER_TYPE_DOCUMENT);
	g_type_ensure(POPPLER_TYPE_PAGE);
}

static void
add_line(struct fextract_result *r, const char *label, char *v)
{
	if (v && *v)
		fbuf_printf(&r->text, "%s: %s\n", label, v);
	g_free(v);
}

void
fextract_pdf(const unsigned char *p, size_t n, const struct fextract_limits *l, struct fextract_result *r)
{
	GBytes *bytes = g_bytes_new_static(p, n);
	GError *err = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	int pages;

	(void)l;
	if (doc == NULL) {
		if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
			fextract_set(r, FEXTRACT_ENCRYPTED, "encrypted PDF");
		else
			fextract_set(r, FEXTRACT_BROKEN, "PDF could not be parsed");
		g_clear_error(&err);
		g_bytes_unref(bytes);
		return;
	}
	/* Markings are often kept in the document information. */
	add_line(r, "title", poppler_document_get_title(doc));
	add_line(r, "subject", poppler_document_get_subject(doc));
	add_line(r, "keywords", poppler_document_get_keywords(doc));
	pages = poppler_document_get_n_pages(doc);
	for (int i = 0; i < pages && !r->text.overflow; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *text;
		if (page == NULL)
			continue;
		if ((text = poppler_page_get_text(page)) != NULL) {
			fbuf_adds(&r->text, text);
			fbuf_addc(&r->text, '\n');
		}
		g_free(text);
		g_object_unref(page);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
}
