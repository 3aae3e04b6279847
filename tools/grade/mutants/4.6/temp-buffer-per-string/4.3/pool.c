/*
 * pool.c - the pool engine (reference solution for exercise 4.3): a cache
 * of free objects per thread in front of one shared list per pool, the
 * design of Go's sync.Pool, with batched moves between the two.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Objects one thread keeps per pool. A put on a full cache moves half of
 * it (POOL_BATCH objects) to the shared list, and a get on an empty cache
 * takes up to POOL_BATCH back, so the lock is taken at most once per
 * POOL_BATCH calls. 64 pointers are 512 bytes per thread per pool. */
#ifndef POOL_CACHE_CAP
#define POOL_CACHE_CAP 64
#endif
#define POOL_BATCH (POOL_CACHE_CAP / 2)

/* Threads that get a cache of their own. Further threads still work, on
 * the shared list under the lock: correct, only slower. */
#ifndef POOL_MAX_THREADS
#define POOL_MAX_THREADS 256
#endif

/* Keep what different threads write on different cache lines. 128, not
 * 64: the adjacent-line prefetcher pairs lines (see alloc_count.h). */
#define POOL_LINE 128

/* ASan's manual poisoning, when the build has AddressSanitizer. */
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

/*
 * HOW IT WORKS
 *
 * Threads are numbered 1..POOL_MAX_THREADS the first time they use any
 * pool (thread_id, in thread-local storage; 0 means "not yet"). Each pool
 * holds an array caches[] indexed by that number, which is what Go's
 * sync.Pool does with its per-P `local` array: the fast path is
 *
 *     c = p->caches[thread_id];  if (c && c->n > 0) return c->objs[--c->n];
 *
 * a thread-local load, two loads and a compare: no lock and no atomic,
 * because only thread `thread_id` ever touches that cache while it runs.
 *
 * The caches are arrays of pointers, not linked lists threaded through the
 * objects: getting and putting never touches the object's own memory. That
 * matters when one thread gets and another puts (a producer and a
 * consumer): a linked list would read each object's "next" word on get, a
 * cache miss on a line the other core just wrote, one after another.
 *
 * The shared list is an array too, sized so that it can hold every object
 * the pool ever created: then moving objects into it never allocates and
 * pool_put() cannot fail. It grows (under the lock) only when a new
 * object is created.
 *
 * LIMITATIONS
 *
 * Nothing is ever given back to malloc before pool_free(): a burst that
 * needed 10,000 objects keeps them. Go's pool drops idle objects at each
 * garbage collection (the "victim" cache); a C pool could add a trim call.
 */

struct pool_cache {
	size_t n;                   /* objs[0..n) are free objects */
	void *objs[POOL_CACHE_CAP]; /* LIFO: the most recently put on top */
};

struct pool {
	struct pool_config cfg;
	struct pool *next;          /* the list of live pools (registry) */

	/* Read by every thread on every call, written once per thread: */
	struct pool_cache *caches[POOL_MAX_THREADS + 1]; /* [0] stays NULL */

	/* The shared list, under `lock`, on lines of its own so that threads
	 * taking the lock do not slow down the readers of caches[]. */
	_Alignas(POOL_LINE) pthread_mutex_t lock;
	void **shared;              /* shared[0..nshared) are free objects */
	size_t nshared;
	size_t shared_cap;          /* >= created, always */
	size_t created;             /* objects made and not yet freed */
};

/* ---- Thread numbers and the registry ------------------------------------ */

/*
 * The registry lock guards the list of live pools and the table of thread
 * numbers. It is taken only on cold paths: a thread's first use, a thread
 * exit, pool_new and pool_free.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool *live_pools;
static bool id_taken[POOL_MAX_THREADS + 1];
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static _Thread_local unsigned thread_id;    /* 0: none yet */
static _Thread_local bool thread_id_failed; /* all numbers taken */

static void move_to_shared(struct pool *p, struct pool_cache *c, size_t k);

/* A thread is exiting: give its cached objects back to each live pool's
 * shared list (they would be stranded otherwise), keep the cache memory
 * for the next thread that gets this number, and free the number. */
