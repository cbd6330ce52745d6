/* message: walk the MIME tree with GMime. Text parts are decoded to UTF-8 and
 * split into authored and quoted text; HTML goes through fhtml first.
 * message/rfc822 parts are walked as attachments. Limits fail closed. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "base/io.h"
#include "base/buffer.h"
#include "base/spool.h"
#include "analyse/charset.h"
#include "analyse/html.h"
#include "analyse/message.h"
#include "analyse/protect.h"
#include "analyse/quote.h"
#include "base/text.h"
#include "extract/extract.h"
#include "extract/zygote.h"

struct walk {
	const struct fconf *conf;
	struct fmsg *m;
	int oom;
	long long t0;          /* start, CLOCK_MONOTONIC ms */
};

/* Counted: every library of a process, and a test's own set-up, hold one
 * use; GMime and libxml2 are torn down with the last. */
static pthread_mutex_t global_mu = PTHREAD_MUTEX_INITIALIZER;
static int global_users;

void
fmsg_global_init(void)
{
	pthread_mutex_lock(&global_mu);
	if (global_users++ == 0) {
		g_mime_init();
		xmlInitParser();
	}
	pthread_mutex_unlock(&global_mu);
}

void
fmsg_global_shutdown(void)
{
	pthread_mutex_lock(&global_mu);
	if (--global_users == 0) {
		g_mime_shutdown();
		xmlCleanupParser();
		fzyg_stop();
	}
	pthread_mutex_unlock(&global_mu);
}

static void
incomplete(struct fmsg *m, const char *why)
{
	if (!m->incomplete)
		fstrlcpy(m->incomplete_reason, why, sizeof(m->incomplete_reason));
	m->incomplete = 1;
}

/* An encrypted part inside a message: on_encrypted_attachment decides. */
static void
encrypted_part(struct fmsg *m, const char *why)
{
	if (!m->encrypted_att)
		fstrlcpy(m->encrypted_att_reason, why, sizeof(m->encrypted_att_reason));
	m->encrypted_att = 1;
}

static void
add_seg(struct walk *w, enum fwhere where, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
		i++;
	if (i < n && fsegs_add(&w->m->segs, where, s, n) < 0)
		w->oom = 1;
}

/* Authored and quoted text of a body part. */
static void
add_body_text(struct walk *w, const char *text, size_t len, int html)
{
	struct fbuf plain, authored, quoted;

	fbuf_init(&plain, 0);
	fbuf_init(&authored, 0);
	fbuf_init(&quoted, 0);
	if (html && fhtml_to_text(text, len, &plain) < 0)
		incomplete(w->m, "html part could not be rendered");
	if (html) {
		text = fbuf_str(&plain);
		len = plain.len;
	}
	if (fquote_split(text, len, &authored, &quoted) < 0)
		w->oom = 1;
	add_seg(w, FWHERE_BODY, fbuf_str(&authored), authored.len);
	add_seg(w, FWHERE_QUOTED, fbuf_str(&quoted), quoted.len);
	fbuf_free(&plain);
	fbuf_free(&authored);
	fbuf_free(&quoted);
}

static void
add_attachment_text(struct walk *w, const char *text, size_t len, int html)
{
	struct fbuf plain;

	fbuf_init(&plain, 0);
	if (html && fhtml_to_text(text, len, &plain) < 0)
		incomplete(w->m, "html attachment could not be rendered");
	if (html)
		add_seg(w, FWHERE_ATTACHMENT, fbuf_str(&plain), plain.len);
	else
		add_seg(w, FWHERE_ATTACHMENT, text, len);
	fbuf_free(&plain);
}

/* Counts decoded bytes against max_decoded_size; 0 while within it. */
static int
count_decoded(struct walk *w, size_t n)
{
	w->m->decoded += (long long)n;
	if (w->m->decoded <= w->conf->limits.max_decoded_size)
		return 0;
	incomplete(w->m, "decoded size limit");
	return -1;
}

/* The limits for one extraction: what is left of the decoded size and of
 * the analysis time. Returns -1 (and marks the message) when nothing is. */
