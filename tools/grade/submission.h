/*
 * submission.h - find the learner's files in a submitted folder, in any of
 * the shapes people hand in, and stage them for a build.
 *
 *  a copy of the repository   dir/phases/04-performance/4.5-strbuf/strbuf.c
 *  a folder per exercise      dir/4.5-strbuf/strbuf.c  (or dir/4.5/strbuf.c)
 *  just the files             dir/strbuf.c
 *  a folder of submissions    dir/ann/..., dir/bob/... (each any shape above)
 *
 * Only the files an exercise `edits` are ever taken: a submitted test or
 * benchmark is ignored, so editing a test cannot raise a grade. Files must
 * be regular files (a symbolic link could point at anything on the
 * grading machine) of at most SUBMISSION_MAX_FILE bytes.
 *
 *     struct submission *subs;
 *     size_t n;
 *     bool batch;
 *     if (submission_discover(&cat, "subs", &subs, &n, &batch, &why) < 0)
 *             die(why);
 *     submission_stage(&subs[0], "/tmp/overlay", &why);  // overlay tree
 *     submissions_free(subs, n);
 *
 * A file name that two exercises both edit cannot be placed from a flat
 * folder: that exercise then gets a problem ("strbuf.c could be 4.5's or
 * 4.9's: put it in 4.5-strbuf/"), not a guess.
 */
#ifndef GRADE_SUBMISSION_H
#define GRADE_SUBMISSION_H

#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "util.h"

#ifndef SUBMISSION_MAX_FILE
#define SUBMISSION_MAX_FILE (1 << 20)
#endif

struct submission_file {
	const struct exercise *ex;
	const char *edit;   /* the path in ex->edits */
	char *path;         /* where it is in the submission */
};

struct submission {
	char *name;         /* the folder's name */
	char *dir;          /* the folder, absolute */
	const char *shape;  /* "repository", "per exercise", "flat", "empty" */
	struct submission_file *files;
	size_t n_files;
	struct strv problems; /* one line each */
};

/*
 * Look at dir: one submission (it holds learner files itself), or a
 * folder of submissions (its subfolders do; subfolders without any file
 * become empty submissions, graded 0, so nobody is silently left out).
 * Returns 0, or -1 with the reason in why when there is nothing to grade.
 */
int submission_discover(const struct catalogue *cat, const char *dir,
			struct submission **subs, size_t *n, bool *batch,
			struct text *why);

/* Find the files of one submission folder (no batch detection). */
void submission_scan(const struct catalogue *cat, const char *dir,
		     struct submission *sub);

/* Whether the submission holds any file of ex. */
bool submission_has(const struct submission *sub, const struct exercise *ex);

/* Copy its files to overlay/<phase>/<exercise>/<edit>. Returns 0 or -1. */
int submission_stage(const struct submission *sub, const char *overlay,
		     struct text *why);

void submission_release(struct submission *sub);
void submissions_free(struct submission *subs, size_t n);

#endif /* GRADE_SUBMISSION_H */
