/* output: the encrypted body, kept in memory until it passes the spill
 * threshold, then in an unlinked temp file (mode 0600). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys/keys.h"

void
fkeys_out_init(struct fkeys_out *o, size_t spill_at)
{
	memset(o, 0, sizeof(*o));
	fbuf_init(&o->mem, 0);
	o->spill_at = spill_at;
}

void
fkeys_out_free(struct fkeys_out *o)
{
	fbuf_free(&o->mem);
	if (o->spill)
		fclose(o->spill);
	o->spill = NULL;
	free(o->spillbuf);
	o->spillbuf = NULL;
}

/* The file gets a 64 KB stdio buffer (glibc ignores a size without a
 * buffer): MBs of ciphertext in 4 KB writes cost more than the cipher. */
static FILE *
spill_file(struct fkeys_out *o)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/fortrolig.XXXXXX", dir && *dir ? dir : "/tmp");
	/* mkstemp creates 0600; no umask(), which is process-wide (threads) */
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);   /* nothing is left behind, even on a crash */
	if (fchmod(fd, 0600) < 0 || (f = fdopen(fd, "w+")) == NULL) {
		close(fd);
		return NULL;
	}
	if ((o->spillbuf = malloc(FKEYS_OUT_SPILLBUF)) != NULL)
		(void)setvbuf(f, o->spillbuf, _IOFBF, FKEYS_OUT_SPILLBUF);
	return f;
}

static int
raw_write(struct fkeys_out *o, const void *p, size_t n)
{
	if (o->spill == NULL && o->mem.len + n > o->spill_at) {
		if ((o->spill = spill_file(o)) == NULL)
			return -1;
		if (o->mem.len && fwrite(o->mem.data, 1, o->mem.len, o->spill) != o->mem.len)
			return -1;
		fbuf_free(&o->mem);
		fbuf_init(&o->mem, 0);
	}
	o->len += n;
	if (o->spill)
		return fwrite(p, 1, n, o->spill) == n ? 0 : -1;
	return fbuf_add(&o->mem, p, n);
}

int
fkeys_out_write(struct fkeys_out *o, const void *p, size_t n)
{
	const char *s = p, *start = p;

	if (!o->crlf)
		return raw_write(o, p, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && !(i > 0 ? s[i - 1] == '\r' : o->last_cr)) {
			if (raw_write(o, start, (size_t)(s + i - start)) < 0 ||
			    raw_write(o, "\r\n", 2) < 0)
				return -1;
			start = s + i + 1;
		}
	}
	if (n)
		o->last_cr = s[n - 1] == '\r';
	return raw_write(o, start, (size_t)(s + n - start));
}

int
fkeys_out_puts(struct fkeys_out *o, const char *s)
{
	return fkeys_out_write(o, s, strlen(s));
}

int
fkeys_out_rewind(struct fkeys_out *o)
{
	if (o->spill && (fflush(o->spill) != 0 || fseek(o->spill, 0, SEEK_SET) != 0))
		return -1;
	return 0;
}

long
fkeys_out_read(struct fkeys_out *o, char *buf, size_t n, size_t *pos)
{
	size_t k;

	if (o->spill) {
		k = fread(buf, 1, n, o->spill);
		if (k == 0 && ferror(o->spill))
			return -1;
		*pos += k;
		return (long)k;
	}
	k = o->mem.len - *pos < n ? o->mem.len - *pos : n;
	if (k)
		memcpy(buf, o->mem.data + *pos, k);
	*pos += k;
	return (long)k;
}
