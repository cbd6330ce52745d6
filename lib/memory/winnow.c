/* winnow: text cleaning, normalisation and winnowed k-word-gram hashes.
 * Working on words makes the fingerprints independent of line wrapping,
 * quote markers, punctuation and case. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyse/signoff.h"
#include "base/buffer.h"
#include "base/text.h"
#include "memory/winnow.h"

#define SIG_MAX_LINES 10    /* lines after a closing greeting that may be a signature */
#define SIG_MAX_WORDS 8     /* a signature line is short */
#define GREET_MAX_WORDS 5
#define COUNT_MAX (SIG_MAX_WORDS > GREET_MAX_WORDS ? SIG_MAX_WORDS : GREET_MAX_WORDS)
#define CONTACT_MAX_WORDS 12   /* a line of a contact block */

static const char *const greet_open[] = {
	"hej", "kære", "dear", "hi", "hello", "goddag", "hejsa", "halløj", "davs", NULL
};
static const char *const greet_close[] = {
	"med venlig hilsen", "med venlige hilsner", "venlig hilsen", "venlige hilsner",
	"de bedste hilsner", "bedste hilsner", "bedste hilsen", "kærlig hilsen", "hilsen",
	"mvh", "vh", "kh", "best regards", "kind regards", "regards", "best wishes",
	"cheers", "sincerely", NULL
};
static const char *const drop_prefix[] = {
	"sendt fra min", "sent from my", "hent outlook", "get outlook",
	"start på videresendt", "begin forwarded message", NULL
};
static const char *const header_names[] = {
	"fra", "from", "sendt", "sent", "til", "to", "cc", "bcc", "emne", "subject",
	"dato", "date", "vedhæftede filer", "attachments", NULL
};
static const char *const discl_a[] = {
	"denne e-mail", "denne mail", "denne email", "denne besked", "denne meddelelse",
	"e-mailen", "this e-mail", "this email", "this message", NULL
};
static const char *const discl_b[] = {
	"fortrolig", "confidential", "ved en fejl", "rette modtager", "in error",
	"intended recipient", NULL
};

struct clean {
	struct fbuf para;       /* the current paragraph, lower-cased */
	struct fbuf low;        /* the current line, lower-cased (reused) */
	struct fbuf *out;
	int sig;                /* 0 no, 1 after a closing greeting (blank lines), 2 in the block */
	int sig_lines;
	int err;
};

/* The words of s, counted up to max (enough to tell a short line). */
static size_t
words_upto(const char *s, size_t len, size_t max)
{
	size_t pos = 0, ws, wl, n = 0;

	while (n < max && ftext_next_word(s, len, &pos, &ws, &wl))
		n++;
	return n;
}

/* The words of a line, counted up to one past the longest line any rule
 * looks for (a signature or greeting line is short). */
static size_t
count_words(const char *s, size_t len)
{
	return words_upto(s, len, COUNT_MAX + 1);
}

/* s starts with phrase, followed by the end or a non-letter. */
static int
starts_word(const char *s, size_t len, const char *phrase)
{
	size_t pl = strlen(phrase);
	unsigned char c;

	if (len < pl || memcmp(s, phrase, pl) != 0)
		return 0;
	if (len == pl)
		return 1;
	c = (unsigned char)s[pl];
	return !(c >= 'a' && c <= 'z') && c < 0x80;
}

static int
any_prefix(const char *s, size_t len, const char *const *list, int word)
{
	for (size_t i = 0; list[i]; i++)
		if (word ? starts_word(s, len, list[i]) :
		    (len >= strlen(list[i]) && memcmp(s, list[i], strlen(list[i])) == 0))
			return 1;
	return 0;
}

static int
contains_any(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strstr(s, list[i]))
			return 1;
	return 0;
}

/* "Fra: ...", "Sent: ...": the header block of a quoted message. */
static int
header_line(const char *s, size_t len)
{
	for (size_t i = 0; header_names[i]; i++) {
		size_t n = strlen(header_names[i]);
		if (len > n && memcmp(s, header_names[i], n) == 0) {
			size_t j = n;
			while (j < len && s[j] == ' ')
				j++;
			if (j < len && s[j] == ':')
				return 1;
		}
	}
	return 0;
}

/* Attribution ("Den 3. nov. skrev X:", "On ... wrote:") and separators. */
static int
opener_line(const char *s, size_t len)
{
	if (len >= 5 && memcmp(s, "-----", 5) == 0)
		return 1;
	if (len > 0 && s[len - 1] == ':' && len < 300) {
		char tmp[300];
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		return strstr(tmp, " skrev") || strstr(tmp, " wrote");
	}
	return 0;
}

