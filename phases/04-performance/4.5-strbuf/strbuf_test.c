/*
 * strbuf_test.c - the contract of strbuf.h, checked. Every test checks the
 * invariants after every call (assert_sane_strbuf), compares results with a
 * plain reference, and counts allocations where the header promises them.
 * Random inputs use a seed printed on failure; set HOTPATH_SEED to replay.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "alloc_count.h"
#include "testkit.h"
#include "strbuf.h"

/* Under AddressSanitizer a huge malloc aborts by default; the header
 * promises ENOMEM, so ask ASan to return NULL like glibc does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void assert_sane_strbuf(const struct strbuf *sb)
{
	cr_assert_not_null(sb->buf, "invariant: buf is never NULL");
	if (sb->alloc == 0) {
		cr_assert_eq(sb->buf, strbuf_slopbuf,
			     "invariant: alloc == 0 means buf is strbuf_slopbuf");
		cr_assert_eq(sb->len, 0, "invariant: alloc == 0 but len is %zu",
			     sb->len);
		cr_assert_eq(strbuf_slopbuf[0], '\0',
			     "invariant: the shared slop buffer was written to");
	} else {
		cr_assert_lt(sb->len, sb->alloc,
			     "invariant: len (%zu) < alloc (%zu), room for '\\0'",
			     sb->len, sb->alloc);
		size_t usable = malloc_usable_size(sb->buf);
		cr_assert_geq(usable, sb->alloc,
			      "invariant: alloc says %zu bytes but the heap block "
			      "holds %zu", sb->alloc, usable);
	}
	cr_assert_eq(sb->buf[sb->len], '\0', "invariant: buf[len] == '\\0'");
}

/* The strbuf holds exactly want[0..len). */
static void assert_holds(const struct strbuf *sb, const char *want, size_t len)
{
	assert_sane_strbuf(sb);
	cr_assert_eq(sb->len, len, "expected len %zu, got %zu", len, sb->len);
	cr_assert(memcmp(sb->buf, want, len) == 0,
		  "contents differ from what was appended");
}

/* ---- Life cycle ---------------------------------------------------------- */

Test(strbuf, init_is_empty_allocates_nothing_and_is_ready_to_use)
{
	bool counting = alloc_count_active(); /* probes once: call it first */
	struct alloc_stats before = alloc_count_read();
	struct strbuf a = STRBUF_INIT, b;

	strbuf_init(&b);
	assert_holds(&a, "", 0);
	assert_holds(&b, "", 0);
	if (counting)
		cr_assert_eq(alloc_count_since(before).allocs, 0,
			     "an empty strbuf must not allocate");
	cr_assert_eq(strbuf_addstr(&a, "x"), 0, "append to STRBUF_INIT failed");
	cr_assert_eq(strbuf_addstr(&b, "y"), 0, "append after init failed");
	assert_holds(&a, "x", 1);
	assert_holds(&b, "y", 1);
	strbuf_release(&a);
	strbuf_release(&b);
	assert_holds(&a, "", 0);
}

Test(strbuf, release_frees_and_leaves_it_reusable)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_addstr(&sb, "some text"), 0);
	strbuf_release(&sb);
	assert_holds(&sb, "", 0);
	cr_assert_eq(sb.alloc, 0, "after release, nothing is allocated");
	cr_assert_eq(strbuf_addstr(&sb, "again"), 0);
	assert_holds(&sb, "again", 5);
	strbuf_release(&sb);
	strbuf_release(&sb); /* twice is fine */
	assert_holds(&sb, "", 0);
}

/* ---- Appending ----------------------------------------------------------- */

Test(strbuf, add_appends_bytes_including_nul_bytes)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_add(&sb, "a\0b", 3), 0);
	assert_holds(&sb, "a\0b", 3);
	cr_assert_eq(strbuf_add(&sb, "", 0), 0);
	assert_holds(&sb, "a\0b", 3);
	cr_assert_eq(strbuf_addch(&sb, '\0'), 0);
	assert_holds(&sb, "a\0b\0", 4);
	strbuf_release(&sb);
}

