/*
 * handler_bench.c - each function of handler.h against its allocating
 * version in before.c, on the same inputs in the same run:
 *
 *     make bench EX=4.4
 *     make bench EX=4.4 BENCHFLAGS='-bench Canonical -count 10'
 *
 * One op is one call on one request's input (64 prepared inputs, taken in
 * turn, so no single input is all the branch predictor sees). allocs/op
 * is the figure graded: 0 for every function of handler.h, where the
 * before.c version pays one or more mallocs per call.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bench.h"
#include "before.h"
#include "handler.h"

#define INPUTS 64 /* a power of two: i % INPUTS is a mask */

/* A small deterministic generator, so every run sees the same inputs. */
static uint64_t bench_rng_state = 42;

static uint64_t bench_rng(void)
{
	uint64_t z = (bench_rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static const char *pick(const char *const *list, size_t n)
{
	return list[bench_rng() % n];
}

#define PICK(list) pick(list, sizeof list / sizeof list[0])

/* ---- Inputs: what a busy API server sees ----------------------------------- */

static const char *const paths[] = {
	"/", "/health", "/api/v1/users/42", "/api/v1/orders/",
	"/api/v1/orders/981273/items", "/static/css/site.css",
	"/api/v2/search", "/metrics", "/api/v1/users/42/avatar/",
};
static const char *const queries[] = {
	"page=2&per_page=50", "q=caf%C3%A9+au+lait&sort=price&order=asc",
	"b=2&a=1", "ids=1&ids=2&ids=3&fields=name%2Cemail",
	"utm_source=news&utm_medium=email&utm_campaign=spring&ref=home",
	"", "debug", "from=2024-01-01&to=2024-01-31&tz=Europe%2FParis&limit=100",
};

static struct access accesses[INPUTS];
static char targets[INPUTS][160];
static char ranges[INPUTS][48];
static uint64_t range_sizes[INPUTS];
static const char *short_keys[INPUTS][3], *long_keys[INPUTS][3];
static char long_metrics[INPUTS][200];

static void make_inputs(void)
{
	static const char *const methods[] = { "GET", "GET", "GET", "POST",
					       "PUT", "DELETE" };
	static const char *const tenants[] = { "acme", "globex", "initech",
					       "umbrella", "hooli" };
	static const char *const metrics[] = { "http_requests_total",
		"http_request_duration_seconds", "process_cpu_seconds_total",
		"go_goroutines", "db_pool_in_use" };
	static const char *const hosts[] = { "web-01", "web-02", "api-7",
		"eu-west-1a.db-3", "localhost" };
	static bool done;

	if (done)
		return;
	done = true;
	for (int i = 0; i < INPUTS; i++) {
		const char *q = PICK(queries);
		snprintf(targets[i], sizeof targets[i], "%s%s%s%s",
			 bench_rng() % 8 == 0 ? "http://example.com" : "",
			 PICK(paths), *q ? "?" : "", q);
		accesses[i] = (struct access){
			(uint32_t)bench_rng(), PICK(methods), targets[i],
			(int)(200 + bench_rng() % 4 * 100),
			bench_rng() % 100000, (uint32_t)(bench_rng() % 2000000) };

		uint64_t size = 1000 + bench_rng() % 10000000;
		uint64_t first = bench_rng() % size;
		range_sizes[i] = size;
		switch (i % 4) {
		case 0: snprintf(ranges[i], sizeof ranges[i], "bytes=%llu-%llu",
				 (unsigned long long)first,
				 (unsigned long long)(first + 65535)); break;
		case 1: snprintf(ranges[i], sizeof ranges[i], "bytes=%llu-",
				 (unsigned long long)first); break;
		case 2: snprintf(ranges[i], sizeof ranges[i], "bytes=-%llu",
				 (unsigned long long)(1 + bench_rng() % 4096)); break;
		default: snprintf(ranges[i], sizeof ranges[i], "bytes=0-1,5-9");
		}

		short_keys[i][0] = long_keys[i][0] = PICK(tenants);
		short_keys[i][1] = PICK(metrics);
		short_keys[i][2] = long_keys[i][2] = PICK(hosts);
		/* The rare long key: a metric name with its labels. */
		snprintf(long_metrics[i], sizeof long_metrics[i],
			 "%s{method=\"%s\",route=\"%s\",status=\"%d\"}",
			 PICK(metrics), accesses[i].method, PICK(paths),
			 accesses[i].status);
		long_keys[i][1] = long_metrics[i];
	}
}

/* ---- LogFormat: caller buffer ------------------------------------------------- */

static void log_heap(struct bench *b)
{
	while (bench_loop(b)) {
		char *line = before_log_format(&accesses[b->loop_i % INPUTS]);
		bench_keep(line[7]);
		free(line);
	}
}

static void log_caller_buffer(struct bench *b)
{
	char line[256]; /* the caller's buffer: in its frame, reused */

	while (bench_loop(b)) {
		int n = log_format(line, sizeof line, &accesses[b->loop_i % INPUTS]);
		bench_keep(n);
		bench_escape(line);
	}
}

BENCHMARK(LogFormat)
{
	char line[256];

	make_inputs();
	for (int i = 0; i < INPUTS; i++) {
		char *want = before_log_format(&accesses[i]);
		log_format(line, sizeof line, &accesses[i]);
		if (want == NULL || strcmp(line, want) != 0)
			bench_fail(b, "log_format differs from before.c on input "
				   "%d: run the tests", i);
		free(want);
	}
	bench_run(b, log_heap, NULL, "heap");
	bench_run(b, log_caller_buffer, NULL, "caller-buffer");
}

/* ---- Range: small struct by value ------------------------------------------------ */

static void range_heap(struct bench *b)
{
	while (bench_loop(b)) {
		int i = (int)(b->loop_i % INPUTS);
		struct range *r = before_range_parse(ranges[i], range_sizes[i]);
		bench_keep(r ? r->last : 0);
		free(r);
	}
}

static void range_by_value(struct bench *b)
{
	while (bench_loop(b)) {
		int i = (int)(b->loop_i % INPUTS);
		struct range r = range_parse(ranges[i], range_sizes[i]);
		bench_keep(r.last);
	}
}

BENCHMARK(Range)
{
	make_inputs();
	for (int i = 0; i < INPUTS; i++) {
		struct range *want = before_range_parse(ranges[i], range_sizes[i]);
		struct range got = range_parse(ranges[i], range_sizes[i]);
		if (want ? got.status != want->status || got.first != want->first ||
			   got.last != want->last
			 : got.status != 0)
			bench_fail(b, "range_parse differs from before.c on \"%s\": "
				   "run the tests", ranges[i]);
		free(want);
	}
	bench_run(b, range_heap, NULL, "heap");
	bench_run(b, range_by_value, NULL, "by-value");
}

/* ---- CacheKey: small-buffer optimisation ------------------------------------------ */

/* FNV-1a: stands for the hash-table lookup the key is built for. */
static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

static void key_heap(struct bench *b)
{
	const char *(*keys)[3] = b->arg;

	while (bench_loop(b)) {
		const char **k = keys[b->loop_i % INPUTS];
		char *key = before_cache_key(k[0], k[1], k[2]);
		bench_keep(hash(key, strlen(key)));
		free(key);
	}
}

static void key_small_buffer(struct bench *b)
{
	const char *(*keys)[3] = b->arg;
	struct cache_key key;

	while (bench_loop(b)) {
		const char **k = keys[b->loop_i % INPUTS];
		cache_key_build(&key, k[0], k[1], k[2]);
		bench_keep(hash(key.str, key.len));
		cache_key_release(&key);
	}
}

static void key_kind(struct bench *b)
{
	bench_run(b, key_heap, b->arg, "heap");
	bench_run(b, key_small_buffer, b->arg, "small-buffer");
}

BENCHMARK(CacheKey)
{
	struct cache_key key;

	make_inputs();
	for (int i = 0; i < INPUTS; i++) {
		char *want = before_cache_key(short_keys[i][0], short_keys[i][1],
					      short_keys[i][2]);
		if (cache_key_build(&key, short_keys[i][0], short_keys[i][1],
				    short_keys[i][2]) < 0 ||
		    strcmp(key.str, want) != 0)
			bench_fail(b, "cache_key_build differs from before.c on "
				   "\"%s\": run the tests", want);
		cache_key_release(&key);
		free(want);
	}
	/* short: the keys a server builds all day; long: the rare key with
	 * labels, which still costs one malloc (shown, not graded). */
	bench_run(b, key_kind, short_keys, "short");
	bench_run(b, key_kind, long_keys, "long");
}

/* ---- Canonical: arena ---------------------------------------------------------------- */

static const char *query_of(int i)
{
	const char *q = strchr(targets[i], '?');
	return q ? q + 1 : "";
}

static void canonical_heap(struct bench *b)
{
	while (bench_loop(b)) {
		char *c = before_query_canonical(query_of((int)(b->loop_i % INPUTS)));
		bench_keep(c[0]);
		free(c);
	}
}

static void canonical_arena(struct bench *b)
{
	struct arena scratch;
	char out[512];

	if (arena_init(&scratch, 16 * 1024) < 0) {
		bench_fail(b, "arena_init failed");
		return;
	}
	while (bench_loop(b)) {
		int n = query_canonical(out, sizeof out,
					query_of((int)(b->loop_i % INPUTS)),
					&scratch);
		bench_keep(n);
		bench_escape(out);
		arena_reset(&scratch); /* the end of the request */
	}
	arena_release(&scratch);
}

BENCHMARK(Canonical)
{
	struct arena scratch;
	char out[512];

	make_inputs();
	if (arena_init(&scratch, 16 * 1024) < 0) {
		bench_fail(b, "arena_init failed: finish arena.c first");
		return;
	}
	for (int i = 0; i < INPUTS; i++) {
		char *want = before_query_canonical(query_of(i));
		int n = query_canonical(out, sizeof out, query_of(i), &scratch);
		if (want == NULL || n < 0 || strcmp(out, want) != 0)
			bench_fail(b, "query_canonical differs from before.c on "
				   "\"%s\": run the tests", query_of(i));
		free(want);
		arena_reset(&scratch);
	}
	arena_release(&scratch);
	bench_run(b, canonical_heap, NULL, "heap");
	bench_run(b, canonical_arena, NULL, "arena");
}

/* ---- Route: a view into the input ------------------------------------------------------ */

static void route_heap(struct bench *b)
{
	while (bench_loop(b)) {
		char *r = before_route_of(targets[b->loop_i % INPUTS]);
		bench_keep(r[0]);
		free(r);
	}
}

static void route_view(struct bench *b)
{
	while (bench_loop(b)) {
		struct strview v = route_of(targets[b->loop_i % INPUTS]);
		bench_keep(v.len);
		bench_keep(v.ptr);
	}
}

BENCHMARK(Route)
{
	make_inputs();
	for (int i = 0; i < INPUTS; i++) {
		char *want = before_route_of(targets[i]);
		struct strview v = route_of(targets[i]);
		if (v.len != strlen(want) || memcmp(v.ptr, want, v.len) != 0)
			bench_fail(b, "route_of differs from before.c on \"%s\": "
				   "run the tests", targets[i]);
		free(want);
	}
	bench_run(b, route_heap, NULL, "heap");
	bench_run(b, route_view, NULL, "view");
}
