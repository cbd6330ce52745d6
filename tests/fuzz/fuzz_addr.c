/* fuzz_addr: libFuzzer harness for the address parser (base/address.c):
 * no crash, and a parsed address is normal: one spelling that parses to
 * itself, its domain inside it and normal on its own. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), dom[FADDR_MAX];
	struct faddr a, b;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (faddr_parse(s, &a) == 0) {
		if (strlen(a.norm) >= FADDR_MAX || a.domain < a.norm ||
		    a.domain > a.norm + strlen(a.norm))
			abort();
		if (a.norm[0] != '\0') {
			/* The normal form parses again, to itself. */
			if (faddr_parse(a.norm, &b) != 0 || strcmp(a.norm, b.norm) != 0)
				abort();
			if (faddr_domain_norm(a.domain, dom, sizeof(dom)) != 0 ||
			    strcmp(dom, a.domain) != 0)
				abort();
		}
	} else if (a.norm[0] != '\0') {
		abort();        /* a failed parse leaves a empty */
	}
	if (faddr_domain_norm(s, dom, sizeof(dom)) == 0 && strlen(dom) >= sizeof(dom))
		abort();
	free(s);
	return 0;
}
