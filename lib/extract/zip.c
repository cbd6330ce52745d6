/* zip: zip containers through libzip. Entry sizes in the headers are
 * never trusted: bytes are counted as they are inflated, against the
 * per-attachment budget and the compression-ratio limit. */
#include "config.h"

#include <string.h>

#include <zip.h>

#include "base/buffer.h"
#include "extract/extract.h"
#include "extract/zip.h"

static int
entry_encrypted(const zip_stat_t *st)
{
	return (st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE;
}

static int
read_loop(struct fextract_zip *z, zip_file_t *f, zip_uint64_t comp, struct fbuf *out)
{
	char buf[16384];
	size_t got = 0;
	zip_int64_t k;

	while ((k = zip_fread(f, buf, sizeof(buf))) > 0) {
		got += (size_t)k;
		z->r->inflated += (size_t)k;
		if (z->r->inflated > z->l->max_text) {
			fextract_set(z->r, FEXTRACT_LIMIT, "decoded size limit");
			return -1;
		}
		if (got > FEXTRACT_RATIO_FLOOR && z->l->max_ratio > 0 &&
		    got / (comp ? comp : 1) >= (zip_uint64_t)z->l->max_ratio) {
			fextract_set(z->r, FEXTRACT_LIMIT, "decompression ratio limit");
			return -1;
		}
		if (fbuf_add(out, buf, (size_t)k) < 0) {
			fextract_set(z->r, FEXTRACT_LIMIT, "decoded size limit");
			return -1;
		}
	}
	if (k < 0) {
		fextract_set(z->r, FEXTRACT_BROKEN, "zip entry could not be read");
		return -1;
	}
	return 0;
}

int
fextract_zip_read(struct fextract_zip *z, zip_uint64_t i, struct fbuf *out)
{
	zip_stat_t st;
	zip_file_t *f;
	int rc;

	zip_stat_init(&st);
	if (zip_stat_index(z->z, i, 0, &st) < 0) {
		fextract_set(z->r, FEXTRACT_BROKEN, "zip entry could not be read");
		return -1;
	}
	if (entry_encrypted(&st)) {
		fextract_set(z->r, FEXTRACT_ENCRYPTED, "encrypted zip entry");
		return -1;
	}
	if ((f = zip_fopen_index(z->z, i, 0)) == NULL) {
		fextract_set(z->r, FEXTRACT_BROKEN, "zip entry could not be opened");
		return -1;
	}
	rc = read_loop(z, f, (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0, out);
	zip_fclose(f);
	return rc;
}

void
fextract_zip_member(struct fextract_zip *z, zip_uint64_t i, const char *name)
{
	struct fbuf data;
	enum fextract_kind k;

	fbuf_init(&data, z->l->max_text);
	if (fextract_zip_read(z, i, &data) == 0 && data.len > 0) {
		k = fextract_sniff(NULL, name, (const unsigned char *)data.data, data.len);
		if (k != FEXTRACT_KIND_TEXT && k != FEXTRACT_KIND_NONE && z->depth + 1 > z->l->max_depth)
			fextract_set(z->r, FEXTRACT_LIMIT, "archive depth limit");
		else
			fextract_dispatch(k, (const unsigned char *)data.data, data.len, z->l,
			    z->depth + 1, z->r);
		fbuf_addc(&z->r->text, '\n');
	}
	fbuf_free(&data);
}

/* A plain archive: every member's name, and the text of what can be read. */
static void
archive(struct fextract_zip *z)
{
	zip_int64_t n = zip_get_num_entries(z->z, 0);

	for (zip_int64_t i = 0; i < n && z->r->status != FEXTRACT_LIMIT; i++) {
		const char *name = zip_get_name(z->z, (zip_uint64_t)i, 0);
		size_t len = name ? strlen(name) : 0;
		if (name == NULL || len == 0)
			continue;
		fbuf_add(&z->r->text, name, len);
		fbuf_addc(&z->r->text, '\n');
		if (name[len - 1] != '/')
			fextract_zip_member(z, (zip_uint64_t)i, name);
	}
}

/* Every encrypted entry is reported, even in a document we otherwise read. */
static void
scan_encrypted(struct fextract_zip *z)
{
	zip_int64_t n = zip_get_num_entries(z->z, 0);
	zip_stat_t st;

	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_init(&st);
		if (zip_stat_index(z->z, (zip_uint64_t)i, 0, &st) == 0 && entry_encrypted(&st)) {
			fextract_set(z->r, FEXTRACT_ENCRYPTED, "encrypted zip entry");
			return;
		}
	}
}

void
fextract_zip(const unsigned char *p, size_t n, const struct fextract_limits *l, int depth,
    struct fextract_result *r)
{
	struct fextract_zip z = { NULL, l, r, depth };
	zip_error_t err;
	zip_source_t *src;

	zip_error_init(&err);
	if ((src = zip_source_buffer_create(p, n, 0, &err)) == NULL) {
		fextract_set(r, FEXTRACT_BROKEN, "zip could not be opened");
		zip_error_fini(&err);
		return;
	}
	if ((z.z = zip_open_from_source(src, ZIP_RDONLY, &err)) == NULL) {
		zip_source_free(src);
		fextract_set(r, FEXTRACT_BROKEN, "zip could not be opened");
		zip_error_fini(&err);
		return;
	}
	zip_error_fini(&err);
	scan_encrypted(&z);
	if (fextract_ooxml_is_doc(z.z))
		fextract_ooxml(&z);
	else
		archive(&z);
	zip_discard(z.z);
}
