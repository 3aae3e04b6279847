/*
 * pool.c - MUTANT: free objects kept in a linked list of malloc'd nodes,
 * one node per pooled object: every put allocates a node, every get frees
 * one. Correct, and it allocates as much as it saves.
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

struct node {
	void *obj;
	struct node *next;
};

struct pool {
	struct pool_config cfg;
	pthread_mutex_t lock;
	struct node *head;
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
	while (p->head) {
		struct node *n = p->head;
		p->head = n->next;
		unpoison(n->obj, p->cfg.size);
		if (p->cfg.release)
			p->cfg.release(n->obj);
		free(n->obj);
		free(n);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void *pool_get(struct pool *p)
{
	struct node *n;

	pthread_mutex_lock(&p->lock);
	n = p->head;
	if (n)
		p->head = n->next;
	pthread_mutex_unlock(&p->lock);
	if (n) {
		void *obj = n->obj;
		free(n);
		unpoison(obj, p->cfg.size);
		return obj;
	}
	void *obj = calloc(1, p->cfg.size);
	if (obj == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (p->cfg.init)
		p->cfg.init(obj);
	return obj;
}

void pool_put(struct pool *p, void *obj)
{
	struct node *n = malloc(sizeof *n);

	if (p->cfg.reset)
		p->cfg.reset(obj);
	if (n == NULL) { /* cannot pool it: give it back to malloc */
		if (p->cfg.release)
			p->cfg.release(obj);
		free(obj);
		return;
	}
	poison(obj, p->cfg.size);
	n->obj = obj;
	pthread_mutex_lock(&p->lock);
	n->next = p->head;
	p->head = n;
	pthread_mutex_unlock(&p->lock);
}
