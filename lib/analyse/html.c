/* html: render HTML the way a reader sees it, so the same quote split and
 * detectors work on it. Cells are separated by a space, so that a CPR number
 * split across <td> cells still reads as one. The text is rendered from
 * libxml2's SAX events as they come: building the tree first, walking it
 * and freeing it cost a third of what an Outlook reply's HTML cost. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "analyse/html.h"

#define FHTML_MAX_DEPTH 2100
#define MARKER "-----Original Message-----"

enum {
	EL_SKIP = 1,    /* script, style, head, title: not shown */
	EL_BLOCK = 2,   /* a line of its own */
	EL_QUOTE = 4,   /* the earlier message */
	EL_BOX = 8      /* maybe Outlook's reply header box */
};

struct render {
	struct fbuf *out;
	int qdepth;
	int line_start;
	int space;
	int err;
	int depth;          /* open elements */
	int skip;           /* open EL_SKIP elements */
	int box;            /* depth of an undecided reply box, or 0 */
	size_t box_at;      /* where its marker goes */
	int box_q;          /* the quote depth there */
	char head[8];       /* the box's first letters */
	size_t nhead;
	unsigned char flags[FHTML_MAX_DEPTH + 1];
};

enum {
	K_BLOCK = 1, K_SKIP = 2, K_CELL = 4, K_DIV = 8, K_BLOCKQUOTE = 16
};

/* Element names as libxml2's HTML parser gives them (lower case), sorted. */
static const struct kind {
	const char *name;
	unsigned char k;
} kinds[] = {
	{ "address", K_BLOCK }, { "article", K_BLOCK }, { "blockquote", K_BLOCK | K_BLOCKQUOTE },
	{ "br", K_BLOCK }, { "center", K_BLOCK }, { "dd", K_BLOCK }, { "div", K_BLOCK | K_DIV },
	{ "dl", K_BLOCK }, { "dt", K_BLOCK }, { "footer", K_BLOCK }, { "h1", K_BLOCK },
	{ "h2", K_BLOCK }, { "h3", K_BLOCK }, { "h4", K_BLOCK }, { "h5", K_BLOCK }, { "h6", K_BLOCK },
	{ "head", K_SKIP }, { "header", K_BLOCK }, { "hr", K_BLOCK }, { "li", K_BLOCK },
	{ "ol", K_BLOCK }, { "p", K_BLOCK }, { "pre", K_BLOCK }, { "script", K_SKIP },
	{ "section", K_BLOCK }, { "style", K_SKIP }, { "table", K_BLOCK }, { "td", K_CELL },
	{ "th", K_CELL }, { "title", K_SKIP }, { "tr", K_BLOCK }, { "ul", K_BLOCK },
};

static int
kind_cmp(const void *a, const void *b)
{
	return strcmp(a, ((const struct kind *)b)->name);
}

static unsigned
kind_of(const char *name)
{
	const struct kind *k = bsearch(name, kinds, sizeof(kinds) / sizeof(kinds[0]),
	    sizeof(kinds[0]), kind_cmp);

	return k ? k->k : 0;
}

static void
newline(struct render *r)
{
	if (!r->line_start && fbuf_addc(r->out, '\n') < 0)
		r->err = 1;
	r->line_start = 1;
	r->space = 0;
}

static void
text(struct render *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			r->space = 1;
			continue;
		}
		if (r->line_start) {
			for (int q = 0; q < r->qdepth; q++)
				if (fbuf_add(r->out, "> ", 2) < 0)
					r->err = 1;
			r->line_start = 0;
			r->space = 0;
		} else if (r->space) {
			if (fbuf_addc(r->out, ' ') < 0)
				r->err = 1;
			r->space = 0;
		}
		if (fbuf_addc(r->out, (char)c) < 0)
			r->err = 1;
	}
}

