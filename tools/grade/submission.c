/*
 * submission.c - discover and stage the learner files of a submission
 * (see submission.h).
 */
#include "submission.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_file(struct submission *sub, const struct exercise *ex,
		     const char *edit, const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		strv_pushf(&sub->problems, "%s is a symbolic link: submit the file "
			   "itself", path);
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if (st.st_size > SUBMISSION_MAX_FILE) {
		strv_pushf(&sub->problems, "%s is %lld bytes, more than the %d "
			   "a source file may have", path, (long long)st.st_size,
			   SUBMISSION_MAX_FILE);
		return;
	}
	sub->files = xrealloc(sub->files, (sub->n_files + 1) * sizeof *sub->files);
	sub->files[sub->n_files++] = (struct submission_file){ex, edit,
							      xstrdup(path)};
}

bool submission_has(const struct submission *sub, const struct exercise *ex)
{
	for (size_t i = 0; i < sub->n_files; i++)
		if (sub->files[i].ex == ex)
			return true;
	return false;
}

/* Whether any other exercise also edits a file called `edit`. */
static const struct exercise *other_editor(const struct catalogue *cat,
					   const struct exercise *ex,
					   const char *edit)
{
	for (size_t i = 0; i < cat->n_exercises; i++)
		if (&cat->exercises[i] != ex && exercise_edits(&cat->exercises[i], edit))
			return &cat->exercises[i];
	return NULL;
}

void submission_scan(const struct catalogue *cat, const char *dir,
		     struct submission *sub)
{
	char *phases = path_join(dir, "phases");
	bool repo = is_dir(phases);

	free(phases);
	sub->shape = "empty";
	for (size_t i = 0; i < cat->n_exercises; i++) {
		const struct exercise *ex = &cat->exercises[i];
		size_t before = sub->n_files;

		for (size_t k = 0; k < ex->n_edits; k++) {
			const char *edit = ex->edits[k];
			char *path;
			size_t had = sub->n_files;

			if (repo) {
				path = xasprintf("%s/%s/%s", dir, ex->folder, edit);
				add_file(sub, ex, edit, path);
				free(path);
				continue;
			}
			/* A folder per exercise, by folder name or by id. */
			path = xasprintf("%s/%s/%s", dir, ex->dirname, edit);
			add_file(sub, ex, edit, path);
			free(path);
			if (sub->n_files == had) {
				path = xasprintf("%s/%s/%s", dir, ex->id, edit);
				add_file(sub, ex, edit, path);
				free(path);
			}
			if (sub->n_files > had)
				continue;
			/* Just the files. */
			path = path_join(dir, edit);
			if (is_regular_file(path)) {
				const struct exercise *other = other_editor(cat, ex, edit);
				if (other)
					strv_pushf(&sub->problems, "%s could be %s's or "
						   "%s's: put it in a folder named %s/",
						   edit, ex->id, other->id, ex->dirname);
				else
					add_file(sub, ex, edit, path);
			} else {
				add_file(sub, ex, edit, path); /* reports a symlink */
			}
			free(path);
			if (sub->n_files > had && strcmp(sub->shape, "empty") == 0)
				sub->shape = "flat";
		}
		if (sub->n_files > before && strcmp(sub->shape, "flat") != 0)
			sub->shape = repo ? "repository" : "per exercise";
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void init_submission(struct submission *sub, const char *dir,
			    const char *name)
{
	memset(sub, 0, sizeof *sub);
	sub->dir = path_absolute(dir);
	sub->name = xstrdup(name);
}

int submission_discover(const struct catalogue *cat, const char *dir,
			struct submission **subs, size_t *n, bool *batch,
			struct text *why)
{
	struct submission one;
	char *abs = path_absolute(dir);
	const char *base = strrchr(abs, '/');

	*subs = NULL;
	*n = 0;
	*batch = false;
	if (!is_dir(abs)) {
		text_printf(why, "%s is not a folder", dir);
		free(abs);
		return -1;
	}
	init_submission(&one, abs, base && base[1] ? base + 1 : abs);
	submission_scan(cat, abs, &one);
	if (one.n_files > 0 || one.problems.n > 0) {
		*subs = xmalloc(sizeof **subs);
		(*subs)[0] = one;
		*n = 1;
		free(abs);
		return 0;
	}
	submission_release(&one);

	/* A folder of submissions? Each subfolder is one, in name order. */
	struct strv names = STRV_INIT;
	DIR *d = opendir(abs);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = path_join(abs, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			strv_push(&names, e->d_name);
		free(path);
	}
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_names);
	struct submission *list = xcalloc(names.n + 1, sizeof *list);
	size_t found = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *path = path_join(abs, names.v[i]);
		init_submission(&list[i], path, names.v[i]);
		submission_scan(cat, path, &list[i]);
		if (list[i].n_files > 0 || list[i].problems.n > 0)
			found++;
		else
			strv_push(&list[i].problems, "no learner files found");
		free(path);
	}
	if (found == 0) {
		submissions_free(list, names.n);
		text_printf(why, "no learner files in %s: expected files such as ",
			    dir);
		const struct exercise *ex = &cat->exercises[0];
		text_printf(why, "%s, %s/%s or %s/%s (or a folder of such "
			    "submissions)", ex->edits[0], ex->dirname, ex->edits[0],
			    ex->folder, ex->edits[0]);
		strv_release(&names);
		free(abs);
		return -1;
	}
	*subs = list;
	*n = names.n;
	*batch = true;
	strv_release(&names);
	free(abs);
	return 0;
}

int submission_stage(const struct submission *sub, const char *overlay,
		     struct text *why)
{
	for (size_t i = 0; i < sub->n_files; i++) {
		const struct submission_file *f = &sub->files[i];
		char *to = xasprintf("%s/%s/%s", overlay, f->ex->phase_path, f->edit);
		char *slash = strrchr(to, '/');
		*slash = '\0';
		int rc = mkdir_p(to, 0755);
		*slash = '/';
		if (rc == 0)
			rc = copy_file(f->path, to, SUBMISSION_MAX_FILE);
		if (rc != 0) {
			text_printf(why, "cannot stage %s: %s", f->path, strerror(errno));
			free(to);
			return -1;
		}
		free(to);
	}
	return 0;
}

void submission_release(struct submission *sub)
{
	for (size_t i = 0; i < sub->n_files; i++)
		free(sub->files[i].path);
	free(sub->files);
	free(sub->name);
	free(sub->dir);
	strv_release(&sub->problems);
	memset(sub, 0, sizeof *sub);
}

void submissions_free(struct submission *subs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		submission_release(&subs[i]);
	free(subs);
}
