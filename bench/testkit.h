/*
 * testkit.h - what every exercise's Criterion tests share: a replayable
 * random seed and a skip for allocation assertions when nothing counts.
 *
 *     #include "testkit.h"
 *
 *     Test(pool, random_gets_and_puts)
 *     {
 *             unsigned s = testkit_seed();   // put it in failure messages
 *             srand(s);
 *             ...
 *     }
 *
 *     Test(pool, put_does_not_allocate)
 *     {
 *             testkit_skip_unless_counting();
 *             struct alloc_stats before = alloc_count_read();
 *             ...
 *     }
 */
#ifndef TESTKIT_H
#define TESTKIT_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"

/*
 * The seed for this test process's random inputs: HOTPATH_SEED when set
 * (to replay a failure), otherwise the time mixed with the pid, so every
 * run tries new inputs. The same value for the whole process: print it in
 * failure messages.
 */
static inline unsigned testkit_seed(void)
{
	static unsigned s;
	const char *env = getenv("HOTPATH_SEED");

	if (s == 0)
		s = env ? (unsigned)strtoul(env, NULL, 10)
			: (unsigned)(time(NULL) ^ getpid());
	return s;
}

/*
 * Skip the calling test when allocations are not being counted (under
 * valgrind without --soname-synonyms=somalloc=nouserintercepts), so that
 * an assertion like "allocated 0 times" never passes for the wrong reason.
 * It probes with one malloc: call it before taking a reading.
 */
static inline void testkit_skip_unless_counting(void)
{
	if (!alloc_count_active())
		cr_skip_test("allocations are not counted in this run (valgrind "
			     "without --soname-synonyms=somalloc=nouserintercepts)");
}

#endif /* TESTKIT_H */
