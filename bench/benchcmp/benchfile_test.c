/*
 * benchfile_test.c - tests of the Go benchmark format reader.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchfile.h"

/* The invariants promised in benchfile.h. */
static void assert_sane_benchfile(const struct benchfile *bf)
{
	cr_assert_leq(bf->nresults, bf->results_alloc);
	cr_assert_leq(bf->nconfigs, bf->configs_alloc);
	for (size_t i = 0; i < bf->nresults; i++) {
		const struct benchfile_result *r = &bf->results[i];
		cr_assert(r->name && r->unit, "result %zu has a NULL string", i);
		cr_assert(isfinite(r->value), "result %zu is %g", i, r->value);
	}
	for (size_t i = 0; i < bf->nconfigs; i++) {
		cr_assert(bf->configs[i].key && bf->configs[i].value);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(bf->configs[i].key,
					  bf->configs[j].key,
					  "config key %s twice",
					  bf->configs[i].key);
	}
}

/* Parse `text` as file "t.txt"; warnings are collected into *warnings
 * (caller frees) if warnings is not NULL. */
static void parse(struct benchfile *bf, const char *text, char **warnings)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	size_t wlen;
	FILE *warn = warnings ? open_memstream(warnings, &wlen) : NULL;

	cr_assert_not_null(in);
	benchfile_init(bf);
	cr_assert_eq(benchfile_read(bf, in, "t.txt", warn), 0,
		     "benchfile_read: %s", strerror(errno));
	fclose(in);
	if (warn)
		fclose(warn);
	assert_sane_benchfile(bf);
}

static void assert_result(const struct benchfile *bf, size_t i,
			  const char *name, double value, const char *unit)
{
	cr_assert_lt(i, bf->nresults, "want at least %zu results, have %zu",
		     i + 1, bf->nresults);
	cr_assert_str_eq(bf->results[i].name, name);
	cr_assert_eq(bf->results[i].value, value, "result %zu: %g, want %g", i,
		     bf->results[i].value, value);
	cr_assert_str_eq(bf->results[i].unit, unit);
}

Test(benchfile, reads_configuration_lines)
{
	struct benchfile bf;

	parse(&bf,
	      "goos: linux\n"
	      "goarch: amd64\n"
	      "pkg: 04-performance/4.5-strbuf\n"
	      "cpu: AMD EPYC 7B13  \n"	/* value keeps inner blanks */
	      "BenchmarkX 1 2 ns/op\n",
	      NULL);
	cr_assert_eq(bf.nconfigs, 4);
	cr_assert_str_eq(bf.configs[0].key, "goos");
	cr_assert_str_eq(benchfile_config(&bf, "goos"), "linux");
	cr_assert_str_eq(benchfile_config(&bf, "pkg"),
			 "04-performance/4.5-strbuf");
	cr_assert_str_eq(benchfile_config(&bf, "cpu"), "AMD EPYC 7B13",
			 "trailing blanks trimmed");
	cr_assert_null(benchfile_config(&bf, "os"));
	benchfile_release(&bf);
}

Test(benchfile, rejects_invalid_config_keys_and_keeps_last_value)
{
	struct benchfile bf;

	parse(&bf,
	      "Goos: upper-case first letter\n"
	      "has space: in the key\n"
	      "camelCase: upper-case inside\n"
	      "url:http://no-blank-after-colon\n"
	      "note: first\n"
	      "note: second\n",	/* a later line overrides */
	      NULL);
	cr_assert_eq(bf.nconfigs, 1, "only note: is a key, got %zu",
		     bf.nconfigs);
	cr_assert_str_eq(benchfile_config(&bf, "note"), "second");
	benchfile_release(&bf);
}

Test(benchfile, result_line_keeps_procs_suffix_and_all_units)
{
	struct benchfile bf;

	parse(&bf,
	      "BenchmarkBuild/pieces=1000/strbuf-2\t   54545\t      4188 ns/op"
	      "\t1910.15 MB/s\t     16320 B/op\t         8.000 allocs/op\n",
	      NULL);
	cr_assert_eq(bf.nlines, 1);
	cr_assert_eq(bf.nresults, 4, "4 value-unit pairs, got %zu",
		     bf.nresults);
	assert_result(&bf, 0, "Build/pieces=1000/strbuf-2", 4188, "ns/op");
	assert_result(&bf, 1, "Build/pieces=1000/strbuf-2", 1910.15, "MB/s");
	assert_result(&bf, 2, "Build/pieces=1000/strbuf-2", 16320, "B/op");
	assert_result(&bf, 3, "Build/pieces=1000/strbuf-2", 8, "allocs/op");
	cr_assert_eq(bf.results[3].line, 1);
	benchfile_release(&bf);
}

