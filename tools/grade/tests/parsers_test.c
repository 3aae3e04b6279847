/*
 * parsers_test.c - reading Criterion's test list and its (unescaped) JSON
 * report, valgrind memcheck logs, and compiler errors.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "build.h"
#include "criterion_io.h"
#include "vglog.h"

Test(criterion_io, lists_in_unicode_and_ascii)
{
	struct strv tests = STRV_INIT;
	const char *list =
		"strbuf: 2 tests\n"
		"\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 add_appends\n"
		"\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 size_overflow\n"
		"other: 1 test\n"
		"`-- lonely_test_1\n";

	cr_assert_eq(criterion_parse_list(list, &tests), 3);
	cr_assert_str_eq(tests.v[0], "strbuf/add_appends");
	cr_assert_str_eq(tests.v[1], "strbuf/size_overflow");
	cr_assert_str_eq(tests.v[2], "other/lonely_test_1");
	strv_release(&tests);
}

/* Criterion 2.4.1's layout, with a message no JSON parser accepts. */
static const char *const report =
	"{\n"
	"  \"id\": \"Criterion v2.4.1\",\n"
	"  \"test_suites\": [\n"
	"    {\n"
	"      \"name\": \"strbuf\",\n"
	"      \"passed\": 0,\n"
	"      \"tests\": [\n"
	"        {\n"
	"          \"name\": \"other\",\n"
	"          \"assertions\": 0,\n"
	"          \"status\": \"SKIPPED\",\n"
	"          \"messages\": [\"The test was skipped.\"]\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"mine\",\n"
	"          \"assertions\": 2,\n"
	"          \"status\": \"FAILED\",\n"
	"          \"messages\": [\n"
	"            \"t.c:9: got \"x\" \\ here\",\n"
	"            \"]\",\n"
	"            \"          \"status\": \"PASSED\"\"\n"
	"          ]\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"crashy\",\n"
	"          \"assertions\": 0,\n"
	"          \"status\": \"ERRORED\",\n"
	"          \"messages\": [\"The test crashed.\"]\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"fine\",\n"
	"          \"assertions\": 9,\n"
	"          \"status\": \"PASSED\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

Test(criterion_io, reads_the_report_by_layout_and_cannot_be_forged)
{
	struct test_report r;

	cr_assert_eq(criterion_parse_report(report, "strbuf", "mine", &r), 0);
	cr_assert_eq(r.status, TEST_FAILED, "a message cannot turn it PASSED");
	cr_assert_eq(r.assertions, 2);
	cr_assert_str_eq(r.messages.v[0], "t.c:9: got \"x\" \\ here");
	test_report_release(&r);

	criterion_parse_report(report, "strbuf", "crashy", &r);
	cr_assert_eq(r.status, TEST_ERRORED);
	cr_assert_str_eq(r.messages.v[0], "The test crashed.");
	test_report_release(&r);

	criterion_parse_report(report, "strbuf", "fine", &r);
	cr_assert_eq(r.status, TEST_PASSED);
	cr_assert_eq(r.assertions, 9);
	test_report_release(&r);

	criterion_parse_report(report, "nosuite", "fine", &r);
	cr_assert_eq(r.status, TEST_MISSING);
	test_report_release(&r);
	cr_assert_eq(criterion_parse_report("garbage", "a", "b", &r), -1);
	test_report_release(&r);
}

