/* person: who a keyword finding is about. A category counts only where an
 * identifiable individual is in reach: a given name (names.txt), a street
 * address, a person word, or a CPR number. Not an individual: the mail's
 * addressee or writer, a group ("42 anbringelser"), the writer's own
 * matters in her own text, or a role word in a text that says it is public.
 * The scan mechanics are in scan.c; these are the rules. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "analyse/message.h"
#include "analyse/signoff.h"
#include "base/types.h"
#include "conf/config.h"
#include "base/text.h"
#include "detect/keywords/engine.h"
#include "detect/keywords/internal.h"
#include "detect/keywords/scan.h"

/* Exclusion-list words, and words inside a signature or disclaimer: names
 * and department words there do not describe the case. */
int
fkw_person_excluded(struct scan *sc, struct fkw_tok_word t)
{
	if (fkw_set_has(sc->d->exclude, sc->cb + t.s, t.len))
		return 1;
	return !sc->nosig && fsignoff_covers(&sc->sig, t.s - 1);
}

static int
capitalised(const struct scan *sc, struct fkw_tok_word t)
{
	size_t j = t.s - 1;
	unsigned char c0 = (unsigned char)sc->orig[j];

	if (c0 < 0x80 && (c0 < 'A' || c0 > 'Z'))
		return 0;
	return ftext_is_upper(ftext_utf8_next(sc->orig, sc->len, &j)) &&
	    !(t.len > 1 && ftext_is_upper((unsigned char)sc->orig[t.s]));
}

/* "Anne Holm", "Per V.": two capitalised words, close, not stop words.
 * The rule when IT ships no names.txt. */
static int
any_pair(struct scan *sc, struct fkw_tok_word a, struct fkw_tok_word b)
{
	size_t bo = b.s - 1;

	return b.len > 0 && a.len > 1 && capitalised(sc, b) && capitalised(sc, a) &&
	    (b.len > 1 || (bo + 1 < sc->len && sc->orig[bo + 1] == '.')) &&
	    b.s - (a.s + a.len) <= 2 &&
	    !fkw_set_has(sc->d->stop, sc->cb + a.s, a.len) &&
	    !fkw_set_has(sc->d->stop, sc->cb + b.s, b.len) &&
	    !fkw_person_excluded(sc, a) && !fkw_person_excluded(sc, b);
}

/* Words after which a name is the addressee or the writer, not the case:
 * greetings and sign-offs ("Hej Per", "Mvh Karen"), and the header lines of
 * a quoted mail ("Til: Hanne Holm"). */
static const char *const greet[] = {
	"hej", "kære", "hi", "dear", "hello", "hejsa", "goddag", "kaere", "hilsen", "hilsner",
	"mvh", "vh", "kh", "bh", "knus", "regards", "cheers", "wishes", NULL
};

static const char *const fields[] = { "til", "fra", "from", "to", "cc", "sendt", "sent", NULL };

static int
word_in(const struct scan *sc, struct fkw_tok_word t, const char *const *list)
{
	for (size_t i = 0; t.len && list[i]; i++)
		if (t.len == strlen(list[i]) && memcmp(sc->cb + t.s, list[i], t.len) == 0)
			return 1;
	return 0;
}

static int
greeted(struct scan *sc, struct fkw_tok_word a)
{
	struct fkw_tok_word p = fkw_tok_prev(&sc->tk, a);
	size_t after = p.s - 1 + p.len;

	return word_in(sc, p, greet) ||
	    (word_in(sc, p, fields) && after < sc->len && sc->orig[after] == ':');
}

/* The sender's or an addressee's own given name: a member writing about
 * herself, signing, or talking to the person she writes to. */
static int
self_name(const struct scan *sc, struct fkw_tok_word a)
{
	const char *s = sc->self;

	while (*s) {
		size_t n = strcspn(s, " \t\"'");
		if (n == a.len && memcmp(s, sc->cb + a.s, n) == 0)
			return 1;
		s += n;
		s += strspn(s, " \t\"'");
	}
	return 0;
}

/* "Engvej 3", "Søbyvej 12": a capitalised street word and a house number. */
static const char *const street[] = {
	"vej", "gade", "stræde", "allé", "alle", "vænget", "plads", "torv", "bakken", "toften",
	"road", "street", NULL
};

static const char *const months[] = {
	"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
	"oktober", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "okt", "nov", "dec", NULL
};

