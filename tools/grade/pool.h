/*
 * pool.h - grade several sources at once (a folder of submissions, the
 * self-test's solutions, skeletons and mutants), each in a forked worker.
 *
 *     static int grade_one(void *arg, struct run_result *out) { ... }
 *     struct pool_job jobs[n] = {{.arg = &subs[0]}, ...};
 *     pool_run(jobs, n, 2, grade_one, tmpdir, on_done, NULL);
 *     // jobs[i].result holds each run, in order
 *
 * WHY PROCESSES
 *
 * A worker owns a sandbox uid slot, a work folder and a build folder, and
 * reaps every child it sees (sandbox.h): all of that is per process. A
 * worker hands its result back as the JSON report (results.h) in a file,
 * so if one dies, the others and the grader carry on, and that
 * submission's result says what happened instead.
 */
#ifndef GRADE_POOL_H
#define GRADE_POOL_H

#include <stddef.h>

#include "results.h"

struct pool_job {
	void *arg;               /* handed to the worker function */
	const char *name;        /* used if the worker dies */
	struct run_result result;
	int ok;                  /* 1 when result came back from the worker */
};

/* In the worker: grade, fill out; the return value is the exit status. */
typedef int (*pool_fn)(void *arg, struct run_result *out);

/* Called in the parent as each job finishes (index, the job, ctx). */
typedef void (*pool_done_fn)(size_t index, const struct pool_job *job,
			     void *ctx);

/* Run every job, at most `parallel` at once. Returns 0, or -1 if
 * interrupted (unfinished jobs then carry an error). */
int pool_run(struct pool_job *jobs, size_t n, int parallel, pool_fn fn,
	     const char *tmpdir, pool_done_fn done, void *ctx);

#endif /* GRADE_POOL_H */
