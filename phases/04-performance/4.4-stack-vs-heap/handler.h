/*
 * handler.h - five hot functions of an HTTP request handler, each written
 * so that an ordinary request never touches the heap.
 *
 * Each one once called malloc on every request (before.c keeps those
 * versions, which the benchmarks measure against). Each shows one way of
 * keeping memory off the heap:
 *
 *   log_format        the caller passes the buffer         (caller buffer)
 *   range_parse       a small result comes back by value   (struct by value)
 *   cache_key_build   short keys live inside their struct  (small-buffer)
 *   query_canonical   temporaries come from an arena       (arena, arena.h)
 *   route_of          the result points into the input     (a view)
 *
 * USAGE, one request:
 *
 *     char line[256];
 *     if (log_format(line, sizeof line, &acc) >= (int)sizeof line)
 *             ...                          // truncated: rare, still a line
 *     struct range r = range_parse(hdr, file_size);
 *     struct cache_key key;
 *     cache_key_build(&key, tenant, metric, host);
 *     lookup(key.str, key.len);
 *     cache_key_release(&key);             // frees only a long key's block
 *     struct strview route = route_of(target);
 *     printf("%.*s\n", (int)route.len, route.ptr);
 *
 * LIFETIMES, the rule behind all five: memory a result points to must
 * outlive the result. A function's local arrays die when it returns, so no
 * result may point into them; it may point into memory the caller passed
 * in (a buffer, a struct, an arena, the input string) or into static data.
 */
#ifndef HANDLER_H
#define HANDLER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* ---- The access log line: into the caller's buffer ----------------------- */

/* One served request, as the access log records it. */
struct access {
	uint32_t addr;      /* client IPv4 address, host byte order */
	const char *method; /* "GET" */
	const char *target; /* "/users/42?verbose=1", as the client sent it */
	int status;         /* 200 */
	uint64_t bytes;     /* response body size */
	uint32_t micros;    /* time to serve it, in microseconds */
};

/*
 * Format the access log line for *a into buf, as snprintf would:
 *
 *     203.0.113.7 "GET /users/42?verbose=1" 200 5120 1.234ms
 *
 * (the address dotted, method and target quoted as given, the status, the
 * bytes, the time in milliseconds with three decimals; no newline).
 * Writes at most cap bytes including the '\0'; when cap > 0 the result is
 * always '\0'-terminated, cut short if it did not fit. Returns the length
 * of the whole line (without the '\0'): a return >= cap means it was cut.
 * With cap == 0 nothing is written and buf may be NULL: the return value
 * tells the caller how much room to provide. The caller owns buf.
 */
int log_format(char *buf, size_t cap, const struct access *a);

/* ---- The Range header: a small struct by value --------------------------- */

/* What a Range header asks for, resolved against the resource's size. */
struct range {
	uint64_t first; /* first byte to send, inclusive */
	uint64_t last;  /* last byte to send, inclusive */
	int status;     /* 206: send [first, last]; 416: not satisfiable;
			 * 0: malformed or several ranges, ignore the header
			 * and send the whole resource (200). first and last
			 * are 0 unless status is 206. */
};

/*
 * Parse the value of a Range header (RFC 9110, section 14.2) for a
 * resource of `size` bytes. One range only, in one of three forms:
 *
 *     bytes=FIRST-LAST   FIRST..min(LAST, size-1); 416 if FIRST >= size;
 *                        malformed (0) if FIRST > LAST
 *     bytes=FIRST-       FIRST..size-1;            416 if FIRST >= size
 *     bytes=-N           the last N bytes (all of them if N >= size);
 *                        416 if N == 0 or size == 0
 *
 * The unit "bytes" is matched without regard to case; no spaces are
 * allowed; numbers are decimal digits that fit in 64 bits (otherwise the
 * header is malformed). Anything else, a list of ranges ("bytes=0-1,5-9")
 * included, is malformed: status 0. Returns the result by value (24 bytes:
 * the caller reserves the space in its own frame); never allocates.
 */
struct range range_parse(const char *value, uint64_t size);

/* ---- The cache key: a small-buffer optimisation -------------------------- */

