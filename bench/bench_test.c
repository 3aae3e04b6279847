/*
 * bench_test.c - the harness's self-test: the scaling rule, the -bench
 * filter, exact allocation counts across threads, exact coverage of
 * parallel runs, Go-format output, JSON output, and (under callgrind) that
 * bench_keep() keeps a pure computation the optimiser would delete.
 *
 * Each test runs bench_main() in its own process (Criterion forks per
 * test), with stdout and stderr captured into files it then reads.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_count.h"
#include "bench.h"
#include "bench_internal.h"

/* ---- Running the harness in-process ------------------------------------- */

struct captured {
	char *out; /* stdout */
	char *err; /* stderr */
	int status;
};

static char *slurp(FILE *f)
{
	long len;
	char *s;

	fflush(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)len + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)len, f), (size_t)len);
	return s;
}

/* Run bench_main with the given flags (NULL-terminated). */
static struct captured run_harness(const char *first, ...)
{
	char *argv[32] = {"bench"};
	int argc = 1;
	va_list ap;
	struct captured c;
	FILE *out = tmpfile(), *err = tmpfile();
	int saved_out = dup(1), saved_err = dup(2);

	va_start(ap, first);
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	c.status = bench_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	c.out = slurp(out);
	c.err = slurp(err);
	fclose(out);
	fclose(err);
	return c;
}

static void free_captured(struct captured *c)
{
	free(c->out);
	free(c->err);
}

/* The result line of benchmark `name` (with -P suffix if any), or NULL. */
static const char *result_line(const char *out, const char *name, char *line,
			       size_t size)
{
	size_t nlen = strlen(name);

	for (const char *p = out; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen && strncmp(p, name, nlen) == 0 &&
		    (p[nlen] == ' ' || p[nlen] == '\t')) {
			snprintf(line, size, "%.*s", (int)len, p);
			return line;
		}
		p += len + (end ? 1 : 0);
	}
	return NULL;
}

/* The value printed before `unit` on a result line. */
static double metric(const char *line, const char *unit)
{
	char copy[2048], *save = NULL, *prev = NULL;

	snprintf(copy, sizeof copy, "%s", line);
	for (char *tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (prev && strcmp(tok, unit) == 0)
			return strtod(prev, NULL);
		prev = tok;
	}
	cr_assert_fail("no \"%s\" on line: %s", unit, line);
	return 0;
}

static int count_lines_starting(const char *out, const char *prefix)
{
	int n = 0;
	size_t plen = strlen(prefix);

	for (const char *p = out; *p;) {
		if (strncmp(p, prefix, plen) == 0)
			n++;
		const char *end = strchr(p, '\n');
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

/* ---- Benchmarks the tests run -------------------------------------------- */

/* Records every n the harness asks for. */
static long seen_n[64];
static int nseen;

/* A fixed amount of work per call that the optimiser cannot remove. */
static void spin(long iterations)
{
	uint64_t x = 0;

	for (long i = 0; i < iterations; i++) {
		x += (uint64_t)i;
		bench_keep(x);
	}
}

BENCHMARK(Scaling)
{
	if (nseen < 64)
		seen_n[nseen++] = b->n;
	for (long i = 0; i < b->n; i++)
		spin(50);
}

static int ran_alpha_x1, ran_alpha_x2, ran_alpha_y1, ran_beta;

static void alpha_x1(struct bench *b) { ran_alpha_x1++; bench_keep(b->n); }
static void alpha_x2(struct bench *b) { ran_alpha_x2++; bench_keep(b->n); }
static void alpha_y1(struct bench *b) { ran_alpha_y1++; bench_keep(b->n); }

BENCHMARK(Alpha)
{
	bench_run(b, alpha_x1, NULL, "x=%d", 1);
	bench_run(b, alpha_x2, NULL, "x=%d", 2);
	bench_run(b, alpha_y1, NULL, "y=1");
}

BENCHMARK(Beta)
{
	ran_beta++;
	bench_keep(b->n);
}

/* Exactly 3 allocations of 100 bytes per op, plus one outside the timer. */
BENCHMARK(ThreeAllocs)
{
	for (long i = 0; i < b->n; i++) {
		void *p[3];
		for (int k = 0; k < 3; k++) {
			p[k] = malloc(100);
			bench_escape(p[k]);
		}
		for (int k = 0; k < 3; k++)
			free(p[k]);
		bench_stop_timer(b);
		void *q = malloc(1000); /* not timed, so not counted */
		bench_escape(q);
		free(q);
		bench_start_timer(b);
	}
}

static void alloc_body(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb)) {
		void *p = malloc(48);
		bench_escape(p);
		free(p);
	}
}

