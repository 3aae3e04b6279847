/*
 * bufpool.h - a pool of byte buffers, built on the typed pool of pool.h:
 * scratch space for encoding, reading or compressing, reused instead of
 * allocated per request, with a cap so one huge request does not pin a
 * huge buffer in the pool for ever.
 *
 * USAGE
 *
 *     struct bufpool bp;
 *     bufpool_init(&bp, 4096, 64 * 1024);  // new buffers 4 KiB, keep <= 64 KiB
 *
 *     struct bytebuf *buf = bufpool_get(&bp);  // len 0, cap >= 4096
 *     bytebuf_add(buf, header, n);             // grows like any buffer
 *     write(fd, buf->data, buf->len);
 *     bufpool_put(&bp, buf);                   // buf is gone: do not use it
 *
 *     bufpool_release(&bp);
 *
 * WHY THE CAP (Go's advice for sync.Pool with variable-size buffers)
 *
 * A pool hands back whatever was put into it. If one request in a million
 * grows its buffer to 50 MB and puts it back, the pool keeps 50 MB for a
 * 2 KB request, for ever, on every thread that ever got that buffer. So
 * bufpool_put() frees the memory of a buffer whose capacity is above
 * max_cap (the struct itself is still pooled, empty) and the next
 * bufpool_get() of it allocates min_cap again.
 *
 * INVARIANTS
 *
 *  - A buffer from bufpool_get() has len == 0 and cap >= min_cap; data
 *    points at cap bytes owned by the buffer.
 *  - After bufpool_put() the pool owns the buffer and its data.
 */
#ifndef BUFPOOL_H
#define BUFPOOL_H

#include <stddef.h>

#include "pool.h"

struct bytebuf {
	unsigned char *data; /* cap bytes, or NULL when cap == 0 */
	size_t len;          /* bytes in use */
	size_t cap;          /* bytes allocated at data */
};

/* ---- The buffer ----------------------------------------------------------- */

/* Make room for `extra` more bytes after len, at least doubling cap when it
 * must grow. 0, or -1 with errno = ENOMEM/EOVERFLOW and buf unchanged. */
int bytebuf_grow(struct bytebuf *buf, size_t extra);

/* Append n bytes. 0 or -1 (as bytebuf_grow). */
int bytebuf_add(struct bytebuf *buf, const void *data, size_t n);

/* The pool's callbacks: reset empties a buffer and keeps its memory;
 * release frees its memory. */
void bytebuf_reset(struct bytebuf *buf);
void bytebuf_release(struct bytebuf *buf);

/* The typed pool of buffers that a bufpool is made of (see pool.h). */
POOL_DEFINE(bytebuf_pool, struct bytebuf, pool_nothing, bytebuf_reset,
	    bytebuf_release)

/* ---- The pool --------------------------------------------------------------- */

struct bufpool {
	struct bytebuf_pool pool;
	size_t min_cap; /* every buffer handed out has at least this */
	size_t max_cap; /* buffers put back with more are not kept */
};

/* Set up an empty pool. 0, or -1 with errno: EINVAL if min_cap is 0 or
 * above max_cap, ENOMEM. Allocates the pool, no buffers yet. */
int bufpool_init(struct bufpool *bp, size_t min_cap, size_t max_cap);

/* Free every pooled buffer and the pool (pool_free's rules apply). */
void bufpool_release(struct bufpool *bp);

/* An empty buffer with cap >= min_cap: a reused one when the pool has it
 * (no allocation), else a new one. NULL with errno = ENOMEM. */
struct bytebuf *bufpool_get(struct bufpool *bp);

/* Give buf back. Its memory is kept for the next get only if its cap is at
 * most max_cap; otherwise it is freed now. Never fails. */
void bufpool_put(struct bufpool *bp, struct bytebuf *buf);

#endif /* BUFPOOL_H */
