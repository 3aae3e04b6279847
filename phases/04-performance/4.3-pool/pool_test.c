/*
 * pool_test.c - the contract of pool.h, checked: typed get and put, the
 * callbacks (init once per object, reset on every put, release once per
 * object at pool_free), reuse on one thread and across threads, and
 * stress with many threads (run these under SAN=thread too).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

/* ---- A typed pool whose callbacks count what they see -------------------- */

#define ITEM_MAGIC 0x600dcafe

struct item {
	uint32_t magic;   /* set by init, never changed after */
	int in_use;       /* 1 between get and put, checked by the tests */
	int len;          /* "contents": reset sets it back to 0 */
	char payload[52];
};

static long inits, resets, releases; /* atomics: threads update them */

static void item_init(struct item *it)
{
	cr_assert_eq(it->magic, 0, "init got memory that was not zero-filled");
	it->magic = ITEM_MAGIC;
	__atomic_add_fetch(&inits, 1, __ATOMIC_RELAXED);
}

static void item_reset(struct item *it)
{
	it->len = 0;
	__atomic_add_fetch(&resets, 1, __ATOMIC_RELAXED);
}

static void item_release(struct item *it)
{
	cr_assert_eq(it->magic, ITEM_MAGIC, "release got an object init never "
		     "saw (or one that was freed)");
	it->magic = 0;
	__atomic_add_fetch(&releases, 1, __ATOMIC_RELAXED);
}

POOL_DEFINE(item_pool, struct item, item_init, item_reset, item_release)

static long count(long *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void new_pool(struct item_pool *ip)
{
	cr_assert_eq(item_pool_init(ip), 0, "item_pool_init (pool_new) failed: "
		     "errno %d (%s)", errno, strerror(errno));
	cr_assert_not_null(ip->pool);
}

/* Get an object and check what every get promises; mark it in use. */
static struct item *get(struct item_pool *ip)
{
	struct item *it = item_pool_get(ip);

	cr_assert_not_null(it, "pool_get returned NULL: errno %d (%s)", errno,
			   strerror(errno));
	cr_assert_eq(it->magic, ITEM_MAGIC, "pool_get returned an object "
		     "that init never set up (magic %#x)", it->magic);
	cr_assert_eq(it->len, 0, "pool_get returned an object that was not "
		     "reset (len %d)", it->len);
	int was = __atomic_exchange_n(&it->in_use, 1, __ATOMIC_ACQ_REL);
	cr_assert_eq(was, 0, "pool_get handed out an object that is already "
		     "in use (given to two callers at once)");
	return it;
}

static void put(struct item_pool *ip, struct item *it)
{
	it->len = 1 + (int)(it->payload[0] & 7); /* dirty it: reset must clean */
	__atomic_store_n(&it->in_use, 0, __ATOMIC_RELEASE);
	item_pool_put(ip, it);
}

/* ---- Life cycle and the typed API ------------------------------------------ */

Test(pool, new_pool_hands_out_distinct_set_up_objects)
{
	struct item_pool ip;
	struct item *its[100];

	new_pool(&ip);
	for (int i = 0; i < 100; i++) {
		its[i] = get(&ip);
		memset(its[i]->payload, i, sizeof its[i]->payload); /* usable */
		for (int j = 0; j < i; j++)
			cr_assert_neq(its[i], its[j], "objects %d and %d are the "
				      "same memory", j, i);
	}
	cr_assert_eq(count(&inits), 100, "init ran %ld times for 100 new "
		     "objects", count(&inits));
	for (int i = 0; i < 100; i++)
		put(&ip, its[i]);
	item_pool_release(&ip);
	cr_assert_null(ip.pool, "item_pool_release leaves the handle NULL");
}

Test(pool, new_rejects_a_zero_size_and_accepts_no_callbacks)
{
	struct pool_config bad = {0, NULL, NULL, NULL};
	struct pool_config plain = {24, NULL, NULL, NULL};

	errno = 0;
	cr_assert_null(pool_new(&bad), "pool_new accepted size 0");
	cr_assert_eq(errno, EINVAL, "errno %d (%s), want EINVAL", errno,
		     strerror(errno));

	struct pool *p = pool_new(&plain);
	cr_assert_not_null(p, "pool_new without callbacks failed");
	unsigned char *obj = pool_get(p);
	cr_assert_not_null(obj);
	for (int i = 0; i < 24; i++)
		cr_assert_eq(obj[i], 0, "with no init callback a new object "
			     "is zero-filled; byte %d is %d", i, obj[i]);
	memset(obj, 0xff, 24);
	pool_put(p, obj);
	pool_free(p);
	pool_free(NULL); /* allowed */
}

Test(pool, put_then_get_on_one_thread_gives_the_same_object_back)
{
	struct item_pool ip;

	new_pool(&ip);
	struct item *a = get(&ip);
	put(&ip, a);
	struct item *b = get(&ip);
	cr_assert_eq(b, a, "after put(a), the next get on the same thread "
		     "should return a from the thread's cache (got another)");
	put(&ip, b);
	cr_assert_eq(count(&inits), 1, "one object was enough, but init ran "
		     "%ld times", count(&inits));
	item_pool_release(&ip);
}

Test(pool, reset_runs_on_every_put_and_init_only_on_new_objects)
{
	struct item_pool ip;
	struct item *its[10];

	new_pool(&ip);
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 10; i++)
			its[i] = get(&ip); /* get() checks len == 0: reset */
		for (int i = 0; i < 10; i++)
			put(&ip, its[i]);
		cr_assert_eq(count(&resets), 10L * (round + 1), "after %d puts "
			     "reset ran %ld times: it must run on every put",
			     10 * (round + 1), count(&resets));
	}
	cr_assert_eq(count(&inits), 10, "10 objects in rotation, but init ran "
		     "%ld times: pooled objects must be reused", count(&inits));
	item_pool_release(&ip);
}

