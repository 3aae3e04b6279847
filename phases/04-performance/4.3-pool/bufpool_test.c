/*
 * bufpool_test.c - the contract of bufpool.h: buffers come back empty with
 * at least min_cap, are reused with their memory, and a buffer that grew
 * past max_cap does not keep its memory in the pool.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "alloc_count.h"
#include "bufpool.h"

static void new_bufpool(struct bufpool *bp, size_t min_cap, size_t max_cap)
{
	cr_assert_eq(bufpool_init(bp, min_cap, max_cap), 0, "bufpool_init(%zu, "
		     "%zu) failed: errno %d (%s)", min_cap, max_cap, errno,
		     strerror(errno));
}

static struct bytebuf *get_buf(struct bufpool *bp)
{
	struct bytebuf *buf = bufpool_get(bp);

	cr_assert_not_null(buf, "bufpool_get returned NULL: errno %d (%s)",
			   errno, strerror(errno));
	cr_assert_eq(buf->len, 0, "a buffer from the pool must be empty; len "
		     "is %zu", buf->len);
	cr_assert_geq(buf->cap, bp->min_cap, "a buffer from the pool must have "
		      "cap >= min_cap (%zu); it has %zu", bp->min_cap, buf->cap);
	cr_assert_not_null(buf->data, "cap is %zu but data is NULL", buf->cap);
	return buf;
}

Test(bufpool, get_gives_an_empty_buffer_of_at_least_min_cap)
{
	struct bufpool bp;

	new_bufpool(&bp, 4096, 65536);
	struct bytebuf *a = get_buf(&bp), *b = get_buf(&bp);
	cr_assert_neq(a, b, "two gets without a put returned the same buffer");
	memset(a->data, 'a', a->cap); /* all of cap is usable */
	memset(b->data, 'b', b->cap);
	bufpool_put(&bp, a);
	bufpool_put(&bp, b);
	bufpool_release(&bp);
}

Test(bufpool, init_rejects_caps_that_make_no_sense)
{
	struct bufpool bp;

	errno = 0;
	cr_assert_eq(bufpool_init(&bp, 0, 100), -1, "min_cap 0 accepted");
	cr_assert_eq(errno, EINVAL, "errno %d, want EINVAL", errno);
	errno = 0;
	cr_assert_eq(bufpool_init(&bp, 200, 100), -1, "min_cap above max_cap "
		     "accepted");
	cr_assert_eq(errno, EINVAL, "errno %d, want EINVAL", errno);
	new_bufpool(&bp, 100, 100);
	bufpool_put(&bp, get_buf(&bp));
	bufpool_release(&bp);
}

Test(bufpool, a_buffer_comes_back_emptied_with_its_memory)
{
	struct bufpool bp;
	char line[100];

	new_bufpool(&bp, 1024, 65536);
	memset(line, 'x', sizeof line);
	struct bytebuf *buf = get_buf(&bp);
	for (int i = 0; i < 50; i++) /* 5000 bytes: it grows past 1024 */
		cr_assert_eq(bytebuf_add(buf, line, sizeof line), 0);
	cr_assert_eq(buf->len, 5000);
	unsigned char *data = buf->data;
	size_t cap = buf->cap;
	bufpool_put(&bp, buf);

	bool counting = alloc_count_active();
	struct alloc_stats before = alloc_count_read();
	struct bytebuf *again = get_buf(&bp); /* checks len == 0 */
	struct alloc_stats d = alloc_count_since(before);
	cr_assert_eq(again, buf, "the next get on this thread should reuse "
		     "the buffer just put");
	cr_assert_eq(again->data, data, "the reused buffer lost its memory");
	cr_assert_eq(again->cap, cap, "the reused buffer's cap changed from "
		     "%zu to %zu", cap, again->cap);
	if (counting)
		cr_assert_eq(d.allocs, 0, "getting a pooled buffer allocated "
			     "%llu times", d.allocs);
	bufpool_put(&bp, again);
	bufpool_release(&bp);
}

Test(bufpool, a_buffer_grown_past_max_cap_is_not_kept)
{
	struct bufpool bp;
	static char chunk[10000];

	new_bufpool(&bp, 512, 8192);
	struct bytebuf *buf = get_buf(&bp);
	for (int i = 0; i < 100; i++) /* 1 MB: far past max_cap */
		cr_assert_eq(bytebuf_add(buf, chunk, sizeof chunk), 0);
	cr_assert_gt(buf->cap, 8192);

	bool counting = alloc_count_active();
	struct alloc_stats before = alloc_count_read();
	bufpool_put(&bp, buf);
	struct alloc_stats d = alloc_count_since(before);
	if (counting)
		cr_assert_geq(d.frees, 1, "putting a 1 MB buffer into a pool "
			      "with max_cap 8192 must free its memory; put "
			      "freed nothing");

	struct bytebuf *next = get_buf(&bp); /* cap >= min_cap again */
	cr_assert_leq(next->cap, 8192, "the pool handed out a buffer of cap %zu "
		      "though max_cap is 8192: oversized buffers must not be "
		      "kept", next->cap);
	bufpool_put(&bp, next);
	bufpool_release(&bp);
}

Test(bufpool, buffers_up_to_max_cap_are_kept)
{
	struct bufpool bp;
	char chunk[1000];

	memset(chunk, 'k', sizeof chunk);
	new_bufpool(&bp, 1000, 8192);
	struct bytebuf *buf = get_buf(&bp);
	while (buf->cap < 8192)
		cr_assert_eq(bytebuf_add(buf, chunk, 1000), 0);
	cr_assert_eq(buf->cap, 8192, "test setup: cap %zu", buf->cap);
	unsigned char *data = buf->data;
	bufpool_put(&bp, buf);
	struct bytebuf *again = get_buf(&bp);
	cr_assert_eq(again->data, data, "a buffer of exactly max_cap must be "
		     "kept with its memory");
	bufpool_put(&bp, again);
	bufpool_release(&bp);
}
