/* fortrolig-milter: options, start-up, privilege drop and signals.
 * libmilter's own signal thread treats SIGHUP as "stop", so the main thread
 * waits for HUP/TERM/INT itself: Linux hands a process signal to the main
 * thread first when it is waiting in sigwait(), and smfi_main() runs in a
 * second thread. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "base/buffer.h"
#include "base/log.h"
#include "conf/tlsmap.h"
#include "fortrolig.h"
#include "keys/keys.h"
#include "metrics.h"
#include "milter.h"

struct fm_opts {
	const char *conf;
	const char *socket;
	const char *pidfile;
	int foreground;
	int check;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: fortrolig-milter [-c conf] [-p socket] [-P pidfile] [-f] [-n]\n"
	    "  -c conf     configuration file (default %s)\n"
	    "  -p socket   milter socket, e.g. inet:8894@127.0.0.1 or unix:/run/fortrolig/milter.sock\n"
	    "  -P pidfile  write the process id here\n"
	    "  -f          stay in the foreground and log to stderr as well\n"
	    "  -n          check the configuration and exit\n", FORTROLIG_CONF);
}

static int
parse_opts(int argc, char **argv, struct fm_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->conf = FORTROLIG_CONF;
	while ((ch = getopt(argc, argv, "c:p:P:fnh")) != -1) {
		switch (ch) {
		case 'c': o->conf = optarg; break;
		case 'p': o->socket = optarg; break;
		case 'P': o->pidfile = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'n': o->check = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int
daemonise(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if (chdir("/") != 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/* Returns the open descriptor: after the privilege drop the file may not be
 * removable (a root-owned directory), and then it is emptied instead. */
static int
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
remove_pidfile(const char *path, int fd)
{
	if (path == NULL || fd < 0)
		return;
	if (unlink(path) != 0 && ftruncate(fd, 0) != 0)
		flog(NULL, LOG_WARNING, "cannot remove or empty %s: %s", path, strerror(errno));
	close(fd);
}

static void *
milter_thread(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	int r = smfi_main();

	flog(NULL, r == MI_SUCCESS ? LOG_INFO : LOG_ERR, "milter loop ended (%s)",
	    r == MI_SUCCESS ? "ok" : "error");
	pthread_kill(main_thread, SIGTERM);   /* wake the signal loop */
	return NULL;
}

struct reloader {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending, stop;
	struct fort_lib *lib;
	const char *conf;
};

static void
warn_log(void *arg, const char *msg)
{
	(void)arg;
	flog(NULL, LOG_WARNING, "%s", msg);
}

/* The TLS policy map is read with each snapshot: its warnings go with
 * every start and reload. */
static void
check_tls_map(struct fort_lib *lib)
{
	struct fconf *c = fort_lib_conf(lib);

	ftlsmap_check(c, warn_log, NULL);
	fconf_unref(c);
}

static void
reload(struct fort_lib *lib, const char *path)
{
	char err[1024];

	if (fort_lib_reload(lib, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "reload failed, keeping the running configuration: %s", err);
		return;
	}
	flog(NULL, LOG_INFO, "configuration reloaded from %s", path);
	check_tls_map(lib);
}

/* Loading takes a while (word lists); the main thread must be back in
 * sigwait() at once, or a second SIGHUP would reach libmilter ("stop"). */
static void *
reload_thread(void *arg)
{
	struct reloader *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->pending && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		r->pending = 0;
		pthread_mutex_unlock(&r->mu);
		reload(r->lib, r->conf);
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void
poke(struct reloader *r, int stop)
{
	pthread_mutex_lock(&r->mu);
	if (stop)
		r->stop = 1;
	else
		r->pending = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static int
signal_loop(struct fort_lib *lib, const char *conf, const sigset_t *set)
{
	struct reloader r = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, lib, conf };
	pthread_t tid;

	if (pthread_create(&tid, NULL, reload_thread, &r) != 0) {
		flog(NULL, LOG_ERR, "cannot start the reload thread");
		smfi_stop();
		return -1;
	}
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			poke(&r, 0);
			continue;
		}
		flog(NULL, LOG_INFO, "signal %d: stopping", sig);
		smfi_stop();
		break;
	}
	poke(&r, 1);
	pthread_join(tid, NULL);
	return 0;
}

