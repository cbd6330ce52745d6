/* bgen: generated mail of realistic shapes (see bgen.h). Text comes from
 * sentence templates of council business with names, places, dates and
 * amounts drawn from a xorshift generator; the MIME is what Outlook
 * writes (quoted-printable text and Word HTML, base64 attachments). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bgen.h"
#include "bgen_doc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define REPLY_SIZE 20480          /* the Outlook reply thread */
#define SHORT_SIZE 7168           /* the covering mail of an attachment */
#define BIG_SIZE (2u << 20)       /* the 2 MB messages */

struct person {
	const char *name, *addr, *title;
};

static const struct person members[] = {
	{ "Anne Holm", "anne.holm@bakkeby.dk", "Byrådsmedlem (A), Bakkeby Kommune" },
	{ "Karina Lindholm Dahl", "kld@bakkeby.dk", "Byrådsmedlem (K) · Formand for Ældreudvalget" },
	{ "Søren Østergaard", "soeren.oestergaard@bakkeby.dk", "Byrådsmedlem (V), Bakkeby Kommune" },
	{ "Mette Kjær Sørensen", "mks@bakkeby.dk", "Byrådsmedlem (F) · Børne- og Skoleudvalget" },
	{ "Anders Bech Holm", "abh@bakkeby.dk", "Byrådsmedlem (I), Bakkeby Kommune" },
};

static const struct person others[] = {
	{ "Lars Berg", "lars.berg@example.org", "Formand, Borgerforeningen Skovbrynet" },
	{ "Kurt Nyborg", "kurt.nyborg@bakkeby.dk", "Byrådsmedlem (O), Bakkeby Kommune" },
	{ "Birgitte Frandsen", "bfr@bakkeby.dk", "Centerchef, Teknik og Miljø" },
	{ "Jens Peter Møller", "jpm@bakkeby.dk", "Udviklingskonsulent, Børn og Unge" },
	{ "Hanne Lauridsen", "hanne.lauridsen@lokalavisen.dk", "Journalist, Bakkeby Lokalavis" },
	{ "Ole Bisgaard", "ole.bisgaard@bakkeby.dk", "Økonomichef, Bakkeby Kommune" },
	{ "Pia Skov Rasmussen", "pia@skovbrynet-skole.dk", "Skoleleder, Skovbrynet Skole" },
};

/* The caseworker whose mail in a thread carries the finding. */
static const struct person caseworker = {
	"Tina Mølgaard", "tmo@bakkeby.dk", "Sagsbehandler, Visitationen, Bakkeby Kommune"
};

static const char *const places[] = {
	"Skovbrynet", "Nørregade", "Havnen", "Vestervej", "Kirkebakken", "Bakkeby Hallen",
	"Rådhustorvet", "Østerbyen", "Stationsvej", "Bakkeby Bibliotek",
};

static const char *const committees[] = {
	"Teknik- og Miljøudvalget", "Børne- og Skoleudvalget", "Økonomiudvalget",
	"Kultur- og Fritidsudvalget", "Ældreudvalget", "Plan- og Boligudvalget",
};

static const char *const topics[] = {
	"lokalplan 1.42 for Skovbrynet", "budgetforliget for 2027",
	"den nye cykelsti langs Vestervej", "renoveringen af Bakkeby Hallen",
	"skolestrukturen i den nordlige del af kommunen", "parkeringen ved Havnen",
	"klimahandleplanen", "udbygningen af daginstitutionen på Kirkebakken",
	"trafiksikkerheden ved Skovbrynet Skole", "den nye affaldsordning",
};

static const char *const months[] = {
	"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	"september", "oktober", "november", "december",
};

/* @T topic, @U committee, @P place, @N person, @D date, @K amount,
 * @I count, @H time of day. */
