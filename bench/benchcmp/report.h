/*
 * report.h - benchcmp's comparison report: the samples of one or more
 * benchmark files grouped into one table per unit, each cell summarized
 * (median and confidence interval), each column after the first compared
 * with the first (Mann-Whitney U test), and the whole printed in
 * benchstat's text layout:
 *
 *	                      │   old.txt   │               new.txt               │
 *	                      │   sec/op    │   sec/op     vs base                │
 *	Encode/format=json-48   1.718µ ± 1%   1.423µ ± 1%  -17.20% (p=0.000 n=10)
 *	Encode/format=gob-48    3.066µ ± 0%   3.070µ ± 2%        ~ (p=0.446 n=10)
 *	geomean                 2.295µ        2.090µ        -8.94%
 *
 * READING THE TABLE
 *
 *   - "1.718µ ± 1%": the median of the samples, and the half-width of the
 *     confidence interval of the median (at -confidence, 95% by default)
 *     as a percentage of it: the larger of the distances from the median
 *     to the two bounds. "± ∞" means too few samples to bound the median.
 *   - "-17.20%": the change of the median relative to the first file.
 *     "~" instead means the U test found no significant difference:
 *     p > alpha, or too few samples to tell. A "~" is not proof that
 *     nothing changed, only that these samples cannot show it.
 *   - "(p=0.000 n=10)": the p-value of the test and the sample counts
 *     ("n=10+8" if they differ).
 *   - "?": the benchmark is missing from that file, or the change cannot
 *     be expressed (a median of zero).
 *   - "geomean": the geometric mean of the medians in each column, and of
 *     the per-benchmark ratios new/old (shown only for 2+ benchmarks).
 *   - "¹": a footnote printed under the table.
 *
 * USAGE
 *
 *	struct benchfile files[2];		// filled by benchfile_load()
 *	struct report r;
 *
 *	report_init(&r, 0.05, 0.95);
 *	if (report_build(&r, files, 2) < 0)
 *		die("out of memory");
 *	report_print(&r, stdout);
 *	report_release(&r);
 *
 * INVARIANTS (checked by report_check)
 *
 * Every table has at least one row and every row one cell per file with
 * at least one non-empty cell. Cell values are sorted and finite. A cell
 * is `compared` exactly when it is not in the first column and both it
 * and the first column's cell of its row have samples.
 */
#ifndef BENCHCMP_REPORT_H
#define BENCHCMP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "benchfile.h"
#include "stats.h"

/* The samples of one benchmark, in one unit, from one file. */
struct report_cell {
	double *values;		/* in the table's tidied unit, sorted */
	size_t n, alloc;	/* n == 0: benchmark missing from this file */
	struct stats_summary summary;	/* valid when n > 0 */
	bool compared;		/* cmp is valid (see INVARIANTS) */
	struct stats_utest cmp;	/* this cell against the first column's */
};

struct report_row {
	char *name;			/* "Build/pieces=1000/strbuf-2" */
	struct report_cell *cells;	/* one per file, in file order */
};

/* All benchmarks measured in one unit, e.g. every ns/op figure. */
struct report_table {
	char *raw_unit;		/* as in the files: "ns/op" */
	char *unit;		/* normalized: "sec/op" */
	double factor;		/* raw value * factor = value in `unit` */
	struct report_row *rows;	/* in order of first appearance */
	size_t nrows, rows_alloc;
};

struct report {
	double alpha;		/* significance level of the U test */
	double confidence;	/* level of the median's CI */
	const struct benchfile *files;	/* borrowed; file 0 is the base */
	size_t nfiles;
	struct report_table *tables;	/* units in order of first appearance */
	size_t ntables, tables_alloc;
};

/* ---- life cycle -------------------------------------------------------- */

/* Set up an empty report. alpha and confidence must be in (0, 1). */
void report_init(struct report *r, double alpha, double confidence);

/* Free everything r owns (not the files) and leave it empty. */
void report_release(struct report *r);

/* ---- building and printing -------------------------------------------- */

/*
 * Group the samples of files[0..nfiles-1] by unit and benchmark name,
 * sort them, and compute every summary and comparison. The files are
 * borrowed and must outlive r (their paths label the columns). Call once
 * per report.
 *
 * Returns 0, or -1 with errno = ENOMEM (r must still be released).
 * Cost: O(samples * rows) for grouping (a linear search per sample, fine
 * for the few hundred benchmarks of a package), O(n log n) per cell for
 * sorting, and at most a few milliseconds per exact U test.
 */
int report_build(struct report *r, const struct benchfile *files,
		 size_t nfiles);

/*
 * Print the configuration lines shared by the files, then one table per
 * unit with its footnotes, tables separated by blank lines. Output is
 * UTF-8 (µ, ±, ∞, │, superscript digits). Returns 0, or -1 on ENOMEM or
 * if `out` has its error indicator set afterwards.
 */
int report_print(const struct report *r, FILE *out);

/* true if r keeps the INVARIANTS above; for tests and debugging. */
bool report_check(const struct report *r);

#endif /* BENCHCMP_REPORT_H */
