/*
 * report.c - group samples into one table per unit, compute the
 * statistics of every cell, and print the tables in benchstat's layout.
 */
#include "report.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "unit.h"

void report_init(struct report *r, double alpha, double confidence)
{
	assert(alpha > 0 && alpha < 1 && confidence > 0 && confidence < 1);
	*r = (struct report){.alpha = alpha, .confidence = confidence};
}

static void table_release(struct report_table *t, size_t nfiles)
{
	for (size_t i = 0; i < t->nrows; i++) {
		struct report_row *row = &t->rows[i];
		for (size_t f = 0; row->cells && f < nfiles; f++)
			free(row->cells[f].values);
		free(row->cells);
		free(row->name);
	}
	free(t->rows);
	free(t->unit);
	free(t->raw_unit);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->ntables; i++)
		table_release(&r->tables[i], r->nfiles);
	free(r->tables);
	report_init(r, r->alpha, r->confidence);
}

/* ---------------------------------------------------------------------- */
/* Building: group, sort, summarize, compare                                */
/* ---------------------------------------------------------------------- */

/* The table for raw_unit, created (empty) on first sight. NULL: ENOMEM. */
static struct report_table *table_for(struct report *r, const char *raw_unit)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (strcmp(r->tables[i].raw_unit, raw_unit) == 0)
			return &r->tables[i];

	if (grow_array((void **)&r->tables, &r->tables_alloc, r->ntables + 1,
		       sizeof *r->tables) < 0)
		return NULL;
	struct report_table *t = &r->tables[r->ntables];
	*t = (struct report_table){0};
	t->raw_unit = strdup(raw_unit);
	t->unit = unit_tidy(raw_unit, &t->factor);
	if (!t->raw_unit || !t->unit) {
		free(t->raw_unit);
		free(t->unit);
		return NULL;
	}
	r->ntables++;
	return t;
}

/*
 * The row for benchmark `name`, created with one empty cell per file on
 * first sight. NULL: ENOMEM. The search runs from the newest row because
 * files list the -count repetitions of a benchmark one after another, so
 * the row we want is almost always the last one.
 */
static struct report_row *row_for(struct report_table *t, const char *name,
				  size_t nfiles)
{
	for (size_t i = t->nrows; i-- > 0;)
		if (strcmp(t->rows[i].name, name) == 0)
			return &t->rows[i];

	if (grow_array((void **)&t->rows, &t->rows_alloc, t->nrows + 1,
		       sizeof *t->rows) < 0)
		return NULL;
	struct report_row *row = &t->rows[t->nrows];
	row->name = strdup(name);
	row->cells = calloc(nfiles, sizeof *row->cells);
	if (!row->name || !row->cells) {
		free(row->name);
		free(row->cells);
		return NULL;
	}
	t->nrows++;
	return row;
}

static int cell_add(struct report_cell *c, double value)
{
	if (grow_array((void **)&c->values, &c->alloc, c->n + 1,
		       sizeof *c->values) < 0)
		return -1;
	c->values[c->n++] = value;
	return 0;
}

int report_build(struct report *r, const struct benchfile *files,
		 size_t nfiles)
{
	assert(r->ntables == 0 && nfiles > 0);
	r->files = files;
	r->nfiles = nfiles;

	for (size_t f = 0; f < nfiles; f++) {
		for (size_t i = 0; i < files[f].nresults; i++) {
			const struct benchfile_result *res =
				&files[f].results[i];
			struct report_table *t = table_for(r, res->unit);
			if (!t)
				return -1;
			struct report_row *row = row_for(t, res->name, nfiles);
			if (!row || cell_add(&row->cells[f],
					     res->value * t->factor) < 0)
				return -1;
		}
	}

	for (size_t i = 0; i < r->ntables; i++) {
		struct report_table *t = &r->tables[i];
		for (size_t j = 0; j < t->nrows; j++) {
			struct report_cell *cells = t->rows[j].cells;
			for (size_t f = 0; f < nfiles; f++) {
				struct report_cell *c = &cells[f];
				if (c->n == 0)
					continue;
				qsort(c->values, c->n, sizeof *c->values,
				      stats_cmp_double);
				c->summary = stats_summarize(c->values, c->n,
							     r->confidence);
			}
			/* Compare every later file with the first. */
			for (size_t f = 1; f < nfiles; f++) {
				struct report_cell *c = &cells[f];
				if (c->n == 0 || cells[0].n == 0)
					continue;
				if (stats_utest(cells[0].values, cells[0].n,
						c->values, c->n, &c->cmp) < 0)
					return -1;
				c->compared = true;
			}
		}
	}
	return 0;
}

