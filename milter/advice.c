/* advice: the mails fortrolig writes itself: the advice to a sender whose
 * recipients were dropped, and the notices of a message held for review
 * (to the DPO and to the member). They go back through the MTA, with the
 * null envelope sender (no loops, no bounces), by SMTP to a loopback port
 * or through sendmail. They name addresses, categories and reasons, never
 * the message's content or subject. */
#include "config.h"

#include <netdb.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"

extern char **environ;

static int
build(const struct fconf *c, const char *to, const char *subject, const struct fbuf *t,
    struct fbuf *m)
{
	unsigned char rnd[8];
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	const char *from = c->advice.from[0] ? c->advice.from : "MAILER-DAEMON";
	int r = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1 || localtime_r(&now, &tm) == NULL)
		return -1;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	r |= fbuf_printf(m, "From: Fortrolig <%s>\r\nTo: <%s>\r\nDate: %s\r\n", from, to, date);
	r |= fbuf_printf(m, "Message-ID: <fortrolig.%02x%02x%02x%02x%02x%02x%02x%02x@advice>\r\n",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	r |= fbuf_printf(m, "Subject: %s\r\nAuto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n", subject);
	/* LF -> CRLF, and dot-stuffing for SMTP (harmless for sendmail -i). */
	for (size_t i = 0; r == 0 && i < t->len; i++) {
		if (t->data[i] == '\n')
			r = fbuf_add(m, "\r\n", 2);
		else if (t->data[i] == '.' && (i == 0 || t->data[i - 1] == '\n'))
			r = fbuf_add(m, "..", 2);
		else
			r = fbuf_addc(m, t->data[i]);
	}
	return r ? -1 : 0;
}

/* Reads one (multi-line) reply; returns its code or -1. */
static int
smtp_reply(FILE *f)
{
	char line[1024];

	while (fgets(line, sizeof(line), f)) {
		if (strlen(line) < 4)
			return -1;
		if (line[3] == ' ' || line[3] == '\r' || line[3] == '\n')
			return atoi(line);
	}
	return -1;
}

static int
smtp_cmd(FILE *f, int want, const char *line, char *err, size_t errlen)
{
	int code;

	if (line && (fputs(line, f) < 0 || fflush(f) != 0)) {
		snprintf(err, errlen, "write failed");
		return -1;
	}
	code = smtp_reply(f);
	if (code / 100 != want) {
		snprintf(err, errlen, "SMTP reply %d", code);
		return -1;
	}
	return 0;
}

static int
smtp_connect(const char *hostport, char *err, size_t errlen)
{
	char host[256], *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	struct timeval tv = { 30, 0 };
	int fd = -1;

	fstrlcpy(host, hostport, sizeof(host));
	if ((colon = strrchr(host, ':')) == NULL) {
		snprintf(err, errlen, "advice.smtp must be host:port");
		return -1;
	}
	*colon = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || ai == NULL) {
		snprintf(err, errlen, "cannot resolve %s", hostport);
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s", hostport);
	return fd;
}

static int
via_smtp(const char *hostport, const char *to, const struct fbuf *m, char *err, size_t errlen)
{
	int fd = smtp_connect(hostport, err, errlen), r = -1;
	char rcpt[400];
	FILE *f;

	if (fd < 0)
		return -1;
	if ((f = fdopen(fd, "r+")) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(rcpt, sizeof(rcpt), "RCPT TO:<%s>\r\n", to);
	if (smtp_cmd(f, 2, NULL, err, errlen) == 0 &&
	    smtp_cmd(f, 2, "EHLO fortrolig\r\n", err, errlen) == 0 &&
	    smtp_cmd(f, 2, "MAIL FROM:<>\r\n", err, errlen) == 0 &&
	    smtp_cmd(f, 2, rcpt, err, errlen) == 0 &&
	    smtp_cmd(f, 3, "DATA\r\n", err, errlen) == 0 &&
	    fwrite(m->data, 1, m->len, f) == m->len &&
	    smtp_cmd(f, 2, ".\r\n", err, errlen) == 0)
		r = 0;
	fputs("QUIT\r\n", f);
	fclose(f);
	return r;
}

static int
via_sendmail(const char *path, const char *to, const struct fbuf *m, char *err, size_t errlen)
{
	char *argv[] = { (char *)path, "-i", "-f", "<>", "--", (char *)to, NULL };
	posix_spawn_file_actions_t fa;
	int p[2], st = 0, r = -1;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	if (posix_spawn(&pid, path, &fa, NULL, argv, environ) != 0) {
		snprintf(err, errlen, "cannot run %s", path);
		close(p[0]);
		close(p[1]);
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	/* The message is small (the advice text); a plain write loop suffices. */
	for (size_t off = 0; off < m->len;) {
		ssize_t k = write(p[1], m->data + off, m->len - off);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(p[1]);
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		r = 0;
	else
		snprintf(err, errlen, "%s failed (status %d)", path, st);
	return r;
}

int
fm_notice_send(const struct fconf *c, const char *to, const char *subject,
    const struct fbuf *text, char *err, size_t errlen)
{
	struct fbuf m;
	int r = -1;

	if (to == NULL || *to == '\0') {
		snprintf(err, errlen, "no address to write to");
		return -1;
	}
	fbuf_init(&m, 1 << 20);
	if (build(c, to, subject, text, &m) < 0)
		snprintf(err, errlen, "cannot build the mail");
	else if (c->advice.smtp[0])
		r = via_smtp(c->advice.smtp, to, &m, err, errlen);
	else
		r = via_sendmail(c->advice.sendmail, to, &m, err, errlen);
	fbuf_free(&m);
	return r;
}

int
fm_advice_send(const struct fconf *c, const struct fpol_verdict *v, const char *sender,
    char *err, size_t errlen)
{
	struct fbuf t;
	int r = -1;

	fbuf_init(&t, 1 << 20);
	if (fpol_advice_text(c, v, &t) < 0)
		snprintf(err, errlen, "cannot build the advice mail");
	else
		r = fm_notice_send(c, sender, "Fortrolig: mail ikke sendt til alle modtagere / "
		    "mail not sent to all recipients", &t, err, errlen);
	fbuf_free(&t);
	return r;
}
