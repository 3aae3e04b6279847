/*
 * criterion_io.h - read what a Criterion 2.4 test binary prints: its list
 * of tests (`test --list`) and its JSON report (`--json=FILE`).
 *
 *     struct strv tests = STRV_INIT;          // "suite/name" each
 *     criterion_parse_list(list_output, &tests);
 *
 *     struct test_report r;
 *     criterion_parse_report(json_text, "strbuf", "reset_keeps_capacity", &r);
 *     if (r.status == TEST_FAILED) puts(r.messages.v[0]);
 *     test_report_release(&r);
 *
 * WHY NOT A JSON PARSER
 *
 * Criterion 2.4.1 writes assertion messages into its JSON report without
 * escaping them: a message holding a quote, a backslash or a control
 * character makes the file invalid JSON (try cr_assert(0, "a \"b\"")).
 * Messages are exactly where learner data shows up ("got <your string>"),
 * so the report is read by its fixed layout instead, one field per line,
 * which Criterion's json output provider always writes. Only the first
 * record of the requested test counts, and its status line comes before
 * its messages, so no message text can forge a status.
 */
#ifndef GRADE_CRITERION_IO_H
#define GRADE_CRITERION_IO_H

#include "util.h"

/* The tests a `--list` output names, as "suite/name", in its order.
 * Returns how many were found. */
size_t criterion_parse_list(const char *text, struct strv *tests);

enum test_status {
	TEST_PASSED,
	TEST_FAILED,
	TEST_ERRORED,  /* Criterion's word for a crash ("The test crashed.") */
	TEST_SKIPPED,
	TEST_MISSING,  /* not in the report */
};

struct test_report {
	enum test_status status;
	long assertions;      /* how many assertions ran, -1 if not reported */
	struct strv messages; /* the report's message lines, in order */
};

/* Find suite/name in a report. Returns 0, or -1 when the text is not a
 * Criterion report at all (then status is TEST_MISSING). */
int criterion_parse_report(const char *text, const char *suite,
			   const char *name, struct test_report *out);
void test_report_release(struct test_report *r);

/* Split "suite/name" into its halves (which the caller frees). */
void test_split(const char *id, char **suite, char **name);

#endif /* GRADE_CRITERION_IO_H */
