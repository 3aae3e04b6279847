/*
 * samples.c - deterministic inputs for the benchmarks, all derived from
 * splitmix64, a tiny generator whose outputs pass the usual randomness
 * tests and which can jump straight to its i-th output.
 */
#include "samples.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* splitmix64's output function (Steele, Lea, Flood 2014), applied to
 * i * golden ratio: the i-th output of the generator, no state needed. */
static uint64_t splitmix64(uint64_t i)
{
	uint64_t z = (i + 1) * 0x9e3779b97f4a7c15u;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

uint64_t sample_u64(unsigned i)
{
	return splitmix64(i);
}

void sample_key(char key[SAMPLE_KEY_LEN], unsigned i)
{
	char text[SAMPLE_KEY_LEN + 1]; /* snprintf's '\0' needs one more */

	/* 5 + 8 + 9 + 18 = 40 bytes exactly */
	snprintf(text, sizeof text, "user:%08u/session:%018" PRIu64,
		 i % 100000000u, splitmix64(i) % 1000000000000000000u);
	memcpy(key, text, SAMPLE_KEY_LEN);
}

void sample_text(char text[SAMPLE_TEXT_SIZE], unsigned i)
{
	/* 100000000000 .. 999999999999: always 12 digits, so every text
	 * costs parse_u64() the same */
	snprintf(text, SAMPLE_TEXT_SIZE, "%" PRIu64,
		 100000000000u + splitmix64(i) % 900000000000u);
}

void sample_ints(int *a, size_t n, unsigned i)
{
	uint64_t state = splitmix64(i);

	for (size_t k = 0; k < n; k++)
		a[k] = (int)k;
	for (size_t k = n; k > 1; k--) {
		state = splitmix64(state);
		size_t j = (size_t)(state % k);
		int t = a[k - 1];

		a[k - 1] = a[j];
		a[j] = t;
	}
}
