/* report_out: the report as text for a person, or as one JSON object. The
 * keys printed are tokens the parser accepted; JSON strings are escaped. */
#include "config.h"

#include <string.h>

#include "base/buffer.h"
#include "decide/json.h"
#include "report.h"

/* ------------------------------------------------------------------ text */

static void
text_counts(FILE *f, const char *label, const struct rp_counts *c)
{
	if (c->n == 0)
		return;
	fprintf(f, "%s", label);
	for (size_t i = 0; i < c->n; i++)
		fprintf(f, "%s%s %ld", i ? ", " : " ", c->v[i].key, c->v[i].n);
	fputc('\n', f);
}

static void
text_group(FILE *f, const struct rp_group *g)
{
	fprintf(f, "  %-20s %6ld  ", g->key, g->msgs);
	for (size_t i = 0; i < g->acts.n; i++)
		fprintf(f, "%s%s=%ld", i ? " " : "", g->acts.v[i].key, g->acts.v[i].n);
	for (size_t i = 0; i < g->mon.n; i++)
		fprintf(f, "%smonitor:%s=%ld", i || g->acts.n ? " " : "", g->mon.v[i].key,
		    g->mon.v[i].n);
	for (size_t i = 0; i < g->cats.n; i++)
		fprintf(f, "%s%s=%ld", i ? "," : "  categories: ", g->cats.v[i].key,
		    g->cats.v[i].n);
	fputc('\n', f);
}

static void
text_top(FILE *f, const struct rp_counts *c, int top)
{
	for (size_t i = 0; i < c->n && (top <= 0 || i < (size_t)top); i++)
		fprintf(f, "  %6ld  %s\n", c->v[i].n, c->v[i].key);
}

void
rp_print_text(FILE *f, struct rp_report *r, const struct rp_outopts *o)
{
	fprintf(f, "fortrolig-report: %s .. %s\n", o->since ? o->since : "start",
	    o->until ? o->until : "end");
	fprintf(f, "lines read %ld, fortrolig-milter %ld (not counted: %ld), other lines "
	    "ignored %ld (unreadable %ld), duplicates %ld, outside the period %ld, undated "
	    "skipped %ld\n\n", r->lines, r->fortrolig, r->other, r->ignored, r->toolong, r->dups,
	    r->outside, r->undated);
	fprintf(f, "Messages from council members: %ld (enforce %ld, monitor %ld)\n", r->msgs,
	    r->msgs - r->msgs_monitor, r->msgs_monitor);
	text_counts(f, "  class:", &r->classes);
	text_counts(f, "  action:", &r->acts);
	text_counts(f, "  monitor (would be):", &r->mon);
	text_counts(f, "  category:", &r->cats);
	fprintf(f, "Spoofed council senders: %ld rejected, %ld accepted (monitor)\n",
	    r->spoof_rej, r->spoof_acc);
	fprintf(f, "\nPer day:%s\n", r->days.n ? "" : " none");
	for (size_t i = 0; i < r->days.n; i++)
		text_group(f, &r->days.v[i]);
	fprintf(f, "\nPer member%s:%s\n", o->names ? "" : " (pseudonymised)",
	    r->members.n ? "" : " none");
	for (size_t i = 0; i < r->members.n; i++)
		text_group(f, &r->members.v[i]);
	fprintf(f, "\nReject reasons (per recipient):%s\n", r->reasons.n ? "" : " none");
	text_top(f, &r->reasons, o->top);
	fprintf(f, "\nTempfails: %ld messages, %ld error lines%s\n", r->tf_msgs, r->tf_events,
	    r->tfail.n ? ":" : "");
	text_top(f, &r->tfail, 0);
}

/* ------------------------------------------------------------------ JSON */

static int
json_counts(struct fbuf *b, const char *name, const struct rp_counts *c)
{
	int rc = fbuf_printf(b, "\"%s\":{", name);

	for (size_t i = 0; i < c->n; i++) {
		rc |= i ? fbuf_addc(b, ',') : 0;
		rc |= fjson_string(b, c->v[i].key);
		rc |= fbuf_printf(b, ":%ld", c->v[i].n);
	}
	return rc | fbuf_addc(b, '}');
}

