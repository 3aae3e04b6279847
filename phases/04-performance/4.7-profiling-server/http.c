/*
 * http.c - responses, request bodies and gzip on top of libmicrohttpd and
 * zlib. See http.h.
 */
#include "http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* ---- Responses ------------------------------------------------------- */

static struct MHD_Response *typed(struct MHD_Response *resp,
				  const char *content_type)
{
	if (resp != NULL && content_type != NULL &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				    content_type) != MHD_YES) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

struct MHD_Response *http_response_copy(const char *content_type,
					const void *body, size_t len)
{
	return typed(MHD_create_response_from_buffer(len, (void *)body,
						     MHD_RESPMEM_MUST_COPY),
		     content_type);
}

struct MHD_Response *http_response_printf(const char *content_type,
					  const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return http_response_strbuf(content_type, &sb);
}

struct MHD_Response *http_response_strbuf(const char *content_type,
					  struct strbuf *sb)
{
	size_t len;
	char *buf = strbuf_detach(sb, &len);
	struct MHD_Response *resp;

	if (buf == NULL)
		return NULL;
	/* MUST_FREE: MHD calls free(buf) when the response is destroyed,
	 * so the body is never copied. */
	resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(buf);
		return NULL;
	}
	return typed(resp, content_type);
}

enum MHD_Result http_queue(struct MHD_Connection *conn, unsigned status,
			   struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (resp == NULL) {
		static const char oom[] = "out of memory\n";
		resp = MHD_create_response_from_buffer(
			sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
		if (resp == NULL)
			return MHD_NO; /* nothing left to answer with */
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp); /* MHD keeps its own reference */
	return ret;
}

enum MHD_Result http_error(struct MHD_Connection *conn, unsigned status,
			   const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = strbuf_addch(&sb, '\n');
	if (rc != 0) {
		strbuf_release(&sb);
		return http_queue(conn, status, NULL);
	}
	return http_queue(conn, status, http_response_strbuf(HTTP_TEXT, &sb));
}

/* ---- Requests -------------------------------------------------------- */

int http_body_add(struct http_body *body, const char *chunk, size_t len)
{
	if (len > body->limit || body->data.len > body->limit - len) {
		errno = EMSGSIZE;
		return -1;
	}
	return strbuf_add(&body->data, chunk, len);
}

const char *http_query(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* ---- gzip ------------------------------------------------------------ */

/*
 * Accept-Encoding is a comma-separated list of codings, each with an
 * optional ";q=weight" (RFC 9110, 12.5.3). "gzip;q=0" means "anything but
 * gzip". Weights other than 0 only rank codings, and gzip is the only one
 * we offer, so they do not matter here.
 */
bool http_accepts_gzip(struct MHD_Connection *conn)
{
	const char *h = http_header(conn, MHD_HTTP_HEADER_ACCEPT_ENCODING);

	while (h != NULL && *h != '\0') {
		h += strspn(h, " \t,");
		size_t tok = strcspn(h, " \t;,");
		bool gzip = (tok == 4 && strncasecmp(h, "gzip", 4) == 0) ||
			    (tok == 1 && h[0] == '*');
		const char *end = h + strcspn(h, ",");
		if (gzip) {
			const char *q = strstr(h, "q=");
			bool refused = q != NULL && q < end &&
				       strtod(q + 2, NULL) == 0;
			if (!refused)
				return true;
		}
		h = end;
	}
	return false;
}

/* windowBits + 16: a gzip header and trailer instead of zlib's. */
#define GZIP_WINDOW_BITS (15 + 16)

/*
 * deflate's memory is (1 << (windowBits + 2)) + (1 << (memLevel + 9))
 * bytes (zlib.h): 256 KiB at the defaults (15, 8), allocated and cleared
 * for every stream. For an API answer of a few hundred bytes that is
 * nearly all the cost of the request, and the profile shows it (memset,
 * and madvise/munmap as glibc hands the big block back each time). A
 * window no larger than the data compresses it just as well, so size both
 * to the input: 4 KiB of state for a body under 512 bytes.
 */
int http_gzip(const void *data, size_t len, struct strbuf *out)
{
	z_stream zs = { 0 };
	int bits = 9, zrc;

	while (bits < 15 && ((size_t)1 << bits) < len)
		bits++;
	/* Level 1: for small API responses, speed matters far more than the
	 * last few percent of size. */
	if (deflateInit2(&zs, 1, Z_DEFLATED, bits + 16, bits - 7,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	size_t bound = deflateBound(&zs, (uLong)len);
	if (strbuf_grow(out, bound) != 0) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out->buf + out->len;
	zs.avail_out = (uInt)bound;
	/* deflateBound promises room for everything: one call finishes. */
	zrc = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (zrc != Z_STREAM_END) {
		out->buf[out->len] = '\0';
		errno = ENOMEM;
		return -1;
	}
	out->len += zs.total_out;
	out->buf[out->len] = '\0';
	return 0;
}

int http_gunzip(const void *data, size_t len, size_t limit,
		struct strbuf *out, char *why, size_t why_size)
{
	z_stream zs = { 0 };
	size_t start = out->len;
	int zrc = Z_OK;

	if (inflateInit2(&zs, GZIP_WINDOW_BITS) != Z_OK) {
		snprintf(why, why_size, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	while (zrc != Z_STREAM_END) {
		if (strbuf_grow(out, 16384) != 0) {
			snprintf(why, why_size, "out of memory");
			goto fail;
		}
		size_t room = strbuf_avail(out);
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = (uInt)room;
		zrc = inflate(&zs, Z_NO_FLUSH);
		out->len += room - zs.avail_out;
		out->buf[out->len] = '\0';
		if (out->len - start > limit) {
			snprintf(why, why_size, "gzip body inflates to more "
				 "than %zu bytes", limit);
			errno = EMSGSIZE;
			goto fail_keep_errno;
		}
		if (zrc == Z_STREAM_END)
			break;
		if (zrc != Z_OK || (zs.avail_in == 0 && zs.avail_out > 0)) {
			/* Z_OK with input used up and output room left means
			 * the stream was cut short. */
			snprintf(why, why_size, "bad gzip body: %s",
				 zs.msg ? zs.msg : "truncated stream");
			errno = EINVAL;
			goto fail_keep_errno;
		}
	}
	if (zs.avail_in != 0) {
		snprintf(why, why_size, "bad gzip body: data after the end of "
			 "the stream");
		errno = EINVAL;
		goto fail_keep_errno;
	}
	inflateEnd(&zs);
	return 0;
fail:
	errno = ENOMEM;
fail_keep_errno:
	inflateEnd(&zs);
	out->len = start;
	if (out->alloc) /* never write into strbuf's shared empty string */
		out->buf[start] = '\0';
	return -1;
}
