/* fuzz_extract: libFuzzer harness for one attachment extractor, in process (no
 * sandbox), so that ASan and UBSan see every byte it touches. Built once
 * per extractor with -DFUZZ_KIND=FEXTRACT_KIND_ZIP (zip, OOXML, ODF), _PDF,
 * _TEXT, _CFB or _ARCHIVE (libarchive). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "extract/extract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	fextract_global_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fextract_limits l = { 4u << 20, 100, 3, 1000, 0 };
	struct fextract_result r;

	fextract_result_init(&r, l.max_text);
	fextract_extract(FUZZ_KIND, data, size, &l, 0, &r);
	if (r.text.len > l.max_text || (r.text.data && strlen(r.text.data) > r.text.len))
		abort();
	fextract_result_free(&r);
	return 0;
}
