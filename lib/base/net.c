/* net: socket addresses given in the configuration; see net.h. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/net.h"

/* The decimal port after the last ':' (1..65535), or -1. */
static int
port_of(const char *p)
{
	char *end;
	long v;

	if (*p < '0' || *p > '9')
		return -1;
	v = strtol(p, &end, 10);
	return *end == '\0' && v >= 1 && v <= 65535 ? (int)v : -1;
}

static int
v4(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	*len = sizeof(*sin);
	return (ntohl(sin->sin_addr.s_addr) >> 24) == 127 ? 0 : 1;
}

static int
v6(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		return -1;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((unsigned short)port);
	*len = sizeof(*sin6);
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ? 0 : 1;
}

int
fnet_loopback(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *why,
    size_t whylen)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : 0;
	int port = colon ? port_of(colon + 1) : -1, r;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || port < 0 || hl == 0 || hl >= sizeof(host)) {
		snprintf(why, whylen, "\"%s\" is not HOST:PORT (port 1..65535)", s);
		return -1;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		r = v6(host + 1, port, ss, len);
	} else if (strcmp(host, "localhost") == 0) {
		r = v4("127.0.0.1", port, ss, len);
	} else {
		r = v4(host, port, ss, len);
	}
	if (r < 0)
		snprintf(why, whylen, "\"%s\": the host must be an IP address, [::1] or localhost", s);
	else if (r > 0)
		snprintf(why, whylen, "\"%s\" is not a loopback address (127.0.0.0/8 or [::1])", s);
	return r == 0 ? 0 : -1;
}
