/* library: fort_lib. A reload builds a new snapshot (configuration and key
 * stores) and swaps it in under a mutex; the old one is freed when its
 * last message lets go. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/message.h"
#include "extract/extract.h"
#include "pipeline/library.h"

struct fort_lib {
	pthread_mutex_t mu;
	struct fort_snap *cur;
	struct fthr *thr;
	char *conf, *words;
	const struct fort_keys_ops *keys[FACT_COUNT];
};

void
fort_snap_put(struct fort_snap *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (int k = 0; k < FACT_COUNT; k++)
		if (s->keys.ops[k])
			s->keys.ops[k]->close(s->keys.store[k]);
	fconf_unref(s->conf);
	free(s);
}

/* Takes the reference to c. */
static struct fort_snap *
snap_new(struct fort_lib *l, struct fconf *c, char *err, size_t errlen)
{
	struct fort_snap *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		fconf_unref(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->refs = 1;
	s->conf = c;
	for (int k = 0; k < FACT_COUNT; k++) {
		const struct fort_keys_ops *ops = l->keys[k];
		if (ops == NULL)
			continue;
		if ((s->keys.store[k] = ops->open(c)) == NULL) {
			snprintf(err, errlen, "%s key store: out of memory", ops->name);
			fort_snap_put(s);
			return NULL;
		}
		s->keys.ops[k] = ops;
	}
	return s;
}

struct fort_snap *
fort_snap_get(struct fort_lib *l)
{
	struct fort_snap *s;

	pthread_mutex_lock(&l->mu);
	s = l->cur;
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_unlock(&l->mu);
	return s;
}

struct fthr *
fort_lib_thr(const struct fort_lib *l)
{
	return l->thr;
}

int
fort_lib_has_memory(const struct fort_lib *l)
{
	return l->thr != NULL;
}

const char *
fort_extractor_path(void)
{
	return fextract_helper_path();
}

struct fort_lib *
fort_lib_open(const struct fort_lib_opts *o, char *err, size_t errlen)
{
	struct fort_lib *l = calloc(1, sizeof(*l));
	struct fconf *c;

	if (l == NULL || (l->conf = strdup(o->conf ? o->conf : "")) == NULL ||
	    (l->words = strdup(o->words ? o->words : "")) == NULL) {
		snprintf(err, errlen, "out of memory");
		if (l)
			free(l->conf);
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	for (size_t i = 0; o->keys && o->keys[i]; i++)
		if ((unsigned)o->keys[i]->kind < FACT_COUNT)
			l->keys[o->keys[i]->kind] = o->keys[i];
	fmsg_global_init();
	c = o->loaded ? fconf_ref(o->loaded) : fconf_load(l->conf, l->words, err, errlen);
	if (c == NULL || (l->cur = snap_new(l, c, err, errlen)) == NULL) {
		fort_lib_close(l);
		return NULL;
	}
	return l;
}

int
fort_lib_start(struct fort_lib *l, char *err, size_t errlen)
{
	err[0] = '\0';
	if (l->thr)
		return 0;
	/* Store settings are read here only; a reload does not change them. */
	l->thr = fthr_open(l->cur->conf, err, errlen);
	return l->thr == NULL && err[0] ? -1 : 0;
}

int
fort_lib_reload(struct fort_lib *l, char *err, size_t errlen)
{
	struct fconf *c;
	struct fort_snap *s, *old;

	if (l->conf[0] == '\0') {
		snprintf(err, errlen, "no configuration file to reload");
		return -1;
	}
	if ((c = fconf_load(l->conf, l->words, err, errlen)) == NULL || (s = snap_new(l, c, err, errlen)) == NULL)
		return -1;
	pthread_mutex_lock(&l->mu);
	old = l->cur;
	l->cur = s;
	pthread_mutex_unlock(&l->mu);
	fort_snap_put(old);
	return 0;
}

struct fconf *
fort_lib_conf(struct fort_lib *l)
{
	struct fort_snap *s = fort_snap_get(l);
	struct fconf *c = fconf_ref(s->conf);

	fort_snap_put(s);
	return c;
}

void
fort_lib_close(struct fort_lib *l)
{
	if (l == NULL)
		return;
	fort_snap_put(l->cur);
	fthr_close(l->thr);
	pthread_mutex_destroy(&l->mu);
	free(l->conf);
	free(l->words);
	free(l);
	fmsg_global_shutdown();
}
