/*
 * grow.h - the one place where benchcmp's dynamic arrays get bigger.
 *
 * Every growable array in benchcmp is a pointer plus two counts, used and
 * allocated, and grows through grow_array():
 *
 *	struct thing *things = NULL;
 *	size_t nthings = 0, things_alloc = 0;
 *
 *	if (grow_array((void **)&things, &things_alloc, nthings + 1,
 *		       sizeof *things) < 0)
 *		return -1;		// errno is ENOMEM, things is untouched
 *	things[nthings++] = t;
 *
 * Invariants: nthings <= things_alloc; things is NULL exactly when
 * things_alloc is 0; the caller frees things with free().
 */
#ifndef BENCHCMP_GROW_H
#define BENCHCMP_GROW_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* The first allocation holds this many elements. */
#ifndef GROW_MIN_ALLOC
#define GROW_MIN_ALLOC 8
#endif

/*
 * Make room for at least `need` elements of `size` bytes in *ptr, which
 * currently has room for *alloc. The capacity doubles (or jumps straight to
 * `need` if that is larger), so n appends cost O(n) copying in total.
 *
 * Returns 0 on success. On failure returns -1 with errno = ENOMEM and leaves
 * *ptr and *alloc unchanged, so the caller still owns a valid array. The
 * byte count need * size is checked for overflow by reallocarray().
 */
static inline int grow_array(void **ptr, size_t *alloc, size_t need,
			     size_t size)
{
	if (need <= *alloc)
		return 0;
	if (*alloc > SIZE_MAX / 2) {
		errno = ENOMEM;
		return -1;
	}
	size_t next = *alloc ? *alloc * 2 : GROW_MIN_ALLOC;
	if (next < need)
		next = need;
	void *p = reallocarray(*ptr, next, size);
	if (!p)
		return -1;	/* reallocarray set errno = ENOMEM */
	*ptr = p;
	*alloc = next;
	return 0;
}

#endif /* BENCHCMP_GROW_H */
