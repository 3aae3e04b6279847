/* MUTANT for the grader's self-test: doubles written with %g: six significant digits, which do not round-trip (and 1.0 comes out as "1"). */
/*
 * jsonw.c - the JSON writer (reference solution for exercise 4.6): strings
 * escaped in runs with a byte-class table, integers two digits at a time,
 * doubles by an exact shortest-decimal search with printf as the fallback.
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
	if (w->error) {
		/* Roll back: drop whatever this encode appended. The strbuf
		 * invariant (buf[len] == '\0') holds again; an unallocated
		 * strbuf (alloc == 0) was never written to. */
		struct strbuf *sb = w->sb;
		sb->len = w->start;
		if (sb->alloc)
			sb->buf[sb->len] = '\0';
		errno = w->error;
		return -1;
	}
	assert(w->depth == 0 && w->done && "the value is not complete");
	return 0;
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
 * What each byte needs, so the hot loop is one table load and one compare
 * per byte:
 *   0  printable ASCII: copy as is (the common case)
 *   1  escape: '"', '\\' and the control characters below 0x20
 *   2, 3, 4  first byte of a UTF-8 sequence that long: validate it
 *   5  never valid in UTF-8 (continuation bytes 80..BF where a sequence
 *      should start, C0 and C1 (overlong), F5..FF (above U+10FFFF))
 */
static const unsigned char byte_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 controls */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 50 '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70 (7F: DEL is fine) */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* 80 continuation */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* 90 */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* A0 */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* B0 */
	5, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* C0 (C0, C1 overlong) */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* D0 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* E0 */
	4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* F0 (F5.. invalid) */
};

/*
 * The length of the valid UTF-8 sequence at s (at most `left` bytes), or 0
 * if it is invalid. The second byte's range depends on the first, which is
 * how UTF-8 rules out overlong forms (E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and code points above U+10FFFF (F4 90..BF): the same table
 * as Go's unicode/utf8 (acceptRanges).
 */
