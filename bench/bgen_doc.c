/* bgen_doc: generated attachments (see bgen_doc.h). Minimal but valid: Word
 * and Poppler open them; the PDF's xref offsets are exact. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bgen_doc.h"
#include "tgen.h"

#define PDF_LINES 48        /* lines of text per page */
#define PDF_COLS 88         /* bytes per line, at most */

static void
xml_esc(struct fbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': fbuf_adds(out, "&lt;"); break;
		case '>': fbuf_adds(out, "&gt;"); break;
		case '&': fbuf_adds(out, "&amp;"); break;
		default: fbuf_addc(out, s[i]);
		}
	}
}

static void
w_para(struct fbuf *x, const char *style, const char *s, size_t n)
{
	fbuf_printf(x, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr><w:r><w:t xml:space=\"preserve\">",
	    style);
	xml_esc(x, s, n);
	fbuf_adds(x, "</w:t></w:r></w:p>");
}

/* Word's style sheet is most of a real document's XML; a plausible one. */
static void
w_styles(struct fbuf *x)
{
	fbuf_adds(x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Aptos\" w:hAnsi=\"Aptos\"/>"
	    "<w:sz w:val=\"22\"/><w:lang w:val=\"da-DK\"/></w:rPr></w:rPrDefault></w:docDefaults>");
	for (int i = 0; i < 60; i++)
		fbuf_printf(x, "<w:style w:type=\"paragraph\" w:styleId=\"Style%d\"><w:name w:val=\""
		    "Style %d\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\""
		    "%d\" w:after=\"120\"/><w:outlineLvl w:val=\"%d\"/></w:pPr><w:rPr><w:b/><w:sz "
		    "w:val=\"%d\"/></w:rPr></w:style>", i, i, 60 * (i % 5), i % 9, 20 + 2 * (i % 8));
	fbuf_adds(x, "</w:styles>");
}

int
bg_docx(struct bgen *g, const char *topic, struct fbuf *out)
{
	static const char types[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
	    "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
	    "officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/"
	    "styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.styles+xml\"/></Types>";
	static const char rels[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
	    "2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
	static const char docrels[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
	    "2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";
	struct fbuf doc, sty, p;
	char title[160];
	int rc;

	fbuf_init(&doc, 0);
	fbuf_init(&sty, 0);
	fbuf_init(&p, 0);
	snprintf(title, sizeof(title), "Notat om %s", topic);
	fbuf_adds(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	    "<w:body>");
	w_para(&doc, "Style1", title, strlen(title));
	for (int i = 0; i < 28; i++) {
		fbuf_reset(&p);
		bg_paragraph(g, &p);
		w_para(&doc, "Normal", p.data, p.len);
	}
	fbuf_adds(&doc, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body>"
	    "</w:document>");
	w_styles(&sty);
	{
		const struct tg_entry e[] = {
			{ "[Content_Types].xml", types, 0, NULL },
			{ "_rels/.rels", rels, 0, NULL },
			{ "word/_rels/document.xml.rels", docrels, 0, NULL },
			{ "word/document.xml", doc.data, doc.len, NULL },
			{ "word/styles.xml", sty.data, sty.len, NULL },
		};
		rc = doc.overflow || sty.overflow ? -1 : tg_zip(e, sizeof(e) / sizeof(e[0]), out);
	}
	fbuf_free(&doc);
	fbuf_free(&sty);
	fbuf_free(&p);
	return rc;
}

/* ------------------------------------------------------------ PDF */

/* One line of UTF-8 as a PDF string in WinAnsi (Latin-1 for æøå). */
static void
pdf_str(struct fbuf *out, const char *s, size_t n)
{
	fbuf_addc(out, '(');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == 0xc2 || c == 0xc3) && i + 1 < n) {
			c = (unsigned char)((c & 3) << 6 | (s[++i] & 0x3f));
		} else if (c >= 0x80) {
			while (i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80)
				i++;
			c = '-';
		}
		if (c == '(' || c == ')' || c == '\\')
			fbuf_printf(out, "\\%c", c);
		else if (c >= 0x80)
			fbuf_printf(out, "\\%03o", c);
		else
			fbuf_addc(out, (char)c);
	}
	fbuf_addc(out, ')');
}

/* A page of text lines: paragraphs wrapped at blanks. */
static void
pdf_page_text(struct bgen *g, const char *heading, struct fbuf *cs)
{
	struct fbuf p;
	unsigned line = 0;

	fbuf_init(&p, 0);
	fbuf_adds(cs, "BT\n/F1 11 Tf\n14 TL\n56 790 Td\n");
	if (heading) {
		pdf_str(cs, heading, strlen(heading));
		fbuf_adds(cs, " Tj T* T*\n");
		line += 2;
	}
	while (line < PDF_LINES) {
		size_t at = 0;
		fbuf_reset(&p);
		bg_paragraph(g, &p);
		while (at < p.len && line < PDF_LINES) {
			size_t n = p.len - at;
			if (n > PDF_COLS) {
				n = PDF_COLS;
				while (n > 1 && p.data[at + n] != ' ')
					n--;
			}
			pdf_str(cs, p.data + at, n);
			fbuf_adds(cs, " Tj T*\n");
			at += n + (at + n < p.len);
			line++;
		}
		fbuf_adds(cs, "T*\n");
		line++;
	}
	fbuf_adds(cs, "ET\n");
	fbuf_free(&p);
}

