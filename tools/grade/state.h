/*
 * state.h - what the grader remembers between runs, and the two commands
 * that read it: `make list` and `make hint`.
 *
 * Two small files under <buildroot>/grade/ (so `make clean` forgets them):
 *
 *   last-<impl>.json  the latest grade of each exercise for that IMPL
 *                     (phases or solutions): score, max, complete, when,
 *                     and each part's score. Grading one exercise updates
 *                     its entry and keeps the others.
 *   hints.json        per exercise, the highest hint level shown, so the
 *                     next `make hint EX=4.5` shows the next one.
 *
 * Both are rewritten whole (write to a temporary, rename), so an
 * interrupted grader never leaves half a file; an unreadable file counts
 * as empty rather than as an error.
 */
#ifndef GRADE_STATE_H
#define GRADE_STATE_H

#include <stdbool.h>

#include "catalogue.h"
#include "results.h"
#include "util.h"

/* Merge rr's exercises into last-<impl>.json. Returns 0 or -1. */
int state_save_last(const char *buildroot, const char *impl,
		    const struct run_result *rr);

/*
 * The catalogue with where each exercise stands: "not graded yet",
 * "complete", or "N/M", plus "changed since" when one of its edited files
 * (in phases/, or solutions/ for IMPL=solutions) is newer than that grade.
 */
void state_list(const struct catalogue *cat, const char *root,
		const char *buildroot, const char *impl, bool color,
		struct text *out);

/*
 * Show a hint for exercise id: `level` (1-based), or with level 0 the one
 * after the highest shown so far. Returns 0, or -1 with a message in err
 * (unknown exercise, no such level).
 */
int state_hint(const struct catalogue *cat, const char *buildroot,
	       const char *id, int level, struct text *out, struct text *err);

/* Wrap text at width columns, each line indented by indent spaces. */
void wrap_text(struct text *out, const char *s, int indent, int width);

#endif /* GRADE_STATE_H */
