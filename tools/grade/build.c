/*
 * build.c - run `make build` for one exercise and keep what a learner
 * needs to see when it fails (see build.h).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

/* Seconds a build may take: a clean build of an exercise with the harness
 * takes 3-10 s on this 2-core VM, sanitizer flavours about twice that. */
#define BUILD_TIMEOUT 300.0

char *build_bin_dir(const char *buildroot, const char *impl, const char *san,
		    const struct exercise *ex)
{
	char *flavour = xstrdup(san ? san : "");

	for (char *c = flavour; *c; c++)
		if (*c == ',')
			*c = '-';
	char *dir = xasprintf("%s/%s%s%s/%s", buildroot, impl, *flavour ? "-" : "",
			      flavour, ex->phase_path);
	free(flavour);
	return dir;
}

static bool error_line(const char *s)
{
	return strstr(s, "error:") || strstr(s, "undefined reference") ||
	       strstr(s, "No rule to make target") ||
	       strstr(s, "multiple definition");
}

/* gcc's source excerpt lines: "   12 |   code" and "      |   ^~~" */
static bool excerpt_line(const char *s)
{
	size_t i = strspn(s, " 0123456789");
	return i > 0 && s[i] == '|';
}

static void add_stripped(struct text *t, const char *line, const char *strip)
{
	size_t sl = strip ? strlen(strip) : 0;

	while (*line) {
		if (sl && strncmp(line, strip, sl) == 0) {
			line += sl;
			continue;
		}
		text_putc(t, *line++);
	}
	text_putc(t, '\n');
}

char *build_first_errors(const char *stderr_text, const char *strip,
			 int max_lines)
{
	char *copy = xstrdup(stderr_text), *save = NULL;
	struct text t = TEXT_INIT;
	int lines = 0, total = 0;
	bool in_error = false;
	const char *tail[10] = {0};

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		tail[total++ % 10] = line;
		if (lines >= max_lines)
			continue;
		if (error_line(line)) {
			in_error = true;
			add_stripped(&t, line, strip);
			lines++;
		} else if (in_error && excerpt_line(line)) {
			add_stripped(&t, line, strip);
			lines++;
		} else {
			in_error = false;
		}
	}
	if (t.len == 0) {
		/* No compiler error: show how make's output ended. */
		for (int i = total > 10 ? total - 10 : 0; i < total; i++)
			add_stripped(&t, tail[i % 10], strip);
	}
	free(copy);
	if (t.len && t.buf[t.len - 1] == '\n')
		t.buf[--t.len] = '\0';
	return text_detach(&t);
}

/* The environment make runs with. The grader may itself run under make
 * (`make grade`): MAKEFLAGS would hand the inner make a jobserver it
 * cannot reach and the outer make's variables, so it is dropped. */
static void build_env(const struct build_request *rq, struct strv *env)
{
	if (rq->sb->drop) {
		strv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
		strv_pushf(env, "HOME=%s", rq->work_dir);
		strv_push(env, "LC_ALL=C");
	} else {
		for (char **e = environ; *e; e++)
			if (!str_starts(*e, "MAKEFLAGS=") && !str_starts(*e, "MFLAGS=") &&
			    !str_starts(*e, "MAKELEVEL=") &&
			    !str_starts(*e, "MAKEOVERRIDES=") &&
			    !str_starts(*e, "GNUMAKEFLAGS=") &&
			    !str_starts(*e, "TMPDIR="))
				strv_push(env, *e);
		strv_setenv(env, "LC_ALL", "C");
	}
	strv_setenv(env, "TMPDIR", rq->work_dir);
}

int build_exercise(const struct build_request *rq, const struct exercise *ex,
		   struct build_result *out)
{
	struct strv argv = STRV_INIT, env = STRV_INIT;
	struct sandbox_limits lim;
	struct sandbox_result res;
	int rc;

	memset(out, 0, sizeof *out);
	strv_push(&argv, "make");
	strv_push(&argv, "-s");
	strv_push(&argv, "--no-print-directory");
	strv_pushf(&argv, "-j%d", rq->jobs > 0 ? rq->jobs : 1);
	strv_push(&argv, "build");
	strv_pushf(&argv, "EX=%s", ex->id);
	strv_pushf(&argv, "IMPL=%s", rq->impl);
	strv_pushf(&argv, "OVERLAY=%s", rq->overlay ? rq->overlay : "");
	strv_pushf(&argv, "SAN=%s", rq->san ? rq->san : "");
	strv_pushf(&argv, "BUILDROOT=%s", rq->buildroot);
	strv_push(&argv, "WERROR=");
	if (rq->cc && *rq->cc)
		strv_pushf(&argv, "CC=%s", rq->cc);
	build_env(rq, &env);

	sandbox_limits_default(&lim, BUILD_TIMEOUT);
	lim.address_space = 0; /* cc1 and ld are trusted; their memory is not */
	lim.keep = (size_t)256 << 10;
	rc = sandbox_run(rq->sb, argv.v, env.v, rq->root, &lim, &res);
	out->seconds = res.wall;
	if (rc == 0 && sandbox_ok(&res)) {
		out->ok = true;
	} else if (res.outcome == SB_EXITED || res.outcome == SB_SIGNALED) {
		/* "<overlay>/04-performance/4.5-strbuf/strbuf.c:3:1: error"
		 * reads better as "strbuf.c:3:1: error". */
		char *strip = rq->overlay ?
			xasprintf("%s/%s/", rq->overlay, ex->phase_path) : NULL;
		out->errors = build_first_errors(text_str(&res.err), strip, 15);
		free(strip);
		if (*out->errors == '\0') {
			free(out->errors);
			out->errors = xasprintf("make %s",
						sandbox_describe(&res, &lim));
		}
	} else {
		out->errors = xasprintf("the build %s", sandbox_describe(&res, &lim));
	}
	sandbox_result_release(&res);
	strv_release(&argv);
	strv_release(&env);
	return rc;
}

void build_result_release(struct build_result *br)
{
	free(br->errors);
	br->errors = NULL;
}
