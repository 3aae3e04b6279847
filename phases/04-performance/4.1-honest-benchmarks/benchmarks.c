/*
 * benchmarks.c - five benchmarks that run, print a figure and lie. Exercise
 * 4.1: fix every TODO(4.1) so that each measures one call of its operation
 * per iteration, and nothing else. README.md tells you how to find out why
 * each figure is wrong; truth_bench.c holds the figures to land near.
 *
 * Not named *_bench.c on purpose: the Makefile links *_bench.c files into
 * the bench binary only, and this file goes into the test binary too, where
 * benchmarks_test.c runs each benchmark under a stand-in for the harness.
 * Keep the five BENCHMARK() names: the tests and the grader look them up.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "crc32c.h"
#include "hash.h"
#include "parse.h"
#include "samples.h"
#include "sort.h"
#include "table.h"

/* ---- 1. Hashing a 40-byte key ------------------------------------------ */

BENCHMARK(Hash)
{
	char keys[64][SAMPLE_KEY_LEN];

	for (unsigned k = 0; k < 64; k++)
		sample_key(keys[k], k);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		/* TODO(4.1): make the compiler keep this call: its result must
		 * be consumed. */
		(void)hash64(keys[i % 64], SAMPLE_KEY_LEN);
	}
}

/* ---- 2. Looking a key up in a table built once -------------------------- */

BENCHMARK(Lookup)
{
	/* TODO(4.1): time the lookups only, not building the table and its
	 * queries (nor freeing them). */
	uint64_t *keys = malloc(SAMPLE_TABLE_KEYS * sizeof *keys);
	uint64_t queries[256];

	if (keys == NULL) {
		bench_fail(b, "out of memory");
		return;
	}
	for (unsigned k = 0; k < SAMPLE_TABLE_KEYS; k++)
		keys[k] = sample_u64(k);
	struct table *t = table_build(keys, SAMPLE_TABLE_KEYS);
	if (t == NULL) {
		bench_fail(b, "table_build failed");
		free(keys);
		return;
	}
	/* half of the queries are in the table, half are not */
	for (unsigned q = 0; q < 256; q++)
		queries[q] = sample_u64(q % 2 ? q : SAMPLE_TABLE_KEYS + q);
	for (long i = 0; i < b->n; i++)
		bench_keep(table_contains(t, queries[i % 256]));
	table_free(t);
	free(keys);
}

/* ---- 3. Parsing a 12-digit number --------------------------------------- */

BENCHMARK(Parse)
{
	unsigned i = 0;

	while (bench_loop(b)) {
		/* TODO(4.1): time parse_u64() only: prepare every text before
		 * the loop, not one malloc and one snprintf per iteration. */
		char *text = malloc(SAMPLE_TEXT_SIZE);
		uint64_t v = 0;

		if (text == NULL) {
			bench_fail(b, "out of memory");
			return;
		}
		sample_text(text, i++);
		if (parse_u64(text, &v) < 0)
			bench_fail(b, "parse_u64 rejected \"%s\"", text);
		bench_keep(v);
		free(text);
	}
}

/* ---- 4. Checksumming a 64-bit value ------------------------------------- */

BENCHMARK(Checksum)
{
	uint32_t sum = 0;

	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		/* TODO(4.1): the same input every time and only the last result
		 * kept: the compiler computes it once. Vary it, keep each one. */
		sum = crc32c_u64(0x0123456789abcdefu);
	}
	bench_keep(sum);
}

/* ---- 5. Sorting 32 shuffled ints ---------------------------------------- */

BENCHMARK(Sort)
{
	int a[SAMPLE_SORT_LEN];

	sample_ints(a, SAMPLE_SORT_LEN, 0);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		/* TODO(4.1): from the second iteration on, this sorts an array
		 * that is already sorted. Sort a shuffled one every time. */
		sort_ints(a, SAMPLE_SORT_LEN);
		bench_keep(a[0]);
	}
}
