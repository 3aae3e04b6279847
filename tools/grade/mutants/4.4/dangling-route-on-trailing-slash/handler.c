/*
 * handler.c - a wrong solution to exercise 4.4, for the grader's
 * self-test (mutant dangling-route-on-trailing-slash):
 * route_of returns a view into target, except for paths with trailing
 * slashes, which it trims in a local array and returns a view of.
 */
#include "handler.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- The access log line: into the caller's buffer ----------------------- */

/*
 * The same snprintf as before_log_format's asprintf, minus the malloc:
 * the caller's buffer (a char[256] in its own frame, reused for every
 * line) replaces the heap string, and snprintf's contract (cut short,
 * always terminated, return the full length) is the one handler.h
 * promises, so there is nothing to add. The caller decides what a cut
 * line means, which is where that decision belongs.
 *
 * Not a 64 KiB local array "big enough for any line" and a copy: that
 * trades the heap for 64 KiB of stack (the stack part fails it) and
 * still cannot promise "any line".
 */
int log_format(char *buf, size_t cap, const struct access *a)
{
	return snprintf(buf, cap, "%" PRIu32 ".%" PRIu32 ".%" PRIu32 ".%" PRIu32
			" \"%s %s\" %d %" PRIu64 " %" PRIu32 ".%03" PRIu32 "ms",
			a->addr >> 24, (a->addr >> 16) & 255,
			(a->addr >> 8) & 255, a->addr & 255, a->method,
			a->target, a->status, a->bytes, a->micros / 1000,
			a->micros % 1000);
}

/* ---- The Range header: a small struct by value --------------------------- */

/* One or more decimal digits that fit in 64 bits; advances *s past them. */
static bool parse_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return false;
	}
	*s = p;
	*out = v;
	return true;
}

/*
 * before_range_parse returned a malloc'd struct so that NULL could mean
 * "malformed". A status field says the same without the heap. The struct
 * is 24 bytes: too big for the two return registers (rax:rdx, 16 bytes)
 * of the x86-64 System V ABI, so the caller passes the address of a slot
 * in its own frame and we write the result there. Still no heap, no free,
 * and no NULL check at the call site.
 */
struct range range_parse(const char *value, uint64_t size)
{
	const struct range malformed = { 0, 0, 0 };
	const struct range unsatisfiable = { 0, 0, 416 };
	const char *p = value;
	uint64_t first, last, n;

	if (strncasecmp(p, "bytes=", 6) != 0)
		return malformed;
	p += 6;
	if (*p == '-') { /* bytes=-N: the last N bytes */
		p++;
		if (!parse_u64(&p, &n) || *p != '\0')
			return malformed;
		if (n == 0 || size == 0)
			return unsatisfiable;
		return (struct range){ n >= size ? 0 : size - n, size - 1, 206 };
	}
	if (!parse_u64(&p, &first) || *p++ != '-')
		return malformed;
	if (*p == '\0')
		last = UINT64_MAX; /* bytes=FIRST-: to the end */
	else if (!parse_u64(&p, &last) || *p != '\0' || first > last)
		return malformed;
	if (first >= size)
		return unsatisfiable;
	return (struct range){ first, last < size - 1 ? last : size - 1, 206 };
}

/* ---- The cache key: a small-buffer optimisation -------------------------- */

/*
 * The small-buffer optimisation: 64 bytes inside the struct hold every
 * ordinary key, so the struct (on the caller's stack) is the storage and
 * the common case costs three memcpy calls. The rare long key still works:
 * one malloc of exactly len + 1, freed by release. libstdc++'s std::string
 * and LLVM's SmallVector make the same trade.
 *
 * The test "does it fit" is len + 1 <= KEY_INLINE, the '\0' included: a
 * key of exactly KEY_INLINE characters goes to the heap. Release asks
 * where str points, not how long the key is, so the two can never
 * disagree about which keys own a block.
 */
int cache_key_build(struct cache_key *k, const char *tenant,
		    const char *metric, const char *host)
{
	size_t lt = strlen(tenant), lm = strlen(metric), lh = strlen(host);
	size_t len, need;
	char *dst = k->small;

	k->str = k->small; /* the empty key, in case we fail below */
	k->len = 0;
	k->small[0] = '\0';
	if (__builtin_add_overflow(lt, lm, &len) ||
	    __builtin_add_overflow(len, lh, &len) ||
	    __builtin_add_overflow(len, 3, &need)) { /* 2 colons + '\0' */
		errno = EOVERFLOW;
		return -1;
	}
	len = need - 1;
	if (need > KEY_INLINE) {
		dst = malloc(need);
		if (dst == NULL) {
			errno = ENOMEM;
			return -1;
		}
	}
	memcpy(dst, tenant, lt);
	dst[lt] = ':';
	memcpy(dst + lt + 1, metric, lm);
	dst[lt + 1 + lm] = ':';
	memcpy(dst + lt + lm + 2, host, lh);
	dst[len] = '\0';
	k->str = dst;
	k->len = len;
	return 0;
}

void cache_key_release(struct cache_key *k)
{
	if (k->str != k->small)
		free(k->str);
	k->str = k->small;
	k->len = 0;
	k->small[0] = '\0';
}

