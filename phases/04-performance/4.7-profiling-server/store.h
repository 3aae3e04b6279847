/*
 * store.h - the metrics the server keeps: gauges (the last value wins) and
 * counters (each update adds), by name, safe to use from many threads, and
 * saved to a file so a restart loses nothing. Given code: read, don't edit.
 *
 * USAGE
 *
 *     struct store *st = store_new();
 *     struct metric m;
 *     char why[STORE_WHY_MAX];
 *
 *     if (metric_parse(&m, "counter", "requests", "3", why) != 0)
 *             reply 400 with why;
 *     store_update(st, &m, 1, why);     // m.counter is now the new total
 *     store_get(st, METRIC_COUNTER, "requests", &m);
 *     store_save(st, "metrics.json", why);
 *     store_free(st);
 *
 * RULES (what the server answers 400 for, with `why` as the reason)
 *
 *  - A name is 1 to METRIC_NAME_MAX bytes of letters, digits, '_', '.',
 *    ':' and '-'. That keeps names safe in a URL path, in HTML and in
 *    JSON without escaping anything.
 *  - A gauge value is a finite double ("1.5", "-2e3"; not "nan", "inf").
 *  - A counter delta is a decimal integer from 0 to INT64_MAX: counters
 *    only go up. Adding past INT64_MAX is refused, never wrapped.
 *  - Gauges and counters are separate namespaces: gauge "x" and counter
 *    "x" are two metrics.
 *
 * THREADS
 *
 * One mutex guards the whole store. A batch (store_update with n > 1) is
 * applied under one lock hold and is all or nothing: if one counter would
 * overflow, the updates before it are undone and nothing changes.
 *
 * FILES
 *
 * store_save() writes a JSON array in the format of POST /updates to a
 * temporary file next to the target, fsyncs it, renames it over the
 * target and fsyncs the directory: a crash at any moment leaves either the
 * old file or the new one, never half of one. store_load() reads it back.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define METRIC_NAME_MAX 128
#define STORE_WHY_MAX 256 /* size of every `why` buffer: the 400's reason */

enum metric_type { METRIC_GAUGE, METRIC_COUNTER };

struct metric {
	enum metric_type type;
	char name[METRIC_NAME_MAX + 1];
	union {
		double gauge;    /* the value */
		int64_t counter; /* the delta in an update, the total in a reply */
	};
};

struct store;

/* ---- Life cycle ------------------------------------------------------ */

/* An empty store, or NULL when out of memory. */
struct store *store_new(void);

/* Free the store and every metric in it. NULL is fine. */
void store_free(struct store *st);

/* ---- Parsing and printing (no store needed) -------------------------- */

/* "gauge" or "counter" into *type; -1 for anything else. */
int metric_type_parse(const char *text, enum metric_type *type);
const char *metric_type_name(enum metric_type type);

/* 0 when name follows the rules above; -1 and a reason in why otherwise. */
int metric_name_check(const char *name, char *why);

/*
 * Fill m from the three parts of a URL update (/update/{type}/{name}/
 * {value}). Returns 0, or -1 with a reason in why (STORE_WHY_MAX bytes).
 */
int metric_parse(struct metric *m, const char *type, const char *name,
		 const char *value, char *why);

/*
 * Append the value as the API prints it: counters in decimal, gauges in
 * the shortest text that reads back as the same double ("0.1", not
 * "0.10000000000000001"). Returns 0 or -1 (out of memory).
 */
int metric_value_print(const struct metric *m, struct strbuf *out);

/* Append {"id":...,"type":...,"value"|"delta":...}. Returns 0 or -1. */
int metric_json_print(const struct metric *m, struct strbuf *out);

/* ---- Reading and writing --------------------------------------------- */

/*
 * Apply n updates in order, all or nothing (see THREADS). On success each
 * m[i] is rewritten with the metric's value after its update (a counter's
 * new total) and 0 is returned. On failure nothing changed: -1, with errno
 * EOVERFLOW (a counter would pass INT64_MAX; why says which) or ENOMEM.
 */
int store_update(struct store *st, struct metric *m, size_t n, char *why);

/* Copy the metric into *out. Returns 0, or -1 when there is no such one. */
int store_get(struct store *st, enum metric_type type, const char *name,
	      struct metric *out);

/*
 * Every metric, sorted by name then type, in a malloc'd array the caller
 * frees; *count receives its length. NULL with *count == 0 is an empty
 * store; NULL with *count == SIZE_MAX is out of memory.
 */
struct metric *store_snapshot(struct store *st, size_t *count);

/* How many updates the store has seen: a saver compares it with the
 * figure at its last save to skip saving when nothing changed. */
uint64_t store_version(struct store *st);

/* ---- Files ------------------------------------------------------------ */

/* Save atomically (see FILES). Returns 0, or -1 with errno and why. */
int store_save(struct store *st, const char *path, char *why);

/*
 * Load a file written by store_save() into the store, as one batch. A
 * missing file is an empty store, not an error. Returns 0, or -1 with a
 * reason in why (unreadable, not JSON, a bad metric in it).
 */
int store_load(struct store *st, const char *path, char *why);

/*
 * Parse a JSON document of one metric ({"id","type","value"|"delta"}) or,
 * with `array` true, an array of them. With `want_value` false (POST
 * /value), an object needs only "id" and "type". *out is malloc'd (free
 * it), *count its length. Returns 0, or -1 with a reason in why.
 */
int metric_json_parse(const char *text, size_t len, bool array,
		      bool want_value, struct metric **out, size_t *count,
		      char *why);

#endif /* STORE_H */