/* Bytes of key text, '\0' included, that fit inside the struct: keys of up
 * to KEY_INLINE - 1 characters need no heap. Almost all keys do. */
#define KEY_INLINE 64

struct cache_key {
	char *str;               /* the key, '\0'-terminated: points at small
				  * (len < KEY_INLINE) or at a heap block */
	size_t len;              /* strlen(str) */
	char small[KEY_INLINE];  /* the text of a short key */
};

/*
 * Build the key "tenant:metric:host" into *k (whatever *k held before is
 * overwritten, not freed: release a key before building it again).
 * A key shorter than KEY_INLINE characters is stored in k->small and
 * costs no allocation; a longer one gets one malloc of len + 1 bytes,
 * which cache_key_release() frees. Returns 0, or -1 with errno = ENOMEM
 * (or EOVERFLOW if the lengths do not add up in size_t); after a failure
 * *k is the empty key "" and releasing it is safe.
 *
 * k->str points into *k itself, so a struct copy (`copy = *k`) still
 * points at the original's small buffer: pass keys by pointer, never copy.
 */
int cache_key_build(struct cache_key *k, const char *tenant,
		    const char *metric, const char *host);

/* Free what a long key allocated (nothing for a short one) and leave *k
 * the empty key "" (str == small, len 0). Safe to call twice. */
void cache_key_release(struct cache_key *k);

/* ---- The canonical query: temporaries from an arena ----------------------- */

/*
 * Write the canonical form of a query string (the part of a target after
 * '?', without the '?') into out, as snprintf would: two queries that mean
 * the same get the same text, so it can be part of a cache key.
 *
 *  - Parameters are separated by '&'; empty ones ("a=1&&b=2") are dropped.
 *    A parameter is NAME=VALUE, or NAME alone, which means an empty value.
 *  - Names and values are decoded: '+' is a space, %XX (hex digits in
 *    either case) is that byte. A '%' not followed by two hex digits makes
 *    the query malformed.
 *  - Parameters are sorted by decoded name, bytewise (a name that is a
 *    prefix of another sorts first); equal names keep their order in the
 *    query (the sort is stable: "b=2&a=1&b=1" becomes "a=1&b=2&b=1").
 *  - Each is written as NAME=VALUE, '=' always present, joined by '&',
 *    every byte except A-Z a-z 0-9 - . _ ~ encoded as %XX with upper-case
 *    hex. "z=%7e&a&y=x+y" becomes "a=&y=x%20y&z=~".
 *
 * At most cap bytes are written including the '\0' (always written when
 * cap > 0); returns the length of the whole canonical text, so a return
 * >= cap means it was cut; with cap == 0 out may be NULL.
 *
 * Every temporary (the list of parameters, the decoded text, any sorting
 * space) comes from `scratch`; query_canonical never calls malloc and
 * never resets scratch: what it took stays taken until the caller's
 * arena_reset(), once per request. Returns -1 with errno = EINVAL for a
 * malformed query, ENOMEM when scratch runs out, EOVERFLOW for a query
 * longer than INT_MAX / 3 bytes (its canonical form might not fit in an
 * int); out is then untouched.
 */
int query_canonical(char *out, size_t cap, const char *query,
		    struct arena *scratch);

/* ---- The route: a view into the caller's string --------------------------- */

/* A string that is not '\0'-terminated: len bytes at ptr. Print it with
 * printf("%.*s", (int)v.len, v.ptr). */
struct strview {
	const char *ptr;
	size_t len;
};

/*
 * The route of a request target: the path the handler dispatches on.
 *
 *  - An absolute target ("http://host:8080/a/b?x", scheme matched without
 *    regard to case, http or https) loses its scheme and authority.
 *  - The path ends at the first '?' or '#'.
 *  - Trailing '/' are dropped, except that a path of only '/' is "/".
 *  - An empty path is "/".
 *
 *     "/users/42/?verbose=1"        -> "/users/42"
 *     "HTTPS://example.com//a//#x"  -> "//a"
 *     "http://example.com?x=1"      -> "/"
 *
 * The view points into target (or, for "/" made up, at static storage), so
 * it is valid exactly as long as target is. No copy, no allocation, any
 * length of target.
 */
struct strview route_of(const char *target);

#endif /* HANDLER_H */
