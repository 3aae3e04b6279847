/*
 * pitfalls_bench.c - lesson 1's demo: five ways a benchmark lies, each next
 * to its honest twin, so one run shows the difference: a result nobody
 * uses, stores nobody reads, a malloc/free pair the compiler removes, setup
 * inside the timed region, and the same constant input every time.
 *
 *     make demos                      (runs everything the lesson quotes)
 *     build/phases/04-performance/demos/pitfalls_bench -bench Sum -cpu 1
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* ---- 1. A result nobody uses --------------------------------------------- */

/* A pure function: it has no side effects, so if nothing uses its result the
 * compiler may drop the call, and then the loop, entirely. */
static inline uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint8_t block[256];

static void sum_dropped(struct bench *b)
{
	while (bench_loop(b))
		checksum(block, sizeof block); /* result unused: deleted */
}

static void sum_kept(struct bench *b)
{
	while (bench_loop(b))
		bench_keep(checksum(block, sizeof block));
}

BENCHMARK(Sum)
{
	memset(block, 7, sizeof block);
	bench_run(b, sum_dropped, NULL, "dropped");
	bench_run(b, sum_kept, NULL, "kept");
}

/* ---- 2. Stores nobody reads ---------------------------------------------- */

/* Filling a buffer that is never read is a dead store: gcc and clang
 * delete the memset, then the empty loop. */
static void fill_dead(struct bench *b)
{
	char buf[4096];

	while (bench_loop(b))
		memset(buf, (int)b->loop_i, sizeof buf);
}

/* bench_escape(buf): "someone outside may read buf now", so every memset
 * must really happen. */
static void fill_escaped(struct bench *b)
{
	char buf[4096];

	while (bench_loop(b)) {
		memset(buf, (int)b->loop_i, sizeof buf);
		bench_escape(buf);
	}
}

/* The same guarantee in two steps, google/benchmark's idiom: let the
 * buffer's address escape once, then bench_clobber() ("any memory may be
 * read or written here") after each fill. */
static void fill_clobbered(struct bench *b)
{
	char buf[4096];

	bench_escape(buf);
	while (bench_loop(b)) {
		memset(buf, (int)b->loop_i, sizeof buf);
		bench_clobber();
	}
}

BENCHMARK(Fill)
{
	bench_run(b, fill_dead, NULL, "dead");
	bench_run(b, fill_escaped, NULL, "escaped");
	bench_run(b, fill_clobbered, NULL, "escaped-once+clobber");
}

/* ---- 3. A malloc/free pair the compiler removes --------------------------- */

/* gcc and clang know malloc and free: a block that is written and freed
 * and never seen by anyone else need not exist. allocs/op reads 0, and the
 * benchmark measured no allocator at all. */
static void malloc_deleted(struct bench *b)
{
	while (bench_loop(b)) {
		char *p = malloc(64);
		p[0] = 1;
		free(p);
	}
}

static void malloc_escaped(struct bench *b)
{
	while (bench_loop(b)) {
		char *p = malloc(64);
		p[0] = 1;
		bench_escape(p); /* the pointer leaves: the block must exist */
		free(p);
	}
}

BENCHMARK(Malloc)
{
	bench_run(b, malloc_deleted, NULL, "deleted");
	bench_run(b, malloc_escaped, NULL, "escaped");
}

/* ---- 4. Setup inside the timed region ------------------------------------- */

#define KEYS 4096

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Binary search in a sorted table: the operation we mean to measure. */
static int find(const uint32_t *table, size_t n, uint32_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (table[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && table[lo] == key;
}

static uint32_t *sorted_table(void)
{
	uint32_t *t = malloc(KEYS * sizeof *t);
	uint32_t x = 12345;

	for (int i = 0; i < KEYS; i++) {
		x = x * 1664525u + 1013904223u; /* a fixed pseudo-random sequence */
		t[i] = x;
	}
	qsort(t, KEYS, sizeof *t, cmp_u32);
	return t;
}

/* Builds the table in every iteration: measures qsort, not find. */
static void lookup_setup_inside(struct bench *b)
{
	for (long i = 0; i < b->n; i++) {
		uint32_t *t = sorted_table();
		bench_keep(find(t, KEYS, t[i % KEYS]));
		free(t);
	}
}

/* Builds it once; bench_loop resets the timer before the first iteration. */
static void lookup_setup_outside(struct bench *b)
{
	uint32_t *t = sorted_table();

	while (bench_loop(b))
		bench_keep(find(t, KEYS, t[b->loop_i % KEYS]));
	free(t);
}

BENCHMARK(Lookup)
{
	bench_run(b, lookup_setup_inside, NULL, "setup-inside");
	bench_run(b, lookup_setup_outside, NULL, "setup-outside");
}

/* ---- 5. The same constant input every time -------------------------------- */

/* MurmurHash3's 64-bit finaliser, as hash tables use for integer keys:
 * straight-line arithmetic, so when the compiler can see the input it
 * computes the answer while compiling. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void hash_constant(struct bench *b)
{
	/* The result is kept, but the input is a constant: gcc folds
	 * mix64(42) to a number at compile time, and the loop measures
	 * nothing but itself. */
	while (bench_loop(b))
		bench_keep(mix64(42));
}

static void hash_varied(struct bench *b)
{
	static uint64_t inputs[64];

	for (int i = 0; i < 64; i++) /* prepared before the timed loop */
		inputs[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	while (bench_loop(b))
		bench_keep(mix64(inputs[b->loop_i % 64]));
}

BENCHMARK(Hash)
{
	bench_run(b, hash_constant, NULL, "constant-input");
	bench_run(b, hash_varied, NULL, "varied-input");
}
