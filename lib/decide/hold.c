/* hold: the words for a message held for review. The DPO's notification
 * names who, when, to whom, what kind and the queue id, so that the mail
 * can be found with fortrolig-hold; the member's advice says it waits. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/buffer.h"
#include "decide/decide.h"
#include "decide/hold.h"

#define HOLD_MAX_RCPTS 10

int
fpol_hold_reason(const struct fpol_verdict *v, struct fbuf *out)
{
	int r = fbuf_printf(out, "fortrolig: class=%s categories=", fclass_name(v->cls));

	r |= fpol_list_cats(v->cats, out, ",");
	return r ? -1 : 0;
}

static int
rcpt_list(const struct fpol_verdict *v, struct fbuf *out)
{
	size_t shown = 0, total = 0;
	int r = 0;

	for (size_t i = 0; i < v->nrcpts; i++) {
		if (v->rcpts[i].dropped)
			continue;
		if (shown < HOLD_MAX_RCPTS) {
			r |= fbuf_printf(out, "%s%s", shown ? ", " : "", v->rcpts[i].addr);
			shown++;
		}
		total++;
	}
	if (total > shown)
		r |= fbuf_printf(out, " (+%zu)", total - shown);
	return r;
}

/* The facts, in Danish or English: the sender (when asked for), the time,
 * the categories, the recipients and the queue id. */
static int
facts(const struct fpol_verdict *v, const struct fpol_held *h, int danish, int sender,
    struct fbuf *out)
{
	static const char *const da[] = { "Afsender:  ", "Tidspunkt: ", "Kategorier:",
		"Modtagere: ", "Koe-id:    " };
	static const char *const en[] = { "Sender:    ", "Time:      ", "Categories:",
		"Recipients:", "Queue id:  " };
	const char *const *l = danish ? da : en;
	char when[64] = "?";
	struct tm tm;
	int r = 0;

	if (localtime_r(&h->when, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	if (sender)
		r |= fbuf_printf(out, "  %s <%s>\n", l[0], h->sender);
	r |= fbuf_printf(out, "  %s %s\n  %s ", l[1], when, l[2]);
	r |= fpol_list_cat_words(v->cats, danish, out, ", ");
	r |= fbuf_printf(out, "\n  %s ", l[3]);
	r |= rcpt_list(v, out);
	r |= fbuf_printf(out, "\n  %s %s\n\n", l[4], h->qid);
	return r;
}

int
fpol_hold_dpo_text(const struct fpol_verdict *v, const struct fpol_held *h, struct fbuf *out)
{
	int r = 0;

	r |= fbuf_adds(out,
	    "En mail fra et byraadsmedlem er tilbageholdt til gennemsyn, fordi den\n"
	    "indeholder fortrolige oplysninger. Den er ikke sendt.\n\n");
	r |= facts(v, h, 1, 1, out);
	r |= fbuf_printf(out,
	    "Se den med \"fortrolig-hold list\". Frigiv den med\n"
	    "\"fortrolig-hold release %s\", eller slet den med\n"
	    "\"fortrolig-hold delete %s\".\n\n", h->qid, h->qid);
	r |= fbuf_adds(out,
	    "A mail from a council member is held for review because it contains\n"
	    "confidential information. It has not been sent.\n\n");
	r |= facts(v, h, 0, 1, out);
	r |= fbuf_printf(out,
	    "See it with \"fortrolig-hold list\". Release it with\n"
	    "\"fortrolig-hold release %s\", or delete it with\n"
	    "\"fortrolig-hold delete %s\".\n", h->qid, h->qid);
	return r ? -1 : 0;
}

int
fpol_hold_member_text(const struct fpol_verdict *v, const struct fpol_held *h,
    struct fbuf *out)
{
	int r = 0;

	r |= fbuf_adds(out,
	    "Din mail indeholder fortrolige oplysninger og er IKKE sendt endnu. Den\n"
	    "venter paa gennemsyn hos den databeskyttelsesansvarlige (DPO), som\n"
	    "frigiver eller sletter den. Du behoever ikke goere noget.\n\n");
	r |= facts(v, h, 1, 0, out);
	r |= fbuf_adds(out,
	    "Your mail contains confidential information and has NOT been sent yet.\n"
	    "It waits for review by the data protection officer (DPO), who releases\n"
	    "or deletes it. You need not do anything.\n\n");
	r |= facts(v, h, 0, 0, out);
	return r ? -1 : 0;
}
