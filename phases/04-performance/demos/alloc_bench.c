/*
 * alloc_bench.c - lesson 5's demo: the same work with fewer allocations.
 * Four patterns, each as "the obvious way" next to "the way with fewer
 * allocations": joining strings, collecting into an array, a hash table
 * rebuilt per request, and interning repeated strings with uthash.
 *
 *     build/phases/04-performance/demos/alloc_bench -cpu 1
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "bench.h"

#define WORDS 100

static const char *words[WORDS];

static void make_words(void)
{
	static char storage[WORDS][16];

	for (int i = 0; i < WORDS; i++) {
		snprintf(storage[i], sizeof storage[i], "word%d", i * 37);
		words[i] = storage[i];
	}
}

/* ---- Joining strings ------------------------------------------------------ */

/* What `s = s + w` does in a language with immutable strings: a new block
 * for every piece, the old text copied into it, the old block freed. */
static void join_naive(struct bench *b)
{
	while (bench_loop(b)) {
		char *s = calloc(1, 1);
		size_t len = 0;
		for (int i = 0; i < WORDS; i++) {
			size_t n = strlen(words[i]);
			char *t = malloc(len + n + 1);
			memcpy(t, s, len);
			memcpy(t + len, words[i], n + 1);
			free(s);
			s = t;
			len += n;
		}
		bench_keep(s[len / 2]);
		free(s);
	}
}

/* A builder: double the block when it is full (what exercise 4.5 builds,
 * without its checks). log2(total) allocations instead of one per piece. */
static void join_builder(struct bench *b)
{
	while (bench_loop(b)) {
		size_t cap = 16, len = 0;
		char *s = malloc(cap);
		for (int i = 0; i < WORDS; i++) {
			size_t n = strlen(words[i]);
			if (len + n + 1 > cap) {
				while (len + n + 1 > cap)
					cap *= 2;
				s = realloc(s, cap);
			}
			memcpy(s + len, words[i], n + 1);
			len += n;
		}
		bench_keep(s[len / 2]);
		free(s);
	}
}

/* Pre-sized: measure first, allocate once. */
static void join_presized(struct bench *b)
{
	while (bench_loop(b)) {
		size_t total = 0, len = 0;
		for (int i = 0; i < WORDS; i++)
			total += strlen(words[i]);
		char *s = malloc(total + 1);
		for (int i = 0; i < WORDS; i++) {
			size_t n = strlen(words[i]);
			memcpy(s + len, words[i], n + 1);
			len += n;
		}
		bench_keep(s[len / 2]);
		free(s);
	}
}

/* Reused: keep last time's block; after the first join, no allocation. */
static void join_reused(struct bench *b)
{
	size_t cap = 0;
	char *s = NULL;

	while (bench_loop(b)) {
		size_t len = 0;
		for (int i = 0; i < WORDS; i++) {
			size_t n = strlen(words[i]);
			if (len + n + 1 > cap) {
				cap = cap ? cap * 2 : 64;
				while (len + n + 1 > cap)
					cap *= 2;
				s = realloc(s, cap);
			}
			memcpy(s + len, words[i], n + 1);
			len += n;
		}
		bench_keep(s[len / 2]);
	}
	free(s);
}

BENCHMARK(Join)
{
	make_words();
	bench_run(b, join_naive, NULL, "naive");
	bench_run(b, join_builder, NULL, "builder");
	bench_run(b, join_presized, NULL, "presized");
	bench_run(b, join_reused, NULL, "reused");
}

/* ---- Collecting into an array --------------------------------------------- */

#define ITEMS 1000

static void collect_grow(struct bench *b)
{
	while (bench_loop(b)) {
		int *a = NULL;
		size_t len = 0, cap = 0;
		for (int i = 0; i < ITEMS; i++) {
			if (len == cap) {
				cap = cap ? 2 * cap : 4;
				a = realloc(a, cap * sizeof *a);
			}
			a[len++] = i * 3;
		}
		bench_keep(a[len / 2]);
		free(a);
	}
}

static void collect_presized(struct bench *b)
{
	while (bench_loop(b)) {
		int *a = malloc(ITEMS * sizeof *a); /* the count is known: say so */
		for (int i = 0; i < ITEMS; i++)
			a[i] = i * 3;
		bench_keep(a[ITEMS / 2]);
		free(a);
	}
}