/* "N 0 obj << ... /Length L /Filter /FlateDecode >> stream ... endstream". */
static int
pdf_stream(struct fbuf *out, unsigned obj, const char *dict, const char *s, size_t n, int deflate)
{
	uLongf zlen = compressBound(n);
	unsigned char *z = deflate ? malloc(zlen) : NULL;

	if (deflate && (z == NULL || compress(z, &zlen, (const Bytef *)s, n) != Z_OK)) {
		free(z);
		return -1;
	}
	fbuf_printf(out, "%u 0 obj\n<< %s /Length %lu%s >>\nstream\n", obj, dict,
	    deflate ? (unsigned long)zlen : (unsigned long)n, deflate ? " /Filter /FlateDecode" : "");
	fbuf_add(out, deflate ? (const char *)z : s, deflate ? zlen : n);
	fbuf_adds(out, "\nendstream\nendobj\n");
	free(z);
	return 0;
}

/* Objects: 1 catalog, 2 pages, 3 font, 4 info, then per text page its page
 * and content stream, then the scan: page, content, image. */
int
bg_pdf(struct bgen *g, const char *topic, unsigned pages, size_t image_bytes, struct fbuf *out)
{
	unsigned npages = pages + (image_bytes > 0), nobj = 4 + 2 * npages + (image_bytes > 0);
	size_t *off = calloc(nobj + 1, sizeof(*off)), xref;
	struct fbuf cs;
	char title[160];
	int rc = 0;

	if (off == NULL)
		return -1;
	fbuf_init(&cs, 0);
	snprintf(title, sizeof(title), "Notat om %s", topic);
	fbuf_adds(out, "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n");
	off[1] = out->len;
	fbuf_adds(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = out->len;
	fbuf_adds(out, "2 0 obj\n<< /Type /Pages /Kids [");
	for (unsigned i = 0; i < npages; i++)
		fbuf_printf(out, " %u 0 R", 5 + 2 * i);
	fbuf_printf(out, " ] /Count %u >>\nendobj\n", npages);
	off[3] = out->len;
	fbuf_adds(out, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
	    "/Encoding /WinAnsiEncoding >>\nendobj\n");
	off[4] = out->len;
	fbuf_adds(out, "4 0 obj\n<< /Title ");
	pdf_str(out, title, strlen(title));
	fbuf_adds(out, " /Producer (bgen) >>\nendobj\n");
	for (unsigned i = 0; i < npages && rc == 0; i++) {
		unsigned po = 5 + 2 * i;
		int scan = i == pages;
		off[po] = out->len;
		fbuf_printf(out, "%u 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		    "/Resources << /Font << /F1 3 0 R >>", po);
		if (scan)
			fbuf_printf(out, " /XObject << /Im1 %u 0 R >>", po + 2);
		fbuf_printf(out, " >> /Contents %u 0 R >>\nendobj\n", po + 1);
		fbuf_reset(&cs);
		if (scan)
			fbuf_adds(&cs, "q 483 0 0 684 56 79 cm /Im1 Do Q\n");
		else
			pdf_page_text(g, i == 0 ? title : NULL, &cs);
		off[po + 1] = out->len;
		rc = pdf_stream(out, po + 1, "", cs.data, cs.len, 1);
	}
	if (rc == 0 && image_bytes) {
		/* A scan: RGB noise does not compress, as a photographed page barely does. */
		unsigned w = 800, h = (unsigned)(image_bytes / (3 * w));
		char dict[160];
		fbuf_reset(&cs);
		for (size_t k = 0; k < (size_t)w * h * 3; k += 8) {
			uint64_t r = bg_next(g);
			fbuf_add(&cs, &r, 8);
		}
		snprintf(dict, sizeof(dict), "/Type /XObject /Subtype /Image /Width %u /Height %u "
		    "/ColorSpace /DeviceRGB /BitsPerComponent 8", w, h);
		off[nobj] = out->len;
		rc = pdf_stream(out, nobj, dict, cs.data, (size_t)w * h * 3, 0);
	}
	xref = out->len;
	fbuf_printf(out, "xref\n0 %u\n0000000000 65535 f \n", nobj + 1);
	for (unsigned i = 1; i <= nobj; i++)
		fbuf_printf(out, "%010zu 00000 n \n", off[i]);
	fbuf_printf(out, "trailer\n<< /Size %u /Root 1 0 R /Info 4 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	    nobj + 1, xref);
	free(off);
	fbuf_free(&cs);
	return rc < 0 || out->overflow ? -1 : 0;
}
