/* protect: is a MIME body really encrypted? A message counts as protected
 * only when its whole body is CMS enveloped (or auth-enveloped) data, or a
 * PGP/MIME multipart/encrypted whose payload is an OpenPGP encrypted
 * message. Opaque signed S/MIME is readable by anyone: its content is
 * handed back to be analysed like any other MIME entity. */
#ifndef FORTROLIG_FPROTECT_H
#define FORTROLIG_FPROTECT_H

#include <stddef.h>

#include "base/buffer.h"

enum fprot_cms {
	FPROT_CMS_BAD,             /* not a complete DER CMS ContentInfo */
	FPROT_CMS_ENVELOPED,       /* enveloped or auth-enveloped, with content */
	FPROT_CMS_SIGNED,          /* signed-data with encapsulated content */
	FPROT_CMS_OTHER            /* compressed, detached, data, ...: not read */
};

/* The kind of a DER CMS blob; for FPROT_CMS_SIGNED the encapsulated
 * content is appended to content (may be NULL). */
enum fprot_cms fprot_cms(const unsigned char *p, size_t n, struct fbuf *content);

/* 1 when p holds one OpenPGP encrypted message (ASCII-armored or binary):
 * session-key packets followed by one encrypted-data packet to the end.
 * 0 otherwise. */
int fprot_pgp_encrypted(const unsigned char *p, size_t n);

#endif
