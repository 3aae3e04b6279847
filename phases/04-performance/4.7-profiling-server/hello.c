/*
 * hello.c - the baseline the server is measured against: the smallest
 * libmicrohttpd server there is, set up exactly like the API in app.c
 * (epoll thread pool, same limits), answering "hello" to everything.
 *
 *     ./hello [--addr HOST:PORT]      (default 127.0.0.1:8081; port 0 = any)
 *
 * Whatever the metrics server does beyond this (routing, JSON, the store,
 * gzip, counting requests) is what its throughput pays for; measure.sh
 * runs both under the same load in one run and compares.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"

static enum MHD_Result hello(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	static const char body[] = "hello";
	static int marker;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	if (*con_cls == NULL) { /* headers: say we want the body */
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_data_size > 0) { /* a piece of body: drop it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
					       MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	char why[CONFIG_WHY_MAX];
	struct MHD_Daemon *d;
	sigset_t stop;
	int sig;

	addr_parse("127.0.0.1:8081", &addr, NULL);
	if (argc == 3 && (strcmp(argv[1], "--addr") == 0 ||
			  strcmp(argv[1], "-a") == 0)) {
		if (addr_parse(argv[2], &addr, why) != 0) {
			fprintf(stderr, "hello: %s\n", why);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: hello [--addr HOST:PORT]\n");
		return 2;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The same daemon as app_start()'s, option for option. */
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
			     0, NULL, NULL, hello, NULL,
			     MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)APP_THREADS,
			     MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)APP_CONNECTIONS_MAX,
			     MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned)APP_TIMEOUT_SECONDS,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "hello: cannot listen (port in use?)\n");
		return 1;
	}
	fprintf(stderr, "hello: listening on http://127.0.0.1:%u/\n",
		MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	return 0;
}