bool report_check(const struct report *r)
{
	for (size_t i = 0; i < r->ntables; i++) {
		const struct report_table *t = &r->tables[i];
		if (!t->unit || !t->raw_unit || t->nrows == 0 ||
		    t->nrows > t->rows_alloc || !(t->factor > 0))
			return false;
		for (size_t j = 0; j < t->nrows; j++) {
			const struct report_cell *cells = t->rows[j].cells;
			bool any = false;
			if (!t->rows[j].name || !cells)
				return false;
			for (size_t f = 0; f < r->nfiles; f++) {
				const struct report_cell *c = &cells[f];
				if (c->n > c->alloc)
					return false;
				for (size_t k = 0; k < c->n; k++)
					if (!isfinite(c->values[k]) ||
					    (k > 0 && c->values[k - 1] >
							      c->values[k]))
						return false;
				bool comparable = f > 0 && c->n > 0 &&
						  cells[0].n > 0;
				if (c->compared != comparable)
					return false;
				any |= c->n > 0;
			}
			if (!any)
				return false;
		}
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* Cell texts and footnotes                                                 */
/* ---------------------------------------------------------------------- */

/*
 * The footnotes benchcmp can print, worded as benchstat words them so
 * that a search for the message finds benchstat's documentation.
 */
enum note {
	NOTE_CI,		/* too few samples for a finite CI */
	NOTE_UTEST_SAMPLES,	/* too few samples for the U test */
	NOTE_ALL_EQUAL,		/* U test on identical values */
	NOTE_SET_DIFFERS,	/* geomean over different benchmarks */
	NOTE_GEOMEAN_ZERO,	/* geomean of a column with a median <= 0 */
	NOTE_RATIO_ZERO,	/* geomean of ratios with a ratio <= 0 */
	NOTE_COUNT
};

/* What printing needs besides the report: limits, footnote texts, and
 * the footnote numbers given out so far in the current table. */
struct printer {
	const struct report *r;
	size_t utest_min;		/* samples per side the U test needs */
	char note_text[NOTE_COUNT][128];
	int note_number[NOTE_COUNT];	/* 0: not used in this table yet */
	int nnotes;
};

/* Everything printed in one cell of the table, as separate columns. */
struct cell_text {
	char center[UNIT_FORMAT_MAX];	/* "1.718µ", "?" */
	char ci[16];			/* "1%", "∞", "?" after a " ± " */
	char marks[16];			/* footnote marks: "¹ ²" */
	char delta[32];			/* "-17.20%", "~", "?" */
	char cmp[64];			/* "(p=0.000 n=10)" */
	char marks2[16];		/* footnote marks of the comparison */
};

static void printer_init(struct printer *p, const struct report *r)
{
	size_t ci_min = stats_median_ci_min_samples(r->confidence);

	*p = (struct printer){.r = r};
	p->utest_min = stats_utest_min_samples(r->alpha);
	if (ci_min)
		snprintf(p->note_text[NOTE_CI], sizeof p->note_text[0],
			 "need >= %zu samples for confidence interval at "
			 "level %g", ci_min, r->confidence);
	else
		snprintf(p->note_text[NOTE_CI], sizeof p->note_text[0],
			 "need > 1000 samples for confidence interval at "
			 "level %g", r->confidence);
	snprintf(p->note_text[NOTE_UTEST_SAMPLES], sizeof p->note_text[0],
		 "need >= %zu samples to detect a difference at alpha level %g",
		 p->utest_min, r->alpha);
	snprintf(p->note_text[NOTE_ALL_EQUAL], sizeof p->note_text[0],
		 "all samples are equal");
	snprintf(p->note_text[NOTE_SET_DIFFERS], sizeof p->note_text[0],
		 "benchmark set differs from baseline; geomeans may not be "
		 "comparable");
	snprintf(p->note_text[NOTE_GEOMEAN_ZERO], sizeof p->note_text[0],
		 "summaries must be >0 to compute geomean");
	snprintf(p->note_text[NOTE_RATIO_ZERO], sizeof p->note_text[0],
		 "ratios must be >0 to compute geomean");
}

/* n as superscript digits ("¹²"), the way benchstat numbers footnotes. */
static void superscript(char *buf, size_t size, int n)
{
	static const char *const digits[10] = {"⁰", "¹", "²", "³", "⁴",
					       "⁵", "⁶", "⁷", "⁸", "⁹"};
	char decimal[16];

	snprintf(decimal, sizeof decimal, "%d", n);
	buf[0] = '\0';
	for (const char *d = decimal; *d; d++)
		strncat(buf, digits[*d - '0'], size - strlen(buf) - 1);
}

/*
 * Add the mark of `note` to a cell's marks, numbering the note if this is
 * its first use in the table: notes are numbered in reading order.
 */
static void mark(struct printer *p, enum note note, char *marks, size_t size)
{
	char sup[16];

	if (p->note_number[note] == 0)
		p->note_number[note] = ++p->nnotes;
	superscript(sup, sizeof sup, p->note_number[note]);
	if (marks[0])
		strncat(marks, " ", size - strlen(marks) - 1);
	strncat(marks, sup, size - strlen(marks) - 1);
}

/* -1, 0 or +1. */
static int sign(double x)
{
	return (x > 0) - (x < 0);
}

/*
 * The CI as "± N%": the larger distance from the median to a bound, as a
 * percentage of the median (benchstat's PctRangeString, written with
 * absolute values so that negative medians work too). "∞" if a bound is
 * infinite; "?" if a bound and the median differ in sign (zero counting
 * as a sign of its own), where a percentage would mislead.
 */
static void format_ci(char *buf, size_t size, const struct stats_summary *s)
{
	if (isinf(s->lo) || isinf(s->hi))
		snprintf(buf, size, "∞");
	else if (sign(s->lo) != sign(s->center) ||
		 sign(s->hi) != sign(s->center))
		snprintf(buf, size, "?");
	else if (s->center == 0)	/* and so lo = hi = 0 */
		snprintf(buf, size, "0%%");
	else
		snprintf(buf, size, "%.0f%%",
			 100 * fmax(s->hi - s->center, s->center - s->lo) /
				 fabs(s->center));
}

/* Texts of the cell for file f in `row`; sc scales the row's medians. */
static void fill_cell(struct printer *p, const struct report_row *row,
		      size_t f, struct unit_scaler sc, struct cell_text *ct)
{
	const struct report_cell *c = &row->cells[f];
	const struct report_cell *base = &row->cells[0];

	if (c->n == 0) {
		snprintf(ct->center, sizeof ct->center, "?");
	} else {
		unit_format(ct->center, sizeof ct->center, sc,
			    c->summary.center);
		format_ci(ct->ci, sizeof ct->ci, &c->summary);
		if (isinf(c->summary.lo) || isinf(c->summary.hi))
			mark(p, NOTE_CI, ct->marks, sizeof ct->marks);
	}
	if (f == 0)
		return;
	if (!c->compared) {
		snprintf(ct->delta, sizeof ct->delta, "?");
		return;
	}

	/*
	 * Significant means p <= alpha, as in benchstat. We also refuse to
	 * call a change when either side has fewer samples than the smallest
	 * n at which two fully separated samples reach alpha (4 at 0.05):
	 * a median of 2 or 3 runs says little about either program even
	 * when the other side is large. (benchstat only adds the note, when
	 * p > alpha and *both* sides are that small.)
	 */
	const struct stats_utest *u = &c->cmp;
	bool too_few = u->n1 < p->utest_min || u->n2 < p->utest_min;
	double old = base->summary.center, new = c->summary.center;

	if (too_few || u->p > p->r->alpha)
		snprintf(ct->delta, sizeof ct->delta, "~");
	else if (old == new)
		snprintf(ct->delta, sizeof ct->delta, "0.00%%");
	else if (old == 0)
		snprintf(ct->delta, sizeof ct->delta, "?");
	else
		snprintf(ct->delta, sizeof ct->delta, "%+.2f%%",
			 (new / old - 1) * 100);

	/* benchstat leaves p out when it is exactly 0 (an underflow) */
	char pval[16] = "";
	if (u->p != 0)
		snprintf(pval, sizeof pval, "p=%.3f ", u->p);
	if (u->n1 == u->n2)
		snprintf(ct->cmp, sizeof ct->cmp, "(%sn=%zu)", pval, u->n1);
	else
		snprintf(ct->cmp, sizeof ct->cmp, "(%sn=%zu+%zu)", pval,
			 u->n1, u->n2);

	if (u->all_equal)
		mark(p, NOTE_ALL_EQUAL, ct->marks2, sizeof ct->marks2);
	if (too_few)
		mark(p, NOTE_UTEST_SAMPLES, ct->marks2, sizeof ct->marks2);
}

/*
 * The geomean row for file f: the geometric mean of the column's medians
 * and, after the first column, the geometric mean of the per-benchmark
 * ratios new/old (not the ratio of the two geomeans: if the benchmark
 * sets differ, that would compare different things). As in benchstat, a
 * ratio 0/0 counts as 1, x/0 makes the delta "?", and a median <= 0
 * leaves the geomean blank with a footnote, since its logarithm is
 * undefined. scratch has room for one double per row.
 */
static void fill_geomean(struct printer *p, const struct report_table *t,
			 size_t f, struct cell_text *ct, double *scratch)
{
	char *marks = f == 0 ? ct->marks : ct->marks2;
	size_t size = f == 0 ? sizeof ct->marks : sizeof ct->marks2;
	size_t n = 0, nratios = 0;
	bool differs = false, zero_base = false, ratio_note = false;

	if (f > 0) {
		for (size_t i = 0; i < t->nrows; i++) {
			const struct report_cell *base = &t->rows[i].cells[0];
			const struct report_cell *c = &t->rows[i].cells[f];
			double old = base->summary.center;
			double new = c->summary.center;

			differs |= (base->n > 0) != (c->n > 0);
			if (base->n == 0 || c->n == 0)
				continue;
			if (old == new)
				scratch[nratios++] = 1;
			else if (old == 0)
				zero_base = true;
			else
				scratch[nratios++] = new / old;
		}
		double ratio = NAN;
		if (nratios > 0 && !zero_base) {
			ratio = stats_geomean(scratch, nratios);
			ratio_note = isnan(ratio);	/* a ratio <= 0 */
		}
		if (isnan(ratio))
			snprintf(ct->delta, sizeof ct->delta, "?");
		else
			snprintf(ct->delta, sizeof ct->delta, "%+.2f%%",
				 (ratio - 1) * 100);
		if (differs)
			mark(p, NOTE_SET_DIFFERS, marks, size);
	}

	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].cells[f].n > 0)
			scratch[n++] = t->rows[i].cells[f].summary.center;
	double gm = n ? stats_geomean(scratch, n) : NAN;
	if (isnan(gm)) {
		if (n)
			mark(p, NOTE_GEOMEAN_ZERO, marks, size);
	} else {
		struct unit_scaler sc =
			unit_common_scale(&gm, 1, unit_class(t->unit));
		unit_format(ct->center, sizeof ct->center, sc, gm);
	}
	if (ratio_note)
		mark(p, NOTE_RATIO_ZERO, marks, size);
}

