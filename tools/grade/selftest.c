/*
 * selftest.c - `grade selftest` and the probe programs it runs in the
 * sandbox (see selftest.h).
 */
#include "selftest.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "pool.h"
#include "sandbox.h"
#include "submission.h"

struct counts {
	int passed;
	int failed;
};

static void report(struct counts *c, bool ok, const char *what,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(struct counts *c, bool ok, const char *what,
		   const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", what);
		c->passed++;
	} else {
		struct text why = TEXT_INIT;
		va_start(ap, fmt);
		text_vprintf(&why, fmt, ap);
		va_end(ap);
		/* One line per check: problems joined, no trailing separator. */
		while (why.len && strchr("\n; ", why.buf[why.len - 1]))
			why.buf[--why.len] = '\0';
		for (char *p = why.buf; p && *p; p++)
			if (*p == '\n')
				*p = ';';
		printf("FAIL %s: %s\n", what, text_str(&why));
		text_release(&why);
		c->failed++;
	}
	fflush(stdout);
}

/* ---- The catalogue against the tree ---------------------------------------- */

/* "- [ ] **4.5** String builder — phases/04-performance/4.5-strbuf" */
#define EM_DASH " \xE2\x80\x94 "

int learning_check(const struct catalogue *cat, const char *text,
		   struct text *why)
{
	char *copy = xstrdup(text), *save = NULL;
	size_t k = 0, lineno = 0;
	int problems = 0;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		while (*line == ' ')
			line++;
		if (!str_starts(line, "- [") || !strstr(line, "**"))
			continue;
		char id[64], rest[512];
		char box;
		if (sscanf(line, "- [%c] **%63[^*]** %511[^\n]", &box, id, rest) != 3 ||
		    (box != ' ' && box != 'x' && box != 'X')) {
			text_printf(why, "LEARNING.md line %zu is not \"- [ ] **<id>** "
				    "<title> — <folder>\": %s\n", lineno, line);
			problems++;
			continue;
		}
		char *dash = strstr(rest, EM_DASH);
		if (dash == NULL) {
			text_printf(why, "LEARNING.md line %zu: no \" — \" between "
				    "title and folder\n", lineno);
			problems++;
			continue;
		}
		*dash = '\0';
		const char *title = rest, *folder = dash + strlen(EM_DASH);
		const struct exercise *ex = catalogue_find(cat, id);
		if (ex == NULL) {
			text_printf(why, "LEARNING.md line %zu: %s is not in the "
				    "catalogue\n", lineno, id);
			problems++;
			continue;
		}
		if (k >= cat->n_exercises || strcmp(cat->exercises[k].id, id) != 0) {
			text_printf(why, "LEARNING.md line %zu: %s comes where the "
				    "catalogue has %s\n", lineno, id,
				    k < cat->n_exercises ? cat->exercises[k].id
							 : "nothing more");
			problems++;
		}
		if (strcmp(title, ex->title) != 0) {
			text_printf(why, "LEARNING.md line %zu: %s is titled \"%s\", "
				    "the catalogue says \"%s\"\n", lineno, id, title,
				    ex->title);
			problems++;
		}
		if (strcmp(folder, ex->folder) != 0) {
			text_printf(why, "LEARNING.md line %zu: %s's folder is \"%s\", "
				    "the catalogue says \"%s\"\n", lineno, id, folder,
				    ex->folder);
			problems++;
		}
		k++;
	}
	for (size_t i = k; i < cat->n_exercises; i++) {
		text_printf(why, "LEARNING.md has no checklist line for %s\n",
			    cat->exercises[i].id);
		problems++;
	}
	free(copy);
	return problems;
}

