/*
 * strbuf.c - the string builder. Exercise 4.5: fill in every TODO(4.5).
 *
 * Read strbuf.h first: it is the contract the tests hold you to. Make
 * strbuf_grow() the only function that computes sizes or calls realloc,
 * and build everything else on it.
 */
#include "strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shared empty string of STRBUF_INIT (given: see strbuf.h). */
char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
}

void strbuf_release(struct strbuf *sb)
{
	/* TODO(4.5): free what sb owns (never the slop buffer), then leave it
	 * as strbuf_init() does. */
	(void)sb;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	/* TODO(4.5): hand over sb->buf without copying (an empty strbuf must
	 * allocate a "" instead), report the length, and re-init sb. */
	(void)sb;
	(void)len;
	return NULL;
}

void strbuf_reset(struct strbuf *sb)
{
	/* TODO(4.5): empty the string but keep the allocation. */
	(void)sb;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	/* TODO(4.5): make room for len + extra + 1 bytes: check the sum for
	 * overflow (EOVERFLOW), at least double when growing, realloc (the
	 * slop buffer is not yours to realloc), ENOMEM on failure. */
	(void)sb;
	(void)extra;
	errno = ENOSYS;
	return -1;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	/* TODO(4.5): grow, copy, keep buf[len] == '\0'. */
	(void)sb;
	(void)data;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	/* TODO(4.5): one line, on top of strbuf_add(). */
	(void)sb;
	(void)s;
	errno = ENOSYS;
	return -1;
}

int strbuf_addch(struct strbuf *sb, int c)
{
	/* TODO(4.5): append one byte. */
	(void)sb;
	(void)c;
	errno = ENOSYS;
	return -1;
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	/* TODO(4.5): vsnprintf into the room left; if the text needs more,
	 * grow to the size vsnprintf reported and format again from a va_copy
	 * of ap (a va_list can be walked once). */
	(void)sb;
	(void)fmt;
	(void)ap;
	errno = ENOSYS;
	return -1;
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
