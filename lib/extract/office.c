/* office: text of office documents (OOXML docx/xlsx/pptx, ODF odt/ods/odp)
 * with libxml2's streaming reader. Only the text of text-bearing elements
 * is taken (w:t, a:t, x:t/v, text:p/h/span/a), so numbers in layout
 * attributes never merge with the text; runs within a paragraph are joined
 * without a separator, so "0101" "90" "-1234" in three runs reads as one.
 * Custom document properties become "name: value" lines, and a Microsoft
 * Information Protection label name also an "msip_label: value" line. */
#include "config.h"

#include <fnmatch.h>
#include <limits.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "base/buffer.h"
#include "extract/extract.h"
#include "extract/zip.h"

#define FEXTRACT_XML_DEPTH 256

enum xmode { XM_TEXT, XM_CELLS, XM_PROPS, XM_MEMBER };

struct xrules {
	const char *pattern;             /* fnmatch, FNM_PATHNAME */
	enum xmode mode;
	const char *const *text;         /* elements whose text is taken */
	const char *const *nl;           /* elements followed by a newline */
	const char *const *sp;           /* elements followed by a tab */
};

/* delText: a tracked deletion, which Word shows struck through. */
static const char *const w_text[] = { "t", "delText", NULL };
static const char *const w_nl[] = { "p", "br", "cr", "tr", NULL };
static const char *const w_sp[] = { "tab", "tc", NULL };
static const char *const x_text[] = { "t", "v", NULL };
static const char *const x_nl[] = { "si", "row", NULL };
static const char *const x_sp[] = { "c", NULL };
static const char *const o_text[] = { "p", "h", "span", "a", NULL };
static const char *const o_nl[] = { "p", "h", "line-break", "table-row", NULL };
static const char *const o_sp[] = { "s", "tab", "table-cell", NULL };
static const char *const core_text[] = {
	"title", "subject", "keywords", "keyword", "description", "category", NULL
};
/* Every other part that Office shows text from: SmartArt (diagrams), charts
 * (c:v values), comments (t; p:text, threaded "text"), text boxes in drawings,
 * slide masters and layouts (shown on every slide), glossary. */
static const char *const g_text[] = { "t", "delText", "text", "v", NULL };
static const char *const g_nl[] = { "p", "br", "cr", "tr", "si", "row", "pt", "comment",
	"cm", "threadedComment", NULL };
static const char *const g_sp[] = { "tab", "tc", "c", NULL };
static const char *const none[] = { NULL };

static const struct xrules rules[] = {
	{ "word/*.xml", XM_TEXT, w_text, w_nl, w_sp },
	{ "ppt/slides/*.xml", XM_TEXT, w_text, w_nl, w_sp },
	{ "ppt/notesSlides/*.xml", XM_TEXT, w_text, w_nl, w_sp },
	{ "xl/sharedStrings.xml", XM_TEXT, w_text, x_nl, none },
	{ "xl/worksheets/*.xml", XM_CELLS, x_text, x_nl, x_sp },
	{ "content.xml", XM_TEXT, o_text, o_nl, o_sp },
	{ "styles.xml", XM_TEXT, o_text, o_nl, o_sp },      /* ODF headers, footers */
	{ "docProps/core.xml", XM_TEXT, core_text, core_text, none },
	{ "meta.xml", XM_PROPS, core_text, core_text, none },
	{ "docProps/custom.xml", XM_PROPS, none, none, none },
	{ "word/embeddings/*", XM_MEMBER, none, none, none },
	{ "xl/embeddings/*", XM_MEMBER, none, none, none },
	{ "ppt/embeddings/*", XM_MEMBER, none, none, none },
	/* Last, so the rules above win. */
	{ "word/*/*.xml", XM_TEXT, g_text, g_nl, g_sp },
	{ "ppt/*/*.xml", XM_TEXT, g_text, g_nl, g_sp },
	{ "xl/*.xml", XM_TEXT, g_text, g_nl, g_sp },
	{ "xl/*/*.xml", XM_TEXT, g_text, g_nl, g_sp },
};

struct xstate {
	struct fextract_result *r;
	const struct xrules *ru;
	const xmlChar *stack[FEXTRACT_XML_DEPTH];
	int shared_cell;               /* xlsx <c t="s">: <v> is an index */
	char prop[128];                /* name of the open custom property */
};

static int
in(const char *const *list, const xmlChar *name)
{
	for (; name && *list; list++)
		if (strcmp(*list, (const char *)name) == 0)
			return 1;
	return 0;
}

static void
separator(struct xstate *s, const xmlChar *name)
{
	if (in(s->ru->nl, name))
		fbuf_addc(&s->r->text, '\n');
	else if (in(s->ru->sp, name))
		fbuf_addc(&s->r->text, '\t');
}

static void
prop_start(struct xstate *s, xmlTextReaderPtr rd, const xmlChar *name)
{
	xmlChar *v = NULL;

	if (xmlStrEqual(name, BAD_CAST "property"))
		v = xmlTextReaderGetAttribute(rd, BAD_CAST "name");
	else if (xmlStrEqual(name, BAD_CAST "user-defined"))
		v = xmlTextReaderGetAttribute(rd, BAD_CAST "meta:name");
	else
		return;
	fstrlcpy(s->prop, v ? (const char *)v : "", sizeof(s->prop));
	xmlFree(v);
}

