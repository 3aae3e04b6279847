/*
 * sort.h - sort_ints(): insertion sort, the algorithm sorting libraries
 * switch to for short arrays (and for the short runs of a merge sort).
 *
 *     sort_ints(scores, 32);
 *
 * Given code for exercise 4.1: you benchmark it, you do not change it.
 */
#ifndef SORT_H
#define SORT_H

#include <stddef.h>

/*
 * Sort a[0..n) in place, ascending. O(n^2) moves in general but O(n) on
 * input that is already sorted, and that difference is the point: for the
 * 32 ints of samples.h it costs about 2,400 instructions on a shuffled
 * array and 470 on a sorted one (gcc 12 -O2; clang 14: 1,800 and 340).
 */
void sort_ints(int *a, size_t n);

#endif /* SORT_H */
