/*
 * app.c - the metrics API on libmicrohttpd, the saver thread, and the
 * wiring of the debug listener. See app.h for the routes.
 */
#include "app.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "debug.h"
#include "http.h"
#include "stats.h"

struct app {
	struct config cfg;
	struct store *store;
	struct stats *stats; /* NULL while the debug listener is off */
	struct MHD_Daemon *daemon;
	struct debug_server *debug;

	/* the saver: wakes every save_interval seconds, or when stopping */
	pthread_t saver;
	bool saver_running;
	pthread_mutex_t saver_lock;
	pthread_cond_t saver_wake;
	bool stopping;
	uint64_t saved_version;
};

/* What we remember about one request across MHD's calls (*con_cls). */
struct request {
	enum route route;
	const char *method_wanted; /* by the route: GET or POST */
	unsigned status; /* the status queued; 0 = nothing yet */
	uint64_t start_ns;
	struct http_body body;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Answering -------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *conn, struct request *req,
			     unsigned status, struct MHD_Response *resp)
{
	req->status = resp ? status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	return http_queue(conn, status, resp);
}

#define reply_error(conn, req, code, ...) \
	((req)->status = (code), http_error((conn), (code), __VA_ARGS__))

/* 200 with sb as the body, gzip'd when the client accepts it and the
 * body is worth it (HTTP_GZIP_MIN). */
static enum MHD_Result reply_ok(struct MHD_Connection *conn,
				struct request *req, const char *type,
				struct strbuf *sb)
{
	struct MHD_Response *resp;
	size_t sb_len = sb->len;
	bool gzip = sb_len >= HTTP_GZIP_MIN && http_accepts_gzip(conn);

	if (gzip) {
		struct strbuf z = STRBUF_INIT;
		if (http_gzip(sb->buf, sb->len, &z) != 0) {
			strbuf_release(&z);
			strbuf_release(sb);
			return reply(conn, req, 500, NULL);
		}
		strbuf_release(sb);
		resp = http_response_strbuf(type, &z);
		if (resp)
			MHD_add_response_header(resp, "Content-Encoding", "gzip");
	} else {
		resp = http_response_strbuf(type, sb);
	}
	/* Vary tells caches the answer depends on Accept-Encoding, which it
	 * does only for bodies long enough to be compressed. */
	if (resp && sb_len >= HTTP_GZIP_MIN)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	return reply(conn, req, MHD_HTTP_OK, resp);
}

/* ---- Routes ------------------------------------------------------------ */

/* Split a path into at most max segments ("/a/b/" -> "a", "b") in buf.
 * Returns how many there were (which may exceed max), or -1 when the path
 * does not fit in buf. */
static int split_path(const char *url, char *buf, size_t size,
		      char **seg, int max)
{
	size_t len = strlen(url);
	char *p = buf;
	int n = 0;

	if (len >= size)
		return -1;
	memcpy(buf, url, len + 1);
	if (len > 1 && buf[len - 1] == '/')
		buf[len - 1] = '\0'; /* "/update/" is "/update" */
	if (*p == '/')
		p++;
	if (*p == '\0')
		return 0; /* the root */
	for (;;) {
		char *slash = strchr(p, '/');
		if (n < max)
			seg[n] = p;
		n++;
		if (slash == NULL)
			return n;
		*slash = '\0';
		p = slash + 1;
	}
}

/* Which route a path is, and the method it wants. */
static enum route match_route(int n, char **seg, const char **method_wanted)
{
	*method_wanted = MHD_HTTP_METHOD_POST;
	if (n == 0) {
		*method_wanted = MHD_HTTP_METHOD_GET;
		return ROUTE_INDEX;
	}
	if (strcmp(seg[0], "update") == 0)
		return n == 1 ? ROUTE_UPDATE_JSON : ROUTE_UPDATE_URL;
	if (strcmp(seg[0], "updates") == 0 && n == 1)
		return ROUTE_UPDATES;
	if (strcmp(seg[0], "value") == 0) {
		if (n == 1)
			return ROUTE_VALUE_JSON;
		*method_wanted = MHD_HTTP_METHOD_GET;
		return ROUTE_VALUE_URL;
	}
	return ROUTE_UNMATCHED;
}

static enum MHD_Result update_url(struct app *a, struct MHD_Connection *conn,
				  struct request *req, int n, char **seg)
{
	char why[STORE_WHY_MAX];
	struct metric m;
	struct strbuf sb = STRBUF_INIT;