static const char *const sentences[] = {
	"Tak for din mail og for den grundige gennemgang af @T.",
	"Jeg har læst materialet til mødet i @U den @D og har et par spørgsmål.",
	"Administrationen foreslår, at der afsættes @K kr. til @T i budgetåret 2027.",
	"Kan vi få en opdateret tidsplan for @T inden næste møde?",
	"Jeg er enig i, at vi bør tage sagen op igen, når høringsperioden er slut den @D.",
	"@N har spurgt, om borgermødet ved @P kan flyttes til den @D.",
	"Der er kommet @I høringssvar, og de fleste handler om trafikken omkring @P.",
	"Vi har i gruppen drøftet @T, og vi kan godt støtte indstillingen med de ændringer, "
	    "der blev nævnt på mødet.",
	"Jeg vil gerne have en kort orientering om økonomien, før vi træffer beslutning.",
	"Forvaltningen oplyser, at anlægsudgiften er opgjort til @K kr. inklusive moms.",
	"Må jeg bede om, at sagen kommer på dagsordenen til mødet i @U den @D?",
	"Der er ingen tvivl om, at borgerne ved @P ønsker en bedre løsning end den nuværende.",
	"Jeg sender en opdateret oversigt, så snart jeg har talt med @N.",
	"Referatet fra sidste møde ligger nu på intranettet under @U.",
	"Vi mangler stadig en vurdering af, hvad @T betyder for driftsbudgettet.",
	"Som jeg nævnte på mødet, bør vi også se på parkeringsforholdene ved @P.",
	"Det vil være godt, hvis vi kan holde et kort møde på Rådhuset før den @D.",
	"@N fra forvaltningen deltager i mødet og kan svare på de tekniske spørgsmål.",
	"Jeg har vedhæftet notatet om @T, som blev omdelt på mødet.",
	"Vejen ved @P bliver lukket i tre uger i forbindelse med arbejdet.",
	"Udvalget besluttede at sende forslaget i offentlig høring i otte uger.",
	"Jeg håber, at vi kan nå til enighed om @T inden sommerferien.",
	"Lad os tage en snak om det efter byrådsmødet på torsdag.",
	"Tallene i bilag 3 stemmer ikke helt med dem, vi fik i @U i foråret.",
	"Borgerforeningen ved @P har inviteret os til et møde den @D kl. @H.",
	"Jeg kan desværre ikke deltage den @D, men @N vil gerne komme i stedet.",
	"Der bliver mulighed for at stille spørgsmål til forvaltningen efter oplægget.",
	"Kommunen har modtaget @K kr. i tilskud fra puljen til grøn omstilling.",
	"Vil du sørge for, at sagen bliver sendt videre til @U?",
	"Det er vigtigt, at vi kommunikerer klart til borgerne om @T.",
	"Jeg har fået @I henvendelser om @T alene i denne uge.",
	"Kan forvaltningen beregne, hvad det koster at fremrykke @T et år?",
};

/* One citizen's CPR number and diagnosis: what the detectors must find. */
static const char *const finding =
    "Til orientering kan jeg oplyse, at borgeren @C, CPR-nr. 140549-0389, har fået "
    "konstateret kræft og er bevilget hjemmehjælp tre gange om ugen. Familien har bedt "
    "om, at oplysningerne behandles fortroligt.";

static const char *const citizens[] = {
	"Jens Vestergaard", "Inger Marie Poulsen", "Bent Kristiansen", "Grethe Nissen",
};

