/* reply: the words that describe a verdict: the X-Fortrolig header value,
 * the log line and the multi-line reject text. None of them carries content. */
#include "config.h"

#include <string.h>

#include "base/address.h"
#include "base/buffer.h"
#include "decide/decide.h"
#include "base/text.h"
#include "conf/texts_default.h"

static const char *const cat_da[FCAT_COUNT] = {
	"CPR-nummer", "helbredsoplysninger", "strafbare forhold", "sociale forhold",
	"private forhold", "fortrolig-markering", "tidligere fortrolig mail"
};
static const char *const cat_en[FCAT_COUNT] = {
	"CPR number", "health information", "criminal matters", "social matters",
	"private matters", "confidentiality marking", "earlier confidential mail"
};
static const char *const where_da[FWHERE_COUNT] = {
	"emnefeltet", "din egen tekst", "den citerede tidligere mail",
	"en vedhaeftet fil", "mailens markering"
};
static const char *const where_en[FWHERE_COUNT] = {
	"the subject", "your own text", "the quoted earlier mail", "an attachment",
	"the mail's marking"
};

const char *
fpol_outcome_name(enum fpol_outcome o)
{
	switch (o) {
	case FPOL_ROUTE_TLS:
		return "tls";
	case FPOL_REJECT:
		return "reject";
	case FPOL_TEMPFAIL:
		return "tempfail";
	case FPOL_ENCRYPT:
		return "encrypt";
	case FPOL_HOLD:
		return "hold";
	default:
		return "deliver";
	}
}

static int
list_names(unsigned set, size_t count, const char *const *names, struct fbuf *out,
    const char *sep)
{
	int first = 1;

	for (size_t i = 0; i < count; i++) {
		if (!(set & (1u << i)))
			continue;
		if ((!first && fbuf_adds(out, sep) < 0) || fbuf_adds(out, names[i]) < 0)
			return -1;
		first = 0;
	}
	return 0;
}

int
fpol_list_cats(unsigned cats, struct fbuf *out, const char *sep)
{
	return list_names(cats, FCAT_COUNT, fcat_names, out, sep);
}

int
fpol_list_wheres(unsigned wheres, struct fbuf *out, const char *sep)
{
	return list_names(wheres, FWHERE_COUNT, fwhere_names, out, sep);
}

int
fpol_list_cat_words(unsigned cats, int danish, struct fbuf *out, const char *sep)
{
	return list_names(cats, FCAT_COUNT, danish ? cat_da : cat_en, out, sep);
}

static const char *
action_text(const struct fpol_verdict *v)
{
	if (v->would == FPOL_REJECT && v->new_thread)
		return "reject(new-thread)";
	if (v->would == FPOL_ENCRYPT)
		return faction_name(v->enc);
	return fpol_outcome_name(v->would);
}

const char *
fpol_override_result(const struct fpol_verdict *v)
{
	if (v->override.used)
		return "honoured";
	if (v->override.refused)
		return v->override.refused;
	return "not needed";
}

/* What the header and the log add for the reply to the data subject, an
 * override and monitored domains; sep is "; " or " ". */
static int
extras(const struct fpol_verdict *v, struct fbuf *out, const char *sep, const char *eq)
{
	int r = 0;

	if (v->data_subject)
		r |= fbuf_printf(out, "%sreason%sdata-subject", sep, eq);
	if (v->override.present)
		r |= fbuf_printf(out, "%soverride%s%s", sep, eq, fpol_override_result(v));
	if (v->nmonitored && !v->monitor)
		r |= fbuf_printf(out, "%smonitored%s%zu%sapplied%s%s", sep, eq, v->nmonitored, sep, eq,
		    fpol_outcome_name(v->enforced));
	return r;
}

int
fpol_header_value(const struct fpol_verdict *v, struct fbuf *out)
{
	int r = fbuf_printf(out, "class=%s; categories=", fclass_name(v->cls));

	r |= fpol_list_cats(v->cats, out, ",");
	r |= fbuf_adds(out, "; where=");
	r |= fpol_list_wheres(v->wheres, out, ",");
	r |= fbuf_printf(out, "; action=%s", action_text(v));
	r |= extras(v, out, "; ", "=");
	if (v->incomplete)
		r |= fbuf_adds(out, "; incomplete=yes");
	if (v->monitor)
		r |= fbuf_adds(out, "; mode=monitor");
	return r ? -1 : 0;
}

int
fpol_log_line(const struct fpol_verdict *v, const char *sender, struct fbuf *out)
{
	struct faddr a;
	int r;

	/* An unparseable sender is logged as "?", never as its raw text. */
	r = fbuf_printf(out, "from=<%s> member=%s class=%s cats=",
	    faddr_parse(sender ? sender : "<>", &a) == 0 ? a.norm : "?",
	    v->outbound ? "yes" : "no", fclass_name(v->cls));
	r |= fpol_list_cats(v->cats, out, ",");
	r |= fbuf_adds(out, " where=");
	r |= fpol_list_wheres(v->wheres, out, ",");
	r |= fbuf_printf(out, " findings=%zu action=%s rcpts=%zu mode=%s", v->findings.n,
	    action_text(v), v->nrcpts, v->monitor ? "monitor" : "enforce");
	r |= extras(v, out, " ", "=");
	if (v->override.present)
		r |= fbuf_printf(out, " justification=\"%s\"", v->override.justification);
	if (v->incomplete)
		r |= fbuf_printf(out, " incomplete=\"%s\"", v->incomplete_reason);
	if (v->encrypted_att)
		r |= fbuf_printf(out, " encrypted_attachment=\"%s\"", v->encrypted_att_reason);
	return r ? -1 : 0;
}