static size_t utf8_valid(const unsigned char *s, size_t left, unsigned cls)
{
	unsigned char lo = 0x80, hi = 0xBF;

	if (left < cls)
		return 0;
	switch (s[0]) {
	case 0xE0: lo = 0xA0; break;
	case 0xED: hi = 0x9F; break;
	case 0xF0: lo = 0x90; break;
	case 0xF4: hi = 0x8F; break;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (unsigned i = 2; i < cls; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return cls;
}

static const char hex[] = "0123456789abcdef";

/*
 * Write s[0..len) as a JSON string, quotes included, after `prefix` (a ','
 * or nothing) and followed by `suffix` (a ':' after a key, or nothing).
 *
 * Room is reserved for the common case, every byte copied once: len + 4.
 * Escapes (up to 6 bytes for 1) and replacement characters (3 for 1) are
 * rare, and each asks for its extra room when it happens; that may move
 * the buffer, so the write position is kept as an offset across it.
 */
static void write_string(struct jsonw *w, int prefix, const char *str,
			 size_t len, char suffix)
{
	const unsigned char *s = (const unsigned char *)str;
	char *p = room(w, len + 4);

	if (p == NULL)
		return;
	if (prefix)
		*p++ = ',';
	*p++ = '"';
	size_t i = 0;
	while (i < len) {
		/* The run of bytes that need nothing: copy it in one go. */
		size_t run = i;
		while (run < len && byte_class[s[run]] == 0)
			run++;
		memcpy(p, s + i, run - i);
		p += run - i;
		i = run;
		if (i == len)
			break;

		unsigned cls = byte_class[s[i]];
		size_t valid = cls >= 2 && cls <= 4 ? utf8_valid(s + i, len - i, cls)
						    : 0;
		if (valid) { /* a valid multi-byte character: as is */
			memcpy(p, s + i, valid);
			p += valid;
			i += valid;
			continue;
		}
		/* 6 bytes at most for this byte, 1 per byte left, 2 closing. */
		w->sb->len = (size_t)(p - w->sb->buf);
		if ((p = room(w, 6 + (len - i) + 2)) == NULL)
			return;
		unsigned char c = s[i++];
		if (cls != 1) { /* invalid UTF-8: U+FFFD, as Go does */
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"':  *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default: /* the other control characters */
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	*p++ = '"';
	if (suffix)
		*p++ = suffix;
	commit(w, p);
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

/*
 * Digits two at a time from a 200-byte table (as yyjson does): half the
 * divisions of the digit-by-digit loop, and no printf (whose format
 * parsing alone costs more than the whole conversion).
 */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* Write v in decimal at p; returns the end. */
static char *write_u64(char *p, uint64_t v)
{
	char tmp[20];
	char *t = tmp + sizeof tmp;

	while (v >= 100) {
		unsigned pair = (unsigned)(v % 100);
		v /= 100;
		t -= 2;
		memcpy(t, digit_pairs + 2 * pair, 2);
	}
	if (v >= 10) {
		t -= 2;
		memcpy(t, digit_pairs + 2 * v, 2);
	} else {
		*--t = (char)('0' + v);
	}
	size_t n = (size_t)(tmp + sizeof tmp - t);
	memcpy(p, t, n);
	return p + n;
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	int comma = value_prefix(w);
	char *p;

	if (comma < 0 || (p = room(w, 1 + 20)) == NULL)
		return;
	if (comma)
		*p++ = ',';
	/* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
	uint64_t u = (uint64_t)v;
	if (v < 0) {
		*p++ = '-';
		u = 0 - u;
	}
	commit(w, write_u64(p, u));
	value_done(w);
}

/* ---- Doubles ------------------------------------------------------------------- */

/* Powers of ten that a double holds exactly (10^22 is the last). */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
};

#define TWO_POW_53 9007199254740992.0 /* integers up to here are exact */

/*
 * The fast path, for the numbers records are made of (0.1, 1.25, 98.6,
 * 3.141592653589793): find the fewest decimals k for which some integer m
 * gives m / 10^k == v exactly. If m < 2^53 and k <= 17, both m and 10^k
 * are exact doubles, so m / 10^k is the correctly rounded value of the
 * decimal m·10^-k: a correctly rounding parser reads the text "m·10^-k"
 * back as exactly v. No printf, no strtod: a multiply, a divide and a
 * compare per k. Returns the end, or NULL if v is out of its range.
 */
static char *write_double_fast(char *p, double v)
{
	if (!(v < TWO_POW_53))
		return NULL;
	for (unsigned k = 0; k < sizeof pow10_exact / sizeof pow10_exact[0]; k++) {
		double scaled = v * pow10_exact[k];
		if (scaled >= TWO_POW_53)
			return NULL;
		double m = nearbyint(scaled);
		if (m / pow10_exact[k] != v)
			continue;

		/* The digits of m, with a point k digits from the right. */
		char digits[20];
		char *end = write_u64(digits, (uint64_t)m);
		size_t nd = (size_t)(end - digits);
		if (k == 0) {                    /* 3 -> "3.0" */
			memcpy(p, digits, nd);
			memcpy(p + nd, ".0", 2);
			return p + nd + 2;
		}
		if (nd > k) {                    /* 125, k=2 -> "1.25" */
			memcpy(p, digits, nd - k);
			p += nd - k;
			*p++ = '.';
			memcpy(p, digits + nd - k, k);
			return p + k;
		}
		*p++ = '0';                      /* 5, k=3 -> "0.005" */
		*p++ = '.';
		memset(p, '0', k - nd);
		memcpy(p + k - nd, digits, nd);
		return p + k;
	}
	return NULL;
}

/*
 * Everything else (1e-300, 6.02e23, 2^60, random bits): the shortest of
 * %.15g, %.16g and %.17g that strtod reads back as v. 17 significant
 * digits always round-trip a double, so the loop always ends. Slow (a
 * printf and a strtod each) but rare in real records.
 */
static char *write_double_slow(char *p, double v)
{
	int n = 0;

	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(p, 32, "%.*g", prec, v);
		if (strtod(p, NULL) == v)
			break;
	}
	/* %g drops the point from integers (2^60 -> "1152921504606846976"):
	 * add ".0" so the reader sees a floating-point number. */
	if (strpbrk(p, ".e") == NULL) {
		memcpy(p + n, ".0", 2);
		n += 2;
	}
	return p + n;
}

void jsonw_double(struct jsonw *w, double v)
{
	if (!isfinite(v)) {
		if (!w->error)
			w->error = EDOM; /* JSON has no NaN or Infinity */
		return;
	}
	int comma = value_prefix(w);
	char *p;

	/* 1 comma + 1 sign + 17 digits + point + "e-308" and then some. */
	if (comma < 0 || (p = room(w, 40)) == NULL)
		return;
	if (comma)
		*p++ = ',';
	/* The sign first, by its bit: -0.0 == 0.0, yet it must print "-0.0". */
	if (signbit(v)) {
		*p++ = '-';
		v = -v;
	}
	(void)write_double_fast; /* left unused: */
	(void)write_double_slow;
	int n = snprintf(p, 32, "%g", v); /* 6 significant digits */
	commit(w, p + n);
	value_done(w);
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
