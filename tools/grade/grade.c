/*
 * grade.c - grade the exercises of one source: builds, parts, gating,
 * totals (see grade.h).
 */
#include "grade.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "parts.h"
#include "progress.h"

/* One build of one exercise in one flavour, made when first needed. */
struct flavour {
	const char *san;  /* "" for the plain build */
	bool tried;
	bool ok;
	char *errors;
	char *bin_dir;
};

struct run_state {
	const struct catalogue *cat;
	const struct grade_source *src;
	const struct grade_opts *opts;
	char *work;          /* this run's scratch folder */
	bool *tests_known;   /* per exercise: its tests were run */
	bool *tests_ok;      /* ...and all passed in full */
	double *tests_score; /* what they scored, for "blocked" messages */
	int *tests_max;
	char **tests_why;    /* the first failing tests part's message */
};

/* Every part not graded yet gets this status and message. */
static void ungraded_parts(struct exercise_result *er, enum part_status st,
			   const char *message, const char *details)
{
	for (size_t i = 0; i < er->n_parts; i++) {
		struct part_result *pr = &er->parts[i];
		if (pr->graded)
			continue;
		pr->status = st;
		pr->score = 0;
		set_str(&pr->message, message);
		if (details)
			set_str(&pr->details, details);
	}
}

static struct flavour *flavour_for(struct flavour *fl, size_t *n,
				   const char *san)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(fl[i].san, san) == 0)
			return &fl[i];
	fl[*n] = (struct flavour){san, false, false, NULL, NULL};
	return &fl[(*n)++];
}

static bool build(struct run_state *st, const struct exercise *ex,
		  struct flavour *f)
{
	if (f->tried)
		return f->ok;
	f->tried = true;
	progress_note("%s %s: building%s%s", st->src->name, ex->id,
		      *f->san ? " with -fsanitize=" : "", f->san);
	char *tmp = path_join(st->work, "build-tmp");
	mkdir_p(tmp, 0755);
	sandbox_give(st->opts->sb, tmp);
	struct sandbox grader;
	sandbox_as_grader(&grader);
	struct build_request rq = {
		.root = st->opts->root,
		.impl = st->src->impl,
		.overlay = st->src->overlay,
		.buildroot = st->src->buildroot,
		.san = f->san,
		.cc = st->opts->cc,
		.jobs = st->opts->build_jobs,
		.sb = st->src->untrusted ? st->opts->sb : &grader,
		.work_dir = tmp,
	};
	struct build_result br;
	build_exercise(&rq, ex, &br);
	f->ok = br.ok;
	f->errors = br.errors;
	br.errors = NULL;
	f->bin_dir = build_bin_dir(st->src->buildroot, st->src->impl, f->san, ex);
	build_result_release(&br);
	free(tmp);
	return f->ok;
}

static void run_part(struct run_state *st, const struct exercise *ex,
		     const struct part *part, struct flavour *f,
		     struct part_result *pr)
{
	char *dir_name = xasprintf("%s-%s", ex->id, part->name);
	char *work = path_join(st->work, dir_name);
	char *src_dir = path_join(st->src->src_root, ex->phase_path);
	char *label = strcmp(st->src->name, "phases") == 0 ||
		      strcmp(st->src->name, "solutions") == 0 ?
		xstrdup(ex->id) : xasprintf("%s %s", st->src->name, ex->id);

	rm_rf(work);
	mkdir_p(work, 0755);
	sandbox_give(st->opts->sb, work);
	struct part_context ctx = {
		.sb = st->opts->sb,
		.root = st->opts->root,
		.bin_dir = f->bin_dir,
		.work_dir = work,
		.src_dir = src_dir,
		.supp = st->opts->supp,
		.label = label,
	};
	part_grade(ex, part, &ctx, pr);
	if (!st->opts->keep_work)
		rm_rf(work);
	free(label);
	free(src_dir);
	free(work);
	free(dir_name);
}

