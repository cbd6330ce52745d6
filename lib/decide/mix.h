/* mix: one copy of a message goes out, so the recipients' actions must
 * agree: one encryption kind for all, or none. Internal to lib/. */
#ifndef FORTROLIG_FMIX_H
#define FORTROLIG_FMIX_H

#include "decide/decide.h"

/* Settles v->would, v->enc, v->split, dropped recipients and subject
 * protection after the per-recipient decision. -1 on a key-store error. */
int fpol_mix(const struct fconf *c, const struct fkeyset *keys, struct fpol_verdict *v);

#endif