/* "MSIP_Label_<guid>_Name" carries the label's display name. */
static int
msip_name(const char *p)
{
	size_t n = strlen(p);

	return strncmp(p, "MSIP_Label_", 11) == 0 && n > 16 &&
	    strcmp(p + n - 5, "_Name") == 0;
}

static void
prop_text(struct xstate *s, const xmlChar *v)
{
	if (s->prop[0] == '\0')
		return;
	if (msip_name(s->prop))
		fbuf_printf(&s->r->text, "msip_label: %s\n", (const char *)v);
	fbuf_printf(&s->r->text, "%s: %s\n", s->prop, (const char *)v);
}

static void
on_element(struct xstate *s, xmlTextReaderPtr rd, int d, const xmlChar *name)
{
	xmlChar *t;

	if (s->ru->mode == XM_CELLS && xmlStrEqual(name, BAD_CAST "c")) {
		t = xmlTextReaderGetAttribute(rd, BAD_CAST "t");
		s->shared_cell = t && xmlStrEqual(t, BAD_CAST "s");
		xmlFree(t);
	}
	if (s->ru->mode == XM_PROPS)
		prop_start(s, rd, name);
	if (xmlTextReaderIsEmptyElement(rd))
		separator(s, name);
	else
		s->stack[d] = name;
}

static void
on_text(struct xstate *s, int d, const xmlChar *v)
{
	const xmlChar *parent = d > 0 ? s->stack[d - 1] : NULL;

	if (v == NULL || parent == NULL)
		return;
	if (s->ru->mode == XM_PROPS && s->prop[0] && !in(s->ru->text, parent)) {
		prop_text(s, v);
		return;
	}
	if (!in(s->ru->text, parent))
		return;
	if (s->ru->mode == XM_CELLS && s->shared_cell && xmlStrEqual(parent, BAD_CAST "v"))
		return;
	fbuf_adds(&s->r->text, (const char *)v);
}

static void
xml_text(struct fextract_result *r, const struct xrules *ru, const struct fbuf *xml)
{
	struct xstate s;
	xmlTextReaderPtr rd;
	int ret, d, type;

	if (xml->len == 0)
		return;
	if (xml->len > INT_MAX) {
		fextract_set(r, FEXTRACT_LIMIT, "decoded size limit");
		return;
	}
	memset(&s, 0, sizeof(s));
	s.r = r;
	s.ru = ru;
	rd = xmlReaderForMemory(xml->data, (int)xml->len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd == NULL) {
		fextract_set(r, FEXTRACT_BROKEN, "office XML could not be parsed");
		return;
	}
	while ((ret = xmlTextReaderRead(rd)) == 1 && !r->text.overflow) {
		d = xmlTextReaderDepth(rd);
		if (d < 0 || d >= FEXTRACT_XML_DEPTH) {
			fextract_set(r, FEXTRACT_LIMIT, "office XML nesting limit");
			break;
		}
		type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT)
			on_element(&s, rd, d, xmlTextReaderConstLocalName(rd));
		else if (type == XML_READER_TYPE_END_ELEMENT) {
			separator(&s, xmlTextReaderConstLocalName(rd));
			if (xmlStrEqual(xmlTextReaderConstLocalName(rd), BAD_CAST "property") ||
			    xmlStrEqual(xmlTextReaderConstLocalName(rd), BAD_CAST "user-defined"))
				s.prop[0] = '\0';
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)
			on_text(&s, d, xmlTextReaderConstValue(rd));
	}
	if (ret < 0)
		fextract_set(r, FEXTRACT_BROKEN, "office XML could not be parsed");
	xmlFreeTextReader(rd);
}

int
fextract_ooxml_is_doc(zip_t *z)
{
	return zip_name_locate(z, "[Content_Types].xml", 0) >= 0 ||
	    zip_name_locate(z, "content.xml", 0) >= 0;
}

static const struct xrules *
rules_for(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (fnmatch(rules[i].pattern, name, FNM_PATHNAME) == 0)
			return &rules[i];
	return NULL;
}

void
fextract_ooxml(struct fextract_zip *z)
{
	zip_int64_t n = zip_get_num_entries(z->z, 0);
	const struct xrules *ru;
	struct fbuf xml;

	fbuf_init(&xml, z->l->max_text);
	for (zip_int64_t i = 0; i < n && z->r->status != FEXTRACT_LIMIT; i++) {
		const char *name = zip_get_name(z->z, (zip_uint64_t)i, 0);
		if (name == NULL || (ru = rules_for(name)) == NULL)
			continue;
		if (ru->mode == XM_MEMBER) {
			fextract_zip_member(z, (zip_uint64_t)i, name);
			continue;
		}
		fbuf_reset(&xml);
		if (fextract_zip_read(z, (zip_uint64_t)i, &xml) == 0)
			xml_text(z->r, ru, &xml);
		fbuf_addc(&z->r->text, '\n');
	}
	fbuf_free(&xml);
}