static int
extract_limits(struct walk *w, struct fextract_limits *l)
{
	const struct fconf *c = w->conf;
	long long left = c->limits.max_analysis_time * 1000LL - (fio_now_ms() - w->t0);
	long long room = c->limits.max_decoded_size - w->m->decoded;

	if (left <= 0) {
		incomplete(w->m, "analysis time limit");
		return -1;
	}
	if (room <= 0) {
		incomplete(w->m, "decoded size limit");
		return -1;
	}
	l->max_text = (size_t)room;
	l->max_ratio = c->limits.max_compression_ratio;
	l->max_depth = c->limits.max_archive_depth;
	l->max_memory = c->limits.max_extract_memory;
	l->timeout_ms = (int)(left < c->limits.max_extract_time * 1000LL ?
	    left : c->limits.max_extract_time * 1000LL);
	return 0;
}

/* A calendar or contact card folds its lines at 75 octets, in the middle
 * of a word or a CPR number: unfolded, they read as written. */
static void
unfold(struct fbuf *t)
{
	if (t->data == NULL)
		return;
	ftext_unfold_content_lines(t->data, &t->len);
	t->data[t->len] = '\0';
}

/* format=flowed (RFC 3676): a reader joins the soft line breaks, so a CPR
 * number or a word split over one reads whole; so must the detectors. */
static int
is_flowed(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *f = g_mime_object_get_content_type_parameter(obj, "format");

	return ct && g_mime_content_type_is_type(ct, "text", "plain") &&
	    f && strcasecmp(f, "flowed") == 0;
}

static void
unflow(struct fbuf *t, GMimeObject *obj)
{
	const char *d = g_mime_object_get_content_type_parameter(obj, "delsp");

	if (t->data == NULL)
		return;
	ftext_unflow(t->data, &t->len, d && strcasecmp(d, "yes") == 0);
	t->data[t->len] = '\0';
}

static void
extract(struct walk *w, const char *ctype, const char *fname, const unsigned char *p,
    size_t n, int folded)
{
	enum fextract_kind k = fextract_sniff(ctype, fname, p, n);
	struct fextract_limits l;
	struct fextract_result r;

	if (n == 0 || k == FEXTRACT_KIND_NONE || extract_limits(w, &l) < 0)
		return;
	fextract_result_init(&r, l.max_text);
	fextract_extract_sandboxed(k, p, n, &l, &r);
	if (folded)
		unfold(&r.text);
	if (count_decoded(w, r.text.len) == 0)
		add_seg(w, FWHERE_ATTACHMENT, fbuf_str(&r.text), r.text.len);
	if (r.status != FEXTRACT_OK)
		incomplete(w->m, r.reason);
	if (r.encrypted)
		encrypted_part(w->m, r.enc_reason);
	fextract_result_free(&r);
}

/* The part's content with its transfer encoding undone. NULL (and the
 * message marked) when it cannot be decoded or passes the size limit. */
static GByteArray *
part_bytes(struct walk *w, GMimeObject *obj, GMimeStream **keep)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *mem;
	GByteArray *ba;

	*keep = NULL;
	if (dw == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) < 0 ||
	    (ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))) == NULL) {
		incomplete(w->m, "part could not be decoded");
		g_object_unref(mem);
		return NULL;
	}
	if (count_decoded(w, ba->len) < 0) {
		g_object_unref(mem);
		return NULL;
	}
	*keep = mem;
	return ba;
}

static void walk_object(struct walk *w, GMimeObject *obj, int depth, int in_att, int top);

/* A header over the limit is not analysed: the message is incomplete. */
static int
m_over_limit(const struct walk *w)
{
	return w->m->incomplete && strcmp(w->m->incomplete_reason, "header size limit") == 0;
}
static void walk_message(struct walk *w, GMimeMessage *msg, int depth, int in_att);

/* A MIME entity held in bytes (a forwarded message whose transfer encoding
 * GMime left on, opaque signed S/MIME): parsed again and walked. */
static void
walk_bytes(struct walk *w, const unsigned char *p, size_t n, int depth, int as_message)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GObject *obj;

	/* An empty entity holds nothing (and GMime takes no empty buffer). */
	if (p == NULL || n == 0)
		return;
	stream = g_mime_stream_mem_new_with_buffer((const char *)p, n);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	obj = as_message ? (GObject *)g_mime_parser_construct_message(parser, NULL) :
	    (GObject *)g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	if (obj == NULL) {
		incomplete(w->m, "embedded MIME entity could not be parsed");
		return;
	}
	if (as_message)
		walk_message(w, GMIME_MESSAGE(obj), depth, 1);
	else
		walk_object(w, GMIME_OBJECT(obj), depth + 1, 1, 0);
	g_object_unref(obj);
}

