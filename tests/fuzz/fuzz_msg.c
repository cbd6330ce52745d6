/* fuzz_msg: libFuzzer harness for the analysis: raw bytes -> fmsg_analyse()
 * -> segments. Attachments are extracted in the sandbox child as in the
 * daemon, so the harness process also exercises the pipe protocol. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "analyse/message.h"

static struct fconf *conf;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fortrolig-fuzz-XXXXXX", err[512];
	int fd = mkstemp(path);
	static const char text[] =
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "limits = { max_extract_time = 2; max_analysis_time = 5; };\n";

	(void)argc;
	(void)argv;
	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
		abort();
	close(fd);
	fmsg_global_init();
	conf = fconf_load(path, FUZZ_WORDS, err, sizeof(err));
	unlink(path);
	if (conf == NULL) {
		fprintf(stderr, "fuzz_msg: %s\n", err);
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fmsg m;

	if (fmsg_analyse(conf, (const char *)data, size, &m) == 0) {
		for (size_t i = 0; i < m.segs.n; i++)
			if (strlen(m.segs.v[i].text) > m.segs.v[i].len)
				abort();
	}
	fmsg_free(&m);
	return 0;
}
