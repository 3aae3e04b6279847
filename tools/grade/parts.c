/*
 * parts.c - grading each kind of part: tests, memcheck, bench, script
 * (see parts.h).
 */
#include "parts.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bars.h"
#include "criterion_io.h"
#include "progress.h"
#include "vglog.h"

/* Listing tests, and re-running a crash under memcheck, get this long. */
#define LIST_TIMEOUT 30.0
#define CRASH_RERUN_TIMEOUT 60.0
/* Valgrind's own memory comes on top of the program's. */
#define VALGRIND_RESIDENT ((size_t)4 << 30)
/* The harness prints one JSON document; with -count 10 and many
 * sub-benchmarks it can reach a few hundred KiB. */
#define BENCH_STDOUT_KEEP ((size_t)4 << 20)
/* At most this many failing tests are listed in a report. */
#define MAX_LISTED 10

void part_result_init(struct part_result *pr, const struct exercise *ex,
		      const struct part *part)
{
	(void)ex;
	memset(pr, 0, sizeof *pr);
	pr->name = xstrdup(part->name);
	pr->kind = xstrdup(part_kind_name(part->kind));
	pr->max = part->points;
	pr->status = ST_FAIL;
	pr->hint = part->hint;
	pr->metrics = json_object();
}

void part_base_env(const struct part *part, const char *work_dir,
		   struct strv *env)
{
	strv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
	strv_pushf(env, "HOME=%s", work_dir);
	strv_pushf(env, "TMPDIR=%s", work_dir);
	strv_push(env, "LC_ALL=C");
	for (size_t i = 0; part && i < part->env.n; i++) {
		const char *kv = part->env.v[i];
		const char *eq = strchr(kv, '=');
		char *name = xstrndup(kv, (size_t)(eq - kv));
		strv_setenv(env, name, eq + 1);
		free(name);
	}
}

/* ---- Shared helpers ------------------------------------------------------ */