/* ---------------------------------------------------------------------- */
/* Layout                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * HOW THE LAYOUT WORKS
 *
 * Each file is a group of columns, right after a 3-character margin that
 * holds the " │ " rule in the two header lines:
 *
 *	center " ± " ci [" " marks]  ["  " delta " " cmp [" " marks2]]
 *	\______ center part _____/    \________ delta part _________/
 *
 * (the delta part only after the first file). Every column is as wide as
 * its widest entry; then the header texts widen a column if they do not
 * fit: the unit is centred over the center part, "vs base" starts the
 * delta part, and the file name is centred over the whole group. This
 * reproduces benchstat's output for its usual tables.
 */
struct widths {
	size_t center, ci, marks, delta, cmp, marks2;
};

static size_t center_part(const struct widths *w)
{
	return w->center + 3 + w->ci + (w->marks ? 1 + w->marks : 0);
}

static size_t delta_part(const struct widths *w)
{
	return 2 + w->delta + 1 + w->cmp + (w->marks2 ? 1 + w->marks2 : 0);
}

/*
 * Terminal columns taken by UTF-8 text: the number of code points, i.e.
 * of bytes that do not continue a multi-byte sequence. Every character we
 * print (µ ± ∞ │ ¹) is one column wide; wcswidth() would need a UTF-8
 * locale, and the layout must not depend on the user's locale.
 */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/*
 * Output with deferred blanks: padding is only written when visible text
 * follows it on the same line, so lines never end in spaces.
 */
