/*
 * app_test.c - the metrics API over real HTTP (the given server code, not
 * the exercise): routes, validation, error codes, gzip, keep-alive after
 * errors, persistence across a restart. Suite "app"; the course's own
 * `make test` runs it, the grade does not.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "live.h"

static struct live_server srv;

static void setup(void)
{
	struct config cfg;

	/* The API alone: these tests must pass whatever debug.c holds. */
	live_config(&cfg, "/unused");
	cfg.debug = false;
	live_start(&srv, &cfg);
}

static void teardown(void)
{
	live_stop(&srv);
}

/* Each test starts the server itself (setup()), so that a server that
 * cannot start fails the test with the reason instead of "crashing
 * during setup", and stops it itself (teardown()) before it reports:
 * Criterion's worker may still be running .fini when the runner exits,
 * and a grader that then kills what is left would leave the test's
 * directory behind. .fini cleans up after a test that failed. */
TestSuite(app, .fini = teardown, .timeout = 30);

static void expect(const char *method, const char *path, const char *body,
		   int status, const char *want_body)
{
	struct reply r = live_request(srv.port, method, path, NULL, body,
				    body ? strlen(body) : 0, 5000);

	cr_assert_eq(r.status, status, "%s %s%s%s: expected %d, got %d (%s)",
		     method, path, body ? " " : "", body ? body : "", status,
		     r.status, r.body.buf);
	if (want_body != NULL)
		cr_assert_str_eq(r.body.buf, want_body,
				 "%s %s: expected body \"%s\", got \"%s\"",
				 method, path, want_body, r.body.buf);
	if (status >= 400)
		cr_assert_gt(r.body.len, 1, "%s %s: a %d needs a reason in the "
			     "body", method, path, status);
	reply_free(&r);
}

Test(app, url_updates_add_counters_and_replace_gauges)
{
	setup();
	expect("POST", "/update/counter/hits/5", "", 200, "5");
	expect("POST", "/update/counter/hits/7", "", 200, "12");
	expect("POST", "/update/gauge/temp/1.5", "", 200, "1.5");
	expect("POST", "/update/gauge/temp/-3", "", 200, "-3");
	expect("GET", "/value/counter/hits", NULL, 200, "12");
	expect("GET", "/value/gauge/temp", NULL, 200, "-3");
	/* gauge and counter are separate namespaces */
	expect("GET", "/value/gauge/hits", NULL, 404, NULL);
	/* shortest text that reads back as the same double */
	expect("POST", "/update/gauge/tenth/0.1", "", 200, "0.1");
	expect("POST", "/update/gauge/big/1e300", "", 200, "1e+300");
	expect("POST", "/update/counter/max/9223372036854775807", "", 200,
	       "9223372036854775807");
	teardown();
}

Test(app, json_update_and_value_round_trip)
{
	setup();
	expect("POST", "/update", "{\"id\":\"a\",\"type\":\"counter\",\"delta\":4}",
	       200, "{\"id\":\"a\",\"type\":\"counter\",\"delta\":4}");
	expect("POST", "/update", "{\"id\":\"a\",\"type\":\"counter\",\"delta\":4}",
	       200, "{\"id\":\"a\",\"type\":\"counter\",\"delta\":8}");
	expect("POST", "/update/", "{\"id\":\"g\",\"type\":\"gauge\",\"value\":2.5}",
	       200, "{\"id\":\"g\",\"type\":\"gauge\",\"value\":2.5}");
	expect("POST", "/value", "{\"id\":\"a\",\"type\":\"counter\"}", 200,
	       "{\"id\":\"a\",\"type\":\"counter\",\"delta\":8}");
	expect("POST", "/value", "{\"id\":\"zz\",\"type\":\"gauge\"}", 404, NULL);
	expect("POST", "/updates",
	       "[{\"id\":\"a\",\"type\":\"counter\",\"delta\":1},"
	       "{\"id\":\"g\",\"type\":\"gauge\",\"value\":7}]", 200,
	       "[{\"id\":\"a\",\"type\":\"counter\",\"delta\":9},"
	       "{\"id\":\"g\",\"type\":\"gauge\",\"value\":7}]");
	/* a counter delta above 2^53 stays exact (jansson keeps integers) */
	expect("POST", "/update",
	       "{\"id\":\"huge\",\"type\":\"counter\",\"delta\":9007199254740993}",
	       200, "{\"id\":\"huge\",\"type\":\"counter\",\"delta\":9007199254740993}");
	teardown();
}

