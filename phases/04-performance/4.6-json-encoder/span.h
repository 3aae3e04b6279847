/*
 * span.h - the record this exercise encodes: one span of a distributed
 * trace (what the collector of phase 09 ingests), written as one JSON
 * object with jsonw.h into a strbuf that comes from a pool (exercise 4.3).
 *
 * USAGE: the hot path of a service that ships spans as JSON
 *
 *     static struct strbuf_pool bufs;        // strbuf_pool_init(&bufs) once
 *
 *     struct strbuf *sb = strbuf_pool_get(&bufs);  // empty, capacity kept
 *     if (sb == NULL || span_to_json(sb, &span) < 0)
 *             ...;                          // EDOM: a NaN; ENOMEM
 *     send(fd, sb->buf, sb->len, 0);
 *     strbuf_pool_put(&bufs, sb);            // strbuf_reset runs here
 *
 * After the first few spans, the pooled strbufs are big enough and this
 * loop allocates nothing at all.
 *
 * THE JSON (member order fixed, no spaces; see jsonw.h for the values)
 *
 *     {"trace_id":"4bf9...","span_id":"00f0...","name":"GET /users/{id}",
 *      "service":"users","start_unix_ns":1718035200123456789,
 *      "duration_ns":1843211,"status":200,"error":false,"cpu_ms":1.25,
 *      "sample_rate":0.1,"attrs":{"http.method":"GET",...},
 *      "events_ns":[1718035200123500000,...]}
 *
 * attrs is an object with one member per attribute, in order; events_ns an
 * array. Both are written even when empty ({} and []).
 */
#ifndef SPAN_H
#define SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pool.h"
#include "strbuf.h"

struct span_attr {
	const char *key;    /* any UTF-8 (escaped as needed) */
	const char *value;
};

struct span {
	const char *trace_id;   /* C strings, any UTF-8; NULL is not allowed */
	const char *span_id;
	const char *name;
	const char *service;
	int64_t start_unix_ns;
	int64_t duration_ns;
	int32_t status;         /* e.g. an HTTP status */
	bool error;
	double cpu_ms;          /* must be finite */
	double sample_rate;     /* must be finite */
	const struct span_attr *attrs;
	size_t nattrs;
	const int64_t *events_ns;
	size_t nevents;
};

/*
 * Append s as one JSON object to sb. Pre-sizes sb first (one strbuf_grow
 * by span_json_size_hint()), so a fresh strbuf costs one allocation and a
 * reused one none. 0, or -1 with errno = EDOM (a NaN or infinity), ENOMEM
 * or EOVERFLOW; on failure sb's text is as it was before the call.
 */
int span_to_json(struct strbuf *sb, const struct span *s);

/* An upper bound on the bytes span_to_json() appends, as long as no string
 * needs escapes or replacement characters (those may grow sb once more).
 * O(total string length): one strlen per string. */
size_t span_json_size_hint(const struct span *s);

/* A pool of strbufs (exercise 4.3): get gives an empty one whose capacity
 * is kept from earlier use; put resets it with strbuf_reset. */
POOL_DEFINE(strbuf_pool, struct strbuf, strbuf_init, strbuf_reset,
	    strbuf_release)

#endif /* SPAN_H */
