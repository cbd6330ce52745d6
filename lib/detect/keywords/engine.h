/* engine: a word list as one Vectorscan literal database over ftext_canon
 * text (words between blanks). Each entry's anchor word becomes a literal
 * that starts at a word start (" word"; "word" for "*word"), cut to
 * FKW_ENGINE_MAX_LIT bytes; the literals are reduced to roots (the shortest
 * literal that is a prefix). A root's hit is handed back once per entry that
 * shares it, and the caller checks the exact word on the token. No trailing
 * blank: literals that end in a blank make the engine's suffix filter weak
 * (most words end before one), and FDR is fastest on fewer, longer roots. */
#ifndef FORTROLIG_FKWHS_H
#define FORTROLIG_FKWHS_H

#include <stddef.h>

struct fkw_engine;

#define FKW_ENGINE_PRE 1   /* other letters may come before the word */
#define FKW_ENGINE_SUF 2   /* other letters may come after it */

#define FKW_ENGINE_MAX_LIT 10   /* bytes of a literal, leading blank included */

/* words[i] (lower-case, len[i] bytes, flags[i]) is the anchor word of entry
 * ids[i] (ids NULL: entry i). */
struct fkw_engine *fkw_engine_build(const char *const *words, const size_t *len,
    const unsigned *flags, const size_t *ids, size_t n, char *err, size_t errlen);
void fkw_engine_free(struct fkw_engine *h);
size_t fkw_engine_roots(const struct fkw_engine *h);

/* Calls cb(at, entry, ctx) for each root hit and entry of that root; at is
 * the offset of the root's first letter (inside the anchor token). The text
 * should start with a blank so a word at its start is found.
 * A non-zero return from cb stops the scan and is returned. Thread-safe:
 * scratch space comes from a pool owned by h. Returns -1 on engine error. */
typedef int (*fkw_engine_cb)(size_t start, size_t entry, void *ctx);
int fkw_engine_scan(struct fkw_engine *h, const char *low, size_t len, fkw_engine_cb cb, void *ctx);

#endif
