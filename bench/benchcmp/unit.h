/*
 * unit.h - benchmark units: normalizing them ("ns/op" -> "sec/op") and
 * printing values with a metric or binary prefix ("4.188µ", "15.94Ki"),
 * the way benchstat does (golang.org/x/perf/benchunit).
 *
 * WHY
 *
 * A table mixing 950 ns/op and 1200000 ns/op is hard to read. benchstat
 * first converts pre-scaled units to base units (nanoseconds to seconds,
 * megabytes to bytes), then prints every number with at least three
 * significant digits and a prefix: k M G T for large values, m µ n for
 * small ones, or Ki Mi Gi Ti (powers of 1024) when the unit counts bytes.
 * All cells of one row share one prefix, chosen for the row's smallest
 * value, so the eye can compare them digit by digit.
 *
 * USAGE
 *
 *	double factor;
 *	char *unit = unit_tidy("ns/op", &factor);	// "sec/op", 1e-9
 *	double row[] = {4188 * factor, 3350 * factor};
 *	struct unit_scaler s = unit_common_scale(row, 2, unit_class(unit));
 *	char buf[UNIT_FORMAT_MAX];
 *	unit_format(buf, sizeof buf, s, row[0]);	// "4.188µ"
 *	free(unit);
 *
 * Invariant of a scaler: factor > 0 and prefix is a static string.
 */
#ifndef BENCHCMP_UNIT_H
#define BENCHCMP_UNIT_H

#include <stddef.h>

/* Room for any formatted value: a double's 309 integer digits at worst. */
#define UNIT_FORMAT_MAX 400

/* Which prefixes a unit takes. */
enum unit_class {
	UNIT_DECIMAL,	/* k M G T, m µ n: powers of 1000 */
	UNIT_BINARY,	/* Ki Mi Gi Ti: powers of 1024, for byte units */
};

/* How to print values: value / factor with prec decimals, then prefix. */
struct unit_scaler {
	int prec;
	double factor;
	const char *prefix;
};

/*
 * Normalize a unit to base units: "ns" becomes "sec" and "MB" becomes "B"
 * in the numerator (before any '/'), so "ns/op" -> "sec/op" and
 * "MB/s" -> "B/s". *factor is what to multiply values by (1e-9, 1e6).
 * Other units come back unchanged with factor 1.
 * Returns a malloc'd string the caller frees, or NULL with errno = ENOMEM.
 */
char *unit_tidy(const char *unit, double *factor);

/* UNIT_BINARY if the numerator is "B", "MB" or "bytes", else decimal. */
enum unit_class unit_class(const char *unit);

/*
 * A scaler that shows every value in vals[0..n-1] with at least three
 * significant digits, chosen by the non-zero value closest to zero.
 * All zeros (or n == 0) give three decimals and no prefix.
 */
struct unit_scaler unit_common_scale(const double *vals, size_t n,
				     enum unit_class cls);

/* Write value scaled by s into buf (NUL-terminated, truncated to size). */
void unit_format(char *buf, size_t size, struct unit_scaler s, double value);

#endif /* BENCHCMP_UNIT_H */
