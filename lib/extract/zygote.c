/* zygote: the process that extractors are forked from.
 *
 * Why: a fork() of the threaded daemon copies its address space and any lock
 * another thread held (GLib's slice allocator hung children under load); an
 * exec per attachment pays the dynamic loader (~25 ms for Poppler's 57
 * libraries). So the library spawns fortrolig-extract once (posix_spawn:
 * nothing shared) in "serve" mode. That process is single-threaded and small,
 * and forks one child per attachment, which is cheap and safe.
 *
 * Protocol: the caller sends one SOCK_SEQPACKET message per attachment: a
 * struct fzyg_req and two descriptors (the attachment in a memfd, the write
 * end of the caller's output pipe). The child sets rlimits, extracts and
 * writes the sandbox output (sandbox.c) to the pipe. The zygote reaps its
 * children and kills those past their deadline itself, so nobody kills a pid
 * that may have been reused. The zygote exits when the caller's end closes.
 * One zygote per process, started on first use and again if it died. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "extract/extract.h"
#include "extract/zygote.h"

#if defined(__SANITIZE_ADDRESS__)
#define FZYG_ASAN 1               /* ASan reserves terabytes: no RLIMIT_AS */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZYG_ASAN 1
#endif
#endif

#define FZYG_MAGIC 0x667a7902u
#define FZYG_MAX_CHILDREN 256
#define FZYG_GRACE_MS 1000        /* the caller gives up first, then we kill */
#define FZYG_SERVE "--serve"

extern char **environ;

struct fzyg_req {
	uint32_t magic;
	int32_t kind, max_ratio, max_depth, timeout_ms;
	uint64_t n, max_text;
	int64_t max_memory;
};

/* The caller's side: one per process (like GMime's global state). */
static struct {
	pthread_mutex_t mu;
	int fd;        /* our end of the socket, -1: none */
	pid_t pid;
} zyg = { PTHREAD_MUTEX_INITIALIZER, -1, 0 };

/* ---- the zygote's children ---- */

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

	set_limit(RLIMIT_CPU, cpu ? cpu : 1, (cpu ? cpu : 1) + 1);
	set_limit(RLIMIT_FSIZE, 0, 0);
	set_limit(RLIMIT_CORE, 0, 0);
	set_limit(RLIMIT_NPROC, 0, 0);
#ifndef FZYG_ASAN
	if (l->max_memory > 0)
		set_limit(RLIMIT_AS, (rlim_t)l->max_memory, (rlim_t)l->max_memory);
#endif
}

static unsigned char *
read_input(int fd, size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t got = 0;

	while (p && got < n) {
		ssize_t k = pread(fd, p + got, n - got, (off_t)got);
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

static void __attribute__((noreturn))
child(const struct fzyg_req *q, int in, int out)
{
	struct fextract_limits l;
	struct fextract_result r;
	unsigned char *p;

	l.max_text = (size_t)q->max_text;
	l.max_ratio = q->max_ratio;
	l.max_depth = q->max_depth;
	l.timeout_ms = q->timeout_ms;
	l.max_memory = q->max_memory;
	child_limits(&l);
	if ((p = read_input(in, (size_t)q->n)) == NULL)
		_exit(2);
	close(in);
	fextract_result_init(&r, l.max_text);
	fextract_extract((enum fextract_kind)q->kind, p, (size_t)q->n, &l, 0, &r);
	_exit(fextract_write_output(out, &r) < 0 ? 2 : 0);
}

/* ---- the zygote ---- */

struct kid {
	pid_t pid;
	long long deadline;
};

static int
req_ok(const struct fzyg_req *q)
{
	return q->magic == FZYG_MAGIC && q->kind > FEXTRACT_KIND_TEXT &&
	    q->kind <= FEXTRACT_KIND_ARCHIVE && q->timeout_ms > 0 && q->timeout_ms <= 3600000 &&
	    q->max_depth >= 0 && q->max_depth <= 100 && q->max_ratio >= 0 &&
	    q->n <= SIZE_MAX && q->max_text <= SIZE_MAX;
}

/* One request: its two descriptors into fds[]. 0: EOF (the caller is gone). */
static int
recv_req(int s, struct fzyg_req *q, int fds[2])
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { q, sizeof(*q) };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	ssize_t k;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	fds[0] = fds[1] = -1;
	if ((k = recvmsg(s, &mh, MSG_CMSG_CLOEXEC)) == 0)
		return 0;
	if (k < 0)
		return errno == EINTR ? -2 : 0;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(2 * sizeof(int)))
		memcpy(fds, CMSG_DATA(cm), 2 * sizeof(int));
	return (size_t)k == sizeof(*q) && fds[0] >= 0 && fds[1] >= 0 ? 1 : -1;
}