/* ---- The canonical query: temporaries from an arena ----------------------- */

/* One decoded parameter; both strings live in the arena. */
struct param {
	const char *name, *value;
	size_t name_len, value_len;
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

/* Decode s[0..n) ('+' and %XX) into dst; returns the decoded length, or
 * -1 for a '%' without two hex digits. Decoding never lengthens text. */
static ptrdiff_t decode(char *dst, const char *s, size_t n)
{
	char *d = dst;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*d++ = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (lo < 0)
				return -1;
			*d++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*d++ = s[i];
		}
	}
	return d - dst;
}

/* a's name sorts strictly before b's: bytewise, a prefix first. */
static bool name_before(const struct param *a, const struct param *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);

	return c < 0 || (c == 0 && a->name_len < b->name_len);
}

/*
 * Stable merge sort of p[0..n), with tmp[0..n) as scratch from the arena.
 * Why not qsort: it is not stable, so equal names would need their
 * position as a tie-break, and glibc's qsort quietly mallocs its own
 * scratch once that passes 1 KiB (64 parameters here): an allocation this
 * file promised not to make, hidden inside a library call. A merge sort
 * whose scratch comes from the arena costs 20 lines and keeps the promise
 * for any number of parameters. Recursion depth is log2(n).
 */
static void sort_params(struct param *p, struct param *tmp, size_t n)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	sort_params(p, tmp, half);
	sort_params(p + half, tmp, n - half);
	while (i < half && j < n) /* take from the right only if strictly
				   * smaller: that is what keeps it stable */
		tmp[k++] = name_before(&p[j], &p[i]) ? p[j++] : p[i++];
	while (i < half)
		tmp[k++] = p[i++];
	/* p[j..n) is already in place */
	memcpy(p, tmp, k * sizeof *p);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* snprintf-style output: count every byte, store the ones that fit. */
struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_encoded(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c)) {
			put(o, (char)c);
		} else {
			put(o, '%');
			put(o, hex[c >> 4]);
			put(o, hex[c & 15]);
		}
	}
}

/*
 * before_query_canonical made 3n + 1 allocations for n parameters (a
 * realloc per parameter for the array, a malloc per decoded name and per
 * value, the result) and had to free them all on every path. Here the result goes to the
 * caller's out, and every temporary is one of three arena blocks sized up
 * front: the parameters (at most one more than the '&' count), the sort's
 * scratch, and the decoded text (never longer than the query). Three
 * arena_alloc calls, no frees, no error path that can leak.
 */
int query_canonical(char *out, size_t cap, const char *query,
		    struct arena *scratch)
{
	size_t qlen = strlen(query), most = 1, n = 0;
	struct param *params, *tmp;
	char *text;
	const char *p = query;

	if (qlen > INT_MAX / 3) { /* every byte may become %XX */
		errno = EOVERFLOW;
		return -1;
	}
	for (const char *q = query; (q = strchr(q, '&')) != NULL; q++)
		most++;
	params = arena_alloc(scratch, most * sizeof *params);
	tmp = arena_alloc(scratch, most * sizeof *tmp);
	text = arena_alloc(scratch, qlen);
	if (params == NULL || tmp == NULL || text == NULL)
		return -1; /* errno = ENOMEM, from arena_alloc */

	while (*p != '\0') {
		size_t seg = strcspn(p, "&");
		if (seg > 0) {
			const char *eq = memchr(p, '=', seg);
			size_t nl = eq ? (size_t)(eq - p) : seg;
			ptrdiff_t dn = decode(text, p, nl), dv = 0;
			if (dn >= 0 && eq != NULL)
				dv = decode(text + dn, eq + 1, seg - nl - 1);
			if (dn < 0 || dv < 0) {
				errno = EINVAL;
				return -1;
			}
			params[n++] = (struct param){ text, text + dn,
						      (size_t)dn, (size_t)dv };
			text += dn + dv;
		}
		p += seg;
		if (*p == '&')
			p++;
	}
	sort_params(params, tmp, n);

	struct out o = { out, cap, 0 };
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(&o, '&');
		put_encoded(&o, params[i].name, params[i].name_len);
		put(&o, '=');
		put_encoded(&o, params[i].value, params[i].value_len);
	}
	if (cap > 0)
		out[o.len < cap ? o.len : cap - 1] = '\0';
	return (int)o.len;
}

/* ---- The route: a view into the caller's string --------------------------- */

struct strview route_of(const char *target)
{
	const char *p = target;
	size_t n;

	if (strncasecmp(p, "http://", 7) == 0)
		p += 7 + strcspn(p + 7, "/?#");
	else if (strncasecmp(p, "https://", 8) == 0)
		p += 8 + strcspn(p + 8, "/?#");
	n = strcspn(p, "?#");
	if (n == 0)
		return (struct strview){ "/", 1 };
	if (n == 1 || p[n - 1] != '/')
		return (struct strview){ p, n }; /* the common case: no copy */

	/* Trailing slashes: trim them in a copy. */
	char path[1024];
	if (n >= sizeof path)
		n = sizeof path - 1;
	memcpy(path, p, n);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return (struct strview){ path, n };
}
