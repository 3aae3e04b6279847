/*
 * catalogue_test.c - catalogue loading: the real catalogue is valid, and
 * every kind of mistake is an error that names its JSON path; LEARNING.md's
 * checklist is held to the catalogue.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "selftest.h"

/* A valid one-exercise catalogue; tests patch one thing at a time. */
#define BAR_OK "{\"bench\": \"B/x\", \"metric\": \"allocs/op\", \"op\": \"<=\", " \
	"\"value\": 0, \"points\": 10, \"about\": \"no allocations\"}"
#define PARTS_OK "[{\"name\": \"tests\", \"kind\": \"tests\", \"points\": 50, " \
	"\"hint\": 1, \"about\": \"the tests\"}, " \
	"{\"name\": \"perf\", \"kind\": \"bench\", \"points\": 10, \"hint\": 2, " \
	"\"about\": \"fast\", \"bench\": \"B\", \"benchtime\": \"10x\", " \
	"\"tool\": \"callgrind\", \"bars\": [" BAR_OK "]}]"

static char *catalogue_with(const char *parts, const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof buf,
		 "{\"course\": \"hotpath\", \"exercises\": [{\"id\": \"4.5\", "
		 "\"title\": \"String builder\", \"folder\": "
		 "\"phases/04-performance/4.5-strbuf\", \"edits\": [\"strbuf.c\"], "
		 "\"needs\": [], \"parts\": %s, \"hints\": [\"one\", \"two\"]%s}]}",
		 parts, extra);
	return buf;
}

/* Load json; expect failure with an error containing `want`. */
static void assert_rejected(const char *json, const char *want)
{
	struct catalogue cat;
	struct text errors = TEXT_INIT;

	cr_assert_eq(catalogue_parse(&cat, json, "cat.json", &errors), -1,
		     "expected the catalogue to be rejected for: %s", want);
	cr_assert(strstr(text_str(&errors), want) != NULL,
		  "expected an error containing \"%s\", got:\n%s", want,
		  text_str(&errors));
	text_release(&errors);
	catalogue_free(&cat);
}

Test(catalogue, the_course_catalogue_is_valid)
{
	struct catalogue cat;
	struct text errors = TEXT_INIT;

	cr_assert_eq(catalogue_load(&cat, "exercises/catalogue.json", &errors), 0,
		     "exercises/catalogue.json: %s", text_str(&errors));
	cr_assert_not_null(catalogue_find(&cat, "4.5"));
	text_release(&errors);
	catalogue_free(&cat);
}

Test(catalogue, a_valid_entry_loads_with_defaults)
{
	struct catalogue cat;
	struct text errors = TEXT_INIT;

	cr_assert_eq(catalogue_parse(&cat, catalogue_with(PARTS_OK, ""), "c",
				     &errors), 0, "%s", text_str(&errors));
	const struct exercise *ex = catalogue_find(&cat, "4.5");
	cr_assert_not_null(ex);
	cr_assert_str_eq(ex->dirname, "4.5-strbuf");
	cr_assert_str_eq(ex->phase_path, "04-performance/4.5-strbuf");
	cr_assert_eq(ex->points, 60);
	const struct part *t = exercise_part(ex, "tests");
	cr_assert_str_eq(t->binary, "test", "binary defaults to test");
	cr_assert_eq(t->timeout, 10.0, "tests time out after 10 s by default");
	const struct part *b = exercise_part(ex, "perf");
	cr_assert_eq(b->tool, TOOL_CALLGRIND);
	cr_assert_eq(b->count, 1);
	cr_assert_str_eq(b->cpu, "1");
	cr_assert_eq(b->n_bars, 1);
	cr_assert(b->bars[0].has_value);
	text_release(&errors);
	catalogue_free(&cat);
}

Test(catalogue, a_misspelt_field_is_named_with_a_suggestion)
{
	char parts[4096];
	snprintf(parts, sizeof parts, "%s", PARTS_OK);
	char *p = strstr(parts, "\"metric\"");
	memcpy(p, "\"metrc\" ", 8);
	assert_rejected(catalogue_with(parts, ""),
			"exercises[0].parts[1].bars[0]: unknown field \"metrc\" "
			"(did you mean \"metric\"?)");
}

Test(catalogue, a_field_of_another_kind_is_named)
{
	assert_rejected(catalogue_with("[{\"name\": \"t\", \"kind\": \"tests\", "
		"\"points\": 5, \"hint\": 1, \"about\": \"a\", \"bars\": []}]", ""),
		"exercises[0].parts[0]: field \"bars\" does not apply to a tests part");
}

Test(catalogue, wrong_types_are_errors_with_their_path)
{
	assert_rejected(catalogue_with("[{\"name\": \"t\", \"kind\": \"tests\", "
		"\"points\": \"50\", \"hint\": 1, \"about\": \"a\"}]", ""),
		"exercises[0].parts[0].points: must be an integer, not a string");
	assert_rejected(catalogue_with("[{\"name\": \"t\", \"kind\": \"tests\", "
		"\"points\": 5, \"hint\": 1, \"about\": \"a\", \"timeout\": -1}]", ""),
		"exercises[0].parts[0].timeout: must be above 0");
	assert_rejected(catalogue_with("[{\"name\": \"t\", \"kind\": \"test\", "
		"\"points\": 5, \"hint\": 1, \"about\": \"a\"}]", ""),
		"exercises[0].parts[0].kind: must be tests, memcheck, bench or script");
}

