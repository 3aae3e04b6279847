/*
 * bench.c - the benchmark runner behind bench.h: flags, choosing N, timing,
 * counting, parallel runs, callgrind and perf counters, output.
 *
 * The structure follows Go's src/testing/benchmark.go, which is worth
 * reading next to this file: run1/launch/predictN/processBench have the
 * same names and the same rules here.
 */
#include "bench.h"
#include "alloc_count.h"
#include "bench_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <linux/perf_event.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

/* Most benchmarks one executable may register. Registration happens in
 * constructors, before main, so it uses a fixed array and never allocates. */
#ifndef BENCH_MAX
#define BENCH_MAX 256
#endif

/* Go's limits: never more than 1e9 iterations, never grow more than 100x
 * in one step, and add 20% so the last run overshoots rather than
 * undershoots the budget. */
#define MAX_N 1000000000L
#define MAX_GROWTH 100

/* Below this many ns/op (about three cycles), the loop body is almost
 * surely gone: an empty `for` loop costs 0.29 ns/op on this machine, and a
 * loop whose pure body gcc deleted 0.53 ns/op. Real work this cheap is rare,
 * and the warning only says "probably". */
#define TOO_FAST_NS 1.0
#define TOO_FAST_INSTR 4.0

/* Warn when ns/op has a coefficient of variation above this across -count
 * runs: benchstat would show wide confidence intervals. */
#define NOISY_CV 0.05

#define MAX_CPUS 16
#define MAX_LEVELS 8

/* ---------------------------------------------------------------------- */
/* Registry                                                                */
/* ---------------------------------------------------------------------- */

struct registered {
	const char *name;
	bench_fn fn;
	const char *file;
	int optimized;
};

static struct registered registry[BENCH_MAX];
static int registry_len;

void bench_register(const char *name, bench_fn fn, const char *file,
		    int optimized)
{
	if (registry_len == BENCH_MAX) {
		fprintf(stderr, "bench: more than %d benchmarks; raise BENCH_MAX\n",
			BENCH_MAX);
		abort();
	}
	registry[registry_len++] = (struct registered){name, fn, file, optimized};
}

/* ---------------------------------------------------------------------- */
/* Options                                                                 */
/* ---------------------------------------------------------------------- */

static struct {
	regex_t levels[MAX_LEVELS];
	int nlevels;
	int64_t benchtime_ns; /* when benchtime_n == 0 */
	long benchtime_n;     /* the "100x" form */
	int count;
	int cpus[MAX_CPUS];
	int ncpus;
	bool json;
	const char *cpuprofile;
	const char *list;
	const char *pkg;
} opt;

/* ---------------------------------------------------------------------- */
/* Warnings: each said once                                                */
/* ---------------------------------------------------------------------- */

static json_t *json_warnings; /* for -json */
static json_t *json_results;
static json_t *json_failures;

static void warn_once(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn_once(const char *key, const char *fmt, ...)
{
	static char said[64][48];
	static int nsaid;
	char msg[1024];
	va_list ap;

	for (int i = 0; i < nsaid; i++)
		if (strcmp(said[i], key) == 0)
			return;
	if (nsaid < 64)
		snprintf(said[nsaid++], sizeof said[0], "%s", key);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "warning: %s\n", msg);
	if (json_warnings)
		json_array_append_new(json_warnings, json_string(msg));
}

/* ---------------------------------------------------------------------- */
/* Clocks and counters                                                     */
/* ---------------------------------------------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The hardware instruction counter, when the machine exposes one. Opened
 * once with inherit=1 so threads created later (parallel benchmarks) are
 * counted too; their counts fold in when they exit, and the harness joins
 * them before it stops the timer. */
static int perf_fd = -1;

static void perf_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.inherit = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (perf_fd < 0 && !RUNNING_ON_VALGRIND)
		warn_once("perf", "instructions/op: this machine exposes no "
			  "hardware instruction counter (perf_event_open: %s); "
			  "run under valgrind --tool=callgrind for exact counts "
			  "(see bench/README.md)", strerror(errno));
}

static uint64_t perf_read(void)
{
	uint64_t v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof v) != (ssize_t)sizeof v)
		v = 0;
	return v;
}

/*
 * Callgrind. With --collect-atstart=no, callgrind counts only while
 * "collection" is on; the harness turns it on in start_timer and off in
 * stop_timer, so the counts cover exactly the timed window, then asks for a
 * dump at the end of each run and reads the "summary:" line back from the
 * file callgrind just wrote (<out-file>.<k> for the k-th dump).
 * If the user forgot --collect-atstart=no, collection starts on; the first
 * (calibration) dump then has a non-zero total and the harness toggles it
 * off to get back in step.
 */
static struct {
	bool active;
	bool collecting;  /* the main thread's switch */
	bool started_on;  /* run without --collect-atstart=no */
	int dumps;
	char base[4096];
} cg;

