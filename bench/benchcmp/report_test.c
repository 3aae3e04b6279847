/*
 * report_test.c - tests of report.c: grouping, statistics per cell, and
 * the printed table, end to end from files in a scratch directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "testutil.h"

/*
 * Old and new runs of four benchmarks plus one on each side only:
 *   Fast-2     100..109 ns vs 80..89 ns: every new value below every old
 *   Same-2     200,202..218 vs 201,203..219: interleaved
 *   Few-2      3 runs each, separated
 *   OnlyOld-2  6 runs, old file only; OnlyNew-2, new file only
 * The cpu: line differs between the files.
 */
static const char old_txt[] =
	"goos: linux\n"
	"cpu: Test CPU\n"
	"BenchmarkFast-2 1000 100 ns/op\nBenchmarkFast-2 1000 101 ns/op\n"
	"BenchmarkFast-2 1000 102 ns/op\nBenchmarkFast-2 1000 103 ns/op\n"
	"BenchmarkFast-2 1000 104 ns/op\nBenchmarkFast-2 1000 105 ns/op\n"
	"BenchmarkFast-2 1000 106 ns/op\nBenchmarkFast-2 1000 107 ns/op\n"
	"BenchmarkFast-2 1000 108 ns/op\nBenchmarkFast-2 1000 109 ns/op\n"
	"BenchmarkSame-2 1000 200 ns/op\nBenchmarkSame-2 1000 202 ns/op\n"
	"BenchmarkSame-2 1000 204 ns/op\nBenchmarkSame-2 1000 206 ns/op\n"
	"BenchmarkSame-2 1000 208 ns/op\nBenchmarkSame-2 1000 210 ns/op\n"
	"BenchmarkSame-2 1000 212 ns/op\nBenchmarkSame-2 1000 214 ns/op\n"
	"BenchmarkSame-2 1000 216 ns/op\nBenchmarkSame-2 1000 218 ns/op\n"
	"BenchmarkFew-2 1000 50 ns/op\nBenchmarkFew-2 1000 51 ns/op\n"
	"BenchmarkFew-2 1000 52 ns/op\n"
	"BenchmarkOnlyOld-2 1000 10 ns/op\nBenchmarkOnlyOld-2 1000 11 ns/op\n"
	"BenchmarkOnlyOld-2 1000 12 ns/op\nBenchmarkOnlyOld-2 1000 13 ns/op\n"
	"BenchmarkOnlyOld-2 1000 14 ns/op\nBenchmarkOnlyOld-2 1000 15 ns/op\n"
	"PASS\n";

static const char new_txt[] =
	"goos: linux\n"
	"cpu: Other CPU\n"
	"BenchmarkFast-2 1000 80 ns/op\nBenchmarkFast-2 1000 81 ns/op\n"
	"BenchmarkFast-2 1000 82 ns/op\nBenchmarkFast-2 1000 83 ns/op\n"
	"BenchmarkFast-2 1000 84 ns/op\nBenchmarkFast-2 1000 85 ns/op\n"
	"BenchmarkFast-2 1000 86 ns/op\nBenchmarkFast-2 1000 87 ns/op\n"
	"BenchmarkFast-2 1000 88 ns/op\nBenchmarkFast-2 1000 89 ns/op\n"
	"BenchmarkSame-2 1000 201 ns/op\nBenchmarkSame-2 1000 203 ns/op\n"
	"BenchmarkSame-2 1000 205 ns/op\nBenchmarkSame-2 1000 207 ns/op\n"
	"BenchmarkSame-2 1000 209 ns/op\nBenchmarkSame-2 1000 211 ns/op\n"
	"BenchmarkSame-2 1000 213 ns/op\nBenchmarkSame-2 1000 215 ns/op\n"
	"BenchmarkSame-2 1000 217 ns/op\nBenchmarkSame-2 1000 219 ns/op\n"
	"BenchmarkFew-2 1000 40 ns/op\nBenchmarkFew-2 1000 41 ns/op\n"
	"BenchmarkFew-2 1000 42 ns/op\n"
	"BenchmarkOnlyNew-2 1000 30 ns/op\nBenchmarkOnlyNew-2 1000 31 ns/op\n"
	"BenchmarkOnlyNew-2 1000 32 ns/op\nBenchmarkOnlyNew-2 1000 33 ns/op\n"
	"BenchmarkOnlyNew-2 1000 34 ns/op\nBenchmarkOnlyNew-2 1000 35 ns/op\n"
	"PASS\n";

