/*
 * pool.h - an object pool: hand out objects of one size, take them back,
 * hand them out again, so a hot path stops calling malloc and free.
 *
 * USAGE
 *
 * Generate a typed pool once per type, then use it like malloc and free:
 *
 *     POOL_DEFINE(msg_pool, struct msg, msg_init, msg_reset, msg_release)
 *
 *     struct msg_pool mp;
 *     if (msg_pool_init(&mp) < 0)      // pool_new() underneath
 *             return -1;
 *     struct msg *m = msg_pool_get(&mp);   // NULL only when out of memory
 *     ...fill m, use it...
 *     msg_pool_put(&mp, m);            // msg_reset(m) runs here; m is gone
 *     ...
 *     msg_pool_release(&mp);           // every pooled object freed
 *
 * msg_pool_put() accepts only a `struct msg *` and msg_pool_get() returns
 * one: the compiler checks the types, as Go's generic Pool[T] does, and
 * the callbacks are checked against the type too.
 *
 * HOW IT WORKS (the design of Go's sync.Pool)
 *
 * Every thread has its own small cache of free objects per pool, and the
 * pool has one shared list behind a mutex. pool_get() pops from the
 * calling thread's cache and pool_put() pushes onto it: no lock, no atomic
 * instruction, no other thread's memory. Only when a cache runs empty (get)
 * or full (put) does the thread take the lock, and then it moves a whole
 * batch between its cache and the shared list, so the lock is paid once
 * per batch, not once per call. An object put by another thread than the
 * one that got it (a producer gets, a consumer puts) simply joins the
 * consumer's cache, and comes back to the producer a batch at a time
 * through the shared list. When a thread exits, its caches go back to the
 * shared lists.
 *
 * CALLBACKS
 *
 *  - init(obj): a brand-new object (zero-filled memory) is being handed
 *    out for the first time: set it up. Go's New.
 *  - reset(obj): runs in pool_put(), before the object is pooled, so every
 *    object pool_get() returns is already reset, and nothing the caller
 *    left in it (pointers, secrets) outlives the put. Keep capacity here
 *    (strbuf_reset, not strbuf_release): that is what the pool is for.
 *  - release(obj): the pool is about to free() the object (pool_free):
 *    free what it owns.
 * None may call back into the same pool. In POOL_DEFINE pass pool_nothing
 * for a callback you do not need.
 *
 * RULES (what the caller promises)
 *
 *  - After pool_put(p, obj), obj is not yours: do not read or write it.
 *    Under AddressSanitizer (make ... SAN=address,undefined) pooled objects
 *    are poisoned, so such a use is reported on the spot.
 *  - Put an object back into the pool it came from, once.
 *  - pool_free() needs every object put back and no thread still using the
 *    pool; it then frees every object, including those in the caches of
 *    threads that are still running.
 *  - Objects are aligned for any standard type (like malloc's); types that
 *    need more (alignas(64)) cannot be pooled.
 *
 * ERRORS
 *
 * pool_new() and pool_get() return NULL with errno = ENOMEM when memory
 * runs out (pool_new: EINVAL for a zero size). pool_put() cannot fail and
 * never allocates.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

struct pool; /* opaque: pool.c defines it */

struct pool_config {
	size_t size;                 /* bytes per object, > 0 */
	void (*init)(void *obj);     /* new object; NULL: left zero-filled */
	void (*reset)(void *obj);    /* on put; NULL: none */
	void (*release)(void *obj);  /* before free; NULL: none */
};

/* ---- Life cycle ---------------------------------------------------------- */

/* A new, empty pool; objects are created on demand by pool_get(). The
 * config is copied. NULL with errno set on failure. */
struct pool *pool_new(const struct pool_config *cfg);

/* Free every object the pool holds, on every thread's cache and on the
 * shared list (release callback, then free), and the pool itself. See
 * RULES. NULL is allowed and does nothing. */
void pool_free(struct pool *p);

/* ---- Getting and putting ------------------------------------------------- */

/*
 * An object for the caller: a reset one from the calling thread's cache
 * (the common case: a few instructions, no lock), else a batch refilled
 * from the shared list (one lock per batch), else a new one (calloc, then
 * the init callback). NULL with errno = ENOMEM if a new one is needed and
 * memory runs out.
 */
void *pool_get(struct pool *p);

/*
 * Give obj back: the reset callback runs, then obj joins the calling
 * thread's cache (a few instructions, no lock); when that is full, half
 * of it moves to the shared list under the lock. Any thread may put any
 * object of the pool, not only the thread that got it.
 */
void pool_put(struct pool *p, void *obj);

/* ---- Typed pools ---------------------------------------------------------- */

/* The "no callback" callback for POOL_DEFINE. */
static inline void pool_nothing(void *obj)
{
	(void)obj;
}

/*
 * POOL_DEFINE(name, type, init_fn, reset_fn, release_fn) defines
 * `struct name` and name_init, name_release, name_get, name_put, typed
 * for `type`. The callbacks take a `type *` (or a `void *`); the small
 * static functions below convert, so no function is ever called through
 * a pointer of the wrong type (which would be undefined behaviour).
 */
#define POOL_DEFINE(name, type, init_fn, reset_fn, release_fn)                \
	_Static_assert(_Alignof(type) <= _Alignof(max_align_t),               \
		       #type " needs more alignment than malloc gives");      \
	struct name {                                                         \
		struct pool *pool;                                            \
	};                                                                    \
	static inline void name##_init_cb_(void *o) { init_fn((type *)o); }   \
	static inline void name##_reset_cb_(void *o) { reset_fn((type *)o); } \
	static inline void name##_release_cb_(void *o) { release_fn((type *)o); } \
	static inline int name##_init(struct name *tp)                        \
	{                                                                     \
		const struct pool_config cfg = {sizeof(type), name##_init_cb_, \
			name##_reset_cb_, name##_release_cb_};                \
		tp->pool = pool_new(&cfg);                                    \
		return tp->pool ? 0 : -1;                                     \
	}                                                                     \
	static inline void name##_release(struct name *tp)                    \
	{                                                                     \
		pool_free(tp->pool);                                          \
		tp->pool = NULL;                                              \
	}                                                                     \
	static inline type *name##_get(struct name *tp)                       \
	{                                                                     \
		return pool_get(tp->pool);                                    \
	}                                                                     \
	static inline void name##_put(struct name *tp, type *obj)             \
	{                                                                     \
		pool_put(tp->pool, obj);                                      \
	}

#endif /* POOL_H */