static int
rejected_rcpts(const struct fpol_verdict *v, struct fbuf *out)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < v->nrcpts; i++) {
		if (v->rcpts[i].action != FACT_REJECT || v->rcpts[i].monitored)
			continue;
		total++;
		if (shown < 4) {
			if ((shown && fbuf_adds(out, ", ") < 0) || fbuf_adds(out, v->rcpts[i].addr) < 0)
				return -1;
			shown++;
		}
	}
	if (total > shown && fbuf_printf(out, " (+%zu)", total - shown) < 0)
		return -1;
	return 0;
}

/* Replaces {categories}, {where} and {recipients} in a configured text. */
static int
expand(const char *tmpl, const struct fpol_verdict *v, int danish, struct fbuf *out)
{
	const char *const *cn = danish ? cat_da : cat_en;
	const char *const *wn = danish ? where_da : where_en;
	const char *conj = danish ? " og " : " and ";

	for (const char *p = tmpl; *p;) {
		if (strncmp(p, "{categories}", 12) == 0) {
			if (list_names(v->cats, FCAT_COUNT, cn, out, ", ") < 0)
				return -1;
			p += 12;
		} else if (strncmp(p, "{where}", 7) == 0) {
			if (list_names(v->wheres, FWHERE_COUNT, wn, out, conj) < 0)
				return -1;
			p += 7;
		} else if (strncmp(p, "{recipients}", 12) == 0) {
			if (rejected_rcpts(v, out) < 0)
				return -1;
			p += 12;
		} else if (fbuf_addc(out, *p++) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Word-wraps ASCII text into lines of at most width characters. */
static size_t
wrap(const char *s, char lines[][128], size_t n, size_t max, size_t width)
{
	while (*s && n < max) {
		size_t len, cut;
		while (*s == ' ')
			s++;
		len = strlen(s);
		if (len == 0)
			break;
		cut = len;
		if (len > width) {
			cut = width;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = width;
		}
		memcpy(lines[n], s, cut);
		lines[n][cut] = '\0';
		n++;
		s += cut;
	}
	return n;
}

static const struct {
	const char *why, *da, *en;
} refusals[] = {
	{ "cpr", "CPR-numre kan ikke overstyres", "CPR numbers cannot be overridden" },
	{ "categories", "IT tillader ikke overstyring for disse oplysninger",
	    "IT does not allow an override for this information" },
	{ "member", "du har ikke lov til at overstyre", "you are not allowed to override" },
	{ "incomplete", "mailen kunne ikke laeses helt", "the mail could not be read completely" },
	{ "no justification", "skriv en begrundelse efter kolon",
	    "write a justification after the colon" },
};

/* Why the member's override tag did not help, then the configured line
 * on how to report a false positive. */
static int
afterword(const struct fconf *c, const struct fpol_verdict *v, int danish, struct fbuf *out)
{
	const char *report = danish ? c->texts.report_da : c->texts.report_en;
	int r = 0;

	for (size_t i = 0; v->override.refused && i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].why, v->override.refused) == 0)
			r |= fbuf_printf(out, danish ? " Overstyringen [%s] er ikke godkendt: %s." :
			    " The override [%s] was not accepted: %s.", c->override.tag,
			    danish ? refusals[i].da : refusals[i].en);
	if (report && *report)
		r |= fbuf_printf(out, " %s", report);
	return r;
}

size_t
fpol_reject_lines(const struct fconf *c, const struct fpol_verdict *v, char lines[][128],
    size_t maxlines)
{
	const char *da = v->new_thread ? c->texts.new_thread_da : c->texts.reject_da;
	const char *en = v->new_thread ? c->texts.new_thread_en : c->texts.reject_en;
	struct fbuf utf, ascii;
	size_t n = 0;

	fbuf_init(&utf, 8192);
	fbuf_init(&ascii, 8192);
	if (v->split) {
		da = FTEXT_SPLIT_DA;
		en = FTEXT_SPLIT_EN;
	}
	if (expand(da, v, 1, &utf) == 0 && afterword(c, v, 1, &utf) == 0 &&
	    ftext_to_ascii(&ascii, fbuf_str(&utf)) == 0)
		n = wrap(fbuf_str(&ascii), lines, n, maxlines / 2, 76);
	fbuf_reset(&utf);
	fbuf_reset(&ascii);
	if (expand(en, v, 0, &utf) == 0 && afterword(c, v, 0, &utf) == 0 &&
	    ftext_to_ascii(&ascii, fbuf_str(&utf)) == 0)
		n = wrap(fbuf_str(&ascii), lines, n, maxlines, 76);
	fbuf_free(&utf);
	fbuf_free(&ascii);
	return n;
}
