/* milter: the milter side. It only translates between libmilter and lib/. */
#ifndef FORTROLIG_FM_H
#define FORTROLIG_FM_H

#include "conf/config.h"

/* The current config snapshot. Readers take a reference for one message;
 * SIGHUP swaps in a new snapshot and in-flight messages keep the old one. */
struct fm_snap;
struct fm_snap *fm_snap_new(struct fconf *initial);
struct fconf *fm_snap_get(struct fm_snap *s);          /* returns a new reference */
void fm_snap_swap(struct fm_snap *s, struct fconf *next); /* takes ownership of next */
void fm_snap_free(struct fm_snap *s);

/* Registers the callbacks; the snapshot holder must outlive smfi_main(). */
int fm_register(struct fm_snap *snap);
/* The thread memory (NULL: none), opened once per process before smfi_main(). */
struct fthr;
void fm_set_thread(struct fthr *thr);

/* Privilege drop: one function, and it fails hard. Returns 0 or -1 (message in err). */
int fm_drop_privileges(const char *user, char *err, size_t errlen);
/* A unix: socket is handed to the run user so it stays usable after the drop. */
int fm_socket_owner(const char *sock, const char *user, char *err, size_t errlen);

#endif
