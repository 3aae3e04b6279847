/*
 * live_test.c - the helpers of live.h: a server per test on
 * ephemeral ports, a blocking HTTP/1.1 client, load threads. No tests of
 * its own; it is named *_test.c so that only the test binary links it.
 */
#include "live.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

/* ---- The server ------------------------------------------------------ */

void live_config(struct config *cfg, const char *dir)
{
	config_init(cfg);
	addr_parse("127.0.0.1:0", &cfg->addr, NULL);
	addr_parse("127.0.0.1:0", &cfg->debug_addr, NULL);
	cfg->debug = true;
	cfg->save_interval = 0;
	snprintf(cfg->store_path, sizeof cfg->store_path, "%s/metrics.json",
		 dir);
}

static void start_app(struct live_server *s)
{
	char why[CONFIG_WHY_MAX];

	cr_assert_eq(app_start(&s->app, &s->cfg, why), 0,
		     "the server did not start: %s (%s)", why, strerror(errno));
	s->port = app_port(s->app);
	s->debug_port = app_debug_port(s->app);
	cr_assert_neq(s->port, 0, "the API listener has no port");
	if (s->cfg.debug)
		cr_assert_neq(s->debug_port, 0,
			      "debug_port() returned 0 for a running listener");
}

void live_start(struct live_server *s, const struct config *cfg)
{
	memset(s, 0, sizeof *s);
	strcpy(s->dir, "/tmp/hotpath-4.7-XXXXXX");
	cr_assert_not_null(mkdtemp(s->dir), "mkdtemp: %s", strerror(errno));
	if (cfg != NULL) {
		s->cfg = *cfg;
		if (s->cfg.store_path[0] != '\0')
			snprintf(s->cfg.store_path, sizeof s->cfg.store_path,
				 "%s/metrics.json", s->dir);
	} else {
		live_config(&s->cfg, s->dir);
	}
	start_app(s);
}

void live_restart(struct live_server *s)
{
	start_app(s);
}

int live_stop_server(struct live_server *s)
{
	char why[CONFIG_WHY_MAX];
	int rc = app_stop(s->app, why);

	s->app = NULL;
	return rc;
}

/* Remove dir and everything in it. Not system("rm -rf"): under
 * valgrind --trace-children=yes that would run rm under valgrind too. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			remove_dir(sub);
		else
			unlink(sub);
	}
	closedir(d);
	if (rmdir(dir) != 0)
		fprintf(stderr, "live: could not remove %s: %s\n", dir,
			strerror(errno));
}

void live_stop(struct live_server *s)
{
	if (s->app != NULL)
		live_stop_server(s);
	if (s->dir[0] != '\0') {
		remove_dir(s->dir);
		s->dir[0] = '\0';
	}
}

/* ---- HTTP --------------------------------------------------------------- */

