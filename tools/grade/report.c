/*
 * report.c - text scoreboards, JSON, Gradescope and JUnit reports from
 * grading results (see report.h).
 */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_format_parse(const char *name, enum report_format *fmt)
{
	static const char *const names[] = {"text", "json", "gradescope", "junit"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(name, names[i]) == 0) {
			*fmt = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

const char *report_extension(enum report_format fmt)
{
	switch (fmt) {
	case FMT_TEXT: return "txt";
	case FMT_JSON: return "json";
	case FMT_GRADESCOPE: return "json";
	case FMT_JUNIT: return "xml";
	}
	return "txt";
}

/* "12", "12.5", "33.33": scores without noise. */
static const char *score_str(double s)
{
	static char bufs[4][32];
	static int next;
	char *buf = bufs[next++ % 4];

	s = score_round(s);
	if (s == floor(s))
		snprintf(buf, sizeof bufs[0], "%.0f", s);
	else
		snprintf(buf, sizeof bufs[0], "%.2f", s);
	/* "12.50" -> "12.5" */
	size_t len = strlen(buf);
	if (strchr(buf, '.') && buf[len - 1] == '0')
		buf[len - 1] = '\0';
	return buf;
}

/* ---- Text ------------------------------------------------------------------- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

static const char *status_color(const struct part_result *pr)
{
	if (pr->status == ST_PASS)
		return C_GREEN;
	if (!pr->graded)
		return C_DIM;
	return pr->status == ST_FAIL ? C_RED : C_YELLOW;
}

static void paint(struct text *out, bool color, const char *code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void paint(struct text *out, bool color, const char *code,
		  const char *fmt, ...)
{
	va_list ap;

	if (color)
		text_puts(out, code);
	va_start(ap, fmt);
	text_vprintf(out, fmt, ap);
	va_end(ap);
	if (color)
		text_puts(out, C_RESET);
}

/* Lines of s, each indented, cleaned for a terminal, at most max lines. */
static void indented(struct text *out, const char *label, const char *s,
		     int max)
{
	char *clean = text_block(s);
	char *save = NULL;
	int lines = 0;
	size_t pad = 21;

	for (char *line = strtok_r(clean, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (lines == max) {
			text_printf(out, "%*s...\n", (int)pad, "");
			break;
		}
		if (lines == 0 && label)
			text_printf(out, "%*s%-9s %s\n", (int)(pad - 10), "", label, line);
		else
			text_printf(out, "%*s%s\n", (int)pad, "", line);
		lines++;
	}
	free(clean);
}

static void text_part(struct text *out, const struct exercise_result *er,
		      const struct part_result *pr,
		      const struct report_style *style)
{
	char *msg = text_line(pr->message ? pr->message : "", 160);
	char score[32];

	snprintf(score, sizeof score, "%s/%d", score_str(pr->score), pr->max);
	text_printf(out, "      %-13s ", pr->name);
	paint(out, style->color, status_color(pr), "%-8s %-7s", score,
	      pr->graded ? part_status_name(pr->status) : "-");
	text_printf(out, " %s\n", msg);
	free(msg);
	if (pr->status == ST_PASS || !pr->graded)
		return;
	if (pr->expected && *pr->expected)
		indented(out, "expected", pr->expected, 8);
	if (pr->measured && *pr->measured)
		indented(out, "measured", pr->measured, 8);
	if (style->verbose && pr->details && *pr->details)
		indented(out, NULL, pr->details, style->first_failure ? 6 : 16);
	char *hint = hint_command(er->id, pr->hint);
	text_printf(out, "%*s%-9s %s\n", 11, "", "hint", hint);
	free(hint);
}

static void text_exercise(struct text *out, const struct exercise_result *er,
			  const struct report_style *style)
{
	char score[32];
	const char *verdict = er->complete ? "complete" :
		er->state == EX_GRADED ? "not done" : exercise_state_name(er->state);

	snprintf(score, sizeof score, "%s/%d", score_str(er->score), er->max);
	text_puts(out, "\n");
	paint(out, style->color, C_BOLD, "  %-5s %-40s", er->id, er->title);
	paint(out, style->color, er->complete ? C_GREEN : C_RED, " %8s  %s\n",
	      score, verdict);
	if (er->state == EX_BUILD_FAILED) {
		/* The compiler's errors once, not once per part. */
		const char *errors = er->n_parts ? er->parts[0].details : NULL;
		text_printf(out, "      %s:\n", er->note);
		if (errors)
			indented(out, NULL, errors, style->verbose ? 15 : 6);
		for (size_t i = 0; i < er->n_parts; i++) {
			char sc[32];
			snprintf(sc, sizeof sc, "0/%d", er->parts[i].max);
			text_printf(out, "      %-13s ", er->parts[i].name);
			paint(out, style->color, C_DIM, "%-8s %-7s", sc, "-");
			text_puts(out, "\n");
		}
		return;
	}
	if (er->state == EX_BLOCKED || er->state == EX_NOT_SUBMITTED) {
		text_printf(out, "      %s\n", er->note);
		return;
	}
	for (size_t i = 0; i < er->n_parts; i++) {
		const struct part_result *pr = &er->parts[i];
		if (style->first_failure && pr->status == ST_PASS)
			continue;
		text_part(out, er, pr, style);
		if (style->first_failure)
			break; /* the first thing to fix, nothing else */
	}
}

static void text_run(struct text *out, const struct run_result *rr,
		     const struct report_style *style)
{
	size_t complete = 0;

	text_printf(out, "hotpath: grading %s\n", rr->source);
	if (rr->notes) {
		char *clean = text_block(rr->notes);
		text_printf(out, "note: %s\n", clean);
		free(clean);
	}
	if (rr->error)
		text_printf(out, "error: %s\n", rr->error);
	for (size_t i = 0; i < rr->n_exercises; i++) {
		text_exercise(out, &rr->exercises[i], style);
		complete += rr->exercises[i].complete;
	}
	text_puts(out, "\n");
	paint(out, style->color, C_BOLD, "  total %s/%d", score_str(rr->score),
	      rr->max);
	text_printf(out, "   %zu of %zu exercise%s complete (%.0f s)\n", complete,
		    rr->n_exercises, rr->n_exercises == 1 ? "" : "s", rr->seconds);
}

void report_batch_line(struct text *out, const struct run_result *rr,
		       size_t name_width, bool color)
{
	char score[32];
	const struct part_result *first_bad = NULL;
	const struct exercise_result *bad_ex = NULL;

	snprintf(score, sizeof score, "%s/%d", score_str(rr->score), rr->max);
	text_printf(out, "  %-*s ", (int)name_width, rr->name);
	paint(out, color, run_result_complete(rr) ? C_GREEN : C_RED, "%9s", score);
	for (size_t i = 0; i < rr->n_exercises; i++) {
		const struct exercise_result *er = &rr->exercises[i];
		if (rr->n_exercises > 1 && er->state != EX_NOT_SUBMITTED)
			text_printf(out, "  %s %s/%d", er->id, score_str(er->score),
				    er->max);
		for (size_t k = 0; k < er->n_parts; k++) {
			const struct part_result *pr = &er->parts[k];
			if (rr->n_exercises == 1)
				text_printf(out, "  %s %s/%d", pr->name,
					    score_str(pr->score), pr->max);
			if (!first_bad && pr->score < pr->max &&
			    er->state != EX_NOT_SUBMITTED) {
				first_bad = pr;
				bad_ex = er;
			}
		}
	}
	if (rr->error) {
		char *line = text_line(rr->error, 100);
		text_printf(out, "  -- %s", line);
		free(line);
	} else if (first_bad) {
		char *line = text_line(first_bad->message ? first_bad->message : "",
				       100);
		text_printf(out, "  -- %s %s: %s", bad_ex->id, first_bad->name, line);
		free(line);
	}
}

static void text_batch(struct text *out, const struct run_result *runs,
		       size_t n, const struct report_style *style)
{
	size_t width = 4, complete = 0;
	double sum = 0;
	int max = 0;

	for (size_t i = 0; i < n; i++)
		if (strlen(runs[i].name) > width)
			width = strlen(runs[i].name);
	text_printf(out, "hotpath: grading %zu submission%s\n\n", n,
		    n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		report_batch_line(out, &runs[i], width, style->color);
		text_puts(out, "\n");
		complete += run_result_complete(&runs[i]);
		sum += runs[i].score;
		if (runs[i].max > max)
			max = runs[i].max;
	}
	text_printf(out, "\n  %zu submission%s, %zu complete, mean %s/%d\n", n,
		    n == 1 ? "" : "s", complete, score_str(n ? sum / (double)n : 0),
		    max);
}

/* ---- JSON ------------------------------------------------------------------- */

static void dump(struct text *out, json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	text_puts(out, s ? s : "{}");
	text_putc(out, '\n');
	free(s);
}

static void json_report(struct text *out, const struct run_result *runs,
			size_t n, bool batch)
{
	json_t *doc;

	if (!batch) {
		doc = run_result_to_json(&runs[0]);
	} else {
		json_t *list = json_array();
		size_t complete = 0;
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(list, run_result_to_json(&runs[i]));
			complete += run_result_complete(&runs[i]);
		}
		doc = json_pack("{s:o, s:i, s:i}", "submissions", list, "count",
				(int)n, "complete", (int)complete);
	}
	dump(out, doc);
	json_decref(doc);
}

/* ---- Gradescope ------------------------------------------------------------- */

static json_t *jclean(const char *s)
{
	char *clean = utf8_clean(s ? s : "", strlen(s ? s : ""));
	json_t *j = json_string(clean);
	free(clean);
	return j;
}

/* What a learner reads under one Gradescope test: the verdict, what was
 * expected and measured, the hint command, then the details. */
static char *part_output(const struct exercise_result *er,
			 const struct part_result *pr)
{
	struct text t = TEXT_INIT;

	text_printf(&t, "%s", pr->message ? pr->message : "");
	if (pr->graded && pr->status != ST_PASS) {
		if (pr->expected)
			text_printf(&t, "\nexpected: %s", pr->expected);
		if (pr->measured)
			text_printf(&t, "\nmeasured: %s", pr->measured);
		char *hint = hint_command(er->id, pr->hint);
		text_printf(&t, "\nhint: %s", hint);
		free(hint);
		if (pr->details && *pr->details)
			text_printf(&t, "\n\n%s", pr->details);
	}
	return text_detach(&t);
}

static json_t *gradescope_doc(const struct run_result *rr)
{
	json_t *tests = json_array();
	struct text summary = TEXT_INIT;

	text_printf(&summary, "hotpath: %s/%d", score_str(rr->score), rr->max);
	if (rr->error)
		text_printf(&summary, "\n%s", rr->error);
	if (rr->notes)
		text_printf(&summary, "\n%s", rr->notes);
	for (size_t i = 0; i < rr->n_exercises; i++) {
		const struct exercise_result *er = &rr->exercises[i];
		text_printf(&summary, "\n%s %s: %s/%d%s%s", er->id, er->title,
			    score_str(er->score), er->max, er->note ? " - " : "",
			    er->note ? er->note : "");
		for (size_t k = 0; k < er->n_parts; k++) {
			const struct part_result *pr = &er->parts[k];
			char *name = xasprintf("%s %s: %s", er->id, er->title, pr->name);
			char *number = xasprintf("%s.%zu", er->id, k + 1);
			char *output = part_output(er, pr);
			json_t *t = json_object();
			json_object_set_new(t, "name", jclean(name));
			json_object_set_new(t, "number", jclean(number));
			json_object_set_new(t, "score", json_real(score_round(pr->score)));
			json_object_set_new(t, "max_score", json_integer(pr->max));
			json_object_set_new(t, "status", json_string(
				pr->status == ST_PASS ? "passed" : "failed"));
			json_object_set_new(t, "output", jclean(output));
			json_object_set_new(t, "output_format", json_string("text"));
			json_object_set_new(t, "visibility", json_string("visible"));
			json_object_set_new(t, "tags", json_pack("[s,s]", er->id,
								 pr->kind ? pr->kind : ""));
			json_array_append_new(tests, t);
			free(name);
			free(number);
			free(output);
		}
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "score", json_real(rr->score));
	json_object_set_new(doc, "execution_time", json_integer((json_int_t)ceil(rr->seconds)));
	json_object_set_new(doc, "output", jclean(text_str(&summary)));
	json_object_set_new(doc, "output_format", json_string("text"));
	json_object_set_new(doc, "visibility", json_string("visible"));
	json_object_set_new(doc, "stdout_visibility", json_string("hidden"));
	json_object_set_new(doc, "tests", tests);
	json_object_set_new(doc, "extra_data", json_pack("{s:i, s:o}", "max_score",
		rr->max, "hotpath", run_result_to_json(rr)));
	text_release(&summary);
	return doc;
}

static void gradescope_report(struct text *out, const struct run_result *runs,
			      size_t n, bool batch)
{
	json_t *doc;

	if (!batch) {
		doc = gradescope_doc(&runs[0]);
	} else {
		json_t *list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:o, s:o}", "name",
				jclean(runs[i].name), "results", gradescope_doc(&runs[i])));
		doc = json_pack("{s:o}", "submissions", list);
	}
	dump(out, doc);
	json_decref(doc);
}

