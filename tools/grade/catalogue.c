/*
 * catalogue.c - load exercises/catalogue.json into structs and check every
 * field against the schema of exercises/README.md (see catalogue.h).
 *
 * HOW IT WORKS
 *
 * jansson parses the file (rejecting duplicate keys, a classic copy-paste
 * slip); then one function per level of the schema walks it, carrying the
 * JSON path ("exercises[0].parts[1]") so every problem names its place.
 * Checking goes on after a problem, so one run lists all of them. Unknown
 * fields are errors with a "did you mean", since a misspelt optional field
 * ("timout") would otherwise be ignored and grade with the default.
 */
#include "catalogue.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Defaults the README documents (exercises/README.md, "Parts"). */
#define TESTS_TIMEOUT_DEFAULT 10.0     /* seconds, per test */
#define MEMCHECK_TIMEOUT_DEFAULT 300.0 /* the whole valgrind run */
#define BENCH_TIMEOUT_DEFAULT 300.0
#define SCRIPT_TIMEOUT_DEFAULT 120.0
#define TIMEOUT_MAX 3600.0
#define MAX_HINTS 3

struct vctx {
	const char *file;
	struct text *errors;
	int count;
};

static void verr(struct vctx *v, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verr(struct vctx *v, const char *path, const char *fmt, ...)
{
	va_list ap;

	text_printf(v->errors, "%s: %s%s", v->file, path, path[0] ? ": " : "");
	va_start(ap, fmt);
	text_vprintf(v->errors, fmt, ap);
	va_end(ap);
	text_putc(v->errors, '\n');
	v->count++;
}

/* ---- Field access, each checking its type ------------------------------- */

/* "a.b" or "a[3]": the path of a member or an element. */
static char *sub(const char *path, const char *key)
{
	return path[0] ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

static char *elem(const char *path, size_t i)
{
	return xasprintf("%s[%zu]", path, i);
}

static const char *type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "something else";
}

/*
 * Every key of obj must be in `allowed`; keys in `elsewhere` exist in the
 * schema but not for this kind of object (`what`).
 */
static void check_keys(struct vctx *v, const char *path, json_t *obj,
		       const char *const *allowed, const char *const *elsewhere,
		       const char *what)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = true;
		if (ok)
			continue;
		bool known = false;
		for (size_t i = 0; elsewhere && elsewhere[i]; i++)
			if (strcmp(key, elsewhere[i]) == 0)
				known = true;
		if (known) {
			verr(v, path, "field \"%s\" does not apply to %s", key, what);
			continue;
		}
		const char *best = NULL;
		size_t best_d = 3; /* suggest only close matches */
		for (size_t i = 0; allowed[i]; i++) {
			size_t d = edit_distance(key, allowed[i]);
			if (d < best_d) {
				best_d = d;
				best = allowed[i];
			}
		}
		if (best) {
			verr(v, path, "unknown field \"%s\" (did you mean \"%s\"?)",
			     key, best);
		} else {
			struct text list = TEXT_INIT;
			for (size_t i = 0; allowed[i]; i++)
				text_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
			verr(v, path, "unknown field \"%s\" (%s has: %s)", key, what,
			     text_str(&list));
			text_release(&list);
		}
	}
}

static json_t *get(struct vctx *v, const char *path, json_t *obj,
		   const char *key, bool required)
{
	json_t *j = json_object_get(obj, key);

	if (j == NULL && required)
		verr(v, path, "missing required field \"%s\"", key);
	return j;
}

static const char *get_string(struct vctx *v, const char *path, json_t *obj,
			      const char *key, bool required)
{
	json_t *j = get(v, path, obj, key, required);
	char *p = sub(path, key);
	const char *s = NULL;

	if (j && !json_is_string(j))
		verr(v, p, "must be a string, not %s", type_name(j));
	else if (j && json_string_length(j) == 0)
		verr(v, p, "must not be empty");
	else if (j)
		s = json_string_value(j);
	free(p);
	return s;
}

static bool get_integer(struct vctx *v, const char *path, json_t *obj,
			const char *key, bool required, long min, long max,
			long *out)
{
	json_t *j = get(v, path, obj, key, required);
	char *p = sub(path, key);
	bool ok = false;

	if (j && !json_is_integer(j)) {
		verr(v, p, "must be an integer, not %s", type_name(j));
	} else if (j) {
		json_int_t n = json_integer_value(j);
		if (n < min || n > max)
			verr(v, p, "must be between %ld and %ld, not %lld", min, max,
			     (long long)n);
		else {
			*out = (long)n;
			ok = true;
		}
	}
	free(p);
	return ok;
}

