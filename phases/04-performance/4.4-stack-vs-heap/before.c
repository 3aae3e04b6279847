/*
 * before.c - handler.h's five functions as they were before exercise 4.4
 * (given; do not edit). Each is correct and each calls malloc on every
 * request: this is what the benchmarks measure your versions against.
 */
#include "before.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- The access log line ------------------------------------------------ */

char *before_log_format(const struct access *a)
{
	char *line;

	/* asprintf measures, mallocs exactly enough, and formats: easy, and
	 * one malloc + one free per logged request. */
	if (asprintf(&line, "%" PRIu32 ".%" PRIu32 ".%" PRIu32 ".%" PRIu32
		     " \"%s %s\" %d %" PRIu64 " %" PRIu32 ".%03" PRIu32 "ms",
		     a->addr >> 24, (a->addr >> 16) & 255, (a->addr >> 8) & 255,
		     a->addr & 255, a->method, a->target, a->status, a->bytes,
		     a->micros / 1000, a->micros % 1000) < 0)
		return NULL;
	return line;
}

/* ---- The Range header ----------------------------------------------------- */

/* One or more decimal digits that fit in 64 bits; advances *s past them. */
static bool parse_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*out = v;
	return true;
}

struct range *before_range_parse(const char *value, uint64_t size)
{
	const char *p = value;
	uint64_t first = 0, last = 0, n;
	struct range *r;

	if (strncasecmp(p, "bytes=", 6) != 0)
		return NULL;
	p += 6;
	r = malloc(sizeof *r);
	if (r == NULL)
		return NULL;
	r->first = r->last = 0;
	if (*p == '-') { /* bytes=-N: the last N bytes */
		p++;
		if (!parse_u64(&p, &n) || *p != '\0')
			goto malformed;
		if (n == 0 || size == 0) {
			r->status = 416;
			return r;
		}
		first = n >= size ? 0 : size - n;
		last = size - 1;
	} else {
		if (!parse_u64(&p, &first) || *p++ != '-')
			goto malformed;
		if (*p == '\0') { /* bytes=FIRST- */
			last = UINT64_MAX;
		} else if (!parse_u64(&p, &last) || *p != '\0' || first > last) {
			goto malformed;
		}
		if (first >= size) {
			r->status = 416;
			return r;
		}
		if (last > size - 1)
			last = size - 1;
	}
	r->first = first;
	r->last = last;
	r->status = 206;
	return r;

malformed:
	free(r);
	return NULL;
}

/* ---- The cache key ---------------------------------------------------------- */

char *before_cache_key(const char *tenant, const char *metric,
		       const char *host)
{
	size_t lt = strlen(tenant), lm = strlen(metric), lh = strlen(host);
	char *key = malloc(lt + lm + lh + 3);

	if (key == NULL)
		return NULL;
	memcpy(key, tenant, lt);
	key[lt] = ':';
	memcpy(key + lt + 1, metric, lm);
	key[lt + 1 + lm] = ':';
	memcpy(key + lt + lm + 2, host, lh);
	key[lt + lm + lh + 2] = '\0';
	return key;
}

/* ---- The canonical query ------------------------------------------------------ */

struct param {
	char *name, *value;    /* decoded, each its own malloc */
	size_t name_len, value_len;
	size_t order;          /* position in the query: keeps the sort stable */
};

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A heap copy of s[0..n) with '+' and %XX decoded, or NULL with errno. */
static char *decode(const char *s, size_t n, size_t *len)
{
	char *d = malloc(n + 1);
	size_t j = 0;

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			d[j++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (lo < 0) {
				free(d);
				errno = EINVAL;
				return NULL;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*len = j;
	return d;
}

static int compare_params(const void *x, const void *y)
{
	const struct param *a = x, *b = y;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);

	if (c != 0)
		return c;
	if (a->name_len != b->name_len)
		return a->name_len < b->name_len ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static size_t encoded_len(const char *s, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += unreserved((unsigned char)s[i]) ? 1 : 3;
	return len;
}

static char *encode(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c)) {
			*out++ = (char)c;
		} else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	return out;
}

static void free_params(struct param *params, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(params[i].name);
		free(params[i].value);
	}
	free(params);
}

char *before_query_canonical(const char *query)
{
	struct param *params = NULL;
	size_t n = 0, total = 0;
	const char *p = query;
	char *result, *w;

	while (*p != '\0') {
		size_t seg = strcspn(p, "&");
		if (seg > 0) {
			const char *eq = memchr(p, '=', seg);
			size_t nl = eq ? (size_t)(eq - p) : seg;
			struct param *grown = realloc(params, (n + 1) * sizeof *params);
			if (grown == NULL)
				goto fail;
			params = grown;
			params[n].order = n;
			params[n].value = NULL;
			params[n].name = decode(p, nl, &params[n].name_len);
			if (params[n].name == NULL)
				goto fail;
			params[n].value = eq ? decode(eq + 1, seg - nl - 1,
						      &params[n].value_len)
					     : decode("", 0, &params[n].value_len);
			n++;
			if (params[n - 1].value == NULL)
				goto fail;
		}
		p += seg;
		if (*p == '&')
			p++;
	}
	if (n > 1) /* qsort(NULL, 0, ...) is undefined: params may be NULL */
		qsort(params, n, sizeof *params, compare_params);

	for (size_t i = 0; i < n; i++)
		total += (i > 0) + encoded_len(params[i].name, params[i].name_len) +
			 1 + encoded_len(params[i].value, params[i].value_len);
	result = malloc(total + 1);
	if (result == NULL)
		goto fail;
	w = result;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*w++ = '&';
		w = encode(w, params[i].name, params[i].name_len);
		*w++ = '=';
		w = encode(w, params[i].value, params[i].value_len);
	}
	*w = '\0';
	free_params(params, n);
	return result;

fail:
	{
		int saved = errno;
		free_params(params, n);
		errno = saved;
	}
	return NULL;
}

/* ---- The route ---------------------------------------------------------------- */

char *before_route_of(const char *target)
{
	const char *p = target;
	size_t n;

	if (strncasecmp(p, "http://", 7) == 0)
		p += 7 + strcspn(p + 7, "/?#");
	else if (strncasecmp(p, "https://", 8) == 0)
		p += 8 + strcspn(p + 8, "/?#");
	n = strcspn(p, "?#");
	while (n > 1 && p[n - 1] == '/')
		n--;
	return n == 0 ? strdup("/") : strndup(p, n);
}
