/* mix: mixed recipients. The message is one copy, so when it is encrypted
 * every recipient must be able to read it: all recipients share one
 * encryption kind. Who cannot be served is rejected (reject-all) or dropped
 * with an advice mail to the sender (drop-and-notify). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/buffer.h"
#include "base/text.h"
#include "decide/mix.h"
#include "decide/decide.h"

/* Every recipient not yet on kind k needs a key of kind k too. */
static int
join_envelope(const struct fkeyset *keys, enum faction k, struct fpol_verdict *v)
{
	for (size_t i = 0; i < v->nrcpts; i++) {
		struct fpol_rcpt *r = &v->rcpts[i];
		enum faction was = r->action;
		int u;

		if (was == k || was == FACT_REJECT || was == FACT_HOLD)
			continue;
		if ((u = fpol_key_usable(keys, k, r)) < 0)
			return -1;
		if (u) {
			r->action = k;
			r->reason = "same envelope";
		} else {
			r->action = FACT_REJECT;
			r->reason = (was == FACT_SMIME || was == FACT_PGP) ?
			    "split encryption" : "cannot read the encrypted copy";
		}
	}
	return 0;
}

/* The message's outcome from its recipients' actions; with skip_monitored
 * a reject or hold whose domain rule says monitor does not count. */
static enum fpol_outcome
settle(const struct fpol_verdict *v, int skip_monitored)
{
	size_t nrej = 0, ntls = 0, nenc = 0, nhold = 0;

	for (size_t i = 0; i < v->nrcpts; i++) {
		const struct fpol_rcpt *r = &v->rcpts[i];
		nrej += r->action == FACT_REJECT && !r->dropped &&
		    !(skip_monitored && r->monitored);
		nhold += r->action == FACT_HOLD && !(skip_monitored && r->monitored);
		ntls += r->action == FACT_TLS;
		nenc += r->action == v->enc;
	}
	if (nrej)
		return FPOL_REJECT;
	if (nhold)
		return FPOL_HOLD;
	if (nenc)
		return FPOL_ENCRYPT;
	return ntls ? FPOL_ROUTE_TLS : FPOL_DELIVER;
}

int
fpol_mix(const struct fconf *c, const struct fkeyset *keys, struct fpol_verdict *v)
{
	size_t ns = 0, np = 0, nrej = 0, nhold = 0;

	for (size_t i = 0; i < v->nrcpts; i++) {
		ns += v->rcpts[i].action == FACT_SMIME;
		np += v->rcpts[i].action == FACT_PGP;
		nhold += v->rcpts[i].action == FACT_HOLD && !v->rcpts[i].monitored;
	}
	/* A held message is one copy that waits, unencrypted: no envelope. */
	v->enc = ns >= np ? FACT_SMIME : FACT_PGP;
	v->split = ns && np && !nhold;
	if (ns + np > 0 && !nhold && join_envelope(keys, v->enc, v) < 0)
		return -1;
	for (size_t i = 0; i < v->nrcpts; i++) {
		nrej += v->rcpts[i].action == FACT_REJECT && !v->rcpts[i].monitored;
		v->nmonitored += (v->rcpts[i].action == FACT_REJECT ||
		    v->rcpts[i].action == FACT_HOLD) && v->rcpts[i].monitored;
	}
	/* Only enforced rejects are dropped: a monitored domain's recipient
	 * gets the message as the others do. */
	if (nrej && nrej < v->nrcpts && c->mixed == FMIXED_DROP_AND_NOTIFY && !v->new_thread) {
		for (size_t i = 0; i < v->nrcpts; i++)
			if (v->rcpts[i].action == FACT_REJECT && !v->rcpts[i].monitored) {
				v->rcpts[i].dropped = 1;
				v->ndropped++;
			}
	}
	v->would = settle(v, 0);
	v->enforced = settle(v, 1);
	v->protect_subject = (v->would == FPOL_ENCRYPT || v->enforced == FPOL_ENCRYPT) &&
	    (v->wheres & (1u << FWHERE_SUBJECT)) != 0;
	return 0;
}

static int
advice_list(const struct fpol_verdict *v, struct fbuf *out)
{
	for (size_t i = 0; i < v->nrcpts; i++) {
		const struct fpol_rcpt *r = &v->rcpts[i];
		if (!r->dropped)
			continue;
		if (fbuf_printf(out, "  - %s (%s%s%s)\n", r->addr, r->reason,
		    r->why[0] ? ": " : "", r->why) < 0)
			return -1;
	}
	return 0;
}

/* The configured "report a false positive" line; the advice mail is ASCII. */
static int
report_line(const char *text, struct fbuf *out)
{
	if (text == NULL || *text == '\0')
		return 0;
	return ftext_to_ascii(out, text) | fbuf_addc(out, '\n');
}

int
fpol_advice_text(const struct fconf *c, const struct fpol_verdict *v, struct fbuf *out)
{
	const char *how = v->would == FPOL_ENCRYPT ? faction_name(v->enc) :
	    fpol_outcome_name(v->would);
	int r = 0;

	r |= fbuf_printf(out,
	    "Din mail indeholdt fortrolige oplysninger. Den er sendt (%s) til de\n"
	    "modtagere, der kan modtage den sikkert, men IKKE til disse modtagere,\n"
	    "fordi de hverken har et gyldigt certifikat, en noegle eller en sikker\n"
	    "forbindelse:\n\n", how);
	r |= advice_list(v, out);
	r |= fbuf_adds(out,
	    "\nKontakt IT, hvis modtageren skal kunne modtage krypteret mail, eller\n"
	    "send oplysningerne ad en anden sikker vej.\n");
	r |= report_line(c->texts.report_da, out);
	r |= fbuf_adds(out, "\n");
	r |= fbuf_printf(out,
	    "Your mail contained confidential information. It was sent (%s) to the\n"
	    "recipients who can receive it securely, but NOT to these recipients,\n"
	    "because they have no valid certificate, key or secure connection:\n\n", how);
	r |= advice_list(v, out);
	r |= fbuf_adds(out,
	    "\nAsk IT to set up encryption for the recipient, or send the information\n"
	    "another secure way.\n");
	r |= report_line(c->texts.report_en, out);
	return r ? -1 : 0;
}
