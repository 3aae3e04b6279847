/*
 * debug_test.c - the contract of debug.h, checked over real HTTP: every
 * endpoint on a server started in this process on ephemeral loopback
 * ports, with google-pprof and promtool reading what it serves. These are
 * the tests graded as exercise 4.7 (suite "debug").
 *
 * Under valgrind (the memory part) the tests that start the CPU profiler
 * or run google-pprof/promtool skip those steps: gperftools' SIGPROF
 * sampling does not belong under valgrind, and --trace-children would run
 * the tools under it too.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debug.h"
#include "store.h"
#include "live.h"

static struct live_server srv;

static void setup(void)
{
	live_start(&srv, NULL);
}

static void teardown(void)
{
	live_stop(&srv);
}

/* Each test starts the server itself (setup()), so that a server that
 * cannot start fails the test with the reason instead of "crashing
 * during setup", and stops it itself (teardown()) before it reports:
 * Criterion's worker may still be running .fini when the runner exits,
 * and a grader that then kills what is left would leave the test's
 * directory behind. .fini cleans up after a test that failed. */
TestSuite(debug, .fini = teardown, .timeout = 30);

/* ---- Helpers ---------------------------------------------------------- */

static struct reply debug_get(const char *path)
{
	return live_get(srv.debug_port, path);
}

static void assert_status(const struct reply *r, int want, const char *what)
{
	cr_assert_eq(r->status, want, "%s: expected status %d, got %d: %.300s",
		     what, want, r->status, r->body.buf);
}

static void assert_header(const struct reply *r, const char *name,
			  const char *want_prefix, const char *what)
{
	char v[256];

	cr_assert_not_null(reply_header(r, name, v, sizeof v),
			   "%s: no %s header in:\n%s", what, name, r->head.buf);
	cr_assert(strncmp(v, want_prefix, strlen(want_prefix)) == 0,
		  "%s: %s is \"%s\", expected it to start with \"%s\"", what,
		  name, v, want_prefix);
}

/* Skipping ends the test body here: stop the server first (see
 * teardown() above). */
static void skip_under_valgrind(const char *why)
{
	if (live_under_valgrind()) {
		teardown();
		cr_skip_test("under valgrind: %s", why);
	}
}

/* Make some API requests whose outcomes the figures must show. */
static void make_known_requests(void)
{
	static const struct {
		const char *method, *path, *body;
		int status;
	} reqs[] = {
		{ "POST", "/update/counter/hits/1", "", 200 },
		{ "POST", "/update/counter/hits/2", "", 200 },
		{ "POST", "/update/counter/hits/3", "", 200 },
		{ "POST", "/update/gauge/temp/abc", "", 400 },
		{ "GET", "/update/gauge/temp/1", NULL, 405 },
		{ "GET", "/value/gauge/nothing", NULL, 404 },
		{ "GET", "/value/counter/hits", NULL, 200 },
		{ "GET", "/no/such/route", NULL, 404 },
	};

	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		struct reply r = live_request(srv.port, reqs[i].method,
					    reqs[i].path, NULL, reqs[i].body,
					    reqs[i].body ? strlen(reqs[i].body) : 0,
					    5000);
		cr_assert_eq(r.status, reqs[i].status,
			     "API %s %s: expected %d, got %d (%s)",
			     reqs[i].method, reqs[i].path, reqs[i].status,
			     r.status, r.body.buf);
		reply_free(&r);
	}
}

/* The server counts a request when MHD reports it complete, a moment
 * after the client has its answer: poll until `text` appears. */
static struct reply wait_for_text(const char *path, const char *text)
{
	struct reply r = { 0, STRBUF_INIT, STRBUF_INIT };

	for (int i = 0; i < 100; i++) {
		reply_free(&r);
		r = debug_get(path);
		if (r.status == 200 && strstr(r.body.buf, text) != NULL)
			break;
		usleep(20000);
	}
	return r;
}

/* Files in dir (not . and ..), and the mode of the last one seen. */
static int files_in(const char *dir, mode_t *mode)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d, "opendir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (mode != NULL &&
		    fstatat(dirfd(d), de->d_name, &st, 0) == 0)
			*mode = st.st_mode & 07777;
		n++;
	}
	closedir(d);
	return n;
}

/* A profile request on its own thread, so a test can act meanwhile. */
struct profile_call {
	pthread_t tid;
	char path[64];
	struct reply reply;
	double ms;
};

static void *profile_main(void *arg)
{
	struct profile_call *pc = arg;
	double t0 = live_now_ms();

	pc->reply = live_request(srv.debug_port, "GET", pc->path, NULL, NULL, 0,
			       45000);
	pc->ms = live_now_ms() - t0;
	return NULL;
}

static void profile_begin(struct profile_call *pc, unsigned seconds)
{
	memset(pc, 0, sizeof *pc);
	snprintf(pc->path, sizeof pc->path, "/debug/pprof/profile?seconds=%u",
		 seconds);
	cr_assert_eq(pthread_create(&pc->tid, NULL, profile_main, pc), 0);
}

static void profile_end(struct profile_call *pc)
{
	pthread_join(pc->tid, NULL);
}

/* gperftools' legacy CPU profile starts with the header words 0, 3, 0
 * (then the sampling period): check them, the format google-pprof
 * expects. */
