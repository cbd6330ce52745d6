/* archive: tar, cpio, 7z, rar, a zip behind a prefix (self-extracting), and
 * gzip/bzip2/xz/zstd streams, through libarchive. Like zip.c, sizes in the
 * headers are never trusted: bytes are counted as they are decompressed,
 * against the attachment's budget and the compression-ratio limit. What
 * libarchive cannot read is "broken", so the message is incomplete. */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "base/buffer.h"
#include "extract/extract.h"

struct arc {
	struct archive *a;
	const struct fextract_limits *l;
	struct fextract_result *r;
	size_t packed;      /* the attachment's size, for the ratio */
	int depth;
};

static int
read_entry(struct arc *z, struct fbuf *out)
{
	char buf[16384];
	la_ssize_t k;

	while ((k = archive_read_data(z->a, buf, sizeof(buf))) > 0) {
		z->r->inflated += (size_t)k;
		if (z->r->inflated > z->l->max_text || fbuf_add(out, buf, (size_t)k) < 0) {
			fextract_set(z->r, FEXTRACT_LIMIT, "decoded size limit");
			return -1;
		}
		if (z->r->inflated > FEXTRACT_RATIO_FLOOR && z->l->max_ratio > 0 &&
		    z->r->inflated / (z->packed ? z->packed : 1) >= (size_t)z->l->max_ratio) {
			fextract_set(z->r, FEXTRACT_LIMIT, "decompression ratio limit");
			return -1;
		}
	}
	if (k < 0) {
		fextract_set(z->r, FEXTRACT_BROKEN, "archive entry could not be read");
		return -1;
	}
	return 0;
}

