/* test_extract: every attachment extractor on files generated here (tgen.h),
 * the limits, encrypted attachments, the sandbox, and fmsg end to end. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "decide/decide.h"
#include "extract/extract.h"
#include "extract/zygote.h"
#include "tgen.h"
#include "tutil.h"
#include "tmain.h"

static const struct fextract_limits lim = { 8u << 20, 100, 3, 10000, 1LL << 30 };

static const char ctypes[] =
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	"content-types\"/>";
/* A CPR split over three runs, and layout numbers that must not join it. */
static const char docx_doc[] =
	"<?xml version=\"1.0\"?><w:document xmlns:w=\"w\" xmlns:wp=\"wp\"><w:body>"
	"<w:p><w:r><w:t>Borger med CPR </w:t></w:r><w:r><w:t>0101</w:t></w:r>"
	"<w:r><w:t>90</w:t></w:r><w:r><w:t xml:space=\"preserve\">-1234 </w:t></w:r>"
	"<w:r><w:drawing><wp:posOffset>5551234</wp:posOffset></w:drawing></w:r></w:p>"
	"<w:p><w:r><w:t>anbringelse</w:t><w:tab/><w:t>depression</w:t></w:r></w:p>"
	"</w:body></w:document>";
static const char docx_custom[] =
	"<?xml version=\"1.0\"?><Properties xmlns:vt=\"vt\">"
	"<property fmtid=\"x\" pid=\"2\" name=\"MSIP_Label_1234abcd-0000_Name\">"
	"<vt:lpwstr>Fortroligt</vt:lpwstr></property>"
	"<property fmtid=\"x\" pid=\"3\" name=\"Sagsnr\"><vt:lpwstr>27.00</vt:lpwstr></property>"
	"</Properties>";

static void
run(enum fextract_kind k, const struct fbuf *in, const struct fextract_limits *l, struct fextract_result *r)
{
	fextract_result_init(r, l->max_text);
	fextract_extract(k, (const unsigned char *)in->data, in->len, l, 0, r);
}

static void
make_docx(struct fbuf *out)
{
	const struct tg_entry e[] = {
		{ "[Content_Types].xml", ctypes, 0, NULL },
		{ "word/document.xml", docx_doc, 0, NULL },
		{ "word/header1.xml", "<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>FORTROLIGT</w:t>"
		  "</w:r></w:p></w:hdr>", 0, NULL },
		{ "docProps/custom.xml", docx_custom, 0, NULL },
	};

	ck_assert_int_eq(tg_zip(e, 4, out), 0);
}

START_TEST(t_sniff)
{
	ck_assert_int_eq(fextract_sniff(NULL, NULL, (const unsigned char *)"PK\3\4xx", 6), FEXTRACT_KIND_ZIP);
	ck_assert_int_eq(fextract_sniff(NULL, NULL, (const unsigned char *)"%PDF-1.7", 8), FEXTRACT_KIND_PDF);
	ck_assert_int_eq(fextract_sniff("application/octet-stream", "liste.CSV",
	    (const unsigned char *)"a;b", 3), FEXTRACT_KIND_TEXT);
	ck_assert_int_eq(fextract_sniff("text/plain", NULL, (const unsigned char *)"a", 1), FEXTRACT_KIND_TEXT);
	ck_assert_int_eq(fextract_sniff("image/png", "x.png", (const unsigned char *)"\x89PNG", 4),
	    FEXTRACT_KIND_NONE);
}
END_TEST