BENCHMARK(ParallelAllocs)
{
	bench_run_parallel(b, alloc_body, NULL);
}

/* Checks inside the run that the threads covered exactly b->n. */
static long coverage_errors;

static void count_body(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	while (bench_pb_next(pb))
		spin(3);
}

BENCHMARK(Coverage)
{
	bench_run_parallel(b, count_body, NULL);
	uint64_t total = 0;
	for (int i = 0; i < bench_pb_last_threads_; i++)
		total += bench_pb_last_done_[i];
	if (total != (uint64_t)b->n || bench_pb_last_threads_ != bench_procs(b))
		coverage_errors++;
}

static void quitter_body(struct bench_pb *pb, void *arg, int id)
{
	(void)arg;
	(void)id;
	bench_pb_next(pb); /* one iteration, then gives up: a bug */
}

BENCHMARK(ParallelQuitter)
{
	bench_run_parallel(b, quitter_body, NULL);
}

BENCHMARK(Metrics)
{
	bench_set_bytes(b, 1000);
	for (long i = 0; i < b->n; i++)
		spin(20);
	bench_report_metric(b, 42.5, "widgets/op");
	bench_report_metric(b, 7, "gadgets/op");
}

BENCHMARK(Fails)
{
	bench_keep(b->n);
	bench_fail(b, "wrong answer: %d", 41);
}

/* What a benchmark whose body the compiler deleted looks like: it reports
 * (through the ns/op override Go also allows) the 0.29 ns/op an empty loop
 * measures here, so the check does not depend on how busy the machine is.
 * That real deletion is caught is bench_keep_keeps_a_pure_computation_alive's
 * job, under callgrind. */
BENCHMARK(Deleted)
{
	for (long i = 0; i < b->n; i++) {
	}
	bench_report_metric(b, 0.29, "ns/op");
}

/* ---- The scaling rule ----------------------------------------------------- */

Test(harness, predict_n_follows_go_rules)
{
	/* 1 iteration took 1 µs; aim for 1 s: 1e6 * 1.2, capped at 100x the
	 * last n (1) = 100. */
	cr_assert_eq(bench_predict_n(1000000000, 1, 1000, 1), 100);
	/* 100 took 1 ms: aim 1e5 * 1.2 = 120000, cap 100 * 100 = 10000. */
	cr_assert_eq(bench_predict_n(1000000000, 100, 1000000, 100), 10000);
	/* 10000 took 100 ms: 1e5 * 1.2 = 120000, under the cap of 1e6. */
	cr_assert_eq(bench_predict_n(1000000000, 10000, 100000000, 10000), 120000);
	/* slower than the goal already: at least one more than last */
	cr_assert_eq(bench_predict_n(1000000000, 5, 2000000000, 5), 6);
	/* a 0 ns run counts as 1 ns and never exceeds 1e9 iterations */
	cr_assert_eq(bench_predict_n(1000000000, 100000000, 0, 100000000),
		     1000000000);
	/* no overflow on huge products: 1e9 * 1e9 does not fit in int64 */
	cr_assert_eq(bench_predict_n(1000000000, 1000000000, 1, 1000000000),
		     1000000000);
}

Test(harness, n_grows_by_the_scaling_rule_until_the_budget_is_filled)
{
	struct captured c = run_harness("-bench", "^BenchmarkScaling$",
					"-benchtime", "30ms", "-cpu", "1", NULL);
	char line[2048];

	cr_assert_eq(c.status, 0, "stderr: %s", c.err);
	cr_assert_geq(nseen, 2, "expected a probe run and a measured run");
	cr_assert_eq(seen_n[0], 1, "the first run must have n = 1");
	for (int i = 1; i < nseen; i++) {
		cr_assert_gt(seen_n[i], seen_n[i - 1], "n must grow: %ld then %ld",
			     seen_n[i - 1], seen_n[i]);
		cr_assert_leq(seen_n[i], 100 * seen_n[i - 1],
			      "n grew more than 100x: %ld then %ld",
			      seen_n[i - 1], seen_n[i]);
	}
	cr_assert_not_null(result_line(c.out, "BenchmarkScaling", line, sizeof line),
			   "no result line in:\n%s", c.out);
	long reported = strtol(line + strlen("BenchmarkScaling"), NULL, 10);
	cr_assert_eq(reported, seen_n[nseen - 1],
		     "the reported N (%ld) must be the last run's n (%ld)",
		     reported, seen_n[nseen - 1]);
	/* The loop stops only once a run filled the budget: N x ns/op >= 30 ms. */
	double total_ns = (double)reported * metric(line, "ns/op");
	cr_assert_geq(total_ns, 30e6 * 0.999, "the last run lasted %.0f ns, "
		      "less than -benchtime", total_ns);
	free_captured(&c);
}