uint64_t
bg_next(struct bgen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static unsigned
pick(struct bgen *g, size_t n)
{
	return (unsigned)((bg_next(g) >> 11) % n);
}

void
bg_init(struct bgen *g, uint64_t seed)
{
	g->rng = seed ? seed : 88172645463325252ull;
	g->serial = 0;
	for (int i = 0; i < 8; i++)
		bg_next(g);
}

const char *
bg_shape_name(enum bg_shape s)
{
	static const char *const names[BG_NSHAPES] = {
		"reply-clean", "reply-conf", "docx", "pdf", "pdf-2mb", "body-2mb",
	};

	return s < BG_NSHAPES ? names[s] : "?";
}

int
bg_shape_confidential(enum bg_shape s)
{
	return s == BG_REPLY_CONF;
}

static void
slot(struct bgen *g, char c, struct fbuf *out)
{
	switch (c) {
	case 'T': fbuf_adds(out, topics[pick(g, NELEM(topics))]); break;
	case 'U': fbuf_adds(out, committees[pick(g, NELEM(committees))]); break;
	case 'P': fbuf_adds(out, places[pick(g, NELEM(places))]); break;
	case 'N': fbuf_adds(out, others[pick(g, NELEM(others))].name); break;
	case 'C': fbuf_adds(out, citizens[pick(g, NELEM(citizens))]); break;
	case 'D': fbuf_printf(out, "%u. %s", 1 + pick(g, 28), months[pick(g, 12)]); break;
	case 'I': fbuf_printf(out, "%u", 3 + pick(g, 140)); break;
	case 'H': fbuf_printf(out, "%u.%s", 16 + pick(g, 5), pick(g, 2) ? "30" : "00"); break;
	case 'K':
		if (pick(g, 2))
			fbuf_printf(out, "%u,%u mio.", 1 + pick(g, 40), pick(g, 10));
		else
			fbuf_printf(out, "%u.000", 50 + pick(g, 900));
		break;
	default: fbuf_addc(out, c);
	}
}

static void
expand(struct bgen *g, const char *t, struct fbuf *out)
{
	for (; *t; t++) {
		if (*t == '@' && t[1]) {
			slot(g, *++t, out);
			continue;
		}
		fbuf_addc(out, *t);
	}
}

void
bg_paragraph(struct bgen *g, struct fbuf *out)
{
	unsigned n = 2 + pick(g, 4);

	for (unsigned i = 0; i < n; i++) {
		if (i)
			fbuf_addc(out, ' ');
		expand(g, sentences[pick(g, NELEM(sentences))], out);
	}
}

/* ------------------------------------------------------------ the thread */

/* The text of one mail, kept as plain text and Word HTML side by side. */
struct doc {
	struct fbuf plain, html;
};

static void
html_esc(struct fbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fbuf_adds(out, "&lt;"); break;
		case '>': fbuf_adds(out, "&gt;"); break;
		case '&': fbuf_adds(out, "&amp;"); break;
		case '"': fbuf_adds(out, "&quot;"); break;
		default: fbuf_addc(out, *s);
		}
	}
}

static void
doc_para(struct doc *d, const char *text)
{
	fbuf_printf(&d->plain, "%s\r\n\r\n", text);
	fbuf_adds(&d->html, "<p class=\"MsoNormal\">");
	html_esc(&d->html, text);
	fbuf_adds(&d->html, "<o:p></o:p></p>\r\n<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n");
}

static void
doc_lines(struct doc *d, const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fbuf_printf(&d->plain, "%s\r\n", lines[i]);
		fbuf_adds(&d->html, "<p class=\"MsoNormal\">");
		html_esc(&d->html, lines[i]);
		fbuf_adds(&d->html, "<o:p></o:p></p>\r\n");
	}
	fbuf_adds(&d->plain, "\r\n");
}

/* Greeting, paragraphs (the finding among them when asked), signature. */
static void
doc_mail(struct bgen *g, struct doc *d, const struct person *from, const struct person *to,
    unsigned paras, int with_finding)
{
	struct fbuf p;
	const char *first = to->name, *sig[3] = { "Venlig hilsen", from->name, from->title };
	char hello[128];

	snprintf(hello, sizeof(hello), "Kære %.*s", (int)strcspn(first, " "), first);
	doc_para(d, hello);
	fbuf_init(&p, 0);
	for (unsigned i = 0; i < paras; i++) {
		fbuf_reset(&p);
		if (with_finding && i == 1)
			expand(g, finding, &p);
		else
			bg_paragraph(g, &p);
		doc_para(d, fbuf_str(&p));
	}
	fbuf_free(&p);
	doc_lines(d, sig, 3);
}

static void
doc_quote_header(struct bgen *g, struct doc *d, const struct person *from,
    const struct person *to, const char *subject)
{
	char when[64];

	snprintf(when, sizeof(when), "%u. %s 2026 %02u:%02u", 1 + pick(g, 28), months[pick(g, 12)],
	    7 + pick(g, 12), pick(g, 60));
	fbuf_printf(&d->plain, "Fra: %s <%s>\r\nSendt: %s\r\nTil: %s <%s>\r\nEmne: %s\r\n\r\n",
	    from->name, from->addr, when, to->name, to->addr, subject);
	fbuf_adds(&d->html, "<div>\r\n<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;"
	    "padding:3.0pt 0cm 0cm 0cm\">\r\n<p class=\"MsoNormal\"><b><span lang=\"DA\">Fra:</span>"
	    "</b><span lang=\"DA\"> ");
	html_esc(&d->html, from->name);
	fbuf_printf(&d->html, " &lt;%s&gt;<br>\r\n<b>Sendt:</b> %s<br>\r\n<b>Til:</b> ", from->addr,
	    when);
	html_esc(&d->html, to->name);
	fbuf_printf(&d->html, " &lt;%s&gt;<br>\r\n<b>Emne:</b> ", to->addr);
	html_esc(&d->html, subject);
	fbuf_adds(&d->html, "<o:p></o:p></span></p>\r\n</div>\r\n</div>\r\n"
	    "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\r\n");
}

