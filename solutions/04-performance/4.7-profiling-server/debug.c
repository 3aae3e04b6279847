/*
 * debug.c - the debug listener (reference solution for exercise 4.7): Go's
 * /debug/pprof, /debug/vars and a Prometheus /metrics, in C, on a
 * loopback-only libmicrohttpd daemon of its own. debug.h is the contract.
 */
#include "debug.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gperftools/profiler.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "heapprof.h"
#include "http.h"
#include "procinfo.h"
#include "strbuf.h"

struct debug_server {
	struct MHD_Daemon *daemon;
	struct debug_config cfg;
	bool heap_started; /* we started the heap profiler: we stop it */

	/*
	 * One CPU profile at a time. gperftools has one profiler per
	 * process, and ProfilerStart() does refuse a second start, but that
	 * alone is not enough: the loser must also not go on to call
	 * ProfilerStop() at the end of its sleep, cutting the winner's
	 * profile short. The lock makes "I own the profiler" explicit, and
	 * trylock answers the loser at once instead of queueing it.
	 */
	pthread_mutex_t profile_lock;

	/* The profile handler sleeps on this condition variable; debug_stop
	 * sets `stopping` and broadcasts, so shutdown never waits for it. */
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;
};

/* Go's error form (net/http/pprof serveError): text/plain, the reason on
 * one line, and X-Go-Pprof: 1 so that pprof tools show the body. */
static enum MHD_Result pprof_error(struct MHD_Connection *conn,
				   unsigned status, const char *text)
{
	struct MHD_Response *resp = http_response_printf(HTTP_TEXT, "%s\n", text);

	if (resp)
		MHD_add_response_header(resp, "X-Go-Pprof", "1");
	return http_queue(conn, status, resp);
}

/* ---- /debug/pprof/ --------------------------------------------------- */

static enum MHD_Result serve_index(struct debug_server *ds,
				   struct MHD_Connection *conn)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>/debug/pprof/</title></head><body>\n"
		"<h1>/debug/pprof/</h1>\n<table>\n"
		"<tr><td><a href=\"profile?seconds=30\">profile</a></td><td>"
		"CPU profile (gperftools). Add ?seconds=N (1 to 60); read it "
		"with google-pprof --text ./server URL.</td></tr>\n"
		"<tr><td><a href=\"heap\">heap</a></td><td>Allocator "
		"figures, or with --heap-profile a gperftools heap profile."
		"</td></tr>\n"
		"<tr><td><a href=\"symbol\">symbol</a></td><td>Address to "
		"function name, for google-pprof (POST 0xADDR+0xADDR).</td>"
		"</tr>\n"
		"<tr><td><a href=\"cmdline\">cmdline</a></td><td>The command "
		"line, arguments separated by NUL bytes.</td></tr>\n"
		"<tr><td><a href=\"/debug/vars\">/debug/vars</a></td><td>"
		"Memory and request counts as JSON.</td></tr>\n"
		"<tr><td><a href=\"/metrics\">/metrics</a></td><td>The same "
		"for Prometheus.</td></tr>\n"
		"</table>\n</body></html>\n";

	(void)ds;
	/* A static page: PERSISTENT would skip even the copy, but
	 * http_response_copy keeps every response the same kind. */
	return http_queue(conn, MHD_HTTP_OK,
			  http_response_copy(HTTP_HTML, page, sizeof page - 1));
}

/* ---- /debug/pprof/profile -------------------------------------------- */

/*
 * `seconds` absent or empty: the default, as in Go. Otherwise only a
 * plain decimal from 1 to the cap. Go quietly turns "abc" or 0 into 30
 * seconds; we say 400 instead, because a typo that silently costs a
 * 30-second wait is worse than an error.
 */
