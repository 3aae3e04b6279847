/*
 * jsonw_bench.c - one span to JSON text: your encoder writing into a
 * pooled strbuf, against building a cJSON tree and printing it, and
 * against jansson's json_pack and json_dumps, all in the same run.
 *
 *     make bench EX=4.6
 *     make bench EX=4.6 BENCHFLAGS='-bench Encode -count 10'
 *
 * One op is one span encoded and its text consumed. The span is a
 * realistic one (below): ids, names, six integers, two doubles with few
 * digits, a bool, four string attributes and three event times: 485
 * bytes of JSON.
 */
#include <cjson/cJSON.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "jsonw.h"
#include "span.h"

static const struct span_attr attrs[] = {
	{"http.method", "GET"},
	{"http.route", "/api/v1/users/{id}"},
	{"net.peer.ip", "10.1.4.27"},
	{"user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Firefox/126.0"},
};

static const int64_t events[] = {
	1718035200123500000, 1718035200124100000, 1718035200125900000,
};

static const struct span record = {
	.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
	.span_id = "00f067aa0ba902b7",
	.name = "GET /api/v1/users/{id}",
	.service = "user-service",
	.start_unix_ns = 1718035200123456789,
	.duration_ns = 1843211,
	.status = 200,
	.error = false,
	.cpu_ms = 1.25,
	.sample_rate = 0.1,
	.attrs = attrs,
	.nattrs = sizeof attrs / sizeof attrs[0],
	.events_ns = events,
	.nevents = sizeof events / sizeof events[0],
};

/* ---- Yours: a strbuf from the pool, encode, consume, put back ------------ */

static void encode_jsonw(struct bench *b)
{
	struct strbuf_pool bufs;

	if (strbuf_pool_init(&bufs) < 0) {
		bench_fail(b, "strbuf_pool_init failed (exercise 4.3)");
		return;
	}
	for (int warm = 0; warm < 2; warm++) { /* the pooled strbuf grows */
		struct strbuf *sb = strbuf_pool_get(&bufs);
		if (sb == NULL || span_to_json(sb, &record) < 0) {
			bench_fail(b, "span_to_json failed");
			strbuf_pool_release(&bufs);
			return;
		}
		bench_set_bytes(b, (int64_t)sb->len);
		strbuf_pool_put(&bufs, sb);
	}
	while (bench_loop(b)) {
		struct strbuf *sb = strbuf_pool_get(&bufs);
		span_to_json(sb, &record);
		bench_keep(sb->buf[sb->len / 2]);
		strbuf_pool_put(&bufs, sb);
	}
	strbuf_pool_release(&bufs);
}

/* A fresh strbuf per span: what pre-sizing buys (one allocation). */
static void encode_jsonw_fresh(struct bench *b)
{
	while (bench_loop(b)) {
		struct strbuf sb = STRBUF_INIT;
		span_to_json(&sb, &record);
		bench_keep(sb.buf[sb.len / 2]);
		strbuf_release(&sb);
	}
}

/* ---- cJSON: build the tree, print it unformatted, free both ------------- */

/* cJSON keeps every number as a double: the int64 fields lose their low
 * digits. It is here for its cost, not its output. */
static char *cjson_print(const struct span *s)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "trace_id", s->trace_id);
	cJSON_AddStringToObject(root, "span_id", s->span_id);
	cJSON_AddStringToObject(root, "name", s->name);
	cJSON_AddStringToObject(root, "service", s->service);
	cJSON_AddNumberToObject(root, "start_unix_ns", (double)s->start_unix_ns);
	cJSON_AddNumberToObject(root, "duration_ns", (double)s->duration_ns);
	cJSON_AddNumberToObject(root, "status", s->status);
	cJSON_AddBoolToObject(root, "error", s->error);
	cJSON_AddNumberToObject(root, "cpu_ms", s->cpu_ms);
	cJSON_AddNumberToObject(root, "sample_rate", s->sample_rate);
	cJSON *a = cJSON_AddObjectToObject(root, "attrs");
	for (size_t i = 0; i < s->nattrs; i++)
		cJSON_AddStringToObject(a, s->attrs[i].key, s->attrs[i].value);
	cJSON *e = cJSON_AddArrayToObject(root, "events_ns");
	for (size_t i = 0; i < s->nevents; i++)
		cJSON_AddItemToArray(e, cJSON_CreateNumber((double)s->events_ns[i]));
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

static void encode_cjson(struct bench *b)
{
	while (bench_loop(b)) {
		char *text = cjson_print(&record);
		bench_keep(text[0]);
		cJSON_free(text);
	}
}

/* ---- jansson: json_pack the whole record, json_dumps it ----------------- */

static char *jansson_print(const struct span *s)
{
	json_t *a = json_object(), *e = json_array();

	for (size_t i = 0; i < s->nattrs; i++)
		json_object_set_new(a, s->attrs[i].key,
				    json_string(s->attrs[i].value));
	for (size_t i = 0; i < s->nevents; i++)
		json_array_append_new(e, json_integer(s->events_ns[i]));
	json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:b, "
				 "s:f, s:f, s:o, s:o}",
				 "trace_id", s->trace_id, "span_id", s->span_id,
				 "name", s->name, "service", s->service,
				 "start_unix_ns", (json_int_t)s->start_unix_ns,
				 "duration_ns", (json_int_t)s->duration_ns,
				 "status", (int)s->status, "error", (int)s->error,
				 "cpu_ms", s->cpu_ms, "sample_rate", s->sample_rate,
				 "attrs", a, "events_ns", e);
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}

static void encode_jansson(struct bench *b)
{
	while (bench_loop(b)) {
		char *text = jansson_print(&record);
		bench_keep(text[0]);
		free(text);
	}
}

BENCHMARK(Encode)
{
	/* The baselines must at least produce something. */
	char *c = cjson_print(&record), *j = jansson_print(&record);
	if (c == NULL || j == NULL)
		bench_fail(b, "the cJSON or jansson baseline failed");
	cJSON_free(c);
	free(j);

	bench_run(b, encode_jsonw, NULL, "jsonw");
	bench_run(b, encode_jsonw_fresh, NULL, "jsonw-fresh");
	bench_run(b, encode_cjson, NULL, "cjson");
	bench_run(b, encode_jansson, NULL, "jansson");
}
