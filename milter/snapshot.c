/* snapshot: a mutex-guarded pointer to the refcounted config snapshot. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "milter.h"

struct fm_snap {
	pthread_mutex_t lock;
	struct fconf *conf;
};

struct fm_snap *
fm_snap_new(struct fconf *initial)
{
	struct fm_snap *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->conf = initial;
	return s;
}

struct fconf *
fm_snap_get(struct fm_snap *s)
{
	struct fconf *c;

	pthread_mutex_lock(&s->lock);
	c = fconf_ref(s->conf);
	pthread_mutex_unlock(&s->lock);
	return c;
}

void
fm_snap_swap(struct fm_snap *s, struct fconf *next)
{
	struct fconf *old;

	pthread_mutex_lock(&s->lock);
	old = s->conf;
	s->conf = next;
	pthread_mutex_unlock(&s->lock);
	fconf_unref(old);   /* freed once the last message using it lets go */
}

void
fm_snap_free(struct fm_snap *s)
{
	if (s == NULL)
		return;
	fconf_unref(s->conf);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
