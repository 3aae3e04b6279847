/*
 * profile_bench.c - lesson 2's demo: a small report generator to profile.
 * Each "request" tokenises 200 log lines, looks each user up in a table and
 * formats a summary line. Where does the time go? The lesson runs perf,
 * callgrind and gperftools on BenchmarkReport, and massif on
 * BenchmarkReportAllocating (make demos), and reads the answers.
 *
 *     bench/profile.sh callgrind build/phases/04-performance/demos/profile_bench \
 *         build/profiles/demo 'Report'
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define USERS 500
#define LINES 200

struct user {
	char name[16];
	long bytes;
};

static struct user users[USERS];
static char lines[LINES][64];

/* noinline: each stage stays a function of its own in the profile, as it
 * would in a larger program where it lives in another file. */

/* Split "user=NAME bytes=N path=/x" into its fields. */
__attribute__((noinline)) static int tokenise(char *line, char **name,
					      long *bytes)
{
	char *save = NULL;
	int found = 0;

	for (char *tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, "user=", 5) == 0) {
			*name = tok + 5;
			found++;
		} else if (strncmp(tok, "bytes=", 6) == 0) {
			*bytes = strtol(tok + 6, NULL, 10);
			found++;
		}
	}
	return found == 2;
}

/* A linear scan over 500 users: the hotspot a hash table would remove. */
__attribute__((noinline)) static struct user *find_user(const char *name)
{
	for (int i = 0; i < USERS; i++)
		if (strcmp(users[i].name, name) == 0)
			return &users[i];
	return NULL;
}

__attribute__((noinline)) static int format_summary(char *out, size_t size,
						    const struct user *u)
{
	return snprintf(out, size, "%-16s %10ld bytes %8.2f KiB\n", u->name,
			u->bytes, (double)u->bytes / 1024.0);
}

static void setup(void)
{
	for (int i = 0; i < USERS; i++)
		snprintf(users[i].name, sizeof users[i].name, "user%03d", i);
	for (int i = 0; i < LINES; i++)
		snprintf(lines[i], sizeof lines[i],
			 "user=user%03d bytes=%d path=/static/%d.css",
			 (i * 7919) % USERS, i * 31, i);
}

BENCHMARK(Report)
{
	char line[64], out[128];
	long total = 0;

	setup();
	while (bench_loop(b)) {
		for (int i = 0; i < LINES; i++) {
			char *name = NULL;
			long bytes = 0;
			memcpy(line, lines[i], sizeof line); /* strtok writes */
			if (!tokenise(line, &name, &bytes))
				continue;
			struct user *u = find_user(name);
			if (u == NULL)
				continue;
			u->bytes += bytes;
			total += format_summary(out, sizeof out, u);
		}
	}
	bench_keep(total);
}

/* For massif: a request that builds its whole report in memory before it
 * sends it, one row per user. Each row gets a 256-byte block "to be safe"
 * although a row needs 48, and the array of rows grows by doubling. The
 * heap profile shows where the peak comes from (one line of this file) and
 * what the allocator adds per block; that four fifths of each block is
 * never written is for you to notice. */
#define ROW_MAX 256

BENCHMARK(ReportAllocating)
{
	setup();
	while (bench_loop(b)) {
		char **rows = NULL;
		size_t nrows = 0, cap = 0;
		for (int i = 0; i < USERS; i++) {
			if (nrows == cap) {
				cap = cap ? 2 * cap : 16;
				rows = realloc(rows, cap * sizeof *rows);
			}
			rows[nrows] = malloc(ROW_MAX);
			format_summary(rows[nrows++], ROW_MAX, &users[i]);
		}
		bench_keep(rows[b->loop_i % nrows][0]);
		for (size_t i = 0; i < nrows; i++)
			free(rows[i]);
		free(rows);
	}
}
