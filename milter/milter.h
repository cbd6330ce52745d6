/* milter: the milter side. It only translates between libmilter and lib/. */
#ifndef FORTROLIG_FM_H
#define FORTROLIG_FM_H

#include "conf/config.h"

struct fort_lib;
/* Registers the callbacks; lib must outlive smfi_main(). */
int fm_register(struct fort_lib *lib);

/* Privilege drop: one function, and it fails hard. Returns 0 or -1 (message in err). */
int fm_drop_privileges(const char *user, char *err, size_t errlen);
/* A unix: socket is handed to the run user so it stays usable after the drop. */
int fm_socket_owner(const char *sock, const char *user, char *err, size_t errlen);

#endif
