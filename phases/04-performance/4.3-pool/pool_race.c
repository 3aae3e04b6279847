/*
 * pool_race.c - the pool's thread scenarios as a plain program, so that
 * ThreadSanitizer can watch them: Criterion cannot run under TSan (its
 * fork server maps memory where TSan keeps its shadow; Criterion issue
 * #274). race.sh builds this with -fsanitize=thread and counts reports.
 *
 *     make build EX=4.3 SAN=thread
 *     build/phases-thread/04-performance/4.3-pool/pool_race
 *
 * Exit status 0 when every check held; TSan adds its own reports (and
 * exit status 66) for any data race it saw.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bufpool.h"
#include "pool.h"

static int failures;

#define check(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "pool_race: FAIL: " __VA_ARGS__);     \
			fputc('\n', stderr);                                  \
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);   \
		}                                                             \
	} while (0)

/* ---- Objects that know whether someone holds them ------------------------ */

struct item {
	int in_use;      /* atomic: 1 between get and put */
	int len;         /* dirtied by the holder, cleared by reset */
	char payload[56];
};

static long inits, releases;

static void item_init(struct item *it)
{
	(void)it;
	__atomic_add_fetch(&inits, 1, __ATOMIC_RELAXED);
}

static void item_reset(struct item *it)
{
	it->len = 0;
}

static void item_release(struct item *it)
{
	(void)it;
	__atomic_add_fetch(&releases, 1, __ATOMIC_RELAXED);
}

POOL_DEFINE(item_pool, struct item, item_init, item_reset, item_release)

static struct item *take(struct item_pool *ip)
{
	struct item *it = item_pool_get(ip);

	check(it != NULL, "get returned NULL");
	if (it == NULL)
		exit(1);
	check(it->len == 0, "get returned an object that was not reset");
	check(__atomic_exchange_n(&it->in_use, 1, __ATOMIC_ACQ_REL) == 0,
	      "get handed out an object someone else holds");
	it->len = 7; /* the holder writes into it */
	return it;
}

static void give(struct item_pool *ip, struct item *it)
{
	__atomic_store_n(&it->in_use, 0, __ATOMIC_RELEASE);
	item_pool_put(ip, it);
}

/* ---- 1. Many threads, random patterns, swapping objects ------------------- */

struct stress {
	struct item_pool *ip;
	struct item *mailbox[32];
	pthread_mutex_t lock;
	unsigned seed;
};

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	struct item *held[64];
	int n = 0;
	unsigned r = __atomic_add_fetch(&s->seed, 7919, __ATOMIC_RELAXED);

	for (int op = 0; op < 20000; op++) {
		/* Hand the CPU over now and then: on a busy machine threads
		 * otherwise run in long slices, one after the other, and
		 * TSan sees few of the interleavings a race needs. */
		if (op % 8 == 0)
			sched_yield();
		r = r * 1103515245 + 12345;
		int what = (int)((r >> 16) % 8);
		if (what < 4 && n < 64) {
			held[n++] = take(s->ip);
		} else if (what < 7 && n > 0) {
			give(s->ip, held[--n]);
		} else if (n > 0) {
			int slot = (int)((r >> 8) % 32);
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
		give(s->ip, held[--n]);
	return NULL;
}

static void stress(void)
{
	enum { THREADS = 4 };
	struct item_pool ip;
	struct stress s = {.ip = &ip};
	pthread_t t[THREADS];

	inits = releases = 0;
	check(item_pool_init(&ip) == 0, "item_pool_init failed");
	pthread_mutex_init(&s.lock, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, &s);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 32; i++)
		if (s.mailbox[i])
			give(&ip, s.mailbox[i]);
	item_pool_release(&ip);
	check(releases == inits, "stress: %ld objects made, %ld released",
	      inits, releases);
	pthread_mutex_destroy(&s.lock);
}

/* ---- 2. A producer gets, a consumer puts --------------------------------- */

struct queue {
	struct item_pool *ip;
	struct item *slot[16];
	int head, tail, done;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static void *consumer(void *arg)
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
		struct item *it = q->slot[q->tail++ % 16];
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
		check(it->payload[0] == 'P', "consumer got an unfilled object");
		give(q->ip, it);
	}
}

