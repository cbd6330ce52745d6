/* net: socket addresses given in the configuration. */
#ifndef FORTROLIG_NET_H
#define FORTROLIG_NET_H

#include <stddef.h>
#include <sys/socket.h>

/* "127.0.0.1:9712", "[::1]:9712" or "localhost:9712" -> a loopback TCP
 * address. Anything else (another host, no port, port 0) is refused: the
 * listeners that take it serve without authentication. 0, or -1 with why. */
int fnet_loopback(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *why,
    size_t whylen);

#endif