/* The member's reply on top, then earlier mails of the thread until the
 * text reaches about size bytes; the finding, when asked, in the second. */
static void
doc_thread(struct bgen *g, struct doc *d, const struct person *me, const char *subject,
    size_t size, int with_finding)
{
	const struct person *prev = &others[pick(g, NELEM(others))], *from, *to;

	doc_mail(g, d, me, prev, 2 + pick(g, 2), 0);
	for (unsigned k = 0; k < 64 && d->plain.len + d->html.len < size; k++) {
		int conf = with_finding && k == 1;
		from = conf ? &caseworker : k % 2 ? me : prev;
		to = k % 2 ? prev : me;
		doc_quote_header(g, d, from, to, subject);
		doc_mail(g, d, from, to, 2 + pick(g, 3), conf);
	}
}

/* ------------------------------------------------------------ the MIME */

static const char word_head[] =
    "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:"
    "office:office\" xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns:m=\"http://"
    "schemas.microsoft.com/office/2004/12/omml\" xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n"
    "<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n"
    "<meta name=\"Generator\" content=\"Microsoft Word 15 (filtered medium)\">\r\n"
    "<style><!--\r\n@font-face\r\n\t{font-family:\"Cambria Math\";\r\n\tpanose-1:2 4 5 3 5 4 6 3 "
    "2 4;}\r\n@font-face\r\n\t{font-family:Aptos;}\r\np.MsoNormal, li.MsoNormal, div.MsoNormal\r\n"
    "\t{margin:0cm;\r\n\tfont-size:11.0pt;\r\n\tfont-family:\"Aptos\",sans-serif;\r\n"
    "\tmso-ligatures:standardcontextual;\r\n\tmso-fareast-language:EN-US;}\r\n"
    "a:link, span.MsoHyperlink\r\n\t{mso-style-priority:99;\r\n\tcolor:#467886;\r\n"
    "\ttext-decoration:underline;}\r\nspan.EmailStyle19\r\n\t{mso-style-type:personal-reply;\r\n"
    "\tfont-family:\"Aptos\",sans-serif;\r\n\tcolor:windowtext;}\r\n.MsoChpDefault\r\n"
    "\t{mso-style-type:export-only;\r\n\tfont-size:10.0pt;\r\n\tmso-fareast-language:EN-US;}\r\n"
    "@page WordSection1\r\n\t{size:612.0pt 792.0pt;\r\n\tmargin:3.0cm 2.0cm 3.0cm 2.0cm;}\r\n"
    "div.WordSection1\r\n\t{page:WordSection1;}\r\n--></style><!--[if gte mso 9]><xml>\r\n"
    "<o:shapedefaults v:ext=\"edit\" spidmax=\"1026\" />\r\n</xml><![endif]-->\r\n</head>\r\n"
    "<body lang=\"DA\" link=\"#467886\" vlink=\"#96607D\" style=\"word-wrap:break-word\">\r\n"
    "<div class=\"WordSection1\">\r\n";

/* Quoted-printable, lines of at most 76 characters. */
static void
qp(struct fbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int eol = i + 1 < n && s[i] == '\r' && s[i + 1] == '\n';
		int last = i + 1 == n || (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n');
		int enc = c == '=' || c >= 127 || (c < 32 && c != '\t' && !eol) ||
		    ((c == ' ' || c == '\t') && last);
		size_t w = enc ? 3 : 1;
		if (eol) {
			fbuf_adds(out, "\r\n");
			i++;
			col = 0;
			continue;
		}
		if (col + w > 75) {
			fbuf_adds(out, "=\r\n");
			col = 0;
		}
		if (enc) {
			char e[3] = { '=', hex[c >> 4], hex[c & 15] };
			fbuf_add(out, e, 3);
		} else {
			fbuf_addc(out, (char)c);
		}
		col += w;
	}
	fbuf_adds(out, "\r\n");
}

