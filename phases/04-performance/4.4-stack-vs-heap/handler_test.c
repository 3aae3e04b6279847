/*
 * handler_test.c - the contract of handler.h, checked: results against
 * hand-worked cases and, on random inputs, against before.c's allocating
 * versions; where memory comes from, counted with alloc_count.h. Random
 * inputs use a seed printed on failure; set HOTPATH_SEED to replay one.
 *
 * The route suite is graded under AddressSanitizer only (the asan part,
 * with detect_stack_use_after_return=1). In a plain build, a view into a
 * dead stack frame reads whatever the calls since have left there: the
 * right bytes with one compiler, garbage with another, so a dangling
 * route_of would pass or fail by luck. ASan gives each frame's arrays a
 * "fake stack" frame that stays poisoned after the return: the first read
 * through the view fails, every time, naming the frame.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "testkit.h"
#include "arena.h"
#include "before.h"
#include "handler.h"

/* Defaults for the ASan build, so running its test binary by hand catches
 * what the grader's asan part catches. ASAN_OPTIONS overrides them. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_stack_use_after_return=1";
}

/* splitmix64: 64 random bits per call, from the printed seed. */
static uint64_t rng_state;

static void rng_seed(unsigned s)
{
	rng_state = s;
}

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static size_t rng_between(size_t lo, size_t hi)
{
	return lo + (size_t)(rng() % (hi - lo + 1));
}

/* n random bytes from `alphabet` into s, '\0'-terminated. */
static void rng_text(char *s, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rng() % k];
	s[n] = '\0';
}

/* ---- log_format ------------------------------------------------------------ */

static const char *methods[] = { "GET", "POST", "PUT", "DELETE", "HEAD",
				 "OPTIONS", "PATCH" };

static const char url_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	"/-._~%?&=+:@!$'()*,;\"";

/* A random request; its target is written into target (cap 400). */
static struct access random_access(char *target)
{
	struct access a;

	target[0] = '/';
	rng_text(target + 1, rng_between(0, 300), url_chars);
	a.addr = (uint32_t)rng();
	a.method = methods[rng() % (sizeof methods / sizeof methods[0])];
	a.target = target;
	a.status = (int)rng_between(100, 599);
	a.bytes = rng() >> (rng() % 64);
	a.micros = (uint32_t)(rng() >> (rng() % 32 + 32));
	return a;
}

/* The line, formatted independently of both log_format and before.c. */
static int reference_line(char *buf, size_t cap, const struct access *a)
{
	unsigned char *ip = (unsigned char[4]){ (unsigned char)(a->addr >> 24),
		(unsigned char)(a->addr >> 16), (unsigned char)(a->addr >> 8),
		(unsigned char)a->addr };

	return snprintf(buf, cap, "%d.%d.%d.%d \"%s %s\" %d %llu %lu.%03lums",
			ip[0], ip[1], ip[2], ip[3], a->method, a->target,
			a->status, (unsigned long long)a->bytes,
			(unsigned long)(a->micros / 1000),
			(unsigned long)(a->micros % 1000));
}

Test(format, a_known_request_gives_the_documented_line)
{
	struct access a = { (203u << 24) | (0u << 16) | (113u << 8) | 7u, "GET",
			    "/users/42?verbose=1", 200, 5120, 1234 };
	const char *want = "203.0.113.7 \"GET /users/42?verbose=1\" 200 5120 "
			   "1.234ms";
	char buf[128];

	int n = log_format(buf, sizeof buf, &a);
	cr_assert_eq(n, (int)strlen(want), "log_format returned %d, want %zu",
		     n, strlen(want));
	cr_assert_str_eq(buf, want);

	struct access b = { 0, "HEAD", "/", 404, 0, 7 };
	want = "0.0.0.0 \"HEAD /\" 404 0 0.007ms";
	n = log_format(buf, sizeof buf, &b);
	cr_assert_eq(n, (int)strlen(want), "log_format returned %d, want %zu",
		     n, strlen(want));
	cr_assert_str_eq(buf, want);
}