static int
is_type(GMimeContentType *ct, const char *type, const char *sub)
{
	return ct && g_mime_content_type_is_type(ct, type, sub);
}

/* application/pkcs7-mime: enveloped data protects only as the whole body
 * of the message; signed data is read; anything else is not readable. */
static void
walk_cms(struct walk *w, const GByteArray *ba, int depth, int top)
{
	struct fbuf inner;

	fbuf_init(&inner, (size_t)w->conf->limits.max_decoded_size);
	switch (fprot_cms(ba->data, ba->len, &inner)) {
	case FPROT_CMS_ENVELOPED:
		if (top)
			w->m->encrypted = 1;
		else
			encrypted_part(w->m, "encrypted S/MIME part");
		break;
	case FPROT_CMS_SIGNED:
		if (count_decoded(w, inner.len) == 0)
			walk_bytes(w, (const unsigned char *)inner.data, inner.len, depth, 0);
		break;
	default:
		incomplete(w->m, "S/MIME part could not be read");
		break;
	}
	fbuf_free(&inner);
}

/* text/calendar, vCard, or a file named so (RFC 5545, RFC 6350). */
static int
is_folded(GMimeContentType *ct, const char *fname)
{
	static const char *const ext[] = { ".ics", ".ical", ".ifb", ".vcs", ".vcf", NULL };
	const char *dot = fname ? strrchr(fname, '.') : NULL;

	if (is_type(ct, "text", "calendar") || is_type(ct, "text", "vcard") ||
	    is_type(ct, "text", "x-vcard") || is_type(ct, "text", "directory") ||
	    is_type(ct, "application", "ics"))
		return 1;
	for (size_t i = 0; dot && ext[i]; i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

/* Text of a text part: decoded by fdecode, HTML rendered, authored
 * and quoted text split unless it is an attachment. */
static void
walk_text(struct walk *w, GMimeObject *obj, const GByteArray *ba, int att, int html, int folded)
{
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
	struct fbuf text;

	fbuf_init(&text, (size_t)w->conf->limits.max_decoded_size);
	if (fcharset_text(ba->data, ba->len, cs, &text) < 0) {
		incomplete(w->m, "decoded size limit");
		fbuf_free(&text);
		return;
	}
	if (folded)
		unfold(&text);
	else if (is_flowed(obj))
		unflow(&text, obj);
	if (att)
		add_attachment_text(w, fbuf_str(&text), text.len, html);
	else
		add_body_text(w, fbuf_str(&text), text.len, html);
	fbuf_free(&text);
}

static void
walk_leaf(struct walk *w, GMimeObject *obj, int depth, int in_att, int top)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
	const char *fname = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	int att = in_att || (cd && g_mime_content_disposition_is_attachment(cd)) || fname;
	GMimeStream *keep;
	GByteArray *ba;
	char *ctype;

	if (fname)
		add_seg(w, FWHERE_ATTACHMENT, fname, strlen(fname));
	if (!GMIME_IS_PART(obj) || (ba = part_bytes(w, obj, &keep)) == NULL)
		return;
	if (is_type(ct, "message", "*"))
		/* GMime leaves a forwarded message with a transfer encoding as a leaf. */
		walk_bytes(w, ba->data, ba->len, depth, 1);
	else if (is_type(ct, "application", "pkcs7-mime") ||
	    is_type(ct, "application", "x-pkcs7-mime"))
		walk_cms(w, ba, depth, top);
	else if (is_type(ct, "text", "*") && (!att || is_type(ct, "text", "html") ||
	    g_mime_object_get_content_type_parameter(obj, "charset")))
		walk_text(w, obj, ba, att, is_type(ct, "text", "html"), is_folded(ct, fname));
	else {
		/* Text attachments without a charset: fextract_text guesses (BOM,
		 * UTF-16, windows-1252); other kinds go to the extractors. */
		ctype = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
		extract(w, ctype, fname, ba->data, ba->len, is_folded(ct, fname));
		g_free(ctype);
	}
	g_object_unref(keep);
}

/* Two Content-Type or Content-Transfer-Encoding headers: readers disagree
 * on which one counts, so the part cannot be read with certainty. A header
 * past max_header_size is not analysed at all. */
static void
check_headers(struct walk *w, GMimeObject *obj)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int ct = 0, cte = 0;

	for (int i = 0; hl && i < g_mime_header_list_get_count(hl); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		ct += name && strcasecmp(name, "Content-Type") == 0;
		cte += name && strcasecmp(name, "Content-Transfer-Encoding") == 0;
		if (raw && (long long)strlen(raw) > w->conf->limits.max_header_size)
			incomplete(w->m, "header size limit");
	}
	if (ct > 1 || cte > 1)
		incomplete(w->m, "ambiguous MIME headers");
}