Test(harness, benchtime_x_runs_exactly_that_many_iterations)
{
	struct captured c = run_harness("-bench", "Scaling", "-benchtime", "37x",
					"-cpu", "1", NULL);
	char line[2048];

	cr_assert_eq(nseen, 2, "want the probe run and one run, got %d runs", nseen);
	cr_assert_eq(seen_n[0], 1);
	cr_assert_eq(seen_n[1], 37);
	cr_assert_not_null(result_line(c.out, "BenchmarkScaling", line, sizeof line));
	cr_assert_eq(strtol(line + strlen("BenchmarkScaling"), NULL, 10), 37);
	free_captured(&c);
}

/* ---- The filter ----------------------------------------------------------- */

static void reset_ran(void)
{
	ran_alpha_x1 = ran_alpha_x2 = ran_alpha_y1 = ran_beta = 0;
}

Test(harness, bench_regex_matches_each_level_separately)
{
	struct captured c;

	reset_ran();
	c = run_harness("-bench", "Alpha/x=2", "-benchtime", "5x", "-cpu", "1", NULL);
	cr_assert(ran_alpha_x2 > 0 && ran_alpha_x1 == 0 && ran_alpha_y1 == 0 &&
		  ran_beta == 0, "Alpha/x=2 ran x1=%d x2=%d y1=%d beta=%d",
		  ran_alpha_x1, ran_alpha_x2, ran_alpha_y1, ran_beta);
	cr_assert_eq(count_lines_starting(c.out, "Benchmark"), 1, "%s", c.out);
	free_captured(&c);

	reset_ran();
	c = run_harness("-bench", "^BenchmarkAlpha$/[xy]=1", "-benchtime", "5x",
			"-cpu", "1", NULL);
	cr_assert(ran_alpha_x1 > 0 && ran_alpha_y1 > 0 && ran_alpha_x2 == 0,
		  "[xy]=1 ran x1=%d x2=%d y1=%d", ran_alpha_x1, ran_alpha_x2,
		  ran_alpha_y1);
	free_captured(&c);

	reset_ran();
	c = run_harness("-bench", "Alpha/(x=1|y=1)", "-benchtime", "5x", "-cpu",
			"1", NULL);
	cr_assert(ran_alpha_x1 > 0 && ran_alpha_y1 > 0 && ran_alpha_x2 == 0,
		  "a group at level 2 ran x1=%d x2=%d y1=%d", ran_alpha_x1,
		  ran_alpha_x2, ran_alpha_y1);
	free_captured(&c);

	reset_ran();
	c = run_harness("-bench", "Beta", "-benchtime", "5x", "-cpu", "1", NULL);
	cr_assert(ran_beta > 0 && ran_alpha_x1 + ran_alpha_x2 + ran_alpha_y1 == 0,
		  "-bench Beta ran Alpha's children");
	free_captured(&c);

	reset_ran();
	c = run_harness("-bench", "NoSuchBenchmark", NULL);
	cr_assert_eq(count_lines_starting(c.out, "Benchmark"), 0);
	cr_assert_eq(ran_beta + ran_alpha_x1, 0);
	free_captured(&c);
}

Test(harness, a_bad_regex_is_an_error_not_a_crash)
{
	struct captured c = run_harness("-bench", "a(b", NULL);

	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "bad -bench pattern"), "stderr: %s", c.err);
	free_captured(&c);
}

/* ---- Allocation counting -------------------------------------------------- */

