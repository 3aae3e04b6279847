/*
 * pool.c - MUTANT: one shared stack of free objects behind one mutex,
 * locked on every get and every put; no per-thread caches. Correct, and
 * slower than malloc.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ASAN 1
#endif
#endif
#ifdef POOL_ASAN
#include <sanitizer/asan_interface.h>
#define poison(p, size) ASAN_POISON_MEMORY_REGION((p), (size))
#define unpoison(p, size) ASAN_UNPOISON_MEMORY_REGION((p), (size))
#else
#define poison(p, size) ((void)(p), (void)(size))
#define unpoison(p, size) ((void)(p), (void)(size))
#endif

struct pool {
	struct pool_config cfg;
	pthread_mutex_t lock;
	void **free;
	size_t n, cap, created;
};

struct pool *pool_new(const struct pool_config *cfg)
{
	if (cfg == NULL || cfg->size == 0) {
		errno = EINVAL;
		return NULL;
	}
	struct pool *p = calloc(1, sizeof *p);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	p->cfg = *cfg;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		unpoison(p->free[i], p->cfg.size);
		if (p->cfg.release)
			p->cfg.release(p->free[i]);
		free(p->free[i]);
	}
	free(p->free);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void *pool_get(struct pool *p)
{
	void *obj = NULL;

	pthread_mutex_lock(&p->lock);
	if (p->n > 0) {
		obj = p->free[--p->n];
	} else if (p->created == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		void **f = realloc(p->free, cap * sizeof *f);
		if (f == NULL) {
			pthread_mutex_unlock(&p->lock);
			errno = ENOMEM;
			return NULL;
		}
		p->free = f;
		p->cap = cap;
	}
	if (obj == NULL)
		p->created++;
	pthread_mutex_unlock(&p->lock);
	if (obj) {
		unpoison(obj, p->cfg.size);
		return obj;
	}
	obj = calloc(1, p->cfg.size);
	if (obj == NULL) {
		pthread_mutex_lock(&p->lock);
		p->created--;
		pthread_mutex_unlock(&p->lock);
		errno = ENOMEM;
		return NULL;
	}
	if (p->cfg.init)
		p->cfg.init(obj);
	return obj;
}

void pool_put(struct pool *p, void *obj)
{
	if (p->cfg.reset)
		p->cfg.reset(obj);
	poison(obj, p->cfg.size);
	pthread_mutex_lock(&p->lock);
	p->free[p->n++] = obj;
	pthread_mutex_unlock(&p->lock);
}