/* The first line of a compiler's complaint, for one-line messages. */
static char *first_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	char *line = xstrndup(s, nl ? (size_t)(nl - s) : strlen(s));
	char *clean = text_line(line, 200);
	free(line);
	return clean;
}

static void grade_exercise(struct run_state *st, size_t index, bool tests_only,
			   struct exercise_result *er);

/* Make sure exercise `index` had its tests run in this run. */
static void ensure_tests(struct run_state *st, size_t index)
{
	if (st->tests_known[index])
		return;
	struct exercise_result tmp;
	grade_exercise(st, index, true, &tmp);
	exercise_result_release(&tmp);
}

static void grade_exercise(struct run_state *st, size_t index, bool tests_only,
			   struct exercise_result *er)
{
	const struct exercise *ex = &st->cat->exercises[index];
	const struct grade_opts *opts = st->opts;
	double start = now_monotonic();
	/* At most one flavour per part. */
	struct flavour *flavours = xcalloc(ex->n_parts + 1, sizeof *flavours);
	size_t n_flavours = 0;

	memset(er, 0, sizeof *er);
	er->id = xstrdup(ex->id);
	er->title = xstrdup(ex->title);
	er->state = EX_GRADED;
	er->parts = xcalloc(ex->n_parts, sizeof *er->parts);
	er->n_parts = ex->n_parts;
	for (size_t i = 0; i < ex->n_parts; i++)
		part_result_init(&er->parts[i], ex, &ex->parts[i]);
	st->tests_known[index] = true;
	st->tests_ok[index] = false;

	if (st->src->sub && !submission_has(st->src->sub, ex)) {
		struct text want = TEXT_INIT;
		for (size_t i = 0; i < ex->n_edits; i++)
			text_printf(&want, "%s%s", i ? ", " : "", ex->edits[i]);
		er->state = EX_NOT_SUBMITTED;
		set_strf(&er->note, "not submitted: no %s found", text_str(&want));
		ungraded_parts(er, ST_FAIL, er->note, NULL);
		text_release(&want);
		goto done;
	}

	for (size_t i = 0; i < ex->n_needs; i++) {
		int need = catalogue_index(st->cat, ex->needs[i]);
		const struct exercise *nx = &st->cat->exercises[need];
		bool staged = !st->src->sub || submission_has(st->src->sub, nx);
		if (opts->trust_needs && staged)
			continue;
		ensure_tests(st, (size_t)need);
		if (st->src->sub && !submission_has(st->src->sub, nx)) {
			er->state = EX_BLOCKED;
			set_strf(&er->note, "blocked: %s needs %s: submit your %s files "
				 "too (%s%s)", ex->id, nx->id, nx->id, nx->edits[0],
				 nx->n_edits > 1 ? ", ..." : "");
			ungraded_parts(er, ST_FAIL, er->note, NULL);
			goto done;
		}
		if (!st->tests_ok[need]) {
			er->state = EX_BLOCKED;
			set_strf(&er->note, "blocked: %s needs %s: finish it first "
				 "(its tests score %g/%d%s%s)", ex->id, ex->needs[i],
				 score_round(st->tests_score[need]), st->tests_max[need],
				 st->tests_why[need] ? ": " : "",
				 st->tests_why[need] ? st->tests_why[need] : "");
			ungraded_parts(er, ST_FAIL, er->note, NULL);
			goto done;
		}
	}