struct out {
	FILE *f;
	size_t pending;		/* spaces owed before the next text */
};

static void out_space(struct out *o, size_t n)
{
	o->pending += n;
}

static void out_text(struct out *o, const char *s)
{
	if (!*s)
		return;
	fprintf(o->f, "%*s%s", (int)o->pending, "", s);
	o->pending = 0;
}

static void out_end_line(struct out *o)
{
	o->pending = 0;
	fputc('\n', o->f);
}

static void out_right(struct out *o, const char *s, size_t width)
{
	assert(text_width(s) <= width);
	out_space(o, width - text_width(s));
	out_text(o, s);
}

static void out_left(struct out *o, const char *s, size_t width)
{
	assert(text_width(s) <= width);
	out_text(o, s);
	out_space(o, width - text_width(s));
}

/* Centred, the odd blank on the right, as benchstat does. */
static void out_center(struct out *o, const char *s, size_t width)
{
	size_t w = text_width(s), left = (width - w) / 2;

	assert(w <= width);
	out_space(o, left);
	out_text(o, s);
	out_space(o, width - w - left);
}

static void print_cell(struct out *o, const struct cell_text *ct,
		       const struct widths *w, bool with_delta)
{
	out_space(o, 3);
	out_right(o, ct->center, w->center);
	if (ct->ci[0]) {
		out_text(o, " ± ");
		out_right(o, ct->ci, w->ci);
	} else {
		out_space(o, 3 + w->ci);
	}
	if (w->marks) {
		out_space(o, 1);
		out_left(o, ct->marks, w->marks);
	}
	if (!with_delta)
		return;
	out_space(o, 2);
	out_right(o, ct->delta, w->delta);
	out_space(o, 1);
	out_left(o, ct->cmp, w->cmp);
	if (w->marks2) {
		out_space(o, 1);
		out_left(o, ct->marks2, w->marks2);
	}
}