	if (n == 2)
		return reply_error(conn, req, MHD_HTTP_NOT_FOUND,
				   "metric name missing: POST /update/{type}/"
				   "{name}/{value}");
	if (n != 4)
		return reply_error(conn, req, n == 3 ? MHD_HTTP_BAD_REQUEST
						     : MHD_HTTP_NOT_FOUND,
				   "expected POST /update/{type}/{name}/{value}");
	if (metric_parse(&m, seg[1], seg[2], seg[3], why) != 0 ||
	    store_update(a->store, &m, 1, why) != 0)
		return reply_error(conn, req, MHD_HTTP_BAD_REQUEST, "%s", why);
	metric_value_print(&m, &sb);
	return reply_ok(conn, req, HTTP_TEXT, &sb);
}

static enum MHD_Result value_url(struct app *a, struct MHD_Connection *conn,
				 struct request *req, int n, char **seg)
{
	char why[STORE_WHY_MAX];
	enum metric_type type;
	struct metric m;
	struct strbuf sb = STRBUF_INIT;

	if (n != 3)
		return reply_error(conn, req, MHD_HTTP_NOT_FOUND,
				   "expected GET /value/{type}/{name}");
	if (metric_type_parse(seg[1], &type) != 0)
		return reply_error(conn, req, MHD_HTTP_BAD_REQUEST,
				   "metric type must be gauge or counter, not "
				   "\"%.40s\"", seg[1]);
	if (metric_name_check(seg[2], why) != 0)
		return reply_error(conn, req, MHD_HTTP_BAD_REQUEST, "%s", why);
	if (store_get(a->store, type, seg[2], &m) != 0)
		return reply_error(conn, req, MHD_HTTP_NOT_FOUND,
				   "no %s named %s", seg[1], seg[2]);
	metric_value_print(&m, &sb);
	return reply_ok(conn, req, HTTP_TEXT, &sb);
}

/* POST /update, /updates and /value: JSON in, JSON out. */
static enum MHD_Result json_route(struct app *a, struct MHD_Connection *conn,
				  struct request *req, const struct strbuf *body)
{
	char why[STORE_WHY_MAX];
	struct metric *ms;
	size_t n;
	bool batch = req->route == ROUTE_UPDATES;
	bool lookup = req->route == ROUTE_VALUE_JSON;
	struct strbuf sb = STRBUF_INIT;

	if (metric_json_parse(body->buf, body->len, batch, !lookup, &ms, &n,
			      why) != 0)
		return reply_error(conn, req, MHD_HTTP_BAD_REQUEST, "%s", why);
	if (lookup) {
		struct metric found;
		if (store_get(a->store, ms[0].type, ms[0].name, &found) != 0) {
			enum MHD_Result r = reply_error(
				conn, req, MHD_HTTP_NOT_FOUND, "no %s named %s",
				metric_type_name(ms[0].type), ms[0].name);
			free(ms);
			return r;
		}
		ms[0] = found;
	} else if (store_update(a->store, ms, n, why) != 0) {
		free(ms);
		return reply_error(conn, req, MHD_HTTP_BAD_REQUEST, "%s", why);
	}
	if (batch)
		strbuf_addch(&sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addch(&sb, ',');
		metric_json_print(&ms[i], &sb);
	}
	if (batch)
		strbuf_addch(&sb, ']');
	free(ms);
	return reply_ok(conn, req, HTTP_JSON, &sb);
}

static enum MHD_Result index_page(struct app *a, struct MHD_Connection *conn,
				  struct request *req)
{
	size_t n;
	struct metric *all = store_snapshot(a->store, &n);
	struct strbuf sb = STRBUF_INIT;

	if (all == NULL && n == SIZE_MAX)
		return reply(conn, req, 500, NULL);
	/* Names hold no HTML-special character (metric_name_check), so
	 * they need no escaping here. */
	strbuf_addstr(&sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		      "<title>metrics</title></head><body>\n<table>\n"
		      "<tr><th>name</th><th>type</th><th>value</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&sb, "<tr><td>%s</td><td>%s</td><td>", all[i].name,
			    metric_type_name(all[i].type));
		metric_value_print(&all[i], &sb);
		strbuf_addstr(&sb, "</td></tr>\n");
	}
	strbuf_addstr(&sb, "</table>\n</body></html>\n");
	free(all);
	return reply_ok(conn, req, HTTP_HTML, &sb);
}