static bool cg_read_dump(int k, uint64_t *total)
{
	char path[4200];
	char line[256];
	bool found = false;

	snprintf(path, sizeof path, "%s.%d", cg.base, k);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof line, f)) {
		unsigned long long v;
		if (sscanf(line, "summary: %llu", &v) == 1 ||
		    sscanf(line, "totals: %llu", &v) == 1) {
			*total = v;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static void cg_init(void)
{
	uint64_t total;
	const char *env = getenv("BENCH_CALLGRIND_OUT");
	const char *preload = getenv("LD_PRELOAD");

	if (!RUNNING_ON_VALGRIND)
		return;
	if (env && *env) {
		/* expand %p as valgrind does */
		const char *p = strstr(env, "%p");
		if (p)
			snprintf(cg.base, sizeof cg.base, "%.*s%d%s",
				 (int)(p - env), env, (int)getpid(), p + 2);
		else
			snprintf(cg.base, sizeof cg.base, "%s", env);
	} else {
		snprintf(cg.base, sizeof cg.base, "callgrind.out.%d",
			 (int)getpid());
	}
	CALLGRIND_DUMP_STATS_AT("bench: calibration");
	if (!cg_read_dump(1, &total)) {
		/* Other tools preload their own library; callgrind does not. */
		if (preload && !strstr(preload, "vgpreload_memcheck") &&
		    !strstr(preload, "vgpreload_massif") &&
		    !strstr(preload, "vgpreload_helgrind") &&
		    !strstr(preload, "vgpreload_drd") &&
		    !strstr(preload, "vgpreload_dhat"))
			warn_once("callgrind", "instructions/op: under valgrind "
				  "but no callgrind dump at %s.1; if this is "
				  "callgrind, set BENCH_CALLGRIND_OUT to the "
				  "--callgrind-out-file you gave it", cg.base);
		return;
	}
	cg.active = true;
	cg.dumps = 1;
	if (total > 0) {
		warn_once("collect-atstart", "callgrind was started without "
			  "--collect-atstart=no; the harness turned collection "
			  "off until the timed loops, but cannot count the "
			  "threads of parallel benchmarks this way (their "
			  "instructions/op are left out)");
		cg.started_on = true;
		CALLGRIND_TOGGLE_COLLECT;
	}
	cg.collecting = false;
}

static void cg_collect(bool on)
{
	if (cg.active && cg.collecting != on) {
		CALLGRIND_TOGGLE_COLLECT;
		cg.collecting = on;
	}
}

/* gperftools' CPU profiler, loaded only when -cpuprofile asks for it. The
 * filter makes it keep samples only while a timer runs, so setup code and
 * the harness stay out of the profile. */
struct profiler_options {
	int (*filter_in_thread)(void *arg);
	void *filter_in_thread_arg;
};
static int (*profiler_start)(const char *, const struct profiler_options *);
static void (*profiler_stop)(void);
static volatile sig_atomic_t timer_running; /* read in SIGPROF handler */

static int profile_filter(void *arg)
{
	(void)arg;
	return timer_running;
}

static int cpuprofile_start(const char *path)
{
	void *lib = dlopen("libprofiler.so.0", RTLD_NOW | RTLD_GLOBAL);

	if (lib == NULL) {
		fprintf(stderr, "bench: -cpuprofile needs gperftools' libprofiler "
			"(apt-get install libgoogle-perftools4): %s\n", dlerror());
		return -1;
	}
	*(void **)&profiler_start = dlsym(lib, "ProfilerStartWithOptions");
	*(void **)&profiler_stop = dlsym(lib, "ProfilerStop");
	struct profiler_options po = {profile_filter, NULL};
	if (!profiler_start || !profiler_stop || !profiler_start(path, &po)) {
		fprintf(stderr, "bench: could not start the CPU profiler on %s\n",
			path);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Per-run state                                                           */
/* ---------------------------------------------------------------------- */

struct bench_run_state {
	const char *name;  /* full name without the -P suffix */
	int level;         /* 0 for top level */
	bench_fn fn;
	void *arg;
	int procs;
	bool has_sub;
	bool failed;
	bool parallel;     /* the last run used bench_run_parallel */
	char *fail_msg;

	/* timer */
	bool timer_on;
	int64_t start_ns, duration_ns;
	struct alloc_stats start_allocs;
	uint64_t net_allocs, net_bytes;
	uint64_t start_instr, net_instr;

	/* the previous run, for predictN and for parallel grain sizes */
	long prev_n;
	int64_t prev_ns;

	/* result of the last run */
	int64_t bytes_per_op;
	double instr_per_op; /* < 0: unknown */
	struct metric {
		char unit[48];
		double value;
	} extra[16];
	int nextra;
};

static void timer_start(struct bench_run_state *st)
{
	if (st->timer_on)
		return;
	st->timer_on = true;
	st->start_allocs = alloc_count_read();
	st->start_instr = perf_read();
	st->start_ns = now_ns();
	timer_running = 1;
	cg_collect(true); /* last: the harness's own work is not counted */
}

static void timer_stop(struct bench_run_state *st)
{
	if (!st->timer_on)
		return;
	cg_collect(false); /* first, for the same reason */
	timer_running = 0;
	st->duration_ns += now_ns() - st->start_ns;
	struct alloc_stats d = alloc_count_since(st->start_allocs);
	st->net_allocs += d.allocs;
	st->net_bytes += d.bytes;
	st->net_instr += perf_read() - st->start_instr;
	st->timer_on = false;
}

void bench_start_timer(struct bench *b) { timer_start(b->st); }
void bench_stop_timer(struct bench *b) { timer_stop(b->st); }

void bench_reset_timer(struct bench *b)
{
	struct bench_run_state *st = b->st;

	if (st->timer_on) {
		cg_collect(false);
		st->start_allocs = alloc_count_read();
		st->start_instr = perf_read();
		st->start_ns = now_ns();
		if (cg.active)
			CALLGRIND_ZERO_STATS;
		cg_collect(true);
	} else if (cg.active) {
		CALLGRIND_ZERO_STATS;
	}
	st->duration_ns = 0;
	st->net_allocs = st->net_bytes = st->net_instr = 0;
}

void bench_loop_edge_(struct bench *b, bool first)
{
	if (first)
		bench_reset_timer(b);
	else
		bench_stop_timer(b);
}

void bench_set_bytes(struct bench *b, int64_t bytes_per_op)
{
	b->st->bytes_per_op = bytes_per_op;
}

void bench_report_metric(struct bench *b, double value, const char *unit)
{
	struct bench_run_state *st = b->st;

	if (strpbrk(unit, " \t\n") || *unit == '\0') {
		bench_fail(b, "bench_report_metric: unit \"%s\" is empty or has "
			   "spaces", unit);
		return;
	}
	for (int i = 0; i < st->nextra; i++) {
		if (strcmp(st->extra[i].unit, unit) == 0) {
			st->extra[i].value = value;
			return;
		}
	}
	if (st->nextra < (int)(sizeof st->extra / sizeof st->extra[0])) {
		snprintf(st->extra[st->nextra].unit, sizeof st->extra[0].unit,
			 "%s", unit);
		st->extra[st->nextra++].value = value;
	}
}

void bench_fail(struct bench *b, const char *fmt, ...)
{
	struct bench_run_state *st = b->st;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st->failed = true;
	if (st->fail_msg == NULL)
		st->fail_msg = strdup(msg);
}

int bench_procs(const struct bench *b)
{
	return b->st->procs;
}

/* ---------------------------------------------------------------------- */
/* Running one benchmark: runN, run1, launch (Go's names)                  */
/* ---------------------------------------------------------------------- */

static void run_n(struct bench_run_state *st, long n)
{
	struct bench b = {.n = n, .arg = st->arg, .loop_i = 0, .st = st};

	st->nextra = 0;
	st->bytes_per_op = 0;
	st->instr_per_op = -1;
	st->parallel = false;
	bench_reset_timer(&b);
	timer_start(st);
	st->fn(&b);
	timer_stop(st);

	if (cg.active) {
		uint64_t total;
		char desc[512];
		snprintf(desc, sizeof desc, "%s n=%ld", st->name, n);
		CALLGRIND_DUMP_STATS_AT(desc);
		cg.dumps++;
		if (cg_read_dump(cg.dumps, &total) &&
		    !(st->parallel && cg.started_on))
			st->instr_per_op = (double)total / (double)n;
	} else if (perf_fd >= 0) {
		st->instr_per_op = (double)st->net_instr / (double)n;
	}
	st->prev_n = n;
	st->prev_ns = st->duration_ns;
}

/* Go's predictN: aim for goal_ns from the last run's rate, +20%, at most
 * 100x the last n and at least one more, never over 1e9. */
long bench_predict_n(int64_t goal_ns, long prev_n, int64_t prev_ns, long last)
{
	if (prev_ns <= 0)
		prev_ns = 1;
	/* long double: goal_ns * prev_n overflows int64 for fast benchmarks */
	long double n = (long double)goal_ns * prev_n / prev_ns;
	n += n / 5;
	if (n > (long double)MAX_GROWTH * last)
		n = (long double)MAX_GROWTH * last;
	if (n < last + 1)
		n = last + 1;
	if (n > MAX_N)
		n = MAX_N;
	return (long)n;
}

static void launch(struct bench_run_state *st)
{
	if (opt.benchtime_n > 0) {
		if (opt.benchtime_n > 1)
			run_n(st, opt.benchtime_n);
		return;
	}
	for (long n = 1; !st->failed && st->duration_ns < opt.benchtime_ns &&
			 n < MAX_N;) {
		long last = n;
		n = bench_predict_n(opt.benchtime_ns, st->prev_n, st->prev_ns, last);
		run_n(st, n);
	}
}

/* ---------------------------------------------------------------------- */
/* Output                                                                  */
/* ---------------------------------------------------------------------- */

static int name_width;

/* Go's prettyPrint: about four significant digits, aligned columns. */
static void pretty(char *out, size_t size, double x, const char *unit)
{
	double y = fabs(x);
	int width, prec;

	if (y == 0 || y >= 999.95)
		width = 10, prec = 0;
	else if (y >= 99.995)
		width = 12, prec = 1;
	else if (y >= 9.9995)
		width = 13, prec = 2;
	else if (y >= 0.99995)
		width = 14, prec = 3;
	else if (y >= 0.099995)
		width = 15, prec = 4;
	else if (y >= 0.0099995)
		width = 16, prec = 5;
	else if (y >= 0.00099995)
		width = 17, prec = 6;
	else
		width = 18, prec = 7;
	snprintf(out, size, "%*.*f %s", width, prec, x, unit);
}

static void full_name(char *out, size_t size, const struct bench_run_state *st)
{
	if (st->procs != 1)
		snprintf(out, size, "%s-%d", st->name, st->procs);
	else
		snprintf(out, size, "%s", st->name);
}

/* Go's column order: MB/s, then custom metrics sorted by unit, then the
 * memory columns last. instructions/op sorts with the custom ones. */
static int metric_rank(const char *unit)
{
	if (strcmp(unit, "MB/s") == 0)
		return 0;
	if (strcmp(unit, "B/op") == 0)
		return 2;
	if (strcmp(unit, "allocs/op") == 0)
		return 3;
	return 1;
}

static int cmp_metric(const void *a, const void *b)
{
	const struct metric *x = a, *y = b;
	int rx = metric_rank(x->unit), ry = metric_rank(y->unit);

	return rx != ry ? rx - ry : strcmp(x->unit, y->unit);
}

/* Returns ns/op, for the noise check. */
static double report(struct bench_run_state *st)
{
	char name[1024], col[128], line[4096];
	long n = st->prev_n;
	double ns_op = (double)st->duration_ns / (double)n;
	struct metric m[24];
	int nm = 0;

	/* the built-in metrics, then the custom ones, which may override */
	m[nm++] = (struct metric){"B/op", (double)st->net_bytes / (double)n};
	m[nm++] = (struct metric){"allocs/op", (double)st->net_allocs / (double)n};
	if (st->instr_per_op >= 0)
		m[nm++] = (struct metric){"instructions/op", st->instr_per_op};
	if (st->bytes_per_op > 0 && st->duration_ns > 0)
		m[nm++] = (struct metric){"MB/s", (double)st->bytes_per_op * n /
					  1e6 / ((double)st->duration_ns / 1e9)};
	for (int i = 0; i < st->nextra; i++) {
		int j;
		if (strcmp(st->extra[i].unit, "ns/op") == 0) {
			ns_op = st->extra[i].value;
			continue;
		}
		for (j = 0; j < nm; j++)
			if (strcmp(m[j].unit, st->extra[i].unit) == 0)
				break;
		m[j] = st->extra[i];
		if (j == nm)
			nm++;
	}
	qsort(m, (size_t)nm, sizeof m[0], cmp_metric);

	full_name(name, sizeof name, st);
	int len = snprintf(line, sizeof line, "%-*s\t%8ld", name_width, name, n);
	pretty(col, sizeof col, ns_op, "ns/op");
	len += snprintf(line + len, sizeof line - (size_t)len, "\t%s", col);
	for (int i = 0; i < nm && len < (int)sizeof line - 64; i++) {
		if (strcmp(m[i].unit, "MB/s") == 0)
			snprintf(col, sizeof col, "%7.2f MB/s", m[i].value);
		else
			pretty(col, sizeof col, m[i].value, m[i].unit);
		len += snprintf(line + len, sizeof line - (size_t)len, "\t%s", col);
	}

	if (opt.json) {
		json_t *metrics = json_object();
		json_object_set_new(metrics, "ns/op", json_real(ns_op));
		for (int i = 0; i < nm; i++)
			json_object_set_new(metrics, m[i].unit, json_real(m[i].value));
		json_array_append_new(json_results, json_pack(
			"{s:s, s:s, s:i, s:I, s:o}", "name", st->name,
			"full_name", name, "procs", st->procs, "n", (json_int_t)n,
			"metrics", metrics));
	} else {
		printf("%s\n", line);
		fflush(stdout);
	}

	/* An instruction count, when there is one, is the better judge. */
	double instr = -1;
	for (int i = 0; i < nm; i++)
		if (strcmp(m[i].unit, "instructions/op") == 0)
			instr = m[i].value;
	if (instr >= 0 && instr < TOO_FAST_INSTR)
		warn_once(st->name, "%s: %.3g instructions/op is hardly more than "
			  "the loop itself: the compiler probably deleted the loop "
			  "body; pass each result to bench_keep()", name, instr);
	else if (instr < 0 && ns_op < TOO_FAST_NS)
		warn_once(st->name, "%s: %.3g ns/op is a few cycles at most: the "
			  "compiler probably deleted the loop body; pass each "
			  "result to bench_keep()", name, ns_op);
	return ns_op;
}

static void report_failure(struct bench_run_state *st)
{
	char name[1024];

	full_name(name, sizeof name, st);
	if (opt.json)
		json_array_append_new(json_failures, json_pack("{s:s, s:s}",
			"name", name, "message", st->fail_msg ? st->fail_msg : ""));
	else
		printf("--- FAIL: %s\n    %s\n", name,
		       st->fail_msg ? st->fail_msg : "failed");
	fflush(stdout);
}

static void check_noise(const struct bench_run_state *st, const double *ns,
			int count)
{
	double mean = 0, var = 0;
	char name[1024], key[48];

	if (count < 3)
		return;
	for (int i = 0; i < count; i++)
		mean += ns[i];
	mean /= count;
	for (int i = 0; i < count; i++)
		var += (ns[i] - mean) * (ns[i] - mean);
	double cv = sqrt(var / (count - 1)) / mean;
	if (cv <= NOISY_CV)
		return;
	full_name(name, sizeof name, st);
	snprintf(key, sizeof key, "noise:%.40s", name);
	warn_once(key, "%s: ns/op varied by %.0f%% (coefficient of variation) "
		  "across %d runs; this machine is noisy right now: close other "
		  "programs, raise -benchtime, and compare with benchstat",
		  name, cv * 100, count);
}

/* ---------------------------------------------------------------------- */
/* Filtering, sub-benchmarks and the leaf loop (Go's processBench)         */
/* ---------------------------------------------------------------------- */

static bool level_matches(int level, const char *elem)
{
	if (level >= opt.nlevels)
		return true;
	return regexec(&opt.levels[level], elem, 0, NULL, 0) == 0;
}

static int exit_status;

static void run1(struct bench_run_state *st)
{
	st->has_sub = false;
	st->prev_n = 0;
	st->prev_ns = 0;
	run_n(st, 1);
}

static void process_bench(struct bench_run_state *st, bool first_run_done)
{
	double ns[256];

	for (int c = 0; c < opt.ncpus; c++) {
		int count = 0;
		st->procs = opt.cpus[c];
		for (int j = 0; j < opt.count; j++) {
			if (!(first_run_done && c == 0 && j == 0))
				run1(st);
			if (!st->failed)
				launch(st);
			if (st->failed) {
				report_failure(st);
				exit_status = 1;
				return;
			}
			double v = report(st);
			if (count < 256)
				ns[count++] = v;
		}
		check_noise(st, ns, count);
	}
}

static void run_benchmark(struct bench_run_state *st)
{
	st->procs = opt.cpus[0];
	run1(st);
	if (st->has_sub)
		return; /* a parent: its children reported themselves */
	if (st->failed) {
		report_failure(st);
		exit_status = 1;
		return;
	}
	process_bench(st, true);
}

bool bench_run(struct bench *b, bench_fn fn, void *arg, const char *fmt, ...)
{
	struct bench_run_state *parent = b->st;
	char elem[512], name[1024];
	va_list ap;

	/* A parent's own timing is meaningless; stop it while children run. */
	timer_stop(parent);
	parent->has_sub = true;

	va_start(ap, fmt);
	vsnprintf(elem, sizeof elem, fmt, ap);
	va_end(ap);
	for (char *p = elem; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n')
			*p = '_';
	if (!level_matches(parent->level + 1, elem))
		return true;
	snprintf(name, sizeof name, "%s/%s", parent->name, elem);

	struct bench_run_state st = {.name = name, .level = parent->level + 1,
				     .fn = fn, .arg = arg};
	run_benchmark(&st);
	bool ok = !st.failed;
	free(st.fail_msg);
	return ok;
}

/* ---------------------------------------------------------------------- */
/* Parallel benchmarks (Go's RunParallel)                                  */
/* ---------------------------------------------------------------------- */

struct bench_pb {
	uint64_t *global_n; /* iterations handed out so far, shared */
	uint64_t grain;
	uint64_t cache;     /* iterations this thread may still run */
	uint64_t bn;        /* the total to cover */
	uint64_t done;      /* iterations this thread ran (for the self-test) */
	bench_pb_fn body;
	void *arg;
	int id;
	pthread_t thread;
};

/* For the harness self-test (bench_internal.h). */
uint64_t bench_pb_last_done_[MAX_CPUS * 8];
int bench_pb_last_threads_;

bool bench_pb_next(struct bench_pb *pb)
{
	if (pb->cache == 0) {
		uint64_t n = __atomic_add_fetch(pb->global_n, pb->grain,
						__ATOMIC_RELAXED);
		if (n <= pb->bn)
			pb->cache = pb->grain;
		else if (n < pb->bn + pb->grain)
			pb->cache = pb->bn + pb->grain - n;
		else
			return false;
	}
	pb->cache--;
	pb->done++;
	return true;
}

/*
 * Threads and the main thread meet at one barrier four times:
 *   ready   - every thread has started (thread start-up may allocate)
 *   go      - the timer is running: bodies start
 *   finish  - every body has returned
 *   stopped - the timer is stopped: threads may exit (exit may free)
 * so creating and tearing down threads stays outside the measurement.
 */
struct pb_thread_arg {
	struct bench_pb *pb;
	pthread_barrier_t *gate;
	bool measured; /* the timer runs: count this thread's instructions */
};

static void *pb_thread(void *p)
{
	struct pb_thread_arg *a = p;
	/* Callgrind's collection switch is per thread, and (measured with
	 * valgrind 3.19, with and without --collect-atstart=no) a thread
	 * created while its creator is not collecting starts switched off.
	 * bench_run_parallel creates threads with the timer stopped, so each
	 * thread switches itself on around its body, as timer_start/stop do
	 * for the main thread. */
	bool collecting = false;

	pthread_barrier_wait(a->gate); /* ready */
	pthread_barrier_wait(a->gate); /* go */
	if (cg.active && a->measured) {
		CALLGRIND_TOGGLE_COLLECT;
		collecting = true;
	}
	a->pb->body(a->pb, a->pb->arg, a->pb->id);
	if (collecting)
		CALLGRIND_TOGGLE_COLLECT;
	pthread_barrier_wait(a->gate); /* finish */
	pthread_barrier_wait(a->gate); /* stopped */
	return NULL;
}

void bench_run_parallel(struct bench *b, bench_pb_fn body, void *arg)
{
	struct bench_run_state *st = b->st;
	int procs = st->procs;
	struct bench_pb pbs[MAX_CPUS * 8];

	st->parallel = true;
	struct pb_thread_arg args[MAX_CPUS * 8];
	pthread_barrier_t gate;
	uint64_t global_n = 0;
	bool was_on = st->timer_on;

	/* Grain: about 100 µs of work per grab, from the previous run's rate,
	 * between 1 and 10000 iterations (Go's numbers). */
	uint64_t grain = 0;
	if (st->prev_n > 0 && st->prev_ns > 0)
		grain = (uint64_t)(1e5 * (double)st->prev_n / (double)st->prev_ns);
	if (grain < 1)
		grain = 1;
	if (grain > 10000)
		grain = 10000;

	if (procs > MAX_CPUS * 8)
		procs = MAX_CPUS * 8;
	timer_stop(st);
	pthread_barrier_init(&gate, NULL, (unsigned)procs + 1);
	for (int i = 0; i < procs; i++) {
		pbs[i] = (struct bench_pb){.global_n = &global_n, .grain = grain,
					   .bn = (uint64_t)b->n, .body = body,
					   .arg = arg, .id = i};
		args[i] = (struct pb_thread_arg){&pbs[i], &gate, was_on};
		if (pthread_create(&pbs[i].thread, NULL, pb_thread, &args[i]) != 0) {
			/* A half-started run cannot meet at the gates: give up. */
			fprintf(stderr, "bench: pthread_create failed\n");
			exit(2);
		}
	}
	pthread_barrier_wait(&gate); /* ready */
	if (was_on)
		timer_start(st);
	pthread_barrier_wait(&gate); /* go */
	pthread_barrier_wait(&gate); /* finish */
	if (was_on)
		timer_stop(st);
	pthread_barrier_wait(&gate); /* stopped */

	uint64_t done = 0;
	for (int i = 0; i < procs; i++) {
		pthread_join(pbs[i].thread, NULL);
		bench_pb_last_done_[i] = pbs[i].done;
		done += pbs[i].done;
	}
	pthread_barrier_destroy(&gate);
	bench_pb_last_threads_ = procs;
	if (was_on)
		timer_start(st);
	if (!st->failed && done != (uint64_t)b->n)
		bench_fail(b, "bench_run_parallel: the body returned after %"
			   PRIu64 " of %ld iterations; loop until "
			   "bench_pb_next() returns false", done, b->n);
}

/* ---------------------------------------------------------------------- */
/* Flags                                                                   */
/* ---------------------------------------------------------------------- */

/* Split a -bench pattern at '/' outside brackets, parentheses and escapes,
 * as Go's splitRegexp does. */
static int compile_levels(const char *pattern)
{
	char part[512];
	int depth_sq = 0, depth_par = 0;
	size_t len = 0;

	opt.nlevels = 0;
	for (const char *p = pattern;; p++) {
		bool end = *p == '\0';
		if (!end && *p == '\\' && p[1]) {
			if (len + 2 < sizeof part) {
				part[len++] = p[0];
				part[len++] = p[1];
			}
			p++;
			continue;
		}
		if (!end) {
			if (*p == '[')
				depth_sq++;
			else if (*p == ']' && depth_sq > 0)
				depth_sq--;
			else if (*p == '(' && depth_sq == 0)
				depth_par++;
			else if (*p == ')' && depth_sq == 0 && depth_par > 0)
				depth_par--;
		}
		if (end || (*p == '/' && depth_sq == 0 && depth_par == 0)) {
			part[len] = '\0';
			if (opt.nlevels == MAX_LEVELS) {
				fprintf(stderr, "bench: -bench has more than %d "
					"levels\n", MAX_LEVELS);
				return -1;
			}
			int rc = regcomp(&opt.levels[opt.nlevels], len ? part : ".",
					 REG_EXTENDED | REG_NOSUB);
			if (rc != 0) {
				char err[256];
				regerror(rc, &opt.levels[opt.nlevels], err, sizeof err);
				fprintf(stderr, "bench: bad -bench pattern \"%s\": %s\n",
					part, err);
				return -1;
			}
			opt.nlevels++;
			len = 0;
			if (end)
				break;
			continue;
		}
		if (len + 1 < sizeof part)
			part[len++] = *p;
	}
	return 0;
}

/* 1s, 500ms, 1.5s, 2m, 100us, 100x */
static int parse_benchtime(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6},
		     {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};

	if (end == s || v <= 0)
		return -1;
	if (strcmp(end, "x") == 0) {
		if (v != floor(v) || v > MAX_N)
			return -1;
		opt.benchtime_n = (long)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) == 0) {
			opt.benchtime_ns = (int64_t)(v * units[i].ns);
			opt.benchtime_n = 0;
			return 0;
		}
	}
	return -1;
}

static int parse_cpus(const char *s)
{
	opt.ncpus = 0;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > MAX_CPUS * 8 || opt.ncpus == MAX_CPUS)
			return -1;
		opt.cpus[opt.ncpus++] = (int)v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return opt.ncpus > 0 ? 0 : -1;
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [flags]\n"
		"  -bench REGEX     run benchmarks matching REGEX, per '/' level "
		"(default .)\n"
		"  -benchtime D     time per benchmark (1s, 500ms) or exact "
		"iterations (100x)\n"
		"  -count N         run each benchmark N times (default 1)\n"
		"  -cpu LIST        thread counts, e.g. 1,2 (default: online "
		"CPUs)\n"
		"  -json            print one JSON document instead of text\n"
		"  -cpuprofile F    write a gperftools CPU profile of the timed "
		"loops to F\n"
		"  -list REGEX      list top-level benchmarks matching REGEX\n"
		"  -pkg NAME        the pkg: line of the output\n",
		prog);
}