	/* The tests parts first: everything else waits on them. */
	double tests_score = 0;
	int tests_max = 0;
	for (size_t i = 0; i < ex->n_parts && !sandbox_interrupted; i++) {
		const struct part *part = &ex->parts[i];
		if (part->kind != PART_TESTS)
			continue;
		if (!tests_only && opts->only_parts &&
		    !strv_has(opts->only_parts, part->name)) {
			set_str(&er->parts[i].message, "not graded in this check");
			continue;
		}
		struct flavour *f = flavour_for(flavours, &n_flavours,
						part_flavour(part));
		if (!build(st, ex, f)) {
			char *line = first_line(f->errors);
			er->state = EX_BUILD_FAILED;
			set_strf(&er->note, "build failed%s%s", *f->san ? " with -fsanitize=" : "",
				 f->san);
			char *msg = xasprintf("%s: %s", er->note, line);
			ungraded_parts(er, ST_ERROR, msg, f->errors);
			free(msg);
			free(line);
			goto done;
		}
		run_part(st, ex, part, f, &er->parts[i]);
		tests_score += er->parts[i].score;
		tests_max += er->parts[i].max;
		if (er->parts[i].score < er->parts[i].max && !st->tests_why[index])
			st->tests_why[index] = text_line(er->parts[i].message ?
							 er->parts[i].message : "", 160);
	}
	bool tests_full = tests_score >= tests_max - 1e-9 && !sandbox_interrupted;
	st->tests_ok[index] = tests_full;
	st->tests_score[index] = tests_score;
	st->tests_max[index] = tests_max;
	if (tests_only)
		goto done;

	for (size_t i = 0; i < ex->n_parts && !sandbox_interrupted; i++) {
		const struct part *part = &ex->parts[i];
		struct part_result *pr = &er->parts[i];
		if (part->kind == PART_TESTS)
			continue;
		if (!tests_full) {
			set_strf(&pr->message, "not graded until the tests pass in "
				 "full (now %g/%d)", score_round(tests_score), tests_max);
			continue;
		}
		if (opts->only_parts && !strv_has(opts->only_parts, part->name)) {
			set_str(&pr->message, "not graded in this check");
			continue;
		}
		struct flavour *f = flavour_for(flavours, &n_flavours,
						part_flavour(part));
		if (!build(st, ex, f)) {
			char *line = first_line(f->errors);
			pr->status = ST_ERROR;
			set_strf(&pr->message, "build failed: %s", line);
			set_str(&pr->details, f->errors);
			free(line);
			continue;
		}
		run_part(st, ex, part, f, pr);
	}
	if (sandbox_interrupted)
		ungraded_parts(er, ST_ERROR, "interrupted", NULL);
done:
	for (size_t i = 0; i < n_flavours; i++) {
		free(flavours[i].errors);
		free(flavours[i].bin_dir);
	}
	free(flavours);
	er->seconds = now_monotonic() - start;
	exercise_result_total(er);
}

int grade_run(const struct catalogue *cat, const struct grade_source *src,
	      const struct grade_opts *opts, struct run_result *out)
{
	static unsigned serial;
	struct run_state st = {cat, src, opts, NULL, NULL, NULL, NULL, NULL, NULL};
	double start = now_monotonic();

	memset(out, 0, sizeof *out);
	out->name = xstrdup(src->name);
	out->source = xstrdup(src->label);
	out->graded_at = now_wall();
	st.work = xasprintf("%s/%s-%ld-%u", opts->work_root, src->name,
			    (long)getpid(), serial++);
	rm_rf(st.work);
	mkdir_p(st.work, 0755);
	st.tests_known = xcalloc(cat->n_exercises, sizeof *st.tests_known);
	st.tests_ok = xcalloc(cat->n_exercises, sizeof *st.tests_ok);
	st.tests_score = xcalloc(cat->n_exercises, sizeof *st.tests_score);
	st.tests_max = xcalloc(cat->n_exercises, sizeof *st.tests_max);
	st.tests_why = xcalloc(cat->n_exercises, sizeof *st.tests_why);

	if (src->sub && src->sub->problems.n) {
		struct text notes = TEXT_INIT;
		for (size_t i = 0; i < src->sub->problems.n; i++)
			text_printf(&notes, "%s%s", i ? "\n" : "",
				    src->sub->problems.v[i]);
		out->notes = text_detach(&notes);
	}

	size_t n = 0;
	out->exercises = xcalloc(cat->n_exercises, sizeof *out->exercises);
	for (size_t i = 0; i < cat->n_exercises; i++) {
		if (opts->only_ex && strcmp(opts->only_ex, cat->exercises[i].id) != 0)
			continue;
		grade_exercise(&st, i, false, &out->exercises[n++]);
	}
	out->n_exercises = n;
	run_result_total(out);
	out->seconds = now_monotonic() - start;

	if (!opts->keep_work)
		rm_rf(st.work);
	free(st.work);
	free(st.tests_known);
	free(st.tests_ok);
	free(st.tests_score);
	free(st.tests_max);
	for (size_t i = 0; i < cat->n_exercises; i++)
		free(st.tests_why[i]);
	free(st.tests_why);
	progress_clear();
	return sandbox_interrupted ? -1 : 0;
}