/* Scratch state of one test: two files on disk, loaded, and a report. */
struct fixture {
	char dir[256];
	struct benchfile files[2];
	struct report report;
	char *output;		/* what report_print wrote */
};

/* Write the two texts, load them, build and print the report. */
static void run(struct fixture *fx, const char *old_text,
		const char *new_text, size_t nfiles, double alpha)
{
	const char *texts[2] = {old_text, new_text};
	const char *names[2] = {"old.txt", "new.txt"};
	size_t len;

	/* Work inside the scratch directory so that the column labels are
	 * the short names. Each Criterion test runs in its own process, so
	 * changing directory does not leak into other tests. */
	make_scratch_dir(fx->dir, sizeof fx->dir);
	cr_assert_eq(chdir(fx->dir), 0);
	for (size_t f = 0; f < nfiles; f++) {
		char path[512];
		write_scratch_file(path, sizeof path, ".", names[f],
				   texts[f]);
		benchfile_init(&fx->files[f]);
		cr_assert_eq(benchfile_load(&fx->files[f], names[f], NULL), 0,
			     "load %s: %s", names[f], strerror(errno));
	}
	report_init(&fx->report, alpha, 0.95);
	cr_assert_eq(report_build(&fx->report, fx->files, nfiles), 0);
	cr_assert(report_check(&fx->report), "report invariants broken");

	FILE *out = open_memstream(&fx->output, &len);
	cr_assert_not_null(out);
	cr_assert_eq(report_print(&fx->report, out), 0);
	fclose(out);
}

static void done(struct fixture *fx, size_t nfiles)
{
	report_release(&fx->report);
	for (size_t f = 0; f < nfiles; f++)
		benchfile_release(&fx->files[f]);
	free(fx->output);
	remove_scratch_dir(fx->dir);
}

/* The line of `text` that starts with `start`, copied into buf. */
static const char *line_starting(const char *text, const char *start,
				 char *buf, size_t size)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (strncmp(p, start, strlen(start)) == 0) {
			snprintf(buf, size, "%.*s", (int)len, p);
			return buf;
		}
		p += len + (p[len] == '\n');
	}
	cr_assert_fail("no line starts with \"%s\" in:\n%s", start, text);
	return NULL;
}

/* Squeeze runs of blanks into one, in place: cells are then found
 * whatever the column widths ("±  3%" in a column that also holds "20%"
 * reads "± 3%"). */
static void squeeze_blanks(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++)
		if (*p != ' ' || out == s || out[-1] != ' ')
			*out++ = *p;
	*out = '\0';
}

/* Assert that the first row starting with `row` contains `cell`, blanks
 * squeezed. */
static void assert_cell(const char *output, const char *row,
			const char *cell)
{
	char line[1024];

	line_starting(output, row, line, sizeof line);
	squeeze_blanks(line);
	cr_assert_not_null(strstr(line, cell),
			   "row %s should contain \"%s\":\n%s\nwhole output:\n%s",
			   row, cell, line, output);
}

