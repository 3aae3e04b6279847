/*
 * arena.c - the bump allocator of arena.h. Exercise 4.4: fill in every
 * TODO(4.4). The whole allocator is an offset into one block: keep it that
 * small, and let arena.h's invariants be your checklist.
 */
#include "arena.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int arena_init(struct arena *a, size_t cap)
{
	/* TODO(4.4): the arena's one malloc of cap bytes; on failure (or cap
	 * 0) leave *a empty and set errno. */
	(void)cap;
	a->base = NULL;
	a->cap = 0;
	a->used = 0;
	errno = ENOSYS;
	return -1;
}

void arena_release(struct arena *a)
{
	/* TODO(4.4): free the block and leave *a empty, as ARENA_INIT. */
	(void)a;
}

void *arena_alloc(struct arena *a, size_t size)
{
	/* TODO(4.4): round used up to ARENA_ALIGN, check that size fits in
	 * what is left (without overflowing), bump used, return the block. */
	(void)a;
	(void)size;
	errno = ENOSYS;
	return NULL;
}

void arena_reset(struct arena *a)
{
	/* TODO(4.4): forget every block handed out, in O(1). */
	(void)a;
}