/* PGP/MIME (RFC 3156): a version part, then one encrypted OpenPGP message. */
static int
pgp_mime_ok(struct walk *w, GMimeMultipart *mp)
{
	GMimeObject *data;
	GMimeStream *keep;
	GByteArray *ba;
	int ok;

	if (g_mime_multipart_get_count(mp) != 2 ||
	    !GMIME_IS_PART((data = g_mime_multipart_get_part(mp, 1))))
		return 0;
	if ((ba = part_bytes(w, data, &keep)) == NULL)
		return 0;
	ok = fprot_pgp_encrypted(ba->data, ba->len);
	g_object_unref(keep);
	return ok;
}

static void
walk_multipart(struct walk *w, GMimeObject *obj, int depth, int in_att, int top)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *pro = g_mime_multipart_get_prologue(mp);
	const char *epi = g_mime_multipart_get_epilogue(mp);
	int n = g_mime_multipart_get_count(mp);

	if (g_mime_multipart_get_boundary(mp) == NULL || n == 0)
		incomplete(w->m, "multipart without a usable boundary");
	/* Text outside the parts is on the wire in clear: read it too. */
	if (pro)
		add_seg(w, FWHERE_BODY, pro, strlen(pro));
	if (epi)
		add_seg(w, FWHERE_BODY, epi, strlen(epi));
	if (is_type(ct, "multipart", "encrypted")) {
		if (!pgp_mime_ok(w, mp))
			incomplete(w->m, "encrypted part could not be verified");
		else if (top)
			w->m->encrypted = 1;
		else
			encrypted_part(w->m, "encrypted PGP/MIME part");
		return;
	}
	/* Signed: the first part is the content, as protected as the whole. */
	for (int i = 0; i < n; i++)
		walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, in_att,
		    top && i == 0 && is_type(ct, "multipart", "signed"));
}

static void
walk_message(struct walk *w, GMimeMessage *msg, int depth, int in_att)
{
	const char *subj = g_mime_message_get_subject(msg);

	check_headers(w, GMIME_OBJECT(msg));
	if (m_over_limit(w))
		return;
	if (subj)
		add_seg(w, in_att ? FWHERE_ATTACHMENT : FWHERE_SUBJECT, subj, strlen(subj));
	if (g_mime_message_get_mime_part(msg))
		walk_object(w, g_mime_message_get_mime_part(msg), depth + 1, in_att,
		    depth == 0 && !in_att);
}

static void
walk_object(struct walk *w, GMimeObject *obj, int depth, int in_att, int top)
{
	if (w->oom || obj == NULL)
		return;
	if (depth > w->conf->limits.max_mime_depth) {
		incomplete(w->m, "MIME depth limit");
		return;
	}
	if (++w->m->parts > w->conf->limits.max_parts) {
		incomplete(w->m, "MIME part count limit");
		return;
	}
	if (fio_now_ms() - w->t0 > w->conf->limits.max_analysis_time * 1000LL) {
		incomplete(w->m, "analysis time limit");
		return;
	}
	check_headers(w, obj);
	if (GMIME_IS_MULTIPART(obj)) {
		walk_multipart(w, obj, depth, in_att, top);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner)
			walk_message(w, inner, depth, 1);
	} else {
		walk_leaf(w, obj, depth, in_att, top);
	}
}

static char *
dup_header(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	char *p;

	if (v == NULL)
		return NULL;
	p = g_mime_utils_header_decode_text(NULL, v);
	if (p == NULL)
		return NULL;
	v = p;
	p = strdup(v);
	g_free((char *)v);
	return p;
}

/* Message-IDs are not encoded words: the raw value, for the thread memory. */
static char *
dup_raw_header(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);

	return v ? strdup(v) : NULL;
}

/* Display names of the addressees: the detectors do not take a mail's own
 * addressee for the person a case is about. */