/* Fit the columns of file f to its texts and to the header texts. */
static void fit_widths(struct widths *w, const struct cell_text *texts,
		       size_t nlines, size_t nfiles, size_t f,
		       const char *unit, const char *label)
{
	for (size_t i = 0; i < nlines; i++) {
		const struct cell_text *ct = &texts[i * nfiles + f];
		w->center = max_size(w->center, text_width(ct->center));
		w->ci = max_size(w->ci, text_width(ct->ci));
		w->marks = max_size(w->marks, text_width(ct->marks));
		w->delta = max_size(w->delta, text_width(ct->delta));
		w->cmp = max_size(w->cmp, text_width(ct->cmp));
		w->marks2 = max_size(w->marks2, text_width(ct->marks2));
	}
	if (text_width(unit) > center_part(w))
		w->center += text_width(unit) - center_part(w);
	if (f == 0) {
		if (text_width(label) > center_part(w))
			w->center += text_width(label) - center_part(w);
		return;
	}
	if (strlen("vs base") > delta_part(w) - 2)
		w->cmp += strlen("vs base") - (delta_part(w) - 2);
	size_t group = center_part(w) + delta_part(w);
	if (text_width(label) > group)
		w->cmp += text_width(label) - group;
}

static int print_table(struct printer *p, const struct report_table *t,
		       FILE *f_out)
{
	const struct report *r = p->r;
	size_t nf = r->nfiles;
	bool geomean = t->nrows > 1;
	size_t nlines = t->nrows + geomean;
	struct cell_text *texts = calloc(nlines * nf, sizeof *texts);
	struct widths *w = calloc(nf, sizeof *w);
	double *scratch = calloc(max_size(t->nrows, nf), sizeof *scratch);
	struct out o = {f_out, 0};

	if (!texts || !w || !scratch) {
		free(texts);
		free(w);
		free(scratch);
		errno = ENOMEM;
		return -1;
	}
	memset(p->note_number, 0, sizeof p->note_number);
	p->nnotes = 0;

	/* Texts in reading order, so that footnotes number that way. */
	enum unit_class cls = unit_class(t->unit);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct report_row *row = &t->rows[i];
		size_t n = 0;
		for (size_t f = 0; f < nf; f++)
			if (row->cells[f].n > 0)
				scratch[n++] = row->cells[f].summary.center;
		/* one prefix per row, so its cells compare digit by digit */
		struct unit_scaler sc = unit_common_scale(scratch, n, cls);
		for (size_t f = 0; f < nf; f++)
			fill_cell(p, row, f, sc, &texts[i * nf + f]);
	}
	for (size_t f = 0; geomean && f < nf; f++)
		fill_geomean(p, t, f, &texts[t->nrows * nf + f], scratch);

	size_t name_w = geomean ? strlen("geomean") : 0;
	for (size_t i = 0; i < t->nrows; i++)
		name_w = max_size(name_w, text_width(t->rows[i].name));
	for (size_t f = 0; f < nf; f++)
		fit_widths(&w[f], texts, nlines, nf, f, t->unit,
			   r->files[f].path);

	/* Header: file names, then units and "vs base". */
	out_space(&o, name_w);
	for (size_t f = 0; f < nf; f++) {
		out_text(&o, " │ ");
		out_center(&o, r->files[f].path,
			   center_part(&w[f]) + (f ? delta_part(&w[f]) : 0));
	}
	out_text(&o, " │");
	out_end_line(&o);
	out_space(&o, name_w);
	for (size_t f = 0; f < nf; f++) {
		out_text(&o, " │ ");
		out_center(&o, t->unit, center_part(&w[f]));
		if (f > 0) {
			out_space(&o, 2);
			out_left(&o, "vs base", delta_part(&w[f]) - 2);
		}
	}
	out_text(&o, " │");
	out_end_line(&o);

	for (size_t i = 0; i < nlines; i++) {
		out_left(&o, i < t->nrows ? t->rows[i].name : "geomean",
			 name_w);
		for (size_t f = 0; f < nf; f++)
			print_cell(&o, &texts[i * nf + f], &w[f], f > 0);
		out_end_line(&o);
	}

	for (int k = 1; k <= p->nnotes; k++) {
		for (int note = 0; note < NOTE_COUNT; note++) {
			if (p->note_number[note] != k)
				continue;
			char sup[16];
			superscript(sup, sizeof sup, k);
			fprintf(f_out, "%s %s\n", sup, p->note_text[note]);
		}
	}

	free(texts);
	free(w);
	free(scratch);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Configuration lines and the whole report                                 */
