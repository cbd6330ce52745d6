/* sandbox: the caller's side of attachment extraction.
 *
 * Each attachment is extracted in a child of the zygote (zygote.c): a fresh
 * single-threaded process with CPU, memory and file-size rlimits, never a
 * fork of the daemon. The child writes "status encrypted length\n reason\n
 * enc_reason\n" and the text to a pipe; we read it with poll() against a
 * wall-clock deadline and a size cap. A crash, a kill, a missing extractor or
 * garbage on the pipe is FEXTRACT_FAILED: the part could not be read, so the
 * message is incomplete and on_limit decides (fail closed by default).
 * Plain text needs no sandbox and is decoded in the calling process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/io.h"
#include "base/buffer.h"
#include "extract/extract.h"
#include "extract/zygote.h"

#define FEXTRACT_HDR_MAX 256

int
fextract_write_output(int fd, const struct fextract_result *r)
{
	char hdr[FEXTRACT_HDR_MAX];
	int hl = snprintf(hdr, sizeof(hdr), "%d %d %zu\n%s\n%s\n", (int)r->status, r->encrypted,
	    r->text.len, r->reason, r->enc_reason);

	if (hl < 0 || (size_t)hl >= sizeof(hdr) || fio_write_all(fd, hdr, (size_t)hl) < 0 ||
	    fio_write_all(fd, r->text.data ? r->text.data : "", r->text.len) < 0)
		return -1;
	return 0;
}

/* The attachment in an anonymous file: the child reads it at its pace, with
 * no pipe to keep full while we read its output. */
static int
input_fd(const unsigned char *p, size_t n)
{
	int fd = memfd_create("fortrolig-part", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fio_write_all(fd, p, n) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads the child's output until EOF, the deadline or the cap. */
static int
read_child(int fd, const struct fextract_limits *l, struct fbuf *out)
{
	long long deadline = fio_now_ms() + l->timeout_ms;
	char buf[16384];

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long long left = deadline - fio_now_ms();
		ssize_t k;
		int pr;
		if (left <= 0)
			return -1;
		pr = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -2;
		if (pr == 0)
			continue;
		k = read(fd, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -2;
		if (k == 0)
			return 0;
		if (fbuf_add(out, buf, (size_t)k) < 0)
			return -3;
	}
}

/* Checks every length before trusting the child's output. */
static int
parse_output(const struct fbuf *o, struct fextract_result *r)
{
	int st, enc;
	size_t tlen, off;
	const char *nl1, *nl2, *nl3;
	char reason[64], enc_reason[64];

	if (o->len == 0 || sscanf(o->data, "%d %d %zu\n", &st, &enc, &tlen) != 3 ||
	    st < FEXTRACT_OK || st > FEXTRACT_FAILED || (enc != 0 && enc != 1))
		return -1;
	if ((nl1 = memchr(o->data, '\n', o->len)) == NULL ||
	    (nl2 = memchr(nl1 + 1, '\n', o->len - (size_t)(nl1 + 1 - o->data))) == NULL ||
	    (nl3 = memchr(nl2 + 1, '\n', o->len - (size_t)(nl2 + 1 - o->data))) == NULL)
		return -1;
	off = (size_t)(nl3 + 1 - o->data);
	if (o->len - off != tlen || (size_t)(nl2 - nl1) > sizeof(reason) ||
	    (size_t)(nl3 - nl2) > sizeof(enc_reason))
		return -1;
	snprintf(reason, sizeof(reason), "%.*s", (int)(nl2 - nl1 - 1), nl1 + 1);
	snprintf(enc_reason, sizeof(enc_reason), "%.*s", (int)(nl3 - nl2 - 1), nl2 + 1);
	if (st != FEXTRACT_OK)
		fextract_set(r, (enum fextract_status)st, reason);
	if (enc)
		fextract_set(r, FEXTRACT_ENCRYPTED, enc_reason);
	if (fbuf_add(&r->text, o->data + off, tlen) < 0)
		fextract_set(r, FEXTRACT_LIMIT, "attachment text size limit");
	return 0;
}

void
fextract_extract_sandboxed(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, struct fextract_result *r)
{
	struct fbuf out;
	int pfd[2], in, rc;

	if (k == FEXTRACT_KIND_NONE || k == FEXTRACT_KIND_TEXT) {
		fextract_extract(k, p, n, l, 0, r);
		return;
	}
	if ((in = input_fd(p, n)) < 0 || pipe2(pfd, O_CLOEXEC) < 0) {
		if (in >= 0)
			close(in);
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor could not start");
		return;
	}
	rc = fzyg_submit(k, in, n, l, pfd[1]);
	close(in);
	close(pfd[1]);
	if (rc < 0) {
		close(pfd[0]);
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor could not start");
		return;
	}
	fbuf_init(&out, l->max_text + FEXTRACT_HDR_MAX);
	/* Closing the pipe early is enough: the zygote kills a late child. */
	rc = read_child(pfd[0], l, &out);
	close(pfd[0]);
	if (rc == -1)
		fextract_set(r, FEXTRACT_FAILED, "attachment extraction time limit");
	else if (rc == -3)
		fextract_set(r, FEXTRACT_LIMIT, "attachment text size limit");
	else if (rc != 0 || parse_output(&out, r) < 0)
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor failed");
	fbuf_free(&out);
}
