/*
 * jsonw.h - a JSON writer: call one function per token and get compact,
 * valid RFC 8259 JSON appended to a strbuf (exercise 4.5), without a
 * single allocation once the strbuf has room.
 *
 * USAGE
 *
 *     struct jsonw w;
 *     jsonw_init(&w, sb);                    // appends to sb from sb->len
 *     jsonw_begin_object(&w);
 *     jsonw_key(&w, "id");      jsonw_int(&w, 42);
 *     jsonw_key(&w, "name");    jsonw_string(&w, name);
 *     jsonw_key(&w, "ratio");   jsonw_double(&w, 0.25);
 *     jsonw_key(&w, "tags");    jsonw_begin_array(&w);
 *                               jsonw_string(&w, "a");
 *                               jsonw_end_array(&w);
 *     jsonw_end_object(&w);
 *     if (jsonw_finish(&w) < 0)              // one check, at the end
 *             return -1;                     // sb is as it was before
 *     // sb: {"id":42,"name":"...","ratio":0.25,"tags":["a"]}
 *
 * The writer places the commas and colons: call the functions in the order
 * the document reads. Calling them out of order (a value where a key is
 * due, end_array inside an object, a second top-level value) is a bug in
 * the caller, caught by assert().
 *
 * WHAT IT WRITES
 *
 *  - Strings: UTF-8 in, valid UTF-8 out. '"' and '\\' are escaped, and so
 *    are control characters (below U+0020): \b \f \n \r \t by name, the
 *    others as \u00XX. Every other valid character is copied as is.
 *    Invalid UTF-8 becomes U+FFFD, one U+FFFD per byte that does not
 *    start a valid sequence, exactly as Go's encoding/json (utf8.DecodeRune
 *    consumes one byte of an invalid sequence): "\xE2\x82" (a three-byte
 *    sequence cut short) gives two U+FFFD; overlong forms, surrogates
 *    (U+D800..DFFF) and code points above U+10FFFF are invalid.
 *  - Integers: int64_t in full, INT64_MIN and INT64_MAX included.
 *  - Doubles: text that parses back (strtod, or any correctly rounding
 *    parser) to the very same bits, always with a '.' or an exponent so
 *    that decoders read it back as a floating-point number: 1.0 is "1.0"
 *    (never "1"), -0.0 is "-0.0", 1e300 may be "1e+300". Shorter is
 *    better ("0.1" rather than "0.10000000000000001"), but only the round
 *    trip is required. NaN and the infinities have no JSON form: they are
 *    an error (EDOM).
 *  - No spaces or newlines anywhere.
 *
 * ERRORS (sticky, like a stdio stream's)
 *
 * The token functions return nothing. The first failure (EDOM for a NaN
 * or infinity, ENOMEM or EOVERFLOW when the strbuf cannot grow) is
 * recorded in the writer, later calls do nothing, and jsonw_finish()
 * reports it: it returns -1 with errno set and ROLLS BACK, truncating the
 * strbuf to where jsonw_init() found it, so a failed encode leaves the
 * strbuf's text exactly as it was (its capacity may have grown).
 *
 * COST
 *
 * The aim: each token a bounds check and a copy into the strbuf, no
 * allocation while the strbuf has room, and printf, if anywhere, only for
 * doubles (the reference writes integers and everyday doubles without it).
 * Pre-size the strbuf (strbuf_grow) to make a record one allocation at
 * most, and none once a pooled strbuf has grown to its working size.
 */
#ifndef JSONW_H
#define JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Objects and arrays nest at most this deep. */
#define JSONW_MAX_DEPTH 64

struct jsonw {
	struct strbuf *sb;  /* where the text goes */
	size_t start;       /* sb->len at jsonw_init: the rollback point */
	int error;          /* 0, or the first error (an errno value) */
	unsigned depth;     /* objects and arrays open */
	bool after_key;     /* a key was written: its value is due */
	bool done;          /* a complete top-level value was written */
	uint64_t in_object; /* bit d-1: the container at depth d is an object */
	uint64_t nonempty;  /* bit d-1: it has a member (the next needs ',') */
};

/* ---- Life cycle -------------------------------------------------------- */

/* Start writing one JSON value at the end of sb. Allocates nothing. */
void jsonw_init(struct jsonw *w, struct strbuf *sb);

/*
 * End the value: 0 if it is complete and nothing failed. Otherwise -1 with
 * errno set to the first error (EDOM, ENOMEM, EOVERFLOW), and sb truncated
 * back to its length at jsonw_init() (buf[len] == '\0' as ever).
 */
int jsonw_finish(struct jsonw *w);

/* ---- Containers -------------------------------------------------------- */

void jsonw_begin_object(struct jsonw *w);
void jsonw_end_object(struct jsonw *w);
void jsonw_begin_array(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);

/* A member's name, inside an object; its value comes next. Escaped like
 * any string. */
void jsonw_key(struct jsonw *w, const char *key);

/* ---- Values -------------------------------------------------------------- */

/* A C string, or len bytes that may hold '\0' (written as \u0000). */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_string_len(struct jsonw *w, const char *s, size_t len);

void jsonw_int(struct jsonw *w, int64_t v);

/* Round-trips exactly; NaN and infinities set EDOM (see WHAT IT WRITES). */
void jsonw_double(struct jsonw *w, double v);

void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

#endif /* JSONW_H */
