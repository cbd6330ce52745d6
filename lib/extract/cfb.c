/* cfb: legacy Office files (.doc, .xls, .ppt) are OLE compound files
 * (MS-CFB): a FAT of sectors holding a directory of streams. The text of
 * Word, Excel and PowerPoint sits in one stream each (WordDocument,
 * Workbook or Book, PowerPoint Document), as runs of 8-bit cp1252 or of
 * UTF-16LE characters; the runs of both kinds are read from the stream in
 * its own order (not the file's). A file whose streams cannot be followed,
 * or without a known text stream, is not read: incomplete, never clean. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "extract/extract.h"

#define ENDOFCHAIN 0xfffffffeu
#define MIN_RUN 4                 /* characters: shorter runs are binary noise */

struct cfb {
	const unsigned char *p;
	size_t n, ssz, nsect;     /* sector size, sectors in the file */
	uint32_t *fat;            /* next sector, per sector */
	size_t nfat;
};

static uint32_t
u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char *
sector(const struct cfb *c, uint32_t s)
{
	size_t off = ((size_t)s + 1) * c->ssz;

	return s < c->nsect && off + c->ssz <= c->n ? c->p + off : NULL;
}

/* The FAT from the header's DIFAT entries (and its DIFAT sector chain). */
static int
load_fat(struct cfb *c, struct fbuf *fat)
{
	uint32_t nfs = u32(c->p + 0x2c), difat = u32(c->p + 0x44);
	size_t per = c->ssz / 4, got = 0;

	if (nfs == 0 || nfs > c->nsect)
		return -1;
	for (size_t i = 0; i < 109 && got < nfs; i++, got++) {
		const unsigned char *s = sector(c, u32(c->p + 0x4c + 4 * i));
		if (s == NULL || fbuf_add(fat, s, c->ssz) < 0)
			return -1;
	}
	for (size_t hops = 0; got < nfs && hops < c->nsect; hops++) {
		const unsigned char *d = sector(c, difat);
		if (d == NULL)
			return -1;
		for (size_t i = 0; i + 1 < per && got < nfs; i++, got++) {
			const unsigned char *s = sector(c, u32(d + 4 * i));
			if (s == NULL || fbuf_add(fat, s, c->ssz) < 0)
				return -1;
		}
		difat = u32(d + 4 * (per - 1));
	}
	if (got < nfs)
		return -1;
	c->fat = (uint32_t *)(void *)fat->data;
	c->nfat = fat->len / 4;
	for (size_t i = 0; i < c->nfat; i++)
		c->fat[i] = u32((const unsigned char *)fat->data + 4 * i);
	return 0;
}

/* A stream of size bytes from sector start, in chain order, into out; with
 * size UNSIZED, the whole chain (the directory). */
#define UNSIZED UINT64_MAX

static int
read_chain(const struct cfb *c, uint32_t start, uint64_t size, struct fbuf *out)
{
	uint32_t s = start;

	for (size_t hops = 0; out->len < size; hops++) {
		if (size == UNSIZED && s == ENDOFCHAIN)
			return 0;
		const unsigned char *d = sector(c, s);
		size_t take = size - out->len < c->ssz ? (size_t)(size - out->len) : c->ssz;


		if (d == NULL || hops > c->nsect || s >= c->nfat || fbuf_add(out, d, take) < 0)
			return -1;
		s = c->fat[s];
	}
	return 0;
}

/* The mini stream's sectors (64 bytes) for a stream under the cutoff. */
static int
read_mini(const struct cfb *c, const unsigned char *root, uint32_t start, uint64_t size,
    struct fbuf *out)
{
	struct fbuf mini, minifat;
	uint32_t s = start, msz = 1u << (c->p[0x20] & 15);
	int rc = -1;

	fbuf_init(&mini, 0);
	fbuf_init(&minifat, 0);
	if (read_chain(c, u32(root + 0x74), u32(root + 0x78), &mini) < 0 ||
	    read_chain(c, u32(c->p + 0x3c), (uint64_t)u32(c->p + 0x40) * c->ssz, &minifat) < 0)
		goto out;
	for (size_t hops = 0; out->len < size; hops++) {
		size_t off = (size_t)s * msz, take = size - out->len < msz ? (size_t)(size - out->len) : msz;
		if (hops > mini.len / msz || off + take > mini.len || (size_t)s * 4 + 4 > minifat.len ||
		    fbuf_add(out, mini.data + off, take) < 0)
			goto out;
		s = u32((const unsigned char *)minifat.data + 4 * (size_t)s);
	}
	rc = 0;
out:
	fbuf_free(&mini);
	fbuf_free(&minifat);
	return rc;
}