static int
open_socket(const char *sock, const char *user)
{
	char err[512];

	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS)
		return -1;
	if (fm_socket_owner(sock, user, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

/* The metrics endpoint: bound now, as root and before the fork, so that a
 * taken or forbidden address stops the start with its reason. */
static int
metrics_listen(const struct fconf *c, struct fmet_http **http)
{
	char err[512];

	*http = NULL;
	if (c->metrics[0] == '\0')
		return 0;
	if ((*http = fmet_http_listen(c->metrics, err, sizeof(err))) == NULL) {
		flog(NULL, LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

/* Started after the signal mask is set: its thread must not take SIGTERM. */
static int
metrics_start(struct fmet_http *http, struct fmet *met, const char *addr)
{
	char err[512];

	if (http == NULL)
		return 0;
	if (fmet_http_start(http, met, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "%s", err);
		return -1;
	}
	flog(NULL, LOG_INFO, "metrics on http://%s/metrics", addr);
	return 0;
}

static int
run(const struct fm_opts *o, struct fort_lib *lib)
{
	struct fconf *c = fort_lib_conf(lib);
	const char *sock = o->socket ? o->socket : c->socket;
	struct fm_filter f = { lib, fmet_new() };
	struct fmet_http *http = NULL;
	pthread_t self = pthread_self(), tid;
	sigset_t set;
	char err[512] = "";
	int rc = 1, pidfd = -1;

	if (f.met == NULL) {
		flog(NULL, LOG_ERR, "out of memory");
		goto out;
	}
	if (fm_register(&f) < 0 || open_socket(sock, c->user) < 0) {
		flog(NULL, LOG_ERR, "cannot listen on %s", sock);
		goto out;
	}
	if (metrics_listen(c, &http) < 0)
		goto out;
	if (!o->foreground && daemonise() < 0) {
		flog(NULL, LOG_ERR, "cannot daemonise: %s", strerror(errno));
		goto out;
	}
	if (o->pidfile && (pidfd = write_pidfile(o->pidfile)) < 0) {
		flog(NULL, LOG_ERR, "cannot write %s: %s", o->pidfile, strerror(errno));
		goto out;
	}
	if (fm_state_prepare(c, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "%s", err);
		goto out;
	}
	if (fm_drop_privileges(c->user, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "%s", err);
		goto out;
	}
	if (err[0])
		flog(NULL, LOG_WARNING, "%s", err);
	/* After the fork and the drop: LMDB must not cross a fork, and the
	 * store and key are created as the run user. */
	if (fort_lib_start(lib, err, sizeof(err)) < 0) {
		flog(NULL, LOG_ERR, "thread memory: %s", err);
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (metrics_start(http, f.met, c->metrics) < 0)
		goto out;
	if (pthread_create(&tid, NULL, milter_thread, &self) != 0) {
		flog(NULL, LOG_ERR, "cannot start the milter thread");
		goto out;
	}
	flog(NULL, LOG_INFO, "listening on %s (mode=%s)", sock,
	    c->mode == FMODE_MONITOR ? "monitor" : "enforce");
	signal_loop(lib, o->conf, &set);
	pthread_join(tid, NULL);
	rc = 0;
out:
	fmet_http_stop(http);
	fmet_free(f.met);
	remove_pidfile(o->pidfile, pidfd);
	fconf_unref(c);
	return rc;
}

/* A fixed mmap threshold: glibc's dynamic one rises after the first large
 * free, and from then on every 2 MB mail's buffers were carved from the
 * threads' arenas, which fragmented; the heap grew 18% in a 10-minute soak.
 * Above the threshold, memory goes back to the system when freed. And one
 * arena per core, not glibc's eight: a thread per SMTP session (100 in the
 * soak) spread the freed memory over sixteen arenas on two cores. */
static void
set_malloc(struct fort_lib *lib)
{
#if defined(M_MMAP_THRESHOLD) && defined(M_ARENA_MAX)
	struct fconf *c = fort_lib_conf(lib);
	const char *tun = getenv("GLIBC_TUNABLES");
	long arenas = c->malloc_arenas ? c->malloc_arenas : sysconf(_SC_NPROCESSORS_ONLN);

	if (c->mmap_threshold > 0 && mallopt(M_MMAP_THRESHOLD, (int)c->mmap_threshold) != 1)
		flog(NULL, LOG_WARNING, "cannot set the malloc mmap threshold");
	/* The default gives way to an administrator's environment. */
	if (c->malloc_arenas == 0 && (getenv("MALLOC_ARENA_MAX") ||
	    (tun && strstr(tun, "arena_max"))))
		arenas = 0;
	if (arenas > 0 && mallopt(M_ARENA_MAX, (int)arenas) != 1)
		flog(NULL, LOG_WARNING, "cannot set the number of malloc arenas");
	fconf_unref(c);
#else
	(void)lib;   /* not glibc: its allocator's own settings */
#endif
}

int
main(int argc, char **argv)
{
	struct fort_lib_opts lo = { NULL, FORTROLIG_WORDS, fkeys_all_ops, NULL };
	struct fm_opts o;
	struct fort_lib *lib;
	char err[1024];
	int rc;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	flog_open("fortrolig-milter", o.foreground || o.check, !o.check);
	umask(007);   /* a unix socket must be usable by the MTA's group */
	lo.conf = o.conf;
	if ((lib = fort_lib_open(&lo, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		if (!o.check)
			flog(NULL, LOG_ERR, "%s", err);
		return 1;
	}
	if (o.check) {
		struct fconf *c = fort_lib_conf(lib);
		rc = fm_state_check(o.conf, c);
		fconf_unref(c);
		fort_lib_close(lib);
		if (rc < 0)
			return 1;
		printf("%s: configuration OK\n", o.conf);
		return 0;
	}
	check_tls_map(lib);
	set_malloc(lib);
	rc = run(&o, lib);
	fort_lib_close(lib);
	return rc;
}
