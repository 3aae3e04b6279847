/*
 * samples.h - the inputs of exercise 4.1's benchmarks. truth_bench.c and
 * your benchmarks.c both take their inputs from here, so both measure the
 * same work per operation and their figures can be compared as ratios.
 *
 * Every sample is a pure function of its index i: the same i gives the
 * same input in every run, on every machine. Making a sample costs far
 * more than the operations it feeds (sample_text() calls snprintf), which
 * is why samples belong before the timed loop, in an array.
 */
#ifndef SAMPLES_H
#define SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* ---- Keys for hash64() ----------------------------------------------- */

#define SAMPLE_KEY_LEN 40 /* bytes in a key; keys are not '\0'-terminated */

/* Write the i-th key, SAMPLE_KEY_LEN printable bytes such as
 * "user:00000042/session:123456789012345678". Different i, different key. */
void sample_key(char key[SAMPLE_KEY_LEN], unsigned i);

/* ---- 64-bit values: table keys, queries, checksum inputs -------------- */

#define SAMPLE_TABLE_KEYS 16384 /* keys in the table of BenchmarkLookup */

/*
 * The i-th of a stream of well-mixed 64-bit values (splitmix64 of i). The
 * lookup table holds sample_u64(0 .. SAMPLE_TABLE_KEYS - 1); indexes from
 * SAMPLE_TABLE_KEYS up give values that are, all but surely, not in it.
 */
uint64_t sample_u64(unsigned i);

/* ---- Texts for parse_u64() ------------------------------------------- */

#define SAMPLE_TEXT_SIZE 24 /* room for any sample text and its '\0' */

/* Write the i-th text: a 12-digit decimal number and a '\0'. Calls
 * snprintf: some 900 instructions, five times the parse it feeds. */
void sample_text(char text[SAMPLE_TEXT_SIZE], unsigned i);

/* ---- Arrays for sort_ints() ------------------------------------------ */

#define SAMPLE_SORT_LEN 32 /* ints in an array to sort */

/* Fill a[0..n) with the i-th shuffle of 0 .. n-1 (Fisher-Yates). */
void sample_ints(int *a, size_t n, unsigned i);

#endif /* SAMPLES_H */