BENCHMARK(Collect)
{
	bench_run(b, collect_grow, NULL, "grow");
	bench_run(b, collect_presized, NULL, "presized");
}

/* ---- A hash table per request --------------------------------------------- */

struct entry {
	int key;
	int value;
	UT_hash_handle hh;
};

#define ENTRIES 64

/* A table built per request and thrown away: one malloc per entry, plus
 * uthash's bucket array. */
static void table_rebuild(struct bench *b)
{
	while (bench_loop(b)) {
		struct entry *table = NULL, *e, *tmp;
		for (int i = 0; i < ENTRIES; i++) {
			e = malloc(sizeof *e);
			e->key = i * 7;
			e->value = i;
			HASH_ADD_INT(table, key, e);
		}
		int probe = (int)(b->loop_i % ENTRIES) * 7;
		HASH_FIND_INT(table, &probe, e);
		bench_keep(e->value);
		HASH_ITER(hh, table, e, tmp) {
			HASH_DEL(table, e);
			free(e);
		}
	}
}

/* The entries come from an array owned by the caller; clearing the table
 * (HASH_CLEAR frees only the bucket array) and re-adding reuses them. */
static void table_reuse(struct bench *b)
{
	static struct entry nodes[ENTRIES];

	while (bench_loop(b)) {
		struct entry *table = NULL, *e;
		for (int i = 0; i < ENTRIES; i++) {
			nodes[i].key = i * 7;
			nodes[i].value = i;
			HASH_ADD_INT(table, key, &nodes[i]);
		}
		int probe = (int)(b->loop_i % ENTRIES) * 7;
		HASH_FIND_INT(table, &probe, e);
		bench_keep(e->value);
		HASH_CLEAR(hh, table);
	}
}

BENCHMARK(Table)
{
	bench_run(b, table_rebuild, NULL, "rebuild");
	bench_run(b, table_reuse, NULL, "reuse-nodes");
}

/* ---- Interning ------------------------------------------------------------ */

/* A stream of labels as a metrics pipeline sees them: 90% are one of a few
 * dozen names, 10% are new. Keeping a private copy of each costs an
 * allocation per label; interning keeps one shared copy per distinct name,
 * and equal names then compare by pointer. */
#define LABELS 1000

struct interned {
	UT_hash_handle hh;
	char text[]; /* the key, stored inline: one allocation per name */
};

static struct interned *pool_of_names;

static const char *intern(const char *s)
{
	struct interned *e;
	size_t n = strlen(s);

	HASH_FIND(hh, pool_of_names, s, n, e);
	if (e == NULL) {
		e = malloc(sizeof *e + n + 1);
		memcpy(e->text, s, n + 1);
		HASH_ADD_KEYPTR(hh, pool_of_names, e->text, n, e);
	}
	return e->text;
}

static char labels[LABELS][24];

static void make_labels(void)
{
	for (int i = 0; i < LABELS; i++) {
		if (i % 10 == 9)
			snprintf(labels[i], sizeof labels[i], "rare_%d", i);
		else
			snprintf(labels[i], sizeof labels[i], "http_requests_%d",
				 i % 32);
	}
}

static void labels_strdup(struct bench *b)
{
	static char *copies[LABELS];

	while (bench_loop(b)) {
		for (int i = 0; i < LABELS; i++)
			copies[i] = strdup(labels[i]);
		bench_keep(copies[b->loop_i % LABELS][0]);
		for (int i = 0; i < LABELS; i++)
			free(copies[i]);
	}
}

static void labels_interned(struct bench *b)
{
	static const char *refs[LABELS];
	struct interned *e, *tmp;

	for (int i = 0; i < LABELS; i++) /* warm: the names seen before */
		intern(labels[i]);
	while (bench_loop(b)) {
		for (int i = 0; i < LABELS; i++)
			refs[i] = intern(labels[i]);
		bench_keep(refs[b->loop_i % LABELS][0]);
	}
	HASH_ITER(hh, pool_of_names, e, tmp) {
		HASH_DEL(pool_of_names, e);
		free(e);
	}
}

BENCHMARK(Labels)
{
	make_labels();
	bench_run(b, labels_strdup, NULL, "strdup-each");
	bench_run(b, labels_interned, NULL, "interned");
}
