/*
 * report.h - turn grading results into what people and platforms read:
 *
 *  text        a scoreboard: a line per exercise and per part with its
 *              score and one-line reason; for what failed, what was
 *              expected, what was measured and the hint command. A batch
 *              of submissions gets one line per submission.
 *  json        the canonical document (results.h): total, max,
 *              exercises[].parts[] with status, message, metrics...
 *  gradescope  results.json in Gradescope's autograder schema
 *  junit       JUnit XML, one testsuite per exercise, a testcase per part
 *
 *     struct text out = TEXT_INIT;
 *     struct report_style style = {.color = isatty(1), .verbose = true};
 *     report_write(&out, FMT_TEXT, &run, 1, false, &style);
 *     fputs(text_str(&out), stdout);
 *
 * Every string from a grading run may hold what learner code printed:
 * each format escapes it its own way (JSON via jansson after UTF-8
 * cleaning; XML entities with characters XML 1.0 forbids replaced;
 * terminal text stripped of control characters).
 */
#ifndef GRADE_REPORT_H
#define GRADE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "util.h"

enum report_format { FMT_TEXT, FMT_JSON, FMT_GRADESCOPE, FMT_JUNIT };

/* "text" -> FMT_TEXT; -1 for an unknown name. */
int report_format_parse(const char *name, enum report_format *fmt);
/* File extension for one report per submission: "txt", "json", "xml". */
const char *report_extension(enum report_format fmt);

struct report_style {
	bool color;    /* ANSI colours (text only) */
	bool verbose;  /* text: details of failing parts (failing tests...) */
	bool first_failure; /* text: per exercise, only its first failing part
	                     * (make watch) */
};

/* Write runs[0..n) in fmt. `batch`: they are a folder of submissions. */
void report_write(struct text *out, enum report_format fmt,
		  const struct run_result *runs, size_t n, bool batch,
		  const struct report_style *style);

/* One scoreboard line for a submission in a batch (no newline). */
void report_batch_line(struct text *out, const struct run_result *rr,
		       size_t name_width, bool color);

/* Append s to out as XML character data / attribute value. */
void xml_escape(struct text *out, const char *s);

#endif /* GRADE_REPORT_H */