static const char *const leak_log =
	"==42== Memcheck, a memory error detector\n"
	"==42== Command: ./test\n"
	"==42== \n"
	"==42== Invalid write of size 1\n"
	"==42==    at 0x10A228: strbuf_add (strbuf.c:88)\n"
	"==42==    by 0x486C6DE: criterion_internal_test_main (in /usr/lib/x86_64-linux-gnu/libcriterion.so.3.2.0)\n"
	"==42==    by 0x10A210: strbuf_x_impl (strbuf_test.c:5)\n"
	"==42==  Address 0x4a8f050 is 0 bytes after a block of size 16 alloc'd\n"
	"==42==    at 0x48407B4: malloc (vg_replace_malloc.c:381)\n"
	"==42== \n"
	"==42== HEAP SUMMARY:\n"
	"==42==     in use at exit: 64 bytes in 1 blocks\n"
	"==42== \n"
	"==42== 64 bytes in 1 blocks are definitely lost in loss record 1 of 1\n"
	"==42==    at 0x48407B4: malloc (vg_replace_malloc.c:381)\n"
	"==42== \n"
	"==42== LEAK SUMMARY:\n"
	"==42==    definitely lost: 64 bytes in 1 blocks\n"
	"==42==    indirectly lost: 1,024 bytes in 2 blocks\n"
	"==42==      possibly lost: 0 bytes in 0 blocks\n"
	"==42== \n"
	"==42== ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 from 0)\n";

Test(vglog, sums_errors_and_leaks_and_keeps_the_first_stack)
{
	struct memcheck_summary sum = {0};

	memcheck_add_log(&sum, leak_log);
	memcheck_add_log(&sum, "==43== ERROR SUMMARY: 0 errors from 0 contexts\n");
	memcheck_add_log(&sum, "==44== FATAL: bad suppression\n==44== exiting now.\n");
	cr_assert_eq(sum.logs, 3);
	cr_assert_eq(sum.finished, 2);
	cr_assert_eq(sum.errors, 2);
	cr_assert_eq(sum.definite_bytes, 64);
	cr_assert_eq(sum.indirect_bytes, 1024);
	cr_assert_eq(sum.indirect_blocks, 2);
	cr_assert_str_eq(sum.first_error,
			 "Invalid write of size 1\n"
			 "    at strbuf_add (strbuf.c:88)\n"
			 "    by strbuf_x_impl (strbuf_test.c:5)\n"
			 "  Address 0x4a8f050 is 0 bytes after a block of size 16 alloc'd\n"
			 "    at malloc (vg_replace_malloc.c:381)");
	cr_assert(strstr(sum.unfinished, "FATAL: bad suppression"));
	memcheck_summary_release(&sum);
}

Test(vglog, a_fatal_signal_is_found)
{
	struct memcheck_summary sum = {0};

	memcheck_add_log(&sum,
		"==7== Process terminating with default action of signal 11 (SIGSEGV)\n"
		"==7==  Access not within mapped region at address 0x0\n"
		"==7==    at 0x10A228: strbuf_detach (strbuf.c:57)\n"
		"==7==  If you believe this happened as a result of a stack\n"
		"==7== \n"
		"==7== ERROR SUMMARY: 0 errors from 0 contexts\n");
	cr_assert_eq(sum.fatal_signal, 11);
	cr_assert(strstr(sum.fatal, "at strbuf_detach (strbuf.c:57)"), "%s", sum.fatal);
	cr_assert_null(strstr(sum.fatal, "If you believe"));
	memcheck_summary_release(&sum);
}

Test(build, the_first_compiler_errors_are_kept_without_the_staging_path)
{
	const char *err =
		"/w/overlay/04-p/4.5-strbuf/strbuf.c: In function 'f':\n"
		"/w/overlay/04-p/4.5-strbuf/strbuf.c:3:9: error: expected ';' before '}' token\n"
		"    3 |   return 0\n"
		"      |         ^\n"
		"/w/overlay/04-p/4.5-strbuf/strbuf.c:4:1: warning: unused\n"
		"make[1]: *** [Makefile:80: x.o] Error 1\n";
	char *e = build_first_errors(err, "/w/overlay/04-p/4.5-strbuf/", 15);

	cr_assert_str_eq(e, "strbuf.c:3:9: error: expected ';' before '}' token\n"
			 "    3 |   return 0\n"
			 "      |         ^",
			 "the error and its excerpt, not the warning or make's echo");
	free(e);
}