static int parse_seconds(const char *text, unsigned *out)
{
	unsigned long v = 0;

	if (text == NULL || text[0] == '\0') {
		*out = DEBUG_PROFILE_SECONDS;
		return 0;
	}
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - text >= 6)
			return -1; /* not a digit, or absurdly long */
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > DEBUG_PROFILE_MAX_SECONDS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/*
 * Sleep until `seconds` have passed or debug_stop() is called; true when
 * stopped. Why a condition variable and an absolute deadline:
 *
 *  - The profiler's SIGPROF arrives ~100 times a second per busy CPU, on
 *    whichever thread is running. sleep() and nanosleep() return early
 *    with EINTR when a handler runs on their thread (SA_RESTART does not
 *    restart sleeps), so a relative sleep "for 30 s" ends after a few
 *    milliseconds, and re-sleeping "the rest" drifts.
 *  - pthread_cond_timedwait() against an absolute CLOCK_MONOTONIC
 *    deadline may wake spuriously, but the loop re-checks the deadline,
 *    which does not move, and wall-clock changes (NTP, date) cannot
 *    stretch or shrink it.
 *  - Unlike clock_nanosleep(TIMER_ABSTIME), it can also be woken on
 *    purpose: shutdown does not wait a minute for a profile.
 */
static bool sleep_unless_stopped(struct debug_server *ds, unsigned seconds)
{
	struct timespec deadline;
	bool stopped;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	pthread_mutex_lock(&ds->stop_lock);
	while (!ds->stopping &&
	       pthread_cond_timedwait(&ds->stop_cond, &ds->stop_lock,
				      &deadline) != ETIMEDOUT)
		;
	stopped = ds->stopping;
	pthread_mutex_unlock(&ds->stop_lock);
	return stopped;
}

static const char *temp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && dir[0] == '/' ? dir : "/tmp";
}

static enum MHD_Result serve_profile(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	char path[PATH_MAX];
	unsigned seconds;
	struct stat st;
	struct MHD_Response *resp;
	int fd;

	if (parse_seconds(http_query(conn, "seconds"), &seconds) != 0)
		return http_error(conn, MHD_HTTP_BAD_REQUEST,
				  "seconds must be a whole number from 1 to %d",
				  DEBUG_PROFILE_MAX_SECONDS);
	if (pthread_mutex_trylock(&ds->profile_lock) != 0)
		return pprof_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "Could not enable CPU profiling: cpu "
				   "profiling already in use");

	/*
	 * gperftools only writes to a named file. mkstemp() creates it with
	 * a name nobody can predict, mode 0600 (profiles are secrets: memory
	 * layout, addresses), O_EXCL so an attacker's symlink cannot be
	 * followed; ProfilerStart() then opens that same name and
	 * truncates it, keeping the mode. We keep our descriptor, so after
	 * unlink() the data lives on until MHD has sent it and closes it.
	 */
	if (snprintf(path, sizeof path, "%s/hotpath-cpu-XXXXXX", temp_dir()) >=
	    (int)sizeof path)
		strcpy(path, "/tmp/hotpath-cpu-XXXXXX");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		pthread_mutex_unlock(&ds->profile_lock);
		return http_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "Could not enable CPU profiling: temporary "
				  "file in %s: %s", temp_dir(), strerror(err));
	}
	if (!ProfilerStart(path)) {
		/* Someone else holds the profiler: CPUPROFILE=... in the
		 * environment starts one when the program loads. */
		unlink(path);
		close(fd);
		pthread_mutex_unlock(&ds->profile_lock);
		return pprof_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "Could not enable CPU profiling: cpu "
				   "profiling already in use");
	}
	bool stopped = sleep_unless_stopped(ds, seconds);
	ProfilerStop(); /* flushes and closes gperftools' own descriptor */
	unlink(path);
	pthread_mutex_unlock(&ds->profile_lock);

	if (stopped) {
		close(fd);
		return http_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "the server is shutting down");
	}
	if (fstat(fd, &st) != 0 ||
	    (resp = MHD_create_response_from_fd64((uint64_t)st.st_size,
						  fd)) == NULL) {
		close(fd);
		return http_queue(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
	}
	/* From here on the response owns fd and closes it. */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/octet-stream");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
				"attachment; filename=\"profile\"");
	return http_queue(conn, MHD_HTTP_OK, resp);
}

/* ---- /debug/pprof/heap ------------------------------------------------ */