Test(harness, allocs_per_op_are_exact_and_untimed_ones_are_not_counted)
{
	struct captured c = run_harness("-bench", "ThreeAllocs", "-benchtime",
					"1000x", "-cpu", "1", NULL);
	char line[2048];

	cr_assert_not_null(result_line(c.out, "BenchmarkThreeAllocs", line,
				       sizeof line), "%s", c.out);
	cr_assert_eq(metric(line, "allocs/op"), 3.0, "line: %s", line);
	cr_assert_eq(metric(line, "B/op"), 300.0, "line: %s", line);
	free_captured(&c);
}

Test(harness, parallel_allocations_on_every_thread_are_counted)
{
	struct captured c = run_harness("-bench", "ParallelAllocs", "-benchtime",
					"20000x", "-cpu", "2", NULL);
	char line[2048];

	cr_assert_not_null(result_line(c.out, "BenchmarkParallelAllocs-2", line,
				       sizeof line), "%s", c.out);
	cr_assert_eq(metric(line, "allocs/op"), 1.0, "line: %s", line);
	cr_assert_eq(metric(line, "B/op"), 48.0, "line: %s", line);
	free_captured(&c);
}

static void *five_allocs(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		void *p = malloc(10);
		bench_escape(p);
		free(p);
	}
	return NULL;
}

Test(harness, counter_sees_other_threads_strdup_and_fopen)
{
	pthread_t t;

	cr_assert(alloc_count_active(), "alloc_count.o is not in this binary");
	struct alloc_stats before = alloc_count_read();
	pthread_create(&t, NULL, five_allocs, NULL);
	pthread_join(t, NULL);
	struct alloc_stats d = alloc_count_since(before);
	/* pthread_create may allocate the thread's stack with mmap (not
	 * counted) but glibc also mallocs a little for TLS: at least 5. */
	cr_assert_geq(d.allocs, 5, "another thread's 5 mallocs: counted %llu",
		      d.allocs);
	cr_assert_geq(d.frees, 5);

	before = alloc_count_read();
	char *s = strdup("hello");
	bench_escape(s); /* or clang removes the strdup/free pair */
	d = alloc_count_since(before);
	cr_assert_eq(d.allocs, 1, "strdup allocates once inside libc");
	cr_assert_eq(d.bytes, 6, "strdup(\"hello\") asks for 6 bytes");
	free(s);

	before = alloc_count_read();
	FILE *f = fopen("/dev/null", "r");
	d = alloc_count_since(before);
	cr_assert_geq(d.allocs, 1, "fopen allocates its FILE inside libc");
	fclose(f);

	before = alloc_count_read();
	void *p = malloc(10);
	bench_escape(p);
	p = realloc(p, 1000);
	bench_escape(p);
	free(p);
	d = alloc_count_since(before);
	cr_assert_eq(d.allocs, 2, "malloc + realloc are 2 allocations");
	cr_assert_eq(d.bytes, 1010);
#ifndef ALLOC_COUNT_SANITIZER
	cr_assert_eq(d.reallocs, 1);
	cr_assert_eq(d.frees, 1);
#else
	/* the sanitizer's hooks see realloc as a new block and a free */
	cr_assert_eq(d.frees, 2);
#endif
}

/* ---- Parallel coverage ---------------------------------------------------- */

Test(harness, parallel_benchmarks_cover_exactly_n)
{
	struct captured c = run_harness("-bench", "Coverage", "-benchtime",
					"10007x", "-cpu", "1,2,3,8", NULL);

	cr_assert_eq(c.status, 0, "%s%s", c.out, c.err);
	cr_assert_eq(coverage_errors, 0, "a parallel run did not cover exactly "
		     "b->n iterations");
	cr_assert_eq(count_lines_starting(c.out, "BenchmarkCoverage"), 4, "%s",
		     c.out);
	free_captured(&c);

	c = run_harness("-bench", "Coverage", "-benchtime", "20ms", "-cpu", "2",
			NULL);
	cr_assert_eq(coverage_errors, 0, "time-based runs must cover b->n too");
	free_captured(&c);
}

Test(harness, a_parallel_body_that_stops_early_fails_the_benchmark)
{
	struct captured c = run_harness("-bench", "ParallelQuitter", "-benchtime",
					"100x", "-cpu", "2", NULL);

	cr_assert_eq(c.status, 1);
	cr_assert(strstr(c.out, "--- FAIL: BenchmarkParallelQuitter-2"), "%s",
		  c.out);
	free_captured(&c);
}

/* ---- Output --------------------------------------------------------------- */

