/*
 * vglog.h - read valgrind memcheck log files (one per process, from
 * --log-file=DIR/vg.%p) into one verdict: how many errors, how many bytes
 * definitely or indirectly lost, and the first problem's stack.
 *
 *     struct memcheck_summary sum = {0};
 *     for each log file:  memcheck_add_log(&sum, text);
 *     if (sum.errors == 0 && sum.definite_bytes + sum.indirect_bytes == 0) ...
 *     memcheck_summary_release(&sum);
 *
 * The grader runs memcheck with --errors-for-leak-kinds=definite,indirect,
 * so a definite or indirect leak is counted in "ERROR SUMMARY" too; the
 * byte counts come from each log's LEAK SUMMARY. A log without an ERROR
 * SUMMARY belongs to a process that never finished (killed, or exec'd
 * into something valgrind stopped tracing): `finished` < `logs` says so.
 */
#ifndef GRADE_VGLOG_H
#define GRADE_VGLOG_H

#include <stddef.h>

struct memcheck_summary {
	int logs;             /* logs read */
	int finished;         /* logs that reached their ERROR SUMMARY */
	long errors;          /* sum of the ERROR SUMMARY counts */
	long definite_bytes, definite_blocks;
	long indirect_bytes, indirect_blocks;
	char *first_error;    /* first error or leak: its line and stack */
	char *fatal;          /* "Process terminating with ... (SIGSEGV)" + stack */
	int fatal_signal;     /* its number, 0 if none */
	char *unfinished;     /* the last lines of the first log without an
	                       * ERROR SUMMARY (valgrind's own complaint) */
};

void memcheck_add_log(struct memcheck_summary *sum, const char *text);
void memcheck_summary_release(struct memcheck_summary *sum);

/* The first block of a log that reports an error or a definite/indirect
 * leak, cleaned: prefixes and addresses gone, at most max_frames frames.
 * NULL when there is none. Exposed for the unit tests. */
char *memcheck_first_block(const char *text, int max_frames);

#endif /* GRADE_VGLOG_H */