static int parse_flags(int argc, char **argv)
{
	const char *pattern = ".";

	opt.benchtime_ns = 1000000000;
	opt.count = 1;
	opt.cpus[0] = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (opt.cpus[0] < 1)
		opt.cpus[0] = 1;
	opt.ncpus = 1;
	opt.pkg = getenv("BENCH_PKG");

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		char flag[64];

		if (a[0] != '-') {
			fprintf(stderr, "bench: unexpected argument \"%s\"\n", a);
			return -1;
		}
		a += (a[1] == '-') ? 2 : 1;
		const char *eq = strchr(a, '=');
		size_t flen = eq ? (size_t)(eq - a) : strlen(a);
		if (flen >= sizeof flag)
			flen = sizeof flag - 1;
		memcpy(flag, a, flen);
		flag[flen] = '\0';
		if (strcmp(flag, "h") == 0 || strcmp(flag, "help") == 0) {
			usage(stdout, argv[0]);
			exit(0);
		}
		if (strcmp(flag, "json") == 0) {
			opt.json = true;
			continue;
		}
		static const char *const with_value[] = {"bench", "benchtime",
			"count", "cpu", "cpuprofile", "list", "pkg"};
		bool known = false;
		for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
			known = known || strcmp(flag, with_value[k]) == 0;
		if (!known) {
			fprintf(stderr, "bench: unknown flag -%s\n", flag);
			usage(stderr, argv[0]);
			return -1;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(stderr, "bench: flag -%s needs a value\n", flag);
			return -1;
		}
		if (strcmp(flag, "bench") == 0) {
			pattern = val;
		} else if (strcmp(flag, "benchtime") == 0) {
			if (parse_benchtime(val) < 0) {
				fprintf(stderr, "bench: bad -benchtime \"%s\" "
					"(want 1s, 500ms or 100x)\n", val);
				return -1;
			}
		} else if (strcmp(flag, "count") == 0) {
			opt.count = atoi(val);
			if (opt.count < 1) {
				fprintf(stderr, "bench: bad -count \"%s\"\n", val);
				return -1;
			}
		} else if (strcmp(flag, "cpu") == 0) {
			if (parse_cpus(val) < 0) {
				fprintf(stderr, "bench: bad -cpu \"%s\" (want a "
					"list like 1,2)\n", val);
				return -1;
			}
		} else if (strcmp(flag, "cpuprofile") == 0) {
			opt.cpuprofile = val;
		} else if (strcmp(flag, "list") == 0) {
			opt.list = val;
			pattern = val;
		} else { /* "pkg", the last one with_value lists */
			opt.pkg = val;
		}
	}
	return compile_levels(pattern);
}

