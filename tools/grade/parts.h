/*
 * parts.h - grade one part of an exercise: run its tests, memcheck,
 * benchmark or script in the sandbox and turn what happened into a score,
 * a one-line reason, what was expected and what was measured.
 *
 *     struct part_context ctx = {.sb = &sb, .root = root, .bin_dir = dir,
 *                                .work_dir = scratch, ...};
 *     struct part_result pr;
 *     part_result_init(&pr, ex, part);      // 0 points, "not graded"
 *     part_grade(ex, part, &ctx, &pr);
 *
 * THE KINDS (exercises/README.md, "Parts")
 *
 *  tests     each test of the Criterion binary in its own process:
 *            `test --filter suite/name --json=FILE -j1`, with the part's
 *            time limit. Score: points x passed / total. After
 *            MAX_TIMEOUTS tests time out or are killed by the sandbox
 *            (flood, fork bomb, memory), the rest are not run and count
 *            as failed: a hang in a shared helper would otherwise cost
 *            10 s per test. The first crash is run once more under
 *            memcheck to name the signal and where it happened.
 *  memcheck  valgrind memcheck over the binary (all its tests), every
 *            process traced; all or nothing.
 *  bench     the harness with the part's flags and -json, natively or
 *            under callgrind (exact instructions/op); each bar met earns
 *            its points.
 *  script    a course-owned program; the last line of its output is
 *            {"metrics": {...}, "message": "..."}; bars as for bench.
 *
 * A part never fails the grader: whatever the code does ends as a status
 * (pass, fail, error, timeout, crash) with a reason.
 */
#ifndef GRADE_PARTS_H
#define GRADE_PARTS_H

#include "catalogue.h"
#include "results.h"
#include "sandbox.h"

/* Tests that may time out (or be killed) before the rest are skipped. */
#ifndef MAX_TIMEOUTS
#define MAX_TIMEOUTS 2
#endif

struct part_context {
	const struct sandbox *sb;
	const char *root;       /* the repository, absolute */
	const char *bin_dir;    /* where this flavour's binaries are */
	const char *work_dir;   /* scratch folder, the sandbox may write */
	const char *src_dir;    /* the learner files being graded (scripts) */
	const char *supp;       /* valgrind suppressions file, or NULL */
	const char *label;      /* for progress lines: "4.5" or "ann 4.5" */
};

/* Set up pr for this part: 0 of its points, status fail, not graded. */
void part_result_init(struct part_result *pr, const struct exercise *ex,
		      const struct part *part);

/* Grade it; fills pr (set up by part_result_init). */
void part_grade(const struct exercise *ex, const struct part *part,
		const struct part_context *ctx, struct part_result *pr);

/* The environment learner code runs with: a clean PATH, HOME and TMPDIR
 * in the work dir, the C locale, then the part's own `env`. */
void part_base_env(const struct part *part, const char *work_dir,
		   struct strv *env);

#endif /* GRADE_PARTS_H */
