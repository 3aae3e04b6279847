/*
 * results.h - what grading found: a run (one source of learner files),
 * its exercises, their parts. Every report format is drawn from these,
 * and they travel between processes (parallel grading workers, the saved
 * last grade) as the JSON report itself.
 *
 * A part that could not be graded (the build failed, an earlier exercise
 * it needs fails, the tests do not all pass yet) is still a part result:
 * score 0, graded = false, and a message saying why. So every report
 * always lists every part, and the total's maximum never shrinks.
 *
 * OWNERSHIP: every string is owned (malloc'd) by the struct that holds it;
 * metrics is a jansson reference owned likewise. *_release frees them.
 */
#ifndef GRADE_RESULTS_H
#define GRADE_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum part_status { ST_PASS, ST_FAIL, ST_ERROR, ST_TIMEOUT, ST_CRASH };

struct part_result {
	char *name;
	char *kind;          /* "tests", "memcheck", "bench", "script" */
	double score;
	int max;
	enum part_status status;
	bool graded;         /* false: gated, blocked, build failed, absent */
	char *message;       /* one line: the reason */
	char *expected;      /* what passing takes (may be several lines) */
	char *measured;      /* what was seen */
	char *details;       /* longer text: failing tests, a stack, errors */
	int hint;            /* the hint level that helps */
	double seconds;
	json_t *metrics;     /* an object, never NULL once set up */
};

enum exercise_state {
	EX_GRADED,
	EX_BUILD_FAILED,
	EX_BLOCKED,          /* a needed exercise fails its tests */
	EX_NOT_SUBMITTED,    /* a submission without this exercise's files */
	EX_ERROR,            /* the grader could not grade it */
};

struct exercise_result {
	char *id;
	char *title;
	enum exercise_state state;
	char *note;          /* why, when not EX_GRADED */
	double score;
	int max;
	bool complete;       /* every part at full marks */
	double seconds;
	struct part_result *parts;
	size_t n_parts;
};

struct run_result {
	char *name;          /* "phases", "solutions", or the submission name */
	char *source;        /* "your files (phases/)", "submission subs/ann" */
	char *error;         /* a problem with the whole run, or NULL */
	char *notes;         /* warnings worth showing (sandbox mode), or NULL */
	double score;
	int max;
	double seconds;
	double graded_at;    /* seconds since the epoch */
	struct exercise_result *exercises;
	size_t n_exercises;
};

const char *part_status_name(enum part_status st);
int part_status_parse(const char *s, enum part_status *st);
const char *exercise_state_name(enum exercise_state st);

/* Set a string field, replacing (and freeing) what was there. */
void set_str(char **field, const char *value);
void set_strf(char **field, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Add up parts into the exercise and exercises into the run. */
void exercise_result_total(struct exercise_result *er);
void run_result_total(struct run_result *rr);
/* Every graded exercise complete, and no whole-run error. */
bool run_result_complete(const struct run_result *rr);

void part_result_release(struct part_result *pr);
void exercise_result_release(struct exercise_result *er);
void run_result_release(struct run_result *rr);

/* The canonical JSON form (the json report); a new reference. */
json_t *run_result_to_json(const struct run_result *rr);
/* Read it back; -1 when j is not such a document. */
int run_result_from_json(struct run_result *rr, const json_t *j);

/* The command that shows the hint a part points to:
 * "make hint EX=4.5 LEVEL=3" (malloc'd). */
char *hint_command(const char *ex_id, int level);

/* Round a score for display and JSON: two decimals. */
double score_round(double score);

#endif /* GRADE_RESULTS_H */