/* ---- Sources ----------------------------------------------------------------- */

int grade_course(const struct catalogue *cat, const char *impl,
		 const char *buildroot, const struct grade_opts *opts,
		 struct run_result *out)
{
	bool solutions = strcmp(impl, "solutions") == 0;
	char *src_root = xasprintf("%s/%s", opts->root, solutions ? "solutions"
								 : "phases");
	struct grade_source src = {
		.name = impl,
		.label = solutions ? "the reference solutions (solutions/)"
				   : "your files (phases/)",
		.impl = impl,
		.overlay = solutions ? src_root : NULL,
		.src_root = src_root,
		.buildroot = buildroot,
		.untrusted = false,
		.sub = NULL,
	};
	struct grade_opts o = *opts;
	struct sandbox sb;
	struct text notes = TEXT_INIT;

	if (o.sb == NULL) {
		sandbox_open(&sb, &notes);
		o.sb = &sb;
	}
	int rc = grade_run(cat, &src, &o, out);
	if (notes.len && out->notes == NULL)
		out->notes = text_detach(&notes);
	if (opts->sb == NULL)
		sandbox_close(&sb);
	text_release(&notes);
	free(src_root);
	return rc;
}

int grade_submission(const struct catalogue *cat, const struct submission *sub,
		     const struct grade_opts *opts, struct run_result *out)
{
	static unsigned serial;
	char *dir = xasprintf("%s/sub-%ld-%u", opts->work_root, (long)getpid(),
			      serial++);
	char *overlay = path_join(dir, "overlay");
	char *buildroot = path_join(dir, "build");
	char *label = xasprintf("submission %s (%s)", sub->name, sub->shape);
	struct grade_opts o = *opts;
	struct sandbox sb;
	struct text why = TEXT_INIT, notes = TEXT_INIT;
	int rc = 0;

	if (o.sb == NULL) {
		sandbox_open(&sb, &notes);
		o.sb = &sb;
	}
	rm_rf(dir);
	mkdir_p(overlay, 0755);
	mkdir_p(buildroot, 0755);
	if (submission_stage(sub, overlay, &why) < 0 ||
	    sandbox_give(o.sb, buildroot) < 0) {
		memset(out, 0, sizeof *out);
		out->name = xstrdup(sub->name);
		out->source = xstrdup(label);
		out->error = text_detach(&why);
		if (out->error[0] == '\0')
			set_str(&out->error, "cannot prepare the build folder");
		rc = -1;
	} else {
		struct grade_source src = {
			.name = sub->name,
			.label = label,
			.impl = "submission",
			.overlay = overlay,
			.src_root = overlay,
			.buildroot = buildroot,
			.untrusted = true,
			.sub = sub,
		};
		rc = grade_run(cat, &src, &o, out);
		if (sub->n_files == 0 && out->error == NULL)
			set_str(&out->error, sub->problems.n ? sub->problems.v[0]
							     : "no learner files found");
		if (notes.len) {
			char *both = xasprintf("%s%s%s", out->notes ? out->notes : "",
					       out->notes ? "\n" : "", text_str(&notes));
			free(out->notes);
			out->notes = both;
		}
	}
	if (!opts->keep_work)
		rm_rf(dir);
	if (opts->sb == NULL)
		sandbox_close(&sb);
	text_release(&why);
	text_release(&notes);
	free(label);
	free(buildroot);
	free(overlay);
	free(dir);
	return rc;
}
