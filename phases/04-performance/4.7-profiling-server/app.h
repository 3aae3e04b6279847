/*
 * app.h - the metrics server itself: the HTTP API over the store, the
 * saver that writes the store to its file, and (when configured) the
 * debug listener of debug.h. server.c's main() is a thin shell around
 * app_start() and app_stop(); the tests call them directly. Given code:
 * read, don't edit.
 *
 * THE API
 *
 *   POST /update/{type}/{name}/{value}  200, the metric's new value as text
 *   POST /update    {"id":"x","type":"gauge","value":1.5} or
 *                   {"id":"n","type":"counter","delta":3}
 *                   200, the metric after the update as JSON
 *   POST /updates   a JSON array of those, applied all or nothing;
 *                   200, the array of metrics after the update
 *   GET /value/{type}/{name}            200, the value as text
 *   POST /value     {"id":"x","type":"gauge"}; 200, the metric as JSON
 *   GET /           200, an HTML table of every metric
 *
 * Counters add, gauges replace (store.h has the rules for names and
 * values). Errors are text/plain with the reason: malformed input 400,
 * an unknown metric or route 404, a wrong method 405 (with Allow), a body
 * over config.body_limit 413 (also when a gzip body inflates past it), a
 * Content-Encoding other than gzip 415.
 *
 * gzip: a request body with Content-Encoding: gzip is inflated first; a
 * client sending Accept-Encoding: gzip gets a gzip response body
 * (Content-Encoding: gzip, Vary: Accept-Encoding) when the body has at
 * least HTTP_GZIP_MIN bytes.
 *
 * THREADS
 *
 * libmicrohttpd runs the API on an epoll thread pool (APP_THREADS
 * threads, each with its own epoll set, sharing the listening socket), so
 * handlers must never block: they only parse, touch the store under its
 * mutex for a few hundred nanoseconds, and format. Idle connections are
 * closed after APP_TIMEOUT_SECONDS, so slow or dead clients cannot hold
 * connections forever (slowloris).
 */
#ifndef APP_H
#define APP_H

#include <stdint.h>

#include "config.h"
#include "store.h"

#define APP_THREADS 2
#define APP_CONNECTIONS_MAX 1000
#define APP_TIMEOUT_SECONDS 15

struct app;

/*
 * Load the store from cfg->store_path (if any), start the API listener,
 * the saver thread and the debug listener (if cfg->debug). Returns 0, or
 * -1 with errno and a reason in why (CONFIG_WHY_MAX bytes), nothing left
 * running.
 */
int app_start(struct app **out, const struct config *cfg, char *why);

/* The ports actually bound (useful with port 0); 0 when not listening. */
uint16_t app_port(const struct app *a);
uint16_t app_debug_port(const struct app *a);

/* The store behind the API, for tests. */
struct store *app_store(struct app *a);

/*
 * Stop both listeners (waiting for requests in progress), stop the saver,
 * save one last time, free everything. Returns 0, or -1 with why when
 * the final save failed. NULL is fine.
 */
int app_stop(struct app *a, char *why);

#endif /* APP_H */
