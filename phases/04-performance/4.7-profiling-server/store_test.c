/*
 * store_test.c - store.h's rules, checked without HTTP: validation, the
 * value's text, all-or-nothing batches, snapshots, saving and loading.
 * Suite "store" (given code: `make test` runs it, the grade does not).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "live.h"

static struct metric parsed(const char *type, const char *name,
			    const char *value)
{
	struct metric m;
	char why[STORE_WHY_MAX];

	cr_assert_eq(metric_parse(&m, type, name, value, why), 0,
		     "%s %s %s: %s", type, name, value, why);
	return m;
}

Test(store, names_and_values_are_validated_with_reasons)
{
	static const char *const bad[][3] = {
		{ "gauge", "", "1" },        { "gauge", "a b", "1" },
		{ "gauge", "a/b", "1" },     { "gauge", "é", "1" },
		{ "gauge", "x", "" },        { "gauge", "x", "1x" },
		{ "gauge", "x", "nan" },     { "gauge", "x", "-inf" },
		{ "gauge", "x", "1e400" },   { "counter", "x", "-1" },
		{ "counter", "x", " 1" },    { "counter", "x", "0x10" },
		{ "counter", "x", "9223372036854775808" },
		{ "timer", "x", "1" },
	};
	struct metric m;
	char why[STORE_WHY_MAX];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		cr_assert_eq(metric_parse(&m, bad[i][0], bad[i][1], bad[i][2], why),
			     -1, "%s \"%s\" \"%s\" was accepted", bad[i][0],
			     bad[i][1], bad[i][2]);
		cr_assert_gt(strlen(why), 10, "no reason for %s %s %s",
			     bad[i][0], bad[i][1], bad[i][2]);
	}
	m = parsed("gauge", "Temp_1.a:b-c", "-2.5e-3");
	cr_assert_eq(m.gauge, -2.5e-3);
	m = parsed("counter", "n", "9223372036854775807");
	cr_assert_eq(m.counter, INT64_MAX);
}

Test(store, values_print_as_the_shortest_round_trip)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = { { 0.1, "0.1" },     { 1.0 / 3, "0.3333333333333333" },
		      { 1e300, "1e+300" }, { -0.0, "-0" },
		      { 123456789.0, "123456789" } };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct metric m = { .type = METRIC_GAUGE, .gauge = cases[i].v };
		struct strbuf sb = STRBUF_INIT;
		metric_value_print(&m, &sb);
		cr_assert_str_eq(sb.buf, cases[i].text);
		cr_assert_eq(strtod(sb.buf, NULL), cases[i].v);
		strbuf_release(&sb);
	}
}

Test(store, a_failed_batch_changes_nothing)
{
	struct store *st = store_new();
	struct metric m[3], got;
	char why[STORE_WHY_MAX];

	m[0] = parsed("counter", "c", "9223372036854775800");
	cr_assert_eq(store_update(st, m, 1, why), 0);
	m[0] = parsed("gauge", "fresh", "1");
	m[1] = parsed("counter", "c", "5");
	m[2] = parsed("counter", "c", "5"); /* 7 left: the second add fails */
	errno = 0;
	cr_assert_eq(store_update(st, m, 3, why), -1, "overflow accepted");
	cr_assert_eq(errno, EOVERFLOW);
	cr_assert_eq(store_get(st, METRIC_GAUGE, "fresh", &got), -1,
		     "a metric created by a failed batch survived");
	cr_assert_eq(store_get(st, METRIC_COUNTER, "c", &got), 0);
	cr_assert_eq(got.counter, 9223372036854775800, "counter is %lld",
		     (long long)got.counter);
	cr_assert_eq(store_version(st), 1, "a failed batch counted as updates");
	store_free(st);
}

Test(store, snapshot_is_sorted_by_name_then_type)
{
	struct store *st = store_new();
	struct metric m[4];
	char why[STORE_WHY_MAX];
	size_t n;

	m[0] = parsed("gauge", "b", "1");
	m[1] = parsed("counter", "a", "1");
	m[2] = parsed("counter", "b", "2");
	m[3] = parsed("gauge", "a", "3");
	cr_assert_eq(store_update(st, m, 4, why), 0);
	struct metric *all = store_snapshot(st, &n);
	cr_assert_eq(n, 4);
	cr_assert(strcmp(all[0].name, "a") == 0 && all[0].type == METRIC_GAUGE &&
			  strcmp(all[1].name, "a") == 0 &&
			  all[1].type == METRIC_COUNTER &&
			  strcmp(all[2].name, "b") == 0 &&
			  all[2].type == METRIC_GAUGE,
		  "not sorted by name, then gauge before counter");
	free(all);
	store_free(st);
	st = store_new();
	all = store_snapshot(st, &n);
	cr_assert(all == NULL && n == 0, "an empty store's snapshot");
	store_free(st);
}

Test(store, save_and_load_round_trip_atomically)
{
	char dir[] = "/tmp/hotpath-store-XXXXXX", path[64], cmd[96];
	struct store *st = store_new(), *back = store_new();
	struct metric m[2], got;
	char why[STORE_WHY_MAX];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/m.json", dir);
	cr_assert_eq(store_load(back, path, why), 0, "a missing file: %s", why);
	m[0] = parsed("gauge", "g", "0.30000000000000004");
	m[1] = parsed("counter", "c", "12345678901234567");
	cr_assert_eq(store_update(st, m, 2, why), 0);
	cr_assert_eq(store_save(st, path, why), 0, "%s", why);
	cr_assert_eq(store_save(st, path, why), 0, "saving over a file: %s", why);
	cr_assert_eq(store_load(back, path, why), 0, "%s", why);
	cr_assert_eq(store_get(back, METRIC_GAUGE, "g", &got), 0);
	cr_assert_eq(got.gauge, 0.30000000000000004, "the gauge changed");
	cr_assert_eq(store_get(back, METRIC_COUNTER, "c", &got), 0);
	cr_assert_eq(got.counter, 12345678901234567, "the counter changed");
	/* only the file itself is left: no temporary files */
	snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
	struct strbuf out = STRBUF_INIT;
	live_run(cmd, &out);
	cr_assert_str_eq(out.buf, "m.json\n", "files left: %s", out.buf);
	strbuf_release(&out);
	/* a corrupt file is an error, not an empty store */
	live_write_file(path, "[{\"id\":", 7);
	cr_assert_eq(store_load(back, path, why), -1, "a corrupt file loaded");
	cr_assert(strstr(why, path) != NULL, "the reason names no file: %s", why);
	unlink(path);
	rmdir(dir);
	store_free(st);
	store_free(back);
}
