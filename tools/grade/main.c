/*
 * main.c - the `grade` command line: run, list, hint, selftest, check.
 *
 * The Makefile's Grading section calls it (`make grade`, `make list`,
 * `make hint`); see usage() below or `grade help`. Exit status: 0 when
 * every graded exercise is complete (so `make grade EX=4.5` works as a
 * GitHub Classroom step), 1 when not, 2 for bad usage or a bad catalogue,
 * 130 when interrupted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "grade.h"
#include "pool.h"
#include "progress.h"
#include "report.h"
#include "sandbox.h"
#include "selftest.h"
#include "state.h"
#include "submission.h"

#define EXIT_INCOMPLETE 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

static void usage(FILE *f)
{
	fputs("usage: grade run [--impl phases|solutions] [--ex ID] [--submission DIR]\n"
	      "                 [--format text|json|gradescope|junit] [--output FILE|DIR]\n"
	      "                 [-j N] [--verbose] [--first-failure] [--keep-work]\n"
	      "       grade list [--impl phases|solutions]\n"
	      "       grade hint --ex ID [--level N]\n"
	      "       grade selftest [--ex ID] [-j N] [--keep-work]\n"
	      "       grade files --ex ID [--impl phases|solutions]\n"
	      "                               the files a learner edits, one a line\n"
	      "       grade check             check the catalogue and stop\n"
	      "common: [--root DIR] (default .) [--buildroot DIR] (default build)\n"
	      "        [--catalogue FILE] [--cc CC]\n"
	      "\n"
	      "run   grades exercises: your files in phases/ (--impl phases), the\n"
	      "      reference solutions (--impl solutions), or the learner files\n"
	      "      found in a submission folder, or in each subfolder of a folder\n"
	      "      of submissions (graded in parallel, -j, default: CPUs).\n"
	      "      With a batch, --output DIR/ writes one report per submission.\n"
	      "exit  0 every graded exercise complete, 1 not, 2 usage or catalogue\n"
	      "      error, 130 interrupted\n", f);
}

struct options {
	const char *command;
	const char *impl;
	const char *ex;
	const char *submission;
	const char *format;
	const char *output;
	const char *root;
	const char *buildroot;
	const char *catalogue;
	const char *cc;
	int level;
	int jobs;
	bool verbose;
	bool first_failure;
	bool keep_work;
	const char *probe;
};

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof *o);
	o->impl = "phases";
	o->format = "text";
	o->root = ".";
	o->buildroot = "build";
	o->jobs = ncpus();
	if (argc < 2)
		return -1;
	o->command = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE(field)                                                       \
	do {                                                               \
		if (v == NULL) {                                           \
			fprintf(stderr, "grade: %s needs a value\n", a);   \
			return -1;                                         \
		}                                                          \
		o->field = v;                                              \
		i++;                                                       \
	} while (0)
		if (strcmp(a, "--impl") == 0)
			VALUE(impl);
		else if (strcmp(a, "--ex") == 0)
			VALUE(ex);
		else if (strcmp(a, "--submission") == 0)
			VALUE(submission);
		else if (strcmp(a, "--format") == 0)
			VALUE(format);
		else if (strcmp(a, "--output") == 0)
			VALUE(output);
		else if (strcmp(a, "--root") == 0)
			VALUE(root);
		else if (strcmp(a, "--buildroot") == 0)
			VALUE(buildroot);
		else if (strcmp(a, "--catalogue") == 0)
			VALUE(catalogue);
		else if (strcmp(a, "--cc") == 0)
			VALUE(cc);
		else if (strcmp(a, "--level") == 0 || strcmp(a, "-j") == 0) {
			int n;
			if (v == NULL || parse_int(v, &n) < 0) {
				fprintf(stderr, "grade: %s needs a number\n", a);
				return -1;
			}
			if (a[1] == 'j')
				o->jobs = n > 0 ? n : 1;
			else
				o->level = n;
			i++;
		} else if (str_starts(a, "-j") && a[2]) {
			int n;
			if (parse_int(a + 2, &n) < 0) {
				fprintf(stderr, "grade: bad %s\n", a);
				return -1;
			}
			o->jobs = n > 0 ? n : 1;
		} else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--first-failure") == 0) {
			o->first_failure = true;
		} else if (strcmp(a, "--keep-work") == 0) {
			o->keep_work = true;
		} else if (strcmp(o->command, "probe") == 0 && o->probe == NULL) {
			o->probe = a;
		} else {
			fprintf(stderr, "grade: unknown argument \"%s\"\n", a);
			return -1;
		}
#undef VALUE
	}
	return 0;
}

static int load_catalogue(const struct options *o, const char *root,
			  struct catalogue *cat)
{
	struct text errors = TEXT_INIT;
	char *path = o->catalogue ? xstrdup(o->catalogue)
				  : path_join(root, "exercises/catalogue.json");
	int rc = catalogue_load(cat, path, &errors);

	if (rc < 0) {
		fputs(text_str(&errors), stderr);
		fprintf(stderr, "grade: the catalogue has errors (its schema: "
			"exercises/README.md)\n");
	}
	text_release(&errors);
	free(path);
	return rc;
}

static bool use_color(FILE *f)
{
	const char *term = getenv("TERM");

	return isatty(fileno(f)) && getenv("NO_COLOR") == NULL &&
	       !(term && strcmp(term, "dumb") == 0);
}

/* ---- run ------------------------------------------------------------------- */

