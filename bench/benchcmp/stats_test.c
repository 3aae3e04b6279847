/*
 * stats_test.c - tests of stats.c against values computed by hand; each
 * expected value has its computation next to it.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "stats.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* p-values are compared to 1e-9: far tighter than the 3 printed decimals,
 * far looser than the rounding error of the computation. */
static void assert_p(const struct stats_utest *t, double want)
{
	cr_assert(fabs(t->p - want) < 1e-9, "p = %.12g, want %.12g", t->p,
		  want);
	cr_assert(t->p >= 0 && t->p <= 1, "p = %g is not a probability", t->p);
}

static struct stats_utest utest(const double *x1, size_t n1, const double *x2,
				size_t n2)
{
	struct stats_utest t;

	cr_assert_eq(stats_utest(x1, n1, x2, n2, &t), 0, "stats_utest failed");
	cr_assert_eq(t.n1, n1);
	cr_assert_eq(t.n2, n2);
	return t;
}

/* ---- median and geomean -------------------------------------------------- */

Test(stats, median_of_odd_count_is_the_middle_value)
{
	double one[] = {7};
	double three[] = {1, 2, 70};	/* an outlier does not move it */

	cr_assert_eq(stats_median(one, 1), 7);
	cr_assert_eq(stats_median(three, 3), 2, "median of 1 2 70 is 2");
}

Test(stats, median_of_even_count_averages_the_middle_pair)
{
	double four[] = {1, 2, 3, 10};

	/* middle pair 2 and 3: (2 + 3) / 2 = 2.5 */
	cr_assert_eq(stats_median(four, 4), 2.5, "got %g",
		     stats_median(four, 4));
}

Test(stats, geomean_is_the_nth_root_of_the_product)
{
	double two[] = {1, 4};		/* sqrt(1 * 4) = 2 */
	double three[] = {2, 8, 4};	/* cbrt(2 * 8 * 4) = cbrt(64) = 4 */

	cr_assert(fabs(stats_geomean(two, 2) - 2) < 1e-12);
	cr_assert(fabs(stats_geomean(three, 3) - 4) < 1e-12);
}

Test(stats, geomean_of_zero_or_negative_values_is_nan)
{
	double zero[] = {0, 5};
	double negative[] = {-1, 5};

	cr_assert(isnan(stats_geomean(zero, 2)), "log(0) is undefined");
	cr_assert(isnan(stats_geomean(negative, 2)), "log(-1) is undefined");
}

/* ---- confidence interval of the median ------------------------------------ */

Test(stats, median_ci_for_10_samples_uses_2nd_and_9th_values)
{
	/*
	 * B(10, 1/2) terms C(10, k) for k = 0..10: 1 10 45 120 210 252 210
	 * 120 45 10 1, total 1024. [x(l), x(r)] covers k = l..r-1.
	 *   [x(3), x(8)]: k = 3..7: 120+210+252+210+120 = 912; 912/1024 =
	 *                 0.8906 < 0.95, too narrow;
	 *   [x(2), x(8)]: adds k = 2 (45): 957/1024 = 0.9346, still < 0.95;
	 *   [x(2), x(9)]: adds k = 8 (45): 1002/1024 = 0.978515625 >= 0.95.
	 */
	struct stats_ci ci = stats_median_ci(10, 0.95);

	cr_assert_eq(ci.lo_order, 2, "lo order %zu, want 2", ci.lo_order);
	cr_assert_eq(ci.hi_order, 9, "hi order %zu, want 9", ci.hi_order);
	cr_assert(fabs(ci.confidence - 1002.0 / 1024) < 1e-12,
		  "confidence %.12g, want 1002/1024", ci.confidence);
}

Test(stats, median_ci_for_6_samples_is_min_to_max)
{
	/*
	 * C(6, k): 1 6 15 20 15 6 1, total 64. Dropping only the two
	 * extreme terms (all 6 samples on one side of the median):
	 * [x(1), x(6)] covers k = 1..5: 62/64 = 0.96875 >= 0.95, while
	 * [x(2), x(5)] covers 50/64 = 0.78 and [x(1), x(5)] 56/64 = 0.875.
	 */
	struct stats_ci ci = stats_median_ci(6, 0.95);

	cr_assert_eq(ci.lo_order, 1, "lo order %zu, want 1", ci.lo_order);
	cr_assert_eq(ci.hi_order, 6, "hi order %zu, want 6", ci.hi_order);
	cr_assert(fabs(ci.confidence - 62.0 / 64) < 1e-12,
		  "confidence %.12g, want 62/64", ci.confidence);
}