static const char *const contact_words[] = {
	"tlf", "telefon", "phone", "mobil", "kontortid", "åbningstid", "telefontid", "cvr",
	"ean", "www.", "http", NULL
};

/* A line of a contact block: an address, a phone number, opening hours. */
static int
contact_line(const char *s, size_t n)
{
	size_t digits = 0;
	char line[256];

	for (size_t i = 0; i < n; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	if (digits >= 6 || memchr(s, '@', n))
		return 1;
	if (n >= sizeof(line))
		return 0;
	memcpy(line, s, n);
	line[n] = '\0';
	return contains_any(line, contact_words);
}

/* The paragraph's trailing block of short lines with two or more contact
 * lines: a signature of any shape (no closing greeting needed), which two
 * unrelated mails from one office share. Returns where it starts. */
static size_t
contact_block(const char *p, size_t len)
{
	size_t end = len, contacts = 0, cut = len;

	for (int lines = 0; end > 0 && lines < SIG_MAX_LINES; lines++) {
		size_t b = end - (p[end - 1] == '\n');
		size_t a = b;
		while (a > 0 && p[a - 1] != '\n')
			a--;
		int contact = b > a && contact_line(p + a, b - a);
		/* A contact line may run longer than a name or title line. */
		if (b == a || words_upto(p + a, b - a, 2 * CONTACT_MAX_WORDS + 1) >
		    (contact ? 2 * CONTACT_MAX_WORDS : CONTACT_MAX_WORDS))
			break;
		contacts += contact;
		if (contacts >= 2)
			cut = a;
		end = a;
	}
	return cut;
}

static void
flush_para(struct clean *c)
{
	size_t keep;

	if (c->para.len == 0)
		return;
	keep = contact_block(c->para.data, c->para.len);
	if (keep > 0 && !(contains_any(fbuf_str(&c->para), discl_a) &&
	    contains_any(fbuf_str(&c->para), discl_b))) {
		if (fbuf_add(c->out, c->para.data, keep) < 0 || fbuf_addc(c->out, '\n') < 0)
			c->err = 1;
	}
	fbuf_reset(&c->para);
}

/* Returns 1 when the (lower-cased, trimmed) line is to be dropped. */
static int
drop_line(struct clean *c, const char *s, size_t len)
{
	size_t words = count_words(s, len);

	if (c->sig == 1 && len > 0)
		c->sig = 2;
	if (c->sig == 2) {
		if (len > 0 && words <= SIG_MAX_WORDS && c->sig_lines++ < SIG_MAX_LINES)
			return 1;
		c->sig = 0;
	}
	if (len == 3 && memcmp(s, "-- ", 3) == 0) {
		c->sig = 1;
		c->sig_lines = 0;
		return 1;
	}
	if (words <= GREET_MAX_WORDS && any_prefix(s, len, greet_close, 1)) {
		c->sig = 1;
		c->sig_lines = 0;
		return 1;
	}
	if (words <= GREET_MAX_WORDS && any_prefix(s, len, greet_open, 1))
		return 1;
	return any_prefix(s, len, drop_prefix, 0) || header_line(s, len) || opener_line(s, len);
}

static void
clean_line(struct clean *c, const char *s, size_t len)
{
	struct fbuf *low = &c->low;
	size_t a = 0, b;

	/* Quote markers and blanks in front; blanks and CR behind. */
	while (a < len && (s[a] == '>' || s[a] == ' ' || s[a] == '\t' || s[a] == '|'))
		a++;
	b = len;
	while (b > a && (s[b - 1] == '\r' || s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	if (len >= 3 && memcmp(s, "-- ", 3) == 0 && b - a == 2)
		b = a + 3;    /* keep the signature delimiter recognisable */
	fbuf_reset(low);
	if (ftext_lower(low, s + a, b - a) < 0) {
		c->err = 1;
	} else if (low->len == 0) {
		if (c->sig == 2)
			c->sig = 0;
		flush_para(c);
	} else if (!drop_line(c, fbuf_str(low), low->len)) {
		if (fbuf_add(&c->para, low->data, low->len) < 0 || fbuf_addc(&c->para, '\n') < 0)
			c->err = 1;
	}
}

int
fwin_clean(const char *text, size_t len, struct fbuf *out)
{
	struct clean c;
	size_t i = 0;

	memset(&c, 0, sizeof(c));
	fbuf_init(&c.para, 0);
	fbuf_init(&c.low, 0);
	c.out = out;
	while (i < len && !c.err) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		clean_line(&c, text + i, n);
		i += n + 1;
	}
	flush_para(&c);
	fbuf_free(&c.para);
	fbuf_free(&c.low);
	return c.err ? -1 : 0;
}

int
fwin_normalise(const char *text, size_t len, struct fbuf *out)
{
	struct fbuf low;
	size_t pos = 0, ws, wl;
	int rc = 0;

	fbuf_init(&low, 0);
	if (ftext_lower(&low, text, len) < 0)
		rc = -1;
	while (rc == 0 && ftext_next_word(fbuf_str(&low), low.len, &pos, &ws, &wl)) {
		if ((out->len && fbuf_addc(out, ' ') < 0) || fbuf_add(out, low.data + ws, wl) < 0)
			rc = -1;
	}
	fbuf_free(&low);
	return rc;
}

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
word_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
ffps_add(struct ffps *f, uint64_t h, uint32_t pos)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		struct ffp *v = realloc(f->v, ncap * sizeof(*v));
		if (v == NULL)
			return -1;
		f->v = v;
		f->cap = ncap;
	}
	f->v[f->n].h = h;
	f->v[f->n].pos = pos;
	f->n++;
	return 0;
}

