/*
 * criterion_io.c - parse Criterion's test list and its JSON report by
 * layout (see criterion_io.h for why not with a JSON parser).
 */
#include "criterion_io.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * `test --list` prints, per suite:
 *
 *     strbuf: 17 tests
 *     ├── add_appends_bytes
 *     └── size_overflow_is_an_error
 *
 * (with --ascii, "|-- " and "`-- "). Test names are C identifiers, so a
 * test line is: tree characters, then one identifier.
 */
size_t criterion_parse_list(const char *text, struct strv *tests)
{
	char *copy = xstrdup(text), *save = NULL;
	char *suite = NULL;
	size_t found = 0;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		if (colon && ident_char(line[0]) &&
		    (str_ends(line, " tests") || str_ends(line, " test"))) {
			free(suite);
			suite = xstrndup(line, (size_t)(colon - line));
			continue;
		}
		char *p = line;
		while (*p && !ident_char(*p))
			p++;
		char *end = p;
		while (ident_char(*end))
			end++;
		if (suite == NULL || end == p || p == line)
			continue; /* test lines always start with tree characters */
		strv_pushf(tests, "%s/%.*s", suite, (int)(end - p), p);
		found++;
	}
	free(suite);
	free(copy);
	return found;
}

void test_split(const char *id, char **suite, char **name)
{
	const char *slash = strchr(id, '/');

	if (slash == NULL) {
		*suite = xstrdup("");
		*name = xstrdup(id);
		return;
	}
	*suite = xstrndup(id, (size_t)(slash - id));
	*name = xstrdup(slash + 1);
}

/* The value of a `"key": "value",` line, or NULL. */
static char *string_field(const char *line, const char *key)
{
	size_t klen = strlen(key);

	if (line[0] != '"' || strncmp(line + 1, key, klen) != 0 ||
	    strncmp(line + 1 + klen, "\": \"", 4) != 0)
		return NULL;
	const char *v = line + klen + 5;
	const char *end = strrchr(v, '"');
	if (end == NULL)
		return NULL;
	return xstrndup(v, (size_t)(end - v));
}

/* One message line: `"text",` or `"text"`, quotes not escaped. */
static char *message_line(const char *line)
{
	size_t len = strlen(line);

	if (len && line[len - 1] == ',')
		len--;
	if (len && line[0] == '"')
		line++, len--;
	if (len && line[len - 1] == '"')
		len--;
	return xstrndup(line, len);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

int criterion_parse_report(const char *text, const char *suite,
			   const char *name, struct test_report *out)
{
	char *copy = xstrdup(text), *save = NULL;
	char *cur_suite = NULL;
	bool in_tests = false, ours = false, done = false, is_report = false;
	bool in_messages = false;

	memset(out, 0, sizeof *out);
	out->status = TEST_MISSING;
	out->assertions = -1;
	for (char *raw = strtok_r(copy, "\n", &save); raw && !done;
	     raw = strtok_r(NULL, "\n", &save)) {
		char *line = trim(raw);
		char *v;

		if (in_messages) {
			if (strcmp(line, "]") == 0 || strcmp(line, "],") == 0) {
				in_messages = false;
				if (ours)
					done = true;
			} else if (ours && out->messages.n < 20) {
				strv_push_owned(&out->messages, message_line(line));
			}
			continue;
		}
		if (strcmp(line, "\"test_suites\": [") == 0) {
			is_report = true;
		} else if (strcmp(line, "\"tests\": [") == 0) {
			in_tests = true;
		} else if ((v = string_field(line, "name")) != NULL) {
			if (ours) {
				done = true; /* the next test begins: ours had no messages */
				free(v);
			} else if (!in_tests) {
				free(cur_suite);
				cur_suite = v;
			} else {
				ours = cur_suite && strcmp(cur_suite, suite) == 0 &&
				       strcmp(v, name) == 0;
				free(v);
			}
		} else if (in_tests && !ours &&
			   (strcmp(line, "]") == 0 || strcmp(line, "],") == 0)) {
			in_tests = false; /* end of this suite's tests */
		} else if (ours && str_starts(line, "\"assertions\": ")) {
			out->assertions = strtol(line + 14, NULL, 10);
		} else if (ours && (v = string_field(line, "status")) != NULL) {
			if (strcmp(v, "PASSED") == 0)
				out->status = TEST_PASSED;
			else if (strcmp(v, "FAILED") == 0)
				out->status = TEST_FAILED;
			else if (strcmp(v, "ERRORED") == 0)
				out->status = TEST_ERRORED;
			else if (strcmp(v, "SKIPPED") == 0)
				out->status = TEST_SKIPPED;
			free(v);
		} else if (str_starts(line, "\"messages\": [")) {
			const char *rest = line + strlen("\"messages\": [");
			if (*rest == '\0') {
				in_messages = true;
			} else if (ours) {
				/* one line: ["The test crashed."] */
				char *m = xstrdup(rest);
				size_t len = strlen(m);
				if (len && m[len - 1] == ',')
					m[--len] = '\0';
				if (len && m[len - 1] == ']')
					m[--len] = '\0';
				if (len)
					strv_push_owned(&out->messages, message_line(m));
				free(m);
				done = true;
			}
		} else if (ours && (strcmp(line, "}") == 0 || strcmp(line, "},") == 0)) {
			done = true;
		}
	}
	free(cur_suite);
	free(copy);
	return is_report ? 0 : -1;
}

void test_report_release(struct test_report *r)
{
	strv_release(&r->messages);
}