/* "Havnegade 1. oktober": the number is a date, not a house number. */
static int
date_after(const struct scan *sc, size_t d)
{
	while (d < sc->len && sc->orig[d] >= '0' && sc->orig[d] <= '9')
		d++;
	if (d + 2 >= sc->len || sc->orig[d] != '.' || sc->orig[d + 1] != ' ')
		return 0;
	for (size_t i = 0; months[i]; i++) {
		size_t n = strlen(months[i]);
		if (d + 2 + n <= sc->len && strncasecmp(sc->orig + d + 2, months[i], n) == 0 &&
		    (d + 2 + n == sc->len || !isalpha((unsigned char)sc->orig[d + 2 + n]) ||
		    n > 3))
			return 1;
	}
	return 0;
}

static int
address(struct scan *sc, struct fkw_tok_word a)
{
	size_t end = a.s - 1 + a.len;

	if (end + 1 >= sc->len || sc->orig[end] != ' ' || sc->orig[end + 1] < '1' ||
	    sc->orig[end + 1] > '9' || date_after(sc, end + 1))
		return 0;
	for (size_t i = 0; street[i]; i++) {
		size_t n = strlen(street[i]);
		if (a.len > n && memcmp(sc->cb + a.s + a.len - n, street[i], n) == 0)
			return 1;
	}
	return 0;
}

/* A named individual at a: a given name from names.txt ("Karin", "Per
 * Hansen") that is not the greeting's addressee, or a street address.
 * Capitalised pairs that are not names ("Danmarks Statistik", "Region
 * Syddanmark") point at nobody. Without names.txt, any capitalised pair. */
int
fkw_person_name(struct scan *sc, struct fkw_tok_word a, struct fkw_tok_word b)
{
	if (sc->d->nnames == 0)
		return any_pair(sc, a, b);
	if (a.len < 2 || !capitalised(sc, a) || fkw_person_excluded(sc, a))
		return 0;
	if (address(sc, a))
		return 1;
	if (greeted(sc, a) || self_name(sc, a))
		return 0;
	if (fkw_set_has(sc->d->names_pair, sc->cb + a.s, a.len))
		return b.len > 0 && capitalised(sc, b) && b.s - (a.s + a.len) <= 2 &&
		    !fkw_set_has(sc->d->stop, sc->cb + b.s, b.len) && !fkw_person_excluded(sc, b);
	return fkw_set_has(sc->d->names, sc->cb + a.s, a.len);
}

/* "42 anbringelser", "antal sigtede", "many patients": a count or a
 * quantifier before the term speaks of a group, not of one person. */
static const char *const quantifiers[] = {
	"antal", "antallet", "alle", "mange", "flere", "nogle", "samtlige", "disse", "procent",
	"andelen", "halvdelen", "number", "many", "all", "several", "most", "percent", NULL
};

static const char *const of[] = { "af", "of", NULL };

/* "en politik mod socialt bedrageri", "forebyggelse af misbrug", "the
 * prevention of fraud": the term is what a policy is about, not what someone
 * did or has. Not "kamp", "indsats" or "handleplan": those are one person's
 * too ("hans kamp mod kræften", "handleplan for borgeren"). */
static const char *const policy_nouns[] = {
	"politik", "politikken", "bekæmpelse", "bekæmpelsen", "forebyggelse", "forebyggelsen",
	"strategi", "strategien", "kampagne", "kampagnen", "policy", "prevention", "campaign",
	"strategy", NULL
};
static const char *const policy_preps[] = { "mod", "imod", "af", "against", "of", NULL };

static int
policy_object(const struct scan *sc, struct fkw_tok_word first)
{
	struct fkw_tok_word t = fkw_tok_prev(&sc->tk, first);

	/* At most one word between ("mod socialt bedrageri"). */
	if (t.len && !word_in(sc, t, policy_preps))
		t = fkw_tok_prev(&sc->tk, t);
	return t.len && word_in(sc, t, policy_preps) &&
	    word_in(sc, fkw_tok_prev(&sc->tk, t), policy_nouns);
}

/* "borger.dk", "www.politi.dk", "x@sundhed.dk": a word of a host name is
 * no word of the text. */
static const char *const tlds[] = {
	"dk", "com", "org", "net", "eu", "gov", "nu", "se", "no", "de", "uk", "info", "io", NULL
};

