/*
 * selftest.h - `grade selftest`: prove the grader and the catalogue right,
 * one line per check ("PASS what" or "FAIL what: why"), then
 * "N passed, N failed".
 *
 * WHAT IT CHECKS
 *
 *  - The catalogue against the tree: every folder and exercise.mk exists,
 *    every `edits` file exists in phases/ and in solutions/, and
 *    LEARNING.md's checklist lists exactly the catalogue's exercises, in
 *    order, one line each:
 *
 *        - [ ] **4.5** String builder — phases/04-performance/4.5-strbuf
 *
 *    (`[x]` for a ticked box; the title and folder as in the catalogue;
 *    an em dash between them.)
 *  - The sandbox, with small programs (`grade probe KIND`): a hang is
 *    timed out, a flood cut, a fork bomb stopped with nothing left
 *    running, a memory blow-up stopped without RLIMIT_AS, a crash named,
 *    a process that escaped with setsid() killed.
 *  - Per exercise: the solution earns full marks (and its noisy bars keep
 *    a 2x margin); the skeleton compiles and scores 0 on every part; each
 *    mutant under tools/grade/mutants/<id>/<name>/ loses points on every
 *    part in its mutant.json `loses` and keeps full marks on every part
 *    in `keeps`:
 *
 *        {"about": "release() never frees", "loses": ["memory"],
 *         "keeps": ["tests"]}
 *
 *    A mutant is a flat submission (its files next to mutant.json), and
 *    only the parts it names are graded (plus the tests, which gate them),
 *    which keeps the self-test fast. Every exercise needs one mutant at
 *    least. Gradings run in parallel (-j), each in its own build folder.
 */
#ifndef GRADE_SELFTEST_H
#define GRADE_SELFTEST_H

#include "catalogue.h"

struct selftest_opts {
	const char *root;       /* the repository, absolute */
	const char *buildroot;  /* absolute; builds go in <buildroot>/selftest */
	const char *only_ex;    /* check one exercise, or NULL */
	const char *cc;
	const char *supp;
	const char *self_exe;   /* this grader, for the sandbox probes */
	int jobs;
	bool keep_work;
};

/* Run the checks; returns the process exit status (0: all passed). */
int selftest_main(const struct catalogue *cat, const struct selftest_opts *o);

/* `grade probe KIND`: the misbehaving programs the sandbox checks use.
 * Returns an exit status (they mostly never return). */
int probe_main(const char *kind);

/* Check LEARNING.md's text against the catalogue; one problem per line
 * in why. Returns the number of problems. Exposed for the unit tests. */
int learning_check(const struct catalogue *cat, const char *text,
		   struct text *why);

#endif /* GRADE_SELFTEST_H */