/* ---- JUnit ------------------------------------------------------------------- */

void xml_escape(struct text *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, used;

	while (i < len) {
		long cp = utf8_decode(p + i, len - i, &used);
		switch (cp) {
		case '&': text_puts(out, "&amp;"); break;
		case '<': text_puts(out, "&lt;"); break;
		case '>': text_puts(out, "&gt;"); break;
		case '"': text_puts(out, "&quot;"); break;
		case '\'': text_puts(out, "&apos;"); break;
		case '\n': text_puts(out, "&#10;"); break;
		case '\t': text_puts(out, "&#9;"); break;
		case '\r': text_puts(out, "&#13;"); break;
		default:
			/* XML 1.0 allows no other C0 control, no surrogate
			 * (utf8_decode rejects those), not U+FFFE/U+FFFF. */
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				text_puts(out, "\xEF\xBF\xBD");
			else
				text_add(out, s + i, used);
		}
		i += used;
	}
}

static void junit_suite(struct text *out, const struct run_result *rr,
			const struct exercise_result *er, bool batch)
{
	size_t failures = 0, errors = 0;

	for (size_t k = 0; k < er->n_parts; k++) {
		if (er->parts[k].status == ST_PASS)
			continue;
		if (er->parts[k].status == ST_FAIL)
			failures++;
		else
			errors++;
	}
	char *suite = batch ? xasprintf("%s: %s %s", rr->name, er->id, er->title)
			    : xasprintf("%s %s", er->id, er->title);
	char *classname = batch ? xasprintf("hotpath.%s.%s", rr->name, er->id)
				: xasprintf("hotpath.%s", er->id);
	text_puts(out, "  <testsuite name=\"");
	xml_escape(out, suite);
	text_printf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		    "skipped=\"0\" time=\"%.3f\">\n", er->n_parts, failures,
		    errors, er->seconds);
	text_printf(out, "    <properties>\n      <property name=\"score\" "
		    "value=\"%s\"/>\n      <property name=\"max\" value=\"%d\"/>\n",
		    score_str(er->score), er->max);
	if (er->note) {
		text_puts(out, "      <property name=\"note\" value=\"");
		xml_escape(out, er->note);
		text_puts(out, "\"/>\n");
	}
	text_puts(out, "    </properties>\n");
	for (size_t k = 0; k < er->n_parts; k++) {
		const struct part_result *pr = &er->parts[k];
		text_puts(out, "    <testcase classname=\"");
		xml_escape(out, classname);
		text_puts(out, "\" name=\"");
		xml_escape(out, pr->name);
		text_printf(out, "\" time=\"%.3f\">\n", pr->seconds);
		if (pr->status != ST_PASS) {
			const char *tag = pr->status == ST_FAIL ? "failure" : "error";
			char *body = part_output(er, pr);
			text_printf(out, "      <%s type=\"%s\" message=\"", tag,
				    part_status_name(pr->status));
			xml_escape(out, pr->message ? pr->message : "");
			text_puts(out, "\">");
			xml_escape(out, body);
			text_printf(out, "</%s>\n", tag);
			free(body);
		}
		text_printf(out, "      <system-out>%s/%d ", score_str(pr->score),
			    pr->max);
		xml_escape(out, pr->message ? pr->message : "");
		text_puts(out, "</system-out>\n    </testcase>\n");
	}
	text_puts(out, "  </testsuite>\n");
	free(suite);
	free(classname);
}

