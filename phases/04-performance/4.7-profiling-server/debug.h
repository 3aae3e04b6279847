/*
 * debug.h - the debug listener: a second HTTP server, on loopback only,
 * that lets you profile the metrics server while it runs, the way Go's
 * net/http/pprof, expvar and a Prometheus exporter do. You write it, in
 * debug.c; this header is the contract the tests hold you to.
 *
 * USAGE (app.c does this when the server runs with --debug-addr)
 *
 *     struct debug_config cfg = { .addr = loopback_6060,
 *                                 .stats = app_stats };
 *     struct debug_server *ds;
 *     if (debug_start(&ds, &cfg) != 0)
 *             fail with strerror(errno);
 *     printf("debug on port %u\n", debug_port(ds));
 *     ...
 *     debug_stop(ds);
 *
 *     google-pprof --text ./server http://127.0.0.1:6060/debug/pprof/profile?seconds=5
 *
 * THE LISTENER
 *
 *  - It listens on exactly cfg->addr, which is on loopback: never on all
 *    interfaces (which is what passing only a port to MHD_start_daemon
 *    does). Profiles reveal the memory layout, function addresses and the
 *    command line, and /profile burns CPU for a minute per request.
 *  - One thread per connection (MHD_USE_THREAD_PER_CONNECTION): /profile
 *    sleeps for seconds in its handler, and must not hold up /metrics.
 *  - At most DEBUG_CONNECTIONS_MAX connections at once, at most
 *    DEBUG_CONNECTIONS_PER_IP from one address; an idle connection is
 *    closed after DEBUG_TIMEOUT_SECONDS.
 *  - Every response carries X-Content-Type-Options: nosniff (http_queue()
 *    adds it). Errors are text/plain, "reason\n".
 *
 * THE ENDPOINTS (anything else: 404; a method not listed: 405 with Allow)
 *
 *  GET /debug/pprof/   text/html: an index with a link to every endpoint
 *      below (profile, heap, symbol, cmdline, /debug/vars, /metrics).
 *      GET /debug/pprof redirects there (301). Other paths under
 *      /debug/pprof/ (goroutine, block, trace...): 404 "Unknown profile"
 *      with X-Go-Pprof: 1, as Go answers for a profile it lacks.
 *
 *  GET /debug/pprof/profile?seconds=N   a CPU profile of N seconds
 *      (default DEBUG_PROFILE_SECONDS when `seconds` is absent or empty),
 *      taken with gperftools (ProfilerStart/ProfilerStop, <gperftools/
 *      profiler.h>), sent as application/octet-stream with
 *      Content-Disposition: attachment; filename="profile".
 *      - N must be a whole number from 1 to DEBUG_PROFILE_MAX_SECONDS;
 *        anything else (0, -1, 1.5, abc, 61): 400 saying so, at once.
 *      - gperftools writes the profile to a file name: make it with
 *        mkstemp() (mode 0600, in $TMPDIR or /tmp), serve it from the open
 *        descriptor, and leave no file behind. Never take a file name
 *        from the request.
 *      - One profile at a time, process-wide: a request while one runs
 *        gets 500 at once, with X-Go-Pprof: 1 and Go's text:
 *        "Could not enable CPU profiling: cpu profiling already in use".
 *      - The handler sleeps N seconds while the profiler samples. The
 *        profiler's SIGPROF interrupts sleep(), nanosleep() and the like
 *        (they return early with EINTR), so the sleep must not end before
 *        N seconds have passed, however many signals arrive.
 *      - debug_stop() must not wait for the sleep to end: a profile in
 *        progress stops and its request gets 503.
 *
 *  GET /debug/pprof/heap (and /debug/pprof/allocs)   text/plain. With the
 *      heap profiler running (cfg->heap_profile; see heapprof.h): the
 *      gperftools heap profile, which google-pprof reads. Otherwise the
 *      allocator's figures, as comment lines `# name = value` with the
 *      names of struct heapinfo (allocator, in_use_bytes, heap_bytes,
 *      free_bytes, mmap_bytes), after a line saying how to turn the
 *      profiler on. A `seconds` argument: 400 (diff two profiles with
 *      google-pprof --base instead).
 *
 *  GET|POST /debug/pprof/symbol   what google-pprof asks to turn addresses
 *      into names. The answer starts with "num_symbols: 1\n" (GET: only
 *      that). A POST body is addresses joined by '+' ("0x4005d0+0x4005e4",
 *      also decimal); for each one that dladdr() can name, a line
 *      "0x4005d0 function_name\n" (the address in lower-case hex with
 *      0x). Addresses that cannot be named and malformed words are left
 *      out: never an error, never a crash. A body above
 *      DEBUG_SYMBOL_BODY_MAX bytes: 413.
 *
 *  GET /debug/pprof/cmdline   text/plain: the command line, arguments
 *      separated by '\0' (none after the last), as Go's.
 *
 *  GET /debug/vars   application/json, one object:
 *      "cmdline":  the arguments, an array of strings;
 *      "memstats": struct heapinfo's fields plus resident_bytes and
 *                  virtual_bytes of struct procinfo (numbers; allocator a
 *                  string);
 *      "requests": { route name: { status code as a string: count } },
 *                  from cfg->stats, leaving out counts of 0 (all of it
 *                  {} when cfg->stats is NULL).
 *
 *  GET /metrics   text/plain; version=0.0.4: Prometheus' text format,
 *      which `promtool check metrics` accepts, each family with # HELP
 *      and # TYPE:
 *      process_cpu_seconds_total (counter), process_resident_memory_bytes,
 *      process_virtual_memory_bytes, process_open_fds, process_max_fds,
 *      process_start_time_seconds, process_heap_bytes (gauges: the last
 *      is heapinfo.heap_bytes);
 *      http_requests_total{route="...",code="..."} (counter, from
 *      cfg->stats, leaving out 0s);
 *      http_request_duration_seconds (histogram by route: _bucket with
 *      cumulative counts for each le of stats_bucket_le and "+Inf",
 *      _sum in seconds, _count; see stats.h).
 *
 * ERRORS
 *
 * debug_start() returns 0, or -1 with errno set (EADDRINUSE, ENOSYS when
 * cfg->heap_profile is set but tcmalloc is not loaded...) and nothing left
 * running.
 */
#ifndef DEBUG_H
#define DEBUG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

#define DEBUG_PROFILE_SECONDS 30     /* when the request gives none */
#define DEBUG_PROFILE_MAX_SECONDS 60 /* the cap: above it, 400 */
#define DEBUG_CONNECTIONS_MAX 8
#define DEBUG_CONNECTIONS_PER_IP 4
#define DEBUG_TIMEOUT_SECONDS 90     /* longer than the longest profile */
#define DEBUG_SYMBOL_BODY_MAX 65536

struct debug_config {
	struct sockaddr_in addr;  /* loopback; port 0 picks a free port */
	const struct stats *stats; /* the API's request figures, or NULL */
	bool heap_profile;        /* start gperftools' heap profiler */
};

struct debug_server;

/* Start listening (see THE LISTENER). On success *out is the server. */
int debug_start(struct debug_server **out, const struct debug_config *cfg);

/* The port it listens on: cfg->addr's, or the one the kernel picked. */
uint16_t debug_port(const struct debug_server *ds);

/* Stop listening, end a profile in progress (its request gets 503), wait
 * for the handlers to return, stop the heap profiler, free everything.
 * NULL is fine. */
void debug_stop(struct debug_server *ds);

#endif /* DEBUG_H */
