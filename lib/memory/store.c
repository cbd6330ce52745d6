/* store: the thread-memory backends by name, as Postfix's dict_open.c
 * maps a table type to its open function. A new backend is one line here
 * and its ops (memory/thread.h). */
#include "config.h"

#include <string.h>

#include "memory/thread.h"

static const struct {
	const char *name;
	const struct fstore_ops *ops;
} backends[] = {
	{ "lmdb", &fstore_lmdb_ops },
#ifdef HAVE_HIREDIS
	{ "redis", &fstore_redis_ops },
#endif
};

const struct fstore_ops *
fstore_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].name, name) == 0)
			return backends[i].ops;
	return NULL;
}

int
fstore_known(const char *name)
{
	return strcmp(name, "none") == 0 || fstore_lookup(name) != NULL;
}

const char *
fstore_names(void)
{
#ifdef HAVE_HIREDIS
	return "none, lmdb, redis";
#else
	return "none, lmdb (this build has no Redis support)";
#endif
}
