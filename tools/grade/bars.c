/*
 * bars.c - parse the harness's JSON output and decide bars (see bars.h).
 */
#include "bars.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The harness's output ------------------------------------------------ */

static int take_document(json_t *doc, struct bench_output *out,
			 struct text *why)
{
	json_t *list = json_object_get(doc, "benchmarks");
	json_t *warnings = json_object_get(doc, "warnings");
	json_t *failures = json_object_get(doc, "failures");
	size_t i;
	json_t *e;

	if (!json_is_object(doc) || !json_is_array(list)) {
		text_puts(why, "the benchmark output has no \"benchmarks\" list");
		json_decref(doc);
		return -1;
	}
	out->doc = doc;
	json_array_foreach(warnings, i, e)
		if (json_is_string(e))
			strv_push(&out->warnings, json_string_value(e));
	json_array_foreach(failures, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		strv_pushf(&out->failures, "%s: %s", name ? name : "?",
			   msg && *msg ? msg : "failed");
	}
	return 0;
}

int bench_output_parse(const char *text, struct bench_output *out,
		       struct text *why)
{
	json_error_t err;
	json_t *doc;

	memset(out, 0, sizeof *out);
	doc = json_loads(text, 0, &err);
	if (doc)
		return take_document(doc, out, why);
	/* Something else printed to stdout as well: the harness prints its
	 * document last, starting with a line holding only "{". */
	const char *start = NULL;
	for (const char *p = text; (p = strstr(p, "\n{\n")) != NULL; p++)
		start = p + 1;
	if (start && (doc = json_loads(start, 0, &err)) != NULL) {
		int rc = take_document(doc, out, why);
		if (rc == 0)
			strv_push(&out->warnings, "something besides the harness "
				  "printed to stdout during the benchmark");
		return rc;
	}
	text_printf(why, "the benchmark output is not JSON (%s, line %d)%s",
		    err.text, err.line,
		    strstr(text, "Benchmark") ? "" : ": did it print anything?");
	return -1;
}

void bench_output_release(struct bench_output *out)
{
	json_decref(out->doc);
	strv_release(&out->warnings);
	strv_release(&out->failures);
	out->doc = NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

bool bench_median(const struct bench_output *out, const char *name,
		  const char *metric, double *value, int *samples)
{
	json_t *list = json_object_get(out->doc, "benchmarks");
	size_t i, n = 0;
	json_t *e;
	double *v = xmalloc((json_array_size(list) + 1) * sizeof *v);

	json_array_foreach(list, i, e) {
		const char *full = json_string_value(json_object_get(e, "full_name"));
		json_t *m = json_object_get(json_object_get(e, "metrics"), metric);
		if (full && strcmp(full, name) == 0 && json_is_number(m))
			v[n++] = json_number_value(m);
	}
	if (samples)
		*samples = (int)n;
	if (n == 0) {
		free(v);
		return false;
	}
	qsort(v, n, sizeof *v, cmp_double);
	*value = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return true;
}

static bool bench_has(const struct bench_output *out, const char *name)
{
	json_t *list = json_object_get(out->doc, "benchmarks");
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) {
		const char *full = json_string_value(json_object_get(e, "full_name"));
		if (full && strcmp(full, name) == 0)
			return true;
	}
	return false;
}

bool bench_lookup(const void *source, const char *bench, const char *metric,
		  double *value, char **why)
{
	const struct bench_output *out = source;

	if (bench_median(out, bench, metric, value, NULL))
		return true;
	for (size_t i = 0; i < out->failures.n; i++) {
		if (str_starts(out->failures.v[i], bench) &&
		    out->failures.v[i][strlen(bench)] == ':') {
			*why = xasprintf("the benchmark failed: %s",
					 out->failures.v[i] + strlen(bench) + 2);
			return false;
		}
	}
	if (!bench_has(out, bench))
		*why = xasprintf("%s is not in the output", bench);
	else if (strcmp(metric, "instructions/op") == 0)
		*why = xasprintf("no instructions/op for %s: not run under "
				 "callgrind, and no hardware counter", bench);
	else
		*why = xasprintf("%s reports no %s", bench, metric);
	return false;
}