double live_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int live_connect(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	while (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Wait until fd is ready for `events` or the deadline passes. The CPU
 * profiler's SIGPROF interrupts poll(): retry with the time left. */
static bool wait_for(int fd, short events, double deadline_ms)
{
	for (;;) {
		double left = deadline_ms - live_now_ms();
		struct pollfd p = { .fd = fd, .events = events };
		if (left <= 0)
			return false;
		int rc = poll(&p, 1, (int)left + 1);
		if (rc > 0)
			return true;
		if (rc == 0 || errno != EINTR)
			return rc > 0;
	}
}

static int send_all(int fd, const char *p, size_t len, double deadline_ms)
{
	while (len > 0) {
		if (!wait_for(fd, POLLOUT, deadline_ms))
			return -1;
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Read until EOF or the deadline into out. Returns 0 at EOF, -1 on a
 * timeout or error (what arrived is kept). With `stop_at_head`, return
 * as soon as a complete head ("\r\n\r\n") has arrived. */
static int read_all(int fd, struct strbuf *out, double deadline_ms,
		    bool stop_at_head)
{
	char chunk[16384];

	for (;;) {
		if (stop_at_head && strstr(out->buf, "\r\n\r\n") != NULL)
			return 0;
		if (!wait_for(fd, POLLIN, deadline_ms))
			return -1;
		ssize_t got = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (got == 0)
			return 0;
		strbuf_add(out, chunk, (size_t)got);
	}
}

static void fail_reply(struct reply *r, const char *fmt, const char *arg)
{
	r->status = 0;
	strbuf_reset(&r->body);
	strbuf_addf(&r->body, fmt, arg);
}

/* Undo Transfer-Encoding: chunked. */
static int dechunk(const char *p, size_t len, struct strbuf *out)
{
	const char *end = p + len;

	for (;;) {
		char *eol;
		unsigned long n = strtoul(p, &eol, 16);
		const char *data = strstr(eol, "\r\n");
		if (data == NULL || eol == p)
			return -1;
		data += 2;
		if (n == 0)
			return 0;
		if ((size_t)(end - data) < n + 2)
			return -1;
		strbuf_add(out, data, n);
		p = data + n + 2;
	}
}

/* Split what was read into status, head and body. */
static void parse_reply(struct reply *r, struct strbuf *raw)
{
	char *head_end = strstr(raw->buf, "\r\n\r\n");
	char te[32];

	if (head_end == NULL || strncmp(raw->buf, "HTTP/1.", 7) != 0 ||
	    strlen(raw->buf) < 12) {
		fail_reply(r, "no HTTP response (%.200s)", raw->buf);
		return;
	}
	r->status = atoi(raw->buf + 9);
	strbuf_add(&r->head, raw->buf, (size_t)(head_end - raw->buf) + 2);
	const char *body = head_end + 4;
	size_t body_len = raw->len - (size_t)(body - raw->buf);
	if (reply_header(r, "Transfer-Encoding", te, sizeof te) &&
	    strcasecmp(te, "chunked") == 0) {
		if (dechunk(body, body_len, &r->body) != 0)
			fail_reply(r, "%sbad chunked body", "");
	} else {
		strbuf_add(&r->body, body, body_len);
	}
}

struct reply live_request(uint16_t port, const char *method, const char *path,
			const char *headers, const void *body, size_t len,
			int timeout_ms)
{
	struct reply r = { 0, STRBUF_INIT, STRBUF_INIT };
	struct strbuf req = STRBUF_INIT, raw = STRBUF_INIT;
	double deadline = live_now_ms() + timeout_ms;
	bool expect = headers && strcasestr(headers, "Expect: 100-continue");
	int fd = live_connect(port);

	if (fd < 0) {
		fail_reply(&r, "connect: %s", strerror(errno));
		return r;
	}
	strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		    "Connection: close\r\n%s", method, path, port,
		    headers ? headers : "");
	if (body != NULL || strcmp(method, "POST") == 0)
		strbuf_addf(&req, "Content-Length: %zu\r\n", len);
	strbuf_addstr(&req, "\r\n");
	if (send_all(fd, req.buf, req.len, deadline) != 0) {
		fail_reply(&r, "sending the request: %s", strerror(errno));
		goto out;
	}
	if (expect) {
		/* Send the body only if the server asks for it. */
		read_all(fd, &raw, deadline, true);
		if (strncmp(raw.buf, "HTTP/1.1 100", 12) == 0) {
			strbuf_reset(&raw);
			expect = false;
		}
	}
	if (!expect && body != NULL && len > 0 &&
	    send_all(fd, body, len, deadline) != 0 && raw.len == 0) {
		/* The server may answer and close before reading it all
		 * (413): read what it said before judging. */
	}
	if (read_all(fd, &raw, deadline, false) != 0 && raw.len == 0) {
		fail_reply(&r, "no answer in time (%s)",
			   errno ? strerror(errno) : "timeout");
		goto out;
	}
	parse_reply(&r, &raw);
out:
	close(fd);
	strbuf_release(&req);
	strbuf_release(&raw);
	return r;
}

struct reply live_get(uint16_t port, const char *path)
{
	return live_request(port, "GET", path, NULL, NULL, 0, 5000);
}

struct reply live_post(uint16_t port, const char *path, const char *body)
{
	return live_request(port, "POST", path, NULL, body, strlen(body), 5000);
}

const char *reply_header(const struct reply *r, const char *name, char *buf,
			 size_t size)
{
	size_t nlen = strlen(name);
	const char *line = strstr(r->head.buf, "\r\n");

	while (line != NULL && line[2] != '\0') {
		line += 2;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			v += strspn(v, " \t");
			size_t vlen = strcspn(v, "\r");
			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		line = strstr(line, "\r\n");
	}
	return NULL;
}

void reply_free(struct reply *r)
{
	strbuf_release(&r->head);
	strbuf_release(&r->body);
}

struct strbuf live_raw(uint16_t port, const void *data, size_t len,
		     int timeout_ms)
{
	struct strbuf out = STRBUF_INIT;
	double deadline = live_now_ms() + timeout_ms;
	int fd = live_connect(port);

	if (fd < 0)
		return out;
	if (send_all(fd, data, len, deadline) == 0)
		shutdown(fd, SHUT_WR);
	read_all(fd, &out, deadline, false);
	close(fd);
	return out;
}

/* ---- Load ---------------------------------------------------------- */

struct live_load {
	uint16_t port;
	int threads;
	pthread_t tid[8];
	struct strbuf batch; /* POST /updates of LOAD_METRICS gauges */
	int stop;            /* atomic */
	uint64_t ok;         /* atomic */
	uint64_t bad;        /* atomic */
};

/*
 * Each request opens a connection (Connection: close), which costs the
 * server more in the kernel than in its own code; the batch and the index
 * page of LOAD_METRICS metrics give it enough of its own work that a CPU
 * profile shows the server's functions, not only accept() and close().
 */
#define LOAD_METRICS 200

static void *load_main(void *arg)
{
	struct live_load *load = arg;
	unsigned i = 0;

	while (!__atomic_load_n(&load->stop, __ATOMIC_RELAXED)) {
		struct reply r;
		switch (i++ % 5) {
		case 0:
			r = live_request(load->port, "POST", "/updates", NULL,
				       load->batch.buf, load->batch.len, 5000);
			break;
		case 1:
			r = live_get(load->port, "/");
			break;
		case 2:
			r = live_post(load->port, "/update/counter/load_requests/1", "");
			break;
		case 3:
			r = live_post(load->port, "/update",
				    "{\"id\":\"load_j\",\"type\":\"counter\","
				    "\"delta\":2}");
			break;
		default:
			r = live_get(load->port, "/value/counter/load_requests");
			break;
		}
		if (r.status >= 200 && r.status < 300)
			__atomic_add_fetch(&load->ok, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&load->bad, 1, __ATOMIC_RELAXED);
		reply_free(&r);
	}
	return NULL;
}

struct live_load *live_load_start(uint16_t port, int threads)
{
	struct live_load *load = calloc(1, sizeof *load);
	struct reply r;

	cr_assert_not_null(load);
	strbuf_init(&load->batch);
	strbuf_addch(&load->batch, '[');
	for (int m = 0; m < LOAD_METRICS; m++)
		strbuf_addf(&load->batch, "%s{\"id\":\"load_gauge_%d\","
			    "\"type\":\"gauge\",\"value\":%d.25}",
			    m ? "," : "", m, m);
	strbuf_addch(&load->batch, ']');
	/* the metric /value reads must exist before the first read */
	r = live_post(port, "/update/counter/load_requests/1", "");
	reply_free(&r);
	load->port = port;
	load->threads = threads < 8 ? threads : 8;
	for (int t = 0; t < load->threads; t++)
		cr_assert_eq(pthread_create(&load->tid[t], NULL, load_main, load),
			     0, "cannot start a load thread");
	return load;
}

uint64_t live_load_stop(struct live_load *load, uint64_t *failures)
{
	uint64_t ok;

	__atomic_store_n(&load->stop, 1, __ATOMIC_RELAXED);
	for (int t = 0; t < load->threads; t++)
		pthread_join(load->tid[t], NULL);
	ok = load->ok;
	if (failures != NULL)
		*failures = load->bad;
	strbuf_release(&load->batch);
	free(load);
	return ok;
}

/* ---- Odds and ends ----------------------------------------------------- */

int live_run(const char *command, struct strbuf *out)
{
	char cmd[8192];
	char chunk[4096];
	size_t got;
	FILE *p;

	snprintf(cmd, sizeof cmd, "%s 2>&1", command);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		if (out != NULL)
			strbuf_add(out, chunk, got);
	int status = pclose(p);
	return status == -1 ? -1 : WEXITSTATUS(status);
}

bool live_under_valgrind(void)
{
	return RUNNING_ON_VALGRIND != 0;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LIVE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LIVE_SANITIZED 1
#endif
#endif

bool live_sanitized(void)
{
#ifdef LIVE_SANITIZED
	return true;
#else
	return false;
#endif
}

int live_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}

const char *live_build_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;

	if (dir[0] != '\0')
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n <= 0)
		return ".";
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	return dir;
}
