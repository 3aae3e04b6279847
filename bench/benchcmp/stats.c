/*
 * stats.c - median, order-statistic confidence interval for the median,
 * Mann-Whitney U test and geometric mean (see stats.h for why these).
 */
#include "stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#ifndef NDEBUG
/* For asserts (the only users, hence the #ifndef): is xs[0..n-1] in
 * ascending order? */
static bool is_sorted(const double *xs, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (xs[i - 1] > xs[i])
			return false;
	return true;
}
#endif

double stats_median(const double *sorted, size_t n)
{
	assert(n > 0 && is_sorted(sorted, n));
	if (n % 2 == 1)
		return sorted[n / 2];
	return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double stats_geomean(const double *x, size_t n)
{
	double sum = 0;

	assert(n > 0);
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return NAN;
		sum += log(x[i]);
	}
	return exp(sum / (double)n);
}

/* ---------------------------------------------------------------------- */
/* Confidence interval for the median                                      */
/* ---------------------------------------------------------------------- */

/*
 * HOW IT WORKS
 *
 * Call m the true median of the distribution the samples come from. Each
 * sample lands below m with probability 1/2, independently, so the number
 * K of samples below m follows the binomial distribution B(n, 1/2):
 *
 *	P(K = k) = C(n, k) / 2^n
 *
 * and K = k means exactly that m lies between the k-th and the (k+1)-th
 * smallest sample, x(k) <= m < x(k+1), with x(0) = -inf and
 * x(n+1) = +inf. So the interval [x(l), x(r)] contains m with probability
 *
 *	P(l <= K < r) = sum of C(n, k) / 2^n for k = l .. r-1,
 *
 * whatever the distribution of the samples: that is why the interval is
 * called distribution-free. We want the narrowest [l, r) whose probability
 * reaches the requested confidence. The binomial probabilities fall off on
 * both sides of the middle, so we start from the most likely k and keep
 * adding the larger of the two neighbouring terms until the sum is large
 * enough.
 *
 * Example, n = 10 at 0.95 (the terms are C(10, k) = 1 10 45 120 210 252
 * 210 120 45 10 1, over 1024): starting from k = 5 and growing outwards
 * the sums are 252, 462, 672, 792, 912, 957, 1002. 957/1024 = 0.935 is
 * not enough; 1002/1024 = 0.979 is, with k = 2..8, so the interval runs
 * from x(2) to x(9).
 *
 * This follows benchmath's QuantileCI (golang.org/x/perf, via
 * github.com/aclements/go-moremath/stats) for the median: the same walk,
 * and the same tie-break (take the left term when the two are equal, so
 * that odd n give the same interval as benchstat). benchstat switches to a
 * normal approximation of the binomial above n = 30 to save time; we sum
 * the exact terms for every n, which costs O(n) calls to lgamma() and can
 * differ from benchstat by one order statistic for n > 30.
 */

/*
 * C(n, k) / 2^n, or 0 for k outside 0..n. Computed through lgamma() so
 * that large n neither overflows C(n, k) nor underflows 2^-n. The terms
 * for k and n-k are equal in exact arithmetic, and the walk below compares
 * them with ==, so both are computed from the same min(k, n-k).
 */
static double half_binomial_pmf(size_t n, long k)
{
	if (k < 0 || (size_t)k > n)
		return 0;
	double j = (double)((size_t)k < n - (size_t)k ? (size_t)k
						       : n - (size_t)k);
	double dn = (double)n;
	return exp(lgamma(dn + 1) - lgamma(j + 1) - lgamma(dn - j + 1) -
		   dn * M_LN2);
}

struct stats_ci stats_median_ci(size_t n, double confidence)
{
	assert(n > 0);
	if (confidence >= 1)
		return (struct stats_ci){0, n + 1, 1.0};

	/* The most likely k: n/2 (the left one of the two when n is odd). */
	long l = (long)(n / 2), r = l + 1;	/* the interval [l, r) of k */
	double sum = half_binomial_pmf(n, l);
	double left = half_binomial_pmf(n, l - 1);
	double right = half_binomial_pmf(n, r);

	while (sum < confidence && (left > 0 || right > 0)) {
		if (left >= right) {
			sum += left;
			l--;
			left = half_binomial_pmf(n, l - 1);
		} else {
			sum += right;
			r++;
			right = half_binomial_pmf(n, r);
		}
	}
	/* k = l..r-1 covered means m in [x(l), x(r)]; 0 and n+1 are infinite */
	assert(l >= 0 && (size_t)r <= n + 1);
	return (struct stats_ci){(size_t)l, (size_t)r, fmin(sum, 1.0)};
}