static int
in_hostname(const struct scan *sc, struct fkw_tok_word w)
{
	size_t a = w.s - 1, e = a + w.len;   /* orig indices of the word */

	if ((a > 0 && (sc->orig[a - 1] == '@' || sc->orig[a - 1] == '/')) ||
	    (a >= 4 && memcmp(sc->orig + a - 4, "www.", 4) == 0))
		return 1;
	if (e + 2 >= sc->len || sc->orig[e] != '.')
		return 0;
	for (size_t i = 0; tlds[i]; i++) {
		size_t n = strlen(tlds[i]);
		if (e + 1 + n <= sc->len && strncasecmp(sc->orig + e + 1, tlds[i], n) == 0 &&
		    (e + 1 + n == sc->len || !isalnum((unsigned char)sc->orig[e + 1 + n])))
			return 1;
	}
	return 0;
}

int
fkw_person_in_table(const struct scan *sc, struct fkw_tok_word w)
{
	size_t a = w.s - 1, b = a;
	int cells = 0;

	/* A role word in a row of cells ("År;Indbrud;Vold;Sigtede") is a
	 * column heading, not a person; a name there still is one. */
	/* At most 400 bytes each way: a text without line breaks stays linear. */
	while (a > 0 && sc->orig[a - 1] != '\n' && w.s - 1 - a < 400)
		a--;
	while (b < sc->len && sc->orig[b] != '\n' && b - (w.s - 1) < 400)
		b++;
	for (size_t i = a; i < b; i++)
		cells += sc->orig[i] == ';' || sc->orig[i] == '\t' || sc->orig[i] == '|';
	return cells >= 3;
}

int
fkw_person_group(struct scan *sc, struct fkw_tok_word first)
{
	size_t p = first.s - 1;     /* orig index of the term's first byte */
	struct fkw_tok_word prev;

	/* One blank: a table's cells ("84\tdemens") are not a count. Not before
	 * a verb phrase: "sønnen på 24 er indlagt" is one person. */
	if (p > 0 && sc->orig[p - 1] == ' ')
		p--;
	if (first.len >= 4 && p > 0 &&
	    ((sc->orig[p - 1] >= '0' && sc->orig[p - 1] <= '9') || sc->orig[p - 1] == '%'))
		return 1;
	/* "0-5-årige", "18-24-årige": an age band (a plural after a number and
	 * a hyphen); "en 34-årig" stays one person. */
	if (p > 1 && sc->orig[p - 1] == '-' && sc->orig[p - 2] >= '0' && sc->orig[p - 2] <= '9' &&
	    sc->cb[first.s + first.len - 1] == 'e')
		return 1;
	if (in_hostname(sc, first))
		return 1;
	if (policy_object(sc, first))
		return 1;
	prev = fkw_tok_prev(&sc->tk, first);
	if (word_in(sc, prev, of))     /* "antallet af sigtede", "number of patients" */
		prev = fkw_tok_prev(&sc->tk, prev);
	return word_in(sc, prev, quantifiers);
}

/* In a text that says it is public (a press release, an invitation, an
 * op-ed, a newsletter) or made up (an anonymised or typical case)
 * "borgeren", "en 34-årig mand" or "hun" speak of someone in general or of
 * nobody the writer may not name; a name, an address or a CPR number still
 * count, except a name behind a title there. */
/* A title before a name in a public text: a speaker, an author, an
 * official in their public role ("Overlæge Karen Holm fortæller"). */
static const char *const titles[] = {
	"overlæge", "læge", "professor", "lektor", "forsker", "minister", "ministeren",
	"borgmester", "borgmesteren", "rådmand", "byrådsmedlem", "direktør", "formand",
	"formanden", "chef", "chefen", "politiinspektør", "politikommissær", "talsmand",
	"journalist", "dr", "prof", "mayor", "councillor", "director", "chair", NULL
};

int
fkw_person_is(const struct scan *sc, const struct hit *h)
{
	if (h->entry < 0) {
		struct fkw_tok_word t;
		if (sc->public_text == 2)
			return 0;
		if (!sc->public_text || sc->tk.nt == 0)
			return 1;
		t = fkw_tok_prev(&sc->tk, fkw_tok_of(&sc->tk, h->off, 0));
		return !word_in(sc, t, titles);
	}
	return sc->d->e[h->entry].cat == KW_PERSON && !sc->public_text;
}

static const char *const public_markers[] = {
	" pressemeddelelse ", " til offentliggørelse ", " alle er velkomne ", " offentligt møde ",
	" åbent møde ", " borgermøde ", " debatindlæg ", " læserbrev ", " nyhedsbrev ",
	" press release ", " public meeting ", " everyone is welcome ", " newsletter ",
	" op ed ", " debatredaktionen ", " letter to the editor ",
	/* A made-up or anonymised case: its "kvinde på 45" is nobody. */
	" anonymiseret ", " anonymiserede ", " anonymised ", " anonymized ",
	" typisk forløb ", " typisk sag ", " tænkt eksempel ", " fiktivt eksempel ",
	" typical case ", " hypothetical ", " ikke en bestemt person ", " ingen bestemt person ",
	" not a real person ", NULL
};
/* Of those, the ones that say the person was made up: then a name is
 * invented too ("Sofie ... er ikke en bestemt person") and names nobody. */
