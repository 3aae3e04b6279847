/*
 * results.c - totals, release, and the JSON round trip of grading results
 * (see results.h).
 */
#include "results.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const status_names[] = {"pass", "fail", "error",
					   "timeout", "crash"};
static const char *const state_names[] = {"graded", "build failed",
	"blocked", "not submitted", "error"};

const char *part_status_name(enum part_status st)
{
	return status_names[st];
}

int part_status_parse(const char *s, enum part_status *st)
{
	for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*st = (enum part_status)i;
			return 0;
		}
	}
	return -1;
}

const char *exercise_state_name(enum exercise_state st)
{
	return state_names[st];
}

void set_str(char **field, const char *value)
{
	char *copy = value ? xstrdup(value) : NULL;

	free(*field);
	*field = copy;
}

void set_strf(char **field, const char *fmt, ...)
{
	struct text t = TEXT_INIT;
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(&t, fmt, ap);
	va_end(ap);
	free(*field);
	*field = text_detach(&t);
}

char *hint_command(const char *ex_id, int level)
{
	return xasprintf("make hint EX=%s LEVEL=%d", ex_id, level);
}

double score_round(double score)
{
	return round(score * 100) / 100;
}

void exercise_result_total(struct exercise_result *er)
{
	er->score = 0;
	er->max = 0;
	er->complete = er->state == EX_GRADED;
	for (size_t i = 0; i < er->n_parts; i++) {
		er->score += er->parts[i].score;
		er->max += er->parts[i].max;
		if (er->parts[i].score < er->parts[i].max)
			er->complete = false;
	}
	er->score = score_round(er->score);
}

void run_result_total(struct run_result *rr)
{
	rr->score = 0;
	rr->max = 0;
	for (size_t i = 0; i < rr->n_exercises; i++) {
		exercise_result_total(&rr->exercises[i]);
		rr->score += rr->exercises[i].score;
		rr->max += rr->exercises[i].max;
	}
	rr->score = score_round(rr->score);
}

bool run_result_complete(const struct run_result *rr)
{
	if (rr->error || rr->n_exercises == 0)
		return false;
	for (size_t i = 0; i < rr->n_exercises; i++)
		if (!rr->exercises[i].complete)
			return false;
	return true;
}

void part_result_release(struct part_result *pr)
{
	free(pr->name);
	free(pr->kind);
	free(pr->message);
	free(pr->expected);
	free(pr->measured);
	free(pr->details);
	json_decref(pr->metrics);
	memset(pr, 0, sizeof *pr);
}

void exercise_result_release(struct exercise_result *er)
{
	for (size_t i = 0; i < er->n_parts; i++)
		part_result_release(&er->parts[i]);
	free(er->parts);
	free(er->id);
	free(er->title);
	free(er->note);
	memset(er, 0, sizeof *er);
}

void run_result_release(struct run_result *rr)
{
	for (size_t i = 0; i < rr->n_exercises; i++)
		exercise_result_release(&rr->exercises[i]);
	free(rr->exercises);
	free(rr->name);
	free(rr->source);
	free(rr->error);
	free(rr->notes);
	memset(rr, 0, sizeof *rr);
}

/* ---- JSON ------------------------------------------------------------------ */

/* A JSON string of untrusted text (jansson insists on valid UTF-8). */
static json_t *jstr(const char *s)
{
	if (s == NULL)
		return json_null();
	char *clean = utf8_clean(s, strlen(s));
	json_t *j = json_string(clean);
	free(clean);
	return j ? j : json_string("");
}

static json_t *part_to_json(const struct part_result *pr, const char *ex_id)
{
	json_t *j = json_object();
	char *hint = hint_command(ex_id ? ex_id : "?", pr->hint);

	json_object_set_new(j, "name", jstr(pr->name));
	json_object_set_new(j, "kind", jstr(pr->kind));
	json_object_set_new(j, "score", json_real(score_round(pr->score)));
	json_object_set_new(j, "max", json_integer(pr->max));
	json_object_set_new(j, "status", json_string(part_status_name(pr->status)));
	json_object_set_new(j, "graded", json_boolean(pr->graded));
	json_object_set_new(j, "message", jstr(pr->message ? pr->message : ""));
	json_object_set_new(j, "expected", jstr(pr->expected));
	json_object_set_new(j, "measured", jstr(pr->measured));
	json_object_set_new(j, "details", jstr(pr->details));
	json_object_set_new(j, "hint", json_integer(pr->hint));
	json_object_set_new(j, "hint_command", json_string(hint));
	free(hint);
	json_object_set_new(j, "seconds", json_real(round(pr->seconds * 1000) / 1000));
	if (pr->metrics)
		json_object_set(j, "metrics", pr->metrics);
	else
		json_object_set_new(j, "metrics", json_object());
	return j;
}