static void junit_report(struct text *out, const struct run_result *runs,
			 size_t n, bool batch)
{
	size_t tests = 0, failures = 0, errors = 0;
	double seconds = 0;

	for (size_t i = 0; i < n; i++) {
		seconds += runs[i].seconds;
		for (size_t e = 0; e < runs[i].n_exercises; e++) {
			const struct exercise_result *er = &runs[i].exercises[e];
			for (size_t k = 0; k < er->n_parts; k++) {
				tests++;
				if (er->parts[k].status == ST_FAIL)
					failures++;
				else if (er->parts[k].status != ST_PASS)
					errors++;
			}
		}
	}
	text_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	text_printf(out, "<testsuites name=\"hotpath\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"%zu\" time=\"%.3f\">\n", tests, failures, errors,
		    seconds);
	for (size_t i = 0; i < n; i++)
		for (size_t e = 0; e < runs[i].n_exercises; e++)
			junit_suite(out, &runs[i], &runs[i].exercises[e], batch);
	text_puts(out, "</testsuites>\n");
}

/* ---- Dispatch ------------------------------------------------------------------ */

void report_write(struct text *out, enum report_format fmt,
		  const struct run_result *runs, size_t n, bool batch,
		  const struct report_style *style)
{
	switch (fmt) {
	case FMT_TEXT:
		if (batch)
			text_batch(out, runs, n, style);
		else
			text_run(out, &runs[0], style);
		break;
	case FMT_JSON:
		json_report(out, runs, n, batch);
		break;
	case FMT_GRADESCOPE:
		gradescope_report(out, runs, n, batch);
		break;
	case FMT_JUNIT:
		junit_report(out, runs, n, batch);
		break;
	}
}
