/* test_extract_msg: attachments through fmsg_analyse() and the decision:
 * text reaches an attachment segment, limits and encrypted attachments
 * set their reasons, and on_encrypted_attachment decides. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "decide/decide.h"
#include "tgen.h"
#include "tfort.h"
#include "tutil.h"

Suite *extract_msg_suite(void);

static struct fconf *
conf(const char *extra)
{
	static int n;
	char err[1024], *text, *path, name[64], *dir = tu_mkdtemp(), *words;
	struct fconf *c;

	ck_assert_ptr_nonnull(dir);
	words = tu_words(dir);
	ck_assert_ptr_nonnull(words);
	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n"
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n%s",
	    extra ? extra : ""), 0);
	snprintf(name, sizeof(name), "x%d-%d.conf", (int)getpid(), n++);
	path = tu_write(dir, name, text);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	free(words);
	tu_rmtree(dir);
	free(dir);
	return c;
}

/* A message with one base64 attachment. */
static void
message(struct fbuf *out, const char *ctype, const char *fname, const void *p, size_t n)
{
	gchar *b64 = g_base64_encode(p, n);
	size_t len = strlen(b64);

	fbuf_printf(out, "From: anne@bakkeby.dk\r\nTo: x@gmail.com\r\nSubject: Notat\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSe vedh\xc3\xa6" "ftede.\r\n"
	    "--b\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", ctype, fname);
	for (size_t i = 0; i < len; i += 76) {
		fbuf_add(out, b64 + i, len - i < 76 ? len - i : 76);
		fbuf_adds(out, "\r\n");
	}
	fbuf_adds(out, "--b--\r\n");
	g_free(b64);
}

static const char *
att_text(const struct fmsg *m, const char *needle)
{
	for (size_t i = 0; i < m->segs.n; i++)
		if (m->segs.v[i].where == FWHERE_ATTACHMENT && strstr(m->segs.v[i].text, needle))
			return m->segs.v[i].text;
	return NULL;
}

START_TEST(t_docx_attachment)
{
	const struct tg_entry e[] = {
		{ "[Content_Types].xml", "<Types/>", 0, NULL },
		{ "word/document.xml", "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>CPR 0101"
		  "</w:t></w:r><w:r><w:t>90-1234</w:t></w:r></w:p></w:body></w:document>", 0, NULL },
	};
	struct fconf *c = conf(NULL);
	struct fbuf zip, msg;
	struct fmsg m;

	fbuf_init(&zip, 0);
	fbuf_init(&msg, 0);
	ck_assert_int_eq(tg_zip(e, 2, &zip), 0);
	message(&msg, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	    "notat.docx", zip.data, zip.len);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_int_eq(m.incomplete, 0);
	ck_assert_ptr_nonnull(att_text(&m, "CPR 010190-1234"));
	ck_assert_ptr_nonnull(att_text(&m, "notat.docx"));
	fmsg_free(&m);
	fconf_unref(c);
	/* A message that decodes to more than the decoded-size limit. */
	c = conf("limits = { max_decoded_size = 1024; };\n");
	fbuf_reset(&zip);
	for (int i = 0; i < 300; i++)
		fbuf_printf(&zip, "%d;", i);
	fbuf_reset(&msg);
	message(&msg, "application/octet-stream", "tal.csv", zip.data, zip.len);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_int_eq(m.incomplete, 1);
	ck_assert_str_eq(m.incomplete_reason, "decoded size limit");
	fmsg_free(&m);
	fconf_unref(c);
	fbuf_free(&zip);
	fbuf_free(&msg);
}
END_TEST