static void assert_cpu_profile(const struct reply *r, const char *what)
{
	const uint64_t *w = (const uint64_t *)r->body.buf;

	assert_status(r, 200, what);
	cr_assert_geq(r->body.len, 5 * sizeof(uint64_t),
		      "%s: a %zu-byte profile is too short to be one", what,
		      r->body.len);
	cr_assert(w[0] == 0 && w[1] == 3 && w[2] == 0,
		  "%s: the body does not start like a gperftools CPU profile "
		  "(header words %" PRIu64 " %" PRIu64 " %" PRIu64
		  ", expected 0 3 0)", what, w[0], w[1], w[2]);
}

/* ---- The listener ------------------------------------------------------ */

Test(debug, index_links_every_endpoint)
{
	setup();
	static const char *const wanted[] = { "profile", "heap", "symbol",
					      "cmdline", "/debug/vars",
					      "/metrics" };
	struct reply r = debug_get("/debug/pprof/");

	assert_status(&r, 200, "GET /debug/pprof/");
	assert_header(&r, "Content-Type", "text/html", "the index");
	assert_header(&r, "X-Content-Type-Options", "nosniff", "the index");
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
		/* some href="..." whose path (before any '?') ends in it */
		bool found = false;
		for (const char *h = strstr(r.body.buf, "href=\""); h && !found;
		     h = strstr(h + 1, "href=\"")) {
			const char *v = h + 6;
			size_t len = strcspn(v, "\"?");
			size_t wl = strlen(wanted[i]);
			found = len >= wl &&
				strncmp(v + len - wl, wanted[i], wl) == 0;
		}
		cr_assert(found, "the index has no link (href) to %s:\n%s",
			  wanted[i], r.body.buf);
	}
	reply_free(&r);
	teardown();
}

Test(debug, unknown_paths_get_404_and_wrong_methods_405)
{
	setup();
	struct reply r = debug_get("/debug/pprof/goroutine");
	char allow[64];

	assert_status(&r, 404, "GET /debug/pprof/goroutine");
	assert_header(&r, "X-Go-Pprof", "1", "a profile we do not have");
	cr_assert(strstr(r.body.buf, "Unknown profile") != NULL,
		  "expected Go's \"Unknown profile\", got: %s", r.body.buf);
	reply_free(&r);

	r = debug_get("/debug/nothing");
	assert_status(&r, 404, "GET /debug/nothing");
	reply_free(&r);

	r = debug_get("/debug/pprof");
	assert_status(&r, 301, "GET /debug/pprof (no slash)");
	assert_header(&r, "Location", "/debug/pprof/", "the redirect");
	reply_free(&r);

	static const char *const get_only[] = { "/debug/vars", "/metrics",
						"/debug/pprof/cmdline",
						"/debug/pprof/heap" };
	for (size_t i = 0; i < 4; i++) {
		r = live_post(srv.debug_port, get_only[i], "x");
		assert_status(&r, 405, get_only[i]);
		cr_assert_not_null(reply_header(&r, "Allow", allow, sizeof allow),
				   "405 for %s without an Allow header",
				   get_only[i]);
		reply_free(&r);
	}
	r = live_request(srv.debug_port, "DELETE", "/debug/pprof/symbol", NULL,
		       NULL, 0, 5000);
	assert_status(&r, 405, "DELETE /debug/pprof/symbol");
	reply_free(&r);
	teardown();
}

/*
 * /proc/net/tcp lists every TCP socket: "sl local_address rem_address st
 * ...", addresses as hex IP:port with the IP in host byte order, so
 * 127.0.0.1 is 0100007F; state 0A is LISTEN.
 */
Test(debug, listens_on_loopback_only)
{
	setup();
	char want_port[8];
	int listening = 0;

	snprintf(want_port, sizeof want_port, ":%04X", srv.debug_port);
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	for (int t = 0; t < 2; t++) {
		FILE *f = fopen(tables[t], "r");
		char line[512], local[64], remote[64], st[8];
		if (f == NULL)
			continue; /* no IPv6 here */
		while (fgets(line, sizeof line, f)) {
			if (sscanf(line, " %*s %63s %63s %7s", local, remote, st) != 3)
				continue;
			if (strcmp(st, "0A") != 0)
				continue;
			const char *colon = strrchr(local, ':');
			if (colon == NULL || strcmp(colon, want_port) != 0)
				continue;
			listening++;
			cr_assert(t == 0 && strncmp(local, "0100007F:", 9) == 0,
				  "the debug port %u listens on %s in %s: that "
				  "is not 127.0.0.1 (00000000 is every "
				  "interface)", srv.debug_port, local,
				  tables[t]);
		}
		fclose(f);
	}
	cr_assert_gt(listening, 0, "no listening socket on port %u found in "
		     "/proc/net/tcp", srv.debug_port);
	struct reply r = debug_get("/debug/pprof/");
	assert_status(&r, 200, "the index, from 127.0.0.1");
	reply_free(&r);
	teardown();
}

/* A socket from a given loopback source address (127.0.0.x). */
static int connect_from(const char *source, uint16_t port)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, source, &src.sin_addr);
	cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&src, sizeof src) == 0 &&
		  connect(fd, (struct sockaddr *)&dst, sizeof dst) == 0,
		  "connect from %s: %s", source, strerror(errno));
	return fd;
}

/* True when the server closed fd within timeout_ms (we send nothing). */
static bool closed_by_server(int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	char c;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	for (;;) {
		ssize_t got = recv(fd, &c, 1, 0);
		if (got < 0 && errno == EINTR)
			continue;
		return got == 0 || (got < 0 && errno == ECONNRESET);
	}
}

