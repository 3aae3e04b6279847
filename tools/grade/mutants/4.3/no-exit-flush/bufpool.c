/*
 * bufpool.c - a pool of byte buffers with a size cap (reference solution
 * for exercise 4.3), a thin layer over the typed pool in bufpool.h.
 */
#include "bufpool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- The buffer (given) -------------------------------------------------- */

int bytebuf_grow(struct bytebuf *buf, size_t extra)
{
	size_t need, cap;

	if (__builtin_add_overflow(buf->len, extra, &need)) {
		errno = EOVERFLOW;
		return -1;
	}
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		if (__builtin_mul_overflow(cap, 2, &cap))
			cap = need;
	unsigned char *p = realloc(buf->data, cap);
	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	buf->data = p;
	buf->cap = cap;
	return 0;
}

int bytebuf_add(struct bytebuf *buf, const void *data, size_t n)
{
	if (bytebuf_grow(buf, n) < 0)
		return -1;
	memcpy(buf->data + buf->len, data, n);
	buf->len += n;
	return 0;
}

/* ---- The callbacks --------------------------------------------------------- */

void bytebuf_reset(struct bytebuf *buf)
{
	/* Keep data and cap: the next user fills the same memory. Clearing
	 * the bytes would cost a memset per put for nothing: len says what
	 * is valid. */
	buf->len = 0;
}

void bytebuf_release(struct bytebuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

/* ---- The pool ----------------------------------------------------------------- */

int bufpool_init(struct bufpool *bp, size_t min_cap, size_t max_cap)
{
	if (min_cap == 0 || min_cap > max_cap) {
		errno = EINVAL;
		return -1;
	}
	bp->min_cap = min_cap;
	bp->max_cap = max_cap;
	return bytebuf_pool_init(&bp->pool);
}

void bufpool_release(struct bufpool *bp)
{
	bytebuf_pool_release(&bp->pool);
}

struct bytebuf *bufpool_get(struct bufpool *bp)
{
	struct bytebuf *buf = bytebuf_pool_get(&bp->pool);

	if (buf == NULL)
		return NULL;
	/*
	 * A new buffer (or one whose memory was dropped for being too big)
	 * has cap 0: give it min_cap now, so callers can count on it. A
	 * reused one already has it, and this is one compare.
	 */
	if (buf->cap < bp->min_cap && bytebuf_grow(buf, bp->min_cap) < 0) {
		bytebuf_pool_put(&bp->pool, buf);
		errno = ENOMEM;
		return NULL;
	}
	return buf;
}

void bufpool_put(struct bufpool *bp, struct bytebuf *buf)
{
	/*
	 * The cap: a buffer that grew past max_cap gives its memory back to
	 * malloc instead of pinning it in the pool. The struct is still
	 * pooled; bufpool_get() gives it min_cap again when it is reused.
	 */
	if (buf->cap > bp->max_cap)
		bytebuf_release(buf);
	bytebuf_pool_put(&bp->pool, buf);
}