START_TEST(t_text_attachments)
{
	static const char u16[] = "\xff\xfe" "C\0P\0R\0 \0" "2\0" "5\0" "1\0" "2\0" "7\0" "8\0"
	    "-\0" "1\0" "2\0" "3\0" "4\0";
	static const char cp1252[] = "navn;diagnose\nJ\xf8" "rgen;psykose\n";
	struct fconf *c = conf(NULL);
	struct fbuf msg;
	struct fmsg m;

	fbuf_init(&msg, 0);
	message(&msg, "text/plain", "cpr.txt", u16, sizeof(u16) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "CPR 251278-1234"));
	fmsg_free(&m);
	fbuf_reset(&msg);
	message(&msg, "text/plain; charset=utf-16", "cpr2.txt", u16, sizeof(u16) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "CPR 251278-1234"));
	fmsg_free(&m);
	fbuf_reset(&msg);
	message(&msg, "application/vnd.ms-excel", "liste.csv", cp1252, sizeof(cp1252) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "J\xc3\xb8" "rgen;psykose"));
	fmsg_free(&m);
	fbuf_reset(&msg);
	message(&msg, "text/csv; charset=windows-1252", "liste2.csv", cp1252, sizeof(cp1252) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "J\xc3\xb8" "rgen;psykose"));
	fmsg_free(&m);
	fbuf_free(&msg);
	fconf_unref(c);
}
END_TEST

/* An invitation from Outlook: the description folded at 75 octets in the
 * middle of the CPR number, with iCalendar's escapes; as text/calendar, as
 * an .ics file with a generic type, and as a contact card. */
START_TEST(t_calendar_folding)
{
	static const char ics[] = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
	    "DESCRIPTION:M\xc3\xb8" "de om borgeren\\, cpr-nr. 2512\r\n 78-1234\\nHusk sagen\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	static const char vcf[] = "BEGIN:VCARD\r\nNOTE:cpr 251278-\r\n\t1234\r\nEND:VCARD\r\n";
	struct fconf *c = conf(NULL);
	struct fbuf msg;
	struct fmsg m;

	fbuf_init(&msg, 0);
	message(&msg, "text/calendar; charset=utf-8; method=REQUEST", "invite.ics", ics,
	    sizeof(ics) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "borgeren, cpr-nr. 251278-1234\nHusk"));
	fmsg_free(&m);
	fbuf_reset(&msg);
	message(&msg, "application/octet-stream", "invite.ics", ics, sizeof(ics) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "cpr-nr. 251278-1234"));
	fmsg_free(&m);
	fbuf_reset(&msg);
	message(&msg, "text/vcard", "kontakt.vcf", vcf, sizeof(vcf) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "cpr 251278-1234"));
	fmsg_free(&m);
	/* Plain text keeps its line breaks: only calendars and cards fold. */
	fbuf_reset(&msg);
	message(&msg, "text/plain; charset=utf-8", "note.txt", vcf, sizeof(vcf) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_null(att_text(&m, "cpr 251278-1234"));
	fmsg_free(&m);
	fbuf_free(&msg);
	fconf_unref(c);
}
END_TEST

static const char *
any_text(const struct fmsg *m, const char *needle)
{
	for (size_t i = 0; i < m->segs.n; i++)
		if (strstr(m->segs.v[i].text, needle))
			return m->segs.v[i].text;
	return NULL;
}

/* format=flowed (RFC 3676): a soft line break inside the CPR number or a
 * word is joined as a reader shows it; DelSp=yes drops the blank too.
 * Found by the differential test (tests/diff). */