/* One member: its name, then the text of what it holds. */
static int
member(struct arc *z, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	struct fbuf data;
	enum fextract_kind k;
	int rc;

	if (name && *name) {
		fbuf_adds(&z->r->text, name);
		fbuf_addc(&z->r->text, '\n');
	}
	if (archive_entry_is_encrypted(e)) {
		fextract_set(z->r, FEXTRACT_ENCRYPTED, "encrypted archive entry");
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	fbuf_init(&data, z->l->max_text);
	if ((rc = read_entry(z, &data)) == 0 && data.len > 0) {
		k = fextract_sniff(NULL, name, (const unsigned char *)data.data, data.len);
		/* A compressed file whose content sniffs as nothing is still text
		 * to look at (a log, a .eml): read it as text. */
		if (k == FEXTRACT_KIND_NONE)
			k = FEXTRACT_KIND_TEXT;
		if (k != FEXTRACT_KIND_TEXT && z->depth + 1 > z->l->max_depth)
			fextract_set(z->r, FEXTRACT_LIMIT, "archive depth limit");
		else
			fextract_dispatch(k, (const unsigned char *)data.data, data.len, z->l,
			    z->depth + 1, z->r);
		fbuf_addc(&z->r->text, '\n');
	}
	fbuf_free(&data);
	return rc;
}

/* A zip behind a stub or junk: read from its first local header by the zip
 * extractor, which knows office documents; 0 when that worked. */
static int
prefixed_zip(const unsigned char *p, size_t n, const struct fextract_limits *l, int depth,
    struct fextract_result *r)
{
	const unsigned char *z = n > 4 ? memmem(p + 1, (n < 65536 ? n : 65536) - 1, "PK\3\4", 4) : NULL;
	struct fextract_result sub;

	if (z == NULL)
		return -1;
	fextract_result_init(&sub, l->max_text);
	sub.inflated = r->inflated;
	fextract_zip(z, n - (size_t)(z - p), l, depth, &sub);
	if (sub.status == FEXTRACT_BROKEN) {
		fextract_result_free(&sub);
		return -1;
	}
	r->inflated = sub.inflated;
	if (fbuf_add(&r->text, sub.text.data ? sub.text.data : "", sub.text.len) < 0)
		fextract_set(r, FEXTRACT_LIMIT, "decoded size limit");
	if (sub.status != FEXTRACT_OK)
		fextract_set(r, sub.status, sub.reason);
	if (sub.encrypted)
		fextract_set(r, FEXTRACT_ENCRYPTED, sub.enc_reason);
	fextract_result_free(&sub);
	return 0;
}

/* Containers that may hold a zip as a member: never read as a prefixed zip. */
static int
container_magic(const unsigned char *p, size_t n)
{
	return (n >= 262 && memcmp(p + 257, "ustar", 5) == 0) ||
	    (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0) || (n >= 4 && memcmp(p, "Rar!", 4) == 0);
}

static int
compressed(const unsigned char *p, size_t n)
{
	return n >= 6 && ((p[0] == 0x1f && p[1] == 0x8b) || memcmp(p, "BZh", 3) == 0 ||
	    memcmp(p, "\xfd" "7zXZ\0", 6) == 0 || memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0);
}

/* A compressed stream: decompressed whole (within the limits), then what it
 * holds is read as its own kind (a tar, a text). Reading tar.gz in one go
 * would let a tar end-of-archive block hide whatever follows it. */
static void
stream(struct arc *z, const unsigned char *p, size_t n)
{
	struct archive_entry *e;
	struct fbuf data;
	enum fextract_kind k;

	archive_read_support_filter_all(z->a);
	archive_read_support_format_raw(z->a);
	if (archive_read_open_memory(z->a, p, n) != ARCHIVE_OK ||
	    archive_read_next_header(z->a, &e) != ARCHIVE_OK) {
		fextract_set(z->r, FEXTRACT_BROKEN, "compressed attachment could not be read");
		return;
	}
	fbuf_init(&data, z->l->max_text);
	if (read_entry(z, &data) == 0 && data.len > 0) {
		k = fextract_sniff(NULL, NULL, (const unsigned char *)data.data, data.len);
		if (k == FEXTRACT_KIND_NONE)
			k = FEXTRACT_KIND_TEXT;
		if (k != FEXTRACT_KIND_TEXT && z->depth + 1 > z->l->max_depth)
			fextract_set(z->r, FEXTRACT_LIMIT, "archive depth limit");
		else
			fextract_dispatch(k, (const unsigned char *)data.data, data.len, z->l,
			    z->depth + 1, z->r);
	}
	fbuf_free(&data);
}

/* Anything but the zeros of a tar record's padding after the end marker? */
static int
trailing_data(const unsigned char *p, size_t n, la_int64_t used)
{
	if (used < 0)
		return 1;
	for (size_t i = (size_t)used; i < n; i++)
		if (p[i] != 0)
			return 1;
	return 0;
}

/* A container (tar, cpio, 7z, rar, a zip libzip could not open): every
 * member. Data after the archive's end marker is text nobody read: the
 * attachment is broken. */
static void
container(struct arc *z, const unsigned char *p, size_t n)
{
	struct archive_entry *e;
	la_int64_t used;
	int rc;

	archive_read_support_format_all(z->a);
	if (archive_read_open_memory(z->a, p, n) != ARCHIVE_OK) {
		fextract_set(z->r, FEXTRACT_BROKEN, "archive could not be opened");
		return;
	}
	while ((rc = archive_read_next_header(z->a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN)
		if (member(z, e) < 0 || z->r->status == FEXTRACT_LIMIT)
			return;
	used = archive_filter_bytes(z->a, 0);
	if (rc != ARCHIVE_EOF)
		fextract_set(z->r, FEXTRACT_BROKEN, "archive could not be read to its end");
	else if (used < 0 || ((size_t)used < n && trailing_data(p, n, used)))
		fextract_set(z->r, FEXTRACT_BROKEN, "data after the end of an archive");
}

void
fextract_archive(const unsigned char *p, size_t n, const struct fextract_limits *l, int depth,
    struct fextract_result *r)
{
	struct arc z = { NULL, l, r, n, depth };

	if (n > 4 && !compressed(p, n) && !container_magic(p, n) &&
	    prefixed_zip(p, n, l, depth, r) == 0)
		return;
	if ((z.a = archive_read_new()) == NULL) {
		fextract_set(r, FEXTRACT_FAILED, "archive reader out of memory");
		return;
	}
	if (compressed(p, n))
		stream(&z, p, n);
	else
		container(&z, p, n);
	archive_read_free(z.a);
}
