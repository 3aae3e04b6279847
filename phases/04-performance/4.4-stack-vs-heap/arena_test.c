/*
 * arena_test.c - the contract of arena.h, checked: every block aligned,
 * inside the arena and disjoint from the others; a full arena fails
 * cleanly; reset and alloc never touch malloc. Random sizes use a seed
 * printed on failure; set HOTPATH_SEED to replay one.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "testkit.h"
#include "arena.h"

static void assert_sane_arena(const struct arena *a)
{
	if (a->cap == 0) {
		cr_assert_null(a->base, "invariant: an empty arena (cap 0) has "
			       "base NULL");
		return;
	}
	cr_assert_not_null(a->base, "invariant: cap is %zu but base is NULL",
			   a->cap);
	cr_assert_leq(a->used, a->cap, "invariant: used (%zu) <= cap (%zu)",
		      a->used, a->cap);
}

/* arena_init(a, cap), which every test below needs to succeed. */
static void start_arena(struct arena *a, size_t cap)
{
	errno = 0;
	cr_assert_eq(arena_init(a, cap), 0, "arena_init(%zu) failed (errno %d, "
		     "%s); want 0", cap, errno, strerror(errno));
	assert_sane_arena(a);
}

/* p is a block of size bytes that arena_alloc just handed out. */
static void assert_block(const struct arena *a, const void *p, size_t size)
{
	uintptr_t at = (uintptr_t)p, base = (uintptr_t)a->base;

	cr_assert_not_null(p, "arena_alloc(%zu) failed with room left", size);
	cr_assert_eq(at % ARENA_ALIGN, 0, "block %p is not aligned to %zu",
		     p, (size_t)ARENA_ALIGN);
	cr_assert(at >= base && at + size <= base + a->cap,
		  "block [%p, +%zu) lies outside the arena [%p, +%zu)", p, size,
		  (void *)a->base, a->cap);
	assert_sane_arena(a);
}

Test(arena, init_makes_one_allocation_and_rejects_a_zero_size)
{
	struct arena a = ARENA_INIT;
	bool counting = alloc_count_active(); /* probes once: call it first */
	struct alloc_stats before = alloc_count_read();

	cr_assert_eq(arena_init(&a, 4096), 0, "arena_init(4096) failed");
	if (counting)
		cr_assert_eq(alloc_count_since(before).allocs, 1,
			     "arena_init should make exactly one allocation, "
			     "made %llu", alloc_count_since(before).allocs);
	cr_assert_eq(a.cap, 4096, "cap is %zu, want 4096", a.cap);
	cr_assert_eq(a.used, 0, "a fresh arena has used %zu, want 0", a.used);
	assert_sane_arena(&a);
	arena_release(&a);

	errno = 0;
	cr_assert_eq(arena_init(&a, 0), -1, "arena_init(0) must fail");
	cr_assert_eq(errno, EINVAL, "errno %d (%s), want EINVAL", errno,
		     strerror(errno));
	cr_assert(a.base == NULL && a.cap == 0, "a failed init leaves the "
		  "arena empty");
}