static enum MHD_Result serve_heap(struct debug_server *ds,
				  struct MHD_Connection *conn)
{
	struct strbuf sb = STRBUF_INIT;
	struct heapinfo h;
	char *profile;

	(void)ds;
	if (http_query(conn, "seconds") != NULL)
		return http_error(conn, MHD_HTTP_BAD_REQUEST,
				  "\"seconds\" parameter is not supported: take "
				  "two profiles and compare them with "
				  "google-pprof --base=OLD");
	profile = heapprof_text();
	if (profile != NULL) {
		/* tcmalloc allocated it, and tcmalloc is this process's
		 * malloc now, so MHD's free() is the right one: the response
		 * adopts the text, up to 1 MiB, without copying it. */
		struct MHD_Response *resp = MHD_create_response_from_buffer(
			strlen(profile), profile, MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(profile);
		else
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
						HTTP_TEXT);
		return http_queue(conn, MHD_HTTP_OK, resp);
	}
	procinfo_heap(&h);
	strbuf_addstr(&sb, "# heap profiling is off: start the server with "
		      "--heap-profile for a profile google-pprof reads\n");
	strbuf_addf(&sb, "# allocator = %s\n", h.allocator);
	strbuf_addf(&sb, "# in_use_bytes = %" PRIu64 "\n", h.in_use_bytes);
	strbuf_addf(&sb, "# heap_bytes = %" PRIu64 "\n", h.heap_bytes);
	strbuf_addf(&sb, "# free_bytes = %" PRIu64 "\n", h.free_bytes);
	strbuf_addf(&sb, "# mmap_bytes = %" PRIu64 "\n", h.mmap_bytes);
	return http_queue(conn, MHD_HTTP_OK, http_response_strbuf(HTTP_TEXT, &sb));
}

/* ---- /debug/pprof/symbol ---------------------------------------------- */

/* One word of the POST body: "0x4005d0", or decimal, as strtoull with
 * base 0 reads it (Go uses ParseUint(word, 0, 64)). 0 for anything else. */
static uintptr_t parse_address(const char *word, size_t len)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, word, len);
	buf[len] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return 0; /* strtoull would accept spaces and signs */
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 0);
	if (*end != '\0' || errno != 0 || v > UINTPTR_MAX)
		return 0;
	return (uintptr_t)v;
}

static enum MHD_Result serve_symbol(struct debug_server *ds,
				    struct MHD_Connection *conn,
				    const char *method, const struct strbuf *body)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = body->buf, *end = body->buf + body->len;

	(void)ds;
	/* google-pprof only checks that this is not 0 ("symbols exist") */
	strbuf_addstr(&out, "num_symbols: 1\n");
	while (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && p < end) {
		const char *plus = memchr(p, '+', (size_t)(end - p));
		const char *word_end = plus ? plus : end;
		uintptr_t pc = parse_address(p, (size_t)(word_end - p));
		Dl_info info;

		/*
		 * dladdr() only reads the dynamic linker's tables, never the
		 * address itself, so any number is safe to ask about. It
		 * knows the dynamic symbol table: functions of the program
		 * need -rdynamic to be in it, and static functions never
		 * are. It can succeed and still leave dli_sname NULL (an
		 * address inside a library but before its first symbol).
		 */
		if (pc != 0 && dladdr((void *)pc, &info) != 0 &&
		    info.dli_sname != NULL)
			strbuf_addf(&out, "%#" PRIxPTR " %s\n", pc,
				    info.dli_sname);
		p = word_end + 1;
	}
	return http_queue(conn, MHD_HTTP_OK, http_response_strbuf(HTTP_TEXT, &out));
}

/* ---- /debug/pprof/cmdline ---------------------------------------------- */

static enum MHD_Result serve_cmdline(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	struct strbuf sb = STRBUF_INIT;

	(void)ds;
	if (procinfo_cmdline(&sb) != 0) {
		strbuf_release(&sb);
		return http_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "reading /proc/self/cmdline: %s",
				  strerror(errno));
	}
	/* /proc ends every argument with a NUL; Go's answer separates
	 * them, with none after the last. */
	if (sb.len > 0 && sb.buf[sb.len - 1] == '\0')
		sb.len--;
	return http_queue(conn, MHD_HTTP_OK, http_response_strbuf(HTTP_TEXT, &sb));
}

