/* fcbench: S/MIME encryption of a 10 MB message with fortrolig's keys/
 * code (fkeys_inner_headers + fkeys_cms_encrypt, output spilling to a temp file
 * as in the milter) against `openssl cms -encrypt` on the same input, in
 * the same run. Each side runs in its own fresh process (this program
 * re-executed, or openssl), so wait4's ru_maxrss is that side's peak
 * memory. Targets: time <= 1.5x the CLI, peak memory <= 2x the message. */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "keys/cms.h"

#define MSG_SIZE (10u << 20)
#define RUNS 3

static uint64_t rng = 88172645463325252ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A confidential-looking message: a text part and a base64 attachment. */
static int
write_msg(const char *path)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	FILE *f = fopen(path, "w");
	char line[78];
	long n;

	if (f == NULL)
		return -1;
	fprintf(f, "From: Anne Holm <anne.holm@bakkeby.dk>\r\nTo: lars@example.org\r\n"
	    "Subject: Bench\r\nMessage-ID: <bench@bakkeby.dk>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nBorgeren har CPR-nr. 140549-0389.\r\n"
	    "--b1\r\nContent-Type: application/octet-stream; name=\"bilag.bin\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	while ((n = ftell(f)) >= 0 && (unsigned long)n < MSG_SIZE - 100) {
		for (int i = 0; i < 76; i++)
			line[i] = b64[next() & 63];
		line[76] = '\r';
		line[77] = '\n';
		fwrite(line, 1, sizeof(line), f);
	}
	fprintf(f, "--b1--\r\n");
	return fclose(f) == 0 ? 0 : -1;
}

static int
write_cert(const char *path)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *nm;
	FILE *f = NULL;
	int ok = pk && x && X509_set_version(x, 2) &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400) && X509_set_pubkey(x, pk);

	if (ok && (nm = X509_get_subject_name(x)) != NULL)
		ok = X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
		    (const unsigned char *)"bench", -1, -1, 0) && X509_set_issuer_name(x, nm) &&
		    X509_sign(x, pk, EVP_sha256()) > 0;
	ok = ok && (f = fopen(path, "w")) != NULL && PEM_write_X509(f, x) == 1;
	if (f && fclose(f) != 0)
		ok = 0;
	X509_free(x);
	EVP_PKEY_free(pk);
	return ok ? 0 : -1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Child: what the milter does at end of message for one S/MIME recipient.
 * The time from reading the message to the last output byte (no process
 * start-up) goes to timepath. */