Test(format, random_requests_match_an_independent_snprintf)
{
	unsigned s = testkit_seed();
	char target[400], got[1024], want[1024];

	rng_seed(s);
	for (int i = 0; i < 500; i++) {
		struct access a = random_access(target);
		int wn = reference_line(want, sizeof want, &a);
		int n = log_format(got, sizeof got, &a);
		cr_assert_eq(n, wn, "returned %d, want %d (seed %u, request %d)",
			     n, wn, s, i);
		cr_assert_str_eq(got, want, "(seed %u, request %d)", s, i);
	}
}

Test(format, cuts_long_lines_exactly_like_snprintf)
{
	unsigned s = testkit_seed();
	char target[400], want[1024], buf[1024 + 16];

	rng_seed(s);
	for (int i = 0; i < 6; i++) {
		struct access a = random_access(target);
		size_t len = (size_t)reference_line(want, sizeof want, &a);

		cr_assert_eq(log_format(NULL, 0, &a), (int)len, "with cap 0 and "
			     "buf NULL, log_format must only measure (seed %u)",
			     s);
		for (size_t cap = 1; cap <= len + 2; cap++) {
			memset(buf, 0x5a, sizeof buf);
			int n = log_format(buf, cap, &a);
			size_t kept = len < cap ? len : cap - 1;
			cr_assert_eq(n, (int)len, "cap %zu: returned %d, want the "
				     "whole length %zu (seed %u)", cap, n, len, s);
			cr_assert(memcmp(buf, want, kept) == 0 && buf[kept] == '\0',
				  "cap %zu: want the first %zu bytes and a '\\0' "
				  "(seed %u)", cap, kept, s);
			for (size_t j = cap; j < cap + 16; j++)
				cr_assert_eq(buf[j], 0x5a, "cap %zu: byte %zu past "
					     "the end was written (seed %u)", cap,
					     j, s);
		}
	}
}

/* ---- range_parse ------------------------------------------------------------- */

struct range_case {
	const char *value;
	uint64_t size;
	int status;
	uint64_t first, last;
};

static void check_range(const struct range_case *c)
{
	struct range r = range_parse(c->value, c->size);

	cr_assert(r.status == c->status && r.first == c->first &&
		  r.last == c->last,
		  "range_parse(\"%s\", %" PRIu64 ") = {status %d, %" PRIu64 "-%"
		  PRIu64 "}, want {status %d, %" PRIu64 "-%" PRIu64 "}",
		  c->value, c->size, r.status, r.first, r.last, c->status,
		  c->first, c->last);
}

