/*
 * grade.h - grade one source of learner files (phases/, solutions/, or one
 * submission) against the catalogue: build each exercise once per flavour,
 * run its parts in order, apply the gating rules, add up.
 *
 *     struct grade_source src = {.name = "phases", .impl = "phases", ...};
 *     struct run_result rr;
 *     grade_run(&cat, &src, &opts, &rr);
 *
 * THE RULES (exercises/README.md)
 *
 *  - Parts other than `tests` are graded only once every `tests` part of
 *    the exercise passes in full; before that they score 0 with "not
 *    graded until the tests pass". A fast or leak-free wrong answer earns
 *    nothing.
 *  - An exercise whose `needs` fail their tests is blocked: "4.6 needs
 *    4.5: finish it first", every part 0, nothing built or run.
 *  - A build failure scores every part 0, with the first compiler errors.
 *  - A submission without any file of an exercise is "not submitted".
 *
 * Builds happen once per (source, exercise, flavour): the plain build for
 * most parts, one more per sanitizer flavour a part asks for.
 */
#ifndef GRADE_GRADE_H
#define GRADE_GRADE_H

#include <stdbool.h>

#include "catalogue.h"
#include "results.h"
#include "sandbox.h"
#include "submission.h"

struct grade_source {
	const char *name;       /* "phases", "solutions", a submission's name */
	const char *label;      /* for people: "your files (phases/)" */
	const char *impl;       /* IMPL= for make (names the build folder) */
	const char *overlay;    /* OVERLAY=, absolute; NULL for phases/ */
	const char *src_root;   /* where learner files are: <root>/phases,
	                         * <root>/solutions, or the overlay */
	const char *buildroot;  /* BUILDROOT=, absolute */
	bool untrusted;         /* build it as the sandbox user */
	const struct submission *sub; /* a submission: grade only what it has */
};

struct grade_opts {
	const char *root;        /* the repository, absolute */
	const char *cc;          /* CC= for builds, or NULL */
	int build_jobs;          /* make -j */
	const char *only_ex;     /* grade just this exercise, or NULL */
	/* Grade only these parts (selftest: what a mutant is about); other
	 * parts are reported as not graded. The gate (other parts wait for
	 * the tests) then counts only the tests parts named here. NULL: all. */
	const struct strv *only_parts;
	const char *work_root;   /* scratch space; a folder per run inside */
	const char *supp;        /* valgrind suppressions, or NULL */
	bool keep_work;          /* leave the scratch folder for debugging */
	/* Take the exercises in `needs` as passing without running their
	 * tests (selftest: a mutant's needs are the reference solutions,
	 * which the selftest grades on their own). */
	bool trust_needs;
	const struct sandbox *sb;
};

/* Grade src; out is complete (totals too) when it returns. Returns 0, or
 * -1 on interrupt (out then holds what was done). opts->sb must be open. */
int grade_run(const struct catalogue *cat, const struct grade_source *src,
	      const struct grade_opts *opts, struct run_result *out);

/*
 * Grade the course's own files: impl "phases" (the learner's, in place)
 * or "solutions", built under buildroot/<impl>. Opens a sandbox when
 * opts->sb is NULL.
 */
int grade_course(const struct catalogue *cat, const char *impl,
		 const char *buildroot, const struct grade_opts *opts,
		 struct run_result *out);

/*
 * Grade a submission: stage its files into an overlay and build them in a
 * build folder of its own, both under opts->work_root and removed after,
 * built and run as the sandbox user. Opens a sandbox when opts->sb is NULL.
 */
int grade_submission(const struct catalogue *cat, const struct submission *sub,
		     const struct grade_opts *opts, struct run_result *out);

#endif /* GRADE_GRADE_H */
