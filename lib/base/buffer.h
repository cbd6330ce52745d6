/* buffer: one bounded, growable, always NUL-terminated byte buffer. */
#ifndef FORTROLIG_FBUF_H
#define FORTROLIG_FBUF_H

#include <stdarg.h>
#include <stddef.h>

struct fbuf {
	char *data;     /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t limit;   /* hard upper bound on len; 0 means FBUF_DEFAULT_LIMIT */
	int overflow;   /* set once an append would pass limit; sticky */
};

#define FBUF_DEFAULT_LIMIT ((size_t)1 << 30)

void fbuf_init(struct fbuf *b, size_t limit);
void fbuf_free(struct fbuf *b);
void fbuf_reset(struct fbuf *b);
/* Each append returns 0, or -1 (and sets overflow) when limit or memory runs out. */
int fbuf_add(struct fbuf *b, const void *p, size_t n);
int fbuf_adds(struct fbuf *b, const char *s);
int fbuf_addc_slow(struct fbuf *b, char c);
int fbuf_printf(struct fbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fbuf_vprintf(struct fbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Called per character by the text helpers: the common case in line. */
static inline int
fbuf_addc(struct fbuf *b, char c)
{
	if (b->len + 2 <= b->cap && b->len < b->limit) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return fbuf_addc_slow(b, c);
}

/* Hands the data to the caller (who frees it) and resets the buffer. */
char *fbuf_take(struct fbuf *b);
const char *fbuf_str(const struct fbuf *b);

/* Makes room in the array *v (of *cap elements of size bytes) for need
 * elements, doubling; -1 (and *v untouched) when memory runs out. */
int fgrow(void **v, size_t *cap, size_t need, size_t size);

/* Bounded copy that always terminates; returns the length it would have had. */
size_t fstrlcpy(char *dst, const char *src, size_t size);

#endif
