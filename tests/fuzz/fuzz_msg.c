/* fuzz_msg: libFuzzer harness for the whole pipeline: raw bytes through
 * the library's phases (fortrolig.h: headers, body, end of message:
 * analysis, detectors, decision), the analysis' segment invariant, and a
 * fail-open oracle (a CPR number beside the input is found, or incomplete).
 * Attachments are extracted in the sandbox child as in the daemon. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyse/message.h"
#include "conf/config.h"
#include "decide/decide.h"
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

#define ORACLE_BOUNDARY "fortrolig-oracle-7d1c"

/* The fail-open oracle: the input as one part of a multipart, a CPR number
 * in a plain part after it. Whatever the input does, the number is found
 * or the message is incomplete; never clean. */
static void
oracle(const uint8_t *data, size_t size)
{
	static const char head[] =
	    "From: anne@bakkeby.dk\r\nTo: x@gmail.com\r\nSubject: o\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"" ORACLE_BOUNDARY "\"\r\n\r\n"
	    "--" ORACLE_BOUNDARY "\r\n";
	static const char tail[] =
	    "\r\n--" ORACLE_BOUNDARY "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Borgerens CPR-nr. er 140549-0389.\r\n--" ORACLE_BOUNDARY "--\r\n";
	struct fort_client cl = { NULL, NULL, NULL, FORT_LEARN_NEVER };
	struct fort_msg *fm;
	const struct fpol_verdict *v;
	char *msg;
	size_t n = sizeof(head) - 1 + size + sizeof(tail) - 1;

	/* The input may not end the part itself. */
	if (memmem(data, size, ORACLE_BOUNDARY, sizeof(ORACLE_BOUNDARY) - 1) != NULL ||
	    (msg = malloc(n)) == NULL)
		return;
	memcpy(msg, head, sizeof(head) - 1);
	memcpy(msg + sizeof(head) - 1, data, size);
	memcpy(msg + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
	if ((fm = fort_msg_new(lib, &cl)) != NULL && fort_feed(fm, msg, n) == FORT_OK &&
	    fort_eom(fm) == FORT_OK) {
		v = fort_verdict(fm);
		if (!(v->cats & (1u << FCAT_CPR)) && !v->incomplete) {
			fprintf(stderr, "fuzz_msg: oracle: the planted CPR number was not found\n");
			abort();
		}
	}
	fort_msg_free(fm);
	free(msg);
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
	oracle(data, size);
	return 0;
}