/* ---------------------------------------------------------------------- */
/* Environment checks and the header                                       */
/* ---------------------------------------------------------------------- */

static void cpu_model(char *out, size_t size)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, size, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(out, size, "%s", colon);
			break;
		}
	}
	fclose(f);
}

static void check_governor(void)
{
	char gov[64] = "";
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
			"r");

	if (f == NULL)
		return; /* no cpufreq (most VMs): nothing to say */
	if (fgets(gov, sizeof gov, f))
		gov[strcspn(gov, "\n")] = '\0';
	fclose(f);
	if (strcmp(gov, "performance") != 0)
		warn_once("governor", "CPU frequency governor is \"%s\", not "
			  "\"performance\": the clock speed changes under load "
			  "and times drift (sudo cpupower frequency-set -g "
			  "performance)", gov);
}

static void print_header(void)
{
	char cpu[256];
	const char *arch =
#if defined(__x86_64__)
		"amd64";
#elif defined(__aarch64__)
		"arm64";
#else
		"unknown";
#endif

	cpu_model(cpu, sizeof cpu);
	if (opt.json)
		return;
	printf("goos: linux\ngoarch: %s\n", arch);
	if (opt.pkg)
		printf("pkg: %s\n", opt.pkg);
	printf("cpu: %s\n", cpu);
	fflush(stdout);
}

