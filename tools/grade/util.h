/*
 * util.h - the small things every grader file needs: a growable text
 * buffer, string vectors, paths and files, clocks, and making untrusted
 * text safe to print.
 *
 * The grader cannot use the course's strbuf: that is exercise 4.5, the very
 * code it grades. `struct text` is the same idea, kept minimal.
 *
 * ERRORS
 *
 * Running out of memory in the grader is not something it can grade its
 * way around: the x* functions print "grade: out of memory" and exit 3.
 * Everything else (files, directories) returns -1 with errno set, or NULL,
 * and callers turn that into a message.
 */
#ifndef GRADE_UTIL_H
#define GRADE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- Memory ------------------------------------------------------------ */

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Text: a growable, always NUL-terminated string --------------------- */

/*
 * INVARIANTS: buf is NULL only while alloc == 0 (use text_str() to read
 * it as ""), buf[len] == '\0' otherwise. Growth doubles: amortised O(1)
 * per byte appended.
 */
struct text {
	char *buf;
	size_t len;
	size_t alloc;
};

#define TEXT_INIT { NULL, 0, 0 }

void text_add(struct text *t, const char *data, size_t len);
void text_puts(struct text *t, const char *s);
void text_putc(struct text *t, char c);
void text_printf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void text_vprintf(struct text *t, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The contents as a C string; "" when nothing was ever added. */
const char *text_str(const struct text *t);
/* Hand over the buffer (never NULL; free() it) and leave t empty. */
char *text_detach(struct text *t);
void text_reset(struct text *t);
void text_release(struct text *t);

/* ---- String vectors (argv, envp, lists of names) ----------------------- */

/* v is always NULL-terminated (once anything was pushed), so it can be
 * handed to execve as is. The vector owns its strings. */
struct strv {
	char **v;
	size_t n;
	size_t alloc;
};

#define STRV_INIT { NULL, 0, 0 }

void strv_push(struct strv *sv, const char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strv_push_owned(struct strv *sv, char *s);
/* Set NAME=value in an environment vector, replacing an earlier NAME. */
void strv_setenv(struct strv *sv, const char *name, const char *value);
bool strv_has(const struct strv *sv, const char *s);
void strv_release(struct strv *sv);

/* ---- Paths and files --------------------------------------------------- */

char *path_join(const char *a, const char *b);
/* An absolute, normalised version of path (the file need not exist, but
 * its parent's parent must, as realpath() is applied to the longest
 * existing prefix). Never NULL. */
char *path_absolute(const char *path);
bool is_dir(const char *path);
/* A regular file (not a symlink: submissions must not point elsewhere). */
bool is_regular_file(const char *path);
/* Modification time, 0 when the file does not exist. */
double file_mtime(const char *path);
int mkdir_p(const char *path, mode_t mode);
/* Remove a tree without following symlinks. Missing is fine. */
int rm_rf(const char *path);
/* Change the owner of a tree (the sandbox user must write there). */
int chown_r(const char *path, uid_t uid, gid_t gid);
/* Read a whole file, at most max bytes (-1 with EFBIG beyond). The result
 * is NUL-terminated; *len (if not NULL) gets its length. */
char *read_file(const char *path, size_t max, size_t *len);
/* Write a file atomically: a temporary next to it, then rename(). */
int write_file(const char *path, const char *data, size_t len);
int copy_file(const char *from, const char *to, size_t max);

/* ---- Clocks ------------------------------------------------------------ */

/* Seconds on CLOCK_MONOTONIC, for durations. */
double now_monotonic(void);
/* Seconds since the epoch, for "graded at". */
double now_wall(void);

/* ---- Untrusted text ---------------------------------------------------- */

/*
 * Learner programs print anything: invalid UTF-8, terminal escapes, NUL
 * bytes. Every string that reaches a report goes through one of these.
 *
 * utf8_clean: valid UTF-8, each invalid byte replaced by U+FFFD, NUL bytes
 * dropped, every other character kept (JSON escapes control characters).
 * text_line: one line for a terminal: valid UTF-8, runs of whitespace and
 * control characters become one space, at most max_chars characters (an
 * ellipsis marks a cut).
 */
char *utf8_clean(const char *s, size_t len);
char *text_line(const char *s, size_t max_chars);
/* Terminal-safe multi-line text: newlines kept, other controls dropped. */
char *text_block(const char *s);
/* Decode one UTF-8 character at s (n bytes available): its code point, or
 * -1 when invalid; *used gets the byte count (1 for an invalid byte). */
long utf8_decode(const unsigned char *s, size_t n, size_t *used);

/* ---- Small helpers ------------------------------------------------------ */

bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Levenshtein distance, for "did you mean". */
size_t edit_distance(const char *a, const char *b);
int ncpus(void);

#endif /* GRADE_UTIL_H */
