/*
 * benchmarks.c - mutant "parse-stop-start-per-iteration" of exercise 4.1
 * for the grader's self-test: what is wrong is in mutant.json; the other
 * benchmarks are the reference solution's.
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
 * How many different inputs each benchmark cycles through. One input
 * repeated lets the compiler compute the answer once (BenchmarkChecksum)
 * and the branch predictor learn every branch; a few hundred 8- to 40-byte
 * inputs are enough to prevent both and still sit in the L1 cache, as a
 * hot operation's inputs usually do. Powers of two: i % N is an `and`.
 */
#define KEYS 64
#define VALUES 256
#define ARRAYS 64

/* ---- 1. Hashing a 40-byte key ------------------------------------------ */

/*
 * Was: (void)hash64(...). hash64 is declared pure, so a call whose result
 * goes nowhere can be deleted, and gcc and clang both delete it: the loop
 * was empty, 1 instruction and 0.0000000 ns per iteration, and the harness
 * warned. clang even said so at compile time ("ignoring return value of
 * function declared with pure attribute"); the (void) cast silenced the
 * warning, not the problem. bench_keep() makes each result "used" as far
 * as the compiler can tell, at no cost: the value is already in a register.
 */
BENCHMARK(Hash)
{
	char keys[KEYS][SAMPLE_KEY_LEN];
	unsigned i = 0;

	for (unsigned k = 0; k < KEYS; k++)
		sample_key(keys[k], k);
	while (bench_loop(b))
		bench_keep(hash64(keys[i++ % KEYS], SAMPLE_KEY_LEN));
}

/* ---- 2. Looking a key up in a table built once -------------------------- */

/*
 * Was: the timer ran from the function's entry, so each run paid for
 * generating 16,384 keys, building (sorting) the table and freeing it:
 * about 7.5 million instructions, 150,000 per lookup at -benchtime 50x and
 * 1,000 times the lookup itself. Natively, with a 1 s budget, n grows to
 * millions and the build melts into the average, which is what makes this
 * flaw sly: an honest per-op figure does not depend on n. Everything above
 * bench_loop() is now setup and everything below it cleanup.
 */
BENCHMARK(Lookup)
{
	uint64_t *keys = malloc(SAMPLE_TABLE_KEYS * sizeof *keys);
	uint64_t queries[VALUES];
	unsigned i = 0;

	if (keys == NULL) {
		bench_fail(b, "out of memory");
		return;
	}
	for (unsigned k = 0; k < SAMPLE_TABLE_KEYS; k++)
		keys[k] = sample_u64(k);
	struct table *t = table_build(keys, SAMPLE_TABLE_KEYS);
	free(keys); /* the table holds its own copy */
	if (t == NULL) {
		bench_fail(b, "table_build failed");
		return;
	}
	for (unsigned q = 0; q < VALUES; q++) /* alternate hits and misses */
		queries[q] = sample_u64(q % 2 ? q : SAMPLE_TABLE_KEYS + q);
	while (bench_loop(b))
		bench_keep(table_contains(t, queries[i++ % VALUES]));
	table_free(t);
}

/* ---- 3. Parsing a 12-digit number --------------------------------------- */

BENCHMARK(Parse)
{
	unsigned i = 0;

	while (bench_loop(b)) {
		bench_stop_timer(b); /* pause for the per-iteration setup */
		char *text = malloc(SAMPLE_TEXT_SIZE);
		uint64_t v = 0;

		if (text == NULL) {
			bench_fail(b, "out of memory");
			return;
		}
		sample_text(text, i++);
		bench_start_timer(b);
		if (parse_u64(text, &v) < 0)
			bench_fail(b, "parse_u64 rejected \"%s\"", text);
		bench_keep(v);
		bench_stop_timer(b);
		free(text);
		bench_start_timer(b);
	}
}

/* ---- 4. Checksumming a 64-bit value ------------------------------------- */

/*
 * Was: crc32c_u64(constant) every iteration, only the last result kept.
 * Two flaws, and each alone is enough to measure nothing:
 *  - crc32c_u64 is const: same argument, same result, no side effects. So
 *    the call does not belong in the loop at all, and both compilers hoist
 *    it out, even with bench_keep() on every result (the "memory" clobber
 *    of bench_keep stops pure functions, which read memory, not const
 *    ones). The loop measured 13 instructions per iteration: one checksum
 *    spread over 50.
 *  - Keeping only the last result: earlier iterations compute values that
 *    are overwritten unread, so in a plain for loop gcc and clang sink the
 *    call below the loop and compute only the last one, even when the
 *    inputs vary. (bench_loop()'s calls into the harness happen to stop
 *    that; an honest benchmark should not depend on such luck.)
 * Hence an array of different values and bench_keep() on every result.
 */
BENCHMARK(Checksum)
{
	uint64_t values[VALUES];
	unsigned i = 0;

	for (unsigned k = 0; k < VALUES; k++)
		values[k] = sample_u64(k);
	while (bench_loop(b))
		bench_keep(crc32c_u64(values[i++ % VALUES]));
}

/* ---- 5. Sorting 32 shuffled ints ---------------------------------------- */

/*
 * Was: sorting the same array in place, so every iteration after the first
 * sorted sorted data, insertion sort's best case: 470 instructions instead
 * of 2,400. An operation that changes its input must get a fresh input
 * each time. Copying one of 64 shuffles into a work array costs about 20
 * instructions, 1% of the sort, and truth_bench.c pays it too. Preparing n
 * arrays instead would cost n * 128 bytes: 128 MB at the n a one-second
 * native run reaches.
 */
BENCHMARK(Sort)
{
	int inputs[ARRAYS][SAMPLE_SORT_LEN], work[SAMPLE_SORT_LEN];
	unsigned i = 0;

	for (unsigned k = 0; k < ARRAYS; k++)
		sample_ints(inputs[k], SAMPLE_SORT_LEN, k);
	while (bench_loop(b)) {
		memcpy(work, inputs[i++ % ARRAYS], sizeof work);
		sort_ints(work, SAMPLE_SORT_LEN);
		bench_keep(work[0]);
	}
}
