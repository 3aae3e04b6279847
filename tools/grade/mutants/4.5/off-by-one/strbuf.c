/*
 * strbuf.c - MUTANT "off-by-one" of the 4.5 solution, for `grade selftest`.
 *
 * strbuf_grow() computes need = len + extra, forgetting the '\0':
 * a buffer filled to the last byte has len == alloc and writes its
 * terminator one past the end. The invariant checks catch it.
 */
#include "strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first allocation: big enough that short strings never grow twice,
 * small enough that a million idle builders stay cheap. Tunable. */
#ifndef STRBUF_MIN_ALLOC
#define STRBUF_MIN_ALLOC 64
#endif

/*
 * Not const on purpose: buf is a `char *` so callers can write through it
 * once it is theirs, and STRBUF_INIT must point buf somewhere. Nobody ever
 * writes here: appends always go through grow(), which replaces the slop
 * buffer by a real allocation first, and reset() only writes '\0' when
 * something is allocated.
 */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	if (len)
		*len = sb->len;
	if (sb->alloc) {
		res = sb->buf; /* hand over our block: no copy, no allocation */
	} else {
		/* The slop buffer is shared and must never be freed, so an
		 * empty strbuf has to allocate the caller a "" of its own. */
		res = malloc(1);
		if (res)
			res[0] = '\0';
	}
	strbuf_init(sb);
	return res;
}

void strbuf_reset(struct strbuf *sb)
{
	/* Keep alloc and buf: the next fill reuses the block. Writing the
	 * '\0' only when allocated keeps the slop buffer untouched. */
	if (sb->alloc)
		sb->buf[0] = '\0';
	sb->len = 0;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, new_alloc;

	/*
	 * need = len + extra + 1, checked: with extra close to SIZE_MAX the
	 * plain sum wraps around to a tiny number, realloc would "succeed"
	 * with a few bytes, and the following memcpy would write far past
	 * them. __builtin_add_overflow does the add and tells us if it
	 * wrapped, in one instruction on x86.
	 */
	if (__builtin_add_overflow(sb->len, extra, &need)) { /* MUTANT: no + 1 */
		errno = EOVERFLOW;
		return -1;
	}
	if (need <= sb->alloc)
		return 0; /* the common case: room already there */

	/*
	 * Double, so n one-byte appends cost about log2(n) reallocations and
	 * every byte is copied at most once more on average. 2x rather than
	 * git's 1.5x: fewer reallocs and fewer copies, at up to 50% slack;
	 * above glibc's mmap threshold (128 KiB) realloc moves pages with
	 * mremap instead of copying, so big strings do not pay for slack in
	 * copies. If doubling overflows, fall back to exactly what is needed.
	 */
	new_alloc = sb->alloc < STRBUF_MIN_ALLOC ? STRBUF_MIN_ALLOC : sb->alloc;
	while (new_alloc < need) {
		if (__builtin_mul_overflow(new_alloc, 2, &new_alloc)) {
			new_alloc = need;
			break;
		}
	}

	/*
	 * realloc(NULL, n) is malloc(n); the slop buffer is not ours to
	 * realloc, so pass NULL for it. On failure realloc leaves the old
	 * block alone, so returning before touching sb keeps it unchanged.
	 */
	char *p = realloc(sb->alloc ? sb->buf : NULL, new_alloc);
	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (sb->alloc == 0)
		p[0] = '\0'; /* fresh block: make it a valid empty string */
	sb->buf = p;
	sb->alloc = new_alloc;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len) < 0)
		return -1;
	/* memcpy with len 0 and a slop buf would still be fine, but grow()
	 * allocated anyway, so buf is a real block here. */
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, int c)
{
	/* Its own fast path: a single byte is the hottest append of all
	 * (JSON punctuation, separators), so skip memcpy's call. */
	if (sb->len + 1 >= sb->alloc && strbuf_grow(sb, 1) < 0)
		return -1;
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/*
	 * Try to format straight into the room we have; vsnprintf returns
	 * the length the whole text needs. If it did not fit, grow to exactly
	 * that and format again with a copy of the arguments: a va_list can
	 * be walked only once. With no room at all, the first call just
	 * measures (vsnprintf accepts size 0 and a buffer it never writes).
	 */
	va_copy(again, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, ap);
	if (n < 0) {
		va_end(again);
		if (sb->alloc)
			sb->buf[sb->len] = '\0'; /* undo any partial write */
		errno = EINVAL;
		return -1;
	}
	if (sb->alloc == 0 || (size_t)n >= sb->alloc - sb->len) {
		if (strbuf_grow(sb, (size_t)n) < 0) {
			va_end(again);
			if (sb->alloc)
				sb->buf[sb->len] = '\0';
			return -1;
		}
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, again);
	}
	va_end(again);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rc;
}
