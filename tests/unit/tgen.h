/* tgen: test files generated at test time: zip containers (docx, xlsx,
 * odt, plain archives, encrypted entries) with libzip, and PDFs with a
 * FlateDecode content stream with zlib. Nothing binary is committed. */
#ifndef FORTROLIG_TGEN_H
#define FORTROLIG_TGEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>
#include <zlib.h>

#include "base/buffer.h"

struct tg_entry {
	const char *name;
	const char *data;       /* NUL-terminated unless len is set */
	size_t len;
	const char *password;   /* AES-256 entry when set */
};

/* Builds a zip in memory; returns 0 and fills out. */
static inline int
tg_zip(const struct tg_entry *e, size_t n, struct fbuf *out)
{
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *fs;
	zip_t *z;
	zip_stat_t st;
	char buf[8192];
	zip_int64_t k;

	if (src == NULL || (z = zip_open_from_source(src, ZIP_TRUNCATE, NULL)) == NULL)
		return -1;
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		size_t len = e[i].len ? e[i].len : strlen(e[i].data);
		zip_int64_t idx;
		fs = zip_source_buffer(z, e[i].data, len, 0);
		if (fs == NULL || (idx = zip_file_add(z, e[i].name, fs, ZIP_FL_OVERWRITE)) < 0)
			return -1;
		if (e[i].password &&
		    zip_file_set_encryption(z, (zip_uint64_t)idx, ZIP_EM_AES_256, e[i].password) < 0)
			return -1;
	}
	if (zip_close(z) < 0 || zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
		return -1;
	while ((k = zip_source_read(src, buf, sizeof(buf))) > 0)
		fbuf_add(out, buf, (size_t)k);
	zip_source_close(src);
	zip_source_free(src);
	return 0;
}

/* A one-page PDF whose content stream (FlateDecode) is `content`, with
 * the base-14 Helvetica font as F1 and a correct xref table. */
static inline int
tg_pdf(const char *content, struct fbuf *out)
{
	uLongf zlen = compressBound(strlen(content));
	unsigned char *z = malloc(zlen);
	size_t off[6];
	int obj = 0;

	if (z == NULL || compress(z, &zlen, (const Bytef *)content, strlen(content)) != Z_OK)
		return -1;
	fbuf_adds(out, "%PDF-1.4\n");
	off[++obj] = out->len;
	fbuf_adds(out, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[++obj] = out->len;
	fbuf_adds(out, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
	off[++obj] = out->len;
	fbuf_adds(out, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
	    "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n");
	off[++obj] = out->len;
	fbuf_printf(out, "4 0 obj << /Length %lu /Filter /FlateDecode >>\nstream\n",
	    (unsigned long)zlen);
	fbuf_add(out, z, zlen);
	fbuf_adds(out, "\nendstream endobj\n");
	off[++obj] = out->len;
	fbuf_adds(out, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
	{
		size_t xref = out->len;
		fbuf_adds(out, "xref\n0 6\n0000000000 65535 f \n");
		for (int i = 1; i <= 5; i++)
			fbuf_printf(out, "%010zu 00000 n \n", off[i]);
		fbuf_printf(out, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
		    xref);
	}
	free(z);
	return 0;
}

static inline int
tg_read_file(const char *path, struct fbuf *out)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t k;

	if (f == NULL)
		return -1;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		fbuf_add(out, buf, k);
	fclose(f);
	return 0;
}

static inline int
tg_write_file(const char *path, const struct fbuf *b)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

#endif