Test(strbuf, random_appends_match_a_reference)
{
	unsigned s = testkit_seed();
	srand(s);
	for (int round = 0; round < 20; round++) {
		struct strbuf sb = STRBUF_INIT;
		size_t cap = 1 << 16, len = 0;
		char *ref = malloc(cap);
		char piece[300];
		int ops = 1 + rand() % 400;

		for (int i = 0; i < ops; i++) {
			size_t n = (size_t)(rand() % 300);
			for (size_t j = 0; j < n; j++)
				piece[j] = (char)(1 + rand() % 255);
			int kind = rand() % 3, rc;
			if (kind == 0) {
				rc = strbuf_add(&sb, piece, n);
			} else if (kind == 1) {
				piece[n] = '\0';
				rc = strbuf_addstr(&sb, piece);
			} else {
				n = 1;
				rc = strbuf_addch(&sb, piece[0]);
			}
			cr_assert_eq(rc, 0, "append failed (seed %u)", s);
			memcpy(ref + len, piece, n);
			len += n;
			assert_sane_strbuf(&sb);
			cr_assert_eq(sb.len, len, "length %zu, want %zu (seed %u, "
				     "op %d)", sb.len, len, s, i);
		}
		cr_assert(memcmp(sb.buf, ref, len) == 0,
			  "contents differ from the reference (seed %u)", s);
		strbuf_release(&sb);
		free(ref);
	}
}

Test(strbuf, addf_formats_text_longer_than_any_initial_buffer)
{
	struct strbuf sb = STRBUF_INIT;
	size_t big = 100000;
	char *word = malloc(big + 1), *want = malloc(3 * big + 100);

	memset(word, 'w', big);
	word[big] = '\0';
	cr_assert_eq(strbuf_addf(&sb, "<%s>", word), 0);
	assert_sane_strbuf(&sb);
	cr_assert_eq(strbuf_addf(&sb, "%d|%*d|%s", -42, (int)big, 7, "end"), 0);
	assert_sane_strbuf(&sb);
	int n = snprintf(want, 3 * big + 100, "<%s>%d|%*d|%s", word, -42,
			 (int)big, 7, "end");
	assert_holds(&sb, want, (size_t)n);
	strbuf_release(&sb);
	free(word);
	free(want);
}

Test(strbuf, addf_appends_after_existing_text_when_exactly_full)
{
	struct strbuf sb = STRBUF_INIT;
	char want[512];

	cr_assert_eq(strbuf_addch(&sb, 'x'), 0);
	/* fill to the last byte of the allocation, whatever its size */
	while (strbuf_avail(&sb) > 0)
		cr_assert_eq(strbuf_addch(&sb, 'x'), 0);
	size_t full = sb.len;
	size_t n = (size_t)snprintf(want, sizeof want, "[%05d %s]", 123, "tail");
	cr_assert_eq(strbuf_addf(&sb, "[%05d %s]", 123, "tail"), 0);
	assert_sane_strbuf(&sb);
	cr_assert_eq(sb.len, full + n, "len %zu, want %zu", sb.len, full + n);
	cr_assert_str_eq(sb.buf + full, want);
	cr_assert_eq(sb.buf[full - 1], 'x', "addf overwrote earlier text");
	strbuf_release(&sb);
}

Test(strbuf, addf_many_small_formats_match_snprintf)
{
	struct strbuf sb = STRBUF_INIT;
	char *want = malloc(1 << 20);
	size_t len = 0;
	unsigned s = testkit_seed();

	srand(s);
	for (int i = 0; i < 5000; i++) {
		int v = rand();
		double d = rand() / 7.0;
		cr_assert_eq(strbuf_addf(&sb, "%d:%.3f,", v, d), 0);
		len += (size_t)sprintf(want + len, "%d:%.3f,", v, d);
	}
	assert_holds(&sb, want, len);
	strbuf_release(&sb);
	free(want);
}

Test(strbuf, addf_format_error_leaves_it_unchanged)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_addstr(&sb, "keep"), 0);
	/* In the C locale, a lone surrogate cannot be converted: vsnprintf
	 * reports an error (EILSEQ) instead of a length. */
	int rc = strbuf_addf(&sb, "%lc", (wint_t)0xD800);
	cr_assert_eq(rc, -1, "a format error must return -1, got %d", rc);
	assert_holds(&sb, "keep", 4);
	strbuf_release(&sb);
}

