/* fx: what kind of attachment is this, and the shared result plumbing. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "fbuf.h"
#include "fx.h"

static const char *const status_names[] = {
	"ok", "limit", "broken", "failed", "encrypted"
};

const char *
fx_status_name(enum fx_status st)
{
	return (unsigned)st <= FX_ENCRYPTED ? status_names[st] : "?";
}

void
fx_result_init(struct fx_result *r, size_t max_text)
{
	memset(r, 0, sizeof(*r));
	fbuf_init(&r->text, max_text ? max_text : 1);
}

void
fx_result_free(struct fx_result *r)
{
	fbuf_free(&r->text);
	memset(r, 0, sizeof(*r));
}

void
fx_set(struct fx_result *r, enum fx_status st, const char *reason)
{
	if (st == FX_ENCRYPTED) {
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

enum fx_kind
fx_sniff(const char *ctype, const char *fname, const unsigned char *p, size_t n)
{
	static const unsigned char cfb[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	static const char *const text_exts[] = { ".txt", ".csv", ".tsv", ".text", NULL };

	if (p == NULL || n == 0)
		return FX_KIND_NONE;
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return FX_KIND_ZIP;
	if (n >= sizeof(cfb) && memcmp(p, cfb, sizeof(cfb)) == 0)
		return FX_KIND_CFB;
	/* Readers accept "%PDF-" anywhere in the first KiB, so do we. */
	if (memmem(p, n < 1024 ? n : 1024, "%PDF-", 5) != NULL)
		return FX_KIND_PDF;
	if (ctype && strncasecmp(ctype, "text/", 5) == 0)
		return FX_KIND_TEXT;
	if (has_ext(fname, text_exts))
		return FX_KIND_TEXT;
	return FX_KIND_NONE;
}

/* An OLE compound file is legacy Office (not read) unless it holds the
 * streams of an encrypted OOXML package (MS-OFFCRYPTO). Stream names are
 * UTF-16LE in the directory sectors. */
void
fx_cfb(const unsigned char *p, size_t n, struct fx_result *r)
{
	static const char name[] = "EncryptedPackage";
	unsigned char u16[2 * (sizeof(name) - 1)];

	for (size_t i = 0; i < sizeof(name) - 1; i++) {
		u16[2 * i] = (unsigned char)name[i];
		u16[2 * i + 1] = 0;
	}
	if (memmem(p, n, u16, sizeof(u16)) != NULL)
		fx_set(r, FX_ENCRYPTED, "encrypted office document");
}

void
fx_dispatch(enum fx_kind k, const unsigned char *p, size_t n,
    const struct fx_limits *l, int depth, struct fx_result *r)
{
	switch (k) {
	case FX_KIND_TEXT:
		fx_text(p, n, r);
		break;
	case FX_KIND_ZIP:
		fx_zip(p, n, l, depth, r);
		break;
	case FX_KIND_PDF:
		fx_pdf(p, n, l, r);
		break;
	case FX_KIND_CFB:
		fx_cfb(p, n, r);
		break;
	case FX_KIND_NONE:
		break;
	}
}

void
fx_extract(enum fx_kind k, const unsigned char *p, size_t n,
    const struct fx_limits *l, int depth, struct fx_result *r)
{
	fx_dispatch(k, p, n, l, depth, r);
	if (r->text.overflow)
		fx_set(r, FX_LIMIT, "attachment text size limit");
	/* Text far larger than the file it came from: a compression bomb. */
	if (r->text.len > FX_RATIO_FLOOR && l->max_ratio > 0 &&
	    r->text.len / (n ? n : 1) >= (size_t)l->max_ratio)
		fx_set(r, FX_LIMIT, "decompression ratio limit");
}
