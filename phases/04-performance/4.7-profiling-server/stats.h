/*
 * stats.h - what the application server counts about its own requests:
 * how many by route and status code, and how long they took, as a
 * histogram per route. The debug listener (debug.c) publishes these
 * figures in /debug/vars and /metrics. Given code: read, don't edit.
 *
 * USAGE
 *
 *     struct stats *s = stats_new();
 *     stats_record(s, ROUTE_VALUE_URL, 404, 35000);   // 35 µs
 *
 *     struct stats_snapshot snap;
 *     stats_read(s, &snap);
 *     for (int r = 0; r < ROUTE_COUNT; r++)
 *             for (int code = STATS_CODE_MIN; code <= STATS_CODE_MAX; code++)
 *                     if (snap.routes[r].by_code[code - STATS_CODE_MIN])
 *                             ... route_name(r), code, that count ...
 *
 * THE HISTOGRAM
 *
 * Each route has STATS_BUCKETS buckets with the upper bounds in
 * stats_bucket_le[] (seconds), plus one more for everything slower.
 * `buckets[i]` counts the requests that took more than le[i-1] and at most
 * le[i]: the counts are NOT cumulative. Prometheus wants them cumulative
 * (its bucket `le="0.001"` counts every request of at most a millisecond),
 * so whoever prints them must add up as they go; the last, `le="+Inf"`,
 * is then the number of requests. Print that sum as `_count` too, rather
 * than the `count` field: the two are read one after the other, and a
 * request recorded in between would make them disagree (see COST).
 *
 * COST
 *
 * Recording is three relaxed atomic adds and a short loop over the bounds:
 * tens of nanoseconds, against tens of microseconds for a request. The
 * counters are shared by the server's threads, so their cache lines move
 * between cores; at 30k requests/s that is noise. A reader sees each
 * counter exactly, but the snapshot is not one instant: a request recorded
 * during stats_read() may be in its count and not yet in its bucket.
 */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>

/* The application's routes: the `route` label of every figure. */
enum route {
	ROUTE_INDEX,       /* GET /                           */
	ROUTE_UPDATE_URL,  /* POST /update/{type}/{name}/{value} */
	ROUTE_UPDATE_JSON, /* POST /update                    */
	ROUTE_UPDATES,     /* POST /updates                   */
	ROUTE_VALUE_URL,   /* GET /value/{type}/{name}        */
	ROUTE_VALUE_JSON,  /* POST /value                     */
	ROUTE_UNMATCHED,   /* anything else (a 404)           */
	ROUTE_COUNT
};

/* The route's pattern, e.g. "/value/{type}/{name}", or "unmatched". Safe
 * inside a quoted Prometheus label value and a JSON string as it is. */
const char *route_name(enum route r);

#define STATS_CODE_MIN 100
#define STATS_CODE_MAX 599
#define STATS_BUCKETS 12

/* Upper bounds of the histogram buckets, in seconds, ascending. */
extern const double stats_bucket_le[STATS_BUCKETS];

struct stats_route {
	uint64_t by_code[STATS_CODE_MAX - STATS_CODE_MIN + 1];
	uint64_t buckets[STATS_BUCKETS + 1]; /* last one: slower than all */
	uint64_t count;                      /* requests recorded */
	uint64_t sum_ns;                     /* their total duration */
};

struct stats_snapshot {
	struct stats_route routes[ROUTE_COUNT];
};

struct stats;

/* Zeroed stats, or NULL when out of memory. stats_free(NULL) is fine. */
struct stats *stats_new(void);
void stats_free(struct stats *s);

/* Count one request; a code outside 100..599 is counted as 500. Thread-
 * safe and lock-free. */
void stats_record(struct stats *s, enum route r, unsigned code,
		  uint64_t duration_ns);

/* Copy every counter into *out (about 30 KB). Thread-safe. */
void stats_read(const struct stats *s, struct stats_snapshot *out);

#endif /* STATS_H */
