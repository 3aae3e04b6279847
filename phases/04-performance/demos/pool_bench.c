/*
 * pool_bench.c - lesson 3's demo: when a pool pays and when it does not.
 * Three ways to get and return a 64-byte object: glibc's malloc/free, a
 * free list behind one mutex (the first pool everyone writes), and a free
 * list per thread (no lock at all), on one thread and on several. Then
 * bursts longer than glibc's per-thread cache, and an object whose set-up
 * is expensive, which is where pools pay most.
 *
 * These pools are deliberately minimal: exercise 4.3 builds the real one
 * (typed, with a reset callback and a shared list behind per-thread caches).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct obj {
	struct obj *next; /* free-list link, used only while pooled */
	char payload[56];
};

/* ---- A free list behind a mutex ------------------------------------------- */

static struct obj *locked_head;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct obj *locked_get(void)
{
	pthread_mutex_lock(&lock);
	struct obj *o = locked_head;
	if (o)
		locked_head = o->next;
	pthread_mutex_unlock(&lock);
	return o ? o : malloc(sizeof *o);
}

static void locked_put(struct obj *o)
{
	pthread_mutex_lock(&lock);
	o->next = locked_head;
	locked_head = o;
	pthread_mutex_unlock(&lock);
}

/* ---- A free list per thread ------------------------------------------------- */

/* No lock: each thread only ever touches its own list. The catch: an
 * object put by another thread lands on that thread's list, and lists never
 * shrink. Exercise 4.3 deals with both. */
static __thread struct obj *local_head;

static struct obj *local_get(void)
{
	struct obj *o = local_head;

	if (o) {
		local_head = o->next;
		return o;
	}
	return malloc(sizeof *o);
}

static void local_put(struct obj *o)
{
	o->next = local_head;
	local_head = o;
}

/* ---- Get + put on one thread ---------------------------------------------- */

static void getput_malloc(struct bench *b)
{
	while (bench_loop(b)) {
		struct obj *o = malloc(sizeof *o);
		o->payload[0] = 1;
		bench_escape(o);
		free(o);
	}
}

static void getput_locked(struct bench *b)
{
	while (bench_loop(b)) {
		struct obj *o = locked_get();
		o->payload[0] = 1;
		bench_escape(o);
		locked_put(o);
	}
}

static void getput_local(struct bench *b)
{
	while (bench_loop(b)) {
		struct obj *o = local_get();
		o->payload[0] = 1;
		bench_escape(o);
		local_put(o);
	}
}

BENCHMARK(GetPut)
{
	bench_run(b, getput_malloc, NULL, "malloc");
	bench_run(b, getput_locked, NULL, "mutex-list");
	bench_run(b, getput_local, NULL, "thread-list");
}

/* ---- The same on P threads at once (-cpu 1,2) ----------------------------- */

static void body_malloc(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		struct obj *o = malloc(sizeof *o);
		o->payload[0] = 1;
		bench_escape(o);
		free(o);
	}
}

static void body_locked(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		struct obj *o = locked_get();
		o->payload[0] = 1;
		bench_escape(o);
		locked_put(o);
	}
}

static void body_local(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		struct obj *o = local_get();
		o->payload[0] = 1;
		bench_escape(o);
		local_put(o);
	}
}

static void run_malloc(struct bench *b) { bench_run_parallel(b, body_malloc, NULL); }
static void run_locked(struct bench *b) { bench_run_parallel(b, body_locked, NULL); }
static void run_local(struct bench *b) { bench_run_parallel(b, body_local, NULL); }

BENCHMARK(Parallel)
{
	bench_run(b, run_malloc, NULL, "malloc");
	bench_run(b, run_locked, NULL, "mutex-list");
	bench_run(b, run_local, NULL, "thread-list");
}

/* ---- Bursts: 100 gets, then 100 puts ------------------------------------- */

/* glibc's per-thread cache (tcache) holds at most 7 free blocks of each
 * size; a burst of 100 goes past it to the arena's bins and back. The
 * thread-local free list has no such limit. One op here is a whole burst:
 * 100 gets, then 100 puts. */
#define BURST 100

static void burst_malloc(struct bench *b)
{
	struct obj *held[BURST];

	while (bench_loop(b)) {
		for (int i = 0; i < BURST; i++) {
			held[i] = malloc(sizeof *held[i]);
			held[i]->payload[0] = 1;
			bench_escape(held[i]);
		}
		for (int i = 0; i < BURST; i++)
			free(held[i]);
	}
}

static void burst_local(struct bench *b)
{
	struct obj *held[BURST];

	while (bench_loop(b)) {
		for (int i = 0; i < BURST; i++) {
			held[i] = local_get();
			held[i]->payload[0] = 1;
			bench_escape(held[i]);
		}
		for (int i = 0; i < BURST; i++)
			local_put(held[i]);
	}
}

BENCHMARK(Burst)
{
	bench_run(b, burst_malloc, NULL, "malloc");
	bench_run(b, burst_local, NULL, "thread-list");
}

/* ---- An object that is expensive to set up -------------------------------- */

/* A 16 KiB scratch table that must start zeroed: malloc hands out a block
 * that must be cleared every time; a pool can hand back one that its reset
 * cleared only where it was used. */
struct table {
	struct table *next;
	size_t used;
	unsigned char cells[16384];
};

static struct table *tables;

static void fresh_table(struct bench *b)
{
	while (bench_loop(b)) {
		struct table *t = calloc(1, sizeof *t);
		t->cells[b->loop_i % 64] = 1; /* a request touches a few cells */
		t->used = 64;
		bench_escape(t);
		free(t);
	}
}

static void pooled_table(struct bench *b)
{
	while (bench_loop(b)) {
		struct table *t = tables;
		if (t)
			tables = t->next;
		else
			t = calloc(1, sizeof *t);
		t->cells[b->loop_i % 64] = 1;
		t->used = 64;
		bench_escape(t);
		memset(t->cells, 0, t->used); /* reset: clear what was used */
		t->used = 0;
		t->next = tables;
		tables = t;
	}
	while (tables) {
		struct table *t = tables;
		tables = t->next;
		free(t);
	}
}

BENCHMARK(Scratch)
{
	bench_run(b, fresh_table, NULL, "calloc");
	bench_run(b, pooled_table, NULL, "pooled");
}