Test(pool, release_frees_every_object_once_at_pool_free)
{
	struct item_pool ip;
	struct item *its[300];

	new_pool(&ip);
	for (int i = 0; i < 300; i++)
		its[i] = get(&ip);
	for (int i = 0; i < 300; i++)
		put(&ip, its[i]);
	cr_assert_eq(count(&releases), 0, "release ran before pool_free");
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), 300, "pool_free released %ld of 300 "
		     "objects (each exactly once)", count(&releases));
}

/* ---- Bursts bigger than a thread's cache ------------------------------------ */

Test(pool, a_burst_of_ten_thousand_is_reused_without_new_objects)
{
	enum { N = 10000 };
	struct item_pool ip;
	struct item **its = malloc(N * sizeof *its);

	new_pool(&ip);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++)
			its[i] = get(&ip);
		for (int i = 0; i < N; i++)
			put(&ip, its[(i * 7919) % N]); /* any order */
	}
	cr_assert_eq(count(&inits), N, "%d objects suffice for bursts of %d, "
		     "but %ld were created", N, N, count(&inits));
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), N, "pool_free released %ld of %d",
		     count(&releases), N);
	free(its);
}

/* ---- Across threads ------------------------------------------------------------- */

struct handoff {
	struct item_pool *ip;
	struct item **its;
	int n;
	pthread_barrier_t *hold; /* if set: wait here twice before exiting */
};

static void *put_all(void *arg)
{
	struct handoff *h = arg;

	for (int i = 0; i < h->n; i++)
		put(h->ip, h->its[i]);
	if (h->hold) {
		pthread_barrier_wait(h->hold); /* the objects are put */
		pthread_barrier_wait(h->hold); /* the pool is freed */
	}
	return NULL;
}