/* The last `lines` lines of untrusted output, terminal-safe. */
static char *tail_lines(const char *s, int lines)
{
	size_t len = strlen(s);
	const char *p = s + len;
	int seen = 0;

	while (p > s && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	const char *end = p;
	while (p > s) {
		if (p[-1] == '\n' && ++seen == lines)
			break;
		p--;
	}
	char *raw = xstrndup(p, (size_t)(end - p));
	char *clean = text_block(raw);
	free(raw);
	return clean;
}

static void set_error(struct part_result *pr, enum part_status st,
		      const char *message)
{
	pr->status = st;
	pr->score = 0;
	pr->graded = true;
	set_str(&pr->message, message);
}

static enum part_status status_of(const struct sandbox_result *res)
{
	switch (res->outcome) {
	case SB_TIMEOUT:
		return ST_TIMEOUT;
	case SB_SIGNALED:
	case SB_FLOOD:
	case SB_PROCS:
	case SB_MEMORY:
		return ST_CRASH;
	default:
		return ST_ERROR;
	}
}

/* A sandbox run that did not exit on its own: the part ends here. */
static void fail_run(struct part_result *pr, const char *what,
		     const struct sandbox_result *res,
		     const struct sandbox_limits *lim)
{
	char *msg = xasprintf("%s %s", what, sandbox_describe(res, lim));
	set_error(pr, status_of(res), msg);
	free(msg);
	if (res->err.len) {
		char *tail = tail_lines(text_str(&res->err), 12);
		set_str(&pr->details, tail);
		free(tail);
	}
}

static char *make_dir(const struct part_context *ctx, const char *name)
{
	char *dir = path_join(ctx->work_dir, name);

	rm_rf(dir);
	mkdir_p(dir, 0755);
	sandbox_give(ctx->sb, dir);
	return dir;
}

/* ---- tests --------------------------------------------------------------- */

enum test_kind { T_PASS, T_FAIL, T_ERROR, T_CRASH, T_TIMEOUT, T_NOT_RUN };

struct test_outcome {
	char *id;          /* "suite/name" */
	enum test_kind kind;
	char *message;     /* why it did not pass, one line */
	char *details;     /* a stack, for the first crash */
	bool killed;       /* timed out, or killed by the sandbox */
};

/* "phases/04-performance/4.5-strbuf/strbuf_test.c:313: text" ->
 * "strbuf_test.c:313: text": the learner knows which folder. */
static char *short_message(const char *m)
{
	const char *colon = strstr(m, ": ");
	const char *space = strchr(m, ' ');

	if (colon && (space == NULL || space > colon) && strstr(m, ".c:") &&
	    strstr(m, ".c:") < colon) {
		const char *slash = m;
		for (const char *p = m; p < colon; p++)
			if (*p == '/')
				slash = p + 1;
		m = slash;
	}
	return text_line(m, 300);
}

/* The headline of a sanitizer report in stderr, with its first frame. */
static char *sanitizer_headline(const char *err)
{
	static const char *const marks[] = {"ERROR: AddressSanitizer",
		"ERROR: LeakSanitizer", "runtime error:",
		"WARNING: ThreadSanitizer", NULL};
	for (size_t i = 0; marks[i]; i++) {
		const char *p = strstr(err, marks[i]);
		if (p == NULL)
			continue;
		while (p > err && p[-1] != '\n')
			p--;
		const char *eol = strchr(p, '\n');
		char *line = xstrndup(p, eol ? (size_t)(eol - p) : strlen(p));
		const char *frame = strstr(p, "#0 ");
		char *res;
		if (frame && i != 2) {
			const char *in = strstr(frame, " in ");
			const char *fe = strchr(frame, '\n');
			res = in && (!fe || in < fe) ?
				xasprintf("%s, in %.*s", line,
					  (int)((fe ? fe : in + strlen(in)) - in - 4),
					  in + 4) : xstrdup(line);
		} else {
			res = xstrdup(line);
		}
		free(line);
		char *clean = text_line(res, 300);
		free(res);
		return clean;
	}
	return NULL;
}

static void run_one_test(const struct part *part, const struct part_context *ctx,
			 const char *bin, char *const envp[], size_t index,
			 struct test_outcome *out)
{
	char *json = xasprintf("%s/test-%zu.json", ctx->work_dir, index);
	char *json_arg = xasprintf("--json=%s", json);
	char *argv[] = {(char *)bin, "--filter", out->id, json_arg, "-j1", NULL};
	struct sandbox_limits lim;
	struct sandbox_result res;

	unlink(json);
	sandbox_limits_default(&lim, part->timeout);
	if (part->san)
		lim.address_space = 0; /* sanitizers map terabytes of shadow */
	sandbox_run(ctx->sb, argv, envp, ctx->work_dir, &lim, &res);

	if (res.outcome == SB_EXITED) {
		size_t len;
		char *report = read_file(json, (size_t)4 << 20, &len);
		struct test_report tr;
		char *suite, *name;
		memset(&tr, 0, sizeof tr);
		test_split(out->id, &suite, &name);
		if (report == NULL ||
		    criterion_parse_report(report, suite, name, &tr) < 0 ||
		    tr.status == TEST_MISSING) {
			char *tail = tail_lines(text_str(&res.err), 1);
			out->kind = T_ERROR;
			out->message = xasprintf("no result in Criterion's report "
						 "(exit status %d)%s%s", res.status,
						 *tail ? ": " : "", tail);
			free(tail);
		} else if (tr.status == TEST_PASSED && tr.assertions == 0) {
			/* Criterion counts a test that exit(0)s early as passed. */
			out->kind = T_FAIL;
			out->message = xstrdup("passed without checking anything: did "
					       "the code call exit() during the test?");
		} else if (tr.status == TEST_PASSED) {
			out->kind = T_PASS;
		} else if (tr.status == TEST_FAILED) {
			out->kind = T_FAIL;
			out->message = tr.messages.n ? short_message(tr.messages.v[0])
				: xasprintf("failed without an assertion message "
					    "(exit status %d)", res.status);
		} else if (tr.status == TEST_ERRORED) {
			char *san = sanitizer_headline(text_str(&res.err));
			out->kind = T_CRASH;
			out->message = san ? san : xstrdup("crashed");
		} else {
			out->kind = T_FAIL;
			out->message = xasprintf("skipped: %s", tr.messages.n ?
						 tr.messages.v[0] : "no reason given");
		}
		free(report);
		test_report_release(&tr);
		free(suite);
		free(name);
	} else {
		out->kind = res.outcome == SB_TIMEOUT ? T_TIMEOUT :
			    res.outcome == SB_NOT_STARTED ||
			    res.outcome == SB_INTERRUPTED ? T_ERROR : T_CRASH;
		out->message = xstrdup(sandbox_describe(&res, &lim));
		out->killed = res.outcome == SB_TIMEOUT || res.outcome == SB_FLOOD ||
			      res.outcome == SB_PROCS || res.outcome == SB_MEMORY;
	}
	sandbox_result_release(&res);
	unlink(json);
	free(json);
	free(json_arg);
}

/*
 * Criterion says only "The test crashed.". Running that one test again
 * under memcheck names the signal and shows where (about 2 s).
 */
static void explain_crash(const struct part_context *ctx, const char *bin,
			  char *const envp[], struct test_outcome *t)
{
	char *dir = make_dir(ctx, "crash");
	char *log = xasprintf("--log-file=%s/vg.%%p", dir);
	char *argv[] = {"valgrind", "--trace-children=yes",
		"--soname-synonyms=somalloc=nouserintercepts", "--num-callers=12",
		log, (char *)bin, "--filter", t->id, "-j1", NULL};
	struct sandbox_limits lim;
	struct sandbox_result res;
	struct memcheck_summary sum = {0};

	sandbox_limits_default(&lim, CRASH_RERUN_TIMEOUT);
	lim.address_space = 0;
	lim.resident = VALGRIND_RESIDENT;
	sandbox_run(ctx->sb, argv, envp, dir, &lim, &res);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (!str_starts(e->d_name, "vg."))
			continue;
		char *path = path_join(dir, e->d_name);
		char *text = read_file(path, (size_t)4 << 20, NULL);
		if (text)
			memcheck_add_log(&sum, text);
		free(text);
		free(path);
	}
	if (d)
		closedir(d);
	if (sum.fatal_signal) {
		/* "crashed: SIGSEGV at strbuf_detach (strbuf.c:57)" */
		const char *block = sum.first_error ? sum.first_error : sum.fatal;
		const char *at = block ? strstr(block, "at ") : NULL;
		int at_len = at ? (int)strcspn(at, "\n") : 0;
		free(t->message);
		t->message = xasprintf("crashed: %s%s%.*s",
				       signal_name(sum.fatal_signal), at ? " " : "",
				       at_len, at ? at : "");
		t->details = xstrdup(sum.first_error ? sum.first_error :
				     sum.fatal ? sum.fatal : "");
	}
	memcheck_summary_release(&sum);
	sandbox_result_release(&res);
	free(dir);
	free(log);
}

