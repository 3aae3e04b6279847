/*
 * unit_test.c - tests of unit.c: unit normalization and prefix scaling.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "unit.h"

static void assert_tidy(const char *unit, const char *want, double factor)
{
	double got_factor;
	char *got = unit_tidy(unit, &got_factor);

	cr_assert_not_null(got);
	cr_assert_str_eq(got, want, "tidy(%s) = %s, want %s", unit, got, want);
	cr_assert_eq(got_factor, factor, "tidy(%s) factor %g, want %g", unit,
		     got_factor, factor);
	free(got);
}

/* Format one value with the scale unit_common_scale picks for it. */
static void assert_scaled(double value, enum unit_class cls, const char *want)
{
	char buf[UNIT_FORMAT_MAX];
	struct unit_scaler s = unit_common_scale(&value, 1, cls);

	unit_format(buf, sizeof buf, s, value);
	cr_assert_str_eq(buf, want, "%g scaled to %s, want %s", value, buf,
			 want);
}

Test(unit, tidy_converts_ns_and_mb_to_base_units)
{
	assert_tidy("ns/op", "sec/op", 1e-9);
	assert_tidy("MB/s", "B/s", 1e6);
	/* already base units: unchanged */
	assert_tidy("B/op", "B/op", 1);
	assert_tidy("allocs/op", "allocs/op", 1);
	assert_tidy("instructions/op", "instructions/op", 1);
	/* only the numerator is converted: "per nanosecond" stays */
	assert_tidy("B/ns", "B/ns", 1);
	/* a word merely containing "ns" is not nanoseconds */
	assert_tidy("insns/op", "insns/op", 1);
}

Test(unit, byte_units_scale_by_powers_of_1024)
{
	cr_assert_eq(unit_class("B/op"), UNIT_BINARY);
	cr_assert_eq(unit_class("B/s"), UNIT_BINARY);
	cr_assert_eq(unit_class("sec/op"), UNIT_DECIMAL);
	cr_assert_eq(unit_class("allocs/op"), UNIT_DECIMAL);
	cr_assert_eq(unit_class("op/B"), UNIT_DECIMAL, "B in denominator");
}

Test(unit, values_get_a_prefix_and_three_significant_digits)
{
	/* 4188 ns = 4.188e-6 s: micro, 3 decimals */
	assert_scaled(4188e-9, UNIT_DECIMAL, "4.188µ");
	/* 16320 B = 15.9375 KiB: 2 decimals above 10 */
	assert_scaled(16320, UNIT_BINARY, "15.94Ki");
	/* 4005000 B = 3.8195 MiB */
	assert_scaled(4005000, UNIT_BINARY, "3.819Mi");
	/* 1000 allocs: k, and 8 allocs: no prefix */
	assert_scaled(1000, UNIT_DECIMAL, "1.000k");
	assert_scaled(8, UNIT_DECIMAL, "8.000");
	/* 12345 ns = 12.345 µs: 2 decimals */
	assert_scaled(12345e-9, UNIT_DECIMAL, "12.35µ");
}

Test(unit, thresholds_follow_rounding)
{
	/* 999.96 would print "1000.0" with no prefix; it rounds to 1.000k */
	assert_scaled(999.96, UNIT_DECIMAL, "1.000k");
	/* 99.994 stays below the 99.995 threshold: 2 decimals */
	assert_scaled(99.994, UNIT_DECIMAL, "99.99");
	/* 99.996 prints "100.0" with 1 decimal */
	assert_scaled(99.996, UNIT_DECIMAL, "100.0");
	/* values in [1000, 1024) bytes keep no prefix rather than 0.98Ki */
	assert_scaled(1020, UNIT_BINARY, "1020.0");
}

Test(unit, tiny_and_zero_values)
{
	/* zero: three decimals, no prefix */
	assert_scaled(0, UNIT_DECIMAL, "0.000");
	/* below the smallest binary prefix (none): more decimals */
	assert_scaled(0.5, UNIT_BINARY, "0.5000");
	/* below nano: 0.5 ns = 0.5n, 4 decimals */
	assert_scaled(0.5e-9, UNIT_DECIMAL, "0.5000n");
}

Test(unit, a_row_shares_the_scale_of_its_smallest_value)
{
	double row[] = {12e-6, 1.5e-6};
	char a[UNIT_FORMAT_MAX], b[UNIT_FORMAT_MAX];
	struct unit_scaler s = unit_common_scale(row, 2, UNIT_DECIMAL);

	unit_format(a, sizeof a, s, row[0]);
	unit_format(b, sizeof b, s, row[1]);
	/* 1.5µ needs 3 decimals, so 12µ gets them too */
	cr_assert_str_eq(a, "12.000µ");
	cr_assert_str_eq(b, "1.500µ");
}