Test(debug, connection_limits_hold)
{
	setup();
	int fds[DEBUG_CONNECTIONS_MAX];
	int n = 0;

	/* DEBUG_CONNECTIONS_PER_IP idle connections from 127.0.0.1 fill its
	 * quota: one more from there is closed at once... */
	for (int i = 0; i < DEBUG_CONNECTIONS_PER_IP; i++)
		fds[n++] = connect_from("127.0.0.1", srv.debug_port);
	int extra = connect_from("127.0.0.1", srv.debug_port);
	cr_assert(closed_by_server(extra, 2000),
		  "connection %d from one address was kept open: the limit "
		  "per address is %d", DEBUG_CONNECTIONS_PER_IP + 1,
		  DEBUG_CONNECTIONS_PER_IP);
	close(extra);
	/* ...while 127.0.0.2 may still connect, up to the total limit */
	while (n < DEBUG_CONNECTIONS_MAX)
		fds[n++] = connect_from("127.0.0.2", srv.debug_port);
	extra = connect_from("127.0.0.3", srv.debug_port);
	cr_assert(closed_by_server(extra, 2000),
		  "connection %d was kept open: the limit is %d in all",
		  DEBUG_CONNECTIONS_MAX + 1, DEBUG_CONNECTIONS_MAX);
	close(extra);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* once they are gone, the listener serves again */
	struct reply r = { 0, STRBUF_INIT, STRBUF_INIT };
	for (int i = 0; i < 100 && r.status != 200; i++) {
		reply_free(&r);
		usleep(20000);
		r = debug_get("/debug/pprof/cmdline");
	}
	assert_status(&r, 200, "a request after the idle connections closed");
	reply_free(&r);
	teardown();
}

/* ---- /debug/pprof/profile ------------------------------------------- */

Test(debug, profile_refuses_seconds_over_the_cap_at_once)
{
	setup();
	static const char *const too_long[] = { "61", "3600", "100000000000" };

	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof path, "/debug/pprof/profile?seconds=%s",
			 too_long[i]);
		double t0 = live_now_ms();
		struct reply r = live_request(srv.debug_port, "GET", path, NULL,
					    NULL, 0, 3000);
		cr_assert_eq(r.status, 400, "seconds=%s (cap %d): expected 400 "
			     "at once, got %d after %.0f ms: %s", too_long[i],
			     DEBUG_PROFILE_MAX_SECONDS, r.status,
			     live_now_ms() - t0, r.body.buf);
		reply_free(&r);
	}
	teardown();
}

Test(debug, profile_refuses_malformed_seconds_at_once)
{
	setup();
	static const char *const bad[] = { "0", "-1", "1.5", "abc", "2x",
					   "%201", "0x10" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "/debug/pprof/profile?seconds=%s",
			 bad[i]);
		struct reply r = live_request(srv.debug_port, "GET", path, NULL,
					    NULL, 0, 3000);
		cr_assert_eq(r.status, 400, "seconds=%s: expected 400 at once, "
			     "got %d: %s", bad[i], r.status, r.body.buf);
		reply_free(&r);
	}
	teardown();
}

/* Names from the server's own code, any of which a profile of a busy
 * server holds. */
static const char *const server_functions[] = {
	"app_access_handler", "request_completed", "store_update", "store_get",
	"metric_parse", "metric_json_parse", "metric_json_print",
	"metric_value_print", "split_path", "json_route", "http_queue",
	"http_response_strbuf", "stats_record", "update_url", "value_url",
	"index_page", "reply_ok",
};

static const char *find_server_function(const char *text)
{
	for (size_t i = 0;
	     i < sizeof server_functions / sizeof server_functions[0]; i++)
		if (strstr(text, server_functions[i]) != NULL)
			return server_functions[i];
	return NULL;
}

Test(debug, profile_under_load_is_read_by_google_pprof)
{
	setup();
	char tmpdir[96], file[160], cmd[512];
	struct profile_call pc;
	mode_t mode = 0;

	skip_under_valgrind("no CPU profiler under valgrind");
	/* the profile's temporary file goes to our own $TMPDIR */
	snprintf(tmpdir, sizeof tmpdir, "%s/tmp", srv.dir);
	cr_assert_eq(mkdir(tmpdir, 0700), 0);
	setenv("TMPDIR", tmpdir, 1);

	struct live_load *load = live_load_start(srv.port, 2);
	profile_begin(&pc, 2);
	usleep(700000);
	int during = files_in(tmpdir, &mode);
	profile_end(&pc);
	uint64_t failed, ok = live_load_stop(load, &failed);
	unsetenv("TMPDIR");

	assert_cpu_profile(&pc.reply, "profile?seconds=2 under load");
	assert_header(&pc.reply, "Content-Type", "application/octet-stream",
		      "the profile");
	assert_header(&pc.reply, "Content-Disposition", "attachment",
		      "the profile");
	cr_assert_geq(pc.ms, 1950, "a 2-second profile came back after %.0f "
		      "ms: SIGPROF cut the sleep short", pc.ms);
	cr_assert_eq(during, 1, "expected exactly one temporary file in "
		     "$TMPDIR while profiling, found %d", during);
	cr_assert_eq(mode, 0600, "the temporary profile file has mode %04o; "
		     "profiles are secrets: 0600", (unsigned)mode);
	cr_assert_eq(files_in(tmpdir, NULL), 0,
		     "the temporary profile file was left behind in $TMPDIR");
	cr_assert_gt(ok, 0, "the load got no answers");
	cr_assert_eq(failed, 0, "%" PRIu64 " API requests failed while "
		     "profiling", failed);

	snprintf(file, sizeof file, "%s/cpu.prof", srv.dir);
	cr_assert_eq(live_write_file(file, pc.reply.body.buf, pc.reply.body.len), 0);
	snprintf(cmd, sizeof cmd, "PPROF_TMPDIR='%s' google-pprof --text "
		 "'%s/test' '%s'", srv.dir, live_build_dir(), file);
	struct strbuf out = STRBUF_INIT;
	int rc = live_run(cmd, &out);
	cr_assert_eq(rc, 0, "google-pprof --text failed (%d):\n%s", rc, out.buf);
	cr_assert(strstr(out.buf, "Total:") != NULL,
		  "google-pprof printed no total:\n%s", out.buf);
	cr_assert_not_null(find_server_function(out.buf),
			   "the profile names none of the server's functions "
			   "(store_update, app_access_handler, ...):\n%s", out.buf);
	strbuf_release(&out);
	reply_free(&pc.reply);
	teardown();
}