size_t stats_median_ci_min_samples(double confidence)
{
	for (size_t n = 1; n <= 1000; n++) {
		struct stats_ci ci = stats_median_ci(n, confidence);
		if (ci.lo_order >= 1 && ci.hi_order <= n)
			return n;
	}
	return 0;
}

struct stats_summary stats_summarize(const double *sorted, size_t n,
				     double confidence)
{
	struct stats_ci ci = stats_median_ci(n, confidence);
	struct stats_summary s;

	s.center = stats_median(sorted, n);
	s.lo = ci.lo_order == 0 ? -INFINITY : sorted[ci.lo_order - 1];
	s.hi = ci.hi_order > n ? INFINITY : sorted[ci.hi_order - 1];
	s.confidence = ci.confidence;
	return s;
}

/* ---------------------------------------------------------------------- */
/* Mann-Whitney U test                                                      */
/* ---------------------------------------------------------------------- */

/*
 * WHY THIS TEST
 *
 * Sort the old and the new samples together. If nothing changed, every
 * interleaving of "old" and "new" labels in that merged order is equally
 * likely. If the new code is faster, new values crowd the front. U1
 * measures this: the number of (old, new) pairs where the old value is
 * larger. It runs from 0 (every old value smaller than every new one) to
 * n1*n2 (the reverse), with n1*n2/2 expected when nothing changed. The
 * p-value is the probability, under "nothing changed", of a U at least as
 * far from the middle as the one we saw, on either side.
 *
 * The test uses only the order of the values, so an outlier counts no more
 * than any other value that is merely larger, and no distribution shape is
 * assumed (a t-test would assume normal data).
 *
 * EXACT DISTRIBUTION
 *
 * Without ties, the distribution of U under "nothing changed" is found by
 * counting label sequences. Build the merged order one value at a time,
 * smallest first. If the next value is from sample 1, it is larger than
 * every sample-2 value placed so far, so U grows by that many; if it is
 * from sample 2, U does not change. count[k][u] is the number of ways to
 * label the values placed so far with k from sample 1 and a U of u.
 * After all n1 + n2 values, count[n1][u] is the number of labellings
 * with U = u, out of C(n1+n2, n1) in total.
 *
 * Hand check, n1 = n2 = 3: of the C(6,3) = 20 labellings, exactly one
 * has U = 0 (all of sample 1 first) and one has U = 9, so completely
 * separated samples give p = 2 * 1/20 = 0.1: with 3 runs per side no
 * difference can be significant at 0.05.
 *
 * NORMAL APPROXIMATION
 *
 * For large samples, or when values tie, U is close to normal with mean
 * n1*n2/2 and variance
 *
 *	n1*n2/12 * ((N + 1) - sum(t^3 - t) / (N * (N - 1))),  N = n1 + n2,
 *
 * where t runs over the sizes of the groups of tied values (the tie
 * correction: ties shrink the spread of U). Moving U half a step towards
 * the mean before dividing by the standard deviation is the continuity
 * correction for approximating a discrete distribution by a continuous
 * one. Tied values share the mean of the ranks they occupy, which is the
 * "one half per tied pair" in U. (benchstat also has an exact method for
 * ties with n <= 9, Klotz's; we use the approximation for every sample
 * with ties, which is the usual textbook choice.)
 */

/*
 * P(U <= u) for two tie-free samples of sizes n1 and n2, by the dynamic
 * programme described above. Returns 0, or -1 with errno = ENOMEM.
 * Counts reach C(100, 50) ~ 1e29 and are kept as doubles, so they are not
 * exact integers beyond 2^53, but their relative error stays near 1e-15,
 * far below the three decimals printed.
 */