/* Go's benchmark data format (golang.org/design/14313): a configuration
 * line is "key: value" with a lower-case key without spaces; a result line
 * is a name starting "Benchmark" followed by an upper-case letter, digit,
 * '/', '-' or end, then an iteration count, then (value, unit) pairs. */
static void assert_go_format(const char *out)
{
	regex_t config, result;
	char line[4096];

	cr_assert_eq(regcomp(&config, "^[a-z][^ :]*: ", REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(regcomp(&result, "^Benchmark([A-Z0-9/_-]|$)",
			     REG_EXTENDED | REG_NOSUB), 0);
	for (const char *p = out; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (end ? 1 : 0);
		if (strcmp(line, "PASS") == 0 || strcmp(line, "FAIL") == 0 ||
		    regexec(&config, line, 0, NULL, 0) == 0)
			continue;
		cr_assert_eq(regexec(&result, line, 0, NULL, 0), 0,
			     "line is neither config nor result: \"%s\"", line);
		char *save = NULL, *fields[64];
		int n = 0;
		for (char *t = strtok_r(line, " \t", &save); t && n < 64;
		     t = strtok_r(NULL, " \t", &save))
			fields[n++] = t;
		cr_assert(n >= 4 && n % 2 == 0, "a result line has an even number "
			  "(>= 4) of fields, this one %d", n);
		char *e;
		strtol(fields[1], &e, 10);
		cr_assert(*e == '\0', "iterations \"%s\" is not an integer", fields[1]);
		for (int i = 2; i < n; i += 2) {
			strtod(fields[i], &e);
			cr_assert(*e == '\0', "value \"%s\" is not a number", fields[i]);
			cr_assert(strchr(fields[i + 1], ' ') == NULL);
		}
	}
	regfree(&config);
	regfree(&result);
}

Test(harness, every_output_line_parses_as_go_benchmark_format)
{
	struct captured c = run_harness("-bench", "Metrics|Alpha|ThreeAllocs",
					"-benchtime", "200x", "-cpu", "1,2",
					"-count", "2", "-pkg", "selftest", NULL);
	char line[2048];

	cr_assert_eq(c.status, 0);
	cr_assert(strstr(c.out, "goos: linux\n"), "%s", c.out);
	cr_assert(strstr(c.out, "pkg: selftest\n"));
	cr_assert(strstr(c.out, "cpu: "));
	assert_go_format(c.out);
	cr_assert_eq(count_lines_starting(c.out, "BenchmarkMetrics-2"), 2,
		     "-count 2 -cpu 1,2: two lines per (benchmark, procs)");
	cr_assert_not_null(result_line(c.out, "BenchmarkMetrics", line, sizeof line));
	cr_assert_eq(metric(line, "widgets/op"), 42.5);
	cr_assert_eq(metric(line, "gadgets/op"), 7);
	cr_assert_gt(metric(line, "MB/s"), 0);
	cr_assert(strstr(line, "gadgets/op") < strstr(line, "widgets/op") &&
		  strstr(line, "widgets/op") < strstr(line, "B/op"),
		  "Go's column order: custom units sorted, B/op and allocs/op "
		  "last: %s", line);
	free_captured(&c);
}

Test(harness, json_output_carries_the_same_figures)
{
	struct captured c = run_harness("-bench", "ThreeAllocs|Metrics",
					"-benchtime", "100x", "-cpu", "1",
					"-json", NULL);
	json_error_t err;
	json_t *doc = json_loads(c.out, 0, &err);

	cr_assert_not_null(doc, "not JSON: %s\n%s", err.text, c.out);
	json_t *list = json_object_get(doc, "benchmarks");
	cr_assert(json_is_array(list));
	cr_assert_eq(json_array_size(list), 2);
	json_t *first = json_array_get(list, 0);
	cr_assert_str_eq(json_string_value(json_object_get(first, "name")),
			 "BenchmarkThreeAllocs");
	cr_assert_eq(json_integer_value(json_object_get(first, "n")), 100);
	json_t *m = json_object_get(first, "metrics");
	cr_assert_eq(json_real_value(json_object_get(m, "allocs/op")), 3.0);
	cr_assert_eq(json_real_value(json_object_get(m, "B/op")), 300.0);
	cr_assert(json_is_real(json_object_get(m, "ns/op")));
	json_t *second = json_array_get(list, 1);
	m = json_object_get(second, "metrics");
	cr_assert_eq(json_real_value(json_object_get(m, "widgets/op")), 42.5);
	cr_assert(json_is_array(json_object_get(doc, "warnings")));
	json_decref(doc);
	free_captured(&c);
}

Test(harness, a_failed_benchmark_is_reported_and_exits_1)
{
	struct captured c = run_harness("-bench", "Fails", "-benchtime", "10x",
					"-cpu", "1", NULL);

	cr_assert_eq(c.status, 1);
	cr_assert(strstr(c.out, "--- FAIL: BenchmarkFails\n    wrong answer: 41"),
		  "%s", c.out);
	cr_assert(strstr(c.out, "\nFAIL\n"));
	free_captured(&c);
}

Test(harness, a_deleted_loop_body_is_warned_about_once)
{
	struct captured c = run_harness("-bench", "Deleted", "-benchtime", "10ms",
					"-cpu", "1,2", "-count", "3", NULL);
	int n = 0;

	for (const char *p = c.err; (p = strstr(p, "probably deleted")); p++)
		n++;
	cr_assert_eq(n, 1, "want the warning once in 6 runs, got %d:\n%s", n,
		     c.err);
	free_captured(&c);
}

Test(harness, bad_flags_are_errors_with_a_message)
{
	struct captured c = run_harness("-benchtime", "fast", NULL);

	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "bad -benchtime"), "%s", c.err);
	free_captured(&c);
	c = run_harness("-cpu", "0", NULL);
	cr_assert_eq(c.status, 2);
	free_captured(&c);
	c = run_harness("-frobnicate", NULL);
	cr_assert_eq(c.status, 2);
	cr_assert(strstr(c.err, "unknown flag"), "%s", c.err);
	free_captured(&c);
}

