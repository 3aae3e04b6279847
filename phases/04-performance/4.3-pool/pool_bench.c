/*
 * pool_bench.c - what a pool buys over malloc and free: one thread getting
 * and putting (one object, or bursts of 100), 4 KiB buffers, two threads
 * side by side, and objects made on one thread and given back on another,
 * each against glibc (and against a pool behind one mutex) in the same run.
 *
 *     make bench EX=4.3
 *     make bench EX=4.3 BENCHFLAGS='-bench GetPut -count 10'
 *     make bench EX=4.3 BENCHFLAGS='-bench Parallel -cpu 1,2 -count 5'
 *
 * The objects are 64-byte messages, a typical small struct. Both sides do
 * the same work on them (the pool's reset callback clears what the
 * malloc side clears by hand), so the difference is the allocator.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/valgrind.h>

#include "bench.h"
#include "bufpool.h"
#include "pool.h"

struct msg {
	uint64_t id;
	uint32_t len;
	uint32_t flags;
	char data[48];
};

static void msg_reset(struct msg *m)
{
	m->len = 0;
	m->flags = 0;
}

POOL_DEFINE(msg_pool, struct msg, pool_nothing, msg_reset, pool_nothing)

/*
 * The baseline every pool is measured against besides malloc: the same
 * stack of free objects, behind one mutex, locked on every call (what a
 * pool without per-thread caches is). Good enough on one thread; with two,
 * the threads take turns on the lock and pass its cache line back and
 * forth.
 */
struct locked_pool {
	pthread_mutex_t lock;
	struct msg *free[1024];
	int n;
};

static struct msg *locked_get(struct locked_pool *lp)
{
	struct msg *m = NULL;

	pthread_mutex_lock(&lp->lock);
	if (lp->n > 0)
		m = lp->free[--lp->n];
	pthread_mutex_unlock(&lp->lock);
	return m ? m : calloc(1, sizeof *m);
}

static void locked_put(struct locked_pool *lp, struct msg *m)
{
	msg_reset(m);
	pthread_mutex_lock(&lp->lock);
	if (lp->n < 1024) {
		lp->free[lp->n++] = m;
		m = NULL;
	}
	pthread_mutex_unlock(&lp->lock);
	free(m);
}

static void locked_release(struct locked_pool *lp)
{
	while (lp->n > 0)
		free(lp->free[--lp->n]);
	pthread_mutex_destroy(&lp->lock);
}

/*
 * A request context that owns a 4 KiB buffer: what servers allocate per
 * request, and what Go programs keep in a sync.Pool. Expensive to set up
 * (two mallocs), cheap to reset (len = 0, keep the buffer): the case pools
 * are made for. With malloc, every request pays both allocations and both
 * frees; with the pool, none.
 */
#define REQUEST_BUF 4096

struct request {
	uint64_t id;
	size_t len;
	char *buf; /* REQUEST_BUF bytes */
};

static void request_init(struct request *r)
{
	r->buf = malloc(REQUEST_BUF);
}

static void request_reset(struct request *r)
{
	r->len = 0;
}

static void request_release(struct request *r)
{
	free(r->buf);
}

POOL_DEFINE(request_pool, struct request, request_init, request_reset,
	    request_release)

static struct request *request_malloc(void)
{
	struct request *r = malloc(sizeof *r);

	r->buf = malloc(REQUEST_BUF);
	r->len = 0;
	return r;
}

static void request_free(struct request *r)
{
	free(r->buf);
	free(r);
}

/* What each request does with its context: write its first line. */
static void request_use(struct request *r, uint64_t id)
{
	static const char line[] = "GET /api/v1/users/42 HTTP/1.1\r\n";

	r->id = id;
	memcpy(r->buf + r->len, line, sizeof line - 1);
	r->len += sizeof line - 1;
	bench_escape(r->buf);
}

/* ---- One thread: get and put one object --------------------------------- */

static void getput_pool(struct bench *b)
{
	struct msg_pool mp;

	if (msg_pool_init(&mp) < 0) {
		bench_fail(b, "msg_pool_init failed");
		return;
	}
	struct msg *warm = msg_pool_get(&mp); /* warm: the cache exists */
	if (warm == NULL) {
		bench_fail(b, "pool_get returned NULL");
		msg_pool_release(&mp);
		return;
	}
	msg_pool_put(&mp, warm);
	while (bench_loop(b)) {
		struct msg *m = msg_pool_get(&mp);
		m->id = (uint64_t)b->loop_i;
		bench_keep(m);
		msg_pool_put(&mp, m);
	}
	msg_pool_release(&mp);
}