static const char *kind_word(enum test_kind k)
{
	static const char *const words[] = {"PASS", "FAIL", "ERROR", "CRASH",
					    "TIMEOUT", "NOT RUN"};
	return words[k];
}

/* "strbuf/x" -> "strbuf::x", as Criterion prints it. */
static char *display_name(const char *id)
{
	char *suite, *name;
	test_split(id, &suite, &name);
	char *s = xasprintf("%s::%s", suite, name);
	free(suite);
	free(name);
	return s;
}

static void grade_tests(const struct exercise *ex, const struct part *part,
			const struct part_context *ctx, struct part_result *pr)
{
	char *bin = path_join(ctx->bin_dir, part->binary);
	struct strv env = STRV_INIT, ids = STRV_INIT;
	struct sandbox_limits lim;
	struct sandbox_result res;

	(void)ex;
	part_base_env(part, ctx->work_dir, &env);
	if (access(bin, X_OK) != 0) {
		char *msg = xasprintf("the test program %s was not built", bin);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		goto out;
	}

	char *list_argv[] = {bin, "--list", NULL};
	sandbox_limits_default(&lim, LIST_TIMEOUT);
	if (part->san)
		lim.address_space = 0;
	sandbox_run(ctx->sb, list_argv, env.v, ctx->work_dir, &lim, &res);
	if (!sandbox_ok(&res)) {
		fail_run(pr, "listing the tests:", &res, &lim);
		sandbox_result_release(&res);
		goto out;
	}
	struct strv all = STRV_INIT;
	criterion_parse_list(text_str(&res.out), &all);
	sandbox_result_release(&res);
	for (size_t i = 0; i < all.n; i++)
		if (!part->filter || fnmatch(part->filter, all.v[i], FNM_EXTMATCH) == 0)
			strv_push(&ids, all.v[i]);
	strv_release(&all);
	if (ids.n == 0) {
		set_error(pr, ST_ERROR, part->filter ?
			  "no test matches the part's filter" :
			  "the test program lists no tests");
		goto out;
	}

	struct test_outcome *t = xcalloc(ids.n, sizeof *t);
	size_t counts[T_NOT_RUN + 1] = {0};
	int killed = 0;
	for (size_t i = 0; i < ids.n; i++) {
		t[i].id = ids.v[i];
		if (sandbox_interrupted || killed >= MAX_TIMEOUTS) {
			t[i].kind = T_NOT_RUN;
			t[i].message = xstrdup(sandbox_interrupted ? "interrupted" :
				"not run: too many tests timed out or were killed");
		} else {
			progress_note("%s %s: test %zu of %zu", ctx->label,
				      part->name, i + 1, ids.n);
			run_one_test(part, ctx, bin, env.v, i, &t[i]);
			killed += t[i].killed;
		}
		counts[t[i].kind]++;
	}

	/* The first crash gets a name and a place, when valgrind can help. */
	for (size_t i = 0; i < ids.n; i++) {
		if (t[i].kind == T_CRASH && strcmp(t[i].message, "crashed") == 0) {
			if (!part->san && !sandbox_interrupted) {
				progress_note("%s %s: finding where %s crashed",
					      ctx->label, part->name, t[i].id);
				explain_crash(ctx, bin, env.v, &t[i]);
			}
			break;
		}
	}

	size_t n = ids.n, passed = counts[T_PASS];
	pr->graded = true;
	pr->score = (double)part->points * (double)passed / (double)n;
	enum test_kind worst = T_PASS;
	if (counts[T_TIMEOUT])
		pr->status = ST_TIMEOUT, worst = T_TIMEOUT;
	else if (counts[T_CRASH])
		pr->status = ST_CRASH, worst = T_CRASH;
	else if (counts[T_ERROR])
		pr->status = ST_ERROR, worst = T_ERROR;
	else if (counts[T_FAIL] || counts[T_NOT_RUN])
		pr->status = ST_FAIL, worst = T_FAIL;
	else
		pr->status = ST_PASS;

	set_strf(&pr->expected, "all %zu tests pass, each within %g s", n,
		 part->timeout);
	struct text m = TEXT_INIT, details = TEXT_INIT;
	text_printf(&m, "%zu pass", passed);
	for (int k = T_FAIL; k <= T_NOT_RUN; k++)
		if (counts[k])
			text_printf(&m, ", %zu %s", counts[k],
				    k == T_NOT_RUN ? "not run" :
				    k == T_TIMEOUT ? "time out" :
				    k == T_CRASH ? "crash" :
				    k == T_ERROR ? "could not run" : "fail");
	set_str(&pr->measured, text_str(&m));

	if (pr->status == ST_PASS) {
		set_strf(&pr->message, "all %zu tests pass", n);
	} else {
		size_t first = 0;
		while (first < n && t[first].kind != worst)
			first++;
		if (first == n) /* only "not run" ones */
			for (first = 0; first < n && t[first].kind == T_PASS; first++)
				;
		char *who = display_name(t[first].id);
		set_strf(&pr->message, "%zu of %zu tests pass; %s: %s", passed, n,
			 who, t[first].message);
		free(who);
		size_t listed = 0;
		for (size_t i = 0; i < n; i++) {
			if (t[i].kind == T_PASS || t[i].kind == T_NOT_RUN)
				continue;
			if (listed++ == MAX_LISTED) {
				text_puts(&details, "...\n");
				break;
			}
			char *who_i = display_name(t[i].id);
			text_printf(&details, "%-7s %s: %s\n", kind_word(t[i].kind),
				    who_i, t[i].message);
			free(who_i);
		}
		if (counts[T_NOT_RUN] && sandbox_interrupted)
			text_printf(&details, "NOT RUN %zu more tests: interrupted\n",
				    counts[T_NOT_RUN]);
		else if (counts[T_NOT_RUN])
			text_printf(&details, "NOT RUN %zu more tests, after %d timed "
				    "out or were killed\n", counts[T_NOT_RUN],
				    MAX_TIMEOUTS);
		for (size_t i = 0; i < n; i++) {
			if (t[i].details && *t[i].details) {
				char *who_i = display_name(t[i].id);
				text_printf(&details, "\nwhere %s crashed:\n%s\n", who_i,
					    t[i].details);
				free(who_i);
				break;
			}
		}
		if (details.len && details.buf[details.len - 1] == '\n')
			details.buf[--details.len] = '\0';
		set_str(&pr->details, text_str(&details));
	}
	text_release(&m);
	text_release(&details);

	json_object_set_new(pr->metrics, "tests", json_integer((json_int_t)n));
	json_object_set_new(pr->metrics, "passed", json_integer((json_int_t)passed));
	json_object_set_new(pr->metrics, "failed",
			    json_integer((json_int_t)counts[T_FAIL]));
	json_object_set_new(pr->metrics, "crashed",
			    json_integer((json_int_t)counts[T_CRASH]));
	json_object_set_new(pr->metrics, "timed_out",
			    json_integer((json_int_t)counts[T_TIMEOUT]));
	json_object_set_new(pr->metrics, "errors",
			    json_integer((json_int_t)counts[T_ERROR]));
	json_object_set_new(pr->metrics, "not_run",
			    json_integer((json_int_t)counts[T_NOT_RUN]));
	for (size_t i = 0; i < n; i++) {
		free(t[i].message);
		free(t[i].details);
	}
	free(t);
out:
	strv_release(&ids);
	strv_release(&env);
	free(bin);
}

