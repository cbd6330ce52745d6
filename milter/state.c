/* state: the run user's directories. At start (as root, before the
 * privilege drop) missing state directories are created for the run user;
 * -n checks, in a child that has dropped to the run user, that everything
 * start-up needs is there and usable, and names what is not and how to fix
 * it, as OpenDKIM's -n does. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buffer.h"
#include "conf/tlsmap.h"
#include "fortrolig.h"
#include "memory/thread.h"
#include "milter.h"

/* The directories the thread memory writes: the key file's, and the LMDB
 * environment's parent (the environment directory itself is made by it). */
static size_t
state_dirs(const struct fconf *c, char dirs[][1024], size_t max)
{
	size_t n = 0;
	char tmp[1024];

	if (strcmp(c->store.backend, "none") == 0)
		return 0;
	if (n < max && c->store.key_file[0]) {
		fstrlcpy(tmp, c->store.key_file, sizeof(tmp));
		fstrlcpy(dirs[n++], dirname(tmp), sizeof(dirs[0]));
	}
	if (n < max && strcmp(c->store.backend, "lmdb") == 0 && c->store.path[0]) {
		fstrlcpy(tmp, c->store.path, sizeof(tmp));
		fstrlcpy(dirs[n], dirname(tmp), sizeof(dirs[0]));
		n += n == 0 || strcmp(dirs[0], dirs[n]) != 0;
	}
	return n;
}