bool script_lookup(const void *source, const char *bench, const char *metric,
		   double *value, char **why)
{
	json_t *m = json_object_get((const json_t *)source, metric);

	(void)bench;
	if (json_is_number(m)) {
		*value = json_number_value(m);
		return true;
	}
	*why = xasprintf("the script reported no %s", metric);
	return false;
}

/* ---- Bars ------------------------------------------------------------------ */

const char *format_number(double x)
{
	static char bufs[4][32];
	static int next;
	char *buf = bufs[next++ % 4];

	if (!isfinite(x))
		snprintf(buf, sizeof bufs[0], "%g", x);
	else if (fabs(x) >= 1e7)
		snprintf(buf, sizeof bufs[0], "%.3g", x);
	else if (fabs(x) >= 100 || x == floor(x))
		snprintf(buf, sizeof bufs[0], "%.0f", x);
	else
		snprintf(buf, sizeof bufs[0], "%.3g", x);
	return buf;
}

const char *short_bench_name(const char *name, const char *ref)
{
	const char *tail = name;

	if (ref == NULL)
		return name;
	for (size_t i = 0; name[i] && name[i] == ref[i]; i++)
		if (name[i] == '/')
			tail = name + i + 1;
	return *tail ? tail : name;
}

void bar_evaluate(const struct bar *bar, metric_lookup lookup,
		  const void *source, struct bar_eval *ev)
{
	const char *op = bar->op == BAR_LE ? "<=" : ">=";
	char *why = NULL;

	memset(ev, 0, sizeof *ev);
	ev->have_measured = lookup(source, bar->bench, bar->metric,
				   &ev->measured, &why);

	if (bar->has_value) {
		ev->threshold = bar->value;
		ev->have_threshold = true;
		ev->expected = xasprintf("%s %s %s", bar->metric, op,
					 format_number(bar->value));
	} else {
		const char *bm = bar->baseline_metric ? bar->baseline_metric
						      : bar->metric;
		const char *bname = bar->baseline ?
			short_bench_name(bar->baseline, bar->bench) : bm;
		char *bwhy = NULL;
		if (lookup(source, bar->baseline, bm, &ev->baseline, &bwhy)) {
			ev->threshold = bar->ratio * ev->baseline;
			ev->have_threshold = true;
			ev->expected = xasprintf("%s %s %s x %s (%s)", bar->metric,
						 op, format_number(bar->ratio),
						 bname, format_number(ev->threshold));
		} else {
			ev->expected = xasprintf("%s %s %s x %s", bar->metric, op,
						 format_number(bar->ratio), bname);
			if (why == NULL)
				why = xasprintf("no baseline: %s", bwhy);
		}
		free(bwhy);
	}

	if (!ev->have_measured || !ev->have_threshold) {
		ev->measured_text = xasprintf("missing: %s", why ? why : "no figure");
		free(why);
		return;
	}
	free(why);
	double slack = 1e-9 * fmax(fabs(ev->threshold), 1e-300);
	ev->met = bar->op == BAR_LE ? ev->measured <= ev->threshold + slack
				    : ev->measured >= ev->threshold - slack;
	if (!bar->has_value && ev->baseline != 0) {
		const char *bname = bar->baseline ?
			short_bench_name(bar->baseline, bar->bench) :
			(bar->baseline_metric ? bar->baseline_metric : bar->metric);
		ev->measured_text = xasprintf("%s (%s x %s)",
					      format_number(ev->measured),
					      format_number(ev->measured / ev->baseline),
					      bname);
	} else {
		ev->measured_text = xstrdup(format_number(ev->measured));
	}
}

void bar_eval_release(struct bar_eval *ev)
{
	free(ev->expected);
	free(ev->measured_text);
	ev->expected = ev->measured_text = NULL;
}
