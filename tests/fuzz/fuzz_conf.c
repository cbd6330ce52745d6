/* fuzz_conf: libFuzzer harness for the configuration parser (conf/): any
 * bytes as fortrolig.conf either load, or fail with "file:line: message". */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fortrolig-fuzzconf-XXXXXX", err[1024] = "";
	int fd = mkstemp(path);
	struct fconf *c;
	size_t pl = strlen(path);

	if (fd < 0)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	c = fconf_load(path, FUZZ_WORDS, err, sizeof(err));
	unlink(path);
	if (c != NULL) {
		fconf_unref(c);
		return 0;
	}
	/* An error names the file (or an @include'd one) and a line. */
	if (err[0] == '\0' || strchr(err, ':') == NULL)
		abort();
	if (strncmp(err, path, pl) == 0 && (err[pl] != ':' || err[pl + 1] < '0' || err[pl + 1] > '9'))
		abort();
	return 0;
}
