/*
 * progress.h - one status line on stderr while grading runs ("4.5 tests
 * 3/17"), rewritten in place, shown only when stderr is a terminal so
 * logs and CI output stay clean.
 *
 *     progress_enable(isatty(2));
 *     progress_note("%s: building", ex->id);
 *     ...
 *     progress_clear();           // before printing the report
 */
#ifndef GRADE_PROGRESS_H
#define GRADE_PROGRESS_H

#include <stdbool.h>

void progress_enable(bool on);
bool progress_enabled(void);
void progress_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_clear(void);

#endif /* GRADE_PROGRESS_H */
