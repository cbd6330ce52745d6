/* json: hand-written because the shape is fixed and small; every string escaped. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decide/json.h"

int
fjson_string(struct fbuf *out, const char *s)
{
	int r = fbuf_addc(out, '"');

	for (; *s && r == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			r = fbuf_printf(out, "\\%c", c);
		else if (c < 0x20)
			r = fbuf_printf(out, "\\u%04x", c);
		else
			r = fbuf_addc(out, (char)c);
	}
	return r | fbuf_addc(out, '"');
}

static int
name_array(struct fbuf *out, unsigned set, size_t count, const char *const *names)
{
	int r = fbuf_addc(out, '['), first = 1;

	for (size_t i = 0; i < count; i++) {
		if (!(set & (1u << i)))
			continue;
		r |= first ? 0 : fbuf_addc(out, ',');
		r |= fjson_string(out, names[i]);
		first = 0;
	}
	return r | fbuf_addc(out, ']');
}

int
fjson_verdict(struct fbuf *out, const char *file, const struct fpol_verdict *v)
{
	int r = fbuf_adds(out, "{\"file\":");

	r |= fjson_string(out, file);
	r |= fbuf_printf(out, ",\"confidential\":%s,\"classification\":\"%s\",\"categories\":",
	    v->cls != FCLASS_CLEAN ? "true" : "false", fclass_name(v->cls));
	r |= name_array(out, v->cats, FCAT_COUNT, fcat_names);
	r |= fbuf_adds(out, ",\"where\":");
	r |= name_array(out, v->wheres, FWHERE_COUNT, fwhere_names);
	r |= fbuf_adds(out, ",\"findings\":[");
	for (size_t i = 0; i < v->findings.n; i++) {
		const struct ffinding *f = &v->findings.v[i];
		r |= fbuf_printf(out, "%s{\"detector\":", i ? "," : "");
		r |= fjson_string(out, f->detector);
		r |= fbuf_printf(out, ",\"category\":\"%s\",\"where\":\"%s\",\"confidence\":%d,\"excerpt\":",
		    fcat_name(f->cat), fwhere_name(f->where), f->confidence);
		r |= fjson_string(out, f->excerpt);
		if (f->person[0]) {
			r |= fbuf_adds(out, ",\"person\":");
			r |= fjson_string(out, f->person);
		}
		if (f->terms[0]) {
			r |= fbuf_adds(out, ",\"terms\":");
			r |= fjson_string(out, f->terms);
		}
		r |= fbuf_addc(out, '}');
	}
	r |= fbuf_adds(out, "],\"recipients\":[");
	for (size_t i = 0; i < v->nrcpts; i++) {
		r |= fbuf_printf(out, "%s{\"rcpt\":", i ? "," : "");
		r |= fjson_string(out, v->rcpts[i].addr);
		r |= fbuf_printf(out, ",\"action\":\"%s\",\"reason\":",
		    faction_name(v->rcpts[i].action));
		r |= fjson_string(out, v->rcpts[i].reason ? v->rcpts[i].reason : "");
		if (v->rcpts[i].monitored && (v->rcpts[i].action == FACT_REJECT ||
		    v->rcpts[i].action == FACT_HOLD))
			r |= fbuf_adds(out, ",\"mode\":\"monitor\"");
		r |= fbuf_addc(out, '}');
	}
	r |= fbuf_printf(out, "],\"member\":%s,\"new_thread\":%s,\"action\":\"%s\"",
	    v->outbound ? "true" : "false", v->new_thread ? "true" : "false",
	    fpol_outcome_name(v->would));
	if (v->would != v->enforced && !v->monitor)
		r |= fbuf_printf(out, ",\"enforced\":\"%s\"", fpol_outcome_name(v->enforced));
	if (v->data_subject)
		r |= fbuf_adds(out, ",\"reason\":\"data-subject\"");
	if (v->override.present) {
		r |= fbuf_printf(out, ",\"override\":{\"result\":\"%s\",\"justification\":",
		    fpol_override_result(v));
		r |= fjson_string(out, v->override.justification);
		r |= fbuf_addc(out, '}');
	}
	if (v->incomplete) {
		r |= fbuf_adds(out, ",\"incomplete\":");
		r |= fjson_string(out, v->incomplete_reason);
	}
	if (v->encrypted_att) {
		r |= fbuf_adds(out, ",\"encrypted_attachment\":");
		r |= fjson_string(out, v->encrypted_att_reason);
	}
	return r | fbuf_addc(out, '}');
}