static void check_tree(const struct catalogue *cat, const struct selftest_opts *o,
		       struct counts *c)
{
	for (size_t i = 0; i < cat->n_exercises; i++) {
		const struct exercise *ex = &cat->exercises[i];
		struct text why = TEXT_INIT;
		if (o->only_ex && strcmp(o->only_ex, ex->id) != 0)
			continue;
		char *folder = path_join(o->root, ex->folder);
		char *mk = path_join(folder, "exercise.mk");
		if (!is_dir(folder))
			text_printf(&why, "%s is missing; ", ex->folder);
		else if (!is_regular_file(mk))
			text_printf(&why, "%s/exercise.mk is missing; ", ex->folder);
		for (size_t k = 0; k < ex->n_edits; k++) {
			char *p = xasprintf("%s/%s/%s", o->root, ex->folder, ex->edits[k]);
			char *s = xasprintf("%s/solutions/%s/%s", o->root, ex->phase_path,
					    ex->edits[k]);
			if (!is_regular_file(p))
				text_printf(&why, "%s/%s is missing; ", ex->folder,
					    ex->edits[k]);
			if (!is_regular_file(s))
				text_printf(&why, "solutions/%s/%s is missing; ",
					    ex->phase_path, ex->edits[k]);
			free(p);
			free(s);
		}
		char *what = xasprintf("%s catalogue entry: folder, exercise.mk, "
				       "edits in phases/ and solutions/, %zu hints, "
				       "part hint levels", ex->id, ex->n_hints);
		report(c, why.len == 0, what, "%s", text_str(&why));
		free(what);
		free(mk);
		free(folder);
		text_release(&why);
	}
	char *learning = path_join(o->root, "LEARNING.md");
	char *text = read_file(learning, 1 << 20, NULL);
	if (text == NULL) {
		printf("SKIP LEARNING.md checklist: no LEARNING.md yet\n");
	} else {
		struct text why = TEXT_INIT;
		int problems = learning_check(cat, text, &why);
		report(c, problems == 0, "LEARNING.md checklist matches the catalogue",
		       "%s", text_str(&why));
		text_release(&why);
	}
	free(text);
	free(learning);
}

/* ---- The sandbox, with misbehaving programs --------------------------------- */

int probe_main(const char *kind)
{
	/* These are only ever run inside the sandbox by the self-test. */
	if (getenv("HOTPATH_PROBE") == NULL) {
		fprintf(stderr, "grade probe: only for `grade selftest`\n");
		return 2;
	}
	if (strcmp(kind, "hang") == 0) {
		for (volatile unsigned long i = 0;; i++)
			;
	} else if (strcmp(kind, "flood") == 0) {
		static char buf[65536];
		memset(buf, 'x', sizeof buf);
		for (;;)
			if (write(1, buf, sizeof buf) < 0)
				return 1;
	} else if (strcmp(kind, "forkbomb") == 0) {
		for (;;)
			fork();
	} else if (strcmp(kind, "memory") == 0) {
		size_t chunk = (size_t)64 << 20;
		for (;;) {
			char *p = malloc(chunk);
			if (p)
				memset(p, 1, chunk);
			else
				pause();
		}
	} else if (strcmp(kind, "crash") == 0) {
		raise(SIGSEGV);
	} else if (strcmp(kind, "escape") == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			setsid();
			sleep(600);
			_exit(0);
		}
		printf("%ld\n", (long)pid);
		return 0;
	}
	fprintf(stderr, "grade probe: no probe \"%s\"\n", kind);
	return 2;
}

/* The probes are this very program. Built with AddressSanitizer (to check
 * the grader itself), it cannot start under RLIMIT_AS: ASan reserves
 * terabytes of shadow memory first. No probe tests that limit, so it goes. */
#if defined(__SANITIZE_ADDRESS__)
#define PROBE_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROBE_UNDER_ASAN 1
#endif
#endif
#ifndef PROBE_UNDER_ASAN
#define PROBE_UNDER_ASAN 0
#endif

/* ...and its own SIGSEGV handler must not turn the crash probe's signal
 * into an exit status. Harmless without ASan. */
#define PROBE_ASAN_OPTIONS "ASAN_OPTIONS=handle_segv=0:detect_leaks=0"

static void probe_limits(struct sandbox_limits *lim, double wall)
{
	sandbox_limits_default(lim, wall);
	if (PROBE_UNDER_ASAN)
		lim->address_space = 0;
}