Test(debug, a_second_profile_while_one_runs_gets_500_with_gos_message)
{
	setup();
	struct profile_call first;

	skip_under_valgrind("no CPU profiler under valgrind");
	profile_begin(&first, 2);
	usleep(500000);
	double t0 = live_now_ms();
	struct reply r = live_request(srv.debug_port, "GET",
				    "/debug/pprof/profile?seconds=1", NULL,
				    NULL, 0, 5000);
	double ms = live_now_ms() - t0;
	profile_end(&first);

	assert_status(&r, 500, "a profile request while one runs");
	cr_assert_lt(ms, 500, "the second request waited %.0f ms: it must "
		     "be refused at once", ms);
	assert_header(&r, "X-Go-Pprof", "1", "the refusal");
	cr_assert(strstr(r.body.buf, "Could not enable CPU profiling: cpu "
			 "profiling already in use") != NULL,
		  "expected Go's message, got: %s", r.body.buf);
	assert_cpu_profile(&first.reply, "the first profile");
	cr_assert_geq(first.ms, 1950, "the first profile ended after %.0f ms: "
		      "the second request must not stop it", first.ms);
	reply_free(&r);
	reply_free(&first.reply);

	/* and once it is over, the next one is welcome */
	r = live_request(srv.debug_port, "GET", "/debug/pprof/profile?seconds=1",
		       NULL, NULL, 0, 5000);
	assert_cpu_profile(&r, "a profile after the first one ended");
	reply_free(&r);
	teardown();
}

Test(debug, other_endpoints_answer_while_a_profile_runs)
{
	setup();
	struct profile_call pc;

	skip_under_valgrind("no CPU profiler under valgrind");
	profile_begin(&pc, 2);
	usleep(300000);
	double t0 = live_now_ms();
	struct reply r = debug_get("/metrics");
	double ms = live_now_ms() - t0;
	profile_end(&pc);

	assert_status(&r, 200, "/metrics during a profile");
	cr_assert_lt(ms, 1000, "/metrics took %.0f ms while a profile ran: "
		     "a sleeping handler must not hold up other connections",
		     ms);
	assert_cpu_profile(&pc.reply, "the profile");
	reply_free(&r);
	reply_free(&pc.reply);
	teardown();
}

Test(debug, stopping_the_server_ends_a_profile_in_progress)
{
	setup();
	struct profile_call pc;

	skip_under_valgrind("no CPU profiler under valgrind");
	profile_begin(&pc, 30);
	usleep(500000);
	double t0 = live_now_ms();
	live_stop_server(&srv);
	double stop_ms = live_now_ms() - t0;
	profile_end(&pc);

	cr_assert_lt(stop_ms, 3000, "stopping took %.0f ms with a 30-second "
		     "profile running: debug_stop must wake the sleeping "
		     "handler", stop_ms);
	cr_assert(pc.reply.status == 503 || pc.reply.status == 0,
		  "the interrupted profile request got %d, expected 503 (or "
		  "a closed connection)", pc.reply.status);
	reply_free(&pc.reply);
	teardown();
}

Test(debug, google_pprof_fetches_a_profile_by_url_and_names_functions)
{
	setup();
	char cmd[512];
	struct strbuf out = STRBUF_INIT;

	skip_under_valgrind("no CPU profiler under valgrind");
	/*
	 * No binary on the command line: google-pprof then asks
	 * /debug/pprof/symbol to name the addresses it sampled, as it would
	 * for a server on another machine. (google-pprof 2.10 wants the
	 * duration as --seconds: it appends its own query to the URL.)
	 */
	struct live_load *load = live_load_start(srv.port, 2);
	snprintf(cmd, sizeof cmd, "PPROF_TMPDIR='%s' google-pprof --text "
		 "--seconds=2 'http://127.0.0.1:%u/debug/pprof/profile'",
		 srv.dir, srv.debug_port);
	int rc = live_run(cmd, &out);
	live_load_stop(load, NULL);

	cr_assert_eq(rc, 0, "google-pprof failed (%d):\n%s", rc, out.buf);
	cr_assert(strstr(out.buf, "Total:") != NULL,
		  "google-pprof printed no profile:\n%s", out.buf);
	/*
	 * dladdr() names only exported functions (global ones, with
	 * -rdynamic), so some lines stay addresses; at least one must
	 * have come back with a name. --text lines end in the name.
	 */
	bool named = false;
	for (const char *line = strstr(out.buf, "Total:"); line && !named;
	     line = strchr(line + 1, '\n')) {
		const char *name = strrchr(line, '%');
		const char *eol = strchr(line + 1, '\n');
		if (name == NULL || (eol && name > eol))
			continue;
		name += strspn(name + 1, " ") + 1;
		named = strncmp(name, "0x", 2) != 0 && *name != '\n';
	}
	cr_assert(named, "every function is an address: /debug/pprof/symbol "
		  "named nothing:\n%s", out.buf);
	strbuf_release(&out);
	teardown();
}