/* The last call for a request: everything has arrived. */
static enum MHD_Result handle(struct app *a, struct MHD_Connection *conn,
			      const char *url, struct request *req)
{
	char buf[1024], *seg[4];
	int n = split_path(url, buf, sizeof buf, seg, 4);
	const char *encoding;
	struct strbuf inflated = STRBUF_INIT;
	const struct strbuf *body = &req->body.data;
	enum MHD_Result r;

	switch (req->route) {
	case ROUTE_INDEX:
		return index_page(a, conn, req);
	case ROUTE_UPDATE_URL:
		return update_url(a, conn, req, n, seg);
	case ROUTE_VALUE_URL:
		return value_url(a, conn, req, n, seg);
	case ROUTE_UPDATE_JSON:
	case ROUTE_UPDATES:
	case ROUTE_VALUE_JSON:
		break;
	default:
		return reply_error(conn, req, MHD_HTTP_NOT_FOUND, "no route %s",
				   url);
	}
	encoding = http_header(conn, MHD_HTTP_HEADER_CONTENT_ENCODING);
	if (encoding != NULL && strcasecmp(encoding, "gzip") == 0) {
		char why[STORE_WHY_MAX];
		if (http_gunzip(body->buf, body->len, a->cfg.body_limit,
				&inflated, why, sizeof why) != 0) {
			strbuf_release(&inflated);
			return reply_error(conn, req,
					   errno == EMSGSIZE ? MHD_HTTP_CONTENT_TOO_LARGE
					   : errno == ENOMEM ? MHD_HTTP_INTERNAL_SERVER_ERROR
							     : MHD_HTTP_BAD_REQUEST,
					   "%s", why);
		}
		body = &inflated;
	} else if (encoding != NULL && strcasecmp(encoding, "identity") != 0) {
		return reply_error(conn, req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				   "Content-Encoding %.40s is not supported "
				   "(gzip is)", encoding);
	}
	r = json_route(a, conn, req, body);
	strbuf_release(&inflated);
	return r;
}

/*
 * libmicrohttpd's access handler: see "LIBMICROHTTPD IN ONE PARAGRAPH" in
 * http.h for the order of calls. Every answer, errors included, is queued
 * on the last call: a response queued on the first call makes MHD close
 * the connection afterwards (it cannot know what the rest of the request
 * held), and a load generator on keep-alive connections would then pay a
 * new TCP connection per request. The one exception is a body declared
 * too large: there closing the connection is the point.
 */
static enum MHD_Result app_access_handler(void *cls,
					  struct MHD_Connection *conn,
					  const char *url, const char *method,
					  const char *version,
					  const char *upload_data,
					  size_t *upload_data_size,
					  void **con_cls)
{
	struct app *a = cls;
	struct request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		char buf[1024], *seg[4];
		const char *length;
		int n = split_path(url, buf, sizeof buf, seg, 4);

		req = calloc(1, sizeof *req);
		if (req == NULL)
			return MHD_NO;
		req->start_ns = a->stats ? now_ns() : 0;
		req->body.limit = a->cfg.body_limit;
		strbuf_init(&req->body.data);
		*con_cls = req;
		req->route = n < 0 ? ROUTE_UNMATCHED
				   : match_route(n, seg, &req->method_wanted);
		/* Refuse a body we would refuse anyway before reading it. */
		length = http_header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length != NULL &&
		    strtoull(length, NULL, 10) > a->cfg.body_limit)
			return reply_error(conn, req, MHD_HTTP_CONTENT_TOO_LARGE,
					   "request body over %zu bytes",
					   a->cfg.body_limit);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (req->status == 0 &&
		    http_body_add(&req->body, upload_data, *upload_data_size) != 0) {
			if (errno == EMSGSIZE)
				reply_error(conn, req, MHD_HTTP_CONTENT_TOO_LARGE,
					    "request body over %zu bytes",
					    a->cfg.body_limit);
			else
				reply(conn, req, 500, NULL);
		}
		*upload_data_size = 0; /* consumed (or dropped after an error) */
		return MHD_YES;
	}
	if (req->status != 0)
		return MHD_YES; /* answered already */
	if (req->route == ROUTE_UNMATCHED)
		return reply_error(conn, req, MHD_HTTP_NOT_FOUND, "no route %s",
				   url);
	if (strcmp(method, req->method_wanted) != 0) {
		struct MHD_Response *resp = http_response_printf(
			HTTP_TEXT, "%s wants %s, not %s\n",
			route_name(req->route), req->method_wanted, method);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
						req->method_wanted);
		return reply(conn, req, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
	}
	return handle(a, conn, url, req);
}

/* Called once per request when MHD is done with it, answered or not. */
static void request_completed(void *cls, struct MHD_Connection *conn,
			      void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct app *a = cls;
	struct request *req = *con_cls;

	(void)conn;
	(void)toe;
	if (req == NULL)
		return;
	if (a->stats != NULL && req->status != 0)
		stats_record(a->stats, req->route, req->status,
			     now_ns() - req->start_ns);
	strbuf_release(&req->body.data);
	free(req);
	*con_cls = NULL;
}

/* ---- The saver ------------------------------------------------------- */

static void save_if_changed(struct app *a)
{
	char why[STORE_WHY_MAX];
	uint64_t v = store_version(a->store);

	if (v == a->saved_version)
		return;
	if (store_save(a->store, a->cfg.store_path, why) != 0) {
		fprintf(stderr, "server: %s\n", why);
		return;
	}
	a->saved_version = v;
}