Test(report, end_to_end_table_cells_and_footnotes)
{
	struct fixture fx;

	run(&fx, old_txt, new_txt, 2, 0.05);

	/* One table (ns/op), rows in order of first appearance. */
	cr_assert_eq(fx.report.ntables, 1);
	cr_assert_str_eq(fx.report.tables[0].unit, "sec/op");
	cr_assert_eq(fx.report.tables[0].nrows, 5);
	cr_assert_str_eq(fx.report.tables[0].rows[4].name, "OnlyNew-2");

	/*
	 * Fast-2: medians (104+105)/2 = 104.5 and (84+85)/2 = 84.5 ns; with
	 * 10 samples the CI runs from the 2nd to the 9th value: 101..108,
	 * half-width max(3.5, 3.5)/104.5 = 3.3% -> "3%"; new 81..88,
	 * 3.5/84.5 = 4.1% -> "4%". The row's smallest value, 84.5n, needs
	 * 2 decimals. Delta 84.5/104.5 - 1 = -19.14%. Separated samples:
	 * p = 2/C(20,10) = 1.1e-5, printed 0.000.
	 */
	assert_cell(fx.output, "Fast-2", "104.50n ± 3%");
	assert_cell(fx.output, "Fast-2", "84.50n ± 4%");
	assert_cell(fx.output, "Fast-2", "-19.14% (p=0.000 n=10)");
	const struct report_cell *fast = &fx.report.tables[0].rows[0].cells[1];
	cr_assert(fabs(fast->cmp.p - 2.0 / 184756) < 1e-12);

	/* Same-2: interleaved, U = 45 of 100: not significant -> "~" */
	assert_cell(fx.output, "Same-2", "± 3% ~ (p=");
	const struct report_cell *same = &fx.report.tables[0].rows[1].cells[1];
	cr_assert_eq(same->cmp.u, 45);
	cr_assert_gt(same->cmp.p, 0.05);

	/*
	 * Few-2: 3 samples: no CI ("± ∞", note ¹); and even fully separated
	 * 3-vs-3 samples give only p = 2/20 = 0.1: "~" and note ².
	 */
	assert_cell(fx.output, "Few-2", "51.00n ± ∞ ¹");
	assert_cell(fx.output, "Few-2", "41.00n ± ∞ ¹");
	assert_cell(fx.output, "Few-2", "~ (p=0.100 n=3) ²");

	/* Missing on one side: "?" there and in the delta. OnlyOld-2 has 6
	 * samples 10..15: CI [10, 15], 2.5/12.5 = 20%. */
	assert_cell(fx.output, "OnlyOld-2", "12.50n ± 20% ? ?");
	/* OnlyNew-2: 30..35, CI [30, 35]: 2.5/32.5 = 7.7% -> "8%" */
	assert_cell(fx.output, "OnlyNew-2", "OnlyNew-2 ? 32.50n ± 8% ?");

	/* geomean over different benchmark sets gets note ³ */
	assert_cell(fx.output, "geomean", "³");

	/* Footnotes, numbered in reading order, right under the table. */
	cr_assert_not_null(strstr(fx.output,
		"\n¹ need >= 6 samples for confidence interval at level 0.95\n"
		"² need >= 4 samples to detect a difference at alpha level 0.05\n"
		"³ benchmark set differs from baseline; geomeans may not be "
		"comparable\n"), "footnotes missing from:\n%s", fx.output);

	/* Configuration: shared values once, differing values per file. */
	cr_assert(strncmp(fx.output, "goos: linux\ncpu: Test CPU (", 27) == 0,
		  "header:\n%s", fx.output);
	cr_assert_not_null(strstr(fx.output, "old.txt), Other CPU ("));
	done(&fx, 2);
}

Test(report, header_shows_files_units_and_vs_base)
{
	struct fixture fx;
	char line[1024];

	run(&fx, old_txt, new_txt, 2, 0.05);
	/*
	 * The two header lines, laid out as benchstat does. The name column
	 * is 9 wide ("OnlyOld-2"). old.txt's group: values 7 ("104.50n") +
	 * " ± " 3 + CI 3 ("20%") + " ¹" 2 = 15; "old.txt" centred in 15
	 * leaves 4 blanks a side, plus the blank of each " │ " rule.
	 * new.txt's group: 6 + 3 + 2 + 2 = 13 for the values, then
	 * "  " 2 + delta 7 ("-19.14%") + " " 1 + 14 ("(p=0.000 n=10)") +
	 * " ³" 2 = 26: 39 in all, "new.txt" centred with 16 a side. The
	 * unit is centred over the 15 and 13 columns of values, "vs base"
	 * starts the delta columns.
	 */
	line_starting(fx.output, "    ", line, sizeof line);
	cr_assert_str_eq(line, "          │     old.txt     │"
			       "                 new.txt                 │");
	cr_assert_not_null(strstr(fx.output,
		"\n          │     sec/op      │    sec/op      vs base"
		"                  │\n"), "second header line in:\n%s",
		fx.output);
	/* no line ends in a blank */
	cr_assert_null(strstr(fx.output, " \n"), "trailing blank in:\n%s",
		       fx.output);
	done(&fx, 2);
}

Test(report, single_file_only_summarizes)
{
	struct fixture fx;

	run(&fx, old_txt, NULL, 1, 0.05);
	cr_assert_null(strstr(fx.output, "vs base"));
	cr_assert_null(strstr(fx.output, "p="));
	/* alone in its row, 104.5n needs only one decimal */
	assert_cell(fx.output, "Fast-2", "104.5n ± 3%");
	done(&fx, 1);
}

