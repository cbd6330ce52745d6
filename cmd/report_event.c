/* report_event: what one fortrolig-milter line counts for. The lines read
 * are those the milter writes (lib/pipeline/transaction.c, milter/):
 *   from=<S> member=yes class=C cats=L where=L findings=N action=A rcpts=N mode=M ...
 *   rcpt=<R> action=A reason=TEXT[ why="..."]
 *   dropped rcpt=<R> reason=TEXT why="..." advice=sent
 *   from=<S> client=IP WHY: spoofed council sender: reject | (monitor: accepted)
 *   and the error lines that end in a temporary failure.
 * Only tokens of known shape are kept; addresses of recipients never. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report_event.h"

static int
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int
ends(const char *s, const char *p)
{
	size_t n = strlen(s), m = strlen(p);

	return n >= m && strcmp(s + n - m, p) == 0;
}

/* The value of " key=" in s, up to the next blank; NULL when absent. */
static const char *
field(const char *s, const char *key, size_t *len)
{
	char pat[32];
	const char *v;

	if ((size_t)snprintf(pat, sizeof(pat), " %s=", key) >= sizeof(pat) ||
	    (v = strstr(s, pat)) == NULL)
		return NULL;
	v += strlen(pat);
	*len = strcspn(v, " ");
	return v;
}

/* A reason is one of the milter's fixed phrases: letters, blanks, a few marks. */
static size_t
phrase(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	    (s[n] >= '0' && s[n] <= '9') || strchr(" ._()/-", s[n]) != NULL))
		n++;
	return n;
}

static int
add_reason(struct rp_report *r, const char *prefix, const char *s, size_t len)
{
	char key[RP_KEYMAX];
	size_t n = phrase(s, len);

	if (n != len || n == 0)
		s = "?", n = 1;
	snprintf(key, sizeof(key), "%s%.*s", prefix, (int)n, s);
	return rp_counts_add(&r->reasons, key, strlen(key), 1);
}

/* The member's name in the report: the address, or its keyed pseudonym. */
static int
member_key(const struct rp_ctx *x, const char *addr, size_t len, char *out, size_t outlen)
{
	char low[320];
	uint8_t sum[6];

	if (len == 0 || len >= sizeof(low) || len >= outlen)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = addr[i];
		if ((unsigned char)c <= ' ' || c == 0x7f)
			return -1;
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	low[len] = '\0';
	if (x->mac == NULL) {
		/* Shown as it is, except that bytes outside ASCII become '?'. */
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)low[i] >= 0x80)
				low[i] = '?';
		memcpy(out, low, len + 1);
		return 0;
	}
	if (fmac_sum(x->mac, x->work, 'r', low, len, sum, sizeof(sum)) < 0)
		return -1;
	snprintf(out, outlen, "m-%02x%02x%02x%02x%02x%02x", sum[0], sum[1], sum[2], sum[3],
	    sum[4], sum[5]);
	return 0;
}

/* "cpr,health": one count per category. */
static int
add_cats(struct rp_counts *c, const char *cats, size_t len)
{
	int rc = 0;

	for (size_t i = 0; i < len && rc == 0;) {
		size_t n = rp_token(cats + i, len - i);
		if (n > 0)
			rc = rp_counts_add(c, cats + i, n, 1);
		i += n + 1;
	}
	return rc;
}

static int
count_group(struct rp_group *g, int monitor, const char *act, size_t actlen, const char *cats,
    size_t catslen)
{
	int rc;

	if (g == NULL)
		return -1;
	g->msgs++;
	rc = rp_counts_add(monitor ? &g->mon : &g->acts, act, actlen, 1);
	return rc | add_cats(&g->cats, cats, catslen);
}

/* One tempfail: its reason, and its message counted once per queue id. */
static int
tempfail(struct rp_ctx *x, const struct rp_line *l, const char *reason)
{
	struct rp_report *r = x->r;
	int before;

	if (reason && rp_counts_add(&r->tfail, reason, strlen(reason), 1) < 0)
		return -1;
	r->tf_events += reason != NULL;
	if (l->qidlen == 7 && strncmp(l->qid, "NOQUEUE", 7) == 0) {
		r->tf_msgs++;
		return 0;
	}
	if (rp_seen_add(&r->tfqids, rp_hash(0, l->qid, l->qidlen), 1, &before) < 0)
		return -1;
	r->tf_msgs += before == 0;
	return 0;
}

static int
verdict(struct rp_ctx *x, const struct rp_line *l, const char *addr, size_t alen,
    const char *rest)
{
	struct rp_report *r = x->r;
	const char *cls, *cats, *act, *mode;
	size_t clen, catlen, actlen, mlen;
	char who[RP_KEYMAX];
	int monitor, rc;

	if ((cls = field(rest, "class", &clen)) == NULL || rp_token(cls, clen) != clen ||
	    (cats = field(rest, "cats", &catlen)) == NULL ||
	    (act = field(rest, "action", &actlen)) == NULL || actlen == 0 ||
	    rp_token(act, actlen) != actlen || (mode = field(rest, "mode", &mlen)) == NULL) {
		r->other++;
		return 0;
	}
	monitor = mlen == 7 && strncmp(mode, "monitor", 7) == 0;
	r->msgs++;
	r->msgs_monitor += monitor;
	rc = rp_counts_add(&r->classes, cls, clen, 1);
	rc |= rp_counts_add(monitor ? &r->mon : &r->acts, act, actlen, 1);
	rc |= add_cats(&r->cats, cats, catlen);
	rc |= count_group(rp_groups_get(&r->days, l->day[0] ? l->day : "undated"), monitor,
	    act, actlen, cats, catlen);
	if (member_key(x, addr, alen, who, sizeof(who)) < 0)
		snprintf(who, sizeof(who), "?");
	rc |= count_group(rp_groups_get(&r->members, who), monitor, act, actlen, cats, catlen);
	if (rc == 0 && !monitor && actlen == 8 && strncmp(act, "tempfail", 8) == 0) {
		/* A store failure has its own line; limits and encrypted attachments not. */
		const char *why = strstr(rest, " incomplete=\"") ? "limit: incomplete analysis" :
		    strstr(rest, " encrypted_attachment=\"") ? "encrypted attachment" : NULL;
		rc = tempfail(x, l, why);
	}
	return rc ? -1 : 0;
}