/* ---- memcheck ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every vg.* log in dir, oldest process first (pids sort by length, then
 * by text, close enough for "the first error"). */
static void read_logs(const char *dir, struct memcheck_summary *sum)
{
	struct strv names = STRV_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (str_starts(e->d_name, "vg."))
			strv_pushf(&names, "%08zu%s", strlen(e->d_name), e->d_name);
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof *names.v, cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *path = path_join(dir, names.v[i] + 8);
		char *text = read_file(path, (size_t)16 << 20, NULL);
		if (text)
			memcheck_add_log(sum, text);
		free(text);
		free(path);
	}
	strv_release(&names);
}

static char *leak_words(long bytes, long blocks, const char *how)
{
	return xasprintf("%ld byte%s %s lost in %ld block%s", bytes,
			 bytes == 1 ? "" : "s", how, blocks, blocks == 1 ? "" : "s");
}

static void grade_memcheck(const struct exercise *ex, const struct part *part,
			   const struct part_context *ctx, struct part_result *pr)
{
	char *bin = path_join(ctx->bin_dir, part->binary);
	struct strv argv = STRV_INIT, env = STRV_INIT;
	struct sandbox_limits lim;
	struct sandbox_result res;
	struct memcheck_summary sum = {0};

	(void)ex;
	if (access(bin, X_OK) != 0) {
		char *msg = xasprintf("the program %s was not built", bin);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		free(bin);
		return;
	}
	char *dir = make_dir(ctx, "memcheck");
	part_base_env(part, ctx->work_dir, &env);
	strv_push(&argv, "valgrind");
	strv_push(&argv, "--leak-check=full");
	strv_push(&argv, "--errors-for-leak-kinds=definite,indirect");
	/* Valgrind must replace glibc's malloc, not the course's counting
	 * one linked into the binary (bench/alloc_count.h). */
	strv_push(&argv, "--soname-synonyms=somalloc=nouserintercepts");
	strv_push(&argv, "--trace-children=yes");
	strv_push(&argv, "--num-callers=20");
	if (ctx->supp)
		strv_pushf(&argv, "--suppressions=%s", ctx->supp);
	strv_pushf(&argv, "--log-file=%s/vg.%%p", dir);
	strv_push(&argv, bin);
	for (size_t i = 0; i < part->args.n; i++)
		strv_push(&argv, part->args.v[i]);

	sandbox_limits_default(&lim, part->timeout);
	lim.address_space = 0;
	lim.resident = VALGRIND_RESIDENT;
	progress_note("%s %s: valgrind memcheck over the tests (the slow part)",
		      ctx->label, part->name);
	sandbox_run(ctx->sb, argv.v, env.v, dir, &lim, &res);
	if (res.outcome != SB_EXITED) {
		fail_run(pr, "valgrind", &res, &lim);
		goto out;
	}
	read_logs(dir, &sum);
	set_str(&pr->expected, "0 errors, 0 bytes definitely or indirectly lost");
	if (sum.logs == 0) {
		char *tail = tail_lines(text_str(&res.err), 3);
		char *msg = xasprintf("valgrind wrote no log: %s", tail);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		free(tail);
		goto out;
	}

	struct text m = TEXT_INIT;
	text_printf(&m, "%ld error%s", sum.errors, sum.errors == 1 ? "" : "s");
	if (sum.definite_bytes) {
		char *w = leak_words(sum.definite_bytes, sum.definite_blocks,
				     "definitely");
		text_printf(&m, ", %s", w);
		free(w);
	}
	if (sum.indirect_bytes) {
		char *w = leak_words(sum.indirect_bytes, sum.indirect_blocks,
				     "indirectly");
		text_printf(&m, ", %s", w);
		free(w);
	}
	if (!sum.definite_bytes && !sum.indirect_bytes)
		text_puts(&m, ", no leaks");
	if (sum.fatal_signal)
		text_printf(&m, ", a process died of %s",
			    signal_name(sum.fatal_signal));
	text_printf(&m, " (%d processes checked)", sum.logs);
	set_str(&pr->measured, text_str(&m));

	pr->graded = true;
	bool clean = sum.errors == 0 && sum.definite_bytes == 0 &&
		     sum.indirect_bytes == 0 && sum.fatal_signal == 0;
	if (clean && sum.finished == sum.logs) {
		pr->status = ST_PASS;
		pr->score = part->points;
		set_strf(&pr->message, "no errors, no leaks (%d processes)",
			 sum.logs);
	} else {
		const char *block = sum.first_error ? sum.first_error : sum.fatal;
		pr->status = clean ? ST_ERROR : ST_FAIL;
		pr->score = 0;
		if (clean) {
			set_strf(&pr->message, "%d of %d processes did not finish "
				 "under valgrind", sum.logs - sum.finished, sum.logs);
			block = sum.unfinished;
		} else {
			char *first = NULL;
			if (block) {
				const char *nl = strchr(block, '\n');
				char *line = xstrndup(block, nl ? (size_t)(nl - block)
							       : strlen(block));
				const char *at = nl ? strstr(nl, "at ") : NULL;
				const char *eol = at ? strchr(at, '\n') : NULL;
				first = at ? xasprintf("%s, %.*s", line,
					(int)(eol ? eol - at : (long)strlen(at)), at)
					: xstrdup(line);
				free(line);
			}
			set_strf(&pr->message, "%s%s%s", text_str(&m),
				 first ? ": " : "", first ? first : "");
			free(first);
		}
		if (block)
			set_str(&pr->details, block);
	}
	text_release(&m);
	json_object_set_new(pr->metrics, "errors", json_integer(sum.errors));
	json_object_set_new(pr->metrics, "definitely_lost_bytes",
			    json_integer(sum.definite_bytes));
	json_object_set_new(pr->metrics, "indirectly_lost_bytes",
			    json_integer(sum.indirect_bytes));
	json_object_set_new(pr->metrics, "processes", json_integer(sum.logs));
out:
	memcheck_summary_release(&sum);
	sandbox_result_release(&res);
	strv_release(&argv);
	strv_release(&env);
	free(dir);
	free(bin);
}