/* Winnowing: in every window of FWIN_W grams keep the minimum (the
 * rightmost on ties), each selected gram once. */
static int
winnow(const uint64_t *g, size_t n, struct ffps *out)
{
	size_t last = (size_t)-1;
	size_t windows = n >= FWIN_W ? n - FWIN_W + 1 : (n ? 1 : 0);
	size_t w = n >= FWIN_W ? FWIN_W : n;

	for (size_t i = 0; i < windows; i++) {
		size_t m = i;
		for (size_t j = i; j < i + w; j++)
			if (g[j] <= g[m])
				m = j;
		if (m != last) {
			if (ffps_add(out, g[m], (uint32_t)m) < 0)
				return -1;
			last = m;
		}
	}
	return 0;
}

/* s is fwin_normalise's output: words with one blank between them. */
static int
next_normal_word(const char *s, size_t len, size_t *pos, size_t *ws, size_t *wl)
{
	const char *sp;

	if (*pos >= len)
		return 0;
	*ws = *pos;
	sp = memchr(s + *pos, ' ', len - *pos);
	*wl = sp ? (size_t)(sp - (s + *pos)) : len - *pos;
	*pos += *wl + 1;
	return *wl > 0;
}

static int
grams(const char *s, size_t len, struct ffps *out)
{
	size_t pos = 0, ws, wl, nw = 0, cap = 0;
	uint64_t *wh = NULL, *g = NULL;
	int rc = 0;

	while (next_normal_word(s, len, &pos, &ws, &wl)) {
		if (nw == cap) {
			uint64_t *p = realloc(wh, (cap = cap ? cap * 2 : 256) * sizeof(*p));
			if (p == NULL) {
				free(wh);
				return -1;
			}
			wh = p;
		}
		wh[nw++] = word_hash(s + ws, wl);
	}
	out->words += nw;
	if (nw >= FWIN_K) {
		size_t ng = nw - FWIN_K + 1;
		if ((g = malloc(ng * sizeof(*g))) == NULL) {
			rc = -1;
		} else {
			for (size_t i = 0; i < ng; i++) {
				uint64_t h = 0;
				for (size_t j = 0; j < FWIN_K; j++)
					h = mix64(h ^ wh[i + j]);
				g[i] = h;
			}
			rc = winnow(g, ng, out);
		}
	}
	free(g);
	free(wh);
	return rc;
}

/* The text without the signatures and disclaimers that analyse/signoff.c
 * finds (the same knowledge as the detectors'): blanked, lines kept. */
static int
without_signoffs(const char *text, size_t len, struct fbuf *out)
{
	struct fsig sig = { NULL, 0, 0 };
	int rc;

	fsignoff_find(text, len, &sig);
	rc = fbuf_add(out, text, len);
	for (size_t i = 0; rc == 0 && i < sig.n; i++)
		for (size_t k = sig.r[i].s; k < sig.r[i].e && k < out->len; k++)
			if (out->data[k] != '\n')
				out->data[k] = ' ';
	fsignoff_free(&sig);
	return rc;
}

int
fwin_fingerprints(const char *text, size_t len, struct ffps *out)
{
	struct fbuf cleaned, norm, plain;
	int rc = -1;

	fbuf_init(&cleaned, 0);
	fbuf_init(&norm, 0);
	fbuf_init(&plain, 0);
	if (without_signoffs(text, len, &plain) == 0 &&
	    fwin_clean(fbuf_str(&plain), plain.len, &cleaned) == 0 &&
	    fwin_normalise(fbuf_str(&cleaned), cleaned.len, &norm) == 0)
		rc = grams(fbuf_str(&norm), norm.len, out);
	fbuf_free(&cleaned);
	fbuf_free(&norm);
	fbuf_free(&plain);
	return rc;
}

void
ffps_free(struct ffps *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
