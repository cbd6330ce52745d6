/* metrics: the counters. Each is a relaxed C11 atomic, so the milter's
 * threads count without a lock; a scrape reads them one by one (a counter
 * may move while others are read, which Prometheus allows). */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

typedef atomic_ullong fmet_ctr;

enum fmet_dir { FMET_OUT, FMET_IN, FMET_DIR_COUNT };
enum fmet_act { FMET_DELIVER, FMET_TLS, FMET_SMIME, FMET_PGP, FMET_REJECT, FMET_TEMPFAIL,
	FMET_HOLD, FMET_ACT_COUNT };
enum fmet_cause { FMET_STORE, FMET_LIMIT, FMET_ENCRYPTED, FMET_KEYSTORE, FMET_INTERNAL,
	FMET_CAUSE_COUNT };
#define FMET_NCLASS 3
#define FMET_NBUCKET 12

static const char *const dir_names[FMET_DIR_COUNT] = { "outbound", "inbound" };
static const char *const act_names[FMET_ACT_COUNT] = {
	"deliver", "tls", "smime", "pgp", "reject", "tempfail", "hold"
};
static const char *const mode_names[2] = { "enforce", "monitor" };
static const char *const rej_names[FMET_REJ_COUNT] = {
	"spoofed-sender", "new-thread", "no-domain-rule", "domain-rule", "no-usable-action",
	"mixed-recipients", "other"
};
static const char *const cause_names[FMET_CAUSE_COUNT] = {
	"store", "limit", "encrypted-attachment", "keystore", "internal"
};
/* Upper bounds in microseconds; the last bucket is +Inf. */
static const long long bucket_us[FMET_NBUCKET] = {
	5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
	10000000, 30000000
};
static const char *const bucket_le[FMET_NBUCKET] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30"
};

struct fmet {
	fmet_ctr messages[FMET_DIR_COUNT][FMET_NCLASS];
	fmet_ctr findings[FCAT_COUNT][FWHERE_COUNT];
	fmet_ctr actions[FMET_ACT_COUNT][2];
	fmet_ctr rejects[FMET_REJ_COUNT];
	fmet_ctr tempfails[FMET_CAUSE_COUNT];
	fmet_ctr thread_hits, thread_learns;
	fmet_ctr overrides[2];     /* honoured, refused */
	fmet_ctr data_subject;
	fmet_ctr buckets[FMET_NBUCKET + 1];   /* per bucket, not cumulative */
	fmet_ctr sum_us;
};