static json_t *exercise_to_json(const struct exercise_result *er)
{
	json_t *j = json_object(), *parts = json_array();

	json_object_set_new(j, "id", jstr(er->id));
	json_object_set_new(j, "title", jstr(er->title));
	json_object_set_new(j, "score", json_real(er->score));
	json_object_set_new(j, "max", json_integer(er->max));
	json_object_set_new(j, "complete", json_boolean(er->complete));
	json_object_set_new(j, "state", json_string(exercise_state_name(er->state)));
	json_object_set_new(j, "note", jstr(er->note));
	json_object_set_new(j, "seconds", json_real(round(er->seconds * 1000) / 1000));
	for (size_t i = 0; i < er->n_parts; i++)
		json_array_append_new(parts, part_to_json(&er->parts[i], er->id));
	json_object_set_new(j, "parts", parts);
	return j;
}

json_t *run_result_to_json(const struct run_result *rr)
{
	json_t *j = json_object(), *list = json_array();

	json_object_set_new(j, "name", jstr(rr->name));
	json_object_set_new(j, "source", jstr(rr->source));
	json_object_set_new(j, "total", json_real(rr->score));
	json_object_set_new(j, "max", json_integer(rr->max));
	json_object_set_new(j, "complete", json_boolean(run_result_complete(rr)));
	json_object_set_new(j, "error", jstr(rr->error));
	json_object_set_new(j, "notes", jstr(rr->notes));
	json_object_set_new(j, "seconds", json_real(round(rr->seconds * 1000) / 1000));
	json_object_set_new(j, "graded_at", json_real(floor(rr->graded_at)));
	for (size_t i = 0; i < rr->n_exercises; i++)
		json_array_append_new(list, exercise_to_json(&rr->exercises[i]));
	json_object_set_new(j, "exercises", list);
	return j;
}

static char *get_s(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static double get_d(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

static int part_from_json(struct part_result *pr, const json_t *j)
{
	const char *status = json_string_value(json_object_get(j, "status"));

	if (!json_is_object(j) || status == NULL ||
	    part_status_parse(status, &pr->status) < 0)
		return -1;
	pr->name = get_s(j, "name");
	pr->kind = get_s(j, "kind");
	pr->score = get_d(j, "score");
	pr->max = (int)get_d(j, "max");
	pr->graded = json_is_true(json_object_get(j, "graded"));
	pr->message = get_s(j, "message");
	pr->expected = get_s(j, "expected");
	pr->measured = get_s(j, "measured");
	pr->details = get_s(j, "details");
	pr->hint = (int)get_d(j, "hint");
	pr->seconds = get_d(j, "seconds");
	json_t *m = json_object_get(j, "metrics");
	pr->metrics = json_is_object(m) ? json_incref(m) : json_object();
	return pr->name ? 0 : -1;
}

static int exercise_from_json(struct exercise_result *er, const json_t *j)
{
	json_t *parts = json_object_get(j, "parts");
	const char *state = json_string_value(json_object_get(j, "state"));

	if (!json_is_object(j) || !json_is_array(parts))
		return -1;
	er->id = get_s(j, "id");
	er->title = get_s(j, "title");
	er->note = get_s(j, "note");
	er->score = get_d(j, "score");
	er->max = (int)get_d(j, "max");
	er->complete = json_is_true(json_object_get(j, "complete"));
	er->seconds = get_d(j, "seconds");
	er->state = EX_ERROR;
	for (size_t i = 0; state && i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(state, state_names[i]) == 0)
			er->state = (enum exercise_state)i;
	er->parts = xcalloc(json_array_size(parts), sizeof *er->parts);
	for (size_t i = 0; i < json_array_size(parts); i++) {
		if (part_from_json(&er->parts[i], json_array_get(parts, i)) < 0) {
			er->n_parts = i + 1;
			return -1;
		}
		er->n_parts = i + 1;
	}
	return er->id ? 0 : -1;
}

int run_result_from_json(struct run_result *rr, const json_t *j)
{
	json_t *list = json_object_get(j, "exercises");

	memset(rr, 0, sizeof *rr);
	if (!json_is_object(j) || !json_is_array(list))
		return -1;
	rr->name = get_s(j, "name");
	rr->source = get_s(j, "source");
	rr->error = get_s(j, "error");
	rr->notes = get_s(j, "notes");
	rr->score = get_d(j, "total");
	rr->max = (int)get_d(j, "max");
	rr->seconds = get_d(j, "seconds");
	rr->graded_at = get_d(j, "graded_at");
	rr->exercises = xcalloc(json_array_size(list), sizeof *rr->exercises);
	for (size_t i = 0; i < json_array_size(list); i++) {
		rr->n_exercises = i + 1;
		if (exercise_from_json(&rr->exercises[i], json_array_get(list, i)) < 0)
			return -1;
	}
	return 0;
}