/* ---- Reset and detach ---------------------------------------------------- */

Test(strbuf, reset_keeps_capacity_and_refilling_allocates_nothing)
{
	struct strbuf sb = STRBUF_INIT;
	char block[100];

	testkit_skip_unless_counting();
	memset(block, 'r', sizeof block);
	for (int i = 0; i < 50; i++)
		cr_assert_eq(strbuf_add(&sb, block, sizeof block), 0);
	size_t alloc = sb.alloc;
	char *buf = sb.buf;

	struct alloc_stats before = alloc_count_read();
	strbuf_reset(&sb);
	assert_holds(&sb, "", 0);
	cr_assert_eq(sb.alloc, alloc, "reset changed alloc from %zu to %zu",
		     alloc, sb.alloc);
	cr_assert_eq(sb.buf, buf, "reset replaced the buffer");
	for (int i = 0; i < 50; i++) {
		cr_assert_eq(strbuf_add(&sb, block, sizeof block), 0);
		assert_sane_strbuf(&sb);
	}
	struct alloc_stats d = alloc_count_since(before);
	cr_assert_eq(d.allocs + d.frees, 0, "reset and refilling to the old "
		     "size made %llu allocations and %llu frees; want 0",
		     d.allocs, d.frees);
	strbuf_release(&sb);
}

Test(strbuf, reset_empties_and_leaves_an_unused_strbuf_alone)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb); /* must not write into the shared slop buffer */
	assert_holds(&sb, "", 0);
	cr_assert_eq(sb.alloc, 0, "reset of an empty strbuf allocated");
	cr_assert_eq(strbuf_addstr(&sb, "abc"), 0);
	strbuf_reset(&sb);
	assert_holds(&sb, "", 0);
	cr_assert_eq(strbuf_addstr(&sb, "de"), 0);
	assert_holds(&sb, "de", 2);
	strbuf_release(&sb);
}

Test(strbuf, detach_hands_over_the_buffer_without_copying)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 0;

	cr_assert_eq(strbuf_addstr(&sb, "hand this over"), 0);
	char *own = sb.buf;
	struct alloc_stats before = alloc_count_read();
	char *s = strbuf_detach(&sb, &len);
	struct alloc_stats d = alloc_count_since(before);

	cr_assert_eq(s, own, "detach must return the strbuf's own block, not "
		     "a copy");
	cr_assert_eq(d.allocs, 0, "detach allocated %llu times", d.allocs);
	cr_assert_eq(len, 14);
	cr_assert_str_eq(s, "hand this over");
	assert_holds(&sb, "", 0);
	cr_assert_eq(sb.alloc, 0, "after detach the strbuf owns nothing");
	free(s); /* ours now; valgrind reports a double free if it is not */
}

Test(strbuf, detach_leaves_it_empty_and_usable)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_addstr(&sb, "first"), 0);
	char *first = strbuf_detach(&sb, NULL);
	cr_assert_eq(strbuf_addstr(&sb, "second"), 0);
	assert_holds(&sb, "second", 6);
	cr_assert_str_eq(first, "first", "the detached string changed when the "
			 "strbuf was used again");
	free(first);
	strbuf_release(&sb);
}

Test(strbuf, detach_of_an_empty_strbuf_gives_a_freeable_empty_string)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s = strbuf_detach(&sb, &len);

	cr_assert_not_null(s);
	cr_assert_neq(s, strbuf_slopbuf, "detach returned the shared slop "
		      "buffer, which the caller would free");
	cr_assert_str_eq(s, "");
	cr_assert_eq(len, 0);
	assert_holds(&sb, "", 0);
	free(s);
}

/* ---- Growth and errors --------------------------------------------------- */