/* ---- bars (bench and script) ------------------------------------------- */

static void grade_bars(const struct part *part, metric_lookup lookup,
		       const void *source, struct part_result *pr)
{
	struct text expected = TEXT_INIT, measured = TEXT_INIT, missed = TEXT_INIT;
	json_t *bars = json_array();
	int met = 0, points = 0;
	char *first_missed = NULL;

	for (size_t i = 0; i < part->n_bars; i++) {
		const struct bar *bar = &part->bars[i];
		struct bar_eval ev;
		/* A script's bars have no benchmark: its metric says it all. */
		const char *who = bar->bench ? bar->bench : "";
		const char *sep = bar->bench ? ": " : "";

		bar_evaluate(bar, lookup, source, &ev);
		text_printf(&expected, "%s%s%s%s", i ? "\n" : "", who, sep,
			    ev.expected);
		text_printf(&measured, "%s%s%s%s (%s)", i ? "\n" : "", who, sep,
			    ev.measured_text, ev.met ? "met" : "MISSED");
		if (ev.met) {
			met++;
			points += bar->points;
		} else {
			text_printf(&missed, "%smissed %s%s%s (%d points): %s",
				    missed.len ? "\n" : "", who, sep, ev.expected,
				    bar->points, bar->about);
			if (first_missed == NULL)
				first_missed = xasprintf("%s%s%s, want %s", who, sep,
							 ev.measured_text, ev.expected);
		}
		json_t *b = json_pack("{s:s, s:s, s:b, s:i, s:s}", "bench", who,
				      "metric", bar->metric, "met", ev.met,
				      "points", bar->points, "about", bar->about);
		if (ev.have_measured)
			json_object_set_new(b, "measured", json_real(ev.measured));
		if (ev.have_threshold)
			json_object_set_new(b, "threshold", json_real(ev.threshold));
		if (!bar->has_value && ev.have_measured && ev.baseline != 0)
			json_object_set_new(b, "ratio",
					    json_real(ev.measured / ev.baseline));
		json_object_set_new(b, "noisy", json_boolean(bar->noisy));
		json_array_append_new(bars, b);
		bar_eval_release(&ev);
	}
	json_object_set_new(pr->metrics, "bars", bars);
	pr->graded = true;
	pr->score = points;
	pr->status = met == (int)part->n_bars ? ST_PASS : ST_FAIL;
	set_str(&pr->expected, text_str(&expected));
	set_str(&pr->measured, text_str(&measured));
	/* Details: what each missed bar is about, then the harness's notes. */
	if (pr->details && *pr->details)
		text_printf(&missed, "%s%s", missed.len ? "\n" : "", pr->details);
	set_str(&pr->details, missed.len ? text_str(&missed) : NULL);
	if (pr->status == ST_PASS && part->n_bars == 1)
		set_str(&pr->message, "the bar is met");
	else if (pr->status == ST_PASS)
		set_strf(&pr->message, "all %zu bars met", part->n_bars);
	else
		set_strf(&pr->message, "%d of %zu bars met; missed %s", met,
			 part->n_bars, first_missed);
	free(first_missed);
	text_release(&expected);
	text_release(&measured);
	text_release(&missed);
}