static bool get_number(struct vctx *v, const char *path, json_t *obj,
		       const char *key, bool required, double *out)
{
	json_t *j = get(v, path, obj, key, required);
	char *p = sub(path, key);
	bool ok = false;

	if (j && !json_is_number(j))
		verr(v, p, "must be a number, not %s", type_name(j));
	else if (j) {
		*out = json_number_value(j);
		ok = isfinite(*out);
		if (!ok)
			verr(v, p, "must be a finite number");
	}
	free(p);
	return ok;
}

static bool get_boolean(struct vctx *v, const char *path, json_t *obj,
			const char *key, bool *out)
{
	json_t *j = get(v, path, obj, key, false);
	char *p = sub(path, key);
	bool ok = false;

	if (j && !json_is_boolean(j))
		verr(v, p, "must be true or false, not %s", type_name(j));
	else if (j) {
		*out = json_is_true(j);
		ok = true;
	}
	free(p);
	return ok;
}

/* An array of non-empty strings; *out is a malloc'd array (NULL if none). */
static void get_strings(struct vctx *v, const char *path, json_t *obj,
			const char *key, bool required, const char ***out,
			size_t *n)
{
	json_t *j = get(v, path, obj, key, required);
	char *p = sub(path, key);

	*out = NULL;
	*n = 0;
	if (j && !json_is_array(j)) {
		verr(v, p, "must be an array of strings, not %s", type_name(j));
	} else if (j) {
		size_t i;
		json_t *e;
		*out = xcalloc(json_array_size(j) + 1, sizeof **out);
		json_array_foreach(j, i, e) {
			char *ep = elem(p, i);
			if (!json_is_string(e))
				verr(v, ep, "must be a string, not %s", type_name(e));
			else if (json_string_length(e) == 0)
				verr(v, ep, "must not be empty");
			else
				(*out)[(*n)++] = json_string_value(e);
			free(ep);
		}
	}
	free(p);
}

/* ---- Value formats ------------------------------------------------------ */

static bool all_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

/* A relative path inside the repository: no "..", no "//", not absolute. */
static bool relative_path_ok(const char *s)
{
	if (s[0] == '/' || str_ends(s, "/") || strstr(s, "//"))
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20)
			return false;
	char *copy = xstrdup(s), *save = NULL;
	bool ok = true;
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
		if (strcmp(t, "..") == 0 || strcmp(t, ".") == 0)
			ok = false;
	free(copy);
	return ok;
}

/* Go's benchtime: "100x", or a duration such as "1s", "500ms", "1.5s". */
static bool benchtime_ok(const char *s, bool *is_count)
{
	char *end;

	*is_count = false;
	if (!isdigit((unsigned char)s[0]))
		return false;
	double d = strtod(s, &end);
	if (strcmp(end, "x") == 0) {
		*is_count = true;
		return d >= 1 && floor(d) == d && !strchr(s, '.');
	}
	return d > 0 && (strcmp(end, "ns") == 0 || strcmp(end, "us") == 0 ||
			 strcmp(end, "ms") == 0 || strcmp(end, "s") == 0 ||
			 strcmp(end, "m") == 0 || strcmp(end, "h") == 0);
}

