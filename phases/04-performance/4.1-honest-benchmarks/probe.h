/*
 * probe.h - how the tests watch the operations of exercise 4.1: each
 * operation reports every call, with its input, through probe_hook, which
 * only the test binary sets.
 *
 * WHY A PROBE, AND WHY IT DOES NOT BREAK THE EXERCISE
 *
 * hash.h, table.h and crc32c.h declare their functions pure or const: a
 * promise to the compiler that a call has no effect besides its result, so
 * it may delete a call whose result is unused and compute once a call whose
 * arguments never change. A probe is an effect, so the promise is not quite
 * true, on purpose: where the compiler believes it and removes a call from
 * your benchmark, the probe of that call goes with it. The test binary links
 * the very same benchmarks.o as the bench binary, so what the tests see is
 * exactly the set of calls that survived compilation: the calls callgrind
 * counts.
 *
 * COST
 *
 * In the bench binary probe_hook stays NULL and a probe is a load, a test
 * and a branch: three instructions per call, the same in your benchmarks
 * and in truth_bench.c, so it cancels out of every ratio.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>

/* The operations that report themselves. */
enum probe_op {
	PROBE_HASH64,         /* hash64(): input is the key */
	PROBE_TABLE_BUILD,    /* table_build(): input is the keys array */
	PROBE_TABLE_CONTAINS, /* table_contains(): input is the key */
	PROBE_PARSE_U64,      /* parse_u64(): input is the text */
	PROBE_CRC32C,         /* crc32c_u64(): input is the 8-byte value */
	PROBE_SORT_INTS,      /* sort_ints(): input is the array, unsorted yet */
	PROBE_OPS             /* how many there are */
};

/* Called on entry to every operation while it is not NULL. */
extern void (*probe_hook)(enum probe_op op, const void *input, size_t len);

/* Report a call. A macro so that `len` (a strlen, say) is computed only
 * when someone is listening. */
#define PROBE(op, input, len)                                  \
	do {                                                   \
		if (__builtin_expect(probe_hook != NULL, 0))   \
			probe_hook((op), (input), (len));      \
	} while (0)

#endif /* PROBE_H */