Test(stats, median_ci_for_5_samples_is_unbounded)
{
	/*
	 * C(5, k): 1 5 10 10 5 1, total 32. Even [x(1), x(5)] covers only
	 * 30/32 = 0.9375 < 0.95, so one side must go to infinity.
	 */
	struct stats_ci ci = stats_median_ci(5, 0.95);

	cr_assert(ci.lo_order == 0 || ci.hi_order == 6,
		  "5 samples cannot bound the median at 0.95, got [%zu, %zu]",
		  ci.lo_order, ci.hi_order);
	/* so 6 is the minimum at 0.95 (benchstat's "need >= 6 samples") */
	cr_assert_eq(stats_median_ci_min_samples(0.95), 6);
	/* and at 0.90: 30/32 = 0.9375 >= 0.90 with n = 5; with n = 4,
	 * [x(1), x(4)] covers 14/16 = 0.875 < 0.90 */
	cr_assert_eq(stats_median_ci_min_samples(0.90), 5);
}

Test(stats, median_ci_breaks_ties_towards_the_left_like_benchstat)
{
	/*
	 * C(4, k): 1 4 6 4 1, total 16. At confidence 0.5: start with k = 2
	 * (6/16 = 0.375, too little). The neighbours k = 1 and k = 3 are
	 * equal (4/16); the left one is taken: k = 1..2, 10/16 = 0.625, so
	 * the interval is [x(1), x(3)] rather than [x(2), x(4)].
	 */
	struct stats_ci ci = stats_median_ci(4, 0.5);

	cr_assert_eq(ci.lo_order, 1, "lo order %zu, want 1", ci.lo_order);
	cr_assert_eq(ci.hi_order, 3, "hi order %zu, want 3", ci.hi_order);
	cr_assert(fabs(ci.confidence - 10.0 / 16) < 1e-12);
}