/* ---- bench ----------------------------------------------------------------- */

static void grade_bench(const struct exercise *ex, const struct part *part,
			const struct part_context *ctx, struct part_result *pr)
{
	char *bin = path_join(ctx->bin_dir, "bench");
	char *cg_out = path_join(ctx->work_dir, "callgrind/cg.out");
	struct strv argv = STRV_INIT, env = STRV_INIT;
	struct sandbox_limits lim;
	struct sandbox_result res;
	struct bench_output bo;
	struct text why = TEXT_INIT;

	(void)ex;
	memset(&bo, 0, sizeof bo);
	memset(&res, 0, sizeof res);
	if (access(bin, X_OK) != 0) {
		char *msg = xasprintf("the benchmark program %s was not built", bin);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		goto out;
	}
	char *cg_dir = make_dir(ctx, "callgrind");
	free(cg_dir);
	part_base_env(part, ctx->work_dir, &env);
	if (part->tool == TOOL_CALLGRIND) {
		strv_push(&argv, "valgrind");
		strv_push(&argv, "--tool=callgrind");
		strv_push(&argv, "--collect-atstart=no");
		strv_push(&argv, "--soname-synonyms=somalloc=nouserintercepts");
		strv_pushf(&argv, "--callgrind-out-file=%s", cg_out);
		/* The harness dumps callgrind's counters around each measured
		 * loop and reads them back from here (bench/bench.c). */
		strv_setenv(&env, "BENCH_CALLGRIND_OUT", cg_out);
	}
	strv_push(&argv, bin);
	strv_push(&argv, "-bench");
	strv_push(&argv, part->bench);
	strv_push(&argv, "-benchtime");
	strv_push(&argv, part->benchtime);
	strv_push(&argv, "-count");
	strv_pushf(&argv, "%d", part->count);
	strv_push(&argv, "-cpu");
	strv_push(&argv, part->cpu);
	strv_push(&argv, "-json");

	sandbox_limits_default(&lim, part->timeout);
	lim.keep = BENCH_STDOUT_KEEP;
	if (part->tool == TOOL_CALLGRIND) {
		lim.address_space = 0;
		lim.resident = VALGRIND_RESIDENT;
	}
	progress_note("%s %s: benchmarks%s", ctx->label, part->name,
		      part->tool == TOOL_CALLGRIND ? " under callgrind" : "");
	sandbox_run(ctx->sb, argv.v, env.v, ctx->work_dir, &lim, &res);
	if (res.outcome != SB_EXITED) {
		fail_run(pr, "the benchmarks", &res, &lim);
		goto out;
	}
	if (res.status == 2) {
		char *tail = tail_lines(text_str(&res.err), 3);
		char *msg = xasprintf("the harness rejected its flags (a catalogue "
				      "mistake?): %s", tail);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		free(tail);
		goto out;
	}
	if (bench_output_parse(text_str(&res.out), &bo, &why) < 0) {
		char *tail = tail_lines(text_str(&res.err), 5);
		set_error(pr, ST_ERROR, text_str(&why));
		set_str(&pr->details, tail);
		free(tail);
		goto out;
	}
	struct text notes = TEXT_INIT;
	for (size_t i = 0; i < bo.failures.n; i++)
		text_printf(&notes, "%sfailed: %s", notes.len ? "\n" : "",
			    bo.failures.v[i]);
	for (size_t i = 0; i < bo.warnings.n; i++) {
		/* The harness warns there is no hardware counter even when
		 * callgrind provides the count: not news to the learner. */
		if (part->tool == TOOL_CALLGRIND &&
		    strstr(bo.warnings.v[i], "hardware instruction counter"))
			continue;
		text_printf(&notes, "%swarning: %s", notes.len ? "\n" : "",
			    bo.warnings.v[i]);
	}
	if (notes.len) {
		char *clean = text_block(text_str(&notes));
		set_str(&pr->details, clean);
		free(clean);
	}
	text_release(&notes);
	grade_bars(part, bench_lookup, &bo, pr);
out:
	bench_output_release(&bo);
	sandbox_result_release(&res);
	text_release(&why);
	strv_release(&argv);
	strv_release(&env);
	free(cg_out);
	free(bin);
}