/* ---- /debug/pprof/heap ----------------------------------------------- */

Test(debug, heap_reports_the_allocator_figures)
{
	setup();
	static const char *const names[] = { "allocator", "in_use_bytes",
					      "heap_bytes", "free_bytes",
					      "mmap_bytes" };
	struct reply r = debug_get("/debug/pprof/heap");

	assert_status(&r, 200, "GET /debug/pprof/heap");
	assert_header(&r, "Content-Type", "text/plain", "the heap figures");
	for (int i = 0; i < 5; i++) {
		char line[64];
		snprintf(line, sizeof line, "# %s = ", names[i]);
		const char *at = strstr(r.body.buf, line);
		cr_assert_not_null(at, "no \"%s\" line in:\n%s", line, r.body.buf);
		/* (valgrind's and the sanitizers' allocators bypass glibc's
		 * figures) */
		if (i == 1 && !live_sanitized() && !live_under_valgrind())
			cr_assert_gt(strtoull(at + strlen(line), NULL, 10), 0,
				     "in_use_bytes is 0 in a running server");
	}
	reply_free(&r);

	r = debug_get("/debug/pprof/heap?seconds=5");
	assert_status(&r, 400, "heap?seconds=5 (not supported)");
	reply_free(&r);
	teardown();
}

/*
 * The heap profiler needs tcmalloc as malloc, which this test binary
 * cannot have (it counts allocations with its own malloc): start the
 * real server program with --heap-profile, which restarts itself with
 * tcmalloc preloaded (server.c).
 */
Test(debug, heap_profile_when_enabled_is_read_by_google_pprof)
{
	setup();
	char cmd[1024], file[160], line[256];
	unsigned port = 0;
	FILE *log;

	skip_under_valgrind("tcmalloc and valgrind both replace malloc");
	if (live_sanitized()) {
		teardown();
		cr_skip_test("sanitizer builds cannot preload tcmalloc");
	}
	/* The shell prints the pid; the server prints its ports. */
	snprintf(file, sizeof file, "%s/server.log", srv.dir);
	snprintf(cmd, sizeof cmd, "'%s/server' -a 127.0.0.1:0 -d 127.0.0.1:0 "
		 "-f '' --heap-profile >'%s' 2>&1 & echo $!", live_build_dir(),
		 file);
	FILE *p = popen(cmd, "r");
	long pid = 0;
	cr_assert(p && fscanf(p, "%ld", &pid) == 1, "could not start %s/server",
		  live_build_dir());
	pclose(p);
	for (int i = 0; i < 200 && port == 0; i++) {
		usleep(20000);
		log = fopen(file, "r");
		while (log && fgets(line, sizeof line, log))
			sscanf(line, "server: debug listener on http://127.0.0.1:%u",
			       &port);
		if (log)
			fclose(log);
	}
	if (port == 0) {
		kill((pid_t)pid, SIGKILL);
		struct strbuf text = STRBUF_INIT;
		snprintf(cmd, sizeof cmd, "cat '%s'", file);
		live_run(cmd, &text);
		cr_assert_fail("server --heap-profile did not start:\n%s", text.buf);
	}
	struct reply r = live_get((uint16_t)port, "/debug/pprof/heap");
	kill((pid_t)pid, SIGTERM);
	assert_status(&r, 200, "heap with --heap-profile");
	cr_assert(strncmp(r.body.buf, "heap profile:", 13) == 0,
		  "expected a gperftools heap profile (\"heap profile: ...\"), "
		  "got:\n%.300s", r.body.buf);
	snprintf(file, sizeof file, "%s/heap.prof", srv.dir);
	cr_assert_eq(live_write_file(file, r.body.buf, r.body.len), 0);
	snprintf(cmd, sizeof cmd, "PPROF_TMPDIR='%s' google-pprof --text "
		 "--inuse_space '%s/server' '%s'", srv.dir, live_build_dir(), file);
	struct strbuf out = STRBUF_INIT;
	int rc = live_run(cmd, &out);
	cr_assert_eq(rc, 0, "google-pprof could not read the heap profile "
		     "(%d):\n%s", rc, out.buf);
	cr_assert(strstr(out.buf, "Total:") != NULL,
		  "google-pprof printed no total:\n%s", out.buf);
	strbuf_release(&out);
	reply_free(&r);
	teardown();
}

/* ---- /debug/pprof/symbol --------------------------------------------- */