/* ---- /debug/vars ---------------------------------------------------- */

/*
 * jansson builds the document: the command line can hold any byte, and
 * escaping it for JSON by hand is where bugs live. json_pack's "I" takes
 * a json_int_t (long long); our figures are uint64_t, so they are clamped
 * rather than allowed to turn negative.
 */
static json_int_t jint(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v;
}

static json_t *cmdline_json(void)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *args = json_array();

	if (args == NULL || procinfo_cmdline(&sb) != 0) {
		strbuf_release(&sb);
		return args;
	}
	for (size_t at = 0; at < sb.len; at += strlen(sb.buf + at) + 1)
		json_array_append_new(args, json_stringn_nocheck(
					  sb.buf + at, strlen(sb.buf + at)));
	strbuf_release(&sb);
	return args;
}

static json_t *requests_json(const struct stats *stats)
{
	json_t *routes = json_object();
	struct stats_snapshot *snap;

	if (routes == NULL || stats == NULL)
		return routes;
	/* ~30 KB: too big for a thread stack we did not size ourselves */
	snap = malloc(sizeof *snap);
	if (snap == NULL)
		return routes;
	stats_read(stats, snap);
	for (int r = 0; r < ROUTE_COUNT; r++) {
		json_t *codes = NULL;
		for (int c = STATS_CODE_MIN; c <= STATS_CODE_MAX; c++) {
			uint64_t n = snap->routes[r].by_code[c - STATS_CODE_MIN];
			char key[8];
			if (n == 0)
				continue;
			if (codes == NULL)
				codes = json_object();
			snprintf(key, sizeof key, "%d", c);
			json_object_set_new(codes, key, json_integer(jint(n)));
		}
		if (codes != NULL)
			json_object_set_new(routes, route_name((enum route)r),
					    codes);
	}
	free(snap);
	return routes;
}

static enum MHD_Result serve_vars(struct debug_server *ds,
				  struct MHD_Connection *conn)
{
	struct procinfo p;
	struct heapinfo h;
	json_t *doc;
	char *text;
	struct MHD_Response *resp = NULL;

	procinfo_read(&p);
	procinfo_heap(&h);
	doc = json_pack("{s:o, s:{s:s, s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
			"cmdline", cmdline_json(),
			"memstats",
			"allocator", h.allocator,
			"in_use_bytes", jint(h.in_use_bytes),
			"heap_bytes", jint(h.heap_bytes),
			"free_bytes", jint(h.free_bytes),
			"mmap_bytes", jint(h.mmap_bytes),
			"resident_bytes", jint(p.resident_bytes),
			"virtual_bytes", jint(p.virtual_bytes),
			"requests", requests_json(ds->cfg.stats));
	/* json_pack's "o" steals the references, even on failure. */
	text = doc ? json_dumps(doc, JSON_INDENT(1)) : NULL;
	json_decref(doc);
	if (text != NULL) {
		/* MUST_FREE hands text to MHD, which free()s it: json_dumps
		 * allocates with malloc, as MHD expects. */
		resp = MHD_create_response_from_buffer(strlen(text), text,
						       MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(text);
		else
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
						"application/json; charset=utf-8");
	}
	return http_queue(conn, MHD_HTTP_OK, resp);
}

/* ---- /metrics ------------------------------------------------------- */