START_TEST(t_flowed)
{
	static const char body[] = "From: a@bakkeby.dk\r\nTo: b@gmail.com\r\nSubject: s\r\n"
	    "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
	    "Hans cpr er 030452 \r\n1236 if\xc3\xb8lge \r\nkopien.\r\n-- \r\nJens\r\n";
	static const char att[] = "cpr-nr. 0101 \r\n90-1236 og alkohol \r\nbehandlingen\r\n";
	struct fconf *c = conf(NULL);
	struct fbuf msg;
	struct fmsg m;

	ck_assert_int_eq(fmsg_analyse(c, body, sizeof(body) - 1, &m), 0);
	ck_assert_ptr_nonnull(any_text(&m, "Hans cpr er 030452 1236 if\xc3\xb8lge kopien."));
	fmsg_free(&m);
	fbuf_init(&msg, 0);
	message(&msg, "text/plain; charset=utf-8; format=flowed; delsp=yes", "note.txt", att,
	    sizeof(att) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_nonnull(att_text(&m, "cpr-nr. 010190-1236 og alkoholbehandlingen"));
	fmsg_free(&m);
	/* Without format=flowed the breaks stay. */
	fbuf_reset(&msg);
	message(&msg, "text/plain; charset=utf-8", "note.txt", att, sizeof(att) - 1);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_ptr_null(att_text(&m, "010190"));
	fmsg_free(&m);
	fbuf_free(&msg);
	fconf_unref(c);
}
END_TEST

static void
decide_encrypted(const char *setting, enum fclass cls, enum fpol_outcome would)
{
	const struct tg_entry e[] = { { "a.txt", "x", 0, "pw" } };
	const char *rcpt = "x@gmail.com";
	char extra[128];
	struct fconf *c;
	struct fbuf zip, msg, line;
	struct fpol_verdict v;

	snprintf(extra, sizeof(extra), "limits = { on_encrypted_attachment = \"%s\"; };\n",
	    setting);
	c = conf(extra);
	fbuf_init(&zip, 0);
	fbuf_init(&msg, 0);
	fbuf_init(&line, 0);
	ck_assert_int_eq(tg_zip(e, 1, &zip), 0);
	message(&msg, "application/zip", "a.zip", zip.data, zip.len);
	ck_assert_int_eq(tf_eval(c, msg.data, msg.len, "anne@bakkeby.dk", NULL,
	    &rcpt, 1, &v), 0);
	ck_assert_int_eq(v.cls, cls);
	ck_assert_int_eq(v.would, would);
	ck_assert_int_eq(v.incomplete, 0);
	ck_assert_int_eq(fpol_log_line(&v, "anne@bakkeby.dk", &line), 0);
	if (strcmp(setting, "ignore") == 0)
		ck_assert_ptr_null(strstr(fbuf_str(&line), "encrypted_attachment"));
	else
		ck_assert_ptr_nonnull(strstr(fbuf_str(&line),
		    "encrypted_attachment=\"encrypted zip entry\""));
	fpol_verdict_free(&v);
	fbuf_free(&zip);
	fbuf_free(&msg);
	fbuf_free(&line);
	fconf_unref(c);
}

START_TEST(t_encrypted_rule)
{
	decide_encrypted("confidential", FCLASS_CONFIDENTIAL, FPOL_REJECT);
	decide_encrypted("tempfail", FCLASS_CLEAN, FPOL_TEMPFAIL);
	decide_encrypted("ignore", FCLASS_CLEAN, FPOL_DELIVER);
}
END_TEST

START_TEST(t_broken_attachment)
{
	struct fconf *c = conf(NULL);
	struct fbuf msg;
	struct fmsg m;

	fbuf_init(&msg, 0);
	message(&msg, "application/pdf", "x.pdf", "%PDF-1.4 garbage", 16);
	ck_assert_int_eq(fmsg_analyse(c, msg.data, msg.len, &m), 0);
	ck_assert_int_eq(m.incomplete, 1);
	ck_assert_str_eq(m.incomplete_reason, "PDF could not be parsed");
	fmsg_free(&m);
	fbuf_free(&msg);
	fconf_unref(c);
}
END_TEST

Suite *
extract_msg_suite(void)
{
	Suite *s = suite_create("extract-msg");
	TCase *tc = tcase_create("fmsg");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_docx_attachment);
	tcase_add_test(tc, t_text_attachments);
	tcase_add_test(tc, t_calendar_folding);
	tcase_add_test(tc, t_flowed);
	tcase_add_test(tc, t_encrypted_rule);
	tcase_add_test(tc, t_broken_attachment);
	suite_add_tcase(s, tc);
	return s;
}
