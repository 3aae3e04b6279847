/*
 * debug.c - the debug listener. Exercise 4.7: fill in every TODO(4.7).
 *
 * debug.h is the contract, endpoint by endpoint; the tests in
 * debug_test.c hold you to it. The routing at the bottom is given: it
 * finds the endpoint, answers 404/405/413, collects POST bodies, and calls
 * the serve_*() function you write. http.h has helpers for building
 * responses (http_response_strbuf, http_error, http_queue), procinfo.h the
 * process and allocator figures, stats.h the request counts, heapprof.h
 * the heap profiler. Start with debug_start(): no test passes without it.
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
	/* TODO(4.7): add what the profile handler and debug_stop need: how
	 * to allow one profile at a time, and how to wake a sleeping one. */
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

/* What every endpoint answers until you write it. */
static enum MHD_Result not_yet(struct MHD_Connection *conn, const char *what)
{
	return http_error(conn, MHD_HTTP_NOT_IMPLEMENTED, "TODO(4.7): %s", what);
}

/* ---- /debug/pprof/ --------------------------------------------------- */

static enum MHD_Result serve_index(struct debug_server *ds,
				   struct MHD_Connection *conn)
{
	/* TODO(4.7): an HTML page linking every endpoint of debug.h. */
	(void)ds;
	return not_yet(conn, "the index");
}

/* ---- /debug/pprof/profile -------------------------------------------- */

static enum MHD_Result serve_profile(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	/* TODO(4.7): check `seconds` (400 outside 1..cap), take the one
	 * profile slot or answer Go's 500, mkstemp + ProfilerStart, sleep
	 * the whole time whatever SIGPROF does (and wake for debug_stop),
	 * ProfilerStop, unlink, and send the file from its descriptor. */
	(void)ds;
	return not_yet(conn, "the CPU profile");
}

/* ---- /debug/pprof/heap ------------------------------------------------ */

static enum MHD_Result serve_heap(struct debug_server *ds,
				  struct MHD_Connection *conn)
{
	/* TODO(4.7): the heap profile when heapprof runs, else the
	 * allocator's figures as "# name = value" lines; 400 for seconds. */
	(void)ds;
	return not_yet(conn, "the heap");
}

/* ---- /debug/pprof/symbol ---------------------------------------------- */

static enum MHD_Result serve_symbol(struct debug_server *ds,
				    struct MHD_Connection *conn,
				    const char *method, const struct strbuf *body)
{
	/* TODO(4.7): "num_symbols: 1\n", then for a POST one line per
	 * address of the body that dladdr() names. Any input is safe. */
	(void)ds;
	(void)method;
	(void)body;
	return not_yet(conn, "symbols");
}

/* ---- /debug/pprof/cmdline ---------------------------------------------- */

static enum MHD_Result serve_cmdline(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	/* TODO(4.7): the command line, arguments separated by NUL. */
	(void)ds;
	return not_yet(conn, "the command line");
}

/* ---- /debug/vars ---------------------------------------------------- */

static enum MHD_Result serve_vars(struct debug_server *ds,
				  struct MHD_Connection *conn)
{
	/* TODO(4.7): JSON with cmdline, memstats and requests (debug.h). */
	(void)ds;
	return not_yet(conn, "/debug/vars");
}

/* ---- /metrics ------------------------------------------------------- */

static enum MHD_Result serve_metrics(struct debug_server *ds,
				     struct MHD_Connection *conn)
{
	/* TODO(4.7): Prometheus text: the process_* figures, requests by
	 * route and code, and the latency histogram (cumulative buckets). */
	(void)ds;
	return not_yet(conn, "/metrics");
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

	*out = NULL;
	if (ds == NULL)
		return -1;
	ds->cfg = *cfg;
	/* TODO(4.7): set up what your profile handler needs, start the heap
	 * profiler if cfg->heap_profile, then start an MHD daemon calling
	 * debug_access_handler (with ds) and request_completed: one thread
	 * per connection, listening on exactly cfg->addr, with the limits
	 * and timeout of debug.h. On failure undo it all, set errno, -1. */
	(void)debug_access_handler; /* the two callbacks are yours to pass */
	(void)request_completed;
	free(ds);
	errno = ENOSYS;
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
	/* TODO(4.7): wake a profile in progress first (MHD_stop_daemon waits
	 * for every connection's thread), stop the heap profiler if you
	 * started it, release what debug_start set up. */
	MHD_stop_daemon(ds->daemon);
	free(ds);
}