struct batch_ctx {
	const struct catalogue *cat;
	struct grade_opts opts;
	size_t done, total;
	size_t name_width;
};

struct batch_arg {
	struct batch_ctx *ctx;
	struct submission *sub;
};

static int batch_job(void *arg, struct run_result *out)
{
	struct batch_arg *ba = arg;

	return grade_submission(ba->ctx->cat, ba->sub, &ba->ctx->opts, out) < 0;
}

static void batch_done(size_t i, const struct pool_job *job, void *arg)
{
	struct batch_ctx *ctx = arg;
	struct text line = TEXT_INIT;

	(void)i;
	ctx->done++;
	report_batch_line(&line, &job->result, ctx->name_width, false);
	progress_note("[%zu/%zu] %s", ctx->done, ctx->total, text_str(&line));
	text_release(&line);
}

/* Write the report to --output (a file, or a folder for per-submission
 * reports), else to stdout. */
static int emit(const struct options *o, enum report_format fmt,
		const struct run_result *runs, size_t n, bool batch)
{
	struct report_style style = {false, o->verbose || !batch,
				     o->first_failure};
	struct text out = TEXT_INIT;
	int rc = 0;

	progress_clear();
	if (o->output == NULL) {
		style.color = fmt == FMT_TEXT && use_color(stdout);
		report_write(&out, fmt, runs, n, batch, &style);
		fputs(text_str(&out), stdout);
		fflush(stdout);
		text_release(&out);
		return 0;
	}
	bool per_submission = batch && (is_dir(o->output) || str_ends(o->output, "/"));
	if (per_submission) {
		mkdir_p(o->output, 0755);
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct text one = TEXT_INIT;
			char *path = xasprintf("%s/%s.%s", o->output, runs[i].name,
					       report_extension(fmt));
			report_write(&one, fmt, &runs[i], 1, false, &style);
			if (write_file(path, one.buf, one.len) != 0) {
				fprintf(stderr, "grade: cannot write %s: %s\n", path,
					strerror(errno));
				rc = -1;
			}
			free(path);
			text_release(&one);
		}
		/* The scoreboard still goes to the terminal. */
		style.color = use_color(stdout);
		report_write(&out, FMT_TEXT, runs, n, batch, &style);
		fputs(text_str(&out), stdout);
		if (rc == 0)
			fprintf(stderr, "grade: wrote %zu %s reports to %s\n", n,
				o->format, o->output);
	} else {
		report_write(&out, fmt, runs, n, batch, &style);
		if (write_file(o->output, out.buf ? out.buf : "", out.len) != 0) {
			fprintf(stderr, "grade: cannot write %s: %s\n", o->output,
				strerror(errno));
			rc = -1;
		} else {
			fprintf(stderr, "grade: wrote the %s report to %s\n", o->format,
				o->output);
		}
	}
	text_release(&out);
	return rc;
}

