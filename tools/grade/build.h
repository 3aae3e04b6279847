/*
 * build.h - build one exercise through the course's own Makefile, the one
 * set of rules learners use too:
 *
 *     make -s --no-print-directory build EX=4.5 IMPL=<impl> OVERLAY=<dir> \
 *          [SAN=address,undefined] BUILDROOT=<root>
 *
 * Binaries land in <root>/<impl>[-<san, commas as dashes>]/<phase>/<ex>/.
 * A failed build keeps the first compiler errors, cleaned of the staging
 * folder's path, as the reason every part scores 0.
 *
 * Untrusted sources (submissions) are built as the sandbox user: a
 * `#include "/etc/shadow"` then fails for lack of permission instead of
 * printing the file in an error message, and a compiler that hangs on
 * `#include "/dev/zero"` is killed on time.
 */
#ifndef GRADE_BUILD_H
#define GRADE_BUILD_H

#include <stdbool.h>

#include "catalogue.h"
#include "sandbox.h"

struct build_request {
	const char *root;      /* the repository: make runs there */
	const char *impl;      /* IMPL= */
	const char *overlay;   /* OVERLAY=, or NULL for phases/ itself */
	const char *buildroot; /* BUILDROOT= */
	const char *san;       /* SAN=, "" for none */
	const char *cc;        /* CC=, or NULL for the Makefile's */
	int jobs;              /* make -j */
	const struct sandbox *sb; /* who runs make (see above) */
	const char *work_dir;  /* TMPDIR for the compiler */
};

struct build_result {
	bool ok;
	char *errors;  /* the first errors, or NULL */
	double seconds;
};

/* Build ex. Returns 0 (see out->ok), -1 if make could not even start. */
int build_exercise(const struct build_request *rq, const struct exercise *ex,
		   struct build_result *out);
void build_result_release(struct build_result *br);

/* Where ex's binaries go for this flavour (malloc'd). */
char *build_bin_dir(const char *buildroot, const char *impl, const char *san,
		    const struct exercise *ex);

/* The first compiler errors in make's stderr, with `strip` (a staging
 * folder prefix, may be NULL) removed from paths; at most max_lines. */
char *build_first_errors(const char *stderr_text, const char *strip,
			 int max_lines);

#endif /* GRADE_BUILD_H */