Test(pool, objects_put_by_an_exited_thread_come_back_to_others)
{
	enum { N = 1000 };
	struct item_pool ip;
	struct item *its[N];
	pthread_t t;

	new_pool(&ip);
	for (int i = 0; i < N; i++)
		its[i] = get(&ip);
	struct handoff h = {&ip, its, N, NULL};
	cr_assert_eq(pthread_create(&t, NULL, put_all, &h), 0);
	pthread_join(t, NULL);
	/* The putting thread is gone: whatever its cache held must have
	 * gone back to the shared list, or those objects are stranded. */
	for (int i = 0; i < N; i++)
		its[i] = get(&ip);
	cr_assert_eq(count(&inits), N, "the %d objects put by a thread that "
		     "then exited should all be reused; %ld new ones were made "
		     "(flush a thread's cache when it exits)", N,
		     count(&inits) - N);
	for (int i = 0; i < N; i++)
		put(&ip, its[i]);
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), N);
}

Test(pool, pool_free_reaches_the_caches_of_running_threads)
{
	enum { N = 20 };
	struct item_pool ip;
	struct item *its[N];
	pthread_barrier_t hold;
	pthread_t t;

	new_pool(&ip);
	for (int i = 0; i < N; i++)
		its[i] = get(&ip);
	pthread_barrier_init(&hold, NULL, 2);
	struct handoff h = {&ip, its, N, &hold};
	cr_assert_eq(pthread_create(&t, NULL, put_all, &h), 0);
	pthread_barrier_wait(&hold); /* 20 objects sit in t's cache now */
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), N, "pool_free released %ld of %d: the "
		     "objects cached by a thread that is still running count "
		     "too", count(&releases), N);
	pthread_barrier_wait(&hold); /* t exits after the pool is gone */
	pthread_join(t, NULL);
	pthread_barrier_destroy(&hold);
}

/* Many threads, each getting and putting in random patterns, holding up
 * to 100 objects at a time, and sometimes putting objects another thread
 * got (through a shared mailbox). get() and put() check that no object is
 * ever in two hands at once. */
#define STRESS_THREADS 6
#define STRESS_OPS 40000

struct stress {
	struct item_pool *ip;
	struct item *mailbox[64];
	pthread_mutex_t lock; /* guards mailbox */
};

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	struct item *held[100];
	int n = 0;
	unsigned r = (unsigned)(uintptr_t)&n; /* per thread */

	for (int op = 0; op < STRESS_OPS; op++) {
		r = r * 1103515245 + 12345;
		int what = (int)((r >> 16) % 8);
		if (what < 4 && n < 100) {
			held[n] = get(s->ip);
			held[n]->payload[0] = (char)op;
			n++;
		} else if (what < 7 && n > 0) {
			put(s->ip, held[--n]);
		} else if (n > 0) {
			/* swap with the mailbox: someone else will put it */
			int slot = (int)((r >> 8) % 64);
			pthread_mutex_lock(&s->lock);
			struct item *other = s->mailbox[slot];
			s->mailbox[slot] = held[n - 1];
			pthread_mutex_unlock(&s->lock);
			if (other)
				held[n - 1] = other;
			else
				n--;
		}
	}
	while (n > 0)
		put(s->ip, held[--n]);
	return NULL;
}

Test(pool, many_threads_never_share_an_object_and_lose_none, .timeout = 60)
{
	struct item_pool ip;
	struct stress s;
	pthread_t t[STRESS_THREADS];

	new_pool(&ip);
	memset(&s, 0, sizeof s);
	s.ip = &ip;
	pthread_mutex_init(&s.lock, NULL);
	for (int i = 0; i < STRESS_THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, stress_thread, &s), 0);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 64; i++)
		if (s.mailbox[i])
			put(&ip, s.mailbox[i]);
	long made = count(&inits);
	cr_assert_leq(made, STRESS_THREADS * 100 + 64, "at most %d objects are "
		      "ever out at once, but %ld were created", STRESS_THREADS
		      * 100 + 64, made);
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), made, "pool_free released %ld of the "
		     "%ld objects made: some were lost or freed twice",
		     count(&releases), made);
	pthread_mutex_destroy(&s.lock);
}

/* A producer gets, a consumer puts, through a small locked queue: every
 * object changes threads, the case a per-thread cache must not break. */
struct queue {
	struct item_pool *ip;
	struct item *slot[32];
	int head, tail, done;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static void *consume(void *arg)
{
	struct queue *q = arg;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->head == q->tail && !q->done)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		struct item *it = q->slot[q->tail++ % 32];
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
		cr_assert_eq(it->payload[1], 'P', "the consumer got an object "
			     "the producer did not fill");
		put(q->ip, it);
	}
}