static void family(struct strbuf *sb, const char *name, const char *type,
		   const char *help)
{
	strbuf_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge_u64(struct strbuf *sb, const char *name, const char *help,
		      uint64_t v)
{
	family(sb, name, "gauge", help);
	strbuf_addf(sb, "%s %" PRIu64 "\n", name, v);
}

static void render_requests(struct strbuf *sb, const struct stats_snapshot *s)
{
	family(sb, "http_requests_total", "counter",
	       "Requests the metrics API answered, by route and status code.");
	for (int r = 0; r < ROUTE_COUNT; r++)
		for (int c = STATS_CODE_MIN; c <= STATS_CODE_MAX; c++) {
			uint64_t n = s->routes[r].by_code[c - STATS_CODE_MIN];
			if (n != 0)
				strbuf_addf(sb, "http_requests_total{route=\"%s\","
					    "code=\"%d\"} %" PRIu64 "\n",
					    route_name((enum route)r), c, n);
		}

	/*
	 * Prometheus buckets are cumulative: le="0.001" counts every request
	 * of at most 1 ms, including those in le="0.0005". stats.h keeps
	 * them per bucket, so we add as we go; the running total at "+Inf"
	 * is the count, printed from that same sum so the two always agree.
	 */
	family(sb, "http_request_duration_seconds", "histogram",
	       "Time from a request's headers to its response, by route.");
	for (int r = 0; r < ROUTE_COUNT; r++) {
		const struct stats_route *sr = &s->routes[r];
		const char *name = route_name((enum route)r);
		uint64_t cumulative = 0;

		for (int b = 0; b <= STATS_BUCKETS; b++) {
			cumulative += sr->buckets[b];
			if (b < STATS_BUCKETS)
				strbuf_addf(sb, "http_request_duration_seconds_bucket"
					    "{route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
					    name, stats_bucket_le[b], cumulative);
			else
				strbuf_addf(sb, "http_request_duration_seconds_bucket"
					    "{route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
					    name, cumulative);
		}
		strbuf_addf(sb, "http_request_duration_seconds_sum{route=\"%s\"} "
			    "%.9f\n", name, (double)sr->sum_ns / 1e9);
		strbuf_addf(sb, "http_request_duration_seconds_count{route=\"%s\"} "
			    "%" PRIu64 "\n", name, cumulative);
	}
}

static enum MHD_Result serve_metrics(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	struct strbuf sb = STRBUF_INIT;
	struct procinfo p;
	struct heapinfo h;

	procinfo_read(&p);
	procinfo_heap(&h);
	/* The standard process collector's names and help texts, so
	 * dashboards made for any Prometheus client work unchanged. */
	family(&sb, "process_cpu_seconds_total", "counter",
	       "Total user and system CPU time spent in seconds.");
	strbuf_addf(&sb, "process_cpu_seconds_total %.6f\n", p.cpu_seconds);
	gauge_u64(&sb, "process_resident_memory_bytes",
		  "Resident memory size in bytes.", p.resident_bytes);
	gauge_u64(&sb, "process_virtual_memory_bytes",
		  "Virtual memory size in bytes.", p.virtual_bytes);
	gauge_u64(&sb, "process_open_fds", "Number of open file descriptors.",
		  p.open_fds);
	gauge_u64(&sb, "process_max_fds",
		  "Maximum number of open file descriptors.", p.max_fds);
	family(&sb, "process_start_time_seconds", "gauge",
	       "Start time of the process since unix epoch in seconds.");
	strbuf_addf(&sb, "process_start_time_seconds %.2f\n", p.start_time);
	gauge_u64(&sb, "process_heap_bytes", "Process heap size in bytes.",
		  h.heap_bytes);
	if (ds->cfg.stats != NULL) {
		struct stats_snapshot *snap = malloc(sizeof *snap);
		if (snap == NULL) {
			strbuf_release(&sb);
			return http_queue(conn, MHD_HTTP_OK, NULL);
		}
		stats_read(ds->cfg.stats, snap);
		render_requests(&sb, snap);
		free(snap);
	}
	return http_queue(conn, MHD_HTTP_OK,
			  http_response_strbuf("text/plain; version=0.0.4; "
					       "charset=utf-8", &sb));
}

/* ---- Routing (given) --------------------------------------------------- */

enum { GET = 1, POST = 2 };

struct endpoint {
	const char *path;
	unsigned methods;
	enum { INDEX, PROFILE, HEAP, SYMBOL, CMDLINE, VARS, METRICS } what;
};

static const struct endpoint endpoints[] = {
	{ "/debug/pprof/", GET, INDEX },
	{ "/debug/pprof/profile", GET, PROFILE },
	{ "/debug/pprof/heap", GET, HEAP },
	{ "/debug/pprof/allocs", GET, HEAP },
	{ "/debug/pprof/symbol", GET | POST, SYMBOL },
	{ "/debug/pprof/cmdline", GET, CMDLINE },
	{ "/debug/vars", GET, VARS },
	{ "/metrics", GET, METRICS },
};

/* One request, across MHD's calls (*con_cls). */
struct request {
	const struct endpoint *ep;
	struct http_body body;
	bool answered;
};

static enum MHD_Result serve(struct debug_server *ds,
			     struct MHD_Connection *conn, const char *method,
			     struct request *req)
{
	switch (req->ep->what) {
	case INDEX:
		return serve_index(ds, conn);
	case PROFILE:
		return serve_profile(ds, conn);
	case HEAP:
		return serve_heap(ds, conn);
	case SYMBOL:
		return serve_symbol(ds, conn, method, &req->body.data);
	case CMDLINE:
		return serve_cmdline(ds, conn);
	case VARS:
		return serve_vars(ds, conn);
	case METRICS:
		return serve_metrics(ds, conn);
	}
	return http_queue(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
}

static const struct endpoint *find_endpoint(const char *url)
{
	for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
		if (strcmp(url, endpoints[i].path) == 0)
			return &endpoints[i];
	return NULL;
}

static enum MHD_Result not_found(struct MHD_Connection *conn, const char *url)
{
	if (strcmp(url, "/debug/pprof") == 0) {
		struct MHD_Response *resp =
			http_response_copy(HTTP_TEXT, "see /debug/pprof/\n", 18);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
						"/debug/pprof/");
		return http_queue(conn, MHD_HTTP_MOVED_PERMANENTLY, resp);
	}
	if (strncmp(url, "/debug/pprof/", 13) == 0)
		return pprof_error(conn, MHD_HTTP_NOT_FOUND, "Unknown profile");
	return http_error(conn, MHD_HTTP_NOT_FOUND, "no route %s", url);
}

static bool method_allowed(const struct endpoint *ep, const char *method)
{
	return (strcmp(method, MHD_HTTP_METHOD_GET) == 0 && (ep->methods & GET)) ||
	       (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && (ep->methods & POST));
}

static enum MHD_Result not_allowed(struct MHD_Connection *conn,
				   const struct endpoint *ep, const char *method)
{
	bool post = ep->methods & POST;
	struct MHD_Response *resp = http_response_printf(
		HTTP_TEXT, "%s wants %s, not %s\n", ep->path,
		post ? "GET or POST" : "GET", method);

	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					post ? "GET, POST" : "GET");
	return http_queue(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

/*
 * MHD's access handler (see http.h for the order of calls). Answers are
 * queued on the last call, once any body has arrived: a response queued
 * on the first call makes MHD close the connection after it.
 */
static enum MHD_Result debug_access_handler(void *cls,
					    struct MHD_Connection *conn,
					    const char *url, const char *method,
					    const char *version,
					    const char *upload_data,
					    size_t *upload_data_size,
					    void **con_cls)
{
	struct debug_server *ds = cls;
	struct request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		req = calloc(1, sizeof *req);
		if (req == NULL)
			return MHD_NO;
		*con_cls = req;
		req->ep = find_endpoint(url);
		req->body.limit = DEBUG_SYMBOL_BODY_MAX;
		strbuf_init(&req->body.data);
		/* A body declared too big is refused before it is sent (a
		 * client waiting with "Expect: 100-continue" never sends it);
		 * answering now also closes the connection, which is right
		 * for a request we will not read. */
		const char *length =
			http_header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length != NULL &&
		    strtoull(length, NULL, 10) > DEBUG_SYMBOL_BODY_MAX) {
			req->answered = true;
			return http_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					  "body over %d bytes",
					  DEBUG_SYMBOL_BODY_MAX);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Keep a body only for an endpoint that reads one. */
		if (!req->answered && req->ep != NULL &&
		    (req->ep->methods & POST) &&
		    http_body_add(&req->body, upload_data, *upload_data_size) != 0) {
			req->answered = true;
			if (errno == EMSGSIZE)
				http_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					   "body over %d bytes",
					   DEBUG_SYMBOL_BODY_MAX);
			else
				http_queue(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
					   NULL);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	req->answered = true;
	if (req->ep == NULL)
		return not_found(conn, url);
	if (!method_allowed(req->ep, method))
		return not_allowed(conn, req->ep, method);
	return serve(ds, conn, method, req);
}

static void request_completed(void *cls, struct MHD_Connection *conn,
			      void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	(void)cls, (void)conn, (void)toe;
	if (req != NULL) {
		strbuf_release(&req->body.data);
		free(req);
		*con_cls = NULL;
	}
}

/* ---- Life cycle ----------------------------------------------------- */

int debug_start(struct debug_server **out, const struct debug_config *cfg)
{
	struct debug_server *ds = calloc(1, sizeof *ds);
	pthread_condattr_t ca;
	int err;

	*out = NULL;
	if (ds == NULL)
		return -1;
	ds->cfg = *cfg;
	pthread_mutex_init(&ds->profile_lock, NULL);
	pthread_mutex_init(&ds->stop_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* see sleep_... */
	pthread_cond_init(&ds->stop_cond, &ca);
	pthread_condattr_destroy(&ca);

	if (cfg->heap_profile) {
		char prefix[PATH_MAX];
		snprintf(prefix, sizeof prefix, "%s/hotpath-heap.%ld",
			 temp_dir(), (long)getpid());
		if (heapprof_start(prefix) != 0) {
			err = errno;
			goto fail;
		}
		ds->heap_started = true;
	}

	/*
	 * Thread per connection, not the API's epoll pool: /profile blocks
	 * its handler for up to a minute, which in an event loop would
	 * stall every other connection of that thread. With a thread each,
	 * /metrics answers while a profile runs. Threads are expensive, so
	 * the connection limits are small, and nobody but us should be
	 * talking to this port anyway.
	 *
	 * MHD_OPTION_SOCK_ADDR binds exactly cfg->addr (loopback). Passing
	 * only the port as the second argument would bind 0.0.0.0: every
	 * interface, the mistake behind CVE-2019-11248 (the kubelet's
	 * /debug/pprof reachable from the network).
	 */
	ds->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			MHD_USE_POLL | MHD_USE_ERROR_LOG,
		0, NULL, NULL, debug_access_handler, ds,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&cfg->addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)DEBUG_CONNECTIONS_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)DEBUG_CONNECTIONS_PER_IP,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)DEBUG_TIMEOUT_SECONDS,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, ds,
		MHD_OPTION_END);
	if (ds->daemon == NULL) {
		err = errno ? errno : EADDRINUSE;
		goto fail;
	}
	*out = ds;
	return 0;
fail:
	if (ds->heap_started)
		heapprof_stop();
	pthread_mutex_destroy(&ds->profile_lock);
	pthread_mutex_destroy(&ds->stop_lock);
	pthread_cond_destroy(&ds->stop_cond);
	free(ds);
	errno = err;
	return -1;
}

uint16_t debug_port(const struct debug_server *ds)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(ds->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

void debug_stop(struct debug_server *ds)
{
	if (ds == NULL)
		return;
	/* Wake a sleeping profile first: MHD_stop_daemon waits for every
	 * connection thread, including the one sleeping in serve_profile. */
	pthread_mutex_lock(&ds->stop_lock);
	ds->stopping = true;
	pthread_cond_broadcast(&ds->stop_cond);
	pthread_mutex_unlock(&ds->stop_lock);
	MHD_stop_daemon(ds->daemon);
	if (ds->heap_started)
		heapprof_stop();
	pthread_mutex_destroy(&ds->profile_lock);
	pthread_mutex_destroy(&ds->stop_lock);
	pthread_cond_destroy(&ds->stop_cond);
	free(ds);
}