Test(stats, summarize_gives_median_and_order_statistic_bounds)
{
	double xs[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	struct stats_summary s = stats_summarize(xs, LEN(xs), 0.95);

	/* median (5 + 6) / 2; bounds x(2) = 2 and x(9) = 9 (see above) */
	cr_assert_eq(s.center, 5.5);
	cr_assert_eq(s.lo, 2);
	cr_assert_eq(s.hi, 9);
}

Test(stats, summarize_small_sample_has_infinite_bound)
{
	double xs[] = {1, 2, 3, 4, 5};
	struct stats_summary s = stats_summarize(xs, LEN(xs), 0.95);

	cr_assert_eq(s.center, 3);
	cr_assert(isinf(s.lo) || isinf(s.hi), "got [%g, %g]", s.lo, s.hi);
}

/* ---- Mann-Whitney U: exact distribution ----------------------------------- */

Test(stats, utest_3_vs_3_separated_gives_exact_p_of_0_1)
{
	/* C(6, 3) = 20 equally likely labellings; U = 0 in exactly one
	 * (x all below y) and U = 9 in one: p = 2/20 = 0.1 */
	double x[] = {1, 2, 3}, y[] = {4, 5, 6};
	struct stats_utest t = utest(x, 3, y, 3);

	cr_assert(t.exact, "no ties, small: should be exact");
	cr_assert_eq(t.u, 0);
	assert_p(&t, 0.1);
	cr_assert(fabs(stats_utest_min_p(3) - 0.1) < 1e-12);
}

Test(stats, utest_4_vs_4_separated_gives_exact_p_of_2_over_70)
{
	/* C(8, 4) = 70 labellings, one per tail: p = 2/70 = 0.0285714 */
	double x[] = {10, 11, 12, 13}, y[] = {1, 2, 3, 4};
	struct stats_utest t = utest(x, 4, y, 4);

	cr_assert(t.exact);
	cr_assert_eq(t.u, 0, "min(U1, U2) = min(16, 0) = 0, got %g", t.u);
	assert_p(&t, 2.0 / 70);
	cr_assert(fabs(stats_utest_min_p(4) - 2.0 / 70) < 1e-12);
}

Test(stats, utest_one_crossing_pair_doubles_the_tail)
{
	/* x = 1 2 4, y = 3 5 6: one pair with x > y (4 > 3), U = 1.
	 * Labellings with U <= 1: U = 0 (1 way) and U = 1 (1 way: swap the
	 * two middle values). p = 2 * 2/20 = 0.2 */
	double x[] = {1, 2, 4}, y[] = {3, 5, 6};
	struct stats_utest t = utest(x, 3, y, 3);

	cr_assert_eq(t.u, 1);
	assert_p(&t, 0.2);
}

Test(stats, utest_4_vs_4_with_u_of_2)
{
	/* x = 1 2 3 6, y = 4 5 7 8: 6 > 4 and 6 > 5, so U = 2.
	 * Ways to get U = u with 4 + 4 values = partitions of u into at most
	 * 4 parts no larger than 4: u=0: 1, u=1: 1 ({1}), u=2: 2 ({2},
	 * {1,1}). P(U <= 2) = 4/70; p = 8/70 = 0.1142857 */
	double x[] = {1, 2, 3, 6}, y[] = {4, 5, 7, 8};
	struct stats_utest t = utest(x, 4, y, 4);

	cr_assert_eq(t.u, 2);
	assert_p(&t, 8.0 / 70);
}

Test(stats, utest_unequal_sizes)
{
	/* 2 vs 5, separated: C(7, 2) = 21 labellings; p = 2/21 = 0.0952 */
	double x[] = {1, 2}, y[] = {3, 4, 5, 6, 7};
	struct stats_utest t = utest(x, 2, y, 5);

	cr_assert(t.exact);
	assert_p(&t, 2.0 / 21);
}

Test(stats, utest_10_vs_10_separated)
{
	/* C(20, 10) = 184756; p = 2/184756 = 1.08250e-5: exercises the
	 * dynamic programme over 20 placements. */
	double x[10], y[10];
	for (int i = 0; i < 10; i++) {
		x[i] = 100 + i;
		y[i] = 200 + i;
	}
	struct stats_utest t = utest(x, 10, y, 10);

	cr_assert(t.exact);
	assert_p(&t, 2.0 / 184756);
}

Test(stats, utest_interleaved_10_vs_10_matches_enumeration)
{
	/*
	 * The naive-2 ns/op samples of testdata/old.txt and new.txt, sorted.
	 * U1 = 42 pairs with old > new (U2 = 58). Too long by hand, so by
	 * enumeration: of the 184756 ways to pick 10 of the ranks 0..19,
	 * 53463 have U = (sum of ranks) - 45 <= 42, in Python:
	 *   sum(1 for c in itertools.combinations(range(20), 10)
	 *       if sum(c) - 45 <= 42)
	 * so p = 2 * 53463 / 184756 = 0.578741691745.
	 */
	double old[] = {11938, 11961, 11972, 11990, 12007,
			12016, 12051, 12079, 12104, 12133};
	double new[] = {11958, 11967, 12003, 12019, 12031,
			12045, 12062, 12085, 12098, 12140};
	struct stats_utest t = utest(old, 10, new, 10);

	cr_assert_eq(t.u, 42, "U = %g, want 42", t.u);
	cr_assert(t.exact);
	assert_p(&t, 2.0 * 53463 / 184756);
}

Test(stats, utest_does_not_depend_on_argument_order)
{
	double x[] = {1, 2, 4, 9}, y[] = {3, 5, 6};
	struct stats_utest a = utest(x, 4, y, 3), b = utest(y, 3, x, 4);

	cr_assert_eq(a.u, b.u);
	cr_assert(fabs(a.p - b.p) < 1e-12, "p %g vs %g", a.p, b.p);
}

Test(stats, utest_with_u_at_the_middle_has_p_of_1)
{
	/* x = 1 4, y = 2 3: 4 > 2, 4 > 3, so U1 = 2 = U2 = n1*n2/2: the
	 * observation is the centre of the distribution; p = 1, not
	 * 2 * P(U <= 2) = 2 * 4/6. */
	double x[] = {1, 4}, y[] = {2, 3};
	struct stats_utest t = utest(x, 2, y, 2);

	assert_p(&t, 1);
}

/* ---- Mann-Whitney U: normal approximation, ties ----------------------------- */

Test(stats, utest_with_ties_uses_tie_corrected_normal_approximation)
{
	/*
	 * x = 1 2 2, y = 2 3 3. Merged: 1 2 2 2 3 3 with ranks 1, then
	 * (2+3+4)/3 = 3 for the three 2s, then (5+6)/2 = 5.5 for the 3s.
	 * Rank sum of x = 1 + 3 + 3 = 7, U1 = 7 - 3*4/2 = 1 (the two x=2 vs
	 * y=2 ties count 1/2 each); U2 = 9 - 1 = 8; U = 1.
	 * Mean n1*n2/2 = 4.5. Ties: t = 3 and t = 2, sum(t^3 - t) = 24 + 6
	 * = 30; N = 6, N(N-1) = 30. Variance = 9/12 * (7 - 30/30) = 4.5,
	 * sd = 3/sqrt(2). Continuity: |1 - 4.5| - 0.5 = 3. z = 3 / (3/sqrt 2)
	 * = sqrt(2). p = 2 * Phi(-sqrt 2) = erfc(sqrt(2)/sqrt(2)) = erfc(1)
	 * = 0.157299207050285.
	 */
	double x[] = {1, 2, 2}, y[] = {2, 3, 3};
	struct stats_utest t = utest(x, 3, y, 3);

	cr_assert(!t.exact, "ties: should use the normal approximation");
	cr_assert_eq(t.u, 1, "U = %g, want 1", t.u);
	assert_p(&t, erfc(1));
}

Test(stats, utest_ties_within_each_side_only)
{
	/*
	 * 5 x 16320 against 5 x 16384 (B/op of two versions): U = 0.
	 * Ties: two groups of 5, sum(t^3 - t) = 2 * 120 = 240; N = 10,
	 * N(N-1) = 90. Variance = 25/12 * (11 - 240/90) = 25/12 * 25/3
	 * = 625/36, sd = 25/6. |0 - 12.5| - 0.5 = 12; z = 12 / (25/6)
	 * = 2.88. p = erfc(2.88 / sqrt 2) = 0.003976.
	 */
	double x[] = {16320, 16320, 16320, 16320, 16320};
	double y[] = {16384, 16384, 16384, 16384, 16384};
	struct stats_utest t = utest(x, 5, y, 5);

	cr_assert(!t.exact);
	assert_p(&t, erfc(2.88 / sqrt(2)));
	cr_assert(t.p < 0.004 && t.p > 0.0039, "p = %g", t.p);
}

Test(stats, utest_all_equal_has_p_of_1)
{
	double x[] = {8, 8, 8}, y[] = {8, 8, 8, 8};
	struct stats_utest t = utest(x, 3, y, 4);

	cr_assert(t.all_equal, "every value is 8");
	assert_p(&t, 1);
}

Test(stats, utest_large_samples_use_the_normal_approximation)
{
	/*
	 * 60 vs 60, separated, no ties: above STATS_UTEST_EXACT_MAX (50).
	 * U = 0, mean 1800, variance 3600 * 121 / 12 = 36300, sd = 190.53;
	 * z = 1799.5 / 190.53 = 9.445: p = erfc(9.445 / sqrt 2) ~ 3.6e-21.
	 */
	double x[60], y[60];
	for (int i = 0; i < 60; i++) {
		x[i] = i;
		y[i] = 100 + i;
	}
	struct stats_utest t = utest(x, 60, y, 60);

	cr_assert(!t.exact);
	assert_p(&t, erfc(1799.5 / sqrt(36300) / sqrt(2)));
	cr_assert(t.p < 1e-20, "p = %g", t.p);
}

Test(stats, utest_min_samples_for_alpha)
{
	/* min p: n=3 0.1, n=4 2/70 = 0.029, n=5 2/252 = 0.0079 */
	cr_assert_eq(stats_utest_min_samples(0.05), 4);
	cr_assert_eq(stats_utest_min_samples(0.01), 5);
	cr_assert_eq(stats_utest_min_samples(0.1), 3, "0.1 <= 0.1");
	cr_assert(fabs(stats_utest_min_p(5) - 2.0 / 252) < 1e-12);
}
