/*
 * report_test.c - escaping untrusted text for each format, and the JSON
 * round trip that parallel workers rely on.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "report.h"
#include "results.h"
#include "util.h"

/* A run with one exercise and two parts, one failing with nasty text. */
static void sample_run(struct run_result *rr)
{
	memset(rr, 0, sizeof *rr);
	rr->name = xstrdup("ann");
	rr->source = xstrdup("submission ann (flat)");
	rr->n_exercises = 1;
	rr->exercises = xcalloc(1, sizeof *rr->exercises);
	struct exercise_result *er = &rr->exercises[0];
	er->id = xstrdup("4.5");
	er->title = xstrdup("String builder");
	er->n_parts = 2;
	er->parts = xcalloc(2, sizeof *er->parts);
	er->parts[0] = (struct part_result){.name = xstrdup("tests"),
		.kind = xstrdup("tests"), .score = 50, .max = 50,
		.status = ST_PASS, .graded = true,
		.message = xstrdup("all 17 tests pass"), .hint = 1,
		.metrics = json_pack("{s:i}", "passed", 17)};
	er->parts[1] = (struct part_result){.name = xstrdup("memory"),
		.kind = xstrdup("memcheck"), .score = 0, .max = 10,
		.status = ST_CRASH, .graded = true,
		.message = xstrdup("got <\"a&b\"> \x01\x1b[31m \xff\xfe ]]>"),
		.expected = xstrdup("0 errors"), .measured = xstrdup("1 error"),
		.details = xstrdup("at strbuf_add (strbuf.c:3)"), .hint = 2,
		.metrics = json_object()};
	run_result_total(rr);
}

Test(report, xml_escapes_markup_and_drops_what_xml_forbids)
{
	struct text t = TEXT_INIT;

	xml_escape(&t, "a<b>&\"c\"'d'\x01\n\xff");
	cr_assert_str_eq(text_str(&t),
			 "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\xEF\xBF\xBD&#10;"
			 "\xEF\xBF\xBD");
	text_release(&t);
}

Test(report, utf8_is_cleaned_and_lines_are_made_terminal_safe)
{
	char *c = utf8_clean("ok \xc3\xa9 \xff\xc0\x80 \xed\xa0\x80", 14);
	cr_assert_str_eq(c, "ok \xc3\xa9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
			 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	free(c);
	char *l = text_line("  one\n\ttwo \x1b[31mred  ", 100);
	cr_assert_str_eq(l, "one two [31mred");
	free(l);
	l = text_line("abcdefghij", 4);
	cr_assert_str_eq(l, "abcd...");
	free(l);
}

Test(report, the_json_report_round_trips)
{
	struct run_result rr, back;
	sample_run(&rr);
	json_t *j = run_result_to_json(&rr);

	cr_assert_eq(run_result_from_json(&back, j), 0);
	cr_assert_str_eq(back.name, "ann");
	cr_assert_eq(back.max, 60);
	cr_assert_float_eq(back.score, 50, 1e-9);
	cr_assert_eq(back.exercises[0].parts[1].status, ST_CRASH);
	cr_assert_eq(back.exercises[0].parts[1].hint, 2);
	cr_assert_eq(json_integer_value(json_object_get(
		back.exercises[0].parts[0].metrics, "passed")), 17);
	cr_assert_not(run_result_complete(&back));
	json_decref(j);
	run_result_release(&back);
	run_result_release(&rr);
}

Test(report, every_format_escapes_the_learner_text)
{
	struct run_result rr;
	struct report_style style = {false, true, false};
	sample_run(&rr);

	for (int f = FMT_TEXT; f <= FMT_JUNIT; f++) {
		struct text out = TEXT_INIT;
		report_write(&out, (enum report_format)f, &rr, 1, false, &style);
		const char *s = text_str(&out);
		cr_assert(strchr(s, '\x1b') == NULL, "format %d lets an escape "
			  "sequence through", f);
		cr_assert(strstr(s, "\xff") == NULL, "format %d lets invalid "
			  "UTF-8 through", f);
		if (f == FMT_JSON || f == FMT_GRADESCOPE) {
			json_error_t err;
			json_t *doc = json_loads(s, 0, &err);
			cr_assert_not_null(doc, "format %d is not JSON: %s", f, err.text);
			if (f == FMT_GRADESCOPE) {
				json_t *tests = json_object_get(doc, "tests");
				cr_assert_eq(json_array_size(tests), 2);
				json_t *t = json_array_get(tests, 1);
				cr_assert_str_eq(json_string_value(json_object_get(t,
						 "status")), "failed");
				cr_assert_eq(json_integer_value(json_object_get(t,
						 "max_score")), 10);
				cr_assert(json_is_number(json_object_get(doc, "score")));
			}
			json_decref(doc);
		}
		if (f == FMT_JUNIT) {
			cr_assert(strstr(s, "<\"a&b\">") == NULL, "raw markup in XML");
			cr_assert(strstr(s, "&lt;&quot;a&amp;b&quot;&gt;") != NULL);
			cr_assert(strstr(s, "<error type=\"crash\"") != NULL);
		}
		if (f == FMT_TEXT)
			cr_assert(strstr(s, "make hint EX=4.5 LEVEL=2") != NULL,
				  "a failing part names its hint");
		text_release(&out);
	}
	run_result_release(&rr);
}

Test(report, a_batch_gets_one_line_per_submission)
{
	struct run_result runs[2];
	struct report_style style = {false, false, false};
	struct text out = TEXT_INIT;

	sample_run(&runs[0]);
	sample_run(&runs[1]);
	free(runs[1].name);
	runs[1].name = xstrdup("bob");
	report_write(&out, FMT_TEXT, runs, 2, true, &style);
	cr_assert(strstr(text_str(&out), "  ann ") != NULL);
	cr_assert(strstr(text_str(&out), "  bob ") != NULL);
	cr_assert(strstr(text_str(&out), "2 submissions, 0 complete") != NULL,
		  "%s", text_str(&out));
	text_release(&out);
	run_result_release(&runs[0]);
	run_result_release(&runs[1]);
}
