/* sandbox: runs an extractor in a process of its own.
 *
 * Design: posix_spawn() of fortrolig-extract (cmd/fortrolig-extract.c, which
 * calls fextract_helper_main below). The attachment goes in on stdin (a
 * sealed-off memfd), the child sets rlimits (CPU, address space, no files,
 * no core, no processes), extracts, writes "status encrypted length\n
 * reason\n enc_reason\n" and the text to a pipe, and exits. The parent reads
 * the pipe with poll() against a wall-clock deadline and a size cap, and
 * kills the child (by its pid) when either is passed. A crash, a kill or
 * garbage on the pipe is FEXTRACT_FAILED: the part could not be read, so the
 * message is incomplete and on_limit decides (fail closed by default).
 *
 * Why exec and not fork: a fork() of the threaded daemon copies its address
 * space (copy-on-write faults on a large one, an RLIMIT_AS that depends on
 * load) and any lock another thread held (GLib's slice allocator hung the
 * child under load). posix_spawn shares nothing and the child starts clean.
 * Plain text needs no sandbox and is decoded in the calling process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
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
#define FEXTRACT_NARGS 7   /* kind, n, max_text, max_ratio, max_depth, timeout_ms, max_memory */

extern char **environ;

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

/* Reads exactly n bytes of the attachment from fd. */
static unsigned char *
read_input(int fd, size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t got = 0;

	while (p && got < n) {
		ssize_t k = read(fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			free(p);
			return NULL;
		}
		got += (size_t)k;
	}
	return p;
}

static int
parse_args(int argc, char **argv, enum fextract_kind *k, size_t *n, struct fextract_limits *l)
{
	unsigned long long v[FEXTRACT_NARGS];
	char *end;

	if (argc != FEXTRACT_NARGS + 1)
		return -1;
	for (int i = 0; i < FEXTRACT_NARGS; i++) {
		errno = 0;
		v[i] = strtoull(argv[i + 1], &end, 10);
		if (errno || end == argv[i + 1] || *end)
			return -1;
	}
	if (v[0] > FEXTRACT_KIND_CFB || v[3] > 1000000 || v[4] > 100 || v[5] > 3600000 ||
	    v[1] > SIZE_MAX || v[2] > SIZE_MAX)
		return -1;
	*k = (enum fextract_kind)v[0];
	*n = (size_t)v[1];
	l->max_text = (size_t)v[2];
	l->max_ratio = (int)v[3];
	l->max_depth = (int)v[4];
	l->timeout_ms = (int)v[5];
	l->max_memory = (long long)v[6];
	return 0;
}

int
fextract_helper_main(int argc, char **argv)
{
	struct fextract_limits l;
	struct fextract_result r;
	enum fextract_kind k;
	unsigned char *p;
	char hdr[FEXTRACT_HDR_MAX];
	size_t n;
	int hl;

	if (parse_args(argc, argv, &k, &n, &l) < 0) {
		fprintf(stderr, "fortrolig-extract: run by the fortrolig library only\n");
		return 2;
	}
	child_limits(&l);
	if ((p = read_input(STDIN_FILENO, n)) == NULL)
		return 2;
	fextract_global_init();
	fextract_result_init(&r, l.max_text);
	fextract_extract(k, p, n, &l, 0, &r);
	hl = snprintf(hdr, sizeof(hdr), "%d %d %zu\n%s\n%s\n", (int)r.status, r.encrypted,
	    r.text.len, r.reason, r.enc_reason);
	if (hl < 0 || (size_t)hl >= sizeof(hdr) || fio_write_all(STDOUT_FILENO, hdr, (size_t)hl) < 0 ||
	    fio_write_all(STDOUT_FILENO, r.text.data ? r.text.data : "", r.text.len) < 0)
		return 2;
	fextract_result_free(&r);
	free(p);
	return 0;
}

const char *
fextract_helper_path(void)
{
	const char *e = secure_getenv("FORTROLIG_EXTRACTOR");

	return e && *e ? e : FORTROLIG_EXTRACTOR;
}

/* The attachment in an anonymous file: the child's stdin, read at its pace
 * with no pipe to keep full while we also read its output. */
static int
input_fd(const unsigned char *p, size_t n)
{
	int fd = memfd_create("fortrolig-part", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fio_write_all(fd, p, n) < 0 || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
spawn(enum fextract_kind k, const unsigned char *p, size_t n, const struct fextract_limits *l,
    int out, pid_t *pid)
{
	char a[FEXTRACT_NARGS][24], *argv[FEXTRACT_NARGS + 2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int in, rc;

	if ((in = input_fd(p, n)) < 0)
		return -1;
	snprintf(a[0], sizeof(a[0]), "%d", (int)k);
	snprintf(a[1], sizeof(a[1]), "%zu", n);
	snprintf(a[2], sizeof(a[2]), "%zu", l->max_text);
	snprintf(a[3], sizeof(a[3]), "%d", l->max_ratio);
	snprintf(a[4], sizeof(a[4]), "%d", l->max_depth);
	snprintf(a[5], sizeof(a[5]), "%d", l->timeout_ms);
	snprintf(a[6], sizeof(a[6]), "%lld", l->max_memory);
	argv[0] = (char *)"fortrolig-extract";
	for (int i = 0; i < FEXTRACT_NARGS; i++)
		argv[i + 1] = a[i];
	argv[FEXTRACT_NARGS + 1] = NULL;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, fextract_helper_path(), &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(in);
	return rc == 0 ? 0 : -1;
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
	if (spawn(k, p, n, l, pfd[1], &pid) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		fextract_set(r, FEXTRACT_FAILED, "attachment extractor could not start");
		return;
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