/* ---- The barrier, judged by callgrind -------------------------------------- */

/* The harness binary sits next to this test binary (see the Makefile). */
static void harness_path(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	cr_assert_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(out, size, "%s/harness", self);
}

Test(harness, callgrind_counts_kept_work_and_worker_threads, .timeout = 120)
{
	char harness[PATH_MAX + 16], cmd[4 * PATH_MAX];
	char dir[] = "/tmp/bench-test-XXXXXX";

#ifdef ALLOC_COUNT_SANITIZER
	cr_skip_test("valgrind cannot run sanitizer builds");
#endif
	if (system("valgrind --version >/dev/null 2>&1") != 0)
		cr_skip_test("valgrind is not installed");
	harness_path(harness, sizeof harness);
	cr_assert(access(harness, X_OK) == 0, "%s is missing: make it first",
		  harness);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
		 "cd %s && BENCH_CALLGRIND_OUT=%s/cg.out valgrind -q "
		 "--tool=callgrind --collect-atstart=no "
		 "--callgrind-out-file=%s/cg.out %s -bench "
		 "'Barrier|MallocFree/kept|dropped|^counted-parallel' "
		 "-benchtime 1000x -cpu 1 > out.txt 2>err.txt", dir, dir, dir,
		 harness);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s failed", cmd);

	char path[PATH_MAX], line[2048];
	snprintf(path, sizeof path, "%s/out.txt", dir);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char *out = slurp(f);
	fclose(f);
	cr_assert_not_null(result_line(out, "BenchmarkBarrier/kept", line,
				       sizeof line), "%s", out);
	double kept = metric(line, "instructions/op");
	cr_assert_not_null(result_line(out, "BenchmarkBarrier/dropped", line,
				       sizeof line), "%s", out);
	double dropped = metric(line, "instructions/op");
	/* mix() is 10 rounds of 5 instructions: at least 50 when it runs. */
	cr_assert_geq(kept, 50, "with bench_keep the mixer must run: %.1f "
		      "instructions/op", kept);
	/* What is left is bench_loop's own compare-and-increment: about 7. */
	cr_assert_leq(dropped, 15, "without it gcc deletes the mixer, leaving "
		      "the loop: %.1f instructions/op", dropped);
	/* The threads of a parallel benchmark are counted too: a malloc+free
	 * pair is over a hundred instructions, on whichever thread runs it. */
	cr_assert_not_null(result_line(out, "BenchmarkMallocFree/counted-parallel",
				       line, sizeof line), "%s", out);
	double parallel = metric(line, "instructions/op");
	cr_assert_geq(parallel, 100, "a parallel benchmark's worker threads must "
		      "be counted: %.1f instructions/op", parallel);
	free(out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