Test(benchfile, ignores_lines_that_are_not_results_or_config)
{
	struct benchfile bf;
	char *warnings;

	parse(&bf,
	      "PASS\n"
	      "FAIL\n"
	      "--- FAIL: BenchmarkBroken-2\n"
	      "    strbuf_bench.c:42: wrong length\n"
	      "ok  \t04-performance/4.5-strbuf\t1.2s\n"
	      "Benchmarking is fun 1 2 ns/op\n"	/* lower case after */
	      "  BenchmarkIndented 1 2 ns/op\n"
	      "\n"
	      "BenchmarkReal-2 10 5 ns/op\n",
	      &warnings);
	cr_assert_eq(bf.nlines, 1, "only BenchmarkReal-2 counts");
	assert_result(&bf, 0, "Real-2", 5, "ns/op");
	cr_assert_eq(bf.nmalformed, 0);
	cr_assert_eq(bf.nconfigs, 0, "no line above is a config line");
	cr_assert_str_eq(warnings, "", "ignored lines are not warned about");
	free(warnings);
	benchfile_release(&bf);
}

Test(benchfile, malformed_result_lines_are_skipped_with_a_warning)
{
	struct benchfile bf;
	char *warnings;

	parse(&bf,
	      "BenchmarkOdd 100 5 ns/op 7\n"		/* 5 fields */
	      "BenchmarkShort 100\n"			/* 2 fields */
	      "BenchmarkIters abc 5 ns/op\n"		/* iterations */
	      "BenchmarkValue 100 fast ns/op\n"	/* value */
	      "BenchmarkNaN 100 nan ns/op\n"		/* not finite */
	      "BenchmarkHalf 100 5 ns/op x B/op\n"	/* bad 2nd value */
	      "BenchmarkGood 100 5 ns/op\n",
	      &warnings);
	cr_assert_eq(bf.nmalformed, 6, "6 bad lines, counted %zu",
		     bf.nmalformed);
	cr_assert_eq(bf.nlines, 1);
	cr_assert_eq(bf.nresults, 1,
		     "a bad line contributes nothing, not even its good "
		     "first value; got %zu results", bf.nresults);
	assert_result(&bf, 0, "Good", 5, "ns/op");
	cr_assert_not_null(strstr(warnings, "t.txt:1: malformed benchmark "
				  "line: 5 fields"),
			   "warnings were:\n%s", warnings);
	cr_assert_not_null(strstr(warnings, "t.txt:3: malformed benchmark "
				  "line: iteration count \"abc\""));
	cr_assert_not_null(strstr(warnings, "t.txt:6:"));
	free(warnings);
	benchfile_release(&bf);
}

Test(benchfile, harness_warnings_read_as_configuration)
{
	struct benchfile bf;

	/* bench.c prints "warning: ..." on stderr; captured with 2>&1 it is
	 * a valid config line by the format's rules (lower-case key, colon,
	 * blank), as it would be for benchstat. */
	parse(&bf, "warning: no instruction counter\nBenchmarkX 1 2 ns/op\n",
	      NULL);
	cr_assert_str_eq(benchfile_config(&bf, "warning"),
			 "no instruction counter");
	cr_assert_eq(bf.nresults, 1);
	benchfile_release(&bf);
}

Test(benchfile, accepts_crlf_line_endings)
{
	struct benchfile bf;

	parse(&bf, "goos: windows\r\nBenchmarkX-8 10 5 ns/op\r\n", NULL);
	cr_assert_str_eq(benchfile_config(&bf, "goos"), "windows");
	assert_result(&bf, 0, "X-8", 5, "ns/op");
	benchfile_release(&bf);
}

Test(benchfile, repeated_benchmarks_are_separate_samples)
{
	struct benchfile bf;

	parse(&bf,
	      "BenchmarkA-2 10 5 ns/op\n"
	      "BenchmarkA-2 10 6 ns/op\n"
	      "BenchmarkA-2 10 7 ns/op\n",
	      NULL);
	cr_assert_eq(bf.nresults, 3);
	assert_result(&bf, 2, "A-2", 7, "ns/op");
	benchfile_release(&bf);
}

Test(benchfile, load_reports_missing_file)
{
	struct benchfile bf;

	benchfile_init(&bf);
	cr_assert_eq(benchfile_load(&bf, "/nonexistent/old.txt", NULL), -1);
	cr_assert_eq(errno, ENOENT, "errno %d, want ENOENT", errno);
	benchfile_release(&bf);
}

Test(benchfile, load_reports_a_directory)
{
	struct benchfile bf;

	benchfile_init(&bf);
	cr_assert_eq(benchfile_load(&bf, "/", NULL), -1,
		     "reading a directory must fail");
	cr_assert_eq(errno, EISDIR, "errno %d, want EISDIR", errno);
	benchfile_release(&bf);
}

Test(benchfile, release_leaves_it_reusable)
{
	struct benchfile bf;

	parse(&bf, "k: v\nBenchmarkA 1 2 ns/op\n", NULL);
	benchfile_release(&bf);
	cr_assert_eq(bf.nresults, 0);
	cr_assert_null(bf.results);
	cr_assert_null(bf.path);
	parse(&bf, "BenchmarkB 1 3 ns/op\n", NULL);
	assert_result(&bf, 0, "B", 3, "ns/op");
	benchfile_release(&bf);
}