Test(app, batches_are_all_or_nothing)
{
	setup();
	expect("POST", "/update/counter/c/10", "", 200, "10");
	/* the second one is bad: the first must not be applied */
	expect("POST", "/updates",
	       "[{\"id\":\"c\",\"type\":\"counter\",\"delta\":1},"
	       "{\"id\":\"d\",\"type\":\"counter\",\"delta\":-1}]", 400, NULL);
	expect("GET", "/value/counter/c", NULL, 200, "10");
	/* a counter that would overflow undoes the whole batch */
	expect("POST", "/updates",
	       "[{\"id\":\"c\",\"type\":\"counter\",\"delta\":1},"
	       "{\"id\":\"new\",\"type\":\"gauge\",\"value\":1},"
	       "{\"id\":\"c\",\"type\":\"counter\",\"delta\":9223372036854775807}]",
	       400, NULL);
	expect("GET", "/value/counter/c", NULL, 200, "10");
	expect("GET", "/value/gauge/new", NULL, 404, NULL);
	expect("POST", "/updates", "[]", 400, NULL);
	teardown();
}

Test(app, bad_input_gets_400_with_a_reason)
{
	setup();
	static const char *const paths[] = {
		"/update/histogram/x/1", "/update/gauge/x/abc",
		"/update/gauge/x/nan", "/update/gauge/x/inf",
		"/update/gauge/x/1e999", "/update/gauge/x/", "/update/gauge/x",
		"/update/counter/x/-1", "/update/counter/x/1.5",
		"/update/counter/x/+1", "/update/counter/x/99999999999999999999",
		"/update/gauge/a%20b/1", "/update/gauge/%3Cb%3E/1",
	};
	static const char *const json[] = {
		"", "{", "[1]", "{\"id\":1,\"type\":\"gauge\",\"value\":1}",
		"{\"id\":\"x\",\"type\":\"gauge\"}",
		"{\"id\":\"x\",\"type\":\"gauge\",\"value\":\"1\"}",
		"{\"id\":\"x\",\"type\":\"counter\",\"delta\":1.5}",
		"{\"id\":\"x\",\"type\":\"counter\",\"delta\":-2}",
		"{\"id\":\"x\",\"type\":\"meter\",\"value\":1}",
		"{\"id\":\"\",\"type\":\"gauge\",\"value\":1}",
		"{\"id\":\"x\",\"id\":\"y\",\"type\":\"gauge\",\"value\":1}",
	};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		expect("POST", paths[i], "", 400, NULL);
	for (size_t i = 0; i < sizeof json / sizeof json[0]; i++)
		expect("POST", "/update", json[i], 400, NULL);
	expect("GET", "/value/meter/x", NULL, 400, NULL);
	/* a name one byte too long */
	char path[512] = "/update/gauge/";
	memset(path + strlen(path), 'n', METRIC_NAME_MAX + 1);
	strcat(path, "/1");
	expect("POST", path, "", 400, NULL);
	teardown();
}

Test(app, missing_names_unknown_metrics_and_routes_get_404)
{
	setup();
	expect("POST", "/update/gauge", "", 404, NULL);
	expect("POST", "/update/gauge/x/1/extra", "", 404, NULL);
	expect("GET", "/value/gauge/none", NULL, 404, "no gauge named none\n");
	expect("GET", "/value/gauge", NULL, 404, NULL);
	expect("GET", "/nothing/here", NULL, 404, NULL);
	expect("GET", "/debug/pprof/", NULL, 404, NULL); /* not on the API port */
	teardown();
}