/* ---------------------------------------------------------------------- */

static bool key_in_earlier_file(const struct report *r, size_t f,
				const char *key)
{
	for (size_t g = 0; g < f; g++)
		if (benchfile_config(&r->files[g], key))
			return true;
	return false;
}

/*
 * "goos: linux" etc., each key once, in order of first appearance. When
 * the files disagree (or one lacks the key) every file's value is shown:
 * "cpu: AMD EPYC (old.txt), Intel Xeon (new.txt)". benchstat would split
 * such files into separate tables instead; we keep one table, since the
 * usual cause is a run on another machine, which the reader should see
 * right above the numbers.
 */
static void print_config(const struct report *r, FILE *out)
{
	for (size_t f = 0; f < r->nfiles; f++) {
		const struct benchfile *bf = &r->files[f];
		for (size_t k = 0; k < bf->nconfigs; k++) {
			const char *key = bf->configs[k].key;
			const char *value = bf->configs[k].value;
			bool same = true;

			if (key_in_earlier_file(r, f, key))
				continue;
			for (size_t g = 0; g < r->nfiles; g++) {
				const char *v = benchfile_config(&r->files[g],
								 key);
				same &= v && strcmp(v, value) == 0;
			}
			if (same) {
				fprintf(out, "%s: %s\n", key, value);
				continue;
			}
			const char *sep = " ";
			fprintf(out, "%s:", key);
			for (size_t g = 0; g < r->nfiles; g++) {
				const char *v = benchfile_config(&r->files[g],
								 key);
				if (!v)
					continue;
				fprintf(out, "%s%s (%s)", sep, v,
					r->files[g].path);
				sep = ", ";
			}
			fputc('\n', out);
		}
	}
}

int report_print(const struct report *r, FILE *out)
{
	struct printer p;

	printer_init(&p, r);
	print_config(r, out);
	for (size_t i = 0; i < r->ntables; i++) {
		if (i > 0)
			fputc('\n', out);
		if (print_table(&p, &r->tables[i], out) < 0)
			return -1;
	}
	if (ferror(out)) {
		errno = EIO;
		return -1;
	}
	return 0;
}