static int
rcpt(struct rp_ctx *x, const char *rest, const char *prefix)
{
	const char *act, *reason;
	size_t actlen, len;

	if ((reason = strstr(rest, " reason=")) == NULL) {
		x->r->other++;
		return 0;
	}
	reason += 8;
	len = (size_t)((strstr(reason, " why=\"") ? strstr(reason, " why=\"") : reason +
	    strlen(reason)) - reason);
	if (*prefix == '\0' && ((act = field(rest, "action", &actlen)) == NULL ||
	    actlen != 6 || strncmp(act, "reject", 6) != 0))
		return 0;
	return add_reason(x->r, prefix, reason, len);
}

static int
spoof(struct rp_ctx *x, const char *text)
{
	if (ends(text, ": spoofed council sender: reject")) {
		x->r->spoof_rej++;
		return rp_counts_add(&x->r->reasons, "spoofed council sender", 22, 1);
	}
	if (ends(text, ": spoofed council sender (monitor: accepted)"))
		x->r->spoof_acc++;
	else
		x->r->other++;
	return 0;
}

/* The error lines whose message gets a 4xx; NULL for any other line. */
static const char *
tempfail_reason(const char *t, char *buf, size_t len)
{
	if (starts(t, "analysis failed (") && ends(t, ": tempfail")) {
		/* fort_stat_name(): "analysis limit", "no resource", "key store", ... */
		size_t n = strcspn(t + 17, ")");
		if (n == 0 || n > 32 || phrase(t + 17, n) != n)
			return "analysis failed";
		snprintf(buf, len, "analysis failed (%.*s)", (int)n, t + 17);
		return buf;
	}
	if (starts(t, "thread memory could not answer (") && ends(t, ": tempfail"))
		return "thread memory could not answer";
	if (starts(t, "thread memory: cannot learn (") && ends(t, ": tempfail"))
		return "thread memory: cannot learn";
	if (starts(t, "encryption failed: "))
		return "encryption failed";
	if (starts(t, "cannot encrypt: "))
		return "cannot encrypt (MIME header limit)";
	if (starts(t, "cannot rewrite the message through the MTA"))
		return "cannot rewrite the message through the MTA";
	if (starts(t, "advice mail to <"))
		return "advice mail failed";
	if (starts(t, "cannot remove client X-Fortrolig headers"))
		return "cannot remove client X-Fortrolig headers";
	if (starts(t, "cannot spool the message"))
		return "cannot spool the message";
	return NULL;
}

static int
dispatch(struct rp_ctx *x, const struct rp_line *l)
{
	const char *t = l->text, *gt;
	char buf[64];
	const char *why;

	if (starts(t, "from=<") && (gt = strstr(t, "> member=")) != NULL)
		return verdict(x, l, t + 6, (size_t)(gt - t - 6), gt + 1);
	if (starts(t, "from=<") && strstr(t, ": spoofed council sender") != NULL)
		return spoof(x, t);
	if (starts(t, "rcpt=<") && (gt = strstr(t, "> action=")) != NULL)
		return rcpt(x, gt + 1, "");
	if (starts(t, "dropped rcpt=<") && (gt = strstr(t, "> reason=")) != NULL)
		return rcpt(x, gt + 1, "dropped: ");
	if ((why = tempfail_reason(t, buf, sizeof(buf))) != NULL)
		return tempfail(x, l, why);
	x->r->other++;
	return 0;
}

/* Both copies of a line (syslog and the journal's copy of standard error)
 * count once: each form cancels one pending line of the other form. */
static int
duplicate(struct rp_ctx *x, const struct rp_line *l, int *dup)
{
	uint64_t h = rp_hash(0, &l->pid, sizeof(l->pid));
	int by = l->form == RP_SYSLOG ? 1 : -1, before;

	h = rp_hash(h, l->qid, l->qidlen);
	h = rp_hash(h, l->text, strlen(l->text));
	if (rp_seen_add(&x->r->pairs, h, by, &before) < 0)
		return -1;
	*dup = by > 0 ? before < 0 : before > 0;
	return 0;
}

int
rp_event(struct rp_ctx *x, const struct rp_line *l)
{
	int dup;

	x->r->fortrolig++;
	if (l->day[0] == '\0' && (x->since || x->until)) {
		x->r->undated++;
		return 0;
	}
	if (l->day[0] && ((x->since && strcmp(l->day, x->since) < 0) ||
	    (x->until && strcmp(l->day, x->until) > 0))) {
		x->r->outside++;
		return 0;
	}
	if (duplicate(x, l, &dup) < 0)
		return -1;
	if (dup) {
		x->r->dups++;
		return 0;
	}
	return dispatch(x, l);
}