Test(app, wrong_methods_get_405_with_allow)
{
	setup();
	static const struct {
		const char *method, *path, *allow;
	} cases[] = {
		{ "GET", "/update/gauge/x/1", "POST" },
		{ "GET", "/update", "POST" },
		{ "PUT", "/updates", "POST" },
		{ "POST", "/value/gauge/x", "GET" },
		{ "DELETE", "/", "GET" },
	};
	char allow[32];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct reply r = live_request(srv.port, cases[i].method,
					    cases[i].path, NULL, NULL, 0, 5000);
		cr_assert_eq(r.status, 405, "%s %s: expected 405, got %d",
			     cases[i].method, cases[i].path, r.status);
		cr_assert_not_null(reply_header(&r, "Allow", allow, sizeof allow),
				   "405 without Allow");
		cr_assert_str_eq(allow, cases[i].allow, "Allow: %s", allow);
		reply_free(&r);
	}
	teardown();
}

Test(app, oversized_bodies_get_413)
{
	setup();
	size_t big = srv.cfg.body_limit + 1;
	char *body = malloc(big);
	struct strbuf bomb = STRBUF_INIT;

	cr_assert_not_null(body);
	memset(body, ' ', big);
	/* refused from Content-Length alone, before the body is sent */
	struct reply r = live_request(srv.port, "POST", "/updates",
				    "Expect: 100-continue\r\n", body, big, 5000);
	cr_assert_eq(r.status, 413, "a %zu-byte body: expected 413, got %d (%s)",
		     big, r.status, r.body.buf);
	reply_free(&r);
	/* a small gzip body that inflates past the limit */
	cr_assert_eq(http_gzip(body, big, &bomb), 0);
	cr_assert_lt(bomb.len, 10000, "the bomb is %zu bytes", bomb.len);
	r = live_request(srv.port, "POST", "/updates",
		       "Content-Encoding: gzip\r\n", bomb.buf, bomb.len, 5000);
	cr_assert_eq(r.status, 413, "a gzip bomb: expected 413, got %d (%s)",
		     r.status, r.body.buf);
	reply_free(&r);
	strbuf_release(&bomb);
	free(body);
	expect("GET", "/", NULL, 200, NULL); /* and still serving */
	teardown();
}

Test(app, gzip_request_bodies_are_inflated)
{
	setup();
	const char *json = "{\"id\":\"z\",\"type\":\"gauge\",\"value\":3}";
	struct strbuf z = STRBUF_INIT;

	cr_assert_eq(http_gzip(json, strlen(json), &z), 0);
	struct reply r = live_request(srv.port, "POST", "/update",
				    "Content-Encoding: gzip\r\n", z.buf, z.len,
				    5000);
	cr_assert_eq(r.status, 200, "gzip body: %d %s", r.status, r.body.buf);
	cr_assert_str_eq(r.body.buf, json);
	reply_free(&r);
	/* truncated, not gzip, or an encoding we do not speak */
	r = live_request(srv.port, "POST", "/update", "Content-Encoding: gzip\r\n",
		       z.buf, z.len / 2, 5000);
	cr_assert_eq(r.status, 400, "a truncated gzip body: %d", r.status);
	reply_free(&r);
	r = live_request(srv.port, "POST", "/update", "Content-Encoding: gzip\r\n",
		       json, strlen(json), 5000);
	cr_assert_eq(r.status, 400, "a body that is not gzip: %d", r.status);
	reply_free(&r);
	r = live_request(srv.port, "POST", "/update", "Content-Encoding: br\r\n",
		       json, strlen(json), 5000);
	cr_assert_eq(r.status, 415, "Content-Encoding: br: %d", r.status);
	reply_free(&r);
	strbuf_release(&z);
	teardown();
}