static void getput_malloc(struct bench *b)
{
	while (bench_loop(b)) {
		struct msg *m = malloc(sizeof *m);
		m->id = (uint64_t)b->loop_i;
		bench_keep(m);
		msg_reset(m);
		free(m);
	}
}

static void getput_locked(struct bench *b)
{
	struct locked_pool lp = {.lock = PTHREAD_MUTEX_INITIALIZER};

	locked_put(&lp, locked_get(&lp));
	while (bench_loop(b)) {
		struct msg *m = locked_get(&lp);
		m->id = (uint64_t)b->loop_i;
		bench_keep(m);
		locked_put(&lp, m);
	}
	locked_release(&lp);
}

BENCHMARK(GetPut)
{
	bench_run(b, getput_pool, NULL, "pool");
	bench_run(b, getput_malloc, NULL, "malloc");
	bench_run(b, getput_locked, NULL, "locked");
}

/* ---- One thread: a burst of gets, then as many puts --------------------- */

#define BURST 100

static void burst_pool(struct bench *b)
{
	struct msg_pool mp;
	struct msg *held[BURST];

	if (msg_pool_init(&mp) < 0) {
		bench_fail(b, "msg_pool_init failed");
		return;
	}
	for (int i = 0; i < BURST; i++) { /* warm: BURST objects exist */
		held[i] = msg_pool_get(&mp);
		if (held[i] == NULL) {
			bench_fail(b, "pool_get returned NULL");
			return; /* a broken pool: leaking it is the least issue */
		}
	}
	for (int i = 0; i < BURST; i++)
		msg_pool_put(&mp, held[i]);
	bench_reset_timer(b);
	for (long done = 0; done < b->n; done += BURST) {
		int k = b->n - done < BURST ? (int)(b->n - done) : BURST;
		for (int i = 0; i < k; i++)
			held[i] = msg_pool_get(&mp);
		bench_escape(held);
		for (int i = 0; i < k; i++)
			msg_pool_put(&mp, held[i]);
	}
	bench_stop_timer(b);
	msg_pool_release(&mp);
}

static void burst_malloc(struct bench *b)
{
	struct msg *held[BURST];

	for (long done = 0; done < b->n; done += BURST) {
		int k = b->n - done < BURST ? (int)(b->n - done) : BURST;
		for (int i = 0; i < k; i++)
			held[i] = malloc(sizeof(struct msg));
		bench_escape(held);
		for (int i = 0; i < k; i++)
			free(held[i]);
	}
}

BENCHMARK(Burst)
{
	bench_run(b, burst_pool, NULL, "pool");
	bench_run(b, burst_malloc, NULL, "malloc");
}

/* ---- One thread: a request context per request -------------------------- */

static void request_pool_bench(struct bench *b)
{
	struct request_pool rp;
	struct request *warm;

	if (request_pool_init(&rp) < 0 || (warm = request_pool_get(&rp)) == NULL
	    || warm->buf == NULL) {
		bench_fail(b, "request_pool_init or pool_get failed");
		return;
	}
	request_pool_put(&rp, warm);
	while (bench_loop(b)) {
		struct request *r = request_pool_get(&rp);
		request_use(r, (uint64_t)b->loop_i);
		request_pool_put(&rp, r);
	}
	request_pool_release(&rp);
}

static void request_malloc_bench(struct bench *b)
{
	while (bench_loop(b)) {
		struct request *r = request_malloc();
		request_use(r, (uint64_t)b->loop_i);
		request_free(r);
	}
}

BENCHMARK(Request)
{
	bench_run(b, request_pool_bench, NULL, "pool");
	bench_run(b, request_malloc_bench, NULL, "malloc");
}

/* ---- One thread: a 4 KiB scratch buffer per request --------------------- */

/*
 * Where pools pay on one thread. glibc's tcache already is a per-thread
 * pool for blocks up to 1032 bytes, so a pool of 64-byte objects saves
 * instructions but only so much time. A 4 KiB buffer is beyond tcache:
 * each malloc and free goes to the arena, under its lock.
 */
#define REQUEST 200 /* bytes each request writes into its buffer */

