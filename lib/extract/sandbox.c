/* sandbox: runs an extractor in a forked child.
 *
 * Design: fork() without exec. The child inherits the attachment bytes and
 * the loaded libraries, sets rlimits (CPU, address space, no files, no
 * core, no processes), extracts, writes "status encrypted length\n reason\n
 * enc_reason\n" and the text to a pipe, and _exit()s. The parent reads the
 * pipe with poll() against a wall-clock deadline and a size cap, and kills
 * the child (by its pid) when either is passed. A crash, a kill or garbage
 * on the pipe is FEXTRACT_FAILED: the part could not be read, so the message is
 * incomplete and on_limit decides (fail closed by default).
 *
 * fork() in a threaded daemon: the child calls only libzip, libxml2,
 * Poppler and malloc. GLib types are registered before the first fork
 * (fextract_global_init), and a lock that another thread held at fork time can
 * only hang the child, which the deadline then kills. Plain text needs no
 * sandbox and is decoded in the calling process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "base/buffer.h"
#include "extract/extract.h"

#if defined(__SANITIZE_ADDRESS__)
#define FEXTRACT_ASAN 1               /* ASan reserves terabytes: no RLIMIT_AS */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FEXTRACT_ASAN 1
#endif
#endif

#define FEXTRACT_HDR_MAX 256

static void
set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	(void)setrlimit(res, &rl);
}

static void
child_limits(const struct fextract_limits *l)
{
	rlim_t cpu = (rlim_t)(l->timeout_ms + 999) / 1000;
	int fd = open("/dev/null", O_WRONLY);

	/* Library chatter about broken files must not reach the daemon's log. */
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	set_limit(RLIMIT_CPU, cpu ? cpu : 1, (cpu ? cpu : 1) + 1);
	set_limit(RLIMIT_FSIZE, 0, 0);
	set_limit(RLIMIT_CORE, 0, 0);
	set_limit(RLIMIT_NPROC, 0, 0);
#ifndef FEXTRACT_ASAN
	if (l->max_memory > 0)
		set_limit(RLIMIT_AS, (rlim_t)l->max_memory, (rlim_t)l->max_memory);
#endif
}

static void __attribute__((noreturn))
child(int fd, enum fextract_kind k, const unsigned char *p, size_t n, const struct fextract_limits *l)
{
	struct fextract_result r;
	char hdr[FEXTRACT_HDR_MAX];
	int hl;

	child_limits(l);
	fextract_result_init(&r, l->max_text);
	fextract_extract(k, p, n, l, 0, &r);
	hl = snprintf(hdr, sizeof(hdr), "%d %d %zu\n%s\n%s\n", (int)r.status, r.encrypted,
	    r.text.len, r.reason, r.enc_reason);
	if (hl < 0 || (size_t)hl >= sizeof(hdr) ||
	    fio_write_all(fd, hdr, (size_t)hl) < 0 || fio_write_all(fd, r.text.data ? r.text.data : "", r.text.len) < 0)
		_exit(2);
	_exit(0);
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

static void
reap(pid_t pid, int killit, int *status)
{
	if (killit)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

void
fextract_extract_sandboxed(enum fextract_kind k, const unsigned char *p, size_t n,
    const struct fextract_limits *l, struct fextract_result *r)
{
	struct fbuf out;
	int pfd[2], rc, status = 0;
	char why[64];
	pid_t pid;

	if (k == FEXTRACT_KIND_NONE || k == FEXTRACT_KIND_TEXT) {
		fextract_extract(k, p, n, l, 0, r);
		return;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor could not start");
		return;
	}
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor could not start");
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(pfd[1], k, p, n, l);
	}
	close(pfd[1]);
	fbuf_init(&out, l->max_text + FEXTRACT_HDR_MAX);
	rc = read_child(pfd[0], l, &out);
	close(pfd[0]);
	reap(pid, rc != 0, &status);
	if (rc == -1)
		fextract_set(r, FEXTRACT_FAILED, "attachment extraction time limit");
	else if (rc == -3)
		fextract_set(r, FEXTRACT_LIMIT, "attachment text size limit");
	else if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, sizeof(why), "attachment extractor failed (%s %d)",
		    WIFSIGNALED(status) ? "signal" : "exit",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		fextract_set(r, FEXTRACT_FAILED, why);
	} else if (parse_output(&out, r) < 0)
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor output unreadable");
	fbuf_free(&out);
}
