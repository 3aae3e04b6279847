/*
 * bufpool.c - a pool of byte buffers with a size cap, a thin layer over
 * the typed pool in bufpool.h. Exercise 4.3: fill in every TODO(4.3).
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
	/* TODO(4.3): empty the buffer, keep its memory for the next user. */
	(void)buf;
}

void bytebuf_release(struct bytebuf *buf)
{
	/* TODO(4.3): free the buffer's memory and leave it empty (cap 0). */
	(void)buf;
}

/* ---- The pool ----------------------------------------------------------------- */

int bufpool_init(struct bufpool *bp, size_t min_cap, size_t max_cap)
{
	/* TODO(4.3): check the caps (EINVAL), store them, set up bp->pool. */
	(void)bp;
	(void)min_cap;
	(void)max_cap;
	errno = ENOSYS;
	return -1;
}

void bufpool_release(struct bufpool *bp)
{
	/* TODO(4.3): free the pool and every buffer in it. */
	(void)bp;
}

struct bytebuf *bufpool_get(struct bufpool *bp)
{
	/* TODO(4.3): a buffer from bp->pool with cap >= min_cap (a new one,
	 * or one whose memory was dropped, has cap 0: grow it). */
	(void)bp;
	errno = ENOSYS;
	return NULL;
}

void bufpool_put(struct bufpool *bp, struct bytebuf *buf)
{
	/* TODO(4.3): give buf back; if its cap is above max_cap, free its
	 * memory first so the pool does not keep it. */
	(void)bp;
	(void)buf;
}