static const char *const invented[] = {
	" tænkt eksempel ", " fiktivt eksempel ", " ikke en bestemt person ",
	" ingen bestemt person ", " not a real person ", NULL
};

/* "ikke et tænkt eksempel", "not a hypothetical": the marker denied. */
static int
denied(const char *cb, size_t at)
{
	static const char *const no[] = { " ikke et", " ikke en", " not a", " intet", " no", NULL };

	for (size_t i = 0; no[i]; i++) {
		size_t l = strlen(no[i]);
		if (at >= l && memcmp(cb + at - l, no[i], l) == 0)
			return 1;
	}
	return 0;
}

/* The markers without their blanks, for the dictionary's marker engine. */
int
fkw_person_marker_words(const char ***w, size_t **len, size_t *n)
{
	size_t k = 0;

	while (public_markers[k])
		k++;
	*n = k;
	if ((*w = calloc(k, sizeof(**w))) == NULL || (*len = calloc(k, sizeof(**len))) == NULL)
		return -1;
	for (size_t i = 0; i < k; i++) {
		(*w)[i] = public_markers[i] + 1;
		(*len)[i] = strlen(public_markers[i]) - 2;
	}
	return 0;
}

struct marker_hit {
	const char *cb;
	size_t n;
	int found;
};

/* The engine reports a root of the marker's first word: the whole marker,
 * blanks included, must be there. */
static int
on_marker(size_t at, size_t id, void *arg)
{
	struct marker_hit *m = arg;
	const char *mk = public_markers[id];
	size_t l = strlen(mk);

	if (at >= 1 && at - 1 <= m->n && m->n - (at - 1) >= l && memcmp(m->cb + at - 1, mk, l) == 0) {
		if (denied(m->cb, at - 1))
			return 0;
		for (size_t i = 0; invented[i]; i++)
			if (strcmp(mk, invented[i]) == 0)
				m->found = 2;
		if (m->found < 1)
			m->found = 1;
		return m->found == 2;   /* a public text may still say it is made up */
	}
	return 0;
}

int
fkw_person_public_text(const struct fkw_dict *d, const char *cb, size_t n)
{
	struct marker_hit m = { cb, n, 0 };

	if (d->hs_public == NULL)
		return 0;
	if (fkw_engine_scan(d->hs_public, cb, n, on_marker, &m) < 0)
		return -1;
	return m.found;
}

/* "Debatindlæg: ...", "Nyhedsbrev maj": a subject that says the mail is a
 * public text says it of the body too (a role word names nobody there; a
 * name still does). Not a reply's or a forward's subject: the body is then
 * about the earlier mail, not that mail itself. 1, 0 or -1. */
static const char *const reply_prefix[] = { "re:", "sv:", "aw:", "fw:", "fwd:", "vs:", "vb:", NULL };

int
fkw_person_public_subject(const struct fkw_dict *d, const struct fmsg *m, char *cb)
{
	for (size_t i = 0; i < m->segs.n; i++) {
		const struct fseg *g = &m->segs.v[i];
		const char *t = g->text + strspn(g->text, " \t");
		int r, reply = 0;
		if (g->where != FWHERE_SUBJECT)
			continue;
		for (size_t k = 0; reply_prefix[k] && !reply; k++)
			reply = strncasecmp(t, reply_prefix[k], strlen(reply_prefix[k])) == 0;
		if (reply)
			continue;
		cb[0] = ' ';
		ftext_canon(cb + 1, g->text, g->len);
		cb[g->len + 1] = ' ';
		if ((r = fkw_person_public_text(d, cb, g->len + 2)) != 0)
			return r < 0 ? -1 : 1;
	}
	return 0;
}

/* ---- judgement calls (off unless IT turns them on) ---- */