static void thread_exit(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;

	pthread_mutex_lock(&registry_lock);
	for (struct pool *p = live_pools; p; p = p->next) {
		struct pool_cache *c = p->caches[id];
		if (c && c->n > 0) {
			pthread_mutex_lock(&p->lock);
			move_to_shared(p, c, c->n);
			pthread_mutex_unlock(&p->lock);
		}
	}
	id_taken[id] = false;
	pthread_mutex_unlock(&registry_lock);
	/* Another thread may take the number now. Should a later destructor
	 * of this thread still use a pool, it starts over with a new number
	 * (and this destructor runs again for it). */
	thread_id = 0;
}

static void make_exit_key(void)
{
	/* If this fails, exiting threads keep their objects until
	 * pool_free(): a slow leak, never a wrong answer. */
	if (pthread_key_create(&exit_key, thread_exit) != 0)
		exit_key = (pthread_key_t)-1;
}

/* Give the calling thread a number; false if all are taken. */
static bool claim_thread_id(void)
{
	if (thread_id != 0)
		return true;
	if (thread_id_failed)
		return false;
	pthread_once(&exit_key_once, make_exit_key);
	pthread_mutex_lock(&registry_lock);
	for (unsigned id = 1; id <= POOL_MAX_THREADS; id++) {
		if (!id_taken[id]) {
			id_taken[id] = true;
			thread_id = id;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	if (thread_id == 0) {
		thread_id_failed = true;
		return false;
	}
	/* A non-NULL value makes the key's destructor run at thread exit. */
	if (exit_key != (pthread_key_t)-1)
		pthread_setspecific(exit_key, (void *)(uintptr_t)thread_id);
	return true;
}

/* The calling thread's cache for p, created on its first use; NULL if the
 * thread has no number or the cache cannot be allocated. */
static struct pool_cache *own_cache(struct pool *p)
{
	if (!claim_thread_id())
		return NULL;
	struct pool_cache *c = p->caches[thread_id];
	if (c == NULL) {
		/* Aligned and padded to whole lines: two threads' caches
		 * never share one. */
		size_t size = (sizeof *c + POOL_LINE - 1) / POOL_LINE * POOL_LINE;
		c = aligned_alloc(POOL_LINE, size);
		if (c == NULL)
			return NULL;
		c->n = 0;
		p->caches[thread_id] = c;
	}
	return c;
}

/* ---- Life cycle ---------------------------------------------------------- */

struct pool *pool_new(const struct pool_config *cfg)
{
	if (cfg == NULL || cfg->size == 0) {
		errno = EINVAL;
		return NULL;
	}
	/* aligned_alloc, because struct pool asks for line alignment. */
	size_t size = (sizeof(struct pool) + POOL_LINE - 1) / POOL_LINE * POOL_LINE;
	struct pool *p = aligned_alloc(POOL_LINE, size);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(p, 0, sizeof *p);
	p->cfg = *cfg;
	pthread_mutex_init(&p->lock, NULL);

	pthread_mutex_lock(&registry_lock);
	p->next = live_pools;
	live_pools = p;
	pthread_mutex_unlock(&registry_lock);
	return p;
}

/* The reset callback, then (under ASan) the poison that makes any later
 * use of obj an error report. */
static inline void reset_and_poison(struct pool *p, void *obj)
{
	if (p->cfg.reset)
		p->cfg.reset(obj);
	poison(obj, p->cfg.size);
}

static void destroy_object(struct pool *p, void *obj)
{
	unpoison(obj, p->cfg.size);
	if (p->cfg.release)
		p->cfg.release(obj);
	free(obj);
}

void pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	/* Off the registry first: from here on, no exiting thread will
	 * flush into this pool. */
	pthread_mutex_lock(&registry_lock);
	for (struct pool **pp = &live_pools; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);

	/* Every thread's cache, running or exited, then the shared list. */
	for (size_t id = 0; id <= POOL_MAX_THREADS; id++) {
		struct pool_cache *c = p->caches[id];
		if (c == NULL)
			continue;
		for (size_t i = 0; i < c->n; i++)
			destroy_object(p, c->objs[i]);
		free(c);
	}
	for (size_t i = 0; i < p->nshared; i++)
		destroy_object(p, p->shared[i]);
	free(p->shared);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* ---- The slow paths ------------------------------------------------------ */

/* Move the k oldest objects of c (the bottom of its stack: the coldest in
 * the CPU cache) to the shared list. Needs p->lock. Never allocates:
 * shared_cap >= created. */
static void move_to_shared(struct pool *p, struct pool_cache *c, size_t k)
{
	memcpy(p->shared + p->nshared, c->objs, k * sizeof c->objs[0]);
	p->nshared += k;
	c->n -= k;
	memmove(c->objs, c->objs + k, c->n * sizeof c->objs[0]);
}

/* A new object, or NULL. Makes room on the shared list first, so that
 * whatever happens later, putting every object back cannot fail. */
static void *create_object(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->created == p->shared_cap) {
		size_t cap = p->shared_cap ? 2 * p->shared_cap : POOL_CACHE_CAP;
		void **s = realloc(p->shared, cap * sizeof *s);
		if (s == NULL) {
			pthread_mutex_unlock(&p->lock);
			errno = ENOMEM;
			return NULL;
		}
		p->shared = s;
		p->shared_cap = cap;
	}
	p->created++;
	pthread_mutex_unlock(&p->lock);

	void *obj = calloc(1, p->cfg.size);
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

/* noinline: kept out of pool_get(), whose fast path then needs no saved
 * registers: 20 instructions per call fewer under callgrind. */
__attribute__((noinline)) static void *get_slow(struct pool *p)
{
	struct pool_cache *c = own_cache(p);
	void *obj = NULL;

	pthread_mutex_lock(&p->lock);
	if (p->nshared > 0) {
		if (c) {
			/* Refill a batch: the next POOL_BATCH - 1 gets are
			 * lock-free again. */
			size_t k = p->nshared < POOL_BATCH ? p->nshared : POOL_BATCH;
			p->nshared -= k;
			memcpy(c->objs, p->shared + p->nshared, k * sizeof c->objs[0]);
			c->n = k - 1;
			obj = c->objs[k - 1];
		} else {
			obj = p->shared[--p->nshared];
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (obj == NULL)
		return create_object(p);
	unpoison(obj, p->cfg.size);
	return obj;
}

__attribute__((noinline)) static void put_slow(struct pool *p, void *obj)
{
	struct pool_cache *c = own_cache(p);

	reset_and_poison(p, obj);

	pthread_mutex_lock(&p->lock);
	if (c) {
		/* Full: send the older half to the shared list, where
		 * other threads (a producer that keeps getting) find it. */
		if (c->n == POOL_CACHE_CAP)
			move_to_shared(p, c, POOL_BATCH);
		c->objs[c->n++] = obj;
	} else {
		p->shared[p->nshared++] = obj;
	}
	pthread_mutex_unlock(&p->lock);
}

/* ---- The fast paths ------------------------------------------------------ */

void *pool_get(struct pool *p)
{
	struct pool_cache *c = p->caches[thread_id];

	if (__builtin_expect(c != NULL && c->n > 0, 1)) {
		void *obj = c->objs[--c->n];
		/*
		 * Ask for the next object's first line now, for writing: when
		 * objects come from another thread (a consumer put them), that
		 * line sits in the other core's cache, and the caller's first
		 * touch of it would wait for it. A prefetch is a hint, never
		 * a fault, and costs 3 instructions here.
		 */
		if (c->n > 0)
			__builtin_prefetch(c->objs[c->n - 1], 1);
		unpoison(obj, p->cfg.size);
		return obj;
	}
	return get_slow(p);
}

void pool_put(struct pool *p, void *obj)
{
	struct pool_cache *c = p->caches[thread_id];

	if (__builtin_expect(c == NULL || c->n == POOL_CACHE_CAP, 0)) {
		put_slow(p, obj);
		return;
	}
	/*
	 * Push first, reset second: the cache is this thread's alone, so no
	 * one can see obj before reset() ends either way, and this order
	 * lets the compiler make the reset call a jump, with no registers to
	 * save around it (12 instructions instead of 25 per put).
	 */
	c->objs[c->n++] = obj;
	reset_and_poison(p, obj);
}
