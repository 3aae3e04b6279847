/*
 * table.h - a set of 64-bit keys, built once and then only searched: a
 * sorted array and binary search, the simplest fast read-only table.
 *
 *     struct table *t = table_build(ids, n);    // O(n log n), once
 *     if (table_contains(t, id)) ...            // O(log n), many times
 *     table_free(t);
 *
 * Given code for exercise 4.1: you benchmark it, you do not change it.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct table; /* opaque: a length and the sorted keys */

/*
 * A table holding a copy of keys[0..n) (duplicates allowed), or NULL with
 * errno = ENOMEM. One malloc, a copy and a qsort: for the 16,384 keys of
 * samples.h about 7 million instructions, the cost of 50,000 lookups.
 * The caller frees it with table_free().
 */
struct table *table_build(const uint64_t *keys, size_t n);

/*
 * Whether key is in t. A binary search whose halving does not depend on
 * the key: exactly ceil(log2 n) steps, about 145 instructions for 16,384
 * keys, hit or miss. Pure (see hash.h): an unused result may be deleted.
 */
bool table_contains(const struct table *t, uint64_t key)
	__attribute__((pure));

/* Free t and everything it owns. NULL is allowed. */
void table_free(struct table *t);

#endif /* TABLE_H */