Test(arena, blocks_are_aligned_inside_and_disjoint)
{
	unsigned s = testkit_seed();
	struct arena a = ARENA_INIT;
	unsigned char *blocks[4096];
	size_t sizes[4096], n = 0;

	srand(s);
	start_arena(&a, 64 * 1024);
	for (;;) {
		size_t size = (size_t)(rand() % 300);
		unsigned char *p = arena_alloc(&a, size);
		if (p == NULL)
			break;
		assert_block(&a, p, size);
		memset(p, (int)(n & 255), size);
		blocks[n] = p;
		sizes[n++] = size;
		cr_assert_lt(n, 4096, "64 KiB should run out before 4096 blocks "
			     "of at most 300 bytes (seed %u)", s);
	}
	cr_assert_gt(a.used, a.cap - 300 - ARENA_ALIGN, "arena_alloc failed "
		     "with %zu of %zu bytes left (seed %u)", a.cap - a.used,
		     a.cap, s);
	/* Every block still holds its own fill: none overlapped another. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			cr_assert_eq(blocks[i][j], (unsigned char)(i & 255),
				     "block %zu was overwritten by a later "
				     "block (seed %u)", i, s);
	arena_release(&a);
}

Test(arena, zero_sized_blocks_are_valid_aligned_pointers)
{
	struct arena a = ARENA_INIT;

	start_arena(&a, 256);
	void *p = arena_alloc(&a, 0);
	assert_block(&a, p, 0);
	void *q = arena_alloc(&a, 10);
	assert_block(&a, q, 10);
	void *r = arena_alloc(&a, 0);
	assert_block(&a, r, 0);
	cr_assert(r >= (void *)((char *)q + 10), "a block after q overlaps it");
	arena_release(&a);
}

Test(arena, a_full_arena_fails_cleanly_and_stays_usable)
{
	struct arena a = ARENA_INIT;

	start_arena(&a, 1024);
	void *first = arena_alloc(&a, 600);
	assert_block(&a, first, 600);
	size_t used = a.used;

	errno = 0;
	cr_assert_null(arena_alloc(&a, 600), "600 more bytes do not fit in "
		       "1024 after 600: arena_alloc must return NULL");
	cr_assert_eq(errno, ENOMEM, "errno %d (%s), want ENOMEM", errno,
		     strerror(errno));
	cr_assert_eq(a.used, used, "a failed arena_alloc changed used from "
		     "%zu to %zu", used, a.used);
	void *small = arena_alloc(&a, 100);
	assert_block(&a, small, 100);
	cr_assert(small >= (void *)((char *)first + 600),
		  "the block after a failure overlaps the first block");
	arena_release(&a);
}

Test(arena, huge_sizes_fail_instead_of_wrapping_around)
{
	struct arena a = ARENA_INIT;
	size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - ARENA_ALIGN,
			  SIZE_MAX - 4096, (size_t)1 << 62 };

	start_arena(&a, 4096);
	cr_assert_not_null(arena_alloc(&a, 24), "arena_alloc(24) failed in a "
			   "fresh arena"); /* used is now unaligned */
	size_t used = a.used;
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		errno = 0;
		cr_assert_null(arena_alloc(&a, huge[i]), "arena_alloc(%zu) must "
			       "fail: the size arithmetic wrapped around",
			       huge[i]);
		cr_assert_eq(errno, ENOMEM, "errno %d (%s), want ENOMEM", errno,
			     strerror(errno));
		cr_assert_eq(a.used, used, "a failed arena_alloc changed used");
	}
	arena_release(&a);
}

Test(arena, reset_reuses_the_block_and_nothing_allocates)
{
	struct arena a = ARENA_INIT;

	testkit_skip_unless_counting();
	start_arena(&a, 16 * 1024);
	struct alloc_stats before = alloc_count_read();
	void *first = NULL;
	for (int request = 0; request < 100; request++) {
		for (int i = 0; i < 50; i++) {
			void *p = arena_alloc(&a, (size_t)(8 + i * 3));
			assert_block(&a, p, (size_t)(8 + i * 3));
			if (i == 0 && request == 0)
				first = p;
			else if (i == 0)
				cr_assert_eq(p, first, "after arena_reset the "
					     "first block should start where "
					     "it did before (%p), not at %p",
					     first, p);
		}
		arena_reset(&a);
		cr_assert_eq(a.used, 0, "after arena_reset used is %zu, want 0",
			     a.used);
		assert_sane_arena(&a);
	}
	struct alloc_stats d = alloc_count_since(before);
	cr_assert_eq(d.allocs + d.frees, 0, "5000 arena_alloc and 100 "
		     "arena_reset calls made %llu allocations and %llu frees; "
		     "want none", d.allocs, d.frees);
	arena_release(&a);
}

Test(arena, release_frees_the_block_and_leaves_it_empty)
{
	struct arena a = ARENA_INIT;
	bool counting = alloc_count_active();

	start_arena(&a, 1024);
	cr_assert_not_null(arena_alloc(&a, 100), "arena_alloc(100) failed in a "
			   "fresh 1024-byte arena");
	struct alloc_stats before = alloc_count_read();
	arena_release(&a);
	if (counting)
		cr_assert_eq(alloc_count_since(before).frees, 1,
			     "arena_release should free the block once, freed "
			     "%llu times", alloc_count_since(before).frees);
	cr_assert(a.base == NULL && a.cap == 0 && a.used == 0,
		  "after release the arena is empty (base NULL, cap 0, used 0)");
	errno = 0;
	cr_assert_null(arena_alloc(&a, 1), "an empty arena has no room");
	cr_assert_eq(errno, ENOMEM, "errno %d (%s), want ENOMEM", errno,
		     strerror(errno));
	arena_release(&a); /* twice is fine */
	cr_assert_eq(arena_init(&a, 512), 0, "a released arena can be "
		     "initialised again");
	assert_block(&a, arena_alloc(&a, 512), 512);
	arena_release(&a);
}