Test(app, responses_are_gzipped_when_the_client_accepts_it)
{
	setup();
	struct strbuf batch = STRBUF_INIT, plain = STRBUF_INIT;
	char enc[32], why[128];

	/* enough metrics for an index page above HTTP_GZIP_MIN */
	strbuf_addch(&batch, '[');
	for (int i = 0; i < 40; i++)
		strbuf_addf(&batch, "%s{\"id\":\"metric_%02d\",\"type\":"
			    "\"gauge\",\"value\":%d}", i ? "," : "", i, i);
	strbuf_addch(&batch, ']');
	expect("POST", "/updates", batch.buf, 200, NULL);
	struct reply r = live_request(srv.port, "GET", "/",
				    "Accept-Encoding: deflate, gzip\r\n", NULL,
				    0, 5000);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(reply_header(&r, "Content-Encoding", enc, sizeof enc),
			   "no Content-Encoding on a gzip'd reply");
	cr_assert_str_eq(enc, "gzip");
	cr_assert((unsigned char)r.body.buf[0] == 0x1f &&
			  (unsigned char)r.body.buf[1] == 0x8b,
		  "the body does not start with gzip's magic number");
	cr_assert_eq(http_gunzip(r.body.buf, r.body.len, 1 << 20, &plain, why,
				 sizeof why), 0, "%s", why);
	cr_assert(strstr(plain.buf, "<td>metric_39</td>") != NULL,
		  "the inflated page lacks the last metric:\n%s", plain.buf);
	cr_assert_lt(r.body.len, plain.len / 2, "gzip'd %zu bytes into %zu",
		     plain.len, r.body.len);
	reply_free(&r);
	/* gzip;q=0 means "not gzip"; a short body is sent as it is */
	r = live_request(srv.port, "GET", "/", "Accept-Encoding: gzip;q=0\r\n",
		       NULL, 0, 5000);
	cr_assert_null(reply_header(&r, "Content-Encoding", enc, sizeof enc),
		       "gzip;q=0 means no gzip");
	cr_assert_eq(r.body.len, plain.len);
	reply_free(&r);
	r = live_request(srv.port, "GET", "/value/gauge/metric_07",
		       "Accept-Encoding: gzip\r\n", NULL, 0, 5000);
	cr_assert_null(reply_header(&r, "Content-Encoding", enc, sizeof enc),
		       "a 1-byte body is not worth gzip");
	cr_assert_str_eq(r.body.buf, "7");
	reply_free(&r);
	strbuf_release(&plain);
	strbuf_release(&batch);
	teardown();
}

Test(app, index_lists_every_metric_in_html)
{
	setup();
	char type[64];

	expect("POST", "/update/gauge/b_gauge/2", "", 200, NULL);
	expect("POST", "/update/counter/a_counter/1", "", 200, NULL);
	struct reply r = live_get(srv.port, "/");
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(reply_header(&r, "Content-Type", type, sizeof type));
	cr_assert(strncmp(type, "text/html", 9) == 0, "Content-Type %s", type);
	const char *a = strstr(r.body.buf, "<td>a_counter</td><td>counter</td><td>1</td>");
	const char *b = strstr(r.body.buf, "<td>b_gauge</td><td>gauge</td><td>2</td>");
	cr_assert(a && b && a < b, "expected both rows, sorted by name:\n%s",
		  r.body.buf);
	reply_free(&r);
	teardown();
}

Test(app, malformed_http_gets_4xx_and_the_server_keeps_serving)
{
	setup();
	static const char *const garbage[] = {
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
		"GET\r\n\r\n",
		"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
		"POST /update HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		struct strbuf out = live_raw(srv.port, garbage[i], strlen(garbage[i]),
					   3000);
		/* an answer, if any, must be a 4xx or 505 */
		if (out.len > 0)
			cr_assert(strncmp(out.buf, "HTTP/1.1 4", 10) == 0 ||
					  strncmp(out.buf, "HTTP/1.1 505", 12) == 0,
				  "garbage %zu got: %.80s", i, out.buf);
		strbuf_release(&out);
		expect("GET", "/", NULL, 200, NULL);
	}
	teardown();
}