START_TEST(t_text_charsets)
{
	/* "Fødsel" as UTF-16LE with BOM, without BOM, and windows-1252 "æøå €". */
	static const char u16[] = "\xff\xfe" "F\0\xf8\0" "d\0s\0e\0l\0";
	static const char u16nobom[] = "F\0\xf8\0" "d\0s\0e\0l\0";
	static const char cp1252[] = "\xe6\xf8\xe5 \x80";
	struct fbuf in;
	struct fextract_result r;

	fbuf_init(&in, 0);
	fbuf_add(&in, u16, sizeof(u16) - 1);
	run(FEXTRACT_KIND_TEXT, &in, &lim, &r);
	ck_assert_str_eq(fbuf_str(&r.text), "F\xc3\xb8" "dsel");
	fextract_result_free(&r);
	fbuf_reset(&in);
	fbuf_add(&in, u16nobom, sizeof(u16nobom) - 1);
	run(FEXTRACT_KIND_TEXT, &in, &lim, &r);
	ck_assert_str_eq(fbuf_str(&r.text), "F\xc3\xb8" "dsel");
	fextract_result_free(&r);
	fbuf_reset(&in);
	fbuf_add(&in, cp1252, sizeof(cp1252) - 1);
	run(FEXTRACT_KIND_TEXT, &in, &lim, &r);
	ck_assert_str_eq(fbuf_str(&r.text), "\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x82\xac");
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_docx)
{
	struct fbuf in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&in, 0);
	make_docx(&in);
	run(FEXTRACT_KIND_ZIP, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(t, "Borger med CPR 010190-1234 \n"));
	ck_assert_ptr_null(strstr(t, "5551234"));
	ck_assert_ptr_nonnull(strstr(t, "anbringelse\tdepression"));
	ck_assert_ptr_nonnull(strstr(t, "FORTROLIGT"));
	ck_assert_ptr_nonnull(strstr(t, "msip_label: Fortroligt\n"));
	ck_assert_ptr_nonnull(strstr(t, "Sagsnr: 27.00\n"));
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_xlsx_pptx)
{
	const struct tg_entry x[] = {
		{ "[Content_Types].xml", ctypes, 0, NULL },
		{ "xl/sharedStrings.xml", "<sst><si><t>Navn</t></si><si><r><t>Jens </t></r>"
		  "<r><t>Hansen</t></r></si></sst>", 0, NULL },
		{ "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c t=\"s\"><v>1</v></c>"
		  "<c><v>2512781234</v></c><c t=\"inlineStr\"><is><t>kontanthj\xc3\xa6lp</t></is></c>"
		  "</row></sheetData></worksheet>", 0, NULL },
		{ "ppt/slides/slide1.xml", "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>Slide"
		  "</a:t></a:r><a:r><a:t>tekst</a:t></a:r></a:p></p:sld>", 0, NULL },
	};
	struct fbuf in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&in, 0);
	ck_assert_int_eq(tg_zip(x, 4, &in), 0);
	run(FEXTRACT_KIND_ZIP, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_ptr_nonnull(strstr(t, "Navn\nJens Hansen\n"));
	ck_assert_ptr_nonnull(strstr(t, "2512781234\tkontanthj\xc3\xa6lp"));
	ck_assert_ptr_null(strstr(t, "\t1\t"));      /* shared-string index */
	ck_assert_ptr_nonnull(strstr(t, "Slidetekst\n"));
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

/* Text Office shows outside the main parts: a tracked deletion, SmartArt,
 * a chart, comments, a drawing's text box, a slide master. Found by the
 * differential test (tests/diff). */
START_TEST(t_ooxml_other_parts)
{
	const struct tg_entry x[] = {
		{ "[Content_Types].xml", ctypes, 0, NULL },
		{ "word/document.xml", "<w:document xmlns:w=\"w\"><w:body><w:p><w:del><w:r>"
		  "<w:delText>Slettet 050580-4567</w:delText></w:r></w:del></w:p></w:body></w:document>",
		  0, NULL },
		{ "word/diagrams/data1.xml", "<d:dataModel xmlns:d=\"d\" xmlns:a=\"a\"><a:p><a:r>"
		  "<a:t>Smartart 0606</a:t></a:r><a:r><a:t>80-5678</a:t></a:r></a:p></d:dataModel>", 0, NULL },
		{ "word/charts/chart1.xml", "<c:chartSpace xmlns:c=\"c\"><c:strCache><c:pt><c:v>Misbrug"
		  "</c:v></c:pt><c:pt><c:v>Psykiatri</c:v></c:pt></c:strCache></c:chartSpace>", 0, NULL },
		{ "xl/comments1.xml", "<comments><commentList><comment><text><r><t>Kommentar 070780-6789"
		  "</t></r></text></comment></commentList></comments>", 0, NULL },
		{ "xl/drawings/drawing1.xml", "<x:wsDr xmlns:x=\"x\" xmlns:a=\"a\"><a:p><a:r><a:t>Tegning"
		  "</a:t></a:r></a:p></x:wsDr>", 0, NULL },
		{ "ppt/slideMasters/slideMaster1.xml", "<p:sldMaster xmlns:p=\"p\" xmlns:a=\"a\"><a:p>"
		  "<a:r><a:t>FORTROLIGT</a:t></a:r></a:p></p:sldMaster>", 0, NULL },
		{ "ppt/comments/comment1.xml", "<p:cmLst xmlns:p=\"p\"><p:cm><p:text>Diaskommentar"
		  "</p:text></p:cm></p:cmLst>", 0, NULL },
	};
	struct fbuf in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&in, 0);
	ck_assert_int_eq(tg_zip(x, 8, &in), 0);
	run(FEXTRACT_KIND_ZIP, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(t, "Slettet 050580-4567"));
	ck_assert_ptr_nonnull(strstr(t, "Smartart 060680-5678"));
	ck_assert_ptr_nonnull(strstr(t, "Misbrug\nPsykiatri"));
	ck_assert_ptr_nonnull(strstr(t, "Kommentar 070780-6789"));
	ck_assert_ptr_nonnull(strstr(t, "Tegning"));
	ck_assert_ptr_nonnull(strstr(t, "FORTROLIGT"));
	ck_assert_ptr_nonnull(strstr(t, "Diaskommentar"));
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_odt)
{
	const struct tg_entry o[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text", 0, NULL },
		{ "content.xml", "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\">"
		  "<office:body><office:text><text:p>CPR <text:span>2512</text:span>78"
		  "<text:span>-1234</text:span><text:s/>psykiatri</text:p><text:h>Sag</text:h>"
		  "</office:text></office:body></office:document-content>", 0, NULL },
		{ "meta.xml", "<office:document-meta xmlns:meta=\"m\" xmlns:office=\"o\">"
		  "<office:meta><meta:user-defined meta:name=\"Klassifikation\">Fortroligt"
		  "</meta:user-defined></office:meta></office:document-meta>", 0, NULL },
	};
	struct fbuf in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&in, 0);
	ck_assert_int_eq(tg_zip(o, 3, &in), 0);
	run(FEXTRACT_KIND_ZIP, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_ptr_nonnull(strstr(t, "CPR 251278-1234\tpsykiatri\nSag\n"));
	ck_assert_ptr_nonnull(strstr(t, "Klassifikation: Fortroligt"));
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_pdf_flate)
{
	struct fbuf in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&in, 0);
	/* One CPR shown in three fragments on one line. */
	ck_assert_int_eq(tg_pdf("BT /F1 12 Tf 72 700 Td (Tvangsbehandling CPR ) Tj (0101) Tj "
	    "(90-) Tj (1234) Tj ET", &in), 0);
	run(FEXTRACT_KIND_PDF, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_msg(strstr(t, "Tvangsbehandling CPR 010190-1234") != NULL, "got: %s", t);
	fextract_result_free(&r);
	fbuf_reset(&in);
	fbuf_adds(&in, "%PDF-1.4\nnot really\n");
	run(FEXTRACT_KIND_PDF, &in, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_BROKEN);
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_pdf_encrypted)
{
	char *dir = tu_mkdtemp(), cmd[2200], in_path[512], out_path[512];
	struct fbuf in;
	struct fextract_result r;

	ck_assert_ptr_nonnull(dir);
	snprintf(in_path, sizeof(in_path), "%s/plain.pdf", dir);
	snprintf(out_path, sizeof(out_path), "%s/locked.pdf", dir);
	fbuf_init(&in, 0);
	ck_assert_int_eq(tg_pdf("BT /F1 12 Tf 72 700 Td (hemmelig) Tj ET", &in), 0);
	ck_assert_int_eq(tg_write_file(in_path, &in), 0);
	snprintf(cmd, sizeof(cmd), "qpdf --encrypt user owner 256 -- '%s' '%s'", in_path, out_path);
	ck_assert_int_eq(system(cmd), 0);
	fbuf_reset(&in);
	ck_assert_int_eq(tg_read_file(out_path, &in), 0);
	run(FEXTRACT_KIND_PDF, &in, &lim, &r);
	ck_assert_int_eq(r.encrypted, 1);
	ck_assert_str_eq(r.enc_reason, "encrypted PDF");
	ck_assert_ptr_null(strstr(fbuf_str(&r.text), "hemmelig"));
	fextract_result_free(&r);
	fbuf_free(&in);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(t_zip_members_and_encryption)
{
	struct fbuf docx, in;
	struct fextract_result r;
	const char *t;

	fbuf_init(&docx, 0);
	fbuf_init(&in, 0);
	make_docx(&docx);
	{
		const struct tg_entry a[] = {
			{ "sager/notat.docx", docx.data, docx.len, NULL },
			{ "liste.csv", "navn;cpr\nJens;2512781234\n", 0, NULL },
			{ "hemmelig.txt", "skjult", 0, "kodeord" },
		};
		ck_assert_int_eq(tg_zip(a, 3, &in), 0);
	}
	run(FEXTRACT_KIND_ZIP, &in, &lim, &r);
	t = fbuf_str(&r.text);
	ck_assert_ptr_nonnull(strstr(t, "sager/notat.docx\n"));
	ck_assert_ptr_nonnull(strstr(t, "CPR 010190-1234"));
	ck_assert_ptr_nonnull(strstr(t, "Jens;2512781234"));
	ck_assert_ptr_null(strstr(t, "skjult"));
	ck_assert_int_eq(r.encrypted, 1);
	ck_assert_str_eq(r.enc_reason, "encrypted zip entry");
	fextract_result_free(&r);
	fbuf_free(&docx);
	fbuf_free(&in);
}
END_TEST

/* A ustar archive with one file (POSIX.1-1988 header, by hand). */
static void
tar_one(const char *name, const char *data, struct fbuf *out)
{
	char h[512], pad[1024];
	size_t n = strlen(data);
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	memset(pad, 0, sizeof(pad));
	snprintf(h, 100, "%s", name);
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011zo", n);
	snprintf(h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	fbuf_add(out, h, sizeof(h));
	fbuf_add(out, data, n);
	fbuf_add(out, pad, (512 - n % 512) % 512);
	fbuf_add(out, pad, sizeof(pad));
}

static void
gzip_of(const void *p, size_t n, struct fbuf *out)
{
	z_stream z;
	unsigned char buf[65536];
	int rc;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_FINISH);
		fbuf_add(out, buf, sizeof(buf) - z.avail_out);
	} while (rc == Z_OK);
	ck_assert_int_eq(rc, Z_STREAM_END);
	deflateEnd(&z);
}

