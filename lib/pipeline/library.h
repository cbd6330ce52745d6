/* library: the process-wide part of the API: the configuration snapshot
 * with its key stores, and the thread memory. Internal to lib/pipeline/. */
#ifndef FORTROLIG_PIPELINE_LIBRARY_H
#define FORTROLIG_PIPELINE_LIBRARY_H

#include "fortrolig.h"
#include "memory/thread.h"

/* One configuration and the key stores opened for it. Reference-counted:
 * a message keeps the snapshot it started with across a reload. */
struct fort_snap {
	int refs;
	struct fconf *conf;
	struct fkeyset keys;
};

struct fort_snap *fort_snap_get(struct fort_lib *l);
void fort_snap_put(struct fort_snap *s);
struct fthr *fort_lib_thr(const struct fort_lib *l);

#endif
