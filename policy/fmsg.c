/* fmsg: walk the MIME tree with GMime. Text parts are decoded to UTF-8 and
 * split into authored and quoted text; HTML goes through fhtml first.
 * message/rfc822 parts are walked as attachments. Limits fail closed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "fbuf.h"
#include "fhtml.h"
#include "fmsg.h"
#include "fquote.h"
#include "ftext.h"
#include "fx.h"

struct walk {
	const struct fconf *conf;
	struct fmsg *m;
	int oom;
	long long t0;          /* start, CLOCK_MONOTONIC ms */
};

void
fmsg_global_init(void)
{
	g_mime_init();
	xmlInitParser();
	fx_global_init();
}

void
fmsg_global_shutdown(void)
{
	g_mime_shutdown();
	xmlCleanupParser();
}

static void
incomplete(struct fmsg *m, const char *why)
{
	if (!m->incomplete)
		fstrlcpy(m->incomplete_reason, why, sizeof(m->incomplete_reason));
	m->incomplete = 1;
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

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
extract_limits(struct walk *w, struct fx_limits *l)
{
	const struct fconf *c = w->conf;
	long long left = c->limits.max_analysis_time * 1000LL - (now_ms() - w->t0);
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

static void
extract(struct walk *w, const char *ctype, const char *fname, const unsigned char *p,
    size_t n)
{
	enum fx_kind k = fx_sniff(ctype, fname, p, n);
	struct fx_limits l;
	struct fx_result r;

	if (n == 0 || k == FX_KIND_NONE || extract_limits(w, &l) < 0)
		return;
	fx_result_init(&r, l.max_text);
	fx_extract_sandboxed(k, p, n, &l, &r);
	if (count_decoded(w, r.text.len) == 0)
		add_seg(w, FWHERE_ATTACHMENT, fbuf_str(&r.text), r.text.len);
	if (r.status != FX_OK)
		incomplete(w->m, r.reason);
	if (r.encrypted && !w->m->encrypted_att) {
		w->m->encrypted_att = 1;
		fstrlcpy(w->m->encrypted_att_reason, r.enc_reason,
		    sizeof(w->m->encrypted_att_reason));
	}
	fx_result_free(&r);
}

/* A part GMime does not turn into text: decode the transfer encoding and
 * hand the bytes to the attachment extractors. */
static void
walk_binary(struct walk *w, GMimeObject *obj, const char *fname)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeStream *mem;
	GByteArray *ba;
	char *ctype;

	if (dw == NULL)
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) < 0) {
		incomplete(w->m, "attachment could not be decoded");
	} else if ((ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))) != NULL &&
	    count_decoded(w, ba->len) == 0) {
		ctype = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
		extract(w, ctype, fname, ba->data, ba->len);
		g_free(ctype);
	}
	g_object_unref(mem);
}

static void walk_object(struct walk *w, GMimeObject *obj, int depth, int in_att);

static void
walk_leaf(struct walk *w, GMimeObject *obj, int in_att)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
	const char *fname = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	int att = in_att || (cd && g_mime_content_disposition_is_attachment(cd)) || fname;
	int html = ct && g_mime_content_type_is_type(ct, "text", "html");
	char *text;

	if (ct && (g_mime_content_type_is_type(ct, "application", "pkcs7-mime") ||
	    g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime")))
		w->m->encrypted = 1;
	if (fname)
		add_seg(w, FWHERE_ATTACHMENT, fname, strlen(fname));
	/* Text attachments without a charset: fx_text guesses (BOM, UTF-16,
	 * windows-1252) where GMime would assume one. */
	if (GMIME_IS_PART(obj) && (!GMIME_IS_TEXT_PART(obj) ||
	    (att && g_mime_object_get_content_type_parameter(obj, "charset") == NULL && !html))) {
		walk_binary(w, obj, fname);
		return;
	}
	if (!GMIME_IS_TEXT_PART(obj))
		return;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	if (text == NULL) {
		incomplete(w->m, "text part could not be decoded");
		return;
	}
	if (count_decoded(w, strlen(text)) < 0) {
		g_free(text);
		return;
	}
	if (att)
		add_attachment_text(w, text, strlen(text), html);
	else
		add_body_text(w, text, strlen(text), html);
	g_free(text);
}

static void
walk_message(struct walk *w, GMimeMessage *msg, int depth, int in_att)
{
	const char *subj = g_mime_message_get_subject(msg);

	if (subj)
		add_seg(w, in_att ? FWHERE_ATTACHMENT : FWHERE_SUBJECT, subj, strlen(subj));
	if (g_mime_message_get_mime_part(msg))
		walk_object(w, g_mime_message_get_mime_part(msg), depth + 1, in_att);
}

static void
walk_object(struct walk *w, GMimeObject *obj, int depth, int in_att)
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
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "encrypted"))
			w->m->encrypted = 1;
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1, in_att);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner)
			walk_message(w, inner, depth, 1);
	} else {
		walk_leaf(w, obj, in_att);
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

static void
collect_addrs(struct fmsg *m, InternetAddressList *l, int depth)
{
	for (int i = 0; l && i < internet_address_list_length(l) && depth < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			collect_addrs(m, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)),
			    depth + 1);
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
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			fstrlcpy(m->from, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
			    sizeof(m->from));
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		collect_addrs(m, g_mime_message_get_addresses(msg, types[i]), 0);
	m->sensitivity = dup_header(GMIME_OBJECT(msg), "Sensitivity");
	m->msip_labels = dup_header(GMIME_OBJECT(msg), "msip_labels");
	m->message_id = dup_raw_header(GMIME_OBJECT(msg), "Message-ID");
	m->in_reply_to = dup_raw_header(GMIME_OBJECT(msg), "In-Reply-To");
	m->references = dup_raw_header(GMIME_OBJECT(msg), "References");
}

int
fmsg_analyse(const struct fconf *c, const char *data, size_t len, struct fmsg *m)
{
	struct walk w = { c, m, 0, now_ms() };
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	memset(m, 0, sizeof(*m));
	/* NULL data: the caller's buffer already passed the size limit. */
	if (data == NULL || (long long)len > c->limits.max_message_size) {
		incomplete(m, "message size limit");
		return 0;
	}
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL) {
		incomplete(m, "not a parseable message");
		return 0;
	}
	collect_headers(m, msg);
	walk_message(&w, msg, 0, 0);
	g_object_unref(msg);
	if (now_ms() - w.t0 > c->limits.max_analysis_time * 1000LL)
		incomplete(m, "analysis time limit");
	return w.oom ? -1 : 0;
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
