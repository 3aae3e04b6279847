/*
 * jsonw.c - the JSON writer behind jsonw.h. Exercise 4.6: fill in every
 * TODO(4.6); read jsonw.h first, it is the contract the tests hold you to.
 * The bookkeeping (commas, nesting, room in the strbuf) is given.
 */
#include "jsonw.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Room in the strbuf ------------------------------------------------- */

/*
 * Every token first makes sure the strbuf has room for all it may write,
 * then writes straight into sb->buf: one comparison per token in the
 * common case, where a pre-sized or pooled strbuf already has the room.
 * strbuf_grow() (your 4.5) is called only when it does not, and its
 * failure becomes the writer's sticky error.
 */
static inline char *room(struct jsonw *w, size_t n)
{
	struct strbuf *sb = w->sb;

	if (__builtin_expect(strbuf_avail(sb) < n, 0) &&
	    strbuf_grow(sb, n) < 0) {
		w->error = errno;
		return NULL;
	}
	return sb->buf + sb->len;
}

/* The token ends at p: update len and keep buf[len] == '\0'. */
static inline void commit(struct jsonw *w, char *p)
{
	w->sb->len = (size_t)(p - w->sb->buf);
	*p = '\0';
}

/* ---- Where are we: commas, colons, nesting -------------------------------- */

static inline uint64_t bit(unsigned depth)
{
	return (uint64_t)1 << (depth - 1);
}

/*
 * Before any value: inside an array, a ',' if it is not the first
 * element; inside an object, the key (and its ':') must have come first.
 * Returns the number of separator bytes the value must write first (0 or
 * 1), or -1 when the writer already failed.
 */
static inline int value_prefix(struct jsonw *w)
{
	if (w->error)
		return -1;
	if (w->depth == 0) {
		assert(!w->done && "a second top-level value");
		return 0;
	}
	if (w->in_object & bit(w->depth)) {
		assert(w->after_key && "a value in an object needs a key first");
		w->after_key = false;
		return 0;
	}
	int comma = (w->nonempty & bit(w->depth)) != 0;
	w->nonempty |= bit(w->depth);
	return comma;
}

/* After a value: at top level, the document is complete. */
static inline void value_done(struct jsonw *w)
{
	if (w->depth == 0)
		w->done = true;
}

void jsonw_init(struct jsonw *w, struct strbuf *sb)
{
	*w = (struct jsonw){.sb = sb, .start = sb->len};
}

int jsonw_finish(struct jsonw *w)
{
	/* TODO(4.6): if w->error is set, roll back: truncate w->sb to
	 * w->start (keep buf[len] == '\0'), set errno, return -1. Else 0. */
	(void)w;
	errno = ENOSYS;
	return -1;
}

/* ---- Containers ------------------------------------------------------------ */

static void open_container(struct jsonw *w, char c, bool object)
{
	int comma = value_prefix(w);
	char *p;

	if (comma < 0 || (p = room(w, 2)) == NULL)
		return;
	assert(w->depth < JSONW_MAX_DEPTH && "nested too deep");
	if (comma)
		*p++ = ',';
	*p++ = c;
	commit(w, p);
	w->depth++;
	w->nonempty &= ~bit(w->depth);
	if (object)
		w->in_object |= bit(w->depth);
	else
		w->in_object &= ~bit(w->depth);
}

static void close_container(struct jsonw *w, char c, bool object)
{
	char *p;

	if (w->error || (p = room(w, 1)) == NULL)
		return;
	assert(w->depth > 0 && "nothing to close");
	assert(((w->in_object & bit(w->depth)) != 0) == object &&
	       "closing the wrong kind of container");
	assert(!w->after_key && "a key without a value");
	*p++ = c;
	commit(w, p);
	w->depth--;
	value_done(w);
}

void jsonw_begin_object(struct jsonw *w) { open_container(w, '{', true); }
void jsonw_end_object(struct jsonw *w) { close_container(w, '}', true); }
void jsonw_begin_array(struct jsonw *w) { open_container(w, '[', false); }
void jsonw_end_array(struct jsonw *w) { close_container(w, ']', false); }

/* ---- Strings ------------------------------------------------------------------ */

/*
 * Write s[0..len) as a JSON string, quotes included, after a ',' if
 * `comma`, and followed by `suffix` unless it is 0 (':' after a key).
 */
static void write_string(struct jsonw *w, int comma, const char *s,
			 size_t len, char suffix)
{
	/* TODO(4.6): reserve room (room()), then copy runs of bytes that need
	 * nothing in one go; escape '"', '\\' and control characters;
	 * validate UTF-8 sequences and replace each invalid byte by U+FFFD
	 * (EF BF BD); end with commit(). Escapes need more room than the
	 * bytes they replace: ask room() again when one comes (the buffer
	 * may move). */
	(void)w;
	(void)comma;
	(void)s;
	(void)len;
	(void)suffix;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	if (w->error)
		return;
	assert(w->depth > 0 && (w->in_object & bit(w->depth)) && !w->after_key
	       && "a key belongs in an object, before a value");
	int comma = (w->nonempty & bit(w->depth)) != 0;
	w->nonempty |= bit(w->depth);
	w->after_key = true;
	write_string(w, comma, key, strlen(key), ':');
}

void jsonw_string_len(struct jsonw *w, const char *s, size_t len)
{
	int comma = value_prefix(w);

	if (comma < 0)
		return;
	write_string(w, comma, s, len, 0);
	value_done(w);
}

void jsonw_string(struct jsonw *w, const char *s)
{
	jsonw_string_len(w, s, strlen(s));
}

/* ---- Integers ---------------------------------------------------------------- */

void jsonw_int(struct jsonw *w, int64_t v)
{
	/* TODO(4.6): value_prefix(), room() for a comma, a sign and 20 digits,
	 * the digits without printf (mind INT64_MIN: -v overflows),
	 * commit(), value_done(). */
	(void)w;
	(void)v;
}

/* ---- Doubles ------------------------------------------------------------------- */

void jsonw_double(struct jsonw *w, double v)
{
	/* TODO(4.6): NaN and infinities set the sticky error EDOM. Otherwise
	 * write text that strtod reads back as exactly v, with a '.' or an
	 * exponent (1.0 is "1.0"), keeping -0.0's sign. "%.17g" always
	 * round-trips; shorter is better (try fewer digits and check with
	 * strtod, or find the shortest exactly). */
	(void)w;
	(void)v;
}

/* ---- The rest ------------------------------------------------------------------- */

static void write_literal(struct jsonw *w, const char *lit, size_t len)
{
	int comma = value_prefix(w);
	char *p;

	if (comma < 0 || (p = room(w, 1 + len)) == NULL)
		return;
	if (comma)
		*p++ = ',';
	memcpy(p, lit, len);
	commit(w, p + len);
	value_done(w);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	if (v)
		write_literal(w, "true", 4);
	else
		write_literal(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	write_literal(w, "null", 4);
}