Test(report, alpha_decides_what_is_significant)
{
	struct fixture fx;

	/* Same-2's p is about 0.74 (U = 45 of 100): at alpha 0.99 it
	 * counts. Medians 209 and 210: 210/209 - 1 = +0.48%. */
	run(&fx, old_txt, new_txt, 2, 0.99);
	assert_cell(fx.output, "Same-2", "+0.48% (p=");
	/* The sample minimum follows alpha: 2 runs a side can give
	 * p = 2/C(4,2) = 0.33 <= 0.99, so 3 are enough, and Few-2's
	 * p = 0.1 is significant: 41/51 - 1 = -19.61%. */
	assert_cell(fx.output, "Few-2", "-19.61% (p=0.100 n=3)");
	cr_assert_null(strstr(fx.output, "need >= 4"));
	done(&fx, 2);
}

Test(report, geomean_of_zero_medians_is_blank_with_a_footnote)
{
	struct fixture fx;
	static const char old[] =
		"BenchmarkA 1 0 allocs/op\nBenchmarkA 1 0 allocs/op\n"
		"BenchmarkA 1 0 allocs/op\nBenchmarkA 1 0 allocs/op\n"
		"BenchmarkB 1 0 allocs/op\nBenchmarkB 1 0 allocs/op\n"
		"BenchmarkB 1 0 allocs/op\nBenchmarkB 1 0 allocs/op\n";
	char line[1024];

	run(&fx, old, old, 2, 0.05);
	/* identical zeros: p = 1 with "all samples are equal";
	 * 4 samples: no CI */
	assert_cell(fx.output, "A", "~ (p=1.000 n=4)");
	cr_assert_not_null(strstr(fx.output, " all samples are equal\n"));
	/* geomean: log(0) undefined, so no value; ratios 0/0 count as 1 */
	line_starting(fx.output, "geomean", line, sizeof line);
	cr_assert_null(strstr(line, "0.000"), "no geomean value: %s", line);
	cr_assert_not_null(strstr(line, "+0.00%"), "ratio geomean: %s", line);
	cr_assert_not_null(strstr(fx.output,
				  " summaries must be >0 to compute geomean\n"));
	done(&fx, 2);
}

Test(report, ci_percentage_needs_bounds_of_the_medians_sign)
{
	struct fixture fx;
	static const char text[] =
		"BenchmarkCross 1 -1 x/op\nBenchmarkCross 1 0 x/op\n"
		"BenchmarkCross 1 1 x/op\nBenchmarkCross 1 2 x/op\n"
		"BenchmarkCross 1 3 x/op\nBenchmarkCross 1 4 x/op\n"
		"BenchmarkZero 1 0 x/op\nBenchmarkZero 1 0 x/op\n"
		"BenchmarkZero 1 0 x/op\nBenchmarkZero 1 0 x/op\n"
		"BenchmarkZero 1 0 x/op\nBenchmarkZero 1 0 x/op\n";

	run(&fx, text, NULL, 1, 0.05);
	/* 6 samples: CI [min, max] = [-1, 4] around 1.5: crosses zero */
	assert_cell(fx.output, "Cross", "1.500 ± ?");
	/* all zero: the interval is the single point 0 */
	assert_cell(fx.output, "Zero", "0.000 ± 0%");
	done(&fx, 1);
}

Test(report, one_table_per_unit_in_order_of_appearance)
{
	struct fixture fx;
	static const char text[] =
		"BenchmarkA 1 4188 ns/op 1910.15 MB/s 16320 B/op\n"
		"BenchmarkA 1 4190 ns/op 1910.00 MB/s 16320 B/op\n";

	run(&fx, text, text, 2, 0.05);
	cr_assert_eq(fx.report.ntables, 3);
	cr_assert_str_eq(fx.report.tables[0].unit, "sec/op");
	cr_assert_str_eq(fx.report.tables[1].unit, "B/s");
	cr_assert_str_eq(fx.report.tables[2].unit, "B/op");
	/* MB/s -> B/s, scaled by 1024: median 1910.075e6 B/s
	 * / 2^30 = 1.7789 -> "1.779Gi" */
	squeeze_blanks(fx.output);
	cr_assert_not_null(strstr(fx.output, "\nA 1.779Gi ± ∞ ¹ 1.779Gi"),
			   "B/s row in:\n%s", fx.output);
	/* a single row: no geomean line */
	cr_assert_null(strstr(fx.output, "geomean"));
	/* tables are separated by one blank line: 3 tables, 2 blanks */
	int blanks = 0;
	for (const char *p = fx.output; (p = strstr(p, "\n\n")); p++)
		blanks++;
	cr_assert_eq(blanks, 2, "%d blank lines in:\n%s", blanks, fx.output);
	done(&fx, 2);
}
