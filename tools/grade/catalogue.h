/*
 * catalogue.h - exercises/catalogue.json, read and checked strictly.
 *
 * The catalogue says what every exercise is worth and how each part is
 * graded (the schema is exercises/README.md). A typo there must never
 * grade silently wrong, so loading rejects anything the schema does not
 * define and names the place:
 *
 *     exercises/catalogue.json: exercises[0].parts[2].bars[1]: unknown
 *     field "metrc" (did you mean "metric"?)
 *
 * USAGE
 *
 *     struct catalogue cat;
 *     struct text errors = TEXT_INIT;
 *     if (catalogue_load(&cat, "exercises/catalogue.json", &errors) < 0) {
 *             fputs(text_str(&errors), stderr);   // one line per problem
 *             exit(2);
 *     }
 *     const struct exercise *ex = catalogue_find(&cat, "4.5");
 *     ...
 *     catalogue_free(&cat);
 *
 * INVARIANTS (after a successful load)
 *
 *  - Every string is non-empty; ids are unique; every `needs` id names an
 *    exercise earlier in the list; part names are unique in an exercise.
 *  - Every part's `hint` is in 1..n_hints, and n_hints is in 1..3.
 *  - A bench or script part's points are the sum of its bars' points; a
 *    bar has exactly one of `value` and `ratio`, and a ratio has a baseline.
 *  - Strings point into the parsed JSON document, which the catalogue owns:
 *    they live until catalogue_free().
 *
 * What loading does not check is the file system (folders, edited files):
 * a handout has no solutions/, so that is `grade selftest`'s job.
 */
#ifndef GRADE_CATALOGUE_H
#define GRADE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum part_kind { PART_TESTS, PART_MEMCHECK, PART_BENCH, PART_SCRIPT };
enum bar_op { BAR_LE, BAR_GE };
enum bench_tool { TOOL_NATIVE, TOOL_CALLGRIND };

struct bar {
	const char *bench;           /* bench parts: full benchmark name */
	const char *metric;          /* "allocs/op", or a script's metric */
	enum bar_op op;
	bool has_value;              /* threshold is `value`... */
	double value;
	double ratio;                /* ...or ratio x baseline's figure */
	const char *baseline;        /* bench parts: the baseline benchmark */
	const char *baseline_metric; /* metric of the baseline (default: metric) */
	int points;
	const char *about;
	bool noisy;                  /* a time: shown as a ratio, wide margin */
};

struct part {
	const char *name;
	enum part_kind kind;
	int points;
	int hint;          /* hint level a failure points to, 1-based */
	const char *about;
	double timeout;    /* seconds: per test for tests, else for the run */
	struct strv env;   /* extra environment, "NAME=value" */

	/* tests, memcheck */
	const char *binary; /* default "test" */
	const char *filter; /* tests: Criterion --filter glob, or NULL */
	const char *san;    /* tests: build flavour, e.g. "address,undefined" */
	struct strv args;   /* memcheck: arguments for the binary */

	/* bench */
	enum bench_tool tool;
	const char *bench;
	const char *benchtime;
	int count;
	const char *cpu;

	/* script */
	const char *run;

	/* bench, script */
	struct bar *bars;
	size_t n_bars;
};

struct exercise {
	const char *id;
	const char *title;
	const char *folder; /* "phases/04-performance/4.5-strbuf" */
	const char *phase_path; /* folder without "phases/": "04-performance/4.5-strbuf" */
	const char *dirname;    /* last component: "4.5-strbuf" */
	const char **edits;
	size_t n_edits;
	const char **needs;
	size_t n_needs;
	struct part *parts;
	size_t n_parts;
	const char **hints;
	size_t n_hints;
	int points; /* sum of the parts' points */
};

struct catalogue {
	const char *path;  /* a copy, owned */
	const char *course;
	struct exercise *exercises;
	size_t n_exercises;
	void *json_; /* the document the strings point into */
};

/*
 * Load and check a catalogue. Returns 0, or -1 with every problem found
 * appended to errors, one line each, "FILE: PATH: what is wrong" (the
 * catalogue is then empty but safe to free).
 */
int catalogue_load(struct catalogue *cat, const char *path, struct text *errors);

/* The same, from a JSON text (for the unit tests); name labels errors. */
int catalogue_parse(struct catalogue *cat, const char *json, const char *name,
		    struct text *errors);

void catalogue_free(struct catalogue *cat);

/* The exercise with this id, or NULL. */
const struct exercise *catalogue_find(const struct catalogue *cat,
				      const char *id);
/* The index of an exercise in the catalogue, or -1. */
int catalogue_index(const struct catalogue *cat, const char *id);
/* The part with this name, or NULL. */
const struct part *exercise_part(const struct exercise *ex, const char *name);
/* Whether ex edits a file with this path (relative to its folder). */
bool exercise_edits(const struct exercise *ex, const char *file);

const char *part_kind_name(enum part_kind kind);

/* Build flavour of a part: its `san`, or "" for the plain build. */
const char *part_flavour(const struct part *p);

#endif /* GRADE_CATALOGUE_H */