static int cmd_run(const struct options *o, const struct catalogue *cat,
		   const char *root, const char *buildroot)
{
	enum report_format fmt;
	struct run_result *runs = NULL;
	size_t n = 0;
	bool batch = false;
	int status = 0;

	if (report_format_parse(o->format, &fmt) < 0) {
		fprintf(stderr, "grade: --format must be text, json, gradescope or "
			"junit, not \"%s\"\n", o->format);
		return EXIT_USAGE;
	}
	if (o->ex && catalogue_find(cat, o->ex) == NULL) {
		fprintf(stderr, "grade: no exercise \"%s\" in the catalogue (make "
			"list shows them)\n", o->ex);
		return EXIT_USAGE;
	}
	char *work_root = xasprintf("%s/grade/work", buildroot);
	char *supp = path_join(root, "tools/grade/memcheck.supp");
	struct grade_opts opts = {
		.root = root,
		.cc = o->cc,
		.build_jobs = o->jobs,
		.only_ex = o->ex,
		.only_parts = NULL,
		.work_root = work_root,
		.supp = is_regular_file(supp) ? supp : NULL,
		.keep_work = o->keep_work,
		.sb = NULL,
	};
	mkdir_p(work_root, 0755);
	progress_enable(isatty(STDERR_FILENO));

	if (o->submission == NULL) {
		if (strcmp(o->impl, "phases") != 0 && strcmp(o->impl, "solutions") != 0) {
			fprintf(stderr, "grade: --impl must be phases or solutions, not "
				"\"%s\"\n", o->impl);
			status = EXIT_USAGE;
			goto out;
		}
		char *sol = path_join(root, "solutions");
		bool have = strcmp(o->impl, "phases") == 0 || is_dir(sol);
		free(sol);
		if (!have) {
			fprintf(stderr, "grade: there is no solutions/ folder here (a "
				"handout has none)\n");
			status = EXIT_USAGE;
			goto out;
		}
		runs = xcalloc(1, sizeof *runs);
		n = 1;
		if (grade_course(cat, o->impl, buildroot, &opts, &runs[0]) == 0)
			state_save_last(buildroot, o->impl, &runs[0]);
	} else {
		struct submission *subs;
		struct text why = TEXT_INIT;
		if (submission_discover(cat, o->submission, &subs, &n, &batch, &why) < 0) {
			fprintf(stderr, "grade: %s\n", text_str(&why));
			text_release(&why);
			status = EXIT_USAGE;
			goto out;
		}
		text_release(&why);
		runs = xcalloc(n, sizeof *runs);
		if (!batch) {
			grade_submission(cat, &subs[0], &opts, &runs[0]);
		} else {
			struct batch_ctx ctx = {cat, opts, 0, n, 4};
			struct batch_arg *args = xcalloc(n, sizeof *args);
			struct pool_job *jobs = xcalloc(n, sizeof *jobs);
			ctx.opts.build_jobs = 1;
			for (size_t i = 0; i < n; i++) {
				args[i] = (struct batch_arg){&ctx, &subs[i]};
				jobs[i].arg = &args[i];
				jobs[i].name = subs[i].name;
				if (strlen(subs[i].name) > ctx.name_width)
					ctx.name_width = strlen(subs[i].name);
			}
			char *tmp = xasprintf("%s/batch-%ld", work_root, (long)getpid());
			int workers = o->jobs < (int)n ? o->jobs : (int)n;
			progress_note("grading %zu submissions, %d at a time", n, workers);
			pool_run(jobs, n, workers, batch_job, tmp, batch_done, &ctx);
			rm_rf(tmp);
			free(tmp);
			for (size_t i = 0; i < n; i++)
				runs[i] = jobs[i].result;
			free(jobs);
			free(args);
		}
		submissions_free(subs, n);
	}

	if (emit(o, fmt, runs, n, batch) < 0)
		status = EXIT_USAGE;
	if (status == 0) {
		status = 0;
		for (size_t i = 0; i < n; i++)
			if (!run_result_complete(&runs[i]))
				status = EXIT_INCOMPLETE;
	}
	if (sandbox_interrupted)
		status = EXIT_INTERRUPTED;
out:
	for (size_t i = 0; i < n; i++)
		run_result_release(&runs[i]);
	free(runs);
	free(supp);
	free(work_root);
	return status;
}