static int utest_exact_cdf(size_t n1, size_t n2, double u, double *cdf)
{
	/* U has the same distribution for (n1, n2) and (n2, n1); keep the
	 * table small by letting m be the smaller sample. */
	size_t m = n1 < n2 ? n1 : n2, n = n1 < n2 ? n2 : n1;
	size_t umax = m * n, width = umax + 1;
	double *count = calloc((m + 1) * width, sizeof *count);

	if (!count)
		return -1;
	count[0] = 1;	/* nothing placed: one way, k = 0, U = 0 */
	for (size_t r = 1; r <= m + n; r++) {
		/* Place the r-th smallest value. Only states with at most n
		 * sample-2 values so far (r - k <= n) can still end well. */
		size_t kmax = r < m ? r : m;
		size_t kmin = r > n ? r - n : 1;
		for (size_t k = kmax; k >= kmin; k--) {
			/* Row k keeps "the r-th value is from sample 2" and
			 * gains "it is from sample 1, above the r - k sample-2
			 * values placed before it". k goes down, so row k-1
			 * still holds the previous step when we read it. */
			double *row = count + k * width, *prev = row - width;
			size_t shift = r - k;
			for (size_t v = shift; v <= umax; v++)
				row[v] += prev[v - shift];
		}
	}

	const double *last = count + m * width;
	double below = 0, total = 0;
	for (size_t v = 0; v <= umax; v++) {
		total += last[v];
		if ((double)v <= u)
			below += last[v];
	}
	free(count);
	*cdf = below / total;	/* total = C(m + n, m) */
	return 0;
}

int stats_utest(const double *x1, size_t n1, const double *x2, size_t n2,
		struct stats_utest *res)
{
	assert(n1 > 0 && n2 > 0);
	assert(is_sorted(x1, n1) && is_sorted(x2, n2));

	/*
	 * Walk both samples in merged order, one group of equal values at a
	 * time, summing the ranks of sample 1 (tied values get the mean of
	 * the ranks they span) and the tie-correction term t^3 - t.
	 */
	double rank_sum1 = 0, tie_term = 0;
	size_t i = 0, j = 0, placed = 0, groups = 0;
	bool ties = false;

	while (i < n1 || j < n2) {
		bool from1 = j == n2 || (i < n1 && x1[i] <= x2[j]);
		double v = from1 ? x1[i] : x2[j];
		size_t in1 = 0, in2 = 0;

		for (; i < n1 && x1[i] == v; i++)
			in1++;
		for (; j < n2 && x2[j] == v; j++)
			in2++;
		double t = (double)(in1 + in2);
		/* the group holds ranks placed+1 .. placed+t; mean rank: */
		rank_sum1 += (double)in1 * ((double)placed + (t + 1) / 2);
		tie_term += t * t * t - t;
		ties |= in1 + in2 > 1;
		placed += in1 + in2;
		groups++;
	}

	double prod = (double)n1 * (double)n2;
	double u1 = rank_sum1 - (double)n1 * ((double)n1 + 1) / 2;
	double u = fmin(u1, prod - u1);

	*res = (struct stats_utest){.n1 = n1, .n2 = n2, .u = u, .p = 1};
	if (groups == 1) {
		/* Nothing to rank: the samples cannot differ. */
		res->all_equal = true;
		return 0;
	}

	if (!ties && n1 <= STATS_UTEST_EXACT_MAX &&
	    n2 <= STATS_UTEST_EXACT_MAX) {
		double cdf;

		if (utest_exact_cdf(n1, n2, u, &cdf) < 0)
			return -1;
		res->exact = true;
		/* Two-sided: the distribution is symmetric, so double the
		 * tail. When u is the middle itself, doubling would count
		 * P(U = u) twice; the whole distribution is "as extreme". */
		res->p = u == prod - u ? 1 : fmin(1, 2 * cdf);
		return 0;
	}

	double N = (double)(n1 + n2);
	double mean = prod / 2;
	double sd = sqrt(prod / 12 * ((N + 1) - tie_term / (N * (N - 1))));
	double diff = u - mean;		/* <= 0, since u is the smaller U */

	if (diff < 0)
		diff += 0.5;		/* continuity correction */
	/* two-sided p = 2 * Phi(-|z|) = erfc(|z| / sqrt 2) */
	res->p = fmin(1, erfc(fabs(diff / sd) / M_SQRT2));
	return 0;
}

double stats_utest_min_p(size_t n)
{
	double c = 1;	/* C(2n, n), built as prod (n + i) / i */

	for (size_t i = 1; i <= n; i++)
		c = c * (double)(n + i) / (double)i;
	return fmin(1, 2 / c);
}

size_t stats_utest_min_samples(double alpha)
{
	assert(alpha > 0);
	/* min_p falls below any alpha > 0: C(2n, n) grows like 4^n and
	 * finally overflows to infinity, where 2 / c is 0. */
	size_t n = 1;
	while (stats_utest_min_p(n) > alpha)
		n++;
	return n;
}