/* An RFC 2047 word for a header text that is not ASCII. */
static void
hdr_text(struct fbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int ascii = 1;

	for (const char *p = s; *p; p++)
		ascii &= (unsigned char)*p < 127;
	if (ascii) {
		fbuf_adds(out, s);
		return;
	}
	fbuf_adds(out, "=?utf-8?Q?");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ')
			fbuf_addc(out, '_');
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			fbuf_addc(out, (char)*p);
		else
			fbuf_printf(out, "=%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	fbuf_adds(out, "?=");
}

static void
hdr_addr(struct fbuf *out, const char *name, const struct person *p)
{
	fbuf_printf(out, "%s: ", name);
	hdr_text(out, p->name);
	fbuf_printf(out, " <%s>\r\n", p->addr);
}

static void
msgid(struct bgen *g, struct fbuf *out)
{
	fbuf_printf(out, "<AM0PR02MB%04X%012llX%04X@AM0PR02MB%04X.eurprd09.prod.outlook.com>",
	    pick(g, 65536), (unsigned long long)(bg_next(g) >> 16), g->serial++ & 0xffff,
	    pick(g, 65536));
}

/* Outlook's headers of a reply; boundary is the top-level one. */
static void
headers(struct bgen *g, struct fbuf *out, const struct person *me, const char *subject,
    const char *type, const char *boundary, int attach)
{
	const struct person *to = &others[pick(g, NELEM(others))];
	char sub[256];

	snprintf(sub, sizeof(sub), "SV: %s", subject);
	hdr_addr(out, "From", me);
	hdr_addr(out, "To", to);
	fbuf_adds(out, "Subject: ");
	hdr_text(out, sub);
	fbuf_adds(out, "\r\nThread-Topic: ");
	hdr_text(out, subject);
	fbuf_printf(out, "\r\nThread-Index: AdyLcRtPNOMX/zdhQvYLcYNDBz%06XQ==\r\n"
	    "Date: %s, %02u Sep 2026 %02u:%02u:%02u +0000\r\nMessage-ID: ", pick(g, 1u << 24),
	    "Mon", 7 + pick(g, 5), 7 + pick(g, 10), pick(g, 60), pick(g, 60));
	msgid(g, out);
	fbuf_adds(out, "\r\nReferences: ");
	msgid(g, out);
	fbuf_adds(out, "\r\nIn-Reply-To: ");
	msgid(g, out);
	fbuf_printf(out, "\r\nAccept-Language: da-DK, en-US\r\nContent-Language: da-DK\r\n"
	    "X-MS-Has-Attach: %s\r\nX-MS-TNEF-Correlator: \r\nx-ms-publictraffictype: Email\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: %s;\r\n\tboundary=\"%s\"\r\n\r\n",
	    attach ? "yes" : "", type, boundary);
}

/* The multipart/alternative of a thread, closed. */
static void
alternative(struct fbuf *out, const struct doc *d, const char *b)
{
	fbuf_printf(out, "--%s\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", b);
	qp(out, d->plain.data, d->plain.len);
	fbuf_printf(out, "--%s\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", b);
	qp(out, word_head, sizeof(word_head) - 1);
	qp(out, d->html.data, d->html.len);
	qp(out, "</div>\r\n</body>\r\n</html>", 24);
	fbuf_printf(out, "--%s--\r\n", b);
}

static void
base64(struct fbuf *out, const unsigned char *p, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { a[v >> 18], a[(v >> 12) & 63], i + 1 < n ? a[(v >> 6) & 63] : '=',
			i + 2 < n ? a[v & 63] : '=' };
		fbuf_add(out, q, 4);
		if ((col += 4) == 76) {
			fbuf_adds(out, "\r\n");
			col = 0;
		}
	}
	if (col)
		fbuf_adds(out, "\r\n");
}