/* ---- main ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct options o;
	struct catalogue cat;
	int status;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(o.command, "help") == 0 || strcmp(o.command, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(o.command, "probe") == 0)
		return probe_main(o.probe ? o.probe : "");

	char *root = path_absolute(o.root);
	char *buildroot = path_absolute(o.buildroot);
	if (load_catalogue(&o, root, &cat) < 0) {
		free(root);
		free(buildroot);
		return EXIT_USAGE;
	}
	sandbox_setup_process();

	if (strcmp(o.command, "run") == 0) {
		status = cmd_run(&o, &cat, root, buildroot);
	} else if (strcmp(o.command, "list") == 0) {
		struct text out = TEXT_INIT;
		state_list(&cat, root, buildroot, o.impl, use_color(stdout), &out);
		fputs(text_str(&out), stdout);
		text_release(&out);
		status = 0;
	} else if (strcmp(o.command, "hint") == 0) {
		struct text out = TEXT_INIT, err = TEXT_INIT;
		if (o.ex == NULL) {
			fputs("grade: say which exercise: hint --ex 4.5\n", stderr);
			status = EXIT_USAGE;
		} else if (state_hint(&cat, buildroot, o.ex, o.level, &out, &err) < 0) {
			fprintf(stderr, "grade: %s", text_str(&err));
			status = EXIT_USAGE;
		} else {
			fputs(text_str(&out), stdout);
			status = 0;
		}
		text_release(&out);
		text_release(&err);
	} else if (strcmp(o.command, "selftest") == 0) {
		char self[4096];
		ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
		char *supp = path_join(root, "tools/grade/memcheck.supp");
		self[len > 0 ? len : 0] = '\0';
		struct selftest_opts so = {root, buildroot, o.ex, o.cc,
			is_regular_file(supp) ? supp : NULL, self, o.jobs, o.keep_work};
		if (o.ex && catalogue_find(&cat, o.ex) == NULL) {
			fprintf(stderr, "grade: no exercise \"%s\"\n", o.ex);
			status = EXIT_USAGE;
		} else {
			status = selftest_main(&cat, &so);
		}
		free(supp);
	} else if (strcmp(o.command, "files") == 0) {
		/* For tools/watch.sh: what to watch. */
		const struct exercise *ex = o.ex ? catalogue_find(&cat, o.ex) : NULL;
		if (ex == NULL) {
			fprintf(stderr, "grade: files needs --ex with an exercise of "
				"the catalogue\n");
			status = EXIT_USAGE;
		} else {
			for (size_t i = 0; i < ex->n_edits; i++) {
				if (strcmp(o.impl, "solutions") == 0)
					printf("%s/solutions/%s/%s\n", root,
					       ex->phase_path, ex->edits[i]);
				else
					printf("%s/%s/%s\n", root, ex->folder,
					       ex->edits[i]);
			}
			status = 0;
		}
	} else if (strcmp(o.command, "check") == 0) {
		printf("%s: %zu exercises, valid\n", cat.path, cat.n_exercises);
		status = 0;
	} else {
		fprintf(stderr, "grade: unknown command \"%s\"\n", o.command);
		usage(stderr);
		status = EXIT_USAGE;
	}
	catalogue_free(&cat);
	free(root);
	free(buildroot);
	return status;
}
