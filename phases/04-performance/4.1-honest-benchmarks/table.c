/*
 * table.c - the sorted-array table: build copies and sorts, contains does a
 * binary search written so the compiler can use a conditional move instead
 * of a branch that mispredicts on every other step.
 */
#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct table {
	size_t len;
	uint64_t keys[]; /* sorted ascending */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

struct table *table_build(const uint64_t *keys, size_t n)
{
	struct table *t;
	size_t bytes;

	PROBE(PROBE_TABLE_BUILD, keys, n * sizeof *keys);
	if (__builtin_mul_overflow(n, sizeof *keys, &bytes) ||
	    __builtin_add_overflow(bytes, sizeof *t, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	t = malloc(bytes);
	if (t == NULL)
		return NULL;
	t->len = n;
	if (n > 0)
		memcpy(t->keys, keys, n * sizeof *keys);
	qsort(t->keys, n, sizeof *keys, cmp_u64);
	return t;
}

bool table_contains(const struct table *t, uint64_t key)
{
	const uint64_t *base = t->keys;
	size_t n = t->len;

	PROBE(PROBE_TABLE_CONTAINS, &key, sizeof key);
	if (n == 0)
		return false;
	/*
	 * Invariant: the last key <= key, if there is one, is in
	 * base[0..n). Each step keeps the upper or the lower half, whichever
	 * holds it; n shrinks to n - n/2 either way, so the number of steps
	 * depends on the size only, never on the key.
	 */
	while (n > 1) {
		size_t half = n / 2;

		base = base[half] <= key ? base + half : base;
		n -= half;
	}
	return *base == key;
}

void table_free(struct table *t)
{
	free(t);
}