/* tar, tar.gz, a lone .gz, a zip behind a prefix byte: read, never "nothing
 * to read"; a cut-off stream is broken and a bomb hits the ratio limit. */
START_TEST(t_archives)
{
	struct fbuf tar, tgz, gz, pz, docx, big, cut;
	struct fextract_result r;
	char *zeros;

	fbuf_init(&tar, 0);
	fbuf_init(&tgz, 0);
	fbuf_init(&gz, 0);
	fbuf_init(&pz, 0);
	fbuf_init(&docx, 0);
	fbuf_init(&big, 0);
	fbuf_init(&cut, 0);
	tar_one("sager/notat.txt", "Notat om borgeren, cpr-nr. 010190-1234\n", &tar);
	ck_assert_int_eq(fextract_sniff("application/x-tar", "a.tar", (const unsigned char *)tar.data,
	    tar.len), FEXTRACT_KIND_ARCHIVE);
	run(FEXTRACT_KIND_ARCHIVE, &tar, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "sager/notat.txt\n"));
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "cpr-nr. 010190-1234"));
	fextract_result_free(&r);
	gzip_of(tar.data, tar.len, &tgz);
	ck_assert_int_eq(fextract_sniff("application/gzip", "a.tgz", (const unsigned char *)tgz.data,
	    tgz.len), FEXTRACT_KIND_ARCHIVE);
	run(FEXTRACT_KIND_ARCHIVE, &tgz, &lim, &r);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "cpr-nr. 010190-1234"));
	fextract_result_free(&r);
	gzip_of("Log: cpr 010190-1234 ringede\n", 30, &gz);
	run(FEXTRACT_KIND_ARCHIVE, &gz, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "cpr 010190-1234"));
	fextract_result_free(&r);
	make_docx(&docx);
	fbuf_addc(&pz, 'X');
	fbuf_add(&pz, docx.data, docx.len);
	ck_assert_int_eq(fextract_sniff(NULL, "a.zip", (const unsigned char *)pz.data, pz.len),
	    FEXTRACT_KIND_ARCHIVE);
	run(FEXTRACT_KIND_ARCHIVE, &pz, &lim, &r);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "CPR 010190-1234"));
	fextract_result_free(&r);
	fbuf_add(&cut, tgz.data, tgz.len / 2);
	run(FEXTRACT_KIND_ARCHIVE, &cut, &lim, &r);
	ck_assert_int_ge(r.status, FEXTRACT_BROKEN);
	fextract_result_free(&r);
	/* Text hidden after a tar's end blocks, plain or compressed. */
	{
		struct fbuf hid, hgz;
		char z2[1024] = { 0 };
		fbuf_init(&hid, 0);
		fbuf_init(&hgz, 0);
		fbuf_add(&hid, tar.data, tar.len);
		fbuf_add(&hid, z2, sizeof(z2));
		fbuf_adds(&hid, "cpr-nr. 010190-1234");
		run(FEXTRACT_KIND_ARCHIVE, &hid, &lim, &r);
		ck_assert_int_ge(r.status, FEXTRACT_BROKEN);
		fextract_result_free(&r);
		fbuf_reset(&hid);
		fbuf_add(&hid, z2, sizeof(z2));
		fbuf_adds(&hid, "Skjult: cpr-nr. 010190-1234");
		gzip_of(hid.data, hid.len, &hgz);
		run(FEXTRACT_KIND_ARCHIVE, &hgz, &lim, &r);
		ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "cpr-nr. 010190-1234"));
		fextract_result_free(&r);
		fbuf_free(&hid);
		fbuf_free(&hgz);
	}
	zeros = calloc(1, 20u << 20);
	ck_assert_ptr_nonnull(zeros);
	gzip_of(zeros, 20u << 20, &big);
	free(zeros);
	run(FEXTRACT_KIND_ARCHIVE, &big, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_LIMIT);
	fextract_result_free(&r);
	fbuf_free(&tar);
	fbuf_free(&tgz);
	fbuf_free(&gz);
	fbuf_free(&pz);
	fbuf_free(&docx);
	fbuf_free(&big);
	fbuf_free(&cut);
}
END_TEST

