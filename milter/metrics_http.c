/* metrics_http: GET /metrics over HTTP on a loopback address, served by
 * libmicrohttpd from one thread of its own. The socket is ours (bound
 * before the fork and the privilege drop, so errors name the address);
 * once started, libmicrohttpd owns it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/net.h"
#include "metrics.h"

#ifdef HAVE_MICROHTTPD
#include <microhttpd.h>
#endif

#define FMET_BACKLOG 16
#define FMET_MAX_CONNS 16
#define FMET_TIMEOUT_S 10

struct fmet_http {
	int fd;
	struct fmet *met;
#ifdef HAVE_MICROHTTPD
	struct MHD_Daemon *d;
#endif
};

static int
bind_listen(const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char why[160];
	int fd, one = 1;

	if (fnet_loopback(addr, &ss, &len, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "metrics = %s", why);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		snprintf(err, errlen, "metrics %s: socket: %s", addr, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, FMET_BACKLOG) < 0) {
		snprintf(err, errlen, "metrics: cannot listen on %s: %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct fmet_http *
fmet_http_listen(const char *addr, char *err, size_t errlen)
{
	struct fmet_http *h;

#ifndef HAVE_MICROHTTPD
	snprintf(err, errlen, "metrics = \"%s\": built without libmicrohttpd "
	    "(install libmicrohttpd-dev and configure again)", addr);
	return NULL;
#endif
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "metrics: out of memory");
		return NULL;
	}
	if ((h->fd = bind_listen(addr, err, errlen)) < 0) {
		free(h);
		return NULL;
	}
	return h;
}

#ifdef HAVE_MICROHTTPD
static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, char *body, size_t len, int owned)
{
	struct MHD_Response *r;
	enum MHD_Result q;

	r = owned ? MHD_create_response_from_buffer_with_free_callback(len, body, free) :
	    MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	if (status == MHD_HTTP_OK)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "text/plain; version=0.0.4; charset=utf-8");
	else if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	q = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return q;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **req)
{
	static char not_found[] = "not found: the metrics are at /metrics\n";
	static char not_allowed[] = "only GET and HEAD\n";
	struct fmet_http *h = cls;
	struct fbuf out;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
		    sizeof(not_allowed) - 1, 0);
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1, 0);
	fbuf_init(&out, 1 << 20);
	if (fmet_render(h->met, &out) < 0) {
		fbuf_free(&out);
		return MHD_NO;
	}
	{
		size_t len = out.len;
		return reply(conn, MHD_HTTP_OK, fbuf_take(&out), len, 1);
	}
}

int
fmet_http_start(struct fmet_http *h, struct fmet *m, char *err, size_t errlen)
{
	h->met = m;
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, h,
	    MHD_OPTION_LISTEN_SOCKET, h->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)FMET_MAX_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)FMET_TIMEOUT_S,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "metrics: libmicrohttpd would not start");
		return -1;
	}
	h->fd = -1;   /* MHD_stop_daemon closes it */
	return 0;
}
#else
int
fmet_http_start(struct fmet_http *h, struct fmet *m, char *err, size_t errlen)
{
	(void)h;
	(void)m;
	snprintf(err, errlen, "metrics: built without libmicrohttpd");
	return -1;
}
#endif

void
fmet_http_stop(struct fmet_http *h)
{
	if (h == NULL)
		return;
#ifdef HAVE_MICROHTTPD
	if (h->d)
		MHD_stop_daemon(h->d);
#endif
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}