static void print_json(void)
{
	char cpu[256];

	cpu_model(cpu, sizeof cpu);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O}",
		"goos", "linux", "cpu", cpu, "pkg", opt.pkg ? opt.pkg : "",
		"benchmarks", json_results, "warnings", json_warnings,
		"failures", json_failures);
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(doc);
}

/* Free what bench_main made, so a caller (the self-test) leaks nothing. */
static void cleanup(void)
{
	for (int i = 0; i < opt.nlevels; i++)
		regfree(&opt.levels[i]);
	opt.nlevels = 0;
	json_decref(json_warnings);
	json_decref(json_results);
	json_decref(json_failures);
	json_warnings = json_results = json_failures = NULL;
	if (perf_fd >= 0)
		close(perf_fd);
	perf_fd = -1;
}

int bench_main(int argc, char **argv)
{
	if (parse_flags(argc, argv) < 0) {
		cleanup();
		return 2;
	}
	if (opt.list) {
		for (int i = 0; i < registry_len; i++)
			if (level_matches(0, registry[i].name))
				printf("%s\n", registry[i].name);
		cleanup();
		return 0;
	}
	if (opt.json) {
		json_warnings = json_array();
		json_results = json_array();
		json_failures = json_array();
	}
	print_header();
	check_governor();
	cg_init();
	if (!cg.active)
		perf_open();
	if (opt.cpuprofile && cpuprofile_start(opt.cpuprofile) < 0) {
		cleanup();
		return 2;
	}

	/* Name column width: the longest top-level name with its suffix. */
	for (int i = 0; i < registry_len; i++) {
		int w = (int)strlen(registry[i].name) + 4;
		if (w > name_width)
			name_width = w;
	}
	for (int i = 0; i < registry_len; i++) {
		if (!level_matches(0, registry[i].name))
			continue;
		if (!registry[i].optimized)
			warn_once("O0", "%s was compiled without optimisation "
				  "(-O0): its figures say little about real "
				  "code; build with O=2", registry[i].file);
		struct bench_run_state st = {.name = registry[i].name,
					     .fn = registry[i].fn};
		run_benchmark(&st);
		free(st.fail_msg);
	}

	if (profiler_stop)
		profiler_stop();
	if (opt.json) {
		print_json();
	} else if (exit_status == 0) {
		printf("PASS\n");
	} else {
		printf("FAIL\n");
	}
	fflush(stdout);
	cleanup();
	return exit_status;
}
