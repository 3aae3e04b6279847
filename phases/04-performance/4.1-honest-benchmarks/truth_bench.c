/*
 * truth_bench.c - the course's honest benchmarks of the five operations:
 * the "true cost" each of your benchmarks in benchmarks.c is graded against,
 * measured in the same run, so the bars are ratios and not absolute counts.
 *
 *     make bench EX=4.1
 *     make bench EX=4.1 BENCHFLAGS='-bench Sort -count 10'
 *
 * Each follows the same four rules: inputs prepared before the timer
 * starts, several different inputs taken in turn, one call per iteration,
 * every result consumed. Try the exercise before reading on: this file is
 * one answer to it (benchmarks.c's solution is another, written with
 * bench_loop() instead of bench_reset_timer()).
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

/*
 * How many different inputs each benchmark cycles through: enough that no
 * answer repeats often enough for the compiler or the branch predictor to
 * learn it, few enough to stay in the L1 cache, which is where a hot
 * operation's inputs usually are. Powers of two, so i % N is a mask.
 */
#define KEYS 64
#define VALUES 256
#define ARRAYS 64

BENCHMARK(HashTruth)
{
	char keys[KEYS][SAMPLE_KEY_LEN];

	for (unsigned k = 0; k < KEYS; k++)
		sample_key(keys[k], k);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++)
		bench_keep(hash64(keys[i % KEYS], SAMPLE_KEY_LEN));
}

BENCHMARK(LookupTruth)
{
	uint64_t *keys = malloc(SAMPLE_TABLE_KEYS * sizeof *keys);
	uint64_t queries[VALUES];

	if (keys == NULL) {
		bench_fail(b, "out of memory");
		return;
	}
	for (unsigned k = 0; k < SAMPLE_TABLE_KEYS; k++)
		keys[k] = sample_u64(k);
	struct table *t = table_build(keys, SAMPLE_TABLE_KEYS);
	free(keys);
	if (t == NULL) {
		bench_fail(b, "table_build failed");
		return;
	}
	for (unsigned q = 0; q < VALUES; q++) /* alternate hits and misses */
		queries[q] = sample_u64(q % 2 ? q : SAMPLE_TABLE_KEYS + q);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++)
		bench_keep(table_contains(t, queries[i % VALUES]));
	bench_stop_timer(b);
	table_free(t);
}

BENCHMARK(ParseTruth)
{
	char texts[VALUES][SAMPLE_TEXT_SIZE];

	for (unsigned k = 0; k < VALUES; k++)
		sample_text(texts[k], k);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		uint64_t v = 0;

		if (parse_u64(texts[i % VALUES], &v) < 0)
			bench_fail(b, "parse_u64 rejected \"%s\"", texts[i % VALUES]);
		bench_keep(v);
	}
}

BENCHMARK(ChecksumTruth)
{
	uint64_t values[VALUES];

	for (unsigned k = 0; k < VALUES; k++)
		values[k] = sample_u64(k);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++)
		bench_keep(crc32c_u64(values[i % VALUES]));
}

BENCHMARK(SortTruth)
{
	int inputs[ARRAYS][SAMPLE_SORT_LEN], work[SAMPLE_SORT_LEN];

	for (unsigned k = 0; k < ARRAYS; k++)
		sample_ints(inputs[k], SAMPLE_SORT_LEN, k);
	bench_reset_timer(b);
	for (long i = 0; i < b->n; i++) {
		/* the copy is part of every iteration: 128 bytes, about 20
		 * instructions against some 1,400 for the sort */
		memcpy(work, inputs[i % ARRAYS], sizeof work);
		sort_ints(work, SAMPLE_SORT_LEN);
		bench_keep(work[0]);
	}
}