START_TEST(t_cfb_encrypted)
{
	unsigned char cfb[1024];
	static const char name[] = "EncryptedPackage";
	struct fbuf in;
	struct fextract_result r;

	memset(cfb, 0, sizeof(cfb));
	memcpy(cfb, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	for (size_t i = 0; i < sizeof(name) - 1; i++)
		cfb[600 + 2 * i] = (unsigned char)name[i];
	fbuf_init(&in, 0);
	fbuf_add(&in, cfb, sizeof(cfb));
	ck_assert_int_eq(fextract_sniff(NULL, "x.docx", cfb, sizeof(cfb)), FEXTRACT_KIND_CFB);
	run(FEXTRACT_KIND_CFB, &in, &lim, &r);
	ck_assert_int_eq(r.encrypted, 1);
	fextract_result_free(&r);
	cfb[600] = 'X';            /* a legacy .doc: not encrypted, not read */
	fbuf_reset(&in);
	fbuf_add(&in, cfb, sizeof(cfb));
	run(FEXTRACT_KIND_CFB, &in, &lim, &r);
	ck_assert_int_eq(r.encrypted, 0);
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A minimal compound file (512-byte sectors): FAT in sector 0, the
 * directory in 1, one stream "WordDocument" of len bytes from sector 2. */
static size_t
make_doc(unsigned char *f, size_t cap, const unsigned char *data, size_t len)
{
	size_t nsec = (len + 511) / 512, total = 512 * (3 + nsec);
	static const char root[] = "Root Entry", word[] = "WordDocument";

	ck_assert_uint_le(total, cap);
	memset(f, 0, total);
	memcpy(f, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	f[0x18] = 0x3e;
	f[0x1a] = 3;
	f[0x1c] = 0xfe;
	f[0x1d] = 0xff;
	f[0x1e] = 9;
	f[0x20] = 6;
	le32(f + 0x2c, 1);
	le32(f + 0x30, 1);
	le32(f + 0x38, 4096);
	le32(f + 0x3c, 0xfffffffe);
	le32(f + 0x44, 0xfffffffe);
	for (int i = 0; i < 109; i++)
		le32(f + 0x4c + 4 * i, i == 0 ? 0 : 0xffffffff);
	for (size_t i = 0; i < 128; i++)         /* the FAT */
		le32(f + 512 + 4 * i, 0xffffffff);
	le32(f + 512, 0xfffffffd);
	le32(f + 512 + 4, 0xfffffffe);
	for (size_t i = 0; i < nsec; i++)
		le32(f + 512 + 4 * (2 + i), i + 1 < nsec ? (uint32_t)(3 + i) : 0xfffffffe);
	for (size_t i = 0; root[i]; i++)          /* the directory */
		f[1024 + 2 * i] = (unsigned char)root[i];
	f[1024 + 0x40] = sizeof(root) * 2;
	f[1024 + 0x42] = 5;
	le32(f + 1024 + 0x74, 0xfffffffe);
	for (size_t i = 0; word[i]; i++)
		f[1152 + 2 * i] = (unsigned char)word[i];
	f[1152 + 0x40] = sizeof(word) * 2;
	f[1152 + 0x42] = 2;
	le32(f + 1152 + 0x74, 2);
	le32(f + 1152 + 0x78, (uint32_t)len);
	memcpy(f + 1536, data, len);
	return total;
}

/* A small .xls: its Workbook stream (under the 4096-byte cutoff) lives in
 * the mini stream: 64-byte mini sectors chained by the mini FAT. */
START_TEST(t_cfb_mini)
{
	static unsigned char f[8192], data[600];
	static const char wb[] = "Workbook";
	struct fbuf in;
	struct fextract_result r;
	size_t n;

	memset(data, 1, sizeof(data));
	memcpy(data + 40, "Sigtet for vold: Ole Berg, CPR 140549-0389", 42);
	/* Sector 2 holds the mini stream, sector 3 the mini FAT. */
	n = make_doc(f, sizeof(f), data, sizeof(data));
	/* The Root Entry holds the mini stream; the stream is "Workbook". */
	le32(f + 1024 + 0x74, 2);
	le32(f + 1024 + 0x78, 256);
	memset(f + 1152, 0, 64);
	for (size_t i = 0; wb[i]; i++)
		f[1152 + 2 * i] = (unsigned char)wb[i];
	f[1152 + 0x40] = sizeof(wb) * 2;
	le32(f + 1152 + 0x74, 0);                 /* mini sector 0 */
	le32(f + 1152 + 0x78, 200);
	/* Mini FAT in sector 3: mini sectors 0 -> 1 -> 2 -> 3 -> end. */
	le32(f + 0x3c, 3);
	le32(f + 0x40, 1);
	le32(f + 512 + 4 * 3, 0xfffffffe);
	for (int i = 0; i < 128; i++)
		le32(f + 2048 + 4 * i, i < 3 ? (uint32_t)(i + 1) : i == 3 ? 0xfffffffe : 0xffffffff);
	fbuf_init(&in, 0);
	fbuf_add(&in, f, n);
	run(FEXTRACT_KIND_CFB, &in, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "Sigtet for vold: Ole Berg, CPR 140549-0389"));
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

/* A legacy .doc: its text, 8-bit and UTF-16, read in stream order. */
START_TEST(t_cfb_doc)
{
	static unsigned char f[16384], data[5000];
	static const char *u16 = "Diagnose: depression";
	struct fbuf in;
	struct fextract_result r;
	size_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 1) & 0x1f;   /* binary noise */
	/* cp1252: "fået" has 0xe5; put across a sector boundary (512 + 1536). */
	memcpy(data + 500, "Borgerens CPR-nr. er 140549-0389, og hun har f\xe5""et svar.", 56);
	for (size_t i = 0; u16[i]; i++) {
		data[3000 + 2 * i] = (unsigned char)u16[i];
		data[3001 + 2 * i] = 0;
	}
	n = make_doc(f, sizeof(f), data, sizeof(data));
	fbuf_init(&in, 0);
	fbuf_add(&in, f, n);
	run(FEXTRACT_KIND_CFB, &in, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "CPR-nr. er 140549-0389, og hun har f\xc3\xa5""et"));
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "Diagnose: depression"));
	fextract_result_free(&r);
	/* A FAT that points past the file: not read, so incomplete. */
	le32(f + 512 + 4 * 3, 5000);
	fbuf_reset(&in);
	fbuf_add(&in, f, n);
	run(FEXTRACT_KIND_CFB, &in, &lim, &r);
	ck_assert_int_eq(r.status, FEXTRACT_BROKEN);
	fextract_result_free(&r);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_limits)
{
	char *zeros = calloc(1, 4u << 20);
	struct fbuf inner, mid, in;
	struct fextract_result r;
	struct fextract_limits l = lim;

	ck_assert_ptr_nonnull(zeros);
	memset(zeros, 'a', 4u << 20);
	fbuf_init(&in, 0);
	fbuf_init(&inner, 0);
	fbuf_init(&mid, 0);
	{
		const struct tg_entry bomb[] = { { "a.txt", zeros, 4u << 20, NULL } };
		ck_assert_int_eq(tg_zip(bomb, 1, &in), 0);
	}
	run(FEXTRACT_KIND_ZIP, &in, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_LIMIT);
	ck_assert_str_eq(r.reason, "decompression ratio limit");
	fextract_result_free(&r);
	l.max_ratio = 100000;
	l.max_text = 1u << 20;
	run(FEXTRACT_KIND_ZIP, &in, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_LIMIT);
	ck_assert_str_eq(r.reason, "decoded size limit");
	fextract_result_free(&r);
	/* zip in zip in zip with max_depth 1 */
	{
		const struct tg_entry e1[] = { { "x.txt", "dybt", 0, NULL } };
		ck_assert_int_eq(tg_zip(e1, 1, &inner), 0);
		const struct tg_entry e2[] = { { "inner.zip", inner.data, inner.len, NULL } };
		ck_assert_int_eq(tg_zip(e2, 1, &mid), 0);
		const struct tg_entry e3[] = { { "mid.zip", mid.data, mid.len, NULL } };
		fbuf_reset(&in);
		ck_assert_int_eq(tg_zip(e3, 1, &in), 0);
	}
	l = lim;
	l.max_depth = 1;
	run(FEXTRACT_KIND_ZIP, &in, &l, &r);
	ck_assert_str_eq(r.reason, "archive depth limit");
	fextract_result_free(&r);
	l.max_depth = 2;
	run(FEXTRACT_KIND_ZIP, &in, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "dybt"));
	fextract_result_free(&r);
	free(zeros);
	fbuf_free(&inner);
	fbuf_free(&mid);
	fbuf_free(&in);
}
END_TEST