static void
inc(fmet_ctr *c, unsigned long long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static unsigned long long
get(fmet_ctr *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

struct fmet *
fmet_new(void)
{
	struct fmet *m = malloc(sizeof(*m));
	fmet_ctr *c;

	if (m == NULL)
		return NULL;
	/* The struct is counters only: initialise each one. */
	c = (fmet_ctr *)(void *)m;
	for (size_t i = 0; i < sizeof(*m) / sizeof(*c); i++)
		atomic_init(&c[i], 0);
	return m;
}

void
fmet_free(struct fmet *m)
{
	free(m);
}

static enum fmet_act
action_of(const struct fpol_verdict *v)
{
	switch (v->would) {
	case FPOL_ROUTE_TLS:
		return FMET_TLS;
	case FPOL_REJECT:
		return FMET_REJECT;
	case FPOL_TEMPFAIL:
		return FMET_TEMPFAIL;
	case FPOL_ENCRYPT:
		return v->enc == FACT_PGP ? FMET_PGP : FMET_SMIME;
	case FPOL_HOLD:
		return FMET_HOLD;
	default:
		return FMET_DELIVER;
	}
}

/* Each (category, where) pair once per message. */
static void
count_findings(struct fmet *m, const struct ffindings *f)
{
	unsigned char seen[FCAT_COUNT][FWHERE_COUNT];

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < f->n; i++) {
		const struct ffinding *x = &f->v[i];
		if ((unsigned)x->cat >= FCAT_COUNT || (unsigned)x->where >= FWHERE_COUNT ||
		    seen[x->cat][x->where])
			continue;
		seen[x->cat][x->where] = 1;
		inc(&m->findings[x->cat][x->where], 1);
	}
}

static void
observe(struct fmet *m, long long usecs)
{
	size_t b = 0;

	if (usecs < 0)
		usecs = 0;
	while (b < FMET_NBUCKET && usecs > bucket_us[b])
		b++;
	inc(&m->buckets[b], 1);
	inc(&m->sum_us, (unsigned long long)usecs);
}

void
fmet_analysed(struct fmet *m, long long usecs, const struct fpol_verdict *v)
{
	enum fmet_dir d;

	observe(m, usecs);
	if (v == NULL)
		return;
	d = v->outbound ? FMET_OUT : FMET_IN;
	if ((unsigned)v->cls < FMET_NCLASS)
		inc(&m->messages[d][v->cls], 1);
	if (v->thread.n > 0)
		inc(&m->thread_hits, 1);
	if (v->learned)
		inc(&m->thread_learns, 1);
	if (d != FMET_OUT)
		return;
	count_findings(m, &v->findings);
	inc(&m->actions[action_of(v)][v->monitor ? 1 : 0], 1);
	if (v->override.used || v->override.refused)
		inc(&m->overrides[v->override.used ? 0 : 1], 1);
	if (v->data_subject)
		inc(&m->data_subject, 1);
}

void
fmet_reject(struct fmet *m, enum fmet_reject r)
{
	inc(&m->rejects[(unsigned)r < FMET_REJ_COUNT ? r : FMET_REJ_OTHER], 1);
}

/* The per-recipient reasons are static strings of decide/ (decide.c, mix.c);
 * mapping them to a fixed set keeps the label values bounded. */
enum fmet_reject
fmet_reject_reason(const struct fpol_verdict *v)
{
	static const struct {
		const char *reason;
		enum fmet_reject r;
	} map[] = {
		{ "new-thread", FMET_REJ_NEW_THREAD },
		{ "no domain rule", FMET_REJ_NO_RULE },
		{ "domain rule", FMET_REJ_RULE },
		{ "no usable action", FMET_REJ_NO_ACTION },
		{ "tls not enforced by the MTA map", FMET_REJ_NO_ACTION },
		{ "split encryption", FMET_REJ_MIXED },
		{ "cannot read the encrypted copy", FMET_REJ_MIXED },
	};

	if (v->new_thread)
		return FMET_REJ_NEW_THREAD;
	for (size_t i = 0; i < v->nrcpts; i++) {
		const struct fpol_rcpt *r = &v->rcpts[i];
		if (r->action != FACT_REJECT || r->dropped || r->reason == NULL)
			continue;
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (strcmp(r->reason, map[k].reason) == 0)
				return map[k].r;
		return FMET_REJ_OTHER;
	}
	return FMET_REJ_OTHER;
}

void
fmet_tempfail(struct fmet *m, enum fort_stat cause)
{
	enum fmet_cause c;

	switch (cause) {
	case FORT_STORE: c = FMET_STORE; break;
	case FORT_LIMIT: c = FMET_LIMIT; break;
	case FORT_ENCRYPTED: c = FMET_ENCRYPTED; break;
	case FORT_KEYSTORE: c = FMET_KEYSTORE; break;
	default: c = FMET_INTERNAL; break;
	}
	inc(&m->tempfails[c], 1);
}

static int
head(struct fbuf *o, const char *name, const char *type, const char *help)
{
	return fbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
render_messages(struct fmet *m, struct fbuf *o)
{
	int r = head(o, "fortrolig_messages_total", "counter",
	    "Messages analysed, by direction (outbound: from a council member) and class.");

	for (size_t d = 0; d < FMET_DIR_COUNT; d++)
		for (size_t c = 0; c < FMET_NCLASS; c++)
			r |= fbuf_printf(o, "fortrolig_messages_total{direction=\"%s\",class=\"%s\"} %llu\n",
			    dir_names[d], fclass_name((enum fclass)c), get(&m->messages[d][c]));
	r |= head(o, "fortrolig_findings_total", "counter",
	    "Outbound messages with a finding of this category at this place (once per message).");
	for (size_t c = 0; c < FCAT_COUNT; c++)
		for (size_t w = 0; w < FWHERE_COUNT; w++)
			r |= fbuf_printf(o, "fortrolig_findings_total{category=\"%s\",where=\"%s\"} %llu\n",
			    fcat_name((enum fcat)c), fwhere_name((enum fwhere)w), get(&m->findings[c][w]));
	r |= head(o, "fortrolig_actions_total", "counter",
	    "Outbound verdicts by action (what enforce mode does) and mode.");
	for (size_t a = 0; a < FMET_ACT_COUNT; a++)
		for (size_t k = 0; k < 2; k++)
			r |= fbuf_printf(o, "fortrolig_actions_total{action=\"%s\",mode=\"%s\"} %llu\n",
			    act_names[a], mode_names[k], get(&m->actions[a][k]));
	return r;
}

static int
render_replies(struct fmet *m, struct fbuf *o)
{
	int r = head(o, "fortrolig_rejects_total", "counter", "Messages rejected (5xx), by reason.");

	for (size_t i = 0; i < FMET_REJ_COUNT; i++)
		r |= fbuf_printf(o, "fortrolig_rejects_total{reason=\"%s\"} %llu\n", rej_names[i],
		    get(&m->rejects[i]));
	r |= head(o, "fortrolig_tempfails_total", "counter",
	    "Temporary failures (4xx) given, by cause.");
	for (size_t i = 0; i < FMET_CAUSE_COUNT; i++)
		r |= fbuf_printf(o, "fortrolig_tempfails_total{cause=\"%s\"} %llu\n", cause_names[i],
		    get(&m->tempfails[i]));
	r |= head(o, "fortrolig_thread_hits_total", "counter",
	    "Messages the thread memory recognised as part of a remembered confidential thread.");
	r |= fbuf_printf(o, "fortrolig_thread_hits_total %llu\n", get(&m->thread_hits));
	r |= head(o, "fortrolig_thread_learns_total", "counter",
	    "Confidential messages the thread memory learned.");
	r |= fbuf_printf(o, "fortrolig_thread_learns_total %llu\n", get(&m->thread_learns));
	r |= head(o, "fortrolig_overrides_total", "counter",
	    "Members' override tags on mail that would be rejected, by result.");
	r |= fbuf_printf(o, "fortrolig_overrides_total{result=\"honoured\"} %llu\n",
	    get(&m->overrides[0]));
	r |= fbuf_printf(o, "fortrolig_overrides_total{result=\"refused\"} %llu\n",
	    get(&m->overrides[1]));
	r |= head(o, "fortrolig_data_subject_replies_total", "counter",
	    "Replies to the data subject (data_subject_actions applied).");
	r |= fbuf_printf(o, "fortrolig_data_subject_replies_total %llu\n", get(&m->data_subject));
	return r;
}

/* _count is the sum of the buckets read here, so that it equals +Inf. */
static int
render_histogram(struct fmet *m, struct fbuf *o)
{
	unsigned long long cum = 0, sum = get(&m->sum_us);
	int r = head(o, "fortrolig_analysis_seconds", "histogram",
	    "Time fort_eom took per analysed message (analysis, detection, decision, memory).");

	for (size_t b = 0; b <= FMET_NBUCKET; b++) {
		cum += get(&m->buckets[b]);
		r |= fbuf_printf(o, "fortrolig_analysis_seconds_bucket{le=\"%s\"} %llu\n",
		    b < FMET_NBUCKET ? bucket_le[b] : "+Inf", cum);
	}
	r |= fbuf_printf(o, "fortrolig_analysis_seconds_sum %llu.%06llu\n", sum / 1000000,
	    sum % 1000000);
	r |= fbuf_printf(o, "fortrolig_analysis_seconds_count %llu\n", cum);
	return r;
}

int
fmet_render(struct fmet *m, struct fbuf *out)
{
	int r = render_messages(m, out);

	r |= render_replies(m, out);
	r |= render_histogram(m, out);
	return r ? -1 : 0;
}
