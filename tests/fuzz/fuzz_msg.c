/* fuzz_msg: libFuzzer harness for the whole pipeline: raw bytes through
 * the library's phases (fortrolig.h: headers, body, end of message:
 * analysis, detectors, decision), and the analysis' segment invariant.
 * Attachments are extracted in the sandbox child as in the daemon. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyse/message.h"
#include "conf/config.h"
#include "fortrolig.h"

static struct fconf *conf;
static struct fort_lib *lib;

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
	struct fort_lib_opts o = { NULL, NULL, NULL, conf };
	if ((lib = fort_lib_open(&o, err, sizeof(err))) == NULL) {
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
	struct fort_client cl = { NULL, NULL, NULL, FORT_LEARN_NEVER };
	struct fort_msg *fm = fort_msg_new(lib, &cl);
	if (fm && fort_feed(fm, (const char *)data, size) == FORT_OK)
		(void)fort_eom(fm);
	fort_msg_free(fm);
	return 0;
}