static int
encrypt_child(const char *msg, const char *certpath, const char *timepath)
{
	double t0 = now();
	struct fkeys_cms_opts o = { 0, 0 };
	struct fbuf hdr;
	struct fkeys_out out;
	struct stat sb;
	STACK_OF(X509) *sk = sk_X509_new_null();
	const char *body;
	char err[256], *raw, buf[65536];
	size_t blen, pos = 0;
	FILE *f = fopen(msg, "rb"), *cf = fopen(certpath, "r"), *of;

	X509 *x = cf ? PEM_read_X509(cf, NULL, NULL, NULL) : NULL;
	long k;

	if (f == NULL || x == NULL || sk == NULL || fstat(fileno(f), &sb) < 0 ||
	    (raw = malloc((size_t)sb.st_size)) == NULL ||
	    fread(raw, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size || !sk_X509_push(sk, x))
		return 2;
	fclose(f);
	fclose(cf);
	fbuf_init(&hdr, 1 << 20);
	fkeys_out_init(&out, 1 << 20);   /* limits.spill_size default */
	if (fkeys_inner_headers(raw, (size_t)sb.st_size, 0, &hdr, &body, &blen) < 0 ||
	    fkeys_cms_encrypt(sk, &o, &hdr, body, blen, &out, err, sizeof(err)) < 0) {
		fprintf(stderr, "fcbench: %s\n", err);
		return 2;
	}
	/* The milter reads the output back in chunks for smfi_replacebody: so
	 * does this, and drops them (the socket send is not counted). */
	if (fkeys_out_rewind(&out) < 0)
		return 2;
	while ((k = fkeys_out_read(&out, buf, sizeof(buf), &pos)) > 0)
		continue;
	if ((of = fopen(timepath, "w")) != NULL) {
		fprintf(of, "%.6f %zu\n", now() - t0, pos);
		fclose(of);
	}
	fkeys_out_free(&out);
	fbuf_free(&hdr);
	sk_X509_pop_free(sk, X509_free);
	free(raw);
	return k < 0 ? 2 : 0;
}

/* Runs argv, returns wall seconds and peak RSS (KiB), or -1. */
static double
run(char *const argv[], long *maxrss)
{
	struct rusage ru;
	double t0 = now();
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "fcbench: %s failed\n", argv[0]);
		return -1;
	}
	*maxrss = ru.ru_maxrss;
	return now() - t0;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/fcbench-XXXXXX", msg[64], cert[64], o2[64], tp[64];
	double tf = 1e9, ti = 1e9, to = 1e9, ts = 1e9, mb = MSG_SIZE / 1048576.0;
	FILE *f;
	long rf = 0, ro = 0, rs = 0, rss;

	if (argc == 5 && strcmp(argv[1], "--encrypt") == 0)
		return encrypt_child(argv[2], argv[3], argv[4]);
	if (argc != 1) {
		fprintf(stderr, "usage: fcbench (no arguments; see bench/Makefile.am)\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(msg, sizeof(msg), "%s/msg.eml", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(o2, sizeof(o2), "%s/openssl.out", dir);
	snprintf(tp, sizeof(tp), "%s/time", dir);
	if (write_msg(msg) < 0 || write_cert(cert) < 0) {
		fprintf(stderr, "fcbench: cannot write the test input in %s\n", dir);
		return 2;
	}
	for (int i = 0; i < RUNS; i++) {
		char *a1[] = { argv[0], "--encrypt", msg, cert, tp, NULL };
		char *a2[] = { "openssl", "cms", "-encrypt", "-aes-256-cbc", "-binary", "-in", msg,
		    "-out", o2, cert, NULL };
		char *a3[] = { "openssl", "cms", "-encrypt", "-aes-256-cbc", "-binary", "-stream",
		    "-in", msg, "-out", o2, cert, NULL };
		double t;
		if ((t = run(a1, &rss)) < 0)
			return 2;
		tf = t < tf ? t : tf;
		rf = rss > rf ? rss : rf;
		if ((f = fopen(tp, "r")) != NULL) {
			if (fscanf(f, "%lf", &t) == 1 && t < ti)
				ti = t;
			fclose(f);
		}
		if ((t = run(a2, &rss)) < 0)
			return 2;
		to = t < to ? t : to;
		ro = rss > ro ? rss : ro;
		if ((t = run(a3, &rss)) < 0)
			return 2;
		ts = t < ts ? t : ts;
		rs = rss > rs ? rss : rs;
	}
	printf("S/MIME AES-256-CBC, one RSA-2048 recipient, %.1f MB message, best of %d\n", mb, RUNS);
	printf("  fortrolig (fkeys_cms_encrypt): %6.3f s  %6.1f MB/s  peak RSS %6.1f MB = %.2fx message\n",
	    tf, mb / tf, rf / 1024.0, rf / 1024.0 / mb);
	printf("    of which the work itself: %6.3f s (the rest is starting a process linked\n"
	    "    with the whole policy library, which the milter does once)\n", ti);
	printf("  openssl cms -encrypt:       %6.3f s  %6.1f MB/s  peak RSS %6.1f MB = %.2fx message\n",
	    to, mb / to, ro / 1024.0, ro / 1024.0 / mb);
	printf("  openssl cms -encrypt -stream: %5.3f s  %6.1f MB/s  peak RSS %6.1f MB = %.2fx message\n",
	    ts, mb / ts, rs / 1024.0, rs / 1024.0 / mb);
	if (ts < to)
		to = ts;
	printf("  time ratio %.2fx the faster CLI run, %.2fx without start-up (target <= 1.5x);\n"
	    "  memory %.2fx the message (target <= 2x)\n", tf / to, ti / to, rf / 1024.0 / mb);
	unlink(msg);
	unlink(cert);
	unlink(o2);
	unlink(tp);
	rmdir(dir);
	return 0;
}
