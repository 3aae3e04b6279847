/*
 * harness_bench.c - the harness measuring itself: what an empty benchmark
 * costs, what counting allocations adds to malloc+free, what a timer toggle
 * costs, and a pure computation with and without bench_keep().
 *
 *     make bench-harness                        # all of it
 *     make bench-harness BENCHFLAGS='-bench MallocFree -cpu 1,2'
 *
 * bench/README.md quotes these figures; bench_test.c runs the Barrier pair
 * under callgrind to prove the barrier holds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bench.h"

/* ---- Overhead of the loop itself ----------------------------------------- */

static void empty_for(struct bench *b)
{
	for (long i = 0; i < b->n; i++)
		bench_keep(i); /* one register "use": keeps the loop, adds nothing */
}

static void empty_loop(struct bench *b)
{
	while (bench_loop(b)) {
	}
}

BENCHMARK(Empty)
{
	bench_run(b, empty_for, NULL, "for");
	bench_run(b, empty_loop, NULL, "bench_loop");
}

/* ---- Cost of counting allocations --------------------------------------- */

/* glibc's own entry points: what malloc costs without alloc_count.c. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);

static void malloc_free_counted(struct bench *b)
{
	while (bench_loop(b)) {
		void *p = malloc(64);
		bench_escape(p); /* or gcc deletes the pair */
		free(p);
	}
}

static void malloc_free_uncounted(struct bench *b)
{
	while (bench_loop(b)) {
		void *p = __libc_malloc(64);
		bench_escape(p);
		__libc_free(p);
	}
}

static void counted_body(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		void *p = malloc(64);
		bench_escape(p);
		free(p);
	}
}

static void uncounted_body(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		void *p = __libc_malloc(64);
		bench_escape(p);
		__libc_free(p);
	}
}

static void malloc_free_counted_parallel(struct bench *b)
{
	bench_run_parallel(b, counted_body, NULL);
}

static void malloc_free_uncounted_parallel(struct bench *b)
{
	bench_run_parallel(b, uncounted_body, NULL);
}

BENCHMARK(MallocFree)
{
	bench_run(b, malloc_free_counted, NULL, "counted");
	bench_run(b, malloc_free_uncounted, NULL, "uncounted");
	bench_run(b, malloc_free_counted_parallel, NULL, "counted-parallel");
	bench_run(b, malloc_free_uncounted_parallel, NULL, "uncounted-parallel");
}

/* ---- Cost of toggling the timer ------------------------------------------ */

BENCHMARK(TimerToggle)
{
	for (long i = 0; i < b->n; i++) {
		bench_stop_timer(b);
		bench_start_timer(b);
	}
}

/* ---- The barrier ---------------------------------------------------------- */

/* A pure function: no side effects, so the compiler may delete any call
 * whose result is unused. Ten rounds of a 64-bit mixer, ~60 instructions. */
static inline uint64_t mix(uint64_t x)
{
	for (int r = 0; r < 10; r++) {
		x ^= x >> 31;
		x *= 0x7fb5d329728ea185ULL;
		x ^= x >> 27;
	}
	return x;
}

static void barrier_kept(struct bench *b)
{
	while (bench_loop(b))
		bench_keep(mix((uint64_t)b->loop_i));
}

static void barrier_dropped(struct bench *b)
{
	while (bench_loop(b))
		(void)mix((uint64_t)b->loop_i); /* gcc -O2 deletes this */
}

BENCHMARK(Barrier)
{
	bench_run(b, barrier_kept, NULL, "kept");
	bench_run(b, barrier_dropped, NULL, "dropped");
}
