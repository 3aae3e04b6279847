/*
 * strbuf_bench.c - what a string builder buys: building a string from
 * 8-byte pieces with strbuf, against the two things C programmers write
 * without one (realloc to the exact size on every append; glibc's
 * open_memstream), and formatted appends against fprintf on a memstream.
 *
 *     make bench EX=4.5
 *     make bench EX=4.5 BENCHFLAGS='-bench Build/pieces=1000 -count 10'
 *
 * One op builds one whole string, so allocs/op counts the allocations of a
 * whole build: about log2(pieces * 8) for a doubling builder, one per
 * piece for the naive version, and 0 for a reused builder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "strbuf.h"

static const char piece[8] = "abcdefg,";

/* A fresh builder per string: pays for growth every time. */
static void build_strbuf(struct bench *b)
{
	long pieces = *(long *)b->arg;

	bench_set_bytes(b, pieces * (long)sizeof piece);
	while (bench_loop(b)) {
		struct strbuf sb = STRBUF_INIT;
		for (long i = 0; i < pieces; i++)
			strbuf_add(&sb, piece, sizeof piece);
		bench_keep(sb.buf[sb.len / 2]);
		strbuf_release(&sb);
	}
}

/* One builder reset between strings: after the first string, the memory
 * is already there and building allocates nothing. */
static void build_strbuf_reused(struct bench *b)
{
	long pieces = *(long *)b->arg;
	struct strbuf sb = STRBUF_INIT;

	/* warm up outside the timed loop: grow once to the final size */
	for (long i = 0; i < pieces; i++)
		strbuf_add(&sb, piece, sizeof piece);
	bench_set_bytes(b, pieces * (long)sizeof piece);
	while (bench_loop(b)) {
		strbuf_reset(&sb);
		for (long i = 0; i < pieces; i++)
			strbuf_add(&sb, piece, sizeof piece);
		bench_keep(sb.buf[sb.len / 2]);
	}
	strbuf_release(&sb);
}

/* What C code without a builder often does: realloc to exactly the new
 * size on every append. glibc can often extend in place, but every append
 * is still a call into malloc. */
static void build_naive(struct bench *b)
{
	long pieces = *(long *)b->arg;

	bench_set_bytes(b, pieces * (long)sizeof piece);
	while (bench_loop(b)) {
		char *s = NULL;
		size_t len = 0;
		for (long i = 0; i < pieces; i++) {
			char *t = realloc(s, len + sizeof piece + 1);
			if (t == NULL) {
				bench_fail(b, "realloc failed");
				break;
			}
			s = t;
			memcpy(s + len, piece, sizeof piece);
			len += sizeof piece;
			s[len] = '\0';
		}
		bench_keep(s[len / 2]);
		free(s);
	}
}

/* glibc's open_memstream: a FILE that writes into a growing buffer. */
static void build_memstream(struct bench *b)
{
	long pieces = *(long *)b->arg;

	bench_set_bytes(b, pieces * (long)sizeof piece);
	while (bench_loop(b)) {
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);
		if (f == NULL) {
			bench_fail(b, "open_memstream failed");
			break;
		}
		for (long i = 0; i < pieces; i++)
			fwrite(piece, 1, sizeof piece, f);
		fclose(f);
		bench_keep(s[len / 2]);
		free(s);
	}
}

static void build(struct bench *b)
{
	long pieces = *(long *)b->arg;

	bench_run(b, build_strbuf, b->arg, "strbuf");
	bench_run(b, build_strbuf_reused, b->arg, "strbuf-reused");
	bench_run(b, build_memstream, b->arg, "memstream");
	/* naive is quadratic in the worst case: keep it to sane sizes */
	if (pieces <= 100000)
		bench_run(b, build_naive, b->arg, "naive");
}

BENCHMARK(Build)
{
	static long sizes[] = {10, 1000, 100000};

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		bench_run(b, build, &sizes[i], "pieces=%ld", sizes[i]);
}

/* ---- Formatted appends --------------------------------------------------- */

#define RECORDS 100

static void appendf_strbuf(struct bench *b)
{
	struct strbuf sb = STRBUF_INIT;

	while (bench_loop(b)) {
		strbuf_reset(&sb);
		for (int i = 0; i < RECORDS; i++)
			strbuf_addf(&sb, "%d:%s,", i, "value");
		bench_keep(sb.buf[sb.len / 2]);
	}
	strbuf_release(&sb);
}

static void appendf_memstream(struct bench *b)
{
	while (bench_loop(b)) {
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);
		if (f == NULL) {
			bench_fail(b, "open_memstream failed");
			break;
		}
		for (int i = 0; i < RECORDS; i++)
			fprintf(f, "%d:%s,", i, "value");
		fclose(f);
		bench_keep(s[len / 2]);
		free(s);
	}
}

BENCHMARK(Appendf)
{
	bench_run(b, appendf_strbuf, NULL, "strbuf");
	bench_run(b, appendf_memstream, NULL, "memstream");
}