Test(debug, symbol_get_says_symbols_are_available)
{
	setup();
	struct reply r = debug_get("/debug/pprof/symbol");

	assert_status(&r, 200, "GET /debug/pprof/symbol");
	cr_assert_str_eq(r.body.buf, "num_symbols: 1\n",
			 "expected exactly \"num_symbols: 1\\n\", got \"%s\"",
			 r.body.buf);
	reply_free(&r);
	teardown();
}

/* The line "0x<hex> <name>" for addr, or NULL. */
static const char *line_for(const char *text, uintptr_t addr, char *name,
			    size_t size)
{
	char key[40];

	snprintf(key, sizeof key, "\n%#" PRIxPTR " ", addr);
	const char *at = strstr(text, key);
	if (at == NULL)
		return NULL;
	at += strlen(key);
	size_t len = strcspn(at, "\n");
	snprintf(name, size, "%.*s", (int)len, at);
	return name;
}

Test(debug, symbol_post_names_functions_by_address)
{
	setup();
	uintptr_t update = (uintptr_t)(void *)store_update;
	uintptr_t get = (uintptr_t)(void *)store_get;
	uintptr_t inside = update + 5; /* a return address lands mid-function */
	char body[256], name[128];

	snprintf(body, sizeof body, "%#" PRIxPTR "+%" PRIuPTR "+0x%016" PRIxPTR
		 "+0x1", update, get, inside);
	struct reply r = live_post(srv.debug_port, "/debug/pprof/symbol", body);

	assert_status(&r, 200, "POST /debug/pprof/symbol");
	cr_assert(strncmp(r.body.buf, "num_symbols: 1\n", 15) == 0,
		  "the answer must start with \"num_symbols: 1\", got:\n%s",
		  r.body.buf);
	cr_assert_not_null(line_for(r.body.buf, update, name, sizeof name),
			   "no line for %#" PRIxPTR " (given as hex) in:\n%s",
			   update, r.body.buf);
	cr_assert_str_eq(name, "store_update", "%#" PRIxPTR " is store_update, "
			 "not %s", update, name);
	cr_assert_not_null(line_for(r.body.buf, get, name, sizeof name),
			   "no line for %#" PRIxPTR " (given in decimal) in:\n%s",
			   get, r.body.buf);
	cr_assert_str_eq(name, "store_get", "wrong name for store_get: %s", name);
	cr_assert_not_null(line_for(r.body.buf, inside, name, sizeof name),
			   "no line for %#" PRIxPTR " (given with leading "
			   "zeros, as google-pprof does) in:\n%s", inside,
			   r.body.buf);
	cr_assert_str_eq(name, "store_update", "an address inside store_update "
			 "is named %s", name);
	cr_assert_null(strstr(r.body.buf, "\n0x1 "),
		       "address 0x1 belongs to no function, yet:\n%s", r.body.buf);
	reply_free(&r);
	teardown();
}

Test(debug, symbol_post_survives_malformed_input)
{
	setup();
	Dl_info self;
	char nameless[64];
	struct strbuf big = STRBUF_INIT;

	/* An address inside this program but before its first symbol:
	 * dladdr() succeeds and leaves dli_sname NULL. */
	cr_assert(dladdr((void *)store_update, &self) != 0);
	snprintf(nameless, sizeof nameless, "%#" PRIxPTR,
		 (uintptr_t)self.dli_fbase + 16);
	const char *bodies[] = { "", "+", "+++", "zzz", "0x", "0xzz+12zz",
				 "-1", " 0x10", nameless, "0xffffffffffffffffff" };
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		struct reply r = live_post(srv.debug_port, "/debug/pprof/symbol",
					 bodies[i]);
		cr_assert_eq(r.status, 200, "POST symbol with body \"%s\": "
			     "expected 200, got %d (%s)", bodies[i], r.status,
			     r.body.buf);
		cr_assert_str_eq(r.body.buf, "num_symbols: 1\n",
				 "body \"%s\" names nothing, yet got:\n%s",
				 bodies[i], r.body.buf);
		reply_free(&r);
	}
	/* many addresses, just under the limit: all answered */
	while (big.len + 20 < DEBUG_SYMBOL_BODY_MAX)
		strbuf_addf(&big, "%#" PRIxPTR "+", (uintptr_t)(void *)store_get);
	struct reply r = live_request(srv.debug_port, "POST", "/debug/pprof/symbol",
				    NULL, big.buf, big.len, 5000);
	assert_status(&r, 200, "a symbol POST of 64 KiB minus a little");
	reply_free(&r);
	/* over the limit: 413 */
	while (big.len <= DEBUG_SYMBOL_BODY_MAX)
		strbuf_addstr(&big, "0x1+");
	r = live_request(srv.debug_port, "POST", "/debug/pprof/symbol",
		       "Expect: 100-continue\r\n", big.buf, big.len, 5000);
	assert_status(&r, 413, "a symbol POST over DEBUG_SYMBOL_BODY_MAX");
	reply_free(&r);
	strbuf_release(&big);
	r = debug_get("/debug/pprof/symbol");
	assert_status(&r, 200, "GET symbol after all that");
	reply_free(&r);
	teardown();
}

/* ---- /debug/pprof/cmdline --------------------------------------------- */