Test(strbuf, size_overflow_is_an_error_not_a_wrap)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_addstr(&sb, "0123456789"), 0);
	char *buf = sb.buf;
	size_t alloc = sb.alloc;

	errno = 0;
	cr_assert_eq(strbuf_grow(&sb, SIZE_MAX - 5), -1,
		     "len + extra + 1 wraps around: grow must fail");
	cr_assert_eq(errno, EOVERFLOW, "errno %d (%s), want EOVERFLOW", errno,
		     strerror(errno));
	errno = 0;
	cr_assert_eq(strbuf_grow(&sb, SIZE_MAX - 10), -1,
		     "len + extra + 1 wraps around to 0: grow must fail");
	cr_assert_eq(errno, EOVERFLOW);
	errno = 0;
	cr_assert_eq(strbuf_add(&sb, "x", SIZE_MAX), -1,
		     "an add of SIZE_MAX bytes must fail before copying");
	cr_assert_eq(errno, EOVERFLOW);
	assert_holds(&sb, "0123456789", 10);
	cr_assert_eq(sb.buf, buf, "a failed call moved the buffer");
	cr_assert_eq(sb.alloc, alloc, "a failed call changed alloc");

	struct strbuf empty = STRBUF_INIT;
	errno = 0;
	cr_assert_eq(strbuf_grow(&empty, SIZE_MAX), -1);
	cr_assert_eq(errno, EOVERFLOW);
	assert_holds(&empty, "", 0);
	strbuf_release(&sb);
}

Test(strbuf, failed_allocation_leaves_it_unchanged)
{
	struct strbuf sb = STRBUF_INIT;

	cr_assert_eq(strbuf_addstr(&sb, "still here"), 0);
	errno = 0;
	/* Fits in size_t, but no machine has 2^62 bytes: realloc fails. */
	cr_assert_eq(strbuf_grow(&sb, (size_t)1 << 62), -1,
		     "grow must report a failed allocation");
	cr_assert_eq(errno, ENOMEM, "errno %d (%s), want ENOMEM", errno,
		     strerror(errno));
	assert_holds(&sb, "still here", 10);
	cr_assert_eq(strbuf_addstr(&sb, "!"), 0, "usable after a failure");
	assert_holds(&sb, "still here!", 11);
	strbuf_release(&sb);
}

Test(strbuf, grow_reserves_room_so_appends_do_not_allocate)
{
	struct strbuf sb = STRBUF_INIT;

	testkit_skip_unless_counting();
	cr_assert_eq(strbuf_grow(&sb, 5000), 0);
	assert_sane_strbuf(&sb);
	cr_assert_geq(strbuf_avail(&sb), 5000, "grow(5000) left room for %zu",
		      strbuf_avail(&sb));
	struct alloc_stats before = alloc_count_read();
	for (int i = 0; i < 5000; i++)
		cr_assert_eq(strbuf_addch(&sb, 'g'), 0);
	struct alloc_stats d = alloc_count_since(before);
	cr_assert_eq(d.allocs, 0, "5000 appends into reserved room allocated "
		     "%llu times", d.allocs);
	assert_sane_strbuf(&sb);
	strbuf_release(&sb);
}

static unsigned long long allocs_to_append(size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct alloc_stats before = alloc_count_read();

	for (size_t i = 0; i < n; i++)
		if (strbuf_addch(&sb, 'a') < 0)
			cr_assert_fail("addch failed after %zu bytes", i);
	unsigned long long allocs = alloc_count_since(before).allocs;
	assert_sane_strbuf(&sb);
	cr_assert_eq(sb.len, n);
	strbuf_release(&sb);
	return allocs;
}

Test(strbuf, n_appends_cost_logarithmic_reallocations)
{
	testkit_skip_unless_counting();
	size_t small = 1000, large = 1000000;
	unsigned long long a_small = allocs_to_append(small);
	unsigned long long a_large = allocs_to_append(large);

	/* Growing by a factor g costs log_g(n) reallocations; allow any
	 * g >= 1.5 (git's factor), plus a few for the first allocation. */
	double bound = ceil(log((double)large) / log(1.5)) + 4;
	cr_assert_leq((double)a_large, bound,
		      "%zu one-byte appends made %llu allocations; geometric "
		      "growth needs at most %.0f", large, a_large, bound);
	/* 1000x more bytes must cost only a constant number more: log, not
	 * linear. Linear growth would make about 1000x as many. */
	double extra = ceil(log(1000.0) / log(1.5)) + 2;
	cr_assert_leq((double)a_large - (double)a_small, extra,
		      "going from %zu to %zu appends added %llu allocations; "
		      "logarithmic growth adds at most %.0f", small, large,
		      a_large - a_small, extra);
}
