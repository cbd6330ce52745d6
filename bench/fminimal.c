/* fminimal: the least a content milter does, as the baseline of
 * bench-e2e.sh: it takes the body from the MTA, looks for one word in it
 * (across chunk boundaries) and accepts. Built for the benchmark only.
 *
 *   fminimal -p inet:PORT@127.0.0.1 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#define WORD "fortrolig"
#define WLEN (sizeof(WORD) - 1)

struct state {
	char tail[WLEN];       /* the last bytes of the previous chunk */
	size_t ntail;
	unsigned long hits;
};

static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	struct state *s = smfi_getpriv(ctx);

	if (s == NULL && (s = calloc(1, sizeof(*s))) == NULL)
		return SMFIS_TEMPFAIL;
	memset(s, 0, sizeof(*s));
	return smfi_setpriv(ctx, s) == MI_SUCCESS ? SMFIS_CONTINUE : SMFIS_TEMPFAIL;
}

static sfsistat
on_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
	struct state *s = smfi_getpriv(ctx);
	char seam[2 * WLEN - 2];
	size_t k;

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	/* The word may straddle the previous chunk and this one. */
	k = n < WLEN - 1 ? n : WLEN - 1;
	memcpy(seam, s->tail, s->ntail);
	memcpy(seam + s->ntail, p, k);
	if (memmem(seam, s->ntail + k, WORD, WLEN))
		s->hits++;
	for (const unsigned char *q = p; (q = memmem(q, n - (size_t)(q - p), WORD, WLEN));
	    q += WLEN)
		s->hits++;
	if (n >= WLEN) {
		memcpy(s->tail, p + n - (WLEN - 1), WLEN - 1);
		s->ntail = WLEN - 1;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
on_eom(SMFICTX *ctx)
{
	return SMFIS_ACCEPT;
}

static sfsistat
on_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		"fminimal", SMFI_VERSION, 0, NULL, NULL, on_envfrom, NULL, NULL, NULL, on_body,
		on_eom, NULL, on_close, NULL, NULL, NULL,
	};
	const char *sock = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "p:")) != -1) {
		if (ch != 'p') {
			fprintf(stderr, "usage: fminimal -p SOCKET\n");
			return 2;
		}
		sock = optarg;
	}
	if (sock == NULL || smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "fminimal: cannot listen on %s\n", sock ? sock : "(none)");
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