/* mkdir -p of path, each new level 0750 and handed to pw. */
static int
make_dir(const char *path, const struct passwd *pw, char *err, size_t errlen)
{
	char tmp[1024];
	struct stat sb;

	if (stat(path, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? 0 : (snprintf(err, errlen, "%s: not a directory", path), -1);
	fstrlcpy(tmp, path, sizeof(tmp));
	if (strcmp(dirname(tmp), path) != 0 && make_dir(tmp, pw, err, errlen) < 0)
		return -1;
	if ((mkdir(path, 0750) < 0 && errno != EEXIST) ||
	    (pw && geteuid() == 0 && chown(path, pw->pw_uid, pw->pw_gid) < 0)) {
		snprintf(err, errlen, "%s: cannot create the state directory: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
fm_state_prepare(const struct fconf *c, char *err, size_t errlen)
{
	char dirs[2][1024];
	size_t n = state_dirs(c, dirs, 2);
	struct passwd *pw = c->user[0] ? getpwnam(c->user) : NULL;

	for (size_t i = 0; i < n; i++)
		if (make_dir(dirs[i], pw, err, errlen) < 0)
			return -1;
	return 0;
}

/* ---- -n ---- */

/* "conf: what, and how to fix it" */
static void
problem(int *bad, const char *conf, const char *what)
{
	fprintf(stderr, "%s: %s\n", conf, what);
	(*bad)++;
}

/* An existing path the run user must reach with mode (R_OK, W_OK...). */
static void
need(const char *conf, const char *what, const char *path, int mode, int *bad)
{
	char msg[4400];

	if (path[0] == '\0' || (access(path, F_OK) != 0 && errno == ENOENT))
		return;
	if (access(path, mode) != 0) {
		snprintf(msg, sizeof(msg), "%s %s: %s for the run user; fix its owner or mode",
		    what, path, strerror(errno));
		problem(bad, conf, msg);
	}
}

/* The thread memory opened as start-up opens it: the key (made when
 * missing, as the daemon would), the LMDB environment or the Redis
 * connection. Skipped while a state directory is still to be made. */
static void
open_memory(const char *conf, const struct fconf *c, char dirs[][1024], size_t n, int *bad)
{
	char err[512] = "", msg[800];
	struct fthr *t;

	if (strcmp(c->store.backend, "none") == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (access(dirs[i], F_OK) != 0)
			return;
	if ((t = fthr_open(c, err, sizeof(err))) == NULL) {
		snprintf(msg, sizeof(msg), "thread memory (%s): %s; fix the store settings or "
		    "start the store", c->store.backend, err[0] ? err : "cannot open");
		problem(bad, conf, msg);
		return;
	}
	/* A store that does not answer yet (Redis starting after the milter)
	 * is not fatal at start: store.on_error decides until it does. */
	if (fthr_probe(t, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: warning: thread memory (%s) does not answer: %s; the milter "
		    "starts, and store.on_error decides until it does\n", conf, c->store.backend, err);
	fthr_close(t);
}

/* "inet:PORT@HOST", "inet6:PORT@HOST", "unix:/path" or "local:/path". */
static void
check_socket(const char *conf, const char *sock, int *bad)
{
	char msg[1200], dir[1024];
	const char *p = strchr(sock, ':'), *at;
	long port;
	char *end;

	if (p && (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) == 0)) {
		fstrlcpy(dir, p + 1, sizeof(dir));
		if (p[1] != '/' || access(dirname(dir), F_OK) != 0) {
			snprintf(msg, sizeof(msg), "socket %s: its directory does not exist; create it "
			    "or use inet:PORT@127.0.0.1", sock);
			problem(bad, conf, msg);
		}
		return;
	}
	if (p && (strncmp(sock, "inet:", 5) == 0 || strncmp(sock, "inet6:", 6) == 0)) {
		port = strtol(p + 1, &end, 10);
		at = end;
		if (end != p + 1 && port > 0 && port < 65536 && (*at == '\0' || (*at == '@' && at[1])))
			return;
	}
	snprintf(msg, sizeof(msg), "socket \"%s\": not inet:PORT@HOST, inet6:PORT@HOST or "
	    "unix:/path", sock);
	problem(bad, conf, msg);
}

/* Without the extractor every mail with an attachment is incomplete (and
 * so confidential or deferred): say so before the first one arrives. */
static void
check_extractor(const char *conf, int *bad)
{
	const char *x = fort_extractor_path();
	char msg[1200];

	if (access(x, X_OK) != 0) {
		snprintf(msg, sizeof(msg), "attachment extractor %s: %s for the run user; "
		    "reinstall fortrolig (or set FORTROLIG_EXTRACTOR)", x, strerror(errno));
		problem(bad, conf, msg);
	}
}

static void
warn_stderr(void *arg, const char *msg)
{
	fprintf(stderr, "%s: warning: %s\n", (const char *)arg, msg);
}

/* A reload reads the map as the run user: if it cannot, every tls domain
 * becomes uncovered then. Not fatal, as an uncovered domain is not. */
static void
check_tls_map_access(const char *conf, const struct fconf *c)
{
	if (c->tls.map[0] && c->tls.parsed && access(c->tls.map, R_OK) != 0)
		fprintf(stderr, "%s: warning: tls_policy_map %s: %s for the run user; after a "
		    "reload tls would be unusable for every domain\n", conf, c->tls.map,
		    strerror(errno));
}

/* In the child, as the run user. A missing state directory is made at
 * start when the milter starts as root. */
static int
check_as_user(const char *conf, const struct fconf *c, int started_as_root)
{
	char dirs[2][1024], err[512] = "";
	size_t n = state_dirs(c, dirs, 2);
	int bad = 0;

	char msg[4400];

	if (fm_drop_privileges(c->user, err, sizeof(err)) < 0) {
		problem(&bad, conf, err);
		return bad;
	}
	for (size_t i = 0; i < n; i++) {
		if (access(dirs[i], F_OK) != 0 && !started_as_root) {
			snprintf(msg, sizeof(msg), "state directory %s is missing; create it for the "
			    "run user (install -d -o USER -m 0750 %s) or start the milter as root",
			    dirs[i], dirs[i]);
			problem(&bad, conf, msg);
		} else {
			need(conf, "state directory", dirs[i], R_OK | W_OK | X_OK, &bad);
		}
	}
	if (strcmp(c->store.backend, "none") != 0) {
		need(conf, "thread memory key", c->store.key_file, R_OK, &bad);
		if (strcmp(c->store.backend, "lmdb") == 0)
			need(conf, "LMDB environment", c->store.path, R_OK | W_OK | X_OK, &bad);
	}
	need(conf, "S/MIME store", c->smime.store, R_OK | X_OK, &bad);
	need(conf, "GnuPG home", c->pgp.home, R_OK | W_OK | X_OK, &bad);
	need(conf, "word lists", c->kw.dir, R_OK | X_OK, &bad);
	check_extractor(conf, &bad);
	check_tls_map_access(conf, c);
	if (bad == 0)
		open_memory(conf, c, dirs, n, &bad);
	check_socket(conf, c->socket, &bad);
	return bad;
}

int
fm_state_check(const char *conf, const struct fconf *c)
{
	int bad = 0, st;
	pid_t pid;

	char msg[512];

	if (c->user[0] && getpwnam(c->user) == NULL) {
		snprintf(msg, sizeof(msg), "user \"%s\" does not exist; create it with "
		    "adduser --system --group %s", c->user, c->user);
		problem(&bad, conf, msg);
		return -1;
	}
#ifndef HAVE_MICROHTTPD
	if (c->metrics[0])
		problem(&bad, conf, "metrics is set, but this fortrolig-milter was built without "
		    "libmicrohttpd; remove the setting or build with libmicrohttpd-dev");
#endif
	ftlsmap_check(c, warn_stderr, (void *)conf);
	if (c->user[0] && geteuid() != 0 && getpwnam(c->user)->pw_uid != geteuid())
		fprintf(stderr, "%s: not run as root: the run user's rights are not checked\n", conf);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		_exit(check_as_user(conf, c, geteuid() == 0) ? 1 : 0);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return bad == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
