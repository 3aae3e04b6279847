/*
 * strbuf.h - a growable string: append bytes, formatted text or characters
 * without thinking about sizes, then take the result.
 *
 * USAGE
 *
 *     struct strbuf sb = STRBUF_INIT;
 *     strbuf_addstr(&sb, "GET ");
 *     strbuf_addf(&sb, "/value/%s/%s", type, name);
 *     puts(sb.buf);                  // always a valid C string
 *     strbuf_reset(&sb);             // empty again, memory kept for reuse
 *     ...
 *     char *s = strbuf_detach(&sb, NULL);  // yours now: free(s) later
 *     strbuf_release(&sb);           // or, to drop the contents instead
 *
 * INVARIANTS (the tests check them after every call)
 *
 *  - `buf` is never NULL and `buf[len]` is always '\0', so `buf` can be
 *    passed to any function that wants a C string. The contents may also
 *    hold '\0' bytes of their own: `len` is the truth.
 *  - `alloc == 0` means `buf` points at a shared, read-only empty string
 *    (strbuf_slopbuf) and nothing is allocated: an unused strbuf costs no
 *    malloc. Otherwise `buf` is a heap block of `alloc` bytes owned by the
 *    strbuf, and `len < alloc` (room for the '\0').
 *  - The struct stays where you put it: functions take its address and
 *    never move it, so no `sb = strbuf_add(sb, ...)` dance. Copying the
 *    struct with `=` makes two owners of one block: don't.
 *
 * GROWTH
 *
 * All growth goes through strbuf_grow(), which at least doubles the
 * allocation when it must grow, so appending n bytes one at a time costs
 * O(log n) reallocations and O(n) copying in total (amortised O(1) per
 * byte). The size arithmetic is checked: a size that would overflow size_t
 * is an error, never a small wrapped-around allocation.
 *
 * ERRORS
 *
 * Functions that can fail return 0 on success and -1 on failure, with
 * errno set to ENOMEM (out of memory) or EOVERFLOW (the size does not fit
 * in size_t). A failed call leaves the strbuf exactly as it was.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc; /* bytes allocated at buf; 0 while buf is the shared "" */
	size_t len;   /* bytes in use, not counting the terminating '\0' */
	char *buf;    /* never NULL, always '\0'-terminated */
};

/* The shared empty string an unallocated strbuf points at. Never write
 * through it: it is one byte, and always '\0'. */
extern char strbuf_slopbuf[];

#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

/* ---- Life cycle -------------------------------------------------------- */

/* Set up an empty strbuf, like STRBUF_INIT. Allocates nothing. */
void strbuf_init(struct strbuf *sb);

/* Free the buffer and leave sb empty and ready for reuse, as after
 * strbuf_init(). Safe on an empty strbuf. */
void strbuf_release(struct strbuf *sb);

/*
 * Hand the buffer to the caller and leave sb empty and usable, as after
 * strbuf_init(). The result is a heap block the caller must free(); it is
 * the strbuf's own block, not a copy. If sb had nothing allocated, the
 * result is a freshly allocated "" (NULL if that allocation fails).
 * When len is not NULL, *len receives the string's length.
 */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* Empty the string (len = 0) but keep the allocation: filling it again up
 * to the old size allocates nothing. */
void strbuf_reset(struct strbuf *sb);

/* ---- Capacity ------------------------------------------------------------ */

/*
 * Make room for at least `extra` more bytes after len (plus the '\0'), so
 * that the next appends totalling `extra` bytes cannot fail or reallocate.
 * When it must reallocate, the new size is at least twice the old one.
 * Returns 0, or -1 with errno = EOVERFLOW if len + extra + 1 does not fit
 * in size_t, ENOMEM if the allocation fails; sb is then unchanged.
 */
int strbuf_grow(struct strbuf *sb, size_t extra);

/* Bytes that can be appended without reallocating. */
static inline size_t strbuf_avail(const struct strbuf *sb)
{
	return sb->alloc ? sb->alloc - sb->len - 1 : 0;
}

/* ---- Appending ------------------------------------------------------------ */

/* Append len bytes from data (which may contain '\0'). Returns 0 or -1.
 * data must not point into sb->buf itself: growing may move the buffer. */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);

/* Append a C string. Returns 0 or -1. */
int strbuf_addstr(struct strbuf *sb, const char *s);

/* Append one byte. Returns 0 or -1. */
int strbuf_addch(struct strbuf *sb, int c);

/*
 * Append printf-formatted text, however long: when the formatted text does
 * not fit in the room left, the buffer grows to the exact size needed and
 * the text is formatted again. Returns 0 or -1; on a format error (which
 * vsnprintf reports) errno is EINVAL and sb is unchanged.
 */
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif /* STRBUF_H */