static void
start_kid(int s, struct kid *kids, size_t *nk, const struct fzyg_req *q, const int fds[2])
{
	pid_t pid;

	/* Full or unreadable: closing the pipe unanswered is "extractor failed". */
	if (*nk == FZYG_MAX_CHILDREN || !req_ok(q) || (pid = fork()) < 0)
		return;
	if (pid == 0) {
		close(s);
		child(q, fds[0], fds[1]);
	}
	kids[*nk].pid = pid;
	kids[(*nk)++].deadline = fio_now_ms() + q->timeout_ms + FZYG_GRACE_MS;
}

/* Reaps finished children and kills those past their deadline; returns
 * the ms to the next deadline (-1: none). */
static int
tend(struct kid *kids, size_t *nk)
{
	long long now = fio_now_ms(), next = -1;

	for (size_t i = 0; i < *nk;) {
		if (waitpid(kids[i].pid, NULL, WNOHANG) == kids[i].pid) {
			kids[i] = kids[--*nk];
			continue;
		}
		if (now >= kids[i].deadline)
			kill(kids[i].pid, SIGKILL);
		else if (next < 0 || kids[i].deadline - now < next)
			next = kids[i].deadline - now;
		i++;
	}
	return next < 0 ? (*nk ? 100 : -1) : (int)(next < 100 ? next : 100);
}

static int
serve(int s)
{
	static struct kid kids[FZYG_MAX_CHILDREN];
	size_t nk = 0;

	fextract_global_init();
	for (;;) {
		struct pollfd pfd = { s, POLLIN, 0 };
		struct fzyg_req q;
		int fds[2], rc;
		if (poll(&pfd, 1, tend(kids, &nk)) <= 0)
			continue;
		if ((rc = recv_req(s, &q, fds)) == 0)
			break;
		if (rc == 1)
			start_kid(s, kids, &nk, &q, fds);
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
	}
	/* The caller is gone: let the running children finish or time out. */
	while (nk > 0)
		usleep(1000 * (useconds_t)(tend(kids, &nk) > 0 ? tend(kids, &nk) : 1));
	return 0;
}

int
fextract_helper_main(int argc, char **argv)
{
	int fd = open("/dev/null", O_WRONLY);

	if (argc != 2 || strcmp(argv[1], FZYG_SERVE) != 0) {
		fprintf(stderr, "fortrolig-extract: started by the fortrolig library only\n");
		return 2;
	}
	/* Library chatter about broken files must not reach the daemon's log,
	 * and nothing the daemon left open (its milter socket) stays open here. */
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	close_range(3, ~0U, 0);
	signal(SIGPIPE, SIG_IGN);
	return serve(STDIN_FILENO);
}

/* ---- the caller's side ---- */

const char *
fextract_helper_path(void)
{
	const char *e = secure_getenv("FORTROLIG_EXTRACTOR");

	return e && *e ? e : FORTROLIG_EXTRACTOR;
}

/* Under zyg.mu: a zygote on the other end of zyg.fd. */
static int
start_locked(void)
{
	char *argv[] = { (char *)"fortrolig-extract", (char *)FZYG_SERVE, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&zyg.pid, fextract_helper_path(), &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		return -1;
	}
	zyg.fd = sv[0];
	return 0;
}

static void
stop_locked(void)
{
	if (zyg.fd < 0)
		return;
	close(zyg.fd);
	zyg.fd = -1;
	/* EOF makes it leave; it is our child, so reap it. */
	while (waitpid(zyg.pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int
send_req(int s, const struct fzyg_req *q, int in, int out)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { (void *)q, sizeof(*q) };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	int fds[2] = { in, out };

	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	while (sendmsg(s, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int
fzyg_submit(enum fextract_kind k, int in, size_t n, const struct fextract_limits *l, int out)
{
	struct fzyg_req q;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	q.magic = FZYG_MAGIC;
	q.kind = (int32_t)k;
	q.n = n;
	q.max_text = l->max_text;
	q.max_ratio = l->max_ratio;
	q.max_depth = l->max_depth;
	q.timeout_ms = l->timeout_ms;
	q.max_memory = l->max_memory;
	pthread_mutex_lock(&zyg.mu);
	/* A zygote that died (or was killed) is started again, once. */
	for (int tries = 0; tries < 2 && rc < 0; tries++) {
		if (zyg.fd < 0 && start_locked() < 0)
			break;
		if ((rc = send_req(zyg.fd, &q, in, out)) < 0)
			stop_locked();
	}
	pthread_mutex_unlock(&zyg.mu);
	return rc;
}

pid_t
fzyg_pid(void)
{
	pid_t p;

	pthread_mutex_lock(&zyg.mu);
	p = zyg.fd >= 0 ? zyg.pid : 0;
	pthread_mutex_unlock(&zyg.mu);
	return p;
}

void
fzyg_stop(void)
{
	pthread_mutex_lock(&zyg.mu);
	stop_locked();
	pthread_mutex_unlock(&zyg.mu);
}