/* Run `grade probe KIND` (this very program) in the sandbox. */
static void run_probe(const struct sandbox *sb, const char *exe,
		      const char *kind, const struct sandbox_limits *lim,
		      struct sandbox_result *res)
{
	char *argv[] = {(char *)exe, "probe", (char *)kind, NULL};
	char *envp[] = {"HOTPATH_PROBE=1", "PATH=/usr/bin:/bin", PROBE_ASAN_OPTIONS,
			NULL};

	sandbox_run(sb, argv, envp, "/", lim, res);
}

static void probe(struct counts *c, const struct sandbox *sb, const char *exe,
		  const char *kind, const struct sandbox_limits *lim,
		  enum sandbox_outcome want, const char *what)
{
	struct sandbox_result res;
	double start = now_monotonic();

	run_probe(sb, exe, kind, lim, &res);
	double took = now_monotonic() - start;
	int left = sandbox_count(sb);
	bool ok = res.outcome == want && left <= 0;
	if (want == SB_SIGNALED)
		ok = ok && res.status == SIGSEGV;
	char *line = xasprintf("sandbox: %s (%s, %.1f s)", what,
			       sandbox_describe(&res, lim), took);
	report(c, ok, line, "%d processes left", left);
	free(line);
	sandbox_result_release(&res);
}

/*
 * A Criterion runner killed earlier leaves /tmp/criterion_<pid>.sock
 * behind, owned by whoever ran it; when the pid comes round again for
 * another uid, that runner cannot bind and aborts. The sandbox must sweep
 * such files: leave one of another user's for a dead pid and run a probe.
 */
static void check_stale_socket(const struct selftest_opts *o, struct counts *c,
			       const struct sandbox *sb)
{
	struct sandbox_limits lim;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	if (dead < 0 || waitpid(dead, NULL, 0) != dead)
		return;
	snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/criterion_%ld.sock",
		 (long)dead);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool made = fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
		    chown(addr.sun_path, 65534, 65534) == 0;
	if (fd >= 0)
		close(fd);
	struct sandbox_result res;
	probe_limits(&lim, 20);
	run_probe(sb, o->self_exe, "crash", &lim, &res);
	sandbox_result_release(&res);
	bool gone = access(addr.sun_path, F_OK) != 0;
	report(c, made && gone, "sandbox: a stale Criterion socket of another "
	       "user is swept (or a runner with its pid would abort)",
	       "%s is %s", addr.sun_path, made ? "still there" : "not made");
	unlink(addr.sun_path);
}

