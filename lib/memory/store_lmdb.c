/* store_lmdb: the embedded thread store. One LMDB environment under the
 * configured directory, durable commits (crash-safe), MDB_NOTLS so that
 * libmilter's threads can share it; other processes share it through
 * LMDB's lock file. Expired entries are purged a slice at a time. */
#include "config.h"

#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memory/thread.h"

struct fstore {
	MDB_env *env;
	MDB_dbi dbi;
	pthread_mutex_t mu;              /* guards the purge position */
	uint8_t next[FSTORE_KEYLEN];     /* where the next purge slice starts */
	int have_next;
};

static int
lerr(char *err, size_t errlen, const char *what, int rc)
{
	snprintf(err, errlen, "lmdb %s: %s%s", what, mdb_strerror(rc),
	    rc == MDB_MAP_FULL ? " (raise store.map_size)" : "");
	return -1;
}

static void
lmdb_close(struct fstore *s)
{
	if (s == NULL)
		return;
	if (s->env)
		mdb_env_close(s->env);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static struct fstore *
lmdb_open(const struct fconf *c, char *err, size_t errlen)
{
	struct fstore *s = calloc(1, sizeof(*s));
	MDB_txn *txn;
	int rc;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	if (mkdir(c->store.path, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "lmdb: cannot create %s: %s", c->store.path, strerror(errno));
		lmdb_close(s);
		return NULL;
	}
	if ((rc = mdb_env_create(&s->env)) != 0 ||
	    (rc = mdb_env_set_mapsize(s->env, (size_t)c->store.map_size)) != 0 ||
	    (rc = mdb_env_set_maxreaders(s->env, 256)) != 0 ||
	    (rc = mdb_env_open(s->env, c->store.path, MDB_NOTLS, 0600)) != 0) {
		lerr(err, errlen, c->store.path, rc);
		lmdb_close(s);
		return NULL;
	}
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &s->dbi)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		lerr(err, errlen, "open", rc);
		lmdb_close(s);
		return NULL;
	}
	return s;
}

static int
lmdb_put(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    const struct fthr_val *v, char *err, size_t errlen)
{
	uint8_t val[FTHR_VALLEN];
	MDB_txn *txn;
	int rc;

	fthr_val_encode(v, val);
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		return lerr(err, errlen, "put", rc);
	for (size_t i = 0; i < n; i++) {
		MDB_val k = { FSTORE_KEYLEN, (void *)keys[i] }, d = { FTHR_VALLEN, val };
		if ((rc = mdb_put(txn, s->dbi, &k, &d, 0)) != 0) {
			mdb_txn_abort(txn);
			return lerr(err, errlen, "put", rc);
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lerr(err, errlen, "commit", rc);
	return 0;
}

static int
lmdb_get(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    struct fthr_val *vals, int *found, char *err, size_t errlen)
{
	int64_t now = (int64_t)time(NULL);
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		return lerr(err, errlen, "get", rc);
	for (size_t i = 0; i < n; i++) {
		MDB_val k = { FSTORE_KEYLEN, (void *)keys[i] }, d;
		found[i] = 0;
		rc = mdb_get(txn, s->dbi, &k, &d);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc != 0) {
			mdb_txn_abort(txn);
			return lerr(err, errlen, "get", rc);
		}
		if (d.mv_size != FTHR_VALLEN)
			continue;   /* not ours: ignore rather than trust */
		fthr_val_decode(d.mv_data, &vals[i]);
		found[i] = vals[i].expires > now;
	}
	mdb_txn_abort(txn);
	return 0;
}

/* One slice: up to max entries from the saved position, expired ones
 * deleted; the position wraps at the end. */
static int
lmdb_purge(struct fstore *s, int64_t now, int max, char *err, size_t errlen)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, d;
	int rc, n = 0, deleted = 0;

	pthread_mutex_lock(&s->mu);
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		goto fail;
	if ((rc = mdb_cursor_open(txn, s->dbi, &cur)) != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	k.mv_size = FSTORE_KEYLEN;
	k.mv_data = s->next;
	rc = mdb_cursor_get(cur, &k, &d, s->have_next ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0 && n++ < max) {
		struct fthr_val v;
		if (d.mv_size == FTHR_VALLEN) {
			fthr_val_decode(d.mv_data, &v);
			if (v.expires <= now && (rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			deleted += v.expires <= now;
		}
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
	}
	if (rc == 0 && k.mv_size == FSTORE_KEYLEN) {
		memcpy(s->next, k.mv_data, FSTORE_KEYLEN);
		s->have_next = 1;
	} else if (rc == MDB_NOTFOUND) {
		s->have_next = 0;
		rc = 0;
	}
	mdb_cursor_close(cur);
	if (rc != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto fail;
	pthread_mutex_unlock(&s->mu);
	return deleted;
fail:
	pthread_mutex_unlock(&s->mu);
	return lerr(err, errlen, "purge", rc);
}

static int
lmdb_any(struct fstore *s, char *err, size_t errlen)
{
	MDB_txn *txn;
	MDB_stat st;
	int rc;

	if ((rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) != 0)
		return lerr(err, errlen, "stat", rc);
	rc = mdb_stat(txn, s->dbi, &st);
	mdb_txn_abort(txn);
	if (rc != 0)
		return lerr(err, errlen, "stat", rc);
	return st.ms_entries > 0;
}

const struct fstore_ops fstore_lmdb_ops = {
	.name = "lmdb", .open = lmdb_open, .put = lmdb_put, .get = lmdb_get,
	.purge = lmdb_purge, .close = lmdb_close, .any = lmdb_any,
};
