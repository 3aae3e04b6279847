/*
 * http.h - small helpers on top of libmicrohttpd shared by the application
 * server (app.c) and the debug listener (debug.c): building and queueing
 * responses, collecting request bodies, gzip. Given code: read, don't edit.
 *
 * USAGE (inside an MHD access handler)
 *
 *     struct strbuf sb = STRBUF_INIT;
 *     strbuf_addf(&sb, "num_symbols: 1\n");
 *     return http_queue(conn, MHD_HTTP_OK,
 *                       http_response_strbuf(HTTP_TEXT, &sb));
 *
 *     return http_error(conn, MHD_HTTP_BAD_REQUEST,
 *                       "seconds must be 1 to %u", cap);
 *
 * OWNERSHIP
 *
 * The http_response_*() functions return a response you own until you
 * hand it to http_queue(), which queues it and drops your reference
 * whatever happens. They return NULL when out of memory, and
 * http_queue(conn, status, NULL) then answers a plain 500 instead (or
 * gives up on the connection), so `return http_queue(..., http_response_
 * ...(...))` is always correct.
 *
 * LIBMICROHTTPD IN ONE PARAGRAPH
 *
 * MHD calls the access handler several times per request: first with the
 * headers (*con_cls is NULL: set it to remember the request), then once
 * per chunk of body (*upload_data_size > 0: consume the bytes and set it
 * to 0), then a last time with *upload_data_size == 0, when you queue the
 * response. A GET without a body may be answered on the first call. The
 * handler returns MHD_YES, or MHD_NO to drop the connection. See
 * /usr/include/microhttpd.h, "MHD_AccessHandlerCallback".
 */
#ifndef HTTP_H
#define HTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define HTTP_TEXT "text/plain; charset=utf-8"
#define HTTP_HTML "text/html; charset=utf-8"
#define HTTP_JSON "application/json"

/* ---- Responses ------------------------------------------------------- */

/* A response holding a copy of len bytes of body. */
struct MHD_Response *http_response_copy(const char *content_type,
					const void *body, size_t len);

/* A response holding printf-formatted text. */
struct MHD_Response *http_response_printf(const char *content_type,
					  const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A response that takes over sb's buffer without copying it; sb is left
 * empty (as after strbuf_init) either way. */
struct MHD_Response *http_response_strbuf(const char *content_type,
					  struct strbuf *sb);

/*
 * Queue resp with this status, after adding X-Content-Type-Options:
 * nosniff (so a browser never guesses a type for what we send), and drop
 * the caller's reference. resp == NULL answers a bare 500. Returns what
 * the access handler should return.
 */
enum MHD_Result http_queue(struct MHD_Connection *conn, unsigned status,
			   struct MHD_Response *resp);

/* An error: status with a text/plain body of the formatted reason and a
 * newline, which is what curl and the tests show. */
enum MHD_Result http_error(struct MHD_Connection *conn, unsigned status,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- Requests -------------------------------------------------------- */

/* A request body collected across handler calls, never above `limit`
 * bytes. Zero it, set limit, then http_body_add() each chunk. data.buf is
 * always NUL-terminated (strbuf's promise), so text bodies can be parsed
 * with string functions, minding data.len for bodies holding '\0'. */
struct http_body {
	struct strbuf data;
	size_t limit;
};

/* Append a chunk. Returns 0, or -1 when the body would pass its limit
 * (errno EMSGSIZE: answer 413) or memory ran out (ENOMEM). */
int http_body_add(struct http_body *body, const char *chunk, size_t len);

/* The value of a query argument (?seconds=5 → "5"), "" for "?seconds=",
 * or NULL when the argument is absent or has no '=' at all. */
const char *http_query(struct MHD_Connection *conn, const char *name);

/* The value of a request header, or NULL. */
const char *http_header(struct MHD_Connection *conn, const char *name);

/* ---- gzip ------------------------------------------------------------ */

/* Responses shorter than this go out as they are even to a client that
 * accepts gzip: gzip's own header and trailer take 18 bytes, and a small
 * body saves less on the wire than compressing it costs (nginx's
 * gzip_min_length and Go's gzip handlers make the same call). */
#define HTTP_GZIP_MIN 1024

/* True when the Accept-Encoding header lists gzip (and not with q=0). */
bool http_accepts_gzip(struct MHD_Connection *conn);

/* Append the gzip compression of data to out. Returns 0 or -1 (ENOMEM). */
int http_gzip(const void *data, size_t len, struct strbuf *out);

/*
 * Append the decompression of a gzip stream to out, stopping with -1 and
 * errno EMSGSIZE as soon as the output would pass `limit` (a 1 KB "zip
 * bomb" can inflate to gigabytes), EINVAL for data that is not a whole
 * gzip stream (why says what zlib said), ENOMEM. Returns 0 on success.
 */
int http_gunzip(const void *data, size_t len, size_t limit,
		struct strbuf *out, char *why, size_t why_size);

#endif /* HTTP_H */