Test(debug, cmdline_is_the_command_line_separated_by_nul)
{
	setup();
	struct strbuf want = STRBUF_INIT;
	FILE *f = fopen("/proc/self/cmdline", "r");
	char chunk[4096];
	size_t got;

	cr_assert_not_null(f);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		strbuf_add(&want, chunk, got);
	fclose(f);
	want.len--; /* Go's form: no NUL after the last argument */

	struct reply r = debug_get("/debug/pprof/cmdline");
	assert_status(&r, 200, "GET /debug/pprof/cmdline");
	assert_header(&r, "Content-Type", "text/plain", "cmdline");
	cr_assert_eq(r.body.len, want.len, "expected %zu bytes (the arguments "
		     "joined by NUL), got %zu", want.len, r.body.len);
	cr_assert(memcmp(r.body.buf, want.buf, want.len) == 0,
		  "the command line differs from /proc/self/cmdline");
	strbuf_release(&want);
	reply_free(&r);
	teardown();
}

/* ---- /debug/vars ------------------------------------------------------ */

static json_int_t count_of(json_t *doc, const char *route, const char *code)
{
	json_t *n = json_object_get(
		json_object_get(json_object_get(doc, "requests"), route), code);

	return json_is_integer(n) ? json_integer_value(n) : -1;
}

Test(debug, vars_is_json_with_cmdline_memstats_and_request_counts)
{
	setup();
	json_error_t err;
	json_t *doc = NULL;

	make_known_requests();
	/* poll until the last request (no route) has been counted */
	for (int i = 0; i < 100; i++) {
		struct reply r = debug_get("/debug/vars");
		assert_status(&r, 200, "GET /debug/vars");
		assert_header(&r, "Content-Type", "application/json", "vars");
		json_decref(doc);
		doc = json_loadb(r.body.buf, r.body.len, 0, &err);
		cr_assert_not_null(doc, "/debug/vars is not JSON (%s):\n%s",
				   err.text, r.body.buf);
		reply_free(&r);
		if (count_of(doc, "unmatched", "404") == 1)
			break;
		usleep(20000);
	}
	/* the arguments as /proc/self/cmdline has them */
	json_t *cmdline = json_object_get(doc, "cmdline");
	FILE *f = fopen("/proc/self/cmdline", "r");
	char args[8192];
	size_t len = f ? fread(args, 1, sizeof args, f) : 0, i = 0;
	if (f)
		fclose(f);
	cr_assert(json_is_array(cmdline), "\"cmdline\" must be an array");
	for (size_t at = 0; at < len; at += strlen(args + at) + 1, i++) {
		json_t *arg = json_array_get(cmdline, i);
		cr_assert(json_is_string(arg) &&
				  strcmp(json_string_value(arg), args + at) == 0,
			  "cmdline[%zu] should be \"%s\"", i, args + at);
	}
	cr_assert_eq(json_array_size(cmdline), i,
		     "cmdline has %zu strings, the command line %zu arguments",
		     json_array_size(cmdline), i);

	json_t *mem = json_object_get(doc, "memstats");
	static const char *const fields[] = { "in_use_bytes", "heap_bytes",
					      "free_bytes", "mmap_bytes",
					      "resident_bytes", "virtual_bytes" };
	cr_assert(json_is_object(mem), "\"memstats\" must be an object");
	cr_assert(json_is_string(json_object_get(mem, "allocator")),
		  "memstats.allocator must be a string");
	for (int i = 0; i < 6; i++)
		cr_assert(json_is_integer(json_object_get(mem, fields[i])),
			  "memstats.%s must be a number", fields[i]);
	cr_assert_gt(json_integer_value(json_object_get(mem, "resident_bytes")),
		     0, "memstats.resident_bytes is 0");

	static const struct {
		const char *route, *code;
		json_int_t n;
	} want[] = {
		{ "/update/{type}/{name}/{value}", "200", 3 },
		{ "/update/{type}/{name}/{value}", "400", 1 },
		{ "/update/{type}/{name}/{value}", "405", 1 },
		{ "/value/{type}/{name}", "404", 1 },
		{ "/value/{type}/{name}", "200", 1 },
		{ "unmatched", "404", 1 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert_eq(count_of(doc, want[i].route, want[i].code), want[i].n,
			     "requests[\"%s\"][\"%s\"]: expected %lld, got %lld",
			     want[i].route, want[i].code, (long long)want[i].n,
			     (long long)count_of(doc, want[i].route, want[i].code));
	cr_assert_eq(count_of(doc, "/updates", "200"), -1,
		     "counts of 0 must be left out (/updates had no requests)");
	json_decref(doc);
	teardown();
}

/* ---- /metrics ---------------------------------------------------------- */

/* The value of the sample line that starts with `series ` , or -1. */
static double sample(const char *text, const char *series)
{
	size_t len = strlen(series);

	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, series, len) == 0 && line[len] == ' ')
			return strtod(line + len + 1, NULL);
	return -1;
}

Test(debug, metrics_pass_promtool_check)
{
	setup();
	make_known_requests();
	struct reply r = wait_for_text(
		"/metrics", "http_requests_total{route=\"unmatched\",code=\"404\"}");
	char file[160], cmd[256];

	assert_status(&r, 200, "GET /metrics");
	assert_header(&r, "Content-Type", "text/plain; version=0.0.4",
		      "/metrics (Prometheus' text format)");
	cr_assert(strstr(r.body.buf, "# TYPE http_requests_total counter\n"),
		  "no # TYPE line for http_requests_total:\n%s", r.body.buf);
	if (!live_under_valgrind()) {
		struct strbuf out = STRBUF_INIT;
		snprintf(file, sizeof file, "%s/metrics.txt", srv.dir);
		cr_assert_eq(live_write_file(file, r.body.buf, r.body.len), 0);
		snprintf(cmd, sizeof cmd, "promtool check metrics < '%s'", file);
		int rc = live_run(cmd, &out);
		cr_assert_eq(rc, 0, "promtool check metrics failed (%d):\n%s\n"
			     "on:\n%s", rc, out.buf, r.body.buf);
		strbuf_release(&out);
	}
	reply_free(&r);
	teardown();
}

