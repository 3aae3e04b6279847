/*
 * stats.h - the statistics behind benchcmp: medians, a distribution-free
 * confidence interval for the median, the Mann-Whitney U test and the
 * geometric mean.
 *
 * WHY THESE STATISTICS
 *
 * Benchmark timings are not normally distributed. They have a hard floor
 * (the code cannot run faster than its critical path) and a long right tail
 * (interrupts, page faults, a neighbour on the machine), and they often
 * come in clusters (two code layouts, two CPU frequencies). Mean and
 * standard deviation describe such data badly and one outlier moves them a
 * lot. So, like Go's benchstat with its default `assume=nothing`, benchcmp
 * uses methods that make no assumption about the shape of the
 * distribution:
 *
 *   - the median as the typical value (one outlier moves it by at most one
 *     position in the sorted sample);
 *   - a confidence interval for the median built from order statistics
 *     (the k-th smallest values), which only needs the samples to be
 *     independent draws from one distribution;
 *   - the Mann-Whitney U test to ask "do the old and the new samples come
 *     from the same distribution?", which looks only at how the two samples
 *     interleave when sorted together, never at the values themselves.
 *
 * The price of assuming nothing is power: these methods need more samples
 * than their parametric cousins. That is why benchcmp needs 6 samples for a
 * 95% interval and 4 per side to detect any difference at alpha = 0.05, and
 * why 10 to 20 runs (-count 10) are recommended.
 *
 * USAGE
 *
 *	double xs[] = {4188, 4150, 4203, ...};	// one benchmark, n runs
 *	qsort(xs, n, sizeof xs[0], stats_cmp_double);
 *	struct stats_summary s = stats_summarize(xs, n, 0.95);
 *	// s.center is the median; [s.lo, s.hi] is the 95% CI, maybe ±INFINITY
 *
 *	struct stats_utest t;
 *	if (stats_utest(old, nold, new, nnew, &t) < 0)
 *		... out of memory ...
 *	if (t.p <= 0.05) ... the change is statistically significant ...
 *
 * Every function that takes a sample wants it sorted in ascending order and
 * free of NaNs; none of them modifies or keeps it. Nothing here prints.
 */
#ifndef BENCHCMP_STATS_H
#define BENCHCMP_STATS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Largest sample size (on either side) for which stats_utest() computes
 * the exact distribution of U; above it, or when there are ties, it uses
 * the normal approximation. 50 is benchstat's MannWhitneyExactLimit; at
 * 50 + 50 the table is (50+1) * (50*50+1) doubles = 1.0 MB and the
 * dynamic programme does about 100 * 50 * 2500 = 12.5 million additions
 * (a few milliseconds).
 */
#ifndef STATS_UTEST_EXACT_MAX
#define STATS_UTEST_EXACT_MAX 50
#endif

/* ---- sorting and simple summaries ------------------------------------ */

/* qsort() comparison function for doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);

/*
 * Median of sorted[0..n-1], n >= 1: the middle value, or the mean of the
 * two middle values when n is even. O(1).
 */
double stats_median(const double *sorted, size_t n);

/*
 * Geometric mean, exp(mean(log x)), of x[0..n-1] (any order), n >= 1.
 * Returns NaN when a value is <= 0, where the logarithm is undefined.
 * The geometric mean is the right average for ratios and for values of
 * very different sizes: every benchmark counts the same however long it
 * runs, and the geomean of per-benchmark ratios equals the ratio of the
 * geomeans.
 */
double stats_geomean(const double *x, size_t n);

/* ---- confidence interval for the median ------------------------------- */

/*
 * The bounds of a confidence interval for the median of a sample of size
 * n, as positions in the sorted sample ("order statistics"), 1-based:
 * the interval runs from the lo_order-th smallest value to the
 * hi_order-th smallest value.
 *
 * lo_order == 0 means the lower bound is -infinity and hi_order == n + 1
 * means the upper bound is +infinity: the sample is too small to bound
 * the median at the requested confidence.
 *
 * `confidence` is the actual coverage of [lo_order, hi_order], which is at
 * least the requested one: with discrete order statistics the requested
 * level can rarely be hit exactly.
 */
struct stats_ci {
	size_t lo_order;
	size_t hi_order;
	double confidence;
};

/*
 * Interval for the median of n samples (n >= 1) at the given confidence
 * (e.g. 0.95). Depends only on n, not on the values. O(n).
 * Examples: n = 10 gives orders 2 and 9 (actual confidence 0.979);
 * n = 6 gives orders 1 and 6 (0.969); n = 5 is unbounded at 0.95.
 */
struct stats_ci stats_median_ci(size_t n, double confidence);

/*
 * The smallest n for which stats_median_ci(n, confidence) is finite at
 * both ends (6 at 0.95), or 0 when no n <= 1000 is enough (confidence
 * too close to 1).
 */
size_t stats_median_ci_min_samples(double confidence);

/* A sample's median and the confidence interval around it. */
struct stats_summary {
	double center;		/* the median */
	double lo, hi;		/* CI bounds; -/+INFINITY if unbounded */
	double confidence;	/* actual coverage of [lo, hi] */
};

/* Median and CI of sorted[0..n-1], n >= 1. */
struct stats_summary stats_summarize(const double *sorted, size_t n,
				     double confidence);

/* ---- Mann-Whitney U test ---------------------------------------------- */

struct stats_utest {
	size_t n1, n2;	/* sample sizes */
	double u;	/* min(U1, U2); a multiple of 0.5 (ties count half) */
	double p;	/* two-sided p-value, in [0, 1] */
	bool exact;	/* p comes from the exact distribution of U */
	bool all_equal;	/* every value in both samples is the same; p = 1 */
};

/*
 * Two-sided Mann-Whitney U test of "x1 and x2 come from the same
 * distribution" against "values from one tend to be larger than values
 * from the other". Both samples must be sorted and non-empty.
 *
 * U1 counts the pairs (a from x1, b from x2) with a > b, plus one half for
 * each pair with a == b; U2 = n1*n2 - U1 counts the other way round. If
 * the samples come from the same distribution U1 is near n1*n2/2; p is
 * the probability of a U at least as far from the middle as the observed
 * one.
 *
 * With no ties and n1, n2 <= STATS_UTEST_EXACT_MAX, p is exact (dynamic
 * programming over the distribution of U). Otherwise it comes from the
 * normal approximation with tie and continuity corrections. When all
 * values are equal the test has nothing to rank: p = 1 and all_equal is
 * set.
 *
 * Returns 0, or -1 with errno = ENOMEM if the exact table cannot be
 * allocated (*res is then unspecified).
 */
int stats_utest(const double *x1, size_t n1, const double *x2, size_t n2,
		struct stats_utest *res);

/*
 * The smallest p the test can return for two samples of n values each:
 * 2 / C(2n, n), when the samples do not overlap at all. 0.1 for n = 3,
 * 0.0286 for n = 4.
 */
double stats_utest_min_p(size_t n);

/*
 * The smallest n per side with stats_utest_min_p(n) <= alpha: below it no
 * difference, however large, can be significant at level alpha. 4 for
 * alpha = 0.05. alpha must be > 0.
 */
size_t stats_utest_min_samples(double alpha);

#endif /* BENCHCMP_STATS_H */