static const char *
attr(const xmlChar **atts, const char *name)
{
	for (size_t i = 0; atts && atts[i]; i += 2)
		if (strcasecmp((const char *)atts[i], name) == 0)
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

static int
attr_has(const xmlChar **atts, const char *name, const char *needle)
{
	const char *v = attr(atts, name);

	return v && strcasestr(v, needle) != NULL;
}

/* Containers that mail clients use for the earlier message. */
static int
is_quote(unsigned k, const xmlChar **atts)
{
	if (k & K_BLOCKQUOTE)
		return 1;
	if (!(k & K_DIV))
		return 0;
	return attr_has(atts, "class", "gmail_quote") || attr_has(atts, "class", "moz-cite") ||
	    attr_has(atts, "id", "appendonsend") || attr_has(atts, "type", "cite");
}

/* Outlook desktop's reply header: <div style="border:none;border-top:solid
 * #E1E1E1 1.0pt;..."><p><b>Fra:</b>&nbsp;... Whether its text opens with
 * Fra:/From: is known only once that text has come (box_decide). */
static int
is_box(unsigned k, const xmlChar **atts)
{
	const char *style, *p;

	if (!(k & K_DIV) || (style = attr(atts, "style")) == NULL ||
	    (p = strcasestr(style, "border-top")) == NULL)
		return 0;
	return strncasecmp(p + strspn(p + 10, ": ") + 10, "solid", 5) == 0;
}

/* The marker as the box's first line: put in where the box began. */
static void
box_decide(struct render *r)
{
	struct fbuf line;
	size_t at = r->box_at;

	r->box = 0;
	if (r->nhead < 4 || (strncasecmp(r->head, "fra:", 4) != 0 &&
	    (r->nhead < 5 || strncasecmp(r->head, "from:", 5) != 0)))
		return;
	fbuf_init(&line, 0);
	for (int q = 0; q < r->box_q; q++)
		fbuf_add(&line, "> ", 2);
	fbuf_adds(&line, MARKER "\n");
	if (line.overflow || at > r->out->len || fbuf_add(r->out, line.data, line.len) < 0) {
		r->err = 1;
	} else {
		memmove(r->out->data + at + line.len, r->out->data + at,
		    r->out->len - line.len - at);
		memcpy(r->out->data + at, line.data, line.len);
	}
	fbuf_free(&line);
}

/* The box's first letters, blanks and no-break spaces skipped. */
static void
box_feed(struct render *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len && r->box; i++) {
		unsigned char c = (unsigned char)s[i];
		if (r->nhead == 0 && (c == ' ' || c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (r->nhead == 0 && c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0) {
			i++;
			continue;
		}
		r->head[r->nhead++] = (char)c;
		if (r->nhead == 5)
			box_decide(r);
	}
}

static void
on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	struct render *r = ctx;
	unsigned k = kind_of((const char *)xname);
	unsigned char f = 0;

	if (++r->depth > FHTML_MAX_DEPTH) {
		r->err = 1;
		return;
	}
	if (r->skip || (k & K_SKIP)) {
		r->flags[r->depth] = EL_SKIP;
		r->skip++;
		return;
	}
	if (k & K_CELL)
		r->space = 1;
	if (k & K_BLOCK) {
		f |= EL_BLOCK;
		newline(r);
	}
	if (attr_has(atts, "id", "divRplyFwdMsg")) {
		newline(r);
		text(r, MARKER, sizeof(MARKER) - 1);
		newline(r);
	} else if (is_box(k, atts)) {
		/* A box inside an undecided one: the outer is decided by what
		 * it has so far, so the inner one gets its own look. */
		if (r->box)
			box_decide(r);
		f |= EL_BOX;
		r->box = r->depth;
		r->box_at = r->out->len;
		r->box_q = r->qdepth;
		r->nhead = 0;
	}
	if (is_quote(k, atts)) {
		f |= EL_QUOTE;
		r->qdepth++;
	}
	r->flags[r->depth] = f;
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct render *r = ctx;
	unsigned char f;

	(void)name;
	if (r->depth == 0)
		return;
	if (r->depth-- > FHTML_MAX_DEPTH)
		return;
	f = r->flags[r->depth + 1];
	if (f & EL_SKIP) {
		r->skip--;
		return;
	}
	if (f & EL_QUOTE)
		r->qdepth--;
	if ((f & EL_BOX) && r->box == r->depth + 1)
		box_decide(r);
	if (f & EL_BLOCK)
		newline(r);
}

static void
on_text(void *ctx, const xmlChar *s, int len)
{
	struct render *r = ctx;

	if (r->skip || r->depth > FHTML_MAX_DEPTH || len <= 0)
		return;
	if (r->box)
		box_feed(r, (const char *)s, (size_t)len);
	text(r, (const char *)s, (size_t)len);
}

/* What a blank text node was in the tree (HTML_PARSE_NOBLANKS): nothing. */
static void
on_blank(void *ctx, const xmlChar *s, int len)
{
	(void)ctx;
	(void)s;
	(void)len;
}

static void
use_sax(htmlParserCtxtPtr ctxt, struct render *r)
{
	xmlSAXHandler *sax = ctxt->sax;

	/* No document is built: only the events that carry text and structure. */
	sax->internalSubset = NULL;
	sax->startDocument = NULL;
	sax->endDocument = NULL;
	sax->comment = NULL;
	sax->processingInstruction = NULL;
	sax->reference = NULL;
	sax->startElement = on_start;
	sax->endElement = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
	sax->ignorableWhitespace = on_blank;
	ctxt->userData = r;
}

/* In recover mode libxml2 stops silently at its nesting limit (2048 with
 * HUGE) and keeps what it has so far: a halted parser means text is missing. */
int
fhtml_to_text(const char *html, size_t len, struct fbuf *out)
{
	struct render *r;
	htmlParserCtxtPtr ctxt;
	xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
	int halted, rc;

	if (len == 0)
		return 0;
	if (len > (size_t)0x7fffffff || (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	if ((ctxt = htmlCreateMemoryParserCtxt(html, (int)len)) == NULL) {
		free(r);
		return -1;
	}
	r->out = out;
	r->line_start = 1;
	htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_NOBLANKS | XML_PARSE_HUGE);
	/* As htmlCtxtReadMemory(..., "UTF-8", ...): a <meta charset> must not
	 * switch the decoding of what is UTF-8 already. */
	if (utf8) {
		xmlSwitchToEncoding(ctxt, utf8);
		xmlFree((xmlChar *)ctxt->input->encoding);
		ctxt->input->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	}
	use_sax(ctxt, r);
	htmlParseDocument(ctxt);
	halted = ctxt->disableSAX != 0;
	if (ctxt->myDoc)
		xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	htmlFreeParserCtxt(ctxt);
	if (r->box)
		box_decide(r);
	newline(r);
	rc = r->err || halted || out->overflow ? -1 : 0;
	free(r);
	return rc;
}
