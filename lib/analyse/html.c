/* html: render HTML the way a reader sees it, so the same quote split and
 * detectors work on it. Cells are separated by a space, so that a CPR number
 * split across <td> cells still reads as one. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "analyse/html.h"

#define FHTML_MAX_DEPTH 2100

struct render {
	struct fbuf *out;
	int qdepth;
	int line_start;
	int space;
	int err;
};

static const char *const blocks[] = {
	"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4",
	"h5", "h6", "pre", "hr", "blockquote", "dl", "dt", "dd", "section",
	"article", "header", "footer", "address", "center", NULL
};

static int
is_name(const xmlNode *n, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (strcasecmp((const char *)n->name, names[i]) == 0)
			return 1;
	return 0;
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
text(struct render *r, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
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

static int
attr_has(const xmlNode *n, const char *attr, const char *needle)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	int hit = v && strcasestr((const char *)v, needle) != NULL;

	xmlFree(v);
	return hit;
}

/* Containers that mail clients use for the earlier message. */
static int
is_quote(const xmlNode *n)
{
	if (strcasecmp((const char *)n->name, "blockquote") == 0)
		return 1;
	if (strcasecmp((const char *)n->name, "div") != 0)
		return 0;
	return attr_has(n, "class", "gmail_quote") || attr_has(n, "class", "moz-cite") ||
	    attr_has(n, "id", "appendonsend") || attr_has(n, "type", "cite");
}

/* Outlook desktop's reply header: <div style="border:none;border-top:solid
 * #E1E1E1 1.0pt;..."><p><b>Fra:</b>&nbsp;... The box opens the earlier mail. */
static int
is_reply_box(const xmlNode *n)
{
	xmlChar *style, *content;
	const char *p;
	int hit = 0;

	if (strcasecmp((const char *)n->name, "div") != 0 ||
	    (style = xmlGetProp(n, (const xmlChar *)"style")) == NULL)
		return 0;
	p = strcasestr((const char *)style, "border-top");
	if (p && strncasecmp(p + strspn(p + 10, ": ") + 10, "solid", 5) == 0 &&
	    (content = xmlNodeGetContent(n)) != NULL) {
		p = (const char *)content;
		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' ||
		    ((unsigned char)*p == 0xc2 && (unsigned char)p[1] == 0xa0))
			p += (unsigned char)*p == 0xc2 ? 2 : 1;
		hit = strncasecmp(p, "fra:", 4) == 0 || strncasecmp(p, "from:", 5) == 0;
		xmlFree(content);
	}
	xmlFree(style);
	return hit;
}

static void
walk(struct render *r, const xmlNode *n, int depth)
{
	if (depth > FHTML_MAX_DEPTH) {
		r->err = 1;
		return;
	}
	for (; n && !r->err; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				text(r, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_name(n, (const char *const[]){ "script", "style", "head", "title", NULL }))
			continue;
		if (strcasecmp((const char *)n->name, "td") == 0 ||
		    strcasecmp((const char *)n->name, "th") == 0)
			r->space = 1;
		if (is_name(n, blocks))
			newline(r);
		/* Outlook's reply header box: make the opener explicit for the split. */
		if (attr_has(n, "id", "divRplyFwdMsg") || is_reply_box(n)) {
			newline(r);
			text(r, "-----Original Message-----");
			newline(r);
		}
		if (is_quote(n)) {
			r->qdepth++;
			walk(r, n->children, depth + 1);
			r->qdepth--;
		} else {
			walk(r, n->children, depth + 1);
		}
		if (is_name(n, blocks))
			newline(r);
	}
}

/* In recover mode libxml2 stops silently at its nesting limit (2048 with
 * HUGE) and keeps the tree so far: a halted parser means text is missing. */
int
fhtml_to_text(const char *html, size_t len, struct fbuf *out)
{
	struct render r = { out, 0, 1, 0, 0 };
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	int halted;

	if (len > (size_t)0x7fffffff || (ctxt = htmlNewParserCtxt()) == NULL)
		return -1;
	doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_NOBLANKS | XML_PARSE_HUGE);
	halted = ctxt->disableSAX != 0;
	htmlFreeParserCtxt(ctxt);
	if (doc == NULL)
		return len == 0 ? 0 : -1;
	walk(&r, xmlDocGetRootElement(doc), 0);
	newline(&r);
	xmlFreeDoc(doc);
	return r.err || halted ? -1 : 0;
}