static int
json_list(struct fbuf *b, const char *name, const char *item, const struct rp_counts *c,
    int top)
{
	int rc = fbuf_printf(b, "\"%s\":[", name);

	for (size_t i = 0; i < c->n && (top <= 0 || i < (size_t)top); i++) {
		rc |= fbuf_printf(b, "%s{\"%s\":", i ? "," : "", item);
		rc |= fjson_string(b, c->v[i].key);
		rc |= fbuf_printf(b, ",\"count\":%ld}", c->v[i].n);
	}
	return rc | fbuf_addc(b, ']');
}

static int
json_groups(struct fbuf *b, const char *name, const char *item, const struct rp_groups *g)
{
	int rc = fbuf_printf(b, "\"%s\":[", name);

	for (size_t i = 0; i < g->n; i++) {
		rc |= fbuf_printf(b, "%s{\"%s\":", i ? "," : "", item);
		rc |= fjson_string(b, g->v[i].key);
		rc |= fbuf_printf(b, ",\"messages\":%ld,", g->v[i].msgs);
		rc |= json_counts(b, "actions", &g->v[i].acts);
		rc |= fbuf_addc(b, ',');
		rc |= json_counts(b, "monitor_actions", &g->v[i].mon);
		rc |= fbuf_addc(b, ',');
		rc |= json_counts(b, "categories", &g->v[i].cats);
		rc |= fbuf_addc(b, '}');
	}
	return rc | fbuf_addc(b, ']');
}

static int
json_period(struct fbuf *b, const struct rp_outopts *o)
{
	int rc = fbuf_adds(b, "\"period\":{\"since\":");

	rc |= o->since ? fjson_string(b, o->since) : fbuf_adds(b, "null");
	rc |= fbuf_adds(b, ",\"until\":");
	rc |= o->until ? fjson_string(b, o->until) : fbuf_adds(b, "null");
	return rc | fbuf_addc(b, '}');
}

static int
json_totals(struct fbuf *b, const struct rp_report *r)
{
	int rc = fbuf_printf(b, "\"totals\":{\"messages\":%ld,\"enforce\":%ld,\"monitor\":%ld,",
	    r->msgs, r->msgs - r->msgs_monitor, r->msgs_monitor);

	rc |= json_counts(b, "classes", &r->classes);
	rc |= fbuf_addc(b, ',');
	rc |= json_counts(b, "actions", &r->acts);
	rc |= fbuf_addc(b, ',');
	rc |= json_counts(b, "monitor_actions", &r->mon);
	rc |= fbuf_addc(b, ',');
	rc |= json_counts(b, "categories", &r->cats);
	rc |= fbuf_printf(b, ",\"spoofed\":{\"rejected\":%ld,\"accepted\":%ld}}", r->spoof_rej,
	    r->spoof_acc);
	return rc;
}

int
rp_print_json(FILE *f, struct rp_report *r, const struct rp_outopts *o)
{
	struct fbuf b;
	int rc;

	fbuf_init(&b, 0);
	rc = fbuf_addc(&b, '{');
	rc |= json_period(&b, o);
	rc |= fbuf_printf(&b, ",\"lines\":{\"read\":%ld,\"fortrolig\":%ld,\"ignored\":%ld,"
	    "\"unreadable\":%ld,\"other\":%ld,\"duplicates\":%ld,\"outside_period\":%ld,"
	    "\"undated_skipped\":%ld},\"pseudonymised\":%s,", r->lines, r->fortrolig,
	    r->ignored, r->toolong, r->other, r->dups, r->outside, r->undated,
	    o->names ? "false" : "true");
	rc |= json_totals(&b, r);
	rc |= fbuf_addc(&b, ',');
	rc |= json_groups(&b, "days", "day", &r->days);
	rc |= fbuf_addc(&b, ',');
	rc |= json_groups(&b, "members", "member", &r->members);
	rc |= fbuf_addc(&b, ',');
	rc |= json_list(&b, "reject_reasons", "reason", &r->reasons, o->top);
	rc |= fbuf_printf(&b, ",\"tempfails\":{\"messages\":%ld,\"events\":%ld,", r->tf_msgs,
	    r->tf_events);
	rc |= json_list(&b, "reasons", "reason", &r->tfail, 0);
	rc |= fbuf_adds(&b, "}}\n");
	if (rc == 0 && fwrite(fbuf_str(&b), 1, b.len, f) != b.len)
		rc = -1;
	fbuf_free(&b);
	return rc ? -1 : 0;
}