/* The person made it public herself ("står frem", "told the press"). */
static const char *const self_published[] = {
	" har selv fortalt ", " fortalte selv ", " har selv skrevet ", " skrev selv ",
	" står frem ", " stod frem ", " har fortalt åbent ", " fortalt offentligt ",
	" fortalte åbent ", " har selv delt ", " delte selv ", " went public ",
	" has spoken openly ", " spoke openly ", " told the press ", " has written publicly ",
	NULL
};
/* A court's public verdict ("byretten idømte", "the court sentenced"). */
static const char *const public_verdict[] = {
	" byretten ", " landsretten ", " højesteret ", " retten idømte ", " blev idømt ",
	" dommen blev ", " the court ", " was sentenced ", " the verdict ", NULL
};

static int
says_any(const struct scan *sc, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (memmem(sc->cb, sc->len + 2, list[i], strlen(list[i])) != NULL)
			return 1;
	return 0;
}

int
fkw_person_judged_public(const struct scan *sc, const struct fconf *c, int cat)
{
	if (cat == FCAT_HEALTH && c->kw.self_published_public)
		return says_any(sc, self_published);
	if (cat == FCAT_CRIMINAL && c->kw.verdicts_public)
		return says_any(sc, public_verdict);
	return 0;
}

/* Who a window is about, for --explain: never the name itself. */
void
fkw_person_label(const struct scan *sc, int cpr_seen, size_t p, char *out, size_t n)
{
	if (cpr_seen)
		snprintf(out, n, "cpr number or body");
	else if (p < sc->nh && sc->h[p].entry < 0)
		snprintf(out, n, "name");
	else if (p < sc->nh)
		snprintf(out, n, "word: %s", sc->d->e[sc->h[p].entry].term);
	else
		out[0] = '\0';
}

/* ---- the writer's own matters ---- */

static const char *const first_person[] = {
	"jeg", "mig", "min", "mit", "mine", "my", "me", "myself", NULL
};

static int
sentence_end(int ch)
{
	return ch == '.' || ch == '!' || ch == '?' || ch == ';';
}

/* The sentence around orig[p]: back and forth to an end mark or an empty
 * line, at most 400 bytes each way. */
static void
sentence(const struct scan *sc, size_t p, size_t *s, size_t *e)
{
	size_t a = p, b = p, lim = 400;

	while (a > 0 && p - a < lim && !sentence_end(sc->orig[a - 1]) &&
	    !(sc->orig[a - 1] == '\n' && a > 1 && (sc->orig[a - 2] == '\n' ||
	    (sc->orig[a - 2] == '\r' && a > 2 && sc->orig[a - 3] == '\n'))))
		a--;
	while (b < sc->len && b - p < lim && !sentence_end(sc->orig[b]) &&
	    !(sc->orig[b] == '\n' && b + 1 < sc->len && (sc->orig[b + 1] == '\n' ||
	    sc->orig[b + 1] == '\r')))
		b++;
	*s = a;
	*e = b;
}

/* The hit is said of the writer ("jeg er blevet opereret", "min kræft",
 * "my cancer": a first-person word at most four words before it, or
 * opening its sentence) and its
 * sentence names nobody else (no person word, no name; an address there is
 * where the writer lives or goes): the member's own matters, which are not
 * confidential information about a citizen. */
static int
about_writer(struct scan *sc, const struct hit *h)
{
	size_t s, e, q;
	struct fkw_tok_word t, first = fkw_tok_of(&sc->tk, h->off, 0);
	int me = 0, k = 0;

	for (t = fkw_tok_prev(&sc->tk, first); t.len && k < 4 && !me; t = fkw_tok_prev(&sc->tk, t), k++)
		me = word_in(sc, t, first_person);
	sentence(sc, h->off - 1, &s, &e);
	for (q = s + 1; q <= e && sc->cb[q] == ' '; q++)
		;
	/* or the sentence opens with the writer: "Jeg bliver opereret, og
	 * derefter venter strålebehandling" */
	if (!me && q <= e)
		me = word_in(sc, fkw_tok_of(&sc->tk, q, 0), first_person);
	if (!me)
		return 0;
	for (t = q <= e ? fkw_tok_of(&sc->tk, q, 0) : first; q <= e && t.len && t.s <= e;
	    t = fkw_tok_next(&sc->tk, t))
		if (fkw_set_has(sc->d->person_words, sc->cb + t.s, t.len) ||
		    (fkw_person_name(sc, t, fkw_tok_next(&sc->tk, t)) && !address(sc, t)))
			return 0;
	return 1;
}

void
fkw_person_drop_writer(struct scan *sc)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->nh; i++)
		if (sc->h[i].entry < 0 || sc->d->e[sc->h[i].entry].cat == KW_PERSON ||
		    !about_writer(sc, &sc->h[i]))
			sc->h[n++] = sc->h[i];
	sc->nh = n;
}
