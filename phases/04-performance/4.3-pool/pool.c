/*
 * pool.c - the pool engine behind pool.h. Exercise 4.3: fill in every
 * TODO(4.3); read pool.h first, it is the contract the tests hold you to.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A PLAN THAT WORKS (Go's sync.Pool, see the README)
 *
 *  - Per thread, per pool: a small cache, an array of free object
 *    pointers. Get pops, put pushes: no lock, no atomic. Find "this
 *    thread's cache of this pool" fast: for instance number each thread
 *    once (a _Thread_local int) and give the pool an array indexed by it,
 *    like Go's per-P `local` array.
 *  - Per pool: a shared list of free objects behind a pthread mutex. A get
 *    on an empty cache refills half a cache from it; a put on a full cache
 *    moves half a cache to it: the lock is paid once per batch.
 *  - An exiting thread must hand its caches back (pthread_key_create with
 *    a destructor runs code at thread exit), or its objects are stranded.
 *  - pool_free must reach every cache, including those of running threads.
 *  - Keep the slow paths out of pool_get/pool_put (a separate function,
 *    __attribute__((noinline))): the fast path then needs no saved
 *    registers, which callgrind counts.
 */

/* Objects one thread keeps per pool (a suggestion; tune it). */
#ifndef POOL_CACHE_CAP
#define POOL_CACHE_CAP 64
#endif

/* AddressSanitizer's manual poisoning, when the build has ASan (SAN=address):
 * poison an object when it enters the pool, unpoison it when it leaves, and
 * any use after put is reported where it happens. No-ops otherwise. */
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
	/* TODO(4.3): the per-thread caches and the shared list with its lock. */
};

struct pool *pool_new(const struct pool_config *cfg)
{
	/* TODO(4.3): reject a zero size (EINVAL), allocate and set up a pool
	 * holding a copy of *cfg, and no objects yet. */
	(void)cfg;
	errno = ENOSYS;
	return NULL;
}

void pool_free(struct pool *p)
{
	/* TODO(4.3): release (callback, then free) every pooled object, in
	 * every thread's cache and on the shared list, then free the pool. */
	(void)p;
}

void *pool_get(struct pool *p)
{
	/* TODO(4.3): pop from this thread's cache; if it is empty, refill a
	 * batch from the shared list; if that is empty too, calloc a new
	 * object and run init. Unpoison what you hand out. */
	(void)p;
	errno = ENOSYS;
	return NULL;
}

void pool_put(struct pool *p, void *obj)
{
	/* TODO(4.3): run reset, poison, push onto this thread's cache; if it
	 * is full, move a batch to the shared list first. Never allocate. */
	(void)p;
	(void)obj;
}
