/*
 * sort.c - insertion sort: take each element in turn and shift the larger
 * ones before it one place right until its slot is found.
 */
#include "sort.h"

#include "probe.h"

void sort_ints(int *a, size_t n)
{
	PROBE(PROBE_SORT_INTS, a, n * sizeof *a);
	for (size_t i = 1; i < n; i++) {
		int v = a[i];
		size_t j = i;

		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}