/* ---- script ---------------------------------------------------------------- */

/* The last non-empty line of text (malloc'd), or NULL. */
static char *last_line(const char *text)
{
	const char *end = text + strlen(text);

	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	const char *start = end;
	while (start > text && start[-1] != '\n')
		start--;
	return end > start ? xstrndup(start, (size_t)(end - start)) : NULL;
}

static void grade_script(const struct exercise *ex, const struct part *part,
			 const struct part_context *ctx, struct part_result *pr)
{
	char *run = xasprintf("%s/%s/%s", ctx->root, ex->folder, part->run);
	char *ex_dir = path_join(ctx->root, ex->folder);
	char *work = make_dir(ctx, "script");
	struct strv env = STRV_INIT;
	struct sandbox_limits lim;
	struct sandbox_result res;
	json_t *doc = NULL;

	memset(&res, 0, sizeof res);
	if (access(run, X_OK) != 0) {
		char *msg = xasprintf("the course's script %s is missing or not "
				      "executable", run);
		set_error(pr, ST_ERROR, msg);
		free(msg);
		goto out;
	}
	part_base_env(part, work, &env);
	strv_setenv(&env, "HOTPATH_ROOT", ctx->root);
	strv_setenv(&env, "HOTPATH_EX_DIR", ex_dir);
	strv_setenv(&env, "HOTPATH_SRC_DIR", ctx->src_dir);
	strv_setenv(&env, "HOTPATH_BUILD_DIR", ctx->bin_dir);
	strv_setenv(&env, "HOTPATH_WORK_DIR", work);
	char *argv[] = {run, NULL};
	sandbox_limits_default(&lim, part->timeout);
	lim.address_space = 0; /* scripts may well run valgrind */
	lim.resident = VALGRIND_RESIDENT;
	progress_note("%s %s: running %s", ctx->label, part->name, part->run);
	sandbox_run(ctx->sb, argv, env.v, work, &lim, &res);
	if (res.outcome != SB_EXITED) {
		fail_run(pr, "the script", &res, &lim);
		goto out;
	}
	if (res.status != 0) {
		char *tail = tail_lines(res.err.len ? text_str(&res.err)
						    : text_str(&res.out), 5);
		char *first = text_line(tail, 200);
		char *msg = xasprintf("the script exited with status %d: %s",
				      res.status, first);
		set_error(pr, ST_FAIL, msg);
		set_str(&pr->details, tail);
		free(msg);
		free(first);
		free(tail);
		goto out;
	}
	char *line = last_line(text_str(&res.out));
	json_error_t err;
	doc = line ? json_loads(line, 0, &err) : NULL;
	free(line);
	json_t *metrics = json_object_get(doc, "metrics");
	if (!json_is_object(metrics)) {
		set_error(pr, ST_ERROR, "the script's last line is not "
			  "{\"metrics\": {...}, \"message\": \"...\"}");
		char *tail = tail_lines(text_str(&res.out), 5);
		set_str(&pr->details, tail);
		free(tail);
		goto out;
	}
	const char *said = json_string_value(json_object_get(doc, "message"));
	json_object_update(pr->metrics, metrics);
	grade_bars(part, script_lookup, metrics, pr);
	if (said) {
		char *clean = text_line(said, 300);
		char *both = xasprintf("%s\nthe script says: %s", pr->measured, clean);
		free(pr->measured);
		pr->measured = both;
		free(clean);
	}
out:
	json_decref(doc);
	sandbox_result_release(&res);
	strv_release(&env);
	free(work);
	free(run);
	free(ex_dir);
}

/* ---- Dispatch ----------------------------------------------------------------- */

void part_grade(const struct exercise *ex, const struct part *part,
		const struct part_context *ctx, struct part_result *pr)
{
	double start = now_monotonic();

	switch (part->kind) {
	case PART_TESTS:
		grade_tests(ex, part, ctx, pr);
		break;
	case PART_MEMCHECK:
		grade_memcheck(ex, part, ctx, pr);
		break;
	case PART_BENCH:
		grade_bench(ex, part, ctx, pr);
		break;
	case PART_SCRIPT:
		grade_script(ex, part, ctx, pr);
		break;
	}
	pr->seconds = now_monotonic() - start;
	if (pr->score > pr->max)
		pr->score = pr->max;
	if (pr->score < pr->max && pr->status == ST_PASS)
		pr->status = ST_FAIL; /* cannot happen; keep reports honest */
}