static void *saver_main(void *arg)
{
	struct app *a = arg;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&a->saver_lock);
	while (!a->stopping) {
		next.tv_sec += a->cfg.save_interval;
		while (!a->stopping &&
		       pthread_cond_timedwait(&a->saver_wake, &a->saver_lock,
					      &next) != ETIMEDOUT)
			;
		if (a->stopping)
			break;
		pthread_mutex_unlock(&a->saver_lock);
		save_if_changed(a);
		pthread_mutex_lock(&a->saver_lock);
	}
	pthread_mutex_unlock(&a->saver_lock);
	return NULL;
}

/* ---- Life cycle ------------------------------------------------------- */

static void free_app(struct app *a)
{
	pthread_mutex_destroy(&a->saver_lock);
	pthread_cond_destroy(&a->saver_wake);
	store_free(a->store);
	stats_free(a->stats);
	free(a);
}

int app_start(struct app **out, const struct config *cfg, char *why)
{
	struct app *a = calloc(1, sizeof *a);
	pthread_condattr_t ca;
	int err;

	*out = NULL;
	if (a == NULL) {
		snprintf(why, CONFIG_WHY_MAX, "out of memory");
		return -1;
	}
	a->cfg = *cfg;
	pthread_mutex_init(&a->saver_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->saver_wake, &ca);
	pthread_condattr_destroy(&ca);
	a->store = store_new();
	a->stats = cfg->debug ? stats_new() : NULL;
	if (a->store == NULL || (cfg->debug && a->stats == NULL)) {
		snprintf(why, CONFIG_WHY_MAX, "out of memory");
		free_app(a);
		errno = ENOMEM;
		return -1;
	}
	if (cfg->store_path[0] != '\0') {
		if (store_load(a->store, cfg->store_path, why) != 0) {
			free_app(a);
			errno = EINVAL;
			return -1;
		}
		a->saved_version = store_version(a->store);
	}

	/*
	 * The epoll thread pool: APP_THREADS threads each run their own
	 * epoll loop and accept from the shared listening socket. A timeout
	 * is essential: MHD's default is none, and every idle connection
	 * would then hold a slot and a descriptor forever. No per-IP limit:
	 * load generators on loopback all come from 127.0.0.1.
	 */
	a->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		app_access_handler, a,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&cfg->addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)APP_THREADS,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)APP_CONNECTIONS_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)APP_TIMEOUT_SECONDS,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, a,
		MHD_OPTION_END);
	if (a->daemon == NULL) {
		char where[32];
		err = errno ? errno : EADDRINUSE;
		addr_format(&cfg->addr, where, sizeof where);
		snprintf(why, CONFIG_WHY_MAX, "cannot listen on %s (in use?)",
			 where);
		free_app(a);
		errno = err;
		return -1;
	}
	if (cfg->debug) {
		struct debug_config dc = { .addr = cfg->debug_addr,
					   .stats = a->stats,
					   .heap_profile = cfg->heap_profile };
		if (debug_start(&a->debug, &dc) != 0) {
			char where[32];
			err = errno;
			addr_format(&cfg->debug_addr, where, sizeof where);
			snprintf(why, CONFIG_WHY_MAX, "debug listener on %s: %s",
				 where, strerror(err));
			MHD_stop_daemon(a->daemon);
			free_app(a);
			errno = err;
			return -1;
		}
	}
	if (cfg->store_path[0] != '\0' && cfg->save_interval > 0) {
		err = pthread_create(&a->saver, NULL, saver_main, a);
		if (err != 0) {
			snprintf(why, CONFIG_WHY_MAX, "saver thread: %s",
				 strerror(err));
			debug_stop(a->debug);
			MHD_stop_daemon(a->daemon);
			free_app(a);
			errno = err;
			return -1;
		}
		a->saver_running = true;
	}
	*out = a;
	return 0;
}

uint16_t app_port(const struct app *a)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

uint16_t app_debug_port(const struct app *a)
{
	return a->debug ? debug_port(a->debug) : 0;
}

struct store *app_store(struct app *a)
{
	return a->store;
}

int app_stop(struct app *a, char *why)
{
	int rc = 0;

	if (a == NULL)
		return 0;
	/* Listeners first, so no update arrives after the last save. */
	MHD_stop_daemon(a->daemon);
	debug_stop(a->debug);
	if (a->saver_running) {
		pthread_mutex_lock(&a->saver_lock);
		a->stopping = true;
		pthread_cond_signal(&a->saver_wake);
		pthread_mutex_unlock(&a->saver_lock);
		pthread_join(a->saver, NULL);
	}
	if (a->cfg.store_path[0] != '\0' &&
	    store_version(a->store) != a->saved_version &&
	    store_save(a->store, a->cfg.store_path, why) != 0)
		rc = -1;
	free_app(a);
	return rc;
}
