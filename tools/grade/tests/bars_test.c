/*
 * bars_test.c - reading the harness's -json output and deciding bars:
 * medians over -count samples, absolute and ratio thresholds, and a clear
 * reason when a figure is missing.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "bars.h"

static const char *const output =
	"{\n"
	"  \"goos\": \"linux\",\n"
	"  \"benchmarks\": [\n"
	"    {\"full_name\": \"B/n=1000/strbuf\", \"metrics\": {\"allocs/op\": 8.0, \"instructions/op\": 600.0}},\n"
	"    {\"full_name\": \"B/n=1000/strbuf\", \"metrics\": {\"allocs/op\": 8.0, \"instructions/op\": 500.0}},\n"
	"    {\"full_name\": \"B/n=1000/strbuf\", \"metrics\": {\"allocs/op\": 8.0, \"instructions/op\": 700.0}},\n"
	"    {\"full_name\": \"B/n=1000/naive\", \"metrics\": {\"allocs/op\": 1000.0, \"instructions/op\": 1000.0}},\n"
	"    {\"full_name\": \"B/n=1000/naive\", \"metrics\": {\"allocs/op\": 1000.0, \"instructions/op\": 2000.0}}\n"
	"  ],\n"
	"  \"warnings\": [\"a warning\"],\n"
	"  \"failures\": [{\"name\": \"B/n=1000/broken\", \"message\": \"wrong result\"}]\n"
	"}\n";

static struct bench_output parse(const char *text)
{
	struct bench_output bo;
	struct text why = TEXT_INIT;

	cr_assert_eq(bench_output_parse(text, &bo, &why), 0, "%s", text_str(&why));
	text_release(&why);
	return bo;
}

static struct bar bar_value(const char *bench, const char *metric,
			    enum bar_op op, double value)
{
	struct bar b;
	memset(&b, 0, sizeof b);
	b.bench = bench;
	b.metric = metric;
	b.op = op;
	b.has_value = true;
	b.value = value;
	b.points = 10;
	b.about = "a bar";
	return b;
}

Test(bars, the_median_of_the_samples_is_used)
{
	struct bench_output bo = parse(output);
	double v;
	int n;

	cr_assert(bench_median(&bo, "B/n=1000/strbuf", "instructions/op", &v, &n));
	cr_assert_eq(n, 3);
	cr_assert_float_eq(v, 600.0, 1e-9, "odd count: the middle one, got %g", v);
	cr_assert(bench_median(&bo, "B/n=1000/naive", "instructions/op", &v, &n));
	cr_assert_float_eq(v, 1500.0, 1e-9, "even count: the mean of the middle two");
	cr_assert_not(bench_median(&bo, "B/nope", "allocs/op", &v, &n));
	cr_assert_eq(bo.warnings.n, 1);
	cr_assert_str_eq(bo.failures.v[0], "B/n=1000/broken: wrong result");
	bench_output_release(&bo);
}

Test(bars, an_absolute_bar_compares_with_its_value)
{
	struct bench_output bo = parse(output);
	struct bar_eval ev;
	struct bar b = bar_value("B/n=1000/strbuf", "allocs/op", BAR_LE, 8);

	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert(ev.met, "8 <= 8 is met");
	cr_assert_str_eq(ev.expected, "allocs/op <= 8");
	cr_assert_str_eq(ev.measured_text, "8");
	bar_eval_release(&ev);

	b.value = 7.9;
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert_not(ev.met, "8 <= 7.9 is missed");
	bar_eval_release(&ev);

	b = bar_value("B/n=1000/strbuf", "allocs/op", BAR_GE, 8);
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert(ev.met, ">= works too");
	bar_eval_release(&ev);
	bench_output_release(&bo);
}

Test(bars, a_ratio_bar_uses_the_baseline_of_the_same_run)
{
	struct bench_output bo = parse(output);
	struct bar_eval ev;
	struct bar b = bar_value("B/n=1000/strbuf", "instructions/op", BAR_LE, 0);

	b.has_value = false;
	b.ratio = 0.4;
	b.baseline = "B/n=1000/naive";
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert(ev.met, "600 <= 0.4 x 1500");
	cr_assert_float_eq(ev.threshold, 600.0, 1e-9);
	cr_assert_str_eq(ev.expected, "instructions/op <= 0.4 x naive (600)");
	cr_assert_str_eq(ev.measured_text, "600 (0.4 x naive)");
	bar_eval_release(&ev);

	b.ratio = 0.3;
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert_not(ev.met, "600 > 0.3 x 1500");
	bar_eval_release(&ev);
	bench_output_release(&bo);
}

Test(bars, a_missing_figure_misses_the_bar_and_says_why)
{
	struct bench_output bo = parse(output);
	struct bar_eval ev;
	struct bar b = bar_value("B/n=1000/broken", "allocs/op", BAR_LE, 100);

	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert_not(ev.met);
	cr_assert(strstr(ev.measured_text, "the benchmark failed: wrong result"),
		  "got: %s", ev.measured_text);
	bar_eval_release(&ev);

	b = bar_value("B/n=1000/strbuf", "ns/op", BAR_LE, 100);
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert_not(ev.met);
	cr_assert(strstr(ev.measured_text, "reports no ns/op"), "got: %s",
		  ev.measured_text);
	bar_eval_release(&ev);

	b = bar_value("B/other", "allocs/op", BAR_LE, 100);
	bar_evaluate(&b, bench_lookup, &bo, &ev);
	cr_assert(strstr(ev.measured_text, "not in the output"), "got: %s",
		  ev.measured_text);
	bar_eval_release(&ev);
	bench_output_release(&bo);
}

Test(bars, stray_output_before_the_document_is_tolerated)
{
	char text[4096];
	struct bench_output bo;
	struct text why = TEXT_INIT;

	snprintf(text, sizeof text, "debug: hello {\nmore\n%s", output);
	cr_assert_eq(bench_output_parse(text, &bo, &why), 0, "%s", text_str(&why));
	cr_assert(strv_has(&bo.warnings, "something besides the harness printed "
			   "to stdout during the benchmark"));
	bench_output_release(&bo);
	cr_assert_eq(bench_output_parse("Segmentation fault", &bo, &why), -1);
	cr_assert(strstr(text_str(&why), "not JSON"));
	text_release(&why);
}

Test(bars, script_metrics_are_bars_too)
{
	json_t *metrics = json_pack("{s:f, s:f}", "speedup", 3.0, "base", 1.0);
	struct bar b = bar_value(NULL, "speedup", BAR_GE, 2);
	struct bar_eval ev;

	bar_evaluate(&b, script_lookup, metrics, &ev);
	cr_assert(ev.met);
	bar_eval_release(&ev);
	b.has_value = false;
	b.ratio = 4;
	b.baseline_metric = "base";
	bar_evaluate(&b, script_lookup, metrics, &ev);
	cr_assert_not(ev.met, "3 >= 4 x 1 is missed");
	bar_eval_release(&ev);
	json_decref(metrics);
}

Test(bars, figures_read_well)
{
	cr_assert_str_eq(format_number(67707.14), "67707");
	cr_assert_str_eq(format_number(8), "8");
	cr_assert_str_eq(format_number(0.384), "0.384");
	cr_assert_str_eq(short_bench_name("B/pieces=1000/naive",
					  "B/pieces=1000/strbuf"), "naive");
	cr_assert_str_eq(short_bench_name("Other/x", "B/y"), "Other/x");
}
