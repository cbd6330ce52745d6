/* buffer: bounded growable buffer; the only string builder in fortrolig. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buffer.h"

void
fbuf_init(struct fbuf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit ? limit : FBUF_DEFAULT_LIMIT;
}

void
fbuf_free(struct fbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
fbuf_reset(struct fbuf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int
fbuf_reserve(struct fbuf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > b->limit || b->len > b->limit - extra) {
		b->overflow = 1;
		return -1;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		b->overflow = 1;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
fbuf_add(struct fbuf *b, const void *p, size_t n)
{
	if (fbuf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
fbuf_adds(struct fbuf *b, const char *s)
{
	return fbuf_add(b, s, strlen(s));
}

int
fbuf_addc_slow(struct fbuf *b, char c)
{
	return fbuf_add(b, &c, 1);
}

int
fbuf_vprintf(struct fbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || fbuf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
fbuf_printf(struct fbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *
fbuf_take(struct fbuf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	b->overflow = 0;
	return p;
}

const char *
fbuf_str(const struct fbuf *b)
{
	return b->data ? b->data : "";
}

int
fgrow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t nc = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (nc < need)
		if ((nc *= 2) < *cap)
			return -1;
	if ((p = reallocarray(*v, nc, size)) == NULL)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

size_t
fstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
