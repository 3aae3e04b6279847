/*
 * live.h - what the tests of exercise 4.7 share: the server started in
 * the test process on ephemeral loopback ports, a small blocking HTTP
 * client, background load, and running a command. Course code; the
 * functions live in live_test.c, so they are linked into the test
 * binary only.
 *
 *     struct live_server s;
 *     live_start(&s, NULL);                      // API + debug, fresh store
 *     struct reply r = live_get(s.debug_port, "/metrics");
 *     cr_assert_eq(r.status, 200, ...);
 *     reply_free(&r);
 *     live_stop(&s);
 *
 * Helpers that can fail in ways a test cannot go on from (the server does
 * not start, a temporary directory cannot be made) fail the test with
 * cr_assert themselves; HTTP helpers never do: a connection that fails is
 * a reply with status 0 and the reason in its body, for the test to judge.
 */
#ifndef LIVE_H
#define LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "config.h"
#include "strbuf.h"

/* ---- The server, in this process ------------------------------------- */

struct live_server {
	struct app *app;
	struct config cfg;
	uint16_t port;       /* the API */
	uint16_t debug_port; /* 0 when the debug listener is off */
	char dir[64];        /* a fresh temporary directory, for the store */
};

/*
 * Fill cfg for a test: API and debug listener on 127.0.0.1 port 0, the
 * store at <dir>/metrics.json, saving only at shutdown.
 */
void live_config(struct config *cfg, const char *dir);

/* Make s->dir, then start the server with cfg (NULL: live_config's). */
void live_start(struct live_server *s, const struct config *cfg);

/* Start again on the same s->dir and cfg (a restart: the store file
 * stays). */
void live_restart(struct live_server *s);

/* Stop the server, keeping s->dir. Returns what app_stop returned (0
 * unless the final save failed). */
int live_stop_server(struct live_server *s);
void live_stop(struct live_server *s); /* stop and remove the directory */

/* ---- HTTP --------------------------------------------------------------- */

struct reply {
	int status;         /* 0: no HTTP answer (the body says why) */
	struct strbuf head; /* the status line and headers, as received */
	struct strbuf body; /* de-chunked */
};

/*
 * One request on a fresh connection to 127.0.0.1:port, with Connection:
 * close, waiting at most timeout_ms for the whole answer. `headers` are
 * extra header lines, each ending in "\r\n" (or NULL). A body, when given
 * (or for POST), gets a Content-Length. With "Expect: 100-continue" among
 * the headers the body is sent only after a 100 Continue, as curl does.
 */
struct reply live_request(uint16_t port, const char *method, const char *path,
			const char *headers, const void *body, size_t len,
			int timeout_ms);

/* GET / POST (a C string body) with a 5-second timeout. */
struct reply live_get(uint16_t port, const char *path);
struct reply live_post(uint16_t port, const char *path, const char *body);

/* A header's value (case-insensitive name) copied into buf, or NULL. */
const char *reply_header(const struct reply *r, const char *name, char *buf,
			 size_t size);

void reply_free(struct reply *r);

/* Send raw bytes on a fresh connection and return everything read back
 * until the server closes (or timeout_ms). For malformed requests. */
struct strbuf live_raw(uint16_t port, const void *data, size_t len,
		     int timeout_ms);

/* A connected socket to 127.0.0.1:port, or -1. */
int live_connect(uint16_t port);

/* ---- Load ---------------------------------------------------------- */

struct live_load;

/*
 * `threads` threads sending a mix of valid API requests (URL and JSON
 * updates, values, the index) to the port until live_load_stop(), which
 * returns how many got a 2xx; *failures (if not NULL) receives how many
 * did not.
 */
struct live_load *live_load_start(uint16_t port, int threads);
uint64_t live_load_stop(struct live_load *load, uint64_t *failures);

/* ---- Odds and ends ----------------------------------------------------- */

/* Run a shell command, capturing stdout and stderr together in *out (if
 * not NULL). Returns its exit status, or -1 if it could not run. */
int live_run(const char *command, struct strbuf *out);

/* True when running under valgrind, or built with a sanitizer. */
bool live_under_valgrind(void);
bool live_sanitized(void);

/* Milliseconds on CLOCK_MONOTONIC. */
double live_now_ms(void);

/* Write len bytes to path (created 0600). Returns 0 or -1. */
int live_write_file(const char *path, const void *data, size_t len);

/* The absolute path of this test binary's directory, for the programs
 * built next to it (server, hello). */
const char *live_build_dir(void);

#endif /* LIVE_H */
