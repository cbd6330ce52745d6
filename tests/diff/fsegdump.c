/* fsegdump: test-only. For each .eml given, one JSON line with the text
 * segments fmsg_analyse() produced, for the differential completeness test
 * (tests/diff/diff.py). It prints message content, so it is never installed
 * and never part of the product. Usage: fsegdump CONF WORDS FILE... */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/message.h"
#include "base/buffer.h"
#include "conf/config.h"
#include "decide/json.h"

static int
read_all(const char *path, struct fbuf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (fbuf_add(b, chunk, n) < 0) {
			rc = -1;
			break;
		}
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* JSON string of n bytes: a NUL inside a segment is kept (\u0000), so the
 * text after it is compared too. */
static void
json_bytes(struct fbuf *out, const char *s, size_t n)
{
	fbuf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fbuf_printf(out, "\\%c", c);
		else if (c < 0x20)
			fbuf_printf(out, "\\u%04x", c);
		else
			fbuf_addc(out, (char)c);
	}
	fbuf_addc(out, '"');
}

static int
dump(const struct fconf *c, const char *path)
{
	struct fbuf in, out;
	struct fmsg m;
	int rc = -1;

	fbuf_init(&in, 0);
	fbuf_init(&out, 0);
	if (read_all(path, &in) < 0) {
		fprintf(stderr, "fsegdump: %s: cannot read\n", path);
		goto done;
	}
	if (fmsg_analyse(c, in.data ? in.data : "", in.len, &m) < 0) {
		fprintf(stderr, "fsegdump: %s: out of memory\n", path);
		goto done;
	}
	fbuf_adds(&out, "{\"file\":");
	fjson_string(&out, path);
	fbuf_adds(&out, m.incomplete ? ",\"incomplete\":true" : ",\"incomplete\":false");
	fbuf_adds(&out, ",\"reason\":");
	fjson_string(&out, m.incomplete_reason);
	fbuf_adds(&out, m.encrypted ? ",\"encrypted\":true" : ",\"encrypted\":false");
	fbuf_adds(&out, m.encrypted_att ? ",\"encrypted_att\":true" : ",\"encrypted_att\":false");
	fbuf_adds(&out, ",\"segments\":[");
	for (size_t i = 0; i < m.segs.n; i++) {
		fbuf_adds(&out, i ? ",{\"where\":" : "{\"where\":");
		fjson_string(&out, fwhere_name(m.segs.v[i].where));
		fbuf_adds(&out, ",\"text\":");
		json_bytes(&out, m.segs.v[i].text, m.segs.v[i].len);
		fbuf_adds(&out, "}");
	}
	rc = fbuf_adds(&out, "]}\n") == 0 && !out.overflow ? 0 : -1;
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	fmsg_free(&m);
done:
	fbuf_free(&in);
	fbuf_free(&out);
	return rc;
}

int
main(int argc, char **argv)
{
	struct fconf *c;
	char err[1024];
	int rc = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: fsegdump CONF WORDS FILE...\n");
		return 2;
	}
	fmsg_global_init();
	if ((c = fconf_load(argv[1], argv[2], err, sizeof(err))) == NULL) {
		fprintf(stderr, "fsegdump: %s\n", err);
		fmsg_global_shutdown();
		return 2;
	}
	for (int i = 3; i < argc; i++)
		if (dump(c, argv[i]) < 0)
			rc = 1;
	fconf_unref(c);
	fmsg_global_shutdown();
	return rc;
}