static int
mail_reply(struct bgen *g, struct fbuf *out, int conf)
{
	const struct person *me = &members[pick(g, NELEM(members))];
	const char *topic = topics[pick(g, NELEM(topics))];
	struct doc d;
	char subject[160], b[64];

	snprintf(subject, sizeof(subject), "Spørgsmål til %s", topic);
	snprintf(b, sizeof(b), "_000_DB9PR07MB%08X%04XEURP_", pick(g, 1u << 30), g->serial);
	fbuf_init(&d.plain, 0);
	fbuf_init(&d.html, 0);
	/* Headers, Word HTML head, MIME and the last mail added: about 6 KB. */
	doc_thread(g, &d, me, subject, REPLY_SIZE - 6400, conf);
	headers(g, out, me, subject, "multipart/alternative", b, 0);
	alternative(out, &d, b);
	fbuf_free(&d.plain);
	fbuf_free(&d.html);
	return out->overflow ? -1 : 0;
}

/* A short reply with an attachment (docx or PDF, big with a scan or not). */
static int
mail_attach(struct bgen *g, struct fbuf *out, enum bg_shape s)
{
	const struct person *me = &members[pick(g, NELEM(members))];
	const char *topic = topics[pick(g, NELEM(topics))];
	const char *name = s == BG_DOCX ? "Notat.docx" : s == BG_PDF ? "Notat.pdf" :
	    "Rapport med bilag.pdf";
	const char *type = s == BG_DOCX ?
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document" :
	    "application/pdf";
	struct doc d;
	struct fbuf file;
	char subject[160], b0[64], b1[64];
	int rc;

	snprintf(subject, sizeof(subject), "Notat om %s", topic);
	snprintf(b0, sizeof(b0), "_004_DB9PR07MB%08X%04XEURP_", pick(g, 1u << 30), g->serial);
	snprintf(b1, sizeof(b1), "_000_DB9PR07MB%08X%04XEURP_", pick(g, 1u << 30), g->serial);
	fbuf_init(&d.plain, 0);
	fbuf_init(&d.html, 0);
	fbuf_init(&file, 0);
	doc_thread(g, &d, me, subject, SHORT_SIZE - 3200, 0);
	rc = s == BG_DOCX ? bg_docx(g, topic, &file) :
	    bg_pdf(g, topic, s == BG_BIG_PDF ? 24 : 3, s == BG_BIG_PDF ? 1500000 : 0, &file);
	if (rc == 0) {
		headers(g, out, me, subject, "multipart/mixed", b0, 1);
		fbuf_printf(out, "--%s\r\nContent-Type: multipart/alternative;\r\n\tboundary=\"%s\""
		    "\r\n\r\n", b0, b1);
		alternative(out, &d, b1);
		fbuf_printf(out, "\r\n--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
		    "Content-Description: %s\r\nContent-Disposition: attachment;\r\n"
		    "\tfilename=\"%s\"; size=%zu;\r\n\tcreation-date=\"Mon, 07 Sep 2026 09:58:12 GMT\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", b0, type, name, name, name, file.len);
		base64(out, (const unsigned char *)file.data, file.len);
		fbuf_printf(out, "\r\n--%s--\r\n", b0);
	}
	fbuf_free(&file);
	fbuf_free(&d.plain);
	fbuf_free(&d.html);
	return rc < 0 || out->overflow ? -1 : 0;
}

/* A long text/plain mail: a report pasted into the body. */
static int
mail_big_body(struct bgen *g, struct fbuf *out)
{
	const struct person *me = &members[pick(g, NELEM(members))];
	size_t start = out->len;
	char b[64];

	snprintf(b, sizeof(b), "_000_DB9PR07MB%08X%04XEURP_", pick(g, 1u << 30), g->serial);
	headers(g, out, me, "Referat og bilag til budgetseminaret", "multipart/mixed", b, 0);
	fbuf_printf(out, "--%s\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", b);
	while (out->len - start < BIG_SIZE - 128 && !out->overflow) {
		bg_paragraph(g, out);
		fbuf_adds(out, "\r\n\r\n");
	}
	fbuf_printf(out, "--%s--\r\n", b);
	return out->overflow ? -1 : 0;
}

int
bg_mail(struct bgen *g, enum bg_shape s, struct fbuf *out)
{
	switch (s) {
	case BG_REPLY:
	case BG_REPLY_CONF:
		return mail_reply(g, out, s == BG_REPLY_CONF);
	case BG_DOCX:
	case BG_PDF:
	case BG_BIG_PDF:
		return mail_attach(g, out, s);
	case BG_BIG_BODY:
		return mail_big_body(g, out);
	default:
		return -1;
	}
}