/* Is the directory entry's UTF-16LE name the ASCII name? */
static int
named(const unsigned char *e, const char *name)
{
	size_t n = strlen(name), nl = (size_t)(e[0x40] | e[0x41] << 8);

	if (nl != 2 * (n + 1) || nl > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (e[2 * i] != (unsigned char)name[i] || e[2 * i + 1] != 0)
			return 0;
	return 1;
}

static int
printable(unsigned c)
{
	return (c >= 0x20 && c < 0x7f) || c >= 0xa0 || c == '\t' || c == '\n' || c == '\r';
}

static void
put_cp(struct fbuf *out, unsigned c)
{
	if (c == '\r')
		c = '\n';
	if (c < 0x80) {
		fbuf_addc(out, (char)c);
	} else if (c < 0x800) {
		fbuf_addc(out, (char)(0xc0 | c >> 6));
		fbuf_addc(out, (char)(0x80 | (c & 0x3f)));
	} else {
		fbuf_addc(out, (char)(0xe0 | c >> 12));
		fbuf_addc(out, (char)(0x80 | ((c >> 6) & 0x3f)));
		fbuf_addc(out, (char)(0x80 | (c & 0x3f)));
	}
}

/* Runs of at least MIN_RUN characters of width w (1: cp1252, 2: UTF-16LE). */
static void
runs(const unsigned char *p, size_t n, size_t w, struct fbuf *out)
{
	size_t i = 0;

	while (i + w <= n) {
		size_t j = i;
		while (j + w <= n && printable(p[j]) && (w == 1 || p[j + 1] == 0))
			j += w;
		if ((j - i) / w >= MIN_RUN) {
			for (size_t k = i; k < j; k += w)
				put_cp(out, p[k]);
			fbuf_addc(out, '\n');
		}
		i = j > i ? j : i + 1;
	}
}

static const char *const text_streams[] = {
	"WordDocument", "Workbook", "Book", "PowerPoint Document", NULL
};

void
fextract_cfb_text(const unsigned char *p, size_t n, struct fextract_result *r)
{
	struct cfb c = { p, n, 0, 0, NULL, 0 };
	struct fbuf fat, dir, st;
	uint32_t cutoff;
	int found = 0, bad = 0;

	if (n < 512 || (p[0x1e] != 9 && p[0x1e] != 12)) {
		fextract_set(r, FEXTRACT_BROKEN, "office document could not be read");
		return;
	}
	c.ssz = (size_t)1 << p[0x1e];
	c.nsect = n / c.ssz - 1;
	cutoff = u32(p + 0x38);
	fbuf_init(&fat, 0);
	fbuf_init(&dir, 0);
	bad = load_fat(&c, &fat) < 0 || read_chain(&c, u32(p + 0x30), UNSIZED, &dir) < 0 ||
	    dir.len < 128;
	for (size_t e = 0; !bad && e + 128 <= dir.len; e += 128) {
		const unsigned char *d = (const unsigned char *)dir.data + e;
		uint64_t size = u32(d + 0x78);
		if (d[0x42] != 2)
			continue;
		for (size_t k = 0; text_streams[k]; k++) {
			if (!named(d, text_streams[k]))
				continue;
			fbuf_init(&st, (size_t)size + 1);
			if ((size < cutoff ? read_mini(&c, (const unsigned char *)dir.data, u32(d + 0x74),
			    size, &st) : read_chain(&c, u32(d + 0x74), size, &st)) < 0) {
				bad = 1;
			} else {
				runs((const unsigned char *)st.data, st.len, 1, &r->text);
				runs((const unsigned char *)st.data, st.len, 2, &r->text);
				found = 1;
			}
			fbuf_free(&st);
		}
	}
	if (bad || !found)
		fextract_set(r, FEXTRACT_BROKEN, "legacy office document could not be read");
	else if (r->text.overflow)
		fextract_set(r, FEXTRACT_LIMIT, "extracted text size limit");
	fbuf_free(&fat);
	fbuf_free(&dir);
}
