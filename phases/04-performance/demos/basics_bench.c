/*
 * basics_bench.c - lesson 1's demo of the harness itself: how it grows n
 * until a run fills -benchtime, what stopping the timer in every iteration
 * costs, and what a parallel benchmark shows when threads share a cache
 * line.
 *
 *     build/phases/04-performance/demos/basics_bench -bench Grow -cpu 1
 *     build/phases/04-performance/demos/basics_bench -bench Parallel -cpu 1,2
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bench.h"

/* MurmurHash3's 64-bit finaliser: a few nanoseconds of real arithmetic. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t inputs[64];

static void make_inputs(void)
{
	for (int i = 0; i < 64; i++)
		inputs[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- 1. How n grows ------------------------------------------------------- */

/*
 * The harness calls a benchmark function once per run, with a new b->n each
 * time. This one says what it was given and how long the run took (both
 * printed outside the timed region: bench_loop resets the timer on its
 * first call and stops it on its last), so the output shows the rule:
 * next n = budget / (last time per op) + 20%, at most 100x the last n.
 */
BENCHMARK(Grow)
{
	uint64_t h = 0;

	make_inputs();
	double start = now_ms();
	while (bench_loop(b)) {
		for (int i = 0; i < 16; i++) /* about 100 ns of work */
			h = mix64(h ^ inputs[i]);
	}
	bench_keep(h);
	printf("    Grow: run with n = %-9ld took %8.3f ms\n", b->n,
	       now_ms() - start);
}

/* ---- 2. Stopping the timer in every iteration ----------------------------- */

/* The work: one mix64 of a prepared input. */
static void toggle_never(struct bench *b)
{
	make_inputs();
	while (bench_loop(b))
		bench_keep(mix64(inputs[b->loop_i % 64]));
}

/*
 * The same work with the timer stopped around a (free) per-iteration
 * "setup". Each stop/start pair reads the clock twice, and part of those
 * reads falls inside the measured window: the figure grows by far more than
 * the work it excludes.
 */
static void toggle_each(struct bench *b)
{
	make_inputs();
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		bench_stop_timer(b);
		uint64_t x = inputs[i % 64]; /* the "setup" we meant to exclude */
		bench_start_timer(b);
		bench_keep(mix64(x));
	}
}

BENCHMARK(Timer)
{
	bench_run(b, toggle_never, NULL, "never-stopped");
	bench_run(b, toggle_each, NULL, "stop-start-each");
}

/* ---- 3. Parallel benchmarks and shared cache lines ------------------------ */

/*
 * Each thread counts its iterations. Where the counters live decides
 * whether two threads help or hurt:
 *  - shared:   one atomic counter for all threads; its cache line moves
 *              between the cores on every increment;
 *  - adjacent: one counter per thread, but side by side in one cache line
 *              ("false sharing": no data is shared, the line still is);
 *  - padded:   one counter per thread, each on its own 128-byte block (the
 *              layout bench/alloc_count.c uses for the same reason).
 * Relaxed atomics keep the compiler from holding a counter in a register.
 */
static _Atomic uint64_t shared_count;
static _Atomic uint64_t adjacent_count[8];
static struct {
	_Alignas(128) _Atomic uint64_t n;
} padded_count[8];

static void body_shared(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb))
		atomic_fetch_add_explicit(&shared_count, 1, memory_order_relaxed);
}

static void body_adjacent(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	_Atomic uint64_t *c = &adjacent_count[id % 8];
	while (bench_pb_next(pb))
		atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
				      memory_order_relaxed);
}

static void body_padded(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	_Atomic uint64_t *c = &padded_count[id % 8].n;
	while (bench_pb_next(pb))
		atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
				      memory_order_relaxed);
}

static void run_shared(struct bench *b) { bench_run_parallel(b, body_shared, NULL); }
static void run_adjacent(struct bench *b) { bench_run_parallel(b, body_adjacent, NULL); }
static void run_padded(struct bench *b) { bench_run_parallel(b, body_padded, NULL); }

BENCHMARK(Parallel)
{
	bench_run(b, run_shared, NULL, "shared");
	bench_run(b, run_adjacent, NULL, "adjacent");
	bench_run(b, run_padded, NULL, "padded");
}
