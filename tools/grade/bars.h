/*
 * bars.h - the benchmark harness's -json output, and the bars a part's
 * score rests on ("allocs/op <= 18", "instructions/op <= 0.6 x naive").
 *
 *     struct bench_output bo;
 *     if (bench_output_parse(stdout_text, &bo, &why) == 0) {
 *             struct bar_eval ev;
 *             bar_evaluate(&part->bars[0], bench_lookup, &bo, &ev);
 *             printf("%s: expected %s, measured %s\n", ev.met ? "ok" : "missed",
 *                    ev.expected, ev.measured);
 *             bar_eval_release(&ev);
 *             bench_output_release(&bo);
 *     }
 *
 * HOW A BAR IS DECIDED
 *
 * The measured figure is the median of the metric over every sample of
 * the named benchmark (one per -count run). The threshold is the bar's
 * `value`, or its `ratio` times the baseline's median of the same metric
 * (or of `baseline_metric`), measured in the same run, so a ratio means
 * the same on any machine. `<=` and `>=` compare with a relative slack of
 * 1e-9, so 18.0000000001 allocs/op (float arithmetic) still meets <= 18.
 * A figure that is missing (the benchmark failed, the metric is not
 * measured in this mode) misses the bar, and `problem` says why.
 */
#ifndef GRADE_BARS_H
#define GRADE_BARS_H

#include <jansson.h>
#include <stdbool.h>

#include "catalogue.h"
#include "util.h"

struct bench_output {
	json_t *doc;            /* the whole document */
	struct strv warnings;   /* the harness's warnings */
	struct strv failures;   /* "name: message" of failed benchmarks */
};

/*
 * Parse the harness's stdout. Learner code may print to stdout too: when
 * the whole text is not JSON, the document is looked for from the last
 * line that is just "{". Returns 0, or -1 with the reason in why.
 */
int bench_output_parse(const char *text, struct bench_output *out,
		       struct text *why);
void bench_output_release(struct bench_output *out);

/* Median of `metric` over the samples of benchmark `name`; false when
 * there is none. *samples (if not NULL) gets how many there were. */
bool bench_median(const struct bench_output *out, const char *name,
		  const char *metric, double *value, int *samples);

/*
 * Where bars get figures from: a benchmark run (bench = the name) or a
 * script's metrics (bench = NULL). Returns false when there is no such
 * figure, with a reason in *why (malloc'd) when it can say more.
 */
typedef bool (*metric_lookup)(const void *source, const char *bench,
			      const char *metric, double *value, char **why);
bool bench_lookup(const void *bench_output, const char *bench,
		  const char *metric, double *value, char **why);
/* source: a json_t object of metric name -> number. */
bool script_lookup(const void *metrics, const char *bench, const char *metric,
		   double *value, char **why);

struct bar_eval {
	bool met;
	bool have_measured;
	double measured;
	double threshold;       /* valid when have_threshold */
	bool have_threshold;
	double baseline;        /* the baseline figure (ratio bars) */
	char *expected;         /* "instructions/op <= 0.6 x naive (105753)" */
	char *measured_text;    /* "67707 (0.64 x naive)" or "missing: ..." */
};

void bar_evaluate(const struct bar *bar, metric_lookup lookup,
		  const void *source, struct bar_eval *ev);
void bar_eval_release(struct bar_eval *ev);

/* A figure for people: 67707, 8, 0.38, 1.5e+07. Static buffer per call
 * slot: up to 4 results of it may be used in one printf. */
const char *format_number(double x);

/* The part of `name` that differs from `ref` after their common prefix of
 * whole path components: ("B/pieces=1000/naive", "B/pieces=1000/strbuf")
 * -> "naive". */
const char *short_bench_name(const char *name, const char *ref);

#endif /* GRADE_BARS_H */