static void buffer_bufpool(struct bench *b)
{
	struct bufpool bp;
	char req[REQUEST];

	memset(req, 'r', sizeof req);
	size_t size = *(size_t *)b->arg;

	if (bufpool_init(&bp, size, 4 * size) < 0) {
		bench_fail(b, "bufpool_init failed");
		return;
	}
	struct bytebuf *warm = bufpool_get(&bp);
	if (warm == NULL) {
		bench_fail(b, "bufpool_get returned NULL");
		bufpool_release(&bp);
		return;
	}
	bufpool_put(&bp, warm);
	while (bench_loop(b)) {
		struct bytebuf *buf = bufpool_get(&bp);
		bytebuf_add(buf, req, sizeof req);
		bench_keep(buf->data[buf->len - 1]);
		bufpool_put(&bp, buf);
	}
	bufpool_release(&bp);
}

static void buffer_malloc(struct bench *b)
{
	char req[REQUEST];

	size_t size = *(size_t *)b->arg;

	memset(req, 'r', sizeof req);
	while (bench_loop(b)) {
		unsigned char *data = malloc(size);
		memcpy(data, req, sizeof req);
		bench_keep(data[sizeof req - 1]);
		free(data);
	}
}

BENCHMARK(Buffer)
{
	static size_t size = 4096;

	bench_run(b, buffer_bufpool, &size, "bufpool");
	bench_run(b, buffer_malloc, &size, "malloc");
}

/* ---- Threads side by side: -cpu 1,2 ------------------------------------ */

/*
 * The GetPut loop on P threads at once (bench_run_parallel), sharing one
 * pool. The work per object is small on purpose, so the pool is what is
 * measured: with per-thread caches the threads never touch each other's
 * memory and two threads do nearly twice the work of one; a pool that
 * locks on every call makes them take turns on the lock and pass its
 * cache line back and forth, and two threads do less than one.
 */
static uint64_t use(struct msg *m, uint64_t id)
{
	m->id = id;
	m->len = (uint32_t)id & 63;
	m->data[m->len & 31] = (char)id;
	bench_escape(m);
	return m->id + m->len;
}

static void parallel_pool_body(struct bench_pb *pb, void *arg, int id)
{
	struct msg_pool *mp = arg;
	uint64_t i = (uint64_t)id << 40;

	while (bench_pb_next(pb)) {
		struct msg *m = msg_pool_get(mp);
		bench_keep(use(m, i++));
		msg_pool_put(mp, m);
	}
}

static void parallel_malloc_body(struct bench_pb *pb, void *arg, int id)
{
	uint64_t i = (uint64_t)id << 40;

	(void)arg;
	while (bench_pb_next(pb)) {
		struct msg *m = malloc(sizeof *m);
		bench_keep(use(m, i++));
		free(m);
	}
}

static void parallel_locked_body(struct bench_pb *pb, void *arg, int id)
{
	struct locked_pool *lp = arg;
	uint64_t i = (uint64_t)id << 40;

	while (bench_pb_next(pb)) {
		struct msg *m = locked_get(lp);
		bench_keep(use(m, i++));
		locked_put(lp, m);
	}
}

static void parallel_pool(struct bench *b)
{
	struct msg_pool mp;
	struct msg *warm;

	if (msg_pool_init(&mp) < 0 || (warm = msg_pool_get(&mp)) == NULL) {
		bench_fail(b, "msg_pool_init or pool_get failed");
		return;
	}
	msg_pool_put(&mp, warm);
	bench_reset_timer(b);
	bench_run_parallel(b, parallel_pool_body, &mp);
	bench_stop_timer(b);
	msg_pool_release(&mp);
}

static void parallel_malloc(struct bench *b)
{
	bench_run_parallel(b, parallel_malloc_body, NULL);
}

static void parallel_locked(struct bench *b)
{
	struct locked_pool lp = {.lock = PTHREAD_MUTEX_INITIALIZER};

	bench_run_parallel(b, parallel_locked_body, &lp);
	bench_stop_timer(b);
	locked_release(&lp);
}

BENCHMARK(Parallel)
{
	bench_run(b, parallel_pool, NULL, "pool");
	bench_run(b, parallel_malloc, NULL, "malloc");
	bench_run(b, parallel_locked, NULL, "locked");
}

/* ---- Made on one thread, given back on another --------------------------- */