static void check_sandbox(const struct selftest_opts *o, struct counts *c)
{
	struct sandbox sb;
	struct sandbox_limits lim;
	struct text notes = TEXT_INIT;

	sandbox_open(&sb, &notes);
	if (sb.drop)
		printf("note: learner code runs as uid %u, a user of its own\n",
		       (unsigned)sb.uid);
	else
		printf("note: learner code runs as this user (%s)\n", notes.len ?
		       "root, but uids cannot be switched" : "not root");
	text_release(&notes);

	probe_limits(&lim, 1);
	probe(c, &sb, o->self_exe, "hang", &lim, SB_TIMEOUT,
	      "a hang is stopped by the wall clock");
	probe_limits(&lim, 20);
	probe(c, &sb, o->self_exe, "flood", &lim, SB_FLOOD,
	      "an output flood is cut");
	probe_limits(&lim, 20);
	lim.processes = 16;
	probe(c, &sb, o->self_exe, "forkbomb", &lim, SB_PROCS,
	      "a fork bomb is stopped, nothing left running");
	probe_limits(&lim, 20);
	lim.address_space = 0; /* as under valgrind: only the RSS cap is left */
	lim.resident = (size_t)256 << 20;
	probe(c, &sb, o->self_exe, "memory", &lim, SB_MEMORY,
	      "a memory blow-up without RLIMIT_AS is stopped");
	probe_limits(&lim, 20);
	probe(c, &sb, o->self_exe, "crash", &lim, SB_SIGNALED,
	      "a crash is named");

	/* A child that left the process group with setsid() must die too. */
	struct sandbox_result res;
	probe_limits(&lim, 20);
	run_probe(&sb, o->self_exe, "escape", &lim, &res);
	long pid = strtol(text_str(&res.out), NULL, 10);
	if (!sb.drop) {
		printf("SKIP sandbox: a setsid() escapee is killed (only when root: "
		       "the process group is all a user can kill)\n");
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	} else {
		bool gone = pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
		report(c, gone, "sandbox: a process that escaped with setsid() is "
		       "killed", "pid %ld still runs", pid);
		if (!gone && pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
	sandbox_result_release(&res);
	if (sb.drop)
		check_stale_socket(o, c, &sb);
	sandbox_close(&sb);
}

/* ---- Gradings: solution, skeleton, mutants ---------------------------------- */

enum job_kind { JOB_SOLUTION, JOB_SKELETON, JOB_MUTANT };

struct st_job {
	enum job_kind kind;
	const struct catalogue *cat;
	const struct exercise *ex;
	const struct selftest_opts *o;
	char *name;          /* "4.5 solution", "4.5 mutant leak" */
	char *mutant_dir;
	char *about;
	struct strv loses, keeps, parts;
	char *buildroot;
	char *work_root;
	size_t seq;          /* the order it was listed in */
};

/* ---- Staging a mutant ------------------------------------------------------ */

extern char **environ;

/* `patch --output=out orig diff`: GNU patch writes the patched copy to
 * `out` and leaves `orig` alone. Returns NULL or what went wrong. */
static char *apply_patch(const char *orig, const char *diff, const char *out)
{
	char *outarg = xasprintf("--output=%s", out);
	char *argv[] = {"patch", "--quiet", "--force", "--reject-file=-",
			outarg, (char *)orig, (char *)diff, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "patch", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(outarg);
	if (rc != 0)
		return xasprintf("cannot run patch (apt-get install patch): %s",
				 strerror(rc));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return xasprintf("%s does not apply to %s: the solution changed; "
				 "remake the mutant against it", diff, orig);
	return NULL;
}

/* Copy `from` to dir/phases/<ex>/<name>, making folders on the way. */
static char *stage_file(const char *dir, const struct exercise *ex,
			const char *name, const char *from, const char *diff)
{
	char *to = xasprintf("%s/phases/%s/%s", dir, ex->phase_path, name);
	char *slash = strrchr(to, '/');
	char *problem = NULL;

	*slash = '\0';
	mkdir_p(to, 0755);
	*slash = '/';
	if (diff)
		problem = apply_patch(from, diff, to);
	else if (copy_file(from, to, 1 << 24) != 0)
		problem = xasprintf("cannot copy %s: %s", from, strerror(errno));
	free(to);
	return problem;
}

/* The reference solution of ex and of everything it needs. */
static char *stage_solution(const struct st_job *job, const struct exercise *ex,
			    const char *dir)
{
	char *problem = NULL;

	for (size_t i = 0; i < ex->n_needs && !problem; i++) {
		int need = catalogue_index(job->cat, ex->needs[i]);
		problem = stage_solution(job, &job->cat->exercises[need], dir);
	}
	for (size_t i = 0; i < ex->n_edits && !problem; i++) {
		char *sol = xasprintf("%s/solutions/%s/%s", job->o->root,
				      ex->phase_path, ex->edits[i]);
		problem = stage_file(dir, ex, ex->edits[i], sol, NULL);
		free(sol);
	}
	return problem;
}

/*
 * A mutant is "the solution with this wrong": its folder holds, for any of
 * the exercise's edited files, either a whole replacement (strbuf.c) or a
 * unified diff against the solution (strbuf.c.patch); edited files it does
 * not mention, and the exercises it needs, are the reference solutions.
 * Any other file (a doctored strbuf_test.c) is staged too, so the grader
 * can show it ignores it. Staged as a copy of the repository under dir.
 */
static char *stage_mutant(const struct st_job *job, const char *dir)
{
	const struct exercise *ex = job->ex;
	char *problem = stage_solution(job, ex, dir);
	DIR *d = problem ? NULL : opendir(job->mutant_dir);
	struct dirent *e;

	if (!problem && d == NULL)
		problem = xasprintf("cannot read %s: %s", job->mutant_dir,
				    strerror(errno));
	while (d && !problem && (e = readdir(d)) != NULL) {
		char *path = path_join(job->mutant_dir, e->d_name);
		if (e->d_name[0] == '.' || strcmp(e->d_name, "mutant.json") == 0 ||
		    !is_regular_file(path)) {
			free(path);
			continue;
		}
		if (str_ends(e->d_name, ".patch")) {
			char *name = xstrndup(e->d_name, strlen(e->d_name) - 6);
			char *sol = xasprintf("%s/solutions/%s/%s", job->o->root,
					      ex->phase_path, name);
			if (!exercise_edits(ex, name))
				problem = xasprintf("%s: %s is not a file %s edits",
						    job->mutant_dir, name, ex->id);
			else
				problem = stage_file(dir, ex, name, sol, path);
			free(sol);
			free(name);
		} else {
			problem = stage_file(dir, ex, e->d_name, path, NULL);
		}
		free(path);
	}
	if (d)
		closedir(d);
	return problem;
}

static int run_job(void *arg, struct run_result *out)
{
	struct st_job *job = arg;
	struct grade_opts opts = {
		.root = job->o->root,
		.cc = job->o->cc,
		.build_jobs = 1,
		.only_ex = job->ex->id,
		.only_parts = job->kind == JOB_MUTANT ? &job->parts : NULL,
		.work_root = job->work_root,
		.supp = job->o->supp,
		.keep_work = job->o->keep_work,
		.sb = NULL,
	};

	mkdir_p(job->work_root, 0755);
	if (job->kind == JOB_SOLUTION)
		return grade_course(job->cat, "solutions", job->buildroot, &opts, out) < 0;
	if (job->kind == JOB_SKELETON)
		return grade_course(job->cat, "phases", job->buildroot, &opts, out) < 0;
	char *dir = xasprintf("%s/mutant-%s-%ld", job->work_root, job->name,
			      (long)getpid());
	rm_rf(dir);
	char *problem = stage_mutant(job, dir);
	if (problem) {
		memset(out, 0, sizeof *out);
		out->name = xstrdup(job->name);
		out->error = problem;
		rm_rf(dir);
		free(dir);
		return 1;
	}
	struct submission sub;
	memset(&sub, 0, sizeof sub);
	sub.name = xstrdup(job->name);
	sub.dir = xstrdup(dir);
	submission_scan(job->cat, dir, &sub);
	opts.trust_needs = true;
	int rc = grade_submission(job->cat, &sub, &opts, out);
	submission_release(&sub);
	if (!job->o->keep_work)
		rm_rf(dir);
	free(dir);
	return rc < 0;
}

/* Read mutant.json; returns NULL, or what is wrong with it. */
static char *load_mutant(struct st_job *job, const char *path)
{
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	const char *key;
	json_t *val;
	char *problem = NULL;

	if (doc == NULL)
		return xasprintf("mutant.json: %s (line %d)", err.text, err.line);
	json_object_foreach(doc, key, val)
		if (strcmp(key, "about") && strcmp(key, "loses") && strcmp(key, "keeps"))
			problem = xasprintf("mutant.json: unknown field \"%s\"", key);
	const char *about = json_string_value(json_object_get(doc, "about"));
	json_t *loses = json_object_get(doc, "loses");
	json_t *keeps = json_object_get(doc, "keeps");
	if (!problem && (about == NULL || !*about))
		problem = xstrdup("mutant.json: \"about\" must say what the mutant does");
	if (!problem && (!json_is_array(loses) || json_array_size(loses) == 0))
		problem = xstrdup("mutant.json: \"loses\" must list the parts it "
				  "must lose points on");
	if (!problem && keeps && !json_is_array(keeps))
		problem = xstrdup("mutant.json: \"keeps\" must be an array");
	if (!problem)
		job->about = xstrdup(about);
	for (int list = 0; list < 2 && !problem; list++) {
		json_t *arr = list ? keeps : loses;
		size_t i;
		json_t *e;
		json_array_foreach(arr, i, e) {
			const char *name = json_string_value(e);
			if (name == NULL || exercise_part(job->ex, name) == NULL) {
				problem = xasprintf("mutant.json: %s has no part \"%s\"",
						    job->ex->id, name ? name : "?");
				break;
			}
			if (strv_has(&job->loses, name) || strv_has(&job->keeps, name)) {
				problem = xasprintf("mutant.json: part \"%s\" is listed "
						    "twice", name);
				break;
			}
			strv_push(list ? &job->keeps : &job->loses, name);
			strv_push(&job->parts, name);
		}
	}
	json_decref(doc);
	return problem;
}

static const struct part_result *find_part(const struct run_result *rr,
					   const char *name)
{
	for (size_t i = 0; i < rr->n_exercises; i++)
		for (size_t k = 0; k < rr->exercises[i].n_parts; k++)
			if (strcmp(rr->exercises[i].parts[k].name, name) == 0)
				return &rr->exercises[i].parts[k];
	return NULL;
}

static void judge_solution(struct counts *c, const struct st_job *job,
			   const struct run_result *rr)
{
	char *what = xasprintf("%s solution earns full marks (%g/%d, %.0f s)",
			       job->ex->id, rr->score, rr->max, rr->seconds);
	struct text why = TEXT_INIT;

	if (rr->error)
		text_printf(&why, "%s", rr->error);
	for (size_t i = 0; i < rr->n_exercises; i++) {
		const struct exercise_result *er = &rr->exercises[i];
		for (size_t k = 0; k < er->n_parts; k++)
			if (er->parts[k].score < er->parts[k].max)
				text_printf(&why, "%s %g/%d: %s; ", er->parts[k].name,
					    er->parts[k].score, er->parts[k].max,
					    er->parts[k].message);
	}
	report(c, why.len == 0 && rr->n_exercises == 1, what, "%s", text_str(&why));
	text_release(&why);
	free(what);

	/* Noisy bars must leave twice the solution's own ratio. */
	for (size_t p = 0; p < job->ex->n_parts; p++) {
		const struct part *part = &job->ex->parts[p];
		const struct part_result *pr = find_part(rr, part->name);
		json_t *bars = pr ? json_object_get(pr->metrics, "bars") : NULL;
		for (size_t b = 0; b < part->n_bars; b++) {
			const struct bar *bar = &part->bars[b];
			if (!bar->noisy)
				continue;
			json_t *ratio = json_object_get(json_array_get(bars, b), "ratio");
			double r = json_number_value(ratio);
			bool ok = json_is_number(ratio) &&
				  (bar->op == BAR_LE ? bar->ratio >= 2 * r
						     : bar->ratio <= r / 2);
			char *w = xasprintf("%s noisy bar %s%s%s keeps a 2x margin over "
					    "the solution", job->ex->id,
					    bar->bench ? bar->bench : "",
					    bar->bench ? " " : "", bar->metric);
			report(c, ok, w, "the solution measures %.3g x baseline, the bar "
			       "is %.3g x", r, bar->ratio);
			free(w);
		}
	}
}

static void judge_skeleton(struct counts *c, const struct st_job *job,
			   const struct run_result *rr)
{
	char *what = xasprintf("%s skeleton compiles and scores 0 on every part",
			       job->ex->id);
	struct text why = TEXT_INIT;

	if (rr->error)
		text_printf(&why, "%s", rr->error);
	for (size_t i = 0; i < rr->n_exercises; i++) {
		const struct exercise_result *er = &rr->exercises[i];
		if (er->state == EX_BUILD_FAILED)
			text_printf(&why, "it does not compile: %s",
				    er->n_parts ? er->parts[0].message : "");
		for (size_t k = 0; k < er->n_parts; k++)
			if (er->parts[k].score > 0)
				text_printf(&why, "%s scores %g/%d; ", er->parts[k].name,
					    er->parts[k].score, er->parts[k].max);
	}
	report(c, why.len == 0 && rr->n_exercises == 1, what, "%s", text_str(&why));
	text_release(&why);
	free(what);
}

static void judge_mutant(struct counts *c, const struct st_job *job,
			 const struct run_result *rr)
{
	struct text what = TEXT_INIT, why = TEXT_INIT;

	text_printf(&what, "%s mutant %s (%s):", job->ex->id,
		    strrchr(job->mutant_dir, '/') + 1, job->about);
	if (rr->error)
		text_printf(&why, "%s; ", rr->error);
	for (int list = 0; list < 2; list++) {
		const struct strv *names = list ? &job->keeps : &job->loses;
		for (size_t i = 0; i < names->n; i++) {
			const struct part_result *pr = find_part(rr, names->v[i]);
			if (pr == NULL) {
				text_printf(&why, "no result for %s; ", names->v[i]);
				continue;
			}
			text_printf(&what, " %s %s %g/%d,", list ? "keeps" : "loses",
				    pr->name, pr->score, pr->max);
			if (list == 0 && pr->score >= pr->max)
				text_printf(&why, "should lose points on %s but scored "
					    "%g/%d; ", pr->name, pr->score, pr->max);
			if (list == 1 && pr->score < pr->max)
				text_printf(&why, "should keep full marks on %s but scored "
					    "%g/%d (%s); ", pr->name, pr->score, pr->max,
					    pr->message);
		}
	}
	what.buf[--what.len] = '\0'; /* the last comma */
	text_printf(&what, " (%.0f s)", rr->seconds);
	report(c, why.len == 0, text_str(&what), "%s", text_str(&why));
	text_release(&what);
	text_release(&why);
}

struct judge_ctx {
	struct counts *c;
	struct st_job *jobs;
};

static void on_done(size_t i, const struct pool_job *pj, void *arg)
{
	struct judge_ctx *jc = arg;
	struct st_job *job = &jc->jobs[i];

	switch (job->kind) {
	case JOB_SOLUTION:
		judge_solution(jc->c, job, &pj->result);
		break;
	case JOB_SKELETON:
		judge_skeleton(jc->c, job, &pj->result);
		break;
	case JOB_MUTANT:
		judge_mutant(jc->c, job, &pj->result);
		break;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_job(struct st_job **jobs, size_t *n, const struct st_job *job)
{
	*jobs = xrealloc(*jobs, (*n + 1) * sizeof **jobs);
	(*jobs)[(*n)++] = *job;
	(*jobs)[*n - 1].seq = *n - 1;
}

/*
 * The order the gradings start in: the longest first, so the last minutes
 * do not find one grading running alone on an idle machine. Solutions
 * grade every part; mutants a few; skeletons stop at failing tests. Later
 * exercises build on earlier ones and have more to run.
 */
static int job_rank(const struct st_job *j)
{
	return j->kind == JOB_SOLUTION ? 0 : j->kind == JOB_MUTANT ? 1 : 2;
}

static int cmp_jobs(const void *a, const void *b)
{
	const struct st_job *x = a, *y = b;
	if (job_rank(x) != job_rank(y))
		return job_rank(x) - job_rank(y);
	if (x->ex != y->ex)
		return x->ex > y->ex ? -1 : 1; /* the catalogue's array, later first */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int selftest_main(const struct catalogue *cat, const struct selftest_opts *o)
{
	struct counts c = {0, 0};
	struct st_job *jobs = NULL;
	size_t n = 0;
	double start = now_monotonic();
	char *base = xasprintf("%s/selftest", o->buildroot);

	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tree(cat, o, &c);
	check_sandbox(o, &c);

	for (size_t i = 0; i < cat->n_exercises; i++) {
		const struct exercise *ex = &cat->exercises[i];
		if (o->only_ex && strcmp(o->only_ex, ex->id) != 0)
			continue;
		struct st_job job = {.cat = cat, .ex = ex, .o = o};
		job.kind = JOB_SOLUTION;
		job.name = xasprintf("%s-solution", ex->id);
		job.buildroot = xasprintf("%s/%s", base, job.name);
		job.work_root = xasprintf("%s/work", base);
		add_job(&jobs, &n, &job);
		job.kind = JOB_SKELETON;
		job.name = xasprintf("%s-skeleton", ex->id);
		job.buildroot = xasprintf("%s/%s", base, job.name);
		job.work_root = xasprintf("%s/work", base);
		add_job(&jobs, &n, &job);

		char *mdir = xasprintf("%s/tools/grade/mutants/%s", o->root, ex->id);
		struct strv names = STRV_INIT;
		DIR *d = opendir(mdir);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			char *p = path_join(mdir, e->d_name);
			if (e->d_name[0] != '.' && is_dir(p))
				strv_push(&names, e->d_name);
			free(p);
		}
		if (d)
			closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof *names.v, cmp_str);
		char *has = xasprintf("%s has mutants (%zu in tools/grade/mutants/%s/)",
				      ex->id, names.n, ex->id);
		report(&c, names.n > 0, has, "add at least one: a folder holding "
		       "a wrong %s and a mutant.json", ex->edits[0]);
		free(has);
		for (size_t m = 0; m < names.n; m++) {
			struct st_job mj = {.cat = cat, .ex = ex, .o = o,
					    .kind = JOB_MUTANT};
			mj.mutant_dir = path_join(mdir, names.v[m]);
			mj.name = xasprintf("%s-mutant-%s", ex->id, names.v[m]);
			char *spec = path_join(mj.mutant_dir, "mutant.json");
			char *problem = load_mutant(&mj, spec);
			free(spec);
			if (problem) {
				char *w = xasprintf("%s mutant %s", ex->id, names.v[m]);
				report(&c, false, w, "%s", problem);
				free(w);
				free(problem);
				free(mj.mutant_dir);
				free(mj.name);
				free(mj.about);
				strv_release(&mj.loses);
				strv_release(&mj.keeps);
				strv_release(&mj.parts);
				continue;
			}
			mj.work_root = xasprintf("%s/work", base);
			add_job(&jobs, &n, &mj);
		}
		strv_release(&names);
		free(mdir);
	}

	if (n > 1)
		qsort(jobs, n, sizeof *jobs, cmp_jobs);
	struct pool_job *pj = xcalloc(n + 1, sizeof *pj);
	for (size_t i = 0; i < n; i++) {
		pj[i].arg = &jobs[i];
		pj[i].name = jobs[i].name;
	}
	struct judge_ctx jc = {&c, jobs};
	char *tmp = xasprintf("%s/results-%ld", base, (long)getpid());
	printf("selftest: %zu gradings, %d at a time\n", n, o->jobs);
	pool_run(pj, n, o->jobs, run_job, tmp, on_done, &jc);
	rm_rf(tmp);
	free(tmp);
	for (size_t i = 0; i < n; i++) {
		/* Solution and skeleton builds stay: the next self-test only
		 * rebuilds what changed. Mutants build in their work folder. */
		run_result_release(&pj[i].result);
		free(jobs[i].name);
		free(jobs[i].mutant_dir);
		free(jobs[i].about);
		free(jobs[i].buildroot);
		free(jobs[i].work_root);
		strv_release(&jobs[i].loses);
		strv_release(&jobs[i].keeps);
		strv_release(&jobs[i].parts);
	}
	free(pj);
	free(jobs);
	free(base);
	printf("selftest took %.0f s\n", now_monotonic() - start);
	printf("%d passed, %d failed\n", c.passed, c.failed);
	if (sandbox_interrupted)
		return 130;
	return c.failed ? 1 : 0;
}