Test(pool, a_producer_gets_and_a_consumer_puts, .timeout = 60)
{
	enum { N = 50000 };
	struct item_pool ip;
	struct queue q = {.ip = &ip};
	pthread_t t;

	new_pool(&ip);
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.changed, NULL);
	cr_assert_eq(pthread_create(&t, NULL, consume, &q), 0);
	for (int i = 0; i < N; i++) {
		struct item *it = get(&ip);
		it->payload[1] = 'P';
		pthread_mutex_lock(&q.lock);
		while (q.head - q.tail == 32)
			pthread_cond_wait(&q.changed, &q.lock);
		q.slot[q.head++ % 32] = it;
		pthread_cond_broadcast(&q.changed);
		pthread_mutex_unlock(&q.lock);
	}
	pthread_mutex_lock(&q.lock);
	q.done = 1;
	pthread_cond_broadcast(&q.changed);
	pthread_mutex_unlock(&q.lock);
	pthread_join(t, NULL);

	/* At most 32 in the queue, one in each hand, and the two threads'
	 * caches: a few hundred objects, not one per item. */
	long made = count(&inits);
	cr_assert_lt(made, 2000, "%d objects went through a queue of 32, and "
		     "%ld objects were created: objects put by the consumer "
		     "must come back to the producer", N, made);
	item_pool_release(&ip);
	cr_assert_eq(count(&releases), made);
	pthread_cond_destroy(&q.changed);
	pthread_mutex_destroy(&q.lock);
}

/* ---- Use after put, under AddressSanitizer --------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>

/*
 * Only in SAN=address builds. A pooled object must be poisoned, so that
 * any read or write of it after pool_put() stops the program with an
 * AddressSanitizer report ("use-after-poison") at the guilty line, and an
 * object pool_get() hands out must be fully usable again. Rather than die
 * on purpose, the test asks ASan about the object's bytes.
 */
Test(pool_asan, pooled_objects_are_poisoned_and_handed_out_ones_are_not)
{
	struct item_pool ip;

	new_pool(&ip);
	for (int round = 0; round < 3; round++) {
		struct item *it = get(&ip);
		cr_assert_null(__asan_region_is_poisoned(it, sizeof *it),
			       "round %d: an object from pool_get is still "
			       "poisoned: unpoison it before handing it out",
			       round);
		memset(it->payload, 'x', sizeof it->payload);
		put(&ip, it);
		cr_assert(__asan_address_is_poisoned(&it->len),
			  "round %d: after pool_put the object is not poisoned, "
			  "so a use after put goes unnoticed: poison pooled "
			  "objects with ASAN_POISON_MEMORY_REGION", round);
		cr_assert(__asan_address_is_poisoned(&it->payload[51]),
			  "round %d: only part of the object is poisoned after "
			  "pool_put: poison all of it (cfg.size bytes)", round);
	}
	item_pool_release(&ip);
}

Test(pool_asan, objects_cached_by_other_threads_are_poisoned_too)
{
	enum { N = 100 };
	struct item_pool ip;
	struct item *its[N];
	pthread_t t;

	new_pool(&ip);
	for (int i = 0; i < N; i++)
		its[i] = get(&ip);
	struct handoff h = {&ip, its, N, NULL};
	cr_assert_eq(pthread_create(&t, NULL, put_all, &h), 0);
	pthread_join(t, NULL);
	for (int i = 0; i < N; i++)
		cr_assert(__asan_address_is_poisoned(&its[i]->len), "object %d, "
			  "put by another thread, is not poisoned", i);
	for (int i = 0; i < N; i++) {
		struct item *it = get(&ip);
		cr_assert_null(__asan_region_is_poisoned(it, sizeof *it),
			       "an object that went through the shared list "
			       "came out poisoned");
		its[i] = it;
	}
	for (int i = 0; i < N; i++)
		put(&ip, its[i]);
	item_pool_release(&ip);
}
#endif
