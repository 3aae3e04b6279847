/* MUTANT for the grader's self-test: span_to_json never pre-sizes the strbuf: a fresh one grows by doubling, five allocations. */
/*
 * span.c - one span as one JSON object (reference solution for exercise
 * 4.6): pre-size the strbuf once, then one writer call per token.
 */
#include "span.h"

#include <string.h>

#include "jsonw.h"

/*
 * The bytes that do not depend on the span's contents: every key with its
 * quotes and colon, the braces, brackets and commas, and the widest
 * status, bool and double. Counted from the format in span.h; a test
 * checks that the hint is never short for spans without escapes.
 */
#define FIXED_BYTES                                                        \
	(sizeof "{\"trace_id\":\"\",\"span_id\":\"\",\"name\":\"\","       \
		"\"service\":\"\",\"start_unix_ns\":,\"duration_ns\":,"    \
		"\"status\":-2147483648,\"error\":false,\"cpu_ms\":,"      \
		"\"sample_rate\":,\"attrs\":{},\"events_ns\":[]}")
#define INT64_BYTES 20  /* "-9223372036854775808" */
#define DOUBLE_BYTES 26 /* '-', 17 digits, '.', "e-308", and a spare */

size_t span_json_size_hint(const struct span *s)
{
	size_t n = FIXED_BYTES + 2 * INT64_BYTES + 2 * DOUBLE_BYTES;

	n += strlen(s->trace_id) + strlen(s->span_id) + strlen(s->name) +
	     strlen(s->service);
	for (size_t i = 0; i < s->nattrs; i++) /* ,"key":"value" */
		n += 6 + strlen(s->attrs[i].key) + strlen(s->attrs[i].value);
	n += s->nevents * (1 + INT64_BYTES);   /* ,digits */
	return n;
}

int span_to_json(struct strbuf *sb, const struct span *s)
{
	struct jsonw w;

	/*
	 * Pre-size: one grow to the hint, so a fresh strbuf allocates once
	 * instead of doubling its way up (64, 128, 256, 512 bytes...), and a
	 * pooled one, already big enough, not at all. Without it the writer
	 * still works, growing token by token.
	 */
	jsonw_init(&w, sb);
	jsonw_begin_object(&w);
	jsonw_key(&w, "trace_id");
	jsonw_string(&w, s->trace_id);
	jsonw_key(&w, "span_id");
	jsonw_string(&w, s->span_id);
	jsonw_key(&w, "name");
	jsonw_string(&w, s->name);
	jsonw_key(&w, "service");
	jsonw_string(&w, s->service);
	jsonw_key(&w, "start_unix_ns");
	jsonw_int(&w, s->start_unix_ns);
	jsonw_key(&w, "duration_ns");
	jsonw_int(&w, s->duration_ns);
	jsonw_key(&w, "status");
	jsonw_int(&w, s->status);
	jsonw_key(&w, "error");
	jsonw_bool(&w, s->error);
	jsonw_key(&w, "cpu_ms");
	jsonw_double(&w, s->cpu_ms);
	jsonw_key(&w, "sample_rate");
	jsonw_double(&w, s->sample_rate);
	jsonw_key(&w, "attrs");
	jsonw_begin_object(&w);
	for (size_t i = 0; i < s->nattrs; i++) {
		jsonw_key(&w, s->attrs[i].key);
		jsonw_string(&w, s->attrs[i].value);
	}
	jsonw_end_object(&w);
	jsonw_key(&w, "events_ns");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < s->nevents; i++)
		jsonw_int(&w, s->events_ns[i]);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	/* One check for the whole record: a NaN anywhere rolls it all back. */
	return jsonw_finish(&w);
}
