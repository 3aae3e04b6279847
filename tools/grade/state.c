/*
 * state.c - the last grade and hint progress files, `make list` and
 * `make hint` (see state.h).
 */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *state_path(const char *buildroot, const char *file)
{
	return xasprintf("%s/grade/%s", buildroot, file);
}

/* The JSON object in path, or a new empty one. */
static json_t *load_object(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	return j;
}

static int save_object(const char *path, json_t *j)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc = -1;

	if (slash)
		*slash = '\0';
	if (s && mkdir_p(dir, 0755) == 0)
		rc = write_file(path, s, strlen(s));
	free(s);
	free(dir);
	return rc;
}

int state_save_last(const char *buildroot, const char *impl,
		    const struct run_result *rr)
{
	char *file = xasprintf("last-%s.json", impl);
	char *path = state_path(buildroot, file);
	json_t *doc = load_object(path);
	json_t *list = json_object_get(doc, "exercises");

	if (!json_is_object(list)) {
		list = json_object();
		json_object_set_new(doc, "exercises", list);
	}
	json_object_set_new(doc, "impl", json_string(impl));
	for (size_t i = 0; i < rr->n_exercises; i++) {
		const struct exercise_result *er = &rr->exercises[i];
		json_t *parts = json_object();
		for (size_t k = 0; k < er->n_parts; k++)
			json_object_set_new(parts, er->parts[k].name, json_pack("[f,i]",
				er->parts[k].score, er->parts[k].max));
		json_object_set_new(list, er->id, json_pack("{s:f, s:i, s:b, s:f, s:o}",
			"score", er->score, "max", er->max, "complete", er->complete,
			"graded_at", rr->graded_at, "parts", parts));
	}
	int rc = save_object(path, doc);
	json_decref(doc);
	free(path);
	free(file);
	return rc;
}

/* Where the learner files of ex are for this IMPL. */
static char *edits_dir(const char *root, const char *impl,
		       const struct exercise *ex)
{
	if (strcmp(impl, "solutions") == 0)
		return xasprintf("%s/solutions/%s", root, ex->phase_path);
	return xasprintf("%s/%s", root, ex->folder);
}

void state_list(const struct catalogue *cat, const char *root,
		const char *buildroot, const char *impl, bool color,
		struct text *out)
{
	char *file = xasprintf("last-%s.json", impl);
	char *path = state_path(buildroot, file);
	json_t *doc = load_object(path);
	json_t *list = json_object_get(doc, "exercises");
	size_t done = 0;
	int wtitle = 5, wfolder = 6;

	for (size_t i = 0; i < cat->n_exercises; i++) {
		if ((int)strlen(cat->exercises[i].title) > wtitle)
			wtitle = (int)strlen(cat->exercises[i].title);
		if ((int)strlen(cat->exercises[i].folder) > wfolder)
			wfolder = (int)strlen(cat->exercises[i].folder);
	}
	text_printf(out, "hotpath: %zu exercise%s, graded from %s\n\n",
		    cat->n_exercises, cat->n_exercises == 1 ? "" : "s",
		    strcmp(impl, "solutions") == 0 ? "solutions/" :
		    "your files (phases/)");
	for (size_t i = 0; i < cat->n_exercises; i++) {
		const struct exercise *ex = &cat->exercises[i];
		json_t *last = json_object_get(list, ex->id);
		char status[64];
		const char *paint = "";
		bool changed = false;

		if (!json_is_object(last)) {
			snprintf(status, sizeof status, "not graded yet");
			paint = "\033[2m";
		} else {
			double when = json_number_value(json_object_get(last, "graded_at"));
			bool complete = json_is_true(json_object_get(last, "complete"));
			char *dir = edits_dir(root, impl, ex);
			for (size_t k = 0; k < ex->n_edits; k++) {
				char *f = path_join(dir, ex->edits[k]);
				if (file_mtime(f) > when)
					changed = true;
				free(f);
			}
			free(dir);
			if (complete) {
				snprintf(status, sizeof status, "complete");
				paint = "\033[32m";
				done++;
			} else {
				snprintf(status, sizeof status, "%g/%d",
					 json_number_value(json_object_get(last, "score")),
					 (int)json_integer_value(json_object_get(last, "max")));
				paint = "\033[31m";
			}
		}
		text_printf(out, "  %-5s %-*s  %-*s  %s%s%s%s\n", ex->id, wtitle,
			    ex->title, wfolder, ex->folder, color ? paint : "", status,
			    color ? "\033[0m" : "", changed ? "  (changed since)" : "");
	}
	text_printf(out, "\n  %zu of %zu complete.  make grade EX=<id> grades one, "
		    "make hint EX=<id> gives a hint.\n", done, cat->n_exercises);
	json_decref(doc);
	free(path);
	free(file);
}

void wrap_text(struct text *out, const char *s, int indent, int width)
{
	char *copy = xstrdup(s), *save = NULL;
	int col = 0;

	for (char *word = strtok_r(copy, " \n\t", &save); word;
	     word = strtok_r(NULL, " \n\t", &save)) {
		int len = (int)strlen(word);
		if (col > 0 && col + 1 + len > width) {
			text_putc(out, '\n');
			col = 0;
		}
		if (col == 0) {
			text_printf(out, "%*s%s", indent, "", word);
			col = indent + len;
		} else {
			text_printf(out, " %s", word);
			col += 1 + len;
		}
	}
	text_putc(out, '\n');
	free(copy);
}

int state_hint(const struct catalogue *cat, const char *buildroot,
	       const char *id, int level, struct text *out, struct text *err)
{
	const struct exercise *ex = catalogue_find(cat, id);

	if (ex == NULL) {
		text_printf(err, "no exercise \"%s\" in the catalogue (make list "
			    "shows them)\n", id);
		return -1;
	}
	int n = (int)ex->n_hints;
	if (level < 0 || level > n) {
		text_printf(err, "exercise %s has hints 1 to %d, not %d\n", id, n,
			    level);
		return -1;
	}
	char *path = state_path(buildroot, "hints.json");
	json_t *doc = load_object(path);
	int seen = (int)json_integer_value(json_object_get(doc, id));
	int show = level ? level : (seen < n ? seen + 1 : n);

	text_printf(out, "%s %s: hint %d of %d\n\n", ex->id, ex->title, show, n);
	wrap_text(out, ex->hints[show - 1], 2, 78);
	text_puts(out, "\n");
	if (show < n)
		text_printf(out, "  The next one: make hint EX=%s (hint %d of %d)\n",
			    ex->id, show + 1, n);
	else
		text_printf(out, "  That was the last hint. Any of them again: "
			    "make hint EX=%s LEVEL=1..%d\n", ex->id, n);
	if (show > seen) {
		json_object_set_new(doc, id, json_integer(show));
		save_object(path, doc);
	}
	json_decref(doc);
	free(path);
	return 0;
}
