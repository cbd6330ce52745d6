/* extract: what kind of attachment is this, and the shared result plumbing. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "base/buffer.h"
#include "extract/extract.h"

static const char *const status_names[] = {
	"ok", "limit", "broken", "failed", "encrypted"
};

const char *
fextract_status_name(enum fextract_status st)
{
	return (unsigned)st <= FEXTRACT_ENCRYPTED ? status_names[st] : "?";
}

void
fextract_result_init(struct fextract_result *r, size_t max_text)
{
	memset(r, 0, sizeof(*r));
	fbuf_init(&r->text, max_text ? max_text : 1);
}

void
fextract_result_free(struct fextract_result *r)
{
	fbuf_free(&r->text);
	memset(r, 0, sizeof(*r));
}

void
fextract_set(struct fextract_result *r, enum fextract_status st, const char *reason)
{
	if (st == FEXTRACT_ENCRYPTED) {
		if (!r->encrypted)
			fstrlcpy(r->enc_reason, reason, sizeof(r->enc_reason));
		r->encrypted = 1;
		return;
	}
	if (st > r->status) {
		r->status = st;
		fstrlcpy(r->reason, reason, sizeof(r->reason));
	}
}

static int
has_ext(const char *fname, const char *const *exts)
{
	const char *dot = fname ? strrchr(fname, '.') : NULL;

	for (; dot && *exts; exts++)
		if (strcasecmp(dot, *exts) == 0)
			return 1;
	return 0;
}

/* Compressed streams and archives by their magic numbers; a zip whose
 * local header is not at the start (a stub or junk before it) too. */
static int
is_archive(const unsigned char *p, size_t n)
{
	static const struct {
		size_t at, len;
		const char *magic;
	} m[] = {
		{ 0, 2, "\x1f\x8b" },                     /* gzip */
		{ 0, 3, "BZh" },                           /* bzip2 */
		{ 0, 6, "\xfd" "7zXZ\0" },                 /* xz */
		{ 0, 4, "\x28\xb5\x2f\xfd" },             /* zstd */
		{ 0, 6, "7z\xbc\xaf\x27\x1c" },           /* 7z */
		{ 0, 4, "Rar!" },
		{ 257, 5, "ustar" },                       /* tar */
	};
	size_t head = n < 65536 ? n : 65536;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= m[i].at + m[i].len && memcmp(p + m[i].at, m[i].magic, m[i].len) == 0)
			return 1;
	return head > 4 && memmem(p + 1, head - 1, "PK\3\4", 4) != NULL;
}

enum fextract_kind
fextract_sniff(const char *ctype, const char *fname, const unsigned char *p, size_t n)
{
	static const unsigned char cfb[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	static const char *const text_exts[] = { ".txt", ".csv", ".tsv", ".text", ".ics", ".ical",
		".ifb", ".vcs", ".vcf", NULL };

	if (p == NULL || n == 0)
		return FEXTRACT_KIND_NONE;
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return FEXTRACT_KIND_ZIP;
	if (n >= sizeof(cfb) && memcmp(p, cfb, sizeof(cfb)) == 0)
		return FEXTRACT_KIND_CFB;
	/* Readers accept "%PDF-" anywhere in the first KiB, so do we. */
	if (memmem(p, n < 1024 ? n : 1024, "%PDF-", 5) != NULL)
		return FEXTRACT_KIND_PDF;
	if (is_archive(p, n))
		return FEXTRACT_KIND_ARCHIVE;
	if (ctype && strncasecmp(ctype, "text/", 5) == 0)
		return FEXTRACT_KIND_TEXT;
	if (has_ext(fname, text_exts))
		return FEXTRACT_KIND_TEXT;
	return FEXTRACT_KIND_NONE;
}

/* An OLE compound file is legacy Office (read by extract/cfb.c) unless it
 * holds the streams of an encrypted OOXML package (MS-OFFCRYPTO). Stream
 * names are UTF-16LE in the directory sectors. */
void
fextract_cfb(const unsigned char *p, size_t n, struct fextract_result *r)
{
	static const char name[] = "EncryptedPackage";
	unsigned char u16[2 * (sizeof(name) - 1)];

	for (size_t i = 0; i < sizeof(name) - 1; i++) {
		u16[2 * i] = (unsigned char)name[i];
		u16[2 * i + 1] = 0;
	}
	if (memmem(p, n, u16, sizeof(u16)) != NULL)
		fextract_set(r, FEXTRACT_ENCRYPTED, "encrypted office document");
	else
		fextract_cfb_text(p, n, r);
}

void
fextract_dispatch(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, int depth, struct fextract_result *r)
{
	switch (k) {
	case FEXTRACT_KIND_TEXT:
		fextract_text(p, n, r);
		break;
	case FEXTRACT_KIND_ZIP:
		fextract_zip(p, n, l, depth, r);
		break;
	case FEXTRACT_KIND_PDF:
		fextract_pdf(p, n, l, r);
		break;
	case FEXTRACT_KIND_CFB:
		fextract_cfb(p, n, r);
		break;
	case FEXTRACT_KIND_ARCHIVE:
		fextract_archive(p, n, l, depth, r);
		break;
	case FEXTRACT_KIND_NONE:
		break;
	}
}

void
fextract_extract(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, int depth, struct fextract_result *r)
{
	fextract_dispatch(k, p, n, l, depth, r);
	if (r->text.overflow)
		fextract_set(r, FEXTRACT_LIMIT, "attachment text size limit");
	/* Text far larger than the file it came from: a compression bomb. */
	if (r->text.len > FEXTRACT_RATIO_FLOOR && l->max_ratio > 0 &&
	    r->text.len / (n ? n : 1) >= (size_t)l->max_ratio)
		fextract_set(r, FEXTRACT_LIMIT, "decompression ratio limit");
}