Test(catalogue, a_hint_level_must_exist)
{
	assert_rejected(catalogue_with("[{\"name\": \"t\", \"kind\": \"tests\", "
		"\"points\": 5, \"hint\": 3, \"about\": \"a\"}]", ""),
		"exercises[0].parts[0].hint: points at hint 3, but the exercise has 2");
}

Test(catalogue, bars_must_add_up_to_the_part)
{
	char parts[4096];
	snprintf(parts, sizeof parts, "%s", PARTS_OK);
	char *p = strstr(parts, "\"points\": 10, \"hint\": 2");
	memcpy(p, "\"points\": 20", 12);
	assert_rejected(catalogue_with(parts, ""),
			"the bars' points add up to 10, but the part is worth 20");
}

Test(catalogue, a_bar_needs_exactly_one_threshold)
{
	char parts[4096];
	snprintf(parts, sizeof parts, "%s", PARTS_OK);
	char *p = strstr(parts, "\"value\": 0");
	memcpy(p, "\"ratio\": 1", 10);
	assert_rejected(catalogue_with(parts, ""),
			"a \"ratio\" needs a \"baseline\" benchmark");
}

Test(catalogue, times_must_be_noisy_ratios)
{
	char parts[4096];
	snprintf(parts, sizeof parts, "%s", PARTS_OK);
	char *p = strstr(parts, "\"allocs/op\"");
	memcpy(p, "\"ns/op\"    ", 11);
	assert_rejected(catalogue_with(parts, ""), "ns/op is a time");
}

Test(catalogue, callgrind_needs_a_count_benchtime)
{
	char parts[4096];
	snprintf(parts, sizeof parts, "%s", PARTS_OK);
	char *p = strstr(parts, "\"10x\"");
	memcpy(p, "\"1s\" ", 5);
	assert_rejected(catalogue_with(parts, ""), "under callgrind time means nothing");
}

Test(catalogue, tests_cannot_be_learner_files)
{
	char *json = catalogue_with(PARTS_OK, "");
	char *p = strstr(json, "\"strbuf.c\"");
	char copy[8192];
	snprintf(copy, sizeof copy, "%.*s\"strbuf_test.c\"%s", (int)(p - json),
		 json, p + strlen("\"strbuf.c\""));
	assert_rejected(copy, "belongs to the course");
}

Test(catalogue, needs_must_name_an_earlier_exercise)
{
	char *json = catalogue_with(PARTS_OK, "");
	char *p = strstr(json, "\"needs\": []");
	char copy[8192];
	snprintf(copy, sizeof copy, "%.*s\"needs\": [\"4.6\"]%s", (int)(p - json),
		 json, p + strlen("\"needs\": []"));
	assert_rejected(copy, "exercises[0].needs[0]: \"4.6\" is not an exercise "
			"listed before this one");
}

Test(catalogue, duplicate_keys_and_bad_json_are_errors)
{
	assert_rejected("{\"course\": \"a\", \"course\": \"b\", \"exercises\": []}",
			"not valid JSON");
	assert_rejected("{\"course\": \"a\",", "cat.json:1:");
}

Test(catalogue, the_folder_must_match_the_id)
{
	char *json = catalogue_with(PARTS_OK, "");
	char *p = strstr(json, "4.5-strbuf");
	p[2] = '6';
	assert_rejected(json, "the folder name must start with the id");
}

/* LEARNING.md's checklist (selftest.c) must list the catalogue exactly. */
Test(catalogue, the_learning_checklist_must_match)
{
	struct catalogue cat;
	struct text errors = TEXT_INIT, why = TEXT_INIT;

	cr_assert_eq(catalogue_parse(&cat, catalogue_with(PARTS_OK, ""), "c",
				     &errors), 0, "%s", text_str(&errors));
	cr_assert_eq(learning_check(&cat, "# Path\n\n- [x] **4.5** String builder"
				    " \xE2\x80\x94 phases/04-performance/4.5-strbuf\n",
				    &why), 0, "%s", text_str(&why));
	cr_assert_eq(learning_check(&cat, "- [ ] **4.5** String builders \xE2\x80"
				    "\x94 phases/04-performance/4.5-strbuf\n"
				    "- [ ] **4.7** Server \xE2\x80\x94 phases/x/4.7-s\n",
				    &why), 2, "%s", text_str(&why));
	cr_assert(strstr(text_str(&why), "titled \"String builders\""));
	cr_assert(strstr(text_str(&why), "4.7 is not in the catalogue"));
	text_reset(&why);
	cr_assert_eq(learning_check(&cat, "nothing here\n", &why), 1);
	cr_assert(strstr(text_str(&why), "no checklist line for 4.5"));
	text_release(&why);
	text_release(&errors);
	catalogue_free(&cat);
}
