/*
 * stack_bench.c - lesson 4's demo: the same small jobs with their memory in
 * different places. A cache key built on the heap (malloc per call), in the
 * caller's buffer, or in a small buffer inside a struct (heap only for the
 * rare long key); a request's temporaries from malloc one by one, or from
 * an arena that is reset once per request.
 *
 *     build/phases/04-performance/demos/stack_bench -cpu 1
 *
 * Exercise 4.4 does this for real, with the checks (overflow, alignment,
 * ASan poisoning) these sketches leave out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *short_paths[] = {"/", "/index.html", "/api/v1/users",
				    "/static/app.css"};
static const char *long_paths[] = {
	"/api/v1/organisations/4412/projects/77/pipelines/123456/jobs",
	"/static/assets/fonts/inter/Inter-SemiBoldItalic.subset.woff2",
	"/search?q=flame+graph+width+versus+x+order&page=2&lang=en",
	"/api/v1/organisations/4412/members?role=maintainer&sort=name",
};

/* ---- A key on the heap: one malloc per call, the caller must free ---------- */

static char *key_heap(const char *method, const char *path)
{
	size_t m = strlen(method), p = strlen(path);
	char *k = malloc(m + 1 + p + 1);

	memcpy(k, method, m);
	k[m] = ':';
	memcpy(k + m + 1, path, p + 1);
	return k;
}

/* ---- A key in the caller's buffer: no allocation ------------------------- */

/* The same copying as key_heap, into memory the caller owns. Returns the
 * key's length, or 0 when it does not fit in cap bytes. */
static size_t key_into(char *buf, size_t cap, const char *method,
		       const char *path)
{
	size_t m = strlen(method), p = strlen(path);

	if (m + 1 + p + 1 > cap)
		return 0;
	memcpy(buf, method, m);
	buf[m] = ':';
	memcpy(buf + m + 1, path, p + 1);
	return m + 1 + p;
}

/* ---- Small-buffer optimisation -------------------------------------------- */

/* Keys up to KEY_INLINE-1 bytes live inside the struct; longer ones go to
 * the heap. `str` points at one or the other, so users never ask which. */
#define KEY_INLINE 48

struct key {
	char *str;
	size_t len;
	char small[KEY_INLINE];
};

static void key_build(struct key *k, const char *method, const char *path)
{
	size_t m = strlen(method), p = strlen(path);

	k->len = m + 1 + p;
	k->str = k->len + 1 <= KEY_INLINE ? k->small : malloc(k->len + 1);
	memcpy(k->str, method, m);
	k->str[m] = ':';
	memcpy(k->str + m + 1, path, p + 1);
}

static void key_release(struct key *k)
{
	if (k->str != k->small)
		free(k->str);
}

static void key_on_heap(struct bench *b)
{
	while (bench_loop(b)) {
		char *k = key_heap("GET", short_paths[b->loop_i % 4]);
		bench_keep(k[0]);
		free(k);
	}
}

static void key_in_caller(struct bench *b)
{
	char buf[128]; /* on the benchmark's own stack frame */

	while (bench_loop(b)) {
		size_t n = key_into(buf, sizeof buf, "GET",
				    short_paths[b->loop_i % 4]);
		bench_keep(n);
		bench_escape(buf);
	}
}

static void key_small_buffer(struct bench *b)
{
	const char **paths = b->arg;

	while (bench_loop(b)) {
		struct key k;
		key_build(&k, "GET", paths[b->loop_i % 4]);
		bench_keep(k.str[0]);
		bench_escape(k.str);
		key_release(&k);
	}
}

BENCHMARK(Key)
{
	bench_run(b, key_on_heap, NULL, "heap");
	bench_run(b, key_in_caller, NULL, "caller-buffer");
	bench_run(b, key_small_buffer, short_paths, "small-buffer-short");
	bench_run(b, key_small_buffer, long_paths, "small-buffer-long");
}

/* ---- An arena: many temporaries, one reset -------------------------------- */

/*
 * A bump allocator over one block: alloc rounds the offset up to 16 and
 * moves it; reset sets it back to 0. Nothing is freed one by one, so a
 * request's temporaries cost a few instructions each and all go at once.
 */
struct arena {
	unsigned char *base;
	size_t used, cap;
};

static void *arena_alloc(struct arena *a, size_t size)
{
	size_t start = (a->used + 15) & ~(size_t)15;

	if (size > a->cap - start) /* the sketch has no fallback */
		return NULL;
	a->used = start + size;
	return a->base + start;
}

#define SEGMENTS 12

/* A request: split "/seg0/seg1/..." into copies of its segments, then
 * measure them (a stand-in for real per-request work). */
static const char request_path[] =
	"/api/v1/organisations/4412/projects/77/pipelines/123456/jobs/9/logs/tail";

static size_t split_malloc(void)
{
	char *seg[SEGMENTS];
	int n = 0;
	size_t total = 0;

	for (const char *p = request_path + 1; *p && n < SEGMENTS;) {
		size_t len = strcspn(p, "/");
		seg[n] = malloc(len + 1);
		memcpy(seg[n], p, len);
		seg[n++][len] = '\0';
		p += len + (p[len] == '/');
	}
	for (int i = 0; i < n; i++) {
		total += strlen(seg[i]);
		free(seg[i]);
	}
	return total;
}

static size_t split_arena(struct arena *a)
{
	char *seg[SEGMENTS];
	int n = 0;
	size_t total = 0;

	for (const char *p = request_path + 1; *p && n < SEGMENTS;) {
		size_t len = strcspn(p, "/");
		seg[n] = arena_alloc(a, len + 1);
		memcpy(seg[n], p, len);
		seg[n++][len] = '\0';
		p += len + (p[len] == '/');
	}
	for (int i = 0; i < n; i++)
		total += strlen(seg[i]);
	a->used = 0; /* reset: every temporary of this request, freed at once */
	return total;
}

static void temporaries_malloc(struct bench *b)
{
	while (bench_loop(b))
		bench_keep(split_malloc());
}

static void temporaries_arena(struct bench *b)
{
	static unsigned char block[4096];
	struct arena a = {block, 0, sizeof block};

	while (bench_loop(b)) {
		bench_keep(split_arena(&a));
		bench_escape(block);
	}
}

BENCHMARK(Temporaries)
{
	bench_run(b, temporaries_malloc, NULL, "malloc-each");
	bench_run(b, temporaries_arena, NULL, "arena");
}