Test(range, the_three_forms_resolve_against_the_size)
{
	static const struct range_case cases[] = {
		{ "bytes=0-499", 1000, 206, 0, 499 },
		{ "bytes=500-", 1000, 206, 500, 999 },
		{ "bytes=-200", 1000, 206, 800, 999 },
		{ "bytes=-5000", 1000, 206, 0, 999 },
		{ "bytes=900-5000", 1000, 206, 900, 999 },
		{ "bytes=999-999", 1000, 206, 999, 999 },
		{ "BYTES=1-1", 1000, 206, 1, 1 },
		{ "Bytes=0-", 1, 206, 0, 0 },
		{ "bytes=0-18446744073709551615", 1000, 206, 0, 999 },
		{ "bytes=-1", UINT64_MAX, 206, UINT64_MAX - 1, UINT64_MAX - 1 },
		{ "bytes=18446744073709551613-", UINT64_MAX, 206,
		  UINT64_MAX - 2, UINT64_MAX - 1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_range(&cases[i]);
}

Test(range, ranges_past_the_end_are_not_satisfiable)
{
	static const struct range_case cases[] = {
		{ "bytes=1000-", 1000, 416, 0, 0 },
		{ "bytes=1000-2000", 1000, 416, 0, 0 },
		{ "bytes=-0", 1000, 416, 0, 0 },
		{ "bytes=0-", 0, 416, 0, 0 },
		{ "bytes=0-0", 0, 416, 0, 0 },
		{ "bytes=-10", 0, 416, 0, 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_range(&cases[i]);
}

Test(range, malformed_headers_and_lists_are_ignored)
{
	static const char *bad[] = {
		"", "bytes", "bytes=", "bytes=-", "bytes=--1", "bytes=1",
		"bytes=a-b", "bytes=5-3", "bytes=0-1,5-9", "bytes= 0-1",
		"bytes=0-1 ", "bytes=+1-2", "bytes=0x10-", "items=0-1",
		"bytes=18446744073709551616-", "bytes=0-18446744073709551616",
		"bytes=-18446744073709551616", "bytes=1-2-3", "bytes:0-1",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct range_case c = { bad[i], 1000, 0, 0, 0 };
		check_range(&c);
	}
}

Test(range, random_headers_match_the_heap_version)
{
	unsigned s = testkit_seed();
	char value[128];

	rng_seed(s);
	for (int i = 0; i < 4000; i++) {
		uint64_t size = rng() >> (rng() % 64);
		uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
		if (rng() % 2 && size < UINT64_MAX / 2) {
			a %= size + 1; /* mostly inside the resource */
			b %= 2 * size + 1;
		}
		switch (rng() % 4) {
		case 0:
			snprintf(value, sizeof value, "bytes=%" PRIu64 "-%" PRIu64,
				 a, b);
			break;
		case 1:
			snprintf(value, sizeof value, "bytes=%" PRIu64 "-", a);
			break;
		case 2:
			snprintf(value, sizeof value, "bytes=-%" PRIu64, b);
			break;
		default: /* a list: always ignored */
			snprintf(value, sizeof value, "bytes=%" PRIu64 "-%" PRIu64
				 ",%" PRIu64 "-", a, b, b);
			break;
		}
		struct range *want = before_range_parse(value, size);
		struct range got = range_parse(value, size);
		struct range w = want ? *want : (struct range){ 0, 0, 0 };
		free(want);
		cr_assert(got.status == w.status && got.first == w.first &&
			  got.last == w.last,
			  "range_parse(\"%s\", %" PRIu64 ") = {%d, %" PRIu64 "-%"
			  PRIu64 "}, want {%d, %" PRIu64 "-%" PRIu64 "} (seed %u)",
			  value, size, got.status, got.first, got.last, w.status,
			  w.first, w.last, s);
	}
}

/* ---- cache_key ------------------------------------------------------------------ */

static const char key_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-.";

/* Build a key from random parts of total length `len` (>= 2 for the
 * colons) and check its text; returns with the key built. */
static void build_random_key(struct cache_key *k, size_t len, unsigned s)
{
	char tenant[1300], metric[1300], host[1300], want[4000];
	size_t parts = len - 2, lt = rng_between(0, parts);
	size_t lm = rng_between(0, parts - lt), lh = parts - lt - lm;

	rng_text(tenant, lt, key_chars);
	rng_text(metric, lm, key_chars);
	rng_text(host, lh, key_chars);
	snprintf(want, sizeof want, "%s:%s:%s", tenant, metric, host);
	cr_assert_eq(cache_key_build(k, tenant, metric, host), 0,
		     "cache_key_build failed for a %zu-byte key (seed %u)", len,
		     s);
	cr_assert_not_null(k->str, "after cache_key_build, str is NULL");
	cr_assert_eq(k->len, len, "len %zu, want %zu (seed %u)", k->len, len, s);
	cr_assert_str_eq(k->str, want, "(seed %u)", s);
}

static bool key_is_inline(const struct cache_key *k)
{
	return k->str == k->small;
}

Test(key, keys_join_tenant_metric_and_host_with_colons)
{
	unsigned s = testkit_seed();
	struct cache_key k;

	rng_seed(s);
	for (int i = 0; i < 400; i++) {
		build_random_key(&k, rng_between(2, 400), s);
		cache_key_release(&k);
	}
	cr_assert_eq(cache_key_build(&k, "", "", ""), 0, "cache_key_build of "
		     "three empty parts failed");
	cr_assert_str_eq(k.str, "::");
	cache_key_release(&k);
}

Test(key, short_keys_live_in_the_struct_and_allocate_nothing)
{
	unsigned s = testkit_seed();
	struct cache_key k;

	testkit_skip_unless_counting();
	rng_seed(s);
	for (int i = 0; i < 300; i++) {
		size_t len = rng_between(2, KEY_INLINE - 1);
		struct alloc_stats before = alloc_count_read();
		build_random_key(&k, len, s);
		cr_assert(key_is_inline(&k), "a %zu-byte key should live in "
			  "k->small, but str points elsewhere (seed %u)", len, s);
		cache_key_release(&k);
		struct alloc_stats d = alloc_count_since(before);
		cr_assert_eq(d.allocs + d.frees, 0, "building and releasing a "
			     "%zu-byte key made %llu allocations and %llu frees; "
			     "want none (seed %u)", len, d.allocs, d.frees, s);
	}
}

Test(key, long_keys_take_one_malloc_that_release_frees)
{
	unsigned s = testkit_seed();
	struct cache_key k;

	testkit_skip_unless_counting();
	rng_seed(s);
	for (int i = 0; i < 100; i++) {
		size_t len = rng_between(100, 1200);
		struct alloc_stats before = alloc_count_read();
		build_random_key(&k, len, s);
		struct alloc_stats built = alloc_count_since(before);
		cr_assert(!key_is_inline(&k), "a %zu-byte key cannot fit in "
			  "k->small (seed %u)", len, s);
		cr_assert_eq(built.allocs, 1, "a %zu-byte key should cost one "
			     "malloc, cost %llu (seed %u)", len, built.allocs, s);
		cr_assert_geq(built.bytes, len + 1, "a %zu-byte key needs a "
			      "block of %zu bytes, got %llu", len, len + 1,
			      built.bytes);
		cache_key_release(&k);
		struct alloc_stats d = alloc_count_since(before);
		cr_assert_eq(d.frees, d.allocs, "build + release of a %zu-byte "
			     "key: %llu allocations but %llu frees (seed %u)",
			     len, d.allocs, d.frees, s);
	}
}

Test(key, the_inline_limit_is_key_inline_minus_one_characters)
{
	struct cache_key k;
	char tenant[KEY_INLINE + 2];

	/* "t...t::" is the tenant plus two colons. */
	memset(tenant, 't', sizeof tenant);
	tenant[KEY_INLINE - 3] = '\0';
	cr_assert_eq(cache_key_build(&k, tenant, "", ""), 0, "cache_key_build "
		     "failed for a %zu-character key", strlen(tenant) + 2);
	cr_assert_eq(k.len, KEY_INLINE - 1, "len %zu, want %d", k.len,
		     KEY_INLINE - 1);
	cr_assert(key_is_inline(&k), "a key of KEY_INLINE - 1 = %d characters "
		  "fits in small, '\\0' included", KEY_INLINE - 1);
	cr_assert_eq(k.str[k.len], '\0', "the key is not '\\0'-terminated");
	cache_key_release(&k);

	tenant[KEY_INLINE - 3] = 't';
	tenant[KEY_INLINE - 2] = '\0';
	cr_assert_eq(cache_key_build(&k, tenant, "", ""), 0, "cache_key_build "
		     "failed for a %zu-character key", strlen(tenant) + 2);
	cr_assert_eq(k.len, KEY_INLINE, "len %zu, want %d", k.len, KEY_INLINE);
	cr_assert(!key_is_inline(&k), "a key of KEY_INLINE = %d characters "
		  "has no room for its '\\0' in small", KEY_INLINE);
	cr_assert_eq(strncmp(k.str, tenant, KEY_INLINE - 2), 0, "the key does "
		     "not start with the tenant");
	cr_assert_str_eq(k.str + KEY_INLINE - 2, "::");
	cache_key_release(&k);
}

Test(key, release_leaves_the_empty_key_and_is_safe_twice)
{
	unsigned s = testkit_seed();
	size_t lens[] = { 10, 300 };
	struct cache_key k;

	rng_seed(s);
	for (size_t i = 0; i < 2; i++) {
		build_random_key(&k, lens[i], s);
		cache_key_release(&k);
		cr_assert(key_is_inline(&k) && k.len == 0 && k.str[0] == '\0',
			  "after release the key is \"\" in small");
		cache_key_release(&k);
		cr_assert(key_is_inline(&k) && k.len == 0 && k.str[0] == '\0',
			  "a second release changed the empty key");
	}
}

/* ---- query_canonical -------------------------------------------------------------- */

#define SCRATCH (64 * 1024)

/* arena_init(a, cap), which the tests of query_canonical need. */
static void start_arena(struct arena *a, size_t cap)
{
	errno = 0;
	cr_assert_eq(arena_init(a, cap), 0, "arena_init(%zu) failed (errno %d): "
		     "query_canonical's tests need arena.c finished", cap, errno);
}

/* query_canonical into a fresh arena and a big buffer; the text in *out. */
static int canonical(const char *query, char *out, size_t cap)
{
	struct arena a = ARENA_INIT;

	start_arena(&a, SCRATCH);
	int n = query_canonical(out, cap, query, &a);
	arena_release(&a);
	return n;
}

static void check_canonical(const char *query, const char *want)
{
	char out[1024];
	int n = canonical(query, out, sizeof out);

	cr_assert_eq(n, (int)strlen(want), "query_canonical(\"%s\") returned "
		     "%d, want %zu (\"%s\")", query, n, strlen(want), want);
	cr_assert_str_eq(out, want, "query_canonical(\"%s\")", query);
}

Test(canonical, sorts_decodes_and_reencodes)
{
	check_canonical("", "");
	check_canonical("a=1", "a=1");
	check_canonical("b=2&a=1", "a=1&b=2");
	check_canonical("z=%7e&a&y=x+y", "a=&y=x%20y&z=~");
	check_canonical("a=1&&b=2&", "a=1&b=2");
	check_canonical("&&&", "");
	check_canonical("q=%c3%a9", "q=%C3%A9");
	check_canonical("ab=1&a=2", "a=2&ab=1");
	check_canonical("a=b=c", "a=b%3Dc");
	check_canonical("=x", "=x");
	check_canonical("%41=1", "A=1");
	check_canonical("B=1&a=1", "B=1&a=1");
	check_canonical("k=a%26b", "k=a%26b");
	check_canonical("sp ace=1&t=%00", "sp%20ace=1&t=%00");
	check_canonical("x=-._~&y=!*", "x=-._~&y=%21%2A");
}

Test(canonical, equal_names_keep_their_order)
{
	check_canonical("b=2&a=1&b=1", "a=1&b=2&b=1");
	check_canonical("x=3&x=1&x=2", "x=3&x=1&x=2");
	check_canonical("x=%20&y=0&x=+", "x=%20&x=%20&y=0");
	check_canonical("t=9&t&s=1&t=0", "s=1&t=9&t=&t=0");
}

Test(canonical, bad_escapes_are_einval_and_leave_out_untouched)
{
	static const char *bad[] = { "%", "a=%", "a=%4", "a=%zz", "%g1=2",
				     "a=1&b=%4x", "ok=1&%" };
	char out[64];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 0x5a, sizeof out);
		errno = 0;
		int n = canonical(bad[i], out, sizeof out);
		cr_assert_eq(n, -1, "query_canonical(\"%s\") returned %d, want -1",
			     bad[i], n);
		cr_assert_eq(errno, EINVAL, "query_canonical(\"%s\"): errno %d "
			     "(%s), want EINVAL", bad[i], errno, strerror(errno));
		for (size_t j = 0; j < sizeof out; j++)
			cr_assert_eq(out[j], 0x5a, "query_canonical(\"%s\") failed "
				     "but wrote into out", bad[i]);
	}
}

/* A random query: names and values from a small alphabet (so names
 * repeat), with valid escapes, '+', '=' and empty parameters. */
static void random_query(char *q, size_t params)
{
	static const char *pieces[] = { "a", "b", "c", "ab", "B", "%41",
		"%2b", "+", "%3D", "=", "x", "%e2%82%ac", "~", "-", "0", "%00" };
	size_t len = 0;

	for (size_t i = 0; i < params; i++) {
		size_t parts = rng_between(0, 5);
		for (size_t j = 0; j < parts; j++) {
			const char *p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
			memcpy(q + len, p, strlen(p));
			len += strlen(p);
		}
		q[len++] = '&';
	}
	q[len] = '\0';
}

Test(canonical, random_queries_match_the_heap_version)
{
	unsigned s = testkit_seed();
	char query[4096], out[16384];
	struct arena a = ARENA_INIT;

	rng_seed(s);
	start_arena(&a, SCRATCH);
	for (int i = 0; i < 400; i++) {
		random_query(query, rng_between(0, 60));
		char *want = before_query_canonical(query);
		cr_assert_not_null(want, "before.c failed on \"%s\"", query);
		int n = query_canonical(out, sizeof out, query, &a);
		cr_assert_eq(n, (int)strlen(want), "query_canonical(\"%s\") "
			     "returned %d, want %zu (seed %u)", query, n,
			     strlen(want), s);
		cr_assert_str_eq(out, want, "query_canonical(\"%s\") (seed %u)",
				 query, s);
		free(want);
		arena_reset(&a);
	}
	arena_release(&a);
}

Test(canonical, cuts_long_output_exactly_like_snprintf)
{
	const char *query = "zeta=%7E%7E&alpha=one+two&mid=%C3%A9t%C3%A9";
	const char *want = "alpha=one%20two&mid=%C3%A9t%C3%A9&zeta=~~";
	size_t len = strlen(want);
	char buf[256];

	cr_assert_eq(canonical(query, NULL, 0), (int)len, "with cap 0 and out "
		     "NULL, query_canonical must only measure");
	for (size_t cap = 1; cap <= len + 2; cap++) {
		memset(buf, 0x5a, sizeof buf);
		int n = canonical(query, buf, cap);
		size_t kept = len < cap ? len : cap - 1;
		cr_assert_eq(n, (int)len, "cap %zu: returned %d, want %zu", cap,
			     n, len);
		cr_assert(memcmp(buf, want, kept) == 0 && buf[kept] == '\0',
			  "cap %zu: want the first %zu bytes and a '\\0'", cap,
			  kept);
		for (size_t j = cap; j < sizeof buf; j++)
			cr_assert_eq(buf[j], 0x5a, "cap %zu: byte %zu past the end "
				     "was written", cap, j);
	}
}

Test(canonical, a_full_arena_is_enomem_and_leaves_out_untouched)
{
	struct arena a = ARENA_INIT;
	char query[8192], out[64];

	start_arena(&a, 256);
	rng_seed(testkit_seed());
	random_query(query, 100);
	memset(out, 0x5a, sizeof out);
	errno = 0;
	int n = query_canonical(out, sizeof out, query, &a);
	cr_assert_eq(n, -1, "100 parameters cannot fit a 256-byte arena: "
		     "want -1, got %d", n);
	cr_assert_eq(errno, ENOMEM, "errno %d (%s), want ENOMEM", errno,
		     strerror(errno));
	for (size_t j = 0; j < sizeof out; j++)
		cr_assert_eq(out[j], 0x5a, "a failed query_canonical wrote "
			     "into out");
	arena_release(&a);
}

Test(canonical, every_temporary_comes_from_the_arena)
{
	unsigned s = testkit_seed();
	char query[16384], out[65536];
	struct arena a = ARENA_INIT;

	testkit_skip_unless_counting();
	rng_seed(s);
	start_arena(&a, 256 * 1024);
	for (size_t params = 0; params <= 300; params += 20) {
		random_query(query, params);
		struct alloc_stats before = alloc_count_read();
		int n = query_canonical(out, sizeof out, query, &a);
		struct alloc_stats d = alloc_count_since(before);
		cr_assert_geq(n, 0, "query_canonical failed (errno %d) on %zu "
			      "parameters (seed %u)", errno, params, s);
		cr_assert_eq(d.allocs, 0, "query_canonical called malloc %llu "
			     "times for %zu parameters; its temporaries must "
			     "come from the arena (a library call may be "
			     "allocating for you: glibc's qsort does above 1 KiB)",
			     d.allocs, params);
		arena_reset(&a);
	}
	arena_release(&a);
}

/* ---- route_of (graded under AddressSanitizer) ------------------------------------ */

/*
 * The view holds exactly want. noinline matters: given a constant want,
 * gcc -O2 turns memcmp(v.ptr, "/health", 7) into two plain 8-byte loads,
 * and gcc 12's ASan does not check loads it creates that late, so a read
 * of a dead frame would go unseen. Here the length is not a constant, and
 * memcmp stays a call that ASan intercepts and checks.
 */
__attribute__((noinline))
static bool view_is(struct strview v, const char *want)
{
	size_t n = strlen(want);

	return v.ptr != NULL && v.len == n && memcmp(v.ptr, want, n) == 0;
}

static void check_route(const char *target, const char *want)
{
	struct strview v = route_of(target);

	cr_assert_not_null(v.ptr, "route_of(\"%s\") returned a NULL view",
			   target);
	cr_assert(view_is(v, want), "route_of(\"%s\") = \"%.*s\", want \"%s\"",
		  target, (int)v.len, v.ptr, want);
}

Test(route, path_loses_query_fragment_and_trailing_slashes)
{
	check_route("/users/42/?verbose=1", "/users/42");
	check_route("/users/42", "/users/42");
	check_route("/", "/");
	check_route("///", "/");
	check_route("", "/");
	check_route("?x=1", "/");
	check_route("/a/b#frag", "/a/b");
	check_route("/a?b/c#d", "/a");
	check_route("/a//", "/a");
	check_route("//a", "//a");
	check_route("*", "*");
	check_route("relative/", "relative");
}

Test(route, absolute_targets_lose_scheme_and_authority)
{
	check_route("http://example.com/users/42?x", "/users/42");
	check_route("HTTPS://example.com//a//#x", "//a");
	check_route("http://example.com?x=1", "/");
	check_route("http://example.com", "/");
	check_route("https://h:8080/", "/");
	check_route("http://", "/");
	check_route("hTTp://user@h/p/", "/p");
	check_route("ftp://h/x", "ftp://h/x");
	check_route("http:/x", "http:/x");
}

/* A random target: maybe absolute, then segments, maybe a query and a
 * fragment; up to about 700 bytes, past any fixed-size local copy. */
static void random_target(char *t)
{
	static const char *schemes[] = { "", "", "", "http://", "HTTPS://",
					 "Http://", "ftp://" };
	size_t len;

	strcpy(t, schemes[rng() % (sizeof schemes / sizeof schemes[0])]);
	len = strlen(t);
	if (len > 0) {
		rng_text(t + len, rng_between(0, 20), "abc.:@0123456789");
		len = strlen(t);
	}
	for (size_t i = rng_between(0, 12); i > 0; i--) {
		size_t slashes = rng_between(1, 3);
		memset(t + len, '/', slashes);
		len += slashes;
		rng_text(t + len, rng_between(0, 40), "abcdefghij0123456789-._~%");
		len = strlen(t);
	}
	if (rng() % 4 == 0) {
		t[len++] = '/';
		t[len] = '\0';
	}
	if (rng() % 2) {
		t[len++] = '?';
		rng_text(t + len, rng_between(0, 30), "ab=&/#?");
		len = strlen(t);
	}
	if (rng() % 3 == 0) {
		t[len++] = '#';
		rng_text(t + len, rng_between(0, 10), "ab/?");
	}
}

Test(route, random_targets_match_the_heap_version)
{
	unsigned s = testkit_seed();
	char target[1024];

	rng_seed(s);
	for (int i = 0; i < 1000; i++) {
		random_target(target);
		char *want = before_route_of(target);
		cr_assert_not_null(want, "before_route_of failed");
		struct strview v = route_of(target);
		cr_assert(view_is(v, want),
			  "route_of(\"%s\") = \"%.*s\", want \"%s\" (seed %u)",
			  target, v.ptr ? (int)v.len : 0, v.ptr ? v.ptr : "",
			  want, s);
		free(want);
	}
}

Test(route, two_routes_can_be_held_at_once)
{
	const char *t1 = "/api/v1/orders/?page=2", *t2 = "/health";
	struct strview a = route_of(t1);
	struct strview b = route_of(t2);

	cr_assert(view_is(a, "/api/v1/orders"), "the first route changed when "
		  "route_of was called again: it now reads \"%.*s\"", (int)a.len,
		  a.ptr);
	cr_assert(view_is(b, "/health"), "second route \"%.*s\", want "
		  "\"/health\"", (int)b.len, b.ptr);
}
