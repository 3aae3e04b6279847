/*
 * before.h - the five functions of handler.h as they were before exercise
 * 4.4: correct, and each one calls malloc on every request. The benchmarks
 * measure against them and the tests compare results with them.
 */
#ifndef BEFORE_H
#define BEFORE_H

#include <stdint.h>

#include "handler.h"

/* The log line in a fresh heap string (asprintf), or NULL when out of
 * memory. The caller frees it: one malloc per request, plus a free. */
char *before_log_format(const struct access *a);

/* The range in a fresh heap struct, or NULL when the header is malformed
 * (status 0) or memory ran out: NULL is why it was a pointer at all. The
 * caller frees it. */
struct range *before_range_parse(const char *value, uint64_t size);

/* "tenant:metric:host" in a heap block of exactly the right size; the
 * caller frees it. NULL when out of memory. */
char *before_cache_key(const char *tenant, const char *metric,
		       const char *host);

/* The canonical query in a heap string, or NULL with errno = EINVAL
 * (malformed) or ENOMEM. Along the way: an array of parameters grown by
 * realloc, two mallocs per parameter for the decoded name and value, and
 * the output string. The caller frees the result. */
char *before_query_canonical(const char *query);

/* The route as a heap copy (strndup), or NULL when out of memory; the
 * caller frees it. */
char *before_route_of(const char *target);

#endif /* BEFORE_H */