/*
 * A producer (the benchmark's thread) gets request contexts and fills them,
 * and a consumer thread reads them and gives them back, one by one through
 * a ring: requests handed from an I/O thread to a worker. One op is one
 * request through the whole pipeline, so the ring is in both figures; both
 * threads run at once, so glibc's frees (of blocks its arena lent to the
 * producer) meet the producer's mallocs on the other core.
 *
 * The ring is single-producer single-consumer: a slot array and two
 * indexes, each written by one side only; each side re-reads the other's
 * index only when its own copy says full (or empty). A side that finds
 * nothing to do spins a little, then sleeps 20 us: on a busy 2-core
 * machine a thread that spins (or sched_yield()s) can hold the very CPU
 * its partner is waiting for.
 */
#define RING 2048 /* slots, a power of two: 8 MiB of request buffers */

struct ring {
	_Alignas(128) size_t head;  /* next slot to fill: the producer's */
	_Alignas(128) size_t tail;  /* next slot to drain: the consumer's */
	_Alignas(128) struct request *slot[RING];
	long n;                     /* requests to pass this run */
	struct request_pool *pool;  /* NULL: malloc and free */
};

/* Nothing to do yet: spin briefly, then give the CPU away. Under valgrind,
 * which runs one thread at a time, spinning only burns (and counts)
 * instructions while the other side cannot run: sleep at once. */
static void wait_a_little(int *spins)
{
	if (++*spins > 20000 || RUNNING_ON_VALGRIND) {
		struct timespec pause = {0, 20000};
		nanosleep(&pause, NULL);
	}
}

static void *consumer(void *arg)
{
	struct ring *r = arg;
	size_t tail = 0, head = 0;

	for (long got = 0; got < r->n; got++) {
		for (int spins = 0; head == tail; wait_a_little(&spins))
			head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		struct request *req = r->slot[tail % RING];
		bench_keep(req->buf[0]);
		__atomic_store_n(&r->tail, ++tail, __ATOMIC_RELEASE);
		if (r->pool)
			request_pool_put(r->pool, req);
		else
			request_free(req);
	}
	return NULL;
}

static void cross_thread(struct bench *b)
{
	struct request_pool rp;
	struct ring *r = aligned_alloc(128, sizeof *r);
	size_t head = 0, tail = 0;
	pthread_t t;

	if (r == NULL) {
		bench_fail(b, "out of memory");
		return;
	}
	memset(r, 0, sizeof *r);
	r->n = b->n;
	if (b->arg) {
		/* Warm: as many requests as can be in flight, made before the
		 * timer starts, so the figure is the steady state. */
		if (request_pool_init(&rp) < 0) {
			bench_fail(b, "request_pool_init failed");
			free(r);
			return;
		}
		struct request *extra[256]; /* and the two threads' caches */
		for (size_t i = 0; i < RING + 256; i++) {
			struct request *req = request_pool_get(&rp);
			if (req == NULL || req->buf == NULL) {
				bench_fail(b, "pool_get failed");
				free(r);
				return; /* a broken pool: leaking it is the least issue */
			}
			if (i < RING)
				r->slot[i] = req;
			else
				extra[i - RING] = req;
		}
		for (size_t i = 0; i < RING + 256; i++)
			request_pool_put(&rp, i < RING ? r->slot[i] : extra[i - RING]);
		r->pool = &rp;
	}

	bench_reset_timer(b); /* thread start included: 20 us in a 1 s run */
	if (pthread_create(&t, NULL, consumer, r) != 0) {
		bench_fail(b, "pthread_create failed");
		r->n = 0;
	}
	for (long i = 0; i < r->n; i++) {
		struct request *req = r->pool ? request_pool_get(r->pool)
					      : request_malloc();
		request_use(req, (uint64_t)i);
		for (int spins = 0; head - tail == RING; wait_a_little(&spins))
			tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
		r->slot[head % RING] = req;
		__atomic_store_n(&r->head, ++head, __ATOMIC_RELEASE);
	}
	if (r->n > 0)
		pthread_join(t, NULL);
	bench_stop_timer(b);

	if (r->pool)
		request_pool_release(&rp);
	free(r);
}

BENCHMARK(CrossThread)
{
	static int use_pool = 1;

	bench_run(b, cross_thread, &use_pool, "pool");
	bench_run(b, cross_thread, NULL, "malloc");
}
