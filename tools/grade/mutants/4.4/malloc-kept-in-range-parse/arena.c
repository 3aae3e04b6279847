/*
 * arena.c - the bump allocator of arena.h (reference solution for
 * exercise 4.4). An arena is an offset into one block; everything else
 * here is checking that offset honestly.
 */
#include "arena.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * An arena hides its blocks from AddressSanitizer: to ASan the whole arena
 * is one live malloc'd block, so reading a block after arena_reset() (a
 * use-after-free in all but name) goes unseen. Poisoning what is not
 * handed out gives ASan its eyes back: a read past a block, or through a
 * pointer kept across a reset, is then reported like any heap error. In
 * builds without ASan these macros are nothing.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

int arena_init(struct arena *a, size_t cap)
{
	a->base = NULL;
	a->cap = 0;
	a->used = 0;
	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	/* malloc's blocks are aligned for max_align_t, which is exactly
	 * ARENA_ALIGN, so offsets that are multiples of ARENA_ALIGN give
	 * aligned blocks without touching base. */
	a->base = malloc(cap);
	if (a->base == NULL) {
		errno = ENOMEM;
		return -1;
	}
	a->cap = cap;
	POISON(a->base, cap);
	return 0;
}

void arena_release(struct arena *a)
{
	if (a->base != NULL) {
		UNPOISON(a->base, a->cap);
		free(a->base);
	}
	a->base = NULL;
	a->cap = 0;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	/*
	 * Round the offset up to the next multiple of ARENA_ALIGN (a power
	 * of two, so adding ALIGN - 1 and masking does it). used <= cap and
	 * cap came from malloc, so the addition cannot wrap. Then compare
	 * size with what is left instead of computing start + size: with
	 * size near SIZE_MAX that sum wraps to a small number and would
	 * "fit", handing out memory far outside the block.
	 */
	size_t start = (a->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (a->base == NULL || start > a->cap || size > a->cap - start) {
		errno = ENOMEM;
		return NULL;
	}
	a->used = start + size;
	UNPOISON(a->base + start, size);
	return a->base + start;
}

void arena_reset(struct arena *a)
{
	/* The whole of "freeing": one store. The memory is not cleared; the
	 * next request overwrites what it uses. */
	a->used = 0;
	if (a->base != NULL)
		POISON(a->base, a->cap);
}
