/*
 * pool.c - forked grading workers that report back through JSON files
 * (see pool.h).
 */
#include "pool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "sandbox.h"
#include "util.h"

static char *result_path(const char *tmpdir, size_t i)
{
	return xasprintf("%s/job-%zu.json", tmpdir, i);
}

/* The worker: grade, write the result, exit without running atexit
 * handlers or flushing the parent's stdio buffers a second time. */
static void worker(struct pool_job *job, size_t i, pool_fn fn,
		   const char *tmpdir)
{
	struct run_result rr;
	char *path = result_path(tmpdir, i);

	progress_enable(false);
	int status = fn(job->arg, &rr);
	json_t *doc = run_result_to_json(&rr);
	char *s = json_dumps(doc, JSON_COMPACT);
	if (s == NULL || write_file(path, s, strlen(s)) != 0)
		status = 3;
	free(s);
	json_decref(doc);
	run_result_release(&rr);
	free(path);
	_exit(status);
}

static void collect(struct pool_job *job, size_t i, int status,
		    const char *tmpdir)
{
	char *path = result_path(tmpdir, i);
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);

	if (doc && run_result_from_json(&job->result, doc) == 0) {
		job->ok = 1;
	} else {
		run_result_release(&job->result);
		job->result.name = xstrdup(job->name);
		job->result.source = xstrdup(job->name);
		if (WIFSIGNALED(status))
			job->result.error = xasprintf("the grading worker died: %s "
						      "(a bug in the grader)",
						      signal_name(WTERMSIG(status)));
		else
			job->result.error = xasprintf("the grading worker exited "
						      "with status %d and no result",
						      WEXITSTATUS(status));
	}
	json_decref(doc);
	unlink(path);
	free(path);
}

int pool_run(struct pool_job *jobs, size_t n, int parallel, pool_fn fn,
	     const char *tmpdir, pool_done_fn done, void *ctx)
{
	pid_t *pids = xcalloc(n + 1, sizeof *pids);
	size_t next = 0, running = 0, finished = 0;

	if (parallel < 1)
		parallel = 1;
	mkdir_p(tmpdir, 0755);
	fflush(stdout);
	fflush(stderr);
	while (finished < n) {
		while (running < (size_t)parallel && next < n && !sandbox_interrupted) {
			pid_t pid = fork();
			if (pid == 0)
				worker(&jobs[next], next, fn, tmpdir);
			if (pid < 0) {
				jobs[next].result.name = xstrdup(jobs[next].name);
				jobs[next].result.error = xasprintf("cannot fork a worker: "
								    "%s", strerror(errno));
				finished++;
				next++;
				continue;
			}
			pids[next++] = pid;
			running++;
		}
		if (running == 0) {
			/* Interrupted before these started. */
			for (size_t i = next; i < n; i++) {
				jobs[i].result.name = xstrdup(jobs[i].name);
				jobs[i].result.error = xstrdup("interrupted");
			}
			finished = n;
			break;
		}
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < next; i++) {
			if (pids[i] != pid)
				continue; /* an orphan reparented to us: reaped */
			pids[i] = 0;
			running--;
			finished++;
			collect(&jobs[i], i, status, tmpdir);
			if (done)
				done(i, &jobs[i], ctx);
		}
	}
	free(pids);
	return sandbox_interrupted ? -1 : 0;
}
