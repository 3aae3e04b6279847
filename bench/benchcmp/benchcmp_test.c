/*
 * benchcmp_test.c - tests of the benchcmp command: its output on
 * testdata/old.txt and new.txt, its flags, and its exit statuses.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchcmp.h"
#include "testutil.h"

/* What one run of the command printed, and its exit status. */
struct run {
	int status;
	char *out, *err;
};

/* Run benchcmp with the given arguments (NULL-terminated list). */
static struct run run_benchcmp(const char *arg, ...)
{
	char *argv[16] = {"benchcmp"};
	int argc = 1;
	va_list ap;
	size_t olen, elen;
	struct run r;

	va_start(ap, arg);
	for (const char *a = arg; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	FILE *out = open_memstream(&r.out, &olen);
	FILE *err = open_memstream(&r.err, &elen);
	cr_assert(out && err);
	r.status = benchcmp_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void run_release(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* The whole content of a file, malloc'd. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;

	cr_assert_not_null(f, "cannot open %s", path);
	ssize_t len = getdelim(&text, &cap, '\0', f);
	cr_assert_geq(len, 0, "cannot read %s", path);
	fclose(f);
	return text;
}

/* Each test runs in its own process: work from testdata/, so that the
 * column labels are "old.txt" and "new.txt" wherever the repo lives. */
static void enter_testdata(void)
{
	cr_assert_eq(chdir(BENCHCMP_TESTDATA), 0,
		     "cannot cd to %s: run the tests from the repository root",
		     BENCHCMP_TESTDATA);
}

Test(benchcmp, testdata_changed_and_unchanged_benchmarks)
{
	enter_testdata();
	struct run r = run_benchcmp("old.txt", "new.txt", NULL);

	cr_assert_eq(r.status, 0, "exit %d, stderr:\n%s", r.status, r.err);
	cr_assert_str_eq(r.err, "");
	/*
	 * strbuf-2 went from a median of 4195 ns to 3357 ns: 3357/4195 - 1
	 * = -19.98%, and all 10 new runs are faster than all 10 old ones,
	 * so p = 2/C(20,10) = 0.00001. naive-2 moved by +0.22% inside the
	 * noise (p = 0.579, see stats_test.c): "~".
	 */
	cr_assert_not_null(strstr(r.out, "Build/pieces=1000/strbuf-2   4.195µ ± "
				  "1%   3.357µ ± 0%  -19.98% (p=0.000 n=10)\n"),
			   "output:\n%s", r.out);
	cr_assert_not_null(strstr(r.out, "Build/pieces=1000/naive-2    12.01µ ± "
				  "1%   12.04µ ± 1%        ~ (p=0.579 n=10)\n"),
			   "output:\n%s", r.out);

	/* And the whole output, layout included, as reviewed by hand. */
	char *expected = slurp("expected.txt");
	cr_assert_str_eq(r.out, expected,
			 "output differs from testdata/expected.txt:\n%s",
			 r.out);
	free(expected);
	run_release(&r);
}

Test(benchcmp, alpha_flag_changes_the_verdict)
{
	enter_testdata();
	/* p = 0.579 <= 0.6: naive-2's +0.22% now counts. Go-style single
	 * dash and GNU-style --flag=value both work. */
	struct run a = run_benchcmp("-alpha", "0.6", "old.txt", "new.txt", NULL);
	struct run b = run_benchcmp("--alpha=0.6", "old.txt", "new.txt", NULL);

	cr_assert_eq(a.status, 0);
	cr_assert_not_null(strstr(a.out, "+0.22% (p=0.579 n=10)"), "%s", a.out);
	cr_assert_str_eq(a.out, b.out);
	run_release(&a);
	run_release(&b);
}

Test(benchcmp, one_file_is_summarized)
{
	enter_testdata();
	struct run r = run_benchcmp("old.txt", NULL);

	cr_assert_eq(r.status, 0);
	cr_assert_not_null(strstr(r.out, "4.195µ ± 1%"));
	cr_assert_null(strstr(r.out, "vs base"));
	run_release(&r);
}

Test(benchcmp, unreadable_file_exits_2)
{
	enter_testdata();
	struct run r = run_benchcmp("old.txt", "no-such-file.txt", NULL);

	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "", "no report when an input is missing");
	cr_assert_not_null(strstr(r.err, "benchcmp: no-such-file.txt: No such "
				  "file or directory"), "stderr: %s", r.err);
	run_release(&r);
}

Test(benchcmp, file_without_benchmarks_exits_2)
{
	char dir[256], path[512];

	make_scratch_dir(dir, sizeof dir);
	write_scratch_file(path, sizeof path, dir, "empty.txt",
			   "goos: linux\nPASS\nBenchmarkBad 1 2 ns/op 3\n");
	struct run r = run_benchcmp(path, NULL);

	cr_assert_eq(r.status, 2);
	cr_assert_not_null(strstr(r.err, "no benchmark results"), "%s", r.err);
	/* the malformed line was reported too */
	cr_assert_not_null(strstr(r.err, "empty.txt:3: malformed"), "%s", r.err);
	run_release(&r);
	remove_scratch_dir(dir);
}

Test(benchcmp, bad_usage_exits_2)
{
	struct run none = run_benchcmp(NULL);
	struct run alpha = run_benchcmp("-alpha", "2", "x.txt", NULL);
	struct run flag = run_benchcmp("-frobnicate", "x.txt", NULL);
	struct run missing = run_benchcmp("x.txt", "-confidence", NULL);

	cr_assert_eq(none.status, 2);
	cr_assert_not_null(strstr(none.err, "usage: benchcmp"));
	cr_assert_eq(alpha.status, 2);
	cr_assert_not_null(strstr(alpha.err, "between 0 and 1"), "%s",
			   alpha.err);
	cr_assert_eq(flag.status, 2);
	cr_assert_not_null(strstr(flag.err, "unknown flag -frobnicate"), "%s",
			   flag.err);
	cr_assert_eq(missing.status, 2);
	cr_assert_not_null(strstr(missing.err, "needs a value"), "%s",
			   missing.err);
	run_release(&none);
	run_release(&alpha);
	run_release(&flag);
	run_release(&missing);
}

Test(benchcmp, help_goes_to_stdout_and_exits_0)
{
	struct run r = run_benchcmp("-h", NULL);

	cr_assert_eq(r.status, 0);
	cr_assert_not_null(strstr(r.out, "-confidence C"));
	run_release(&r);
}