Test(debug, metrics_count_requests_by_route_and_code)
{
	setup();
	static const struct {
		const char *series;
		double n;
	} want[] = {
		{ "http_requests_total{route=\"/update/{type}/{name}/{value}\","
		  "code=\"200\"}", 3 },
		{ "http_requests_total{route=\"/update/{type}/{name}/{value}\","
		  "code=\"400\"}", 1 },
		{ "http_requests_total{route=\"/update/{type}/{name}/{value}\","
		  "code=\"405\"}", 1 },
		{ "http_requests_total{route=\"/value/{type}/{name}\","
		  "code=\"404\"}", 1 },
		{ "http_requests_total{route=\"unmatched\",code=\"404\"}", 1 },
	};

	make_known_requests();
	struct reply r = wait_for_text(
		"/metrics", "http_requests_total{route=\"unmatched\",code=\"404\"}");
	assert_status(&r, 200, "GET /metrics");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert_eq(sample(r.body.buf, want[i].series), want[i].n,
			     "%s: expected %g, got %g in:\n%s", want[i].series,
			     want[i].n, sample(r.body.buf, want[i].series),
			     r.body.buf);
	cr_assert_null(strstr(r.body.buf, "route=\"/updates\",code="),
		       "counts of 0 must be left out (/updates had none)");
	reply_free(&r);
	teardown();
}

Test(debug, metrics_histogram_is_cumulative_and_ends_at_the_count)
{
	setup();
	const char *route = "/update/{type}/{name}/{value}";
	char series[256];
	double last = 0;

	make_known_requests();
	struct reply r = wait_for_text(
		"/metrics", "http_requests_total{route=\"unmatched\",code=\"404\"}");
	cr_assert(strstr(r.body.buf, "# TYPE http_request_duration_seconds "
			 "histogram\n"), "no histogram family in:\n%s", r.body.buf);
	for (int b = 0; b <= STATS_BUCKETS; b++) {
		if (b < STATS_BUCKETS)
			snprintf(series, sizeof series,
				 "http_request_duration_seconds_bucket{route=\"%s\","
				 "le=\"%g\"}", route, stats_bucket_le[b]);
		else
			snprintf(series, sizeof series,
				 "http_request_duration_seconds_bucket{route=\"%s\","
				 "le=\"+Inf\"}", route);
		double v = sample(r.body.buf, series);
		cr_assert_geq(v, 0, "no sample %s in:\n%s", series, r.body.buf);
		cr_assert_geq(v, last, "%s is %g, less than the bucket before "
			      "it (%g): buckets are cumulative", series, v, last);
		last = v;
	}
	cr_assert_eq(last, 5, "le=\"+Inf\" of %s is %g; 5 requests were made "
		     "to it", route, last);
	snprintf(series, sizeof series,
		 "http_request_duration_seconds_count{route=\"%s\"}", route);
	cr_assert_eq(sample(r.body.buf, series), last,
		     "%s must equal the +Inf bucket (%g)", series, last);
	snprintf(series, sizeof series,
		 "http_request_duration_seconds_sum{route=\"%s\"}", route);
	double sum = sample(r.body.buf, series);
	cr_assert(sum > 0 && sum < 5, "%s is %g: 5 requests on loopback take "
		  "more than 0 and less than 5 seconds", series, sum);
	reply_free(&r);
	teardown();
}

Test(debug, metrics_report_the_process_figures)
{
	setup();
	struct reply r = debug_get("/metrics");
	time_t now = time(NULL);

	assert_status(&r, 200, "GET /metrics");
	double cpu = sample(r.body.buf, "process_cpu_seconds_total");
	double rss = sample(r.body.buf, "process_resident_memory_bytes");
	double vsz = sample(r.body.buf, "process_virtual_memory_bytes");
	double fds = sample(r.body.buf, "process_open_fds");
	double max = sample(r.body.buf, "process_max_fds");
	double start = sample(r.body.buf, "process_start_time_seconds");
	double heap = sample(r.body.buf, "process_heap_bytes");
	cr_assert(cpu >= 0 && rss > 0 && vsz >= rss && fds > 2 && max >= fds &&
			  heap >= 0,
		  "implausible process figures (cpu %g, rss %g, vsz %g, fds %g "
		  "of %g, heap %g) in:\n%s", cpu, rss, vsz, fds, max, heap,
		  r.body.buf);
	cr_assert(start > (double)now - 3600 && start <= (double)now + 1,
		  "process_start_time_seconds is %f; this process started in "
		  "the last hour (now is %ld)", start, (long)now);
	cr_assert(strstr(r.body.buf, "# TYPE process_cpu_seconds_total counter\n") &&
			  strstr(r.body.buf, "# TYPE process_open_fds gauge\n") &&
			  strstr(r.body.buf, "# HELP process_resident_memory_bytes "),
		  "families need # HELP and # TYPE lines:\n%s", r.body.buf);
	reply_free(&r);
	teardown();
}