/* "1" or "1,2,4": the thread counts of -cpu. */
static bool cpu_list_ok(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digit = true;
		else if (*s == ',' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

static bool san_ok(const char *s)
{
	static const char *const known[] = {"address", "undefined", "thread",
					    "leak", NULL};
	char *copy = xstrdup(s), *save = NULL;
	bool ok = !str_ends(s, ",") && s[0] != ',';

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (size_t i = 0; known[i]; i++)
			if (strcmp(t, known[i]) == 0)
				found = true;
		ok = ok && found;
	}
	free(copy);
	return ok;
}

static bool env_name_ok(const char *s)
{
	return (isalpha((unsigned char)s[0]) || s[0] == '_') && all_chars(s, "_");
}

/* ---- Bars ---------------------------------------------------------------- */

static const char *const bar_keys[] = {"bench", "metric", "op", "value",
	"ratio", "baseline", "baseline_metric", "points", "about", "noisy", NULL};

static void load_bar(struct vctx *v, const char *path, json_t *j,
		     enum part_kind kind, struct bar *bar)
{
	static const char *const script_keys[] = {"metric", "op", "value",
		"ratio", "baseline_metric", "points", "about", "noisy", NULL};
	const char *op;
	long points = 0;

	memset(bar, 0, sizeof *bar);
	if (!json_is_object(j)) {
		verr(v, path, "a bar must be an object, not %s", type_name(j));
		return;
	}
	check_keys(v, path, j, kind == PART_BENCH ? bar_keys : script_keys,
		   bar_keys, kind == PART_BENCH ? "a bar" : "a script's bar");
	if (kind == PART_BENCH)
		bar->bench = get_string(v, path, j, "bench", true);
	bar->metric = get_string(v, path, j, "metric", true);
	op = get_string(v, path, j, "op", true);
	if (op && strcmp(op, "<=") == 0)
		bar->op = BAR_LE;
	else if (op && strcmp(op, ">=") == 0)
		bar->op = BAR_GE;
	else if (op) {
		char *p = sub(path, "op");
		verr(v, p, "must be \"<=\" or \">=\", not \"%s\"", op);
		free(p);
	}
	bar->has_value = get_number(v, path, j, "value", false, &bar->value);
	bool has_ratio = get_number(v, path, j, "ratio", false, &bar->ratio);
	if (kind == PART_BENCH)
		bar->baseline = get_string(v, path, j, "baseline", false);
	bar->baseline_metric = get_string(v, path, j, "baseline_metric", false);
	if (get_integer(v, path, j, "points", true, 1, 1000, &points))
		bar->points = (int)points;
	bar->about = get_string(v, path, j, "about", true);
	get_boolean(v, path, j, "noisy", &bar->noisy);

	bool value_given = json_object_get(j, "value") != NULL;
	bool ratio_given = json_object_get(j, "ratio") != NULL;
	if (value_given == ratio_given)
		verr(v, path, "give exactly one of \"value\" (an absolute "
		     "threshold) and \"ratio\" (times a baseline)");
	if (has_ratio && bar->ratio <= 0) {
		char *p = sub(path, "ratio");
		verr(v, p, "must be above 0");
		free(p);
	}
	if (ratio_given && kind == PART_BENCH && !json_object_get(j, "baseline"))
		verr(v, path, "a \"ratio\" needs a \"baseline\" benchmark");
	if (ratio_given && kind == PART_SCRIPT &&
	    !json_object_get(j, "baseline_metric"))
		verr(v, path, "a script bar's \"ratio\" needs a "
		     "\"baseline_metric\" (another metric the script reports)");
	if (value_given && (json_object_get(j, "baseline") ||
			    json_object_get(j, "baseline_metric")))
		verr(v, path, "a baseline goes with \"ratio\", not \"value\"");
	if (bar->noisy && !ratio_given)
		verr(v, path, "a noisy bar must be a \"ratio\" against a "
		     "baseline measured in the same run");
	/* Times move with machine noise: only wide-margin ratios may grade
	 * them (exercises/README.md, "Bars"). */
	if (kind == PART_BENCH && bar->metric && !bar->noisy &&
	    (strcmp(bar->metric, "ns/op") == 0 || strcmp(bar->metric, "MB/s") == 0))
		verr(v, path, "%s is a time: mark the bar \"noisy\": true and "
		     "make it a ratio with a wide margin", bar->metric);
	(void)has_ratio;
}

/* ---- Parts ---------------------------------------------------------------- */

static const char *const part_common[] = {"name", "kind", "points", "hint",
	"about", "timeout", "env", NULL};
static const char *const part_all[] = {"name", "kind", "points", "hint",
	"about", "timeout", "env", "binary", "filter", "san", "args", "tool",
	"bench", "benchtime", "count", "cpu", "bars", "run", NULL};

static const char *const *part_keys(enum part_kind kind)
{
	static const char *const tests[] = {"name", "kind", "points", "hint",
		"about", "timeout", "env", "binary", "filter", "san", NULL};
	static const char *const memcheck[] = {"name", "kind", "points", "hint",
		"about", "timeout", "env", "binary", "args", NULL};
	static const char *const bench[] = {"name", "kind", "points", "hint",
		"about", "timeout", "env", "tool", "bench", "benchtime", "count",
		"cpu", "bars", NULL};
	static const char *const script[] = {"name", "kind", "points", "hint",
		"about", "timeout", "env", "run", "bars", NULL};

	switch (kind) {
	case PART_TESTS: return tests;
	case PART_MEMCHECK: return memcheck;
	case PART_BENCH: return bench;
	case PART_SCRIPT: return script;
	}
	return part_common;
}

const char *part_kind_name(enum part_kind kind)
{
	switch (kind) {
	case PART_TESTS: return "tests";
	case PART_MEMCHECK: return "memcheck";
	case PART_BENCH: return "bench";
	case PART_SCRIPT: return "script";
	}
	return "?";
}

static void load_env(struct vctx *v, const char *path, json_t *j,
		     struct strv *env)
{
	json_t *e = json_object_get(j, "env");
	char *p = sub(path, "env");
	const char *key;
	json_t *val;

	if (e && !json_is_object(e)) {
		verr(v, p, "must be an object of strings, not %s", type_name(e));
	} else if (e) {
		json_object_foreach(e, key, val) {
			if (!env_name_ok(key))
				verr(v, p, "\"%s\" is not a variable name", key);
			else if (!json_is_string(val))
				verr(v, p, "%s must be a string, not %s", key,
				     type_name(val));
			else
				strv_pushf(env, "%s=%s", key, json_string_value(val));
		}
	}
	free(p);
}

static void load_part(struct vctx *v, const char *path, json_t *j,
		      size_t n_hints, struct part *part)
{
	const char *kind;
	long n = 0;

	memset(part, 0, sizeof *part);
	if (!json_is_object(j)) {
		verr(v, path, "a part must be an object, not %s", type_name(j));
		return;
	}
	kind = get_string(v, path, j, "kind", true);
	if (kind == NULL)
		return;
	if (strcmp(kind, "tests") == 0)
		part->kind = PART_TESTS;
	else if (strcmp(kind, "memcheck") == 0)
		part->kind = PART_MEMCHECK;
	else if (strcmp(kind, "bench") == 0)
		part->kind = PART_BENCH;
	else if (strcmp(kind, "script") == 0)
		part->kind = PART_SCRIPT;
	else {
		char *p = sub(path, "kind");
		verr(v, p, "must be tests, memcheck, bench or script, not \"%s\"",
		     kind);
		free(p);
		return;
	}
	char *what = xasprintf("a %s part", kind);
	check_keys(v, path, j, part_keys(part->kind), part_all, what);
	free(what);

	part->name = get_string(v, path, j, "name", true);
	if (part->name && !all_chars(part->name, "_-")) {
		char *p = sub(path, "name");
		verr(v, p, "use letters, digits, '-' and '_' only: \"%s\"",
		     part->name);
		free(p);
	}
	if (get_integer(v, path, j, "points", true, 1, 1000, &n))
		part->points = (int)n;
	if (get_integer(v, path, j, "hint", true, 1, MAX_HINTS, &n)) {
		part->hint = (int)n;
		if ((size_t)n > n_hints && n_hints > 0) {
			char *p = sub(path, "hint");
			verr(v, p, "points at hint %ld, but the exercise has %zu",
			     n, n_hints);
			free(p);
		}
	}
	part->about = get_string(v, path, j, "about", true);
	switch (part->kind) {
	case PART_TESTS: part->timeout = TESTS_TIMEOUT_DEFAULT; break;
	case PART_MEMCHECK: part->timeout = MEMCHECK_TIMEOUT_DEFAULT; break;
	case PART_BENCH: part->timeout = BENCH_TIMEOUT_DEFAULT; break;
	case PART_SCRIPT: part->timeout = SCRIPT_TIMEOUT_DEFAULT; break;
	}
	if (get_number(v, path, j, "timeout", false, &part->timeout) &&
	    (part->timeout <= 0 || part->timeout > TIMEOUT_MAX)) {
		char *p = sub(path, "timeout");
		verr(v, p, "must be above 0 and at most %.0f seconds", TIMEOUT_MAX);
		free(p);
	}
	load_env(v, path, j, &part->env);

	if (part->kind == PART_TESTS || part->kind == PART_MEMCHECK) {
		part->binary = get_string(v, path, j, "binary", false);
		if (part->binary && !all_chars(part->binary, "_.-")) {
			char *p = sub(path, "binary");
			verr(v, p, "must be a program name in the exercise's build "
			     "folder, not \"%s\"", part->binary);
			free(p);
		}
		if (part->binary == NULL)
			part->binary = "test";
	}
	if (part->kind == PART_TESTS) {
		part->filter = get_string(v, path, j, "filter", false);
		part->san = get_string(v, path, j, "san", false);
		if (part->san && !san_ok(part->san)) {
			char *p = sub(path, "san");
			verr(v, p, "must list sanitizers from address, undefined, "
			     "thread, leak, separated by commas: \"%s\"", part->san);
			free(p);
		}
	}
	if (part->kind == PART_MEMCHECK) {
		const char **args;
		size_t n_args;
		get_strings(v, path, j, "args", false, &args, &n_args);
		for (size_t i = 0; i < n_args; i++)
			strv_push(&part->args, args[i]);
		free(args);
	}
	if (part->kind == PART_BENCH) {
		const char *tool = get_string(v, path, j, "tool", false);
		part->tool = TOOL_NATIVE;
		if (tool && strcmp(tool, "callgrind") == 0)
			part->tool = TOOL_CALLGRIND;
		else if (tool && strcmp(tool, "native") != 0) {
			char *p = sub(path, "tool");
			verr(v, p, "must be native or callgrind, not \"%s\"", tool);
			free(p);
		}
		part->bench = get_string(v, path, j, "bench", true);
		part->benchtime = get_string(v, path, j, "benchtime", true);
		bool is_count;
		if (part->benchtime && !benchtime_ok(part->benchtime, &is_count)) {
			char *p = sub(path, "benchtime");
			verr(v, p, "must be a count such as \"100x\" or a duration "
			     "such as \"1s\", not \"%s\"", part->benchtime);
			free(p);
		} else if (part->benchtime && part->tool == TOOL_CALLGRIND &&
			   !is_count) {
			char *p = sub(path, "benchtime");
			verr(v, p, "under callgrind time means nothing and costs "
			     "50x: give a count such as \"50x\", not \"%s\"",
			     part->benchtime);
			free(p);
		}
		part->count = 1;
		if (get_integer(v, path, j, "count", false, 1, 100, &n))
			part->count = (int)n;
		part->cpu = get_string(v, path, j, "cpu", false);
		if (part->cpu && !cpu_list_ok(part->cpu)) {
			char *p = sub(path, "cpu");
			verr(v, p, "must be thread counts such as \"1\" or \"1,2\", "
			     "not \"%s\"", part->cpu);
			free(p);
		}
		if (part->cpu == NULL)
			part->cpu = "1";
	}
	if (part->kind == PART_SCRIPT) {
		part->run = get_string(v, path, j, "run", true);
		if (part->run && !relative_path_ok(part->run)) {
			char *p = sub(path, "run");
			verr(v, p, "must be a path inside the exercise folder: \"%s\"",
			     part->run);
			free(p);
		}
	}
	if (part->kind == PART_BENCH || part->kind == PART_SCRIPT) {
		json_t *bars = get(v, path, j, "bars", true);
		char *p = sub(path, "bars");
		if (bars && (!json_is_array(bars) || json_array_size(bars) == 0)) {
			verr(v, p, "must be a non-empty array of bars");
		} else if (bars) {
			size_t i;
			json_t *b;
			int sum = 0;
			part->bars = xcalloc(json_array_size(bars), sizeof *part->bars);
			json_array_foreach(bars, i, b) {
				char *bp = elem(p, i);
				load_bar(v, bp, b, part->kind, &part->bars[i]);
				sum += part->bars[i].points;
				free(bp);
			}
			part->n_bars = json_array_size(bars);
			if (part->points && sum != part->points)
				verr(v, path, "the bars' points add up to %d, but the "
				     "part is worth %d", sum, part->points);
		}
		free(p);
	}
}

/* ---- Exercises ------------------------------------------------------------ */

static void load_exercise(struct vctx *v, const char *path, json_t *j,
			  struct catalogue *cat, size_t index)
{
	static const char *const keys[] = {"id", "title", "folder", "edits",
		"needs", "parts", "hints", NULL};
	struct exercise *ex = &cat->exercises[index];

	if (!json_is_object(j)) {
		verr(v, path, "an exercise must be an object, not %s", type_name(j));
		return;
	}
	check_keys(v, path, j, keys, NULL, "an exercise");
	ex->id = get_string(v, path, j, "id", true);
	if (ex->id && !all_chars(ex->id, ".")) {
		char *p = sub(path, "id");
		verr(v, p, "use digits, letters and dots only: \"%s\"", ex->id);
		free(p);
	}
	for (size_t i = 0; ex->id && i < index; i++)
		if (cat->exercises[i].id && strcmp(cat->exercises[i].id, ex->id) == 0)
			verr(v, path, "id \"%s\" is also exercises[%zu]", ex->id, i);
	ex->title = get_string(v, path, j, "title", true);

	ex->folder = get_string(v, path, j, "folder", true);
	if (ex->folder) {
		/* phases/<phase>/<id>-<name>: where the Makefile looks for
		 * exercises (phases/<phase>/<exercise>/exercise.mk). */
		char *p = sub(path, "folder");
		const char *rest = str_starts(ex->folder, "phases/") ?
			ex->folder + strlen("phases/") : NULL;
		const char *slash = rest ? strchr(rest, '/') : NULL;
		if (!rest || !slash || slash == rest || strchr(slash + 1, '/') ||
		    !relative_path_ok(ex->folder) || slash[1] == '\0') {
			verr(v, p, "must be phases/<phase>/<exercise>, not \"%s\"",
			     ex->folder);
		} else {
			ex->phase_path = rest;
			ex->dirname = slash + 1;
			if (ex->id && !(str_starts(ex->dirname, ex->id) &&
					ex->dirname[strlen(ex->id)] == '-'))
				verr(v, p, "the folder name must start with the id and "
				     "a dash (\"%s-...\"), not \"%s\"", ex->id,
				     ex->dirname);
		}
		free(p);
	}

	get_strings(v, path, j, "edits", true, &ex->edits, &ex->n_edits);
	if (json_object_get(j, "edits") && ex->n_edits == 0 &&
	    json_is_array(json_object_get(j, "edits")))
		verr(v, path, "\"edits\" must name at least one file");
	for (size_t i = 0; i < ex->n_edits; i++) {
		char *p = xasprintf("%s.edits[%zu]", path, i);
		const char *f = ex->edits[i];
		if (!relative_path_ok(f))
			verr(v, p, "must be a path inside the exercise folder: \"%s\"", f);
		/* Taking a test from a submission would let it grade itself. */
		if (str_ends(f, "_test.c") || str_ends(f, "_bench.c") ||
		    strcmp(f, "exercise.mk") == 0)
			verr(v, p, "\"%s\" belongs to the course: a learner must "
			     "not be able to replace tests, benchmarks or build "
			     "rules", f);
		for (size_t k = 0; k < i; k++)
			if (strcmp(ex->edits[k], f) == 0)
				verr(v, p, "\"%s\" is listed twice", f);
		free(p);
	}

	get_strings(v, path, j, "needs", true, &ex->needs, &ex->n_needs);
	for (size_t i = 0; i < ex->n_needs; i++) {
		char *p = xasprintf("%s.needs[%zu]", path, i);
		bool earlier = false;
		for (size_t k = 0; k < index; k++)
			if (cat->exercises[k].id &&
			    strcmp(cat->exercises[k].id, ex->needs[i]) == 0)
				earlier = true;
		if (!earlier)
			verr(v, p, "\"%s\" is not an exercise listed before this one",
			     ex->needs[i]);
		free(p);
	}

	get_strings(v, path, j, "hints", true, &ex->hints, &ex->n_hints);
	if (json_is_array(json_object_get(j, "hints")) &&
	    (ex->n_hints < 1 || ex->n_hints > MAX_HINTS))
		verr(v, path, "give 1 to %d hints, not %zu", MAX_HINTS, ex->n_hints);

	json_t *parts = get(v, path, j, "parts", true);
	char *pp = sub(path, "parts");
	if (parts && (!json_is_array(parts) || json_array_size(parts) == 0)) {
		verr(v, pp, "must be a non-empty array of parts");
	} else if (parts) {
		size_t i;
		json_t *pj;
		ex->parts = xcalloc(json_array_size(parts), sizeof *ex->parts);
		ex->n_parts = json_array_size(parts);
		json_array_foreach(parts, i, pj) {
			char *p = elem(pp, i);
			load_part(v, p, pj, ex->n_hints, &ex->parts[i]);
			ex->points += ex->parts[i].points;
			for (size_t k = 0; k < i; k++)
				if (ex->parts[i].name && ex->parts[k].name &&
				    strcmp(ex->parts[i].name, ex->parts[k].name) == 0)
					verr(v, p, "part name \"%s\" is used twice",
					     ex->parts[i].name);
			free(p);
		}
	}
	free(pp);
}

/* ---- Loading -------------------------------------------------------------- */

static int load_document(struct catalogue *cat, json_t *root, const char *name,
			 struct text *errors)
{
	static const char *const keys[] = {"course", "exercises", NULL};
	struct vctx v = {name, errors, 0};

	cat->json_ = root;
	if (!json_is_object(root)) {
		verr(&v, "", "the catalogue must be a JSON object");
		return -1;
	}
	check_keys(&v, "", root, keys, NULL, "the catalogue");
	cat->course = get_string(&v, "", root, "course", true);
	json_t *list = get(&v, "", root, "exercises", true);
	if (list && (!json_is_array(list) || json_array_size(list) == 0)) {
		verr(&v, "exercises", "must be a non-empty array of exercises");
	} else if (list) {
		size_t i;
		json_t *e;
		cat->exercises = xcalloc(json_array_size(list),
					 sizeof *cat->exercises);
		cat->n_exercises = json_array_size(list);
		json_array_foreach(list, i, e) {
			char *p = elem("exercises", i);
			load_exercise(&v, p, e, cat, i);
			free(p);
		}
	}
	return v.count ? -1 : 0;
}

int catalogue_parse(struct catalogue *cat, const char *json, const char *name,
		    struct text *errors)
{
	json_error_t err;
	json_t *root;

	memset(cat, 0, sizeof *cat);
	cat->path = xstrdup(name);
	root = json_loads(json, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		text_printf(errors, "%s:%d:%d: not valid JSON: %s\n", name,
			    err.line, err.column, err.text);
		catalogue_free(cat);
		return -1;
	}
	if (load_document(cat, root, name, errors) < 0) {
		catalogue_free(cat);
		return -1;
	}
	return 0;
}

int catalogue_load(struct catalogue *cat, const char *path, struct text *errors)
{
	size_t len;
	char *data = read_file(path, 16 << 20, &len);

	if (data == NULL) {
		memset(cat, 0, sizeof *cat);
		text_printf(errors, "%s: cannot read it: %s\n", path,
			    strerror(errno));
		return -1;
	}
	if (strlen(data) != len) {
		free(data);
		memset(cat, 0, sizeof *cat);
		text_printf(errors, "%s: holds a NUL byte: not a JSON text\n", path);
		return -1;
	}
	int rc = catalogue_parse(cat, data, path, errors);
	free(data);
	return rc;
}

void catalogue_free(struct catalogue *cat)
{
	for (size_t i = 0; i < cat->n_exercises; i++) {
		struct exercise *ex = &cat->exercises[i];
		for (size_t k = 0; k < ex->n_parts; k++) {
			strv_release(&ex->parts[k].env);
			strv_release(&ex->parts[k].args);
			free(ex->parts[k].bars);
		}
		free(ex->parts);
		free(ex->edits);
		free(ex->needs);
		free(ex->hints);
	}
	free(cat->exercises);
	free((char *)cat->path);
	json_decref(cat->json_);
	memset(cat, 0, sizeof *cat);
}

/* ---- Queries -------------------------------------------------------------- */

const struct exercise *catalogue_find(const struct catalogue *cat,
				      const char *id)
{
	int i = catalogue_index(cat, id);

	return i < 0 ? NULL : &cat->exercises[i];
}

int catalogue_index(const struct catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->n_exercises; i++)
		if (strcmp(cat->exercises[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct part *exercise_part(const struct exercise *ex, const char *name)
{
	for (size_t i = 0; i < ex->n_parts; i++)
		if (strcmp(ex->parts[i].name, name) == 0)
			return &ex->parts[i];
	return NULL;
}

bool exercise_edits(const struct exercise *ex, const char *file)
{
	for (size_t i = 0; i < ex->n_edits; i++)
		if (strcmp(ex->edits[i], file) == 0)
			return true;
	return false;
}

const char *part_flavour(const struct part *p)
{
	return p->san ? p->san : "";
}