Test(app, errors_keep_the_connection_alive)
{
	setup();
	/* Two requests on one connection, the first an error: a server that
	 * closes after errors costs a load generator a reconnect each. */
	const char *two = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
			  "GET /value/gauge/none HTTP/1.1\r\nHost: x\r\n"
			  "Connection: close\r\n\r\n";
	struct strbuf out = live_raw(srv.port, two, strlen(two), 3000);
	const char *second = strstr(out.buf + 1, "HTTP/1.1 ");

	cr_assert(strncmp(out.buf, "HTTP/1.1 404", 12) == 0 && second != NULL &&
			  strncmp(second, "HTTP/1.1 404", 12) == 0,
		  "expected two 404s on one connection, got:\n%s", out.buf);
	strbuf_release(&out);
	teardown();
}

struct adder {
	uint16_t port;
	int n;
	int failed;
};

static void *add_ones(void *arg)
{
	struct adder *a = arg;

	for (int i = 0; i < a->n; i++) {
		struct reply r = live_post(a->port, "/update/counter/shared/1", "");
		if (r.status != 200)
			a->failed++;
		reply_free(&r);
	}
	return NULL;
}

Test(app, concurrent_counter_updates_all_count)
{
	setup();
	enum { THREADS = 4, EACH = 150 };
	pthread_t tid[THREADS];
	struct adder adders[THREADS];
	char want[32];

	for (int t = 0; t < THREADS; t++) {
		adders[t] = (struct adder){ srv.port, EACH, 0 };
		pthread_create(&tid[t], NULL, add_ones, &adders[t]);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(tid[t], NULL);
		cr_assert_eq(adders[t].failed, 0, "%d updates failed",
			     adders[t].failed);
	}
	snprintf(want, sizeof want, "%d", THREADS * EACH);
	expect("GET", "/value/counter/shared", NULL, 200, want);
	teardown();
}

Test(app, state_survives_a_restart)
{
	setup();
	char path[128];
	struct stat st;

	expect("POST", "/update/counter/kept/41", "", 200, NULL);
	expect("POST", "/update/counter/kept/1", "", 200, NULL);
	expect("POST", "/update/gauge/pi/3.141592653589793", "", 200, NULL);
	cr_assert_eq(live_stop_server(&srv), 0, "the final save failed");
	snprintf(path, sizeof path, "%s/metrics.json", srv.dir);
	cr_assert_eq(stat(path, &st), 0, "no store file after a clean stop");
	live_restart(&srv);
	expect("GET", "/value/counter/kept", NULL, 200, "42");
	expect("GET", "/value/gauge/pi", NULL, 200, "3.141592653589793");
	/* counters go on adding from the restored total */
	expect("POST", "/update/counter/kept/8", "", 200, "50");
	teardown();
}

Test(app, state_is_saved_on_the_interval)
{
	setup();
	char path[128];
	struct config cfg = srv.cfg;

	live_stop(&srv);
	cfg.save_interval = 1;
	live_start(&srv, &cfg);
	expect("POST", "/update/gauge/periodic/7", "", 200, NULL);
	snprintf(path, sizeof path, "%s/metrics.json", srv.dir);
	json_t *doc = NULL;
	for (int i = 0; i < 60 && doc == NULL; i++) {
		usleep(50000);
		doc = json_load_file(path, 0, NULL);
	}
	cr_assert_not_null(doc, "nothing saved within 3 s at a 1 s interval");
	cr_assert(json_is_array(doc) && json_array_size(doc) == 1,
		  "expected the one metric in the file");
	json_decref(doc);
	teardown();
}
