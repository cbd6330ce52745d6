/* store_redis: the shared thread store for several MTA hosts. Keys are
 * prefix + 16 binary bytes, values 28 bytes; Redis expires them (EX).
 * One connection per process behind a mutex; a lost connection is
 * re-opened a bounded number of times before the store gives up. */
#include "config.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memory/thread.h"

#define REDIS_MAX_BATCH 1024

struct fstore {
	pthread_mutex_t mu;
	redisContext *rc;
	char *host, *password, *prefix;
	int port, db, timeout_ms, retries;
	int ttl;
};

static int
rerr(char *err, size_t errlen, const char *what, const char *why)
{
	snprintf(err, errlen, "redis %s: %s", what, why);
	return -1;
}

static void
drop(struct fstore *s)
{
	if (s->rc)
		redisFree(s->rc);
	s->rc = NULL;
}

/* One command that must answer OK, for AUTH and SELECT. */
static int
simple(struct fstore *s, char *err, size_t errlen, const char *what, int argc,
    const char **argv)
{
	redisReply *r = redisCommandArgv(s->rc, argc, argv, NULL);
	int ok = r && r->type == REDIS_REPLY_STATUS;

	if (!ok)
		rerr(err, errlen, what, r && r->type == REDIS_REPLY_ERROR ? r->str :
		    s->rc->err ? s->rc->errstr : "unexpected reply");
	if (r)
		freeReplyObject(r);
	return ok ? 0 : -1;
}

static int
connect_once(struct fstore *s, char *err, size_t errlen)
{
	struct timeval tv = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000 };
	char db[16];

	drop(s);
	s->rc = redisConnectWithTimeout(s->host, s->port, tv);
	if (s->rc == NULL || s->rc->err) {
		rerr(err, errlen, "connect", s->rc ? s->rc->errstr : "out of memory");
		drop(s);
		return -1;
	}
	if (redisSetTimeout(s->rc, tv) != REDIS_OK) {
		drop(s);
		return rerr(err, errlen, "connect", "cannot set the timeout");
	}
	snprintf(db, sizeof(db), "%d", s->db);
	if ((*s->password && simple(s, err, errlen, "AUTH", 2,
	    (const char *[]){ "AUTH", s->password }) < 0) ||
	    simple(s, err, errlen, "SELECT", 2, (const char *[]){ "SELECT", db }) < 0) {
		drop(s);
		return -1;
	}
	return 0;
}

static int
ensure(struct fstore *s, char *err, size_t errlen)
{
	for (int i = 0; s->rc == NULL && i <= s->retries; i++)
		if (connect_once(s, err, errlen) == 0)
			return 0;
	return s->rc ? 0 : -1;
}

static void
redis_close(struct fstore *s)
{
	if (s == NULL)
		return;
	drop(s);
	free(s->host);
	free(s->password);
	free(s->prefix);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static struct fstore *
redis_open(const struct fconf *c, char *err, size_t errlen)
{
	struct fstore *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->host = strdup(c->store.redis_host);
	s->password = strdup(c->store.redis_password);
	s->prefix = strdup(c->store.redis_prefix);
	s->port = c->store.redis_port;
	s->db = c->store.redis_db;
	s->timeout_ms = c->store.redis_timeout_ms;
	s->retries = c->store.redis_retries;
	s->ttl = c->store.ttl_days * 86400;
	if (s->host == NULL || s->password == NULL || s->prefix == NULL) {
		snprintf(err, errlen, "out of memory");
		redis_close(s);
		return NULL;
	}
	/* Redis may start after the milter: an unreachable server is not fatal
	 * here; each lookup reconnects, and on_error decides meanwhile. */
	if (ensure(s, err, errlen) < 0)
		err[0] = '\0';
	return s;
}

static void
make_key(const struct fstore *s, const uint8_t key[FSTORE_KEYLEN], char *out, size_t *len)
{
	size_t pl = strlen(s->prefix);

	memcpy(out, s->prefix, pl);
	memcpy(out + pl, key, FSTORE_KEYLEN);
	*len = pl + FSTORE_KEYLEN;
}

/* Pipelined SET ... EX for one slice; -1 with the connection dropped on I/O trouble. */
static int
put_slice(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    const uint8_t val[FTHR_VALLEN], long long ttl, char *err, size_t errlen)
{
	char k[256 + FSTORE_KEYLEN];
	size_t kl;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		make_key(s, keys[i], k, &kl);
		if (redisAppendCommand(s->rc, "SET %b %b EX %lld", k, kl, val,
		    (size_t)FTHR_VALLEN, ttl) != REDIS_OK)
			rc = -1;
	}
	for (size_t i = 0; i < n; i++) {
		redisReply *r = NULL;
		if (redisGetReply(s->rc, (void **)&r) != REDIS_OK) {
			rerr(err, errlen, "SET", s->rc->errstr);
			drop(s);
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			rerr(err, errlen, "SET", r->str);
			rc = -1;
		}
		freeReplyObject(r);
	}
	return rc;
}