START_TEST(t_sandbox)
{
	struct fbuf in, page;
	struct fextract_result r;
	struct fextract_limits l = lim;

	fbuf_init(&in, 0);
	make_docx(&in);
	fextract_result_init(&r, l.max_text);
	fextract_extract_sandboxed(FEXTRACT_KIND_ZIP, (const unsigned char *)in.data, in.len, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_OK);
	ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "msip_label: Fortroligt"));
	fextract_result_free(&r);
	/* A PDF with much text and a 1 ms deadline: the child is killed. */
	fbuf_init(&page, 0);
	fbuf_adds(&page, "BT /F1 4 Tf 10 780 Td ");
	for (int i = 0; i < 20000; i++)
		fbuf_adds(&page, "(tekst tekst tekst tekst) Tj 0 -1 Td ");
	fbuf_adds(&page, "ET");
	fbuf_reset(&in);
	ck_assert_int_eq(tg_pdf(fbuf_str(&page), &in), 0);
	l.timeout_ms = 1;
	fextract_result_init(&r, l.max_text);
	fextract_extract_sandboxed(FEXTRACT_KIND_PDF, (const unsigned char *)in.data, in.len, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_FAILED);
	ck_assert_str_eq(r.reason, "attachment extraction time limit");
	fextract_result_free(&r);
	/* No extractor program: the part cannot be read, never "clean". */
	{
		char *was = getenv("FORTROLIG_EXTRACTOR") ? strdup(getenv("FORTROLIG_EXTRACTOR")) : NULL;
		fzyg_stop();
		setenv("FORTROLIG_EXTRACTOR", "/nonexistent/fortrolig-extract", 1);
		fextract_result_init(&r, lim.max_text);
		fextract_extract_sandboxed(FEXTRACT_KIND_PDF, (const unsigned char *)in.data, in.len,
		    &lim, &r);
		ck_assert_int_eq(r.status, FEXTRACT_FAILED);
		ck_assert_uint_eq(r.text.len, 0);
		fextract_result_free(&r);
		fzyg_stop();
		if (was)
			setenv("FORTROLIG_EXTRACTOR", was, 1);
		else
			unsetenv("FORTROLIG_EXTRACTOR");
		free(was);
	}
	/* A zygote that died is started again, and the next part is read. */
	{
		struct fbuf docx;
		pid_t z;
		fbuf_init(&docx, 0);
		make_docx(&docx);
		fextract_result_init(&r, lim.max_text);
		fextract_extract_sandboxed(FEXTRACT_KIND_ZIP, (const unsigned char *)docx.data,
		    docx.len, &lim, &r);
		fextract_result_free(&r);
		ck_assert_int_gt((z = fzyg_pid()), 0);
		kill(z, SIGKILL);
		ck_assert_int_eq(waitpid(z, NULL, 0), z);
		fextract_result_init(&r, lim.max_text);
		fextract_extract_sandboxed(FEXTRACT_KIND_ZIP, (const unsigned char *)docx.data,
		    docx.len, &lim, &r);
		ck_assert_int_eq(r.status, FEXTRACT_OK);
		ck_assert_ptr_nonnull(strstr(fbuf_str(&r.text), "msip_label: Fortroligt"));
		ck_assert_int_ne(fzyg_pid(), z);
		fextract_result_free(&r);
		fbuf_free(&docx);
	}
	/* Output larger than the cap. */
	l = lim;
	l.max_text = 1000;
	fextract_result_init(&r, l.max_text);
	fextract_extract_sandboxed(FEXTRACT_KIND_PDF, (const unsigned char *)in.data, in.len, &l, &r);
	ck_assert_int_eq(r.status, FEXTRACT_LIMIT);
	fextract_result_free(&r);
	fbuf_free(&page);
	fbuf_free(&in);
}
END_TEST

Suite *extract_msg_suite(void);

static Suite *
suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("extractors");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_sniff);
	tcase_add_test(tc, t_text_charsets);
	tcase_add_test(tc, t_docx);
	tcase_add_test(tc, t_xlsx_pptx);
	tcase_add_test(tc, t_ooxml_other_parts);
	tcase_add_test(tc, t_odt);
	tcase_add_test(tc, t_pdf_flate);
	tcase_add_test(tc, t_pdf_encrypted);
	tcase_add_test(tc, t_zip_members_and_encryption);
	tcase_add_test(tc, t_cfb_encrypted);
	tcase_add_test(tc, t_cfb_doc);
	tcase_add_test(tc, t_cfb_mini);
	tcase_add_test(tc, t_archives);
	tcase_add_test(tc, t_limits);
	tcase_add_test(tc, t_sandbox);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	failed = tu_run(suite(), extract_msg_suite()) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
