/*
 * stats.c - request counts and latency histograms, kept with relaxed
 * atomic adds so the server's threads never wait for each other. See
 * stats.h.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

/*
 * From 100 µs to 1 s. Prometheus' default buckets start at 5 ms, which
 * would put every request of this server in the first one: a histogram
 * is only useful when its bounds straddle the latencies it sees.
 */
const double stats_bucket_le[STATS_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	0.01,   0.025,   0.05,   0.1,   0.25,   1.0,
};

/* The same bounds in nanoseconds, so recording compares integers. */
static const uint64_t bucket_le_ns[STATS_BUCKETS] = {
	100000,   250000,    500000,    1000000,   2500000,   5000000,
	10000000, 25000000,  50000000,  100000000, 250000000, 1000000000,
};

static const char *const route_names[ROUTE_COUNT] = {
	[ROUTE_INDEX] = "/",
	[ROUTE_UPDATE_URL] = "/update/{type}/{name}/{value}",
	[ROUTE_UPDATE_JSON] = "/update",
	[ROUTE_UPDATES] = "/updates",
	[ROUTE_VALUE_URL] = "/value/{type}/{name}",
	[ROUTE_VALUE_JSON] = "/value",
	[ROUTE_UNMATCHED] = "unmatched",
};

struct stats {
	struct stats_route routes[ROUTE_COUNT];
};

const char *route_name(enum route r)
{
	return (unsigned)r < ROUTE_COUNT ? route_names[r] : "unmatched";
}

struct stats *stats_new(void)
{
	return calloc(1, sizeof(struct stats));
}

void stats_free(struct stats *s)
{
	free(s);
}

void stats_record(struct stats *s, enum route r, unsigned code,
		  uint64_t duration_ns)
{
	struct stats_route *sr;
	int b = 0;

	if ((unsigned)r >= ROUTE_COUNT)
		r = ROUTE_UNMATCHED;
	if (code < STATS_CODE_MIN || code > STATS_CODE_MAX)
		code = 500;
	sr = &s->routes[r];
	while (b < STATS_BUCKETS && duration_ns > bucket_le_ns[b])
		b++;
	__atomic_add_fetch(&sr->by_code[code - STATS_CODE_MIN], 1,
			   __ATOMIC_RELAXED);
	__atomic_add_fetch(&sr->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sr->sum_ns, duration_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sr->count, 1, __ATOMIC_RELAXED);
}

void stats_read(const struct stats *s, struct stats_snapshot *out)
{
	/* Word by word with atomic loads: a plain memcpy of counters other
	 * threads are adding to is a data race (ThreadSanitizer says so). */
	const uint64_t *src = (const uint64_t *)s->routes;
	uint64_t *dst = (uint64_t *)out->routes;
	size_t words = sizeof(struct stats_snapshot) / sizeof(uint64_t);

	for (size_t i = 0; i < words; i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}