static void
note_name(struct fmsg *m, InternetAddress *a, int named)
{
	const char *name = internet_address_get_name(a);
	size_t l = strlen(m->to_names);

	if (named && name && *name && l + strlen(name) + 2 < sizeof(m->to_names))
		snprintf(m->to_names + l, sizeof(m->to_names) - l, "%s%s", l ? " " : "", name);
}

static void
collect_addrs(struct fmsg *m, InternetAddressList *l, int depth, int named)
{
	for (int i = 0; l && i < internet_address_list_length(l) && depth < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		note_name(m, a, named);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			collect_addrs(m, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)),
			    depth + 1, named);
		} else if (m->nrcpts < FMSG_MAX_ADDRS) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
			if (addr && *addr && (m->rcpts[m->nrcpts] = strdup(addr)) != NULL)
				m->nrcpts++;
		}
	}
}

static void
collect_headers(struct fmsg *m, GMimeMessage *msg)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	static const GMimeAddressType types[] = {
		GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC
	};

	if (from && internet_address_list_length(from) > 0) {
		InternetAddress *a = internet_address_list_get_address(from, 0);
		const char *name = internet_address_get_name(a);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			fstrlcpy(m->from, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
			    sizeof(m->from));
		fstrlcpy(m->from_name, name ? name : "", sizeof(m->from_name));
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		collect_addrs(m, g_mime_message_get_addresses(msg, types[i]), 0,
		    types[i] != GMIME_ADDRESS_TYPE_BCC);
	m->sensitivity = dup_header(GMIME_OBJECT(msg), "Sensitivity");
	m->msip_labels = dup_header(GMIME_OBJECT(msg), "msip_labels");
	m->message_id = dup_raw_header(GMIME_OBJECT(msg), "Message-ID");
	m->in_reply_to = dup_raw_header(GMIME_OBJECT(msg), "In-Reply-To");
	m->references = dup_raw_header(GMIME_OBJECT(msg), "References");
}

static int
analyse_stream(const struct fconf *c, GMimeStream *stream, struct fmsg *m)
{
	struct walk w = { c, m, 0, fio_now_ms() };
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	if (msg == NULL) {
		incomplete(m, "not a parseable message");
		return 0;
	}
	m->deadline_ms = w.t0 + c->limits.max_analysis_time * 1000LL;
	collect_headers(m, msg);
	walk_message(&w, msg, 0, 0);
	g_object_unref(msg);
	fmsg_check_deadline(m);
	return w.oom ? -1 : 0;
}

int
fmsg_analyse(const struct fconf *c, const char *data, size_t len, struct fmsg *m)
{
	GMimeStream *stream;
	int rc;

	memset(m, 0, sizeof(*m));
	/* NULL data: the caller's buffer already passed the size limit. */
	if (data == NULL || (long long)len > c->limits.max_message_size) {
		incomplete(m, "message size limit");
		return 0;
	}
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	rc = analyse_stream(c, stream, m);
	g_object_unref(stream);
	return rc;
}

/* A spooled message: GMime reads the temp file through its own stream
 * (parts stay in the file until decoded), or the memory when it is small. */
int
fmsg_analyse_spool(const struct fconf *c, struct fspool *sp, struct fmsg *m)
{
	GMimeStream *stream;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	if (sp->overflow || (long long)sp->len > c->limits.max_message_size) {
		incomplete(m, "message size limit");
		return 0;
	}
	if ((fd = fspool_fd(sp)) < 0)
		return fmsg_analyse(c, sp->buf.data ? sp->buf.data : "", sp->buf.len, m);
	/* Bounded from 0: a plain fs stream starts at the descriptor's
	 * position, which is the end of what was just written. */
	if ((stream = g_mime_stream_fs_new_with_bounds(fd, 0, (gint64)sp->len)) == NULL)
		return -1;
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(stream), FALSE);
	rc = analyse_stream(c, stream, m);
	g_object_unref(stream);
	return rc;
}

int
fmsg_check_deadline(struct fmsg *m)
{
	if (m->deadline_ms == 0 || fio_now_ms() <= m->deadline_ms)
		return 0;
	incomplete(m, "analysis time limit");
	return 1;
}

void
fmsg_free(struct fmsg *m)
{
	fsegs_free(&m->segs);
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->sensitivity);
	free(m->msip_labels);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	memset(m, 0, sizeof(*m));
}