static int
redis_put(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    const struct fthr_val *v, char *err, size_t errlen)
{
	uint8_t val[FTHR_VALLEN];
	long long ttl = v->expires - (long long)time(NULL);
	int rc = -1;

	if (ttl <= 0)
		return 0;
	fthr_val_encode(v, val);
	pthread_mutex_lock(&s->mu);
	for (int attempt = 0; attempt <= s->retries && rc < 0; attempt++) {
		if (ensure(s, err, errlen) < 0)
			break;
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i += REDIS_MAX_BATCH)
			rc = put_slice(s, keys + i, n - i < REDIS_MAX_BATCH ? n - i : REDIS_MAX_BATCH,
			    val, ttl, err, errlen);
		if (rc < 0 && s->rc != NULL)
			break;   /* Redis answered with an error: retrying will not help */
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
mget_slice(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    struct fthr_val *vals, int *found, char *err, size_t errlen)
{
	const char *argv[REDIS_MAX_BATCH + 1];
	size_t lens[REDIS_MAX_BATCH + 1];
	char (*k)[256 + FSTORE_KEYLEN] = calloc(n, sizeof(*k));
	int64_t now = (int64_t)time(NULL);
	redisReply *r;
	int rc = -1;

	if (k == NULL)
		return rerr(err, errlen, "MGET", "out of memory");
	argv[0] = "MGET";
	lens[0] = 4;
	for (size_t i = 0; i < n; i++) {
		make_key(s, keys[i], k[i], &lens[i + 1]);
		argv[i + 1] = k[i];
	}
	r = redisCommandArgv(s->rc, (int)n + 1, argv, lens);
	if (r == NULL) {
		rerr(err, errlen, "MGET", s->rc->errstr);
		drop(s);
	} else if (r->type != REDIS_REPLY_ARRAY || r->elements != n) {
		rerr(err, errlen, "MGET", r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	} else {
		for (size_t i = 0; i < n; i++) {
			redisReply *e = r->element[i];
			found[i] = 0;
			if (e->type != REDIS_REPLY_STRING || e->len != FTHR_VALLEN)
				continue;
			fthr_val_decode((const uint8_t *)e->str, &vals[i]);
			found[i] = vals[i].expires > now;
		}
		rc = 0;
	}
	if (r)
		freeReplyObject(r);
	free(k);
	return rc;
}

static int
redis_get(struct fstore *s, const uint8_t (*keys)[FSTORE_KEYLEN], size_t n,
    struct fthr_val *vals, int *found, char *err, size_t errlen)
{
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	for (int attempt = 0; attempt <= s->retries && rc < 0; attempt++) {
		if (ensure(s, err, errlen) < 0)
			break;
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i += REDIS_MAX_BATCH)
			rc = mget_slice(s, keys + i, n - i < REDIS_MAX_BATCH ? n - i : REDIS_MAX_BATCH,
			    vals + i, found + i, err, errlen);
		if (rc < 0 && s->rc != NULL)
			break;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* Redis expires keys itself (EX on every SET). */
static int
redis_purge(struct fstore *s, int64_t now, int max, char *err, size_t errlen)
{
	return 0;
}

/* DBSIZE counts every key of the database, ours or not: a database shared
 * with others looks non-empty, which only costs the older keys' lookups. */
static int
redis_any(struct fstore *s, char *err, size_t errlen)
{
	redisReply *r;
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (ensure(s, err, errlen) == 0) {
		if ((r = redisCommand(s->rc, "DBSIZE")) == NULL) {
			rerr(err, errlen, "DBSIZE", s->rc->errstr);
			drop(s);
		} else {
			if (r->type == REDIS_REPLY_INTEGER)
				rc = r->integer > 0;
			else
				rerr(err, errlen, "DBSIZE", r->type == REDIS_REPLY_ERROR ? r->str :
				    "unexpected reply");
			freeReplyObject(r);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

const struct fstore_ops fstore_redis_ops = {
	.name = "redis", .open = redis_open, .put = redis_put, .get = redis_get,
	.purge = redis_purge, .close = redis_close, .any = redis_any,
};
