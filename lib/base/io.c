/* io: small system helpers shared by the stages; see io.h. */
#include "config.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"

int
fio_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

long long
fio_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
fio_now_ms(void)
{
	return fio_now_us() / 1000;
}