static void producer_consumer(void)
{
	struct item_pool ip;
	struct queue q = {.ip = &ip};
	pthread_t t;

	inits = releases = 0;
	check(item_pool_init(&ip) == 0, "item_pool_init failed");
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.changed, NULL);
	pthread_create(&t, NULL, consumer, &q);
	for (int i = 0; i < 20000; i++) {
		struct item *it = take(&ip);
		it->payload[0] = 'P';
		pthread_mutex_lock(&q.lock);
		while (q.head - q.tail == 16)
			pthread_cond_wait(&q.changed, &q.lock);
		q.slot[q.head++ % 16] = it;
		pthread_cond_broadcast(&q.changed);
		pthread_mutex_unlock(&q.lock);
	}
	pthread_mutex_lock(&q.lock);
	q.done = 1;
	pthread_cond_broadcast(&q.changed);
	pthread_mutex_unlock(&q.lock);
	pthread_join(t, NULL);
	check(inits < 1000, "producer/consumer: %ld objects made for a queue of "
	      "16: objects do not come back", inits);
	item_pool_release(&ip);
	check(releases == inits, "producer/consumer: %ld made, %ld released",
	      inits, releases);
	pthread_cond_destroy(&q.changed);
	pthread_mutex_destroy(&q.lock);
}

/* ---- 3. Threads that exit, and a pool freed under a live thread ----------- */

struct batch {
	struct item_pool *ip;
	struct item *its[40];
	pthread_barrier_t *hold;
};

static void *put_batch(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < 40; i++)
		give(b->ip, b->its[i]);
	if (b->hold) {
		pthread_barrier_wait(b->hold);
		pthread_barrier_wait(b->hold);
	}
	return NULL;
}

static void exits_and_free(void)
{
	struct item_pool ip;
	struct batch b = {.ip = &ip};
	pthread_barrier_t hold;
	pthread_t t;

	inits = releases = 0;
	check(item_pool_init(&ip) == 0, "item_pool_init failed");
	for (int round = 0; round < 20; round++) { /* threads come and go */
		for (int i = 0; i < 40; i++)
			b.its[i] = take(&ip);
		pthread_create(&t, NULL, put_batch, &b);
		pthread_join(t, NULL);
	}
	check(inits <= 80, "exiting threads: %ld objects made for 40 in use: "
	      "caches of exited threads are lost", inits);

	for (int i = 0; i < 40; i++)
		b.its[i] = take(&ip);
	pthread_barrier_init(&hold, NULL, 2);
	b.hold = &hold;
	pthread_create(&t, NULL, put_batch, &b);
	pthread_barrier_wait(&hold); /* t holds cached objects, still alive */
	item_pool_release(&ip);
	check(releases == inits, "pool_free under a live thread: %ld made, %ld "
	      "released", inits, releases);
	pthread_barrier_wait(&hold); /* now t exits: the pool is gone */
	pthread_join(t, NULL);
	pthread_barrier_destroy(&hold);
}

/* ---- 4. Bursts through the shared list ------------------------------------- */

/* Two threads get and put more objects than a cache holds, yielding in
 * between: every burst goes through the shared list while the other
 * thread is in the middle of its own. */
static void *bursts_thread(void *arg)
{
	struct item_pool *ip = arg;
	struct item *held[150];

	for (int round = 0; round < 300; round++) {
		int n = 100 + round % 50;
		for (int i = 0; i < n; i++)
			held[i] = take(ip);
		sched_yield();
		for (int i = 0; i < n; i++)
			give(ip, held[i]);
		sched_yield();
	}
	return NULL;
}

static void bursts(void)
{
	struct item_pool ip;
	pthread_t t[2];

	inits = releases = 0;
	check(item_pool_init(&ip) == 0, "item_pool_init failed");
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, bursts_thread, &ip);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check(inits <= 2 * 150 + 2 * 64, "bursts: %ld objects made for at most "
	      "300 in use", inits);
	item_pool_release(&ip);
	check(releases == inits, "bursts: %ld made, %ld released", inits,
	      releases);
}

/* ---- 5. Byte buffers across threads ---------------------------------------- */

static void *buffers(void *arg)
{
	struct bufpool *bp = arg;
	char chunk[6000];

	memset(chunk, 'b', sizeof chunk);
	for (int i = 0; i < 5000; i++) {
		struct bytebuf *buf = bufpool_get(bp);
		check(buf && buf->len == 0 && buf->cap >= 1024,
		      "bufpool_get gave a bad buffer");
		if (buf == NULL)
			exit(1);
		bytebuf_add(buf, chunk, (size_t)(i % 7) * 1000); /* some grow */
		bufpool_put(bp, buf);
	}
	return NULL;
}

static void byte_buffers(void)
{
	struct bufpool bp;
	pthread_t t[3];

	check(bufpool_init(&bp, 1024, 4096) == 0, "bufpool_init failed");
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, buffers, &bp);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	bufpool_release(&bp);
}

int main(void)
{
	stress();
	producer_consumer();
	exits_and_free();
	bursts();
	byte_buffers();
	if (failures) {
		fprintf(stderr, "pool_race: %d checks failed\n", failures);
		return 1;
	}
	printf("pool_race: ok\n");
	return 0;
}
