/* spool: bytes kept in memory up to a threshold, then in an unlinked
 * temporary file of mode 0600, so that a large message costs disk, not
 * RAM. One owner; fspool_free is the one release path. */
#ifndef FORTROLIG_SPOOL_H
#define FORTROLIG_SPOOL_H

#include <stddef.h>

#include "base/buffer.h"

struct fspool {
	struct fbuf buf;      /* all bytes while in memory; a write buffer after */
	int fd;               /* -1 while in memory */
	size_t len;           /* bytes written in all */
	size_t threshold;     /* in memory up to this many bytes */
	size_t limit;         /* hard bound on len: past it, overflow is set */
	int overflow;
	const char *dir;      /* for the temp file; NULL: $TMPDIR or /tmp */
	void *map;            /* fspool_view's mapping of the file */
	size_t maplen;
};

void fspool_init(struct fspool *s, size_t threshold, size_t limit, const char *dir);
/* 0, or -1 when the temp file cannot be written (errno). Bytes past the
 * limit are dropped and overflow is set (0 is returned). */
int fspool_write(struct fspool *s, const void *p, size_t n);
int fspool_puts(struct fspool *s, const char *str);
/* The bytes as one read-only block (the memory, or a mapping of the file,
 * valid until fspool_free). 0, or -1 (errno). */
int fspool_view(struct fspool *s, const char **p, size_t *n);
/* Bytes from pos into buf: the count, 0 at the end, -1 on error. */
long fspool_read(struct fspool *s, size_t pos, char *buf, size_t n);
/* The spooled file's descriptor (after flushing), or -1 while in memory. */
int fspool_fd(struct fspool *s);
void fspool_free(struct fspool *s);

#endif
