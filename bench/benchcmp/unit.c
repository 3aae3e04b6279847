/*
 * unit.c - unit normalization and prefix scaling, after benchstat's
 * benchunit package.
 */
#include "unit.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unit syntax, from benchunit: '/' starts the denominator, '*' goes back
 * to the numerator, '-' and blanks separate words. */
#define UNIT_SEPARATORS "*/- \t"

/*
 * Step over the separators at *p, noting whether they put us in the
 * denominator, and return the length of the word that follows (0 at the
 * end). *p is left at the start of that word.
 */
static size_t next_word(const char **p, bool *denominator)
{
	size_t sep = strspn(*p, UNIT_SEPARATORS);

	for (size_t i = 0; i < sep; i++) {
		if ((*p)[i] == '/')
			*denominator = true;
		else if ((*p)[i] == '*')
			*denominator = false;
	}
	*p += sep;
	return strcspn(*p, UNIT_SEPARATORS);
}

static bool word_is(const char *p, size_t len, const char *word)
{
	return len == strlen(word) && strncmp(p, word, len) == 0;
}

char *unit_tidy(const char *unit, double *factor)
{
	size_t len = strlen(unit);
	/* "ns" (2 bytes) -> "sec" (3) is the only growth: at most 1.5x */
	char *out = malloc(len + len / 2 + 1), *o = out;
	bool denominator = false;
	const char *p = unit;

	if (!out)
		return NULL;
	*factor = 1;
	while (*p) {
		const char *sep = p;
		size_t word = next_word(&p, &denominator);

		memcpy(o, sep, (size_t)(p - sep));	/* the separators */
		o += p - sep;
		if (!denominator && word_is(p, word, "ns")) {
			memcpy(o, "sec", 3);
			o += 3;
			*factor /= 1e9;
		} else if (!denominator && word_is(p, word, "MB")) {
			*o++ = 'B';
			*factor *= 1e6;
		} else {
			memcpy(o, p, word);
			o += word;
		}
		p += word;
	}
	*o = '\0';
	return out;
}

enum unit_class unit_class(const char *unit)
{
	bool denominator = false;
	const char *p = unit;

	while (*p) {
		size_t word = next_word(&p, &denominator);
		if (!denominator && (word_is(p, word, "B") ||
				     word_is(p, word, "MB") ||
				     word_is(p, word, "bytes")))
			return UNIT_BINARY;
		p += word;
	}
	return UNIT_DECIMAL;
}

/*
 * One prefix and the thresholds at which a value, printed with it, shows
 * as 100.0 (1 decimal), 10.00 (2) or 1.000 (3). The thresholds are the
 * values that *round* up to those numbers (99.995 prints as "100.0" with
 * one decimal), so a value never prints as "1000.0k" instead of "1.000M".
 * The binary thresholds are the decimal ones times a power of two, which
 * is exact in floating point.
 */
struct prefix {
	double factor;
	const char *prefix;
	double t100, t10, t1;
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct prefix decimal_prefixes[] = {
	{1e12, "T", 99.995e12, 9.9995e12, .99995e12},
	{1e9, "G", 99.995e9, 9.9995e9, .99995e9},
	{1e6, "M", 99.995e6, 9.9995e6, .99995e6},
	{1e3, "k", 99.995e3, 9.9995e3, .99995e3},
	{1, "", 99.995, 9.9995, .99995},
	{1e-3, "m", 99.995e-3, 9.9995e-3, .99995e-3},
	{1e-6, "µ", 99.995e-6, 9.9995e-6, .99995e-6},
	{1e-9, "n", 99.995e-9, 9.9995e-9, .99995e-9},
};

/*
 * No fractional binary prefixes: 0.5 B/op prints as "0.5000", not in
 * "milli-bytes". Because t1 of one prefix is 1024 of the next smaller one,
 * values in [1000, 1024) keep the smaller prefix ("1020Ki", not "0.996Mi").
 */
static const struct prefix binary_prefixes[] = {
	{0x1p40, "Ti", 99.995 * 0x1p40, 9.9995 * 0x1p40, .99995 * 0x1p40},
	{0x1p30, "Gi", 99.995 * 0x1p30, 9.9995 * 0x1p30, .99995 * 0x1p30},
	{0x1p20, "Mi", 99.995 * 0x1p20, 9.9995 * 0x1p20, .99995 * 0x1p20},
	{0x1p10, "Ki", 99.995 * 0x1p10, 9.9995 * 0x1p10, .99995 * 0x1p10},
	{1, "", 99.995, 9.9995, .99995},
};

struct unit_scaler unit_common_scale(const double *vals, size_t n,
				     enum unit_class cls)
{
	double min = 0;

	for (size_t i = 0; i < n; i++) {
		double v = fabs(vals[i]);
		if (v != 0 && (min == 0 || v < min))
			min = v;
	}
	if (min == 0)
		return (struct unit_scaler){3, 1, ""};

	const struct prefix *table = cls == UNIT_BINARY ? binary_prefixes
							: decimal_prefixes;
	size_t len = cls == UNIT_BINARY ? ARRAY_LEN(binary_prefixes)
					: ARRAY_LEN(decimal_prefixes);

	for (size_t i = 0; i < len; i++) {
		if (min >= table[i].t100)
			return (struct unit_scaler){1, table[i].factor,
						    table[i].prefix};
		if (min >= table[i].t10)
			return (struct unit_scaler){2, table[i].factor,
						    table[i].prefix};
		if (min >= table[i].t1)
			return (struct unit_scaler){3, table[i].factor,
						    table[i].prefix};
	}

	/* Below the smallest prefix: keep it and add decimals until three
	 * significant digits show, up to 10 decimals. */
	static const double sigfigs[] = {9.9995e-1, 9.9995e-2, 9.9995e-3,
		9.9995e-4, 9.9995e-5, 9.9995e-6, 9.9995e-7, 9.9995e-8};
	const struct prefix *last = &table[len - 1];
	double v = min / last->factor;
	int prec = 3;
	for (size_t i = 0; i < ARRAY_LEN(sigfigs) - 1 &&
			   v < sigfigs[i]; i++)
		prec++;
	return (struct unit_scaler){prec, last->factor, last->prefix};
}

void unit_format(char *buf, size_t size, struct unit_scaler s, double value)
{
	snprintf(buf, size, "%.*f%s", s.prec, value / s.factor, s.prefix);
}
