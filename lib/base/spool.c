/* spool: the temp file is created with O_TMPFILE where the file system has
 * it, else mkstemp and an immediate unlink: nothing is left behind, not
 * even after kill -9. Writes to it go through a 64 KB buffer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "base/spool.h"

#define SPOOL_WBUF 65536

void
fspool_init(struct fspool *s, size_t threshold, size_t limit, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->threshold = threshold;
	s->limit = limit ? limit : FBUF_DEFAULT_LIMIT;
	s->dir = dir && *dir ? dir : NULL;
	fbuf_init(&s->buf, 0);
}

static int
open_temp(const char *dir)
{
	char path[512];
	int fd;

	if (dir == NULL)
		dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
#endif
	if ((size_t)snprintf(path, sizeof(path), "%s/fortrolig.XXXXXX", dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* mkstemp creates 0600; no umask(), which is process-wide (threads). */
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return -1;
	unlink(path);
	return fd;
}

static int
flush(struct fspool *s)
{
	if (s->fd < 0 || s->buf.len == 0)
		return 0;
	if (fio_write_all(s->fd, s->buf.data, s->buf.len) < 0)
		return -1;
	fbuf_reset(&s->buf);
	return 0;
}

int
fspool_write(struct fspool *s, const void *p, size_t n)
{
	if (s->overflow)
		return 0;
	if (n > s->limit - s->len) {
		s->overflow = 1;
		n = s->limit - s->len;
	}
	if (s->fd < 0 && s->len + n > s->threshold) {
		if ((s->fd = open_temp(s->dir)) < 0)
			return -1;
	}
	if (s->fd >= 0 && s->buf.len + n > SPOOL_WBUF) {
		if (flush(s) < 0)
			return -1;
		if (n > SPOOL_WBUF) {
			if (fio_write_all(s->fd, p, n) < 0)
				return -1;
			s->len += n;
			return 0;
		}
	}
	if (fbuf_add(&s->buf, p, n) < 0) {
		errno = ENOMEM;
		return -1;
	}
	s->len += n;
	return 0;
}

int
fspool_puts(struct fspool *s, const char *str)
{
	return fspool_write(s, str, strlen(str));
}

int
fspool_fd(struct fspool *s)
{
	if (s->fd >= 0 && flush(s) < 0)
		return -1;
	return s->fd;
}

int
fspool_view(struct fspool *s, const char **p, size_t *n)
{
	if (s->fd < 0) {
		*p = s->buf.data ? s->buf.data : "";
		*n = s->buf.len;
		return 0;
	}
	if (s->map == NULL || s->maplen != s->len) {
		if (flush(s) < 0)
			return -1;
		if (s->map)
			munmap(s->map, s->maplen);
		s->map = NULL;
		if (s->len == 0) {
			*p = "";
			*n = 0;
			return 0;
		}
		s->map = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			return -1;
		}
		s->maplen = s->len;
	}
	*p = s->map;
	*n = s->maplen;
	return 0;
}

long
fspool_read(struct fspool *s, size_t pos, char *buf, size_t n)
{
	ssize_t k;

	if (pos >= s->len)
		return 0;
	if (n > s->len - pos)
		n = s->len - pos;
	if (s->fd < 0) {
		memcpy(buf, s->buf.data + pos, n);
		return (long)n;
	}
	if (flush(s) < 0)
		return -1;
	while ((k = pread(s->fd, buf, n, (off_t)pos)) < 0 && errno == EINTR)
		;
	return (long)k;
}

void
fspool_free(struct fspool *s)
{
	if (s->map)
		munmap(s->map, s->maplen);
	if (s->fd >= 0)
		close(s->fd);
	fbuf_free(&s->buf);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
