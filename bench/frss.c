/* frss: peak memory of many open messages. N threads (default 50) each
 * hand one M MB message (default 10) to the library in 64 KB body chunks,
 * wait until all have, then run end of message, as a milter's threads do
 * with N concurrent SMTP sessions. Run it twice: with the spool
 * (limits.spool_memory = 65536, the default) and with the whole message in
 * memory (spool_memory past the message size, as before the spool). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/buffer.h"
#include "fortrolig.h"

struct run {
	struct fort_lib *lib;
	const char *hdr, *body;
	size_t hlen, blen;
	pthread_barrier_t *bar;
	int failed;
	long held_kb;      /* resident while all messages are open, before analysis */
};

static long
peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static long
resident_kb(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	if (f)
		fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void *
session(void *arg)
{
	struct run *r = arg;
	struct fort_client cl = { "127.0.0.1", "client", "", FORT_LEARN_NEVER };
	struct fort_msg *m = fort_msg_new(r->lib, &cl);
	enum fort_stat st = m ? FORT_OK : FORT_NORESOURCE;

	if (st == FORT_OK)
		st = fort_sender(m, "<anne@bakkeby.dk>");
	if (st == FORT_OK)
		st = fort_rcpt(m, "<ole@example.org>");
	if (st == FORT_OK)
		st = fort_feed(m, r->hdr, r->hlen);     /* headers, then an empty body */
	for (size_t off = 0; st == FORT_OK && off < r->blen; off += 65536)
		st = fort_body(m, r->body + off, r->blen - off < 65536 ? r->blen - off : 65536);
	if (pthread_barrier_wait(r->bar) == PTHREAD_BARRIER_SERIAL_THREAD)
		r->held_kb = resident_kb();
	pthread_barrier_wait(r->bar);
	if (st == FORT_OK)
		st = fort_eom(m);
	if (st != FORT_OK)
		__atomic_add_fetch(&r->failed, 1, __ATOMIC_RELAXED);
	fort_msg_free(m);
	return NULL;
}

/* A council member's reply thread, repeated to size: text a reader would. */
static void
make_body(struct fbuf *b, size_t mb)
{
	static const char line[] = "Tak for mødet i går. Jeg har læst forslaget til lokalplanen "
	    "igennem og har et par spørgsmål til trafikken ved skolen.\r\n";

	while (b->len < mb << 20)
		fbuf_adds(b, line);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	size_t mb = argc > 2 ? (size_t)atoi(argv[2]) : 10;
	long long spool = argc > 3 ? atoll(argv[3]) : 65536;
	char path[] = "/tmp/frss-XXXXXX", err[512], text[1024];
	struct fbuf body;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_barrier_t bar;
	struct run r = { NULL, NULL, NULL, 0, 0, &bar, 0, 0 };
	static const char hdr[] = "From: Anne Holm <anne@bakkeby.dk>\r\nTo: ole@example.org\r\n"
	    "Subject: Lokalplan\r\nMessage-ID: <frss@bakkeby.dk>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
	int fd = mkstemp(path);

	snprintf(text, sizeof(text), "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n"
	    "detectors = { keywords = { dir = \"%s\"; }; };\nstore = { backend = \"none\"; };\n"
	    "limits = { spool_memory = %lld; max_message_size = 104857600; "
	    "max_decoded_size = 1073741824; max_analysis_time = 600; };\n", WORDS_DIR, spool);
	if (t == NULL || fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return 2;
	close(fd);
	struct fort_lib_opts o = { path, WORDS_DIR, NULL, NULL };
	if ((r.lib = fort_lib_open(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "frss: %s\n", err);
		return 2;
	}
	unlink(path);
	fbuf_init(&body, 0);
	make_body(&body, mb);
	r.hdr = hdr;
	r.hlen = sizeof(hdr) - 1;
	r.body = body.data;
	r.blen = body.len;
	long before = resident_kb();
	pthread_barrier_init(&bar, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, session, &r);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("frss: %d sessions x %zu MB, spool_memory %lld: all open %.2f MB per message; "
	    "peak with all %d analysed at once %.1f MB per message; %d failed\n", n, mb, spool,
	    (double)(r.held_kb - before) / 1024.0 / n, n, (double)(peak_kb() - before) / 1024.0 / n,
	    r.failed);
	pthread_barrier_destroy(&bar);
	fbuf_free(&body);
	fort_lib_close(r.lib);
	free(t);
	return r.failed ? 1 : 0;
}
