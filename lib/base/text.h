/* text: small UTF-8 helpers that know Danish letters (æøå and friends). */
#ifndef FORTROLIG_FTEXT_H
#define FORTROLIG_FTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buffer.h"

/* Decodes one code point at s[*i] (advancing *i); invalid bytes give U+FFFD. */
uint32_t ftext_utf8_next(const char *s, size_t len, size_t *i);
int ftext_is_letter(uint32_t cp);
int ftext_is_upper(uint32_t cp);
uint32_t ftext_lower_cp(uint32_t cp);
/* Appends s lower-cased (ASCII, Latin-1, Latin Extended-A). */
int ftext_lower(struct fbuf *out, const char *s, size_t len);
/* Length-preserving word form for matching: letters lower-cased, every
 * other byte (punctuation, blanks, other scripts, invalid UTF-8) a blank,
 * so words are exactly ftext_next_word's words. dst holds len bytes. */
void ftext_canon(char *dst, const char *s, size_t len);
/* Next word (letters and digits) at or after *pos; returns 0 at the end. */
int ftext_next_word(const char *s, size_t len, size_t *pos, size_t *ws, size_t *wl);
/* ASCII transliteration for SMTP replies: æ->ae, ø->oe, å->aa, others best effort. */
int ftext_to_ascii(struct fbuf *out, const char *s);
/* iCalendar and vCard content lines (RFC 5545 3.1, RFC 6350 3.2): a line
 * break followed by a blank or tab is undone, and the escapes \n \, \;
 * \\ become what they stand for, in place; *len gets the new length. */
void ftext_unfold_content_lines(char *s, size_t *len);
/* RFC 3676 format=flowed, in place: a line ending in a blank (a soft break)
 * is joined to the next line of the same quote depth, whose quote marks and
 * space-stuffing go; with delsp the blank goes too. "-- " stays a hard line.
 * *len gets the new length, never longer. */
void ftext_unflow(char *s, size_t *len, int delsp);
/* Case-insensitive ASCII glob with '*' only. */
int ftext_glob_casematch(const char *pat, const char *s);
/* Domain part of an address (after the last '@'), without a trailing '>'. */
const char *ftext_domain(const char *addr);
/* Copies an address without <> and surrounding blanks into dst. */
void ftext_bare_addr(char *dst, size_t size, const char *addr);

#endif
