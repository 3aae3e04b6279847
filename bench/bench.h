/*
 * bench.h - testing.B for C: write a benchmark as a loop, let the harness
 * pick how many times it runs, read ns/op, B/op, allocs/op and more.
 *
 * USAGE
 *
 *     #include "bench.h"
 *
 *     BENCHMARK(Append)                 // registers "BenchmarkAppend"
 *     {
 *         struct strbuf sb = STRBUF_INIT;  // setup: not measured...
 *         bench_reset_timer(b);            // ...once the timer is reset
 *         for (long i = 0; i < b->n; i++)
 *             strbuf_add(&sb, "x", 1);
 *         bench_keep(sb.len);              // consume the result
 *         strbuf_release(&sb);
 *     }
 *
 * Link with bench.o, bench_main.o and alloc_count.o (the Makefile does).
 * Run:
 *
 *     ./bench -bench Append -benchtime 2s -count 10 > new.txt
 *
 * and the output is Go's benchmark format, which `make benchstat` (and Go's
 * own benchstat) read:
 *
 *     BenchmarkAppend-2   	412935840	         2.861 ns/op	   0.0000 B/op	   0.0000 allocs/op
 *
 * HOW N IS CHOSEN
 *
 * As in Go: the function first runs with b->n = 1; the harness then predicts
 * the n that fills -benchtime (default 1s) from the last run, adds 20%, never
 * grows more than 100x per step, and repeats until a run lasts the whole
 * budget. Only that last run is reported. `-benchtime 500x` instead runs
 * exactly 500 iterations (after the n = 1 probe), which is what you want
 * under valgrind, where time means nothing.
 *
 * INVARIANTS
 *
 *  - A benchmark function runs the measured operation exactly b->n times
 *    (or loops on bench_loop(), which does that for it). The harness divides
 *    every total by b->n, so doing more or less work makes every figure lie.
 *  - Only time between start and stop of the timer is measured, and the same
 *    window is used for allocations and instructions. The timer is running
 *    when the function is entered.
 *  - A benchmark that calls bench_run() is a parent: it is not measured
 *    itself, its sub-benchmarks are (Go's b.Run).
 *
 * WHAT EACH COLUMN COSTS TO MEASURE
 *
 *  - ns/op: CLOCK_MONOTONIC read at start/stop only, ~25 ns per read on this
 *    VM, so toggling the timer inside the loop costs ~50 ns per iteration.
 *  - B/op, allocs/op: counted by alloc_count.c, which replaces malloc in the
 *    benchmark executable. Its cost is in alloc_count.h (about 1.5 ns per
 *    malloc+free pair). Printed as floats: 0.5 allocs/op is not 0.
 *  - instructions/op: exact under `valgrind --tool=callgrind` (the harness
 *    dumps callgrind's counters around the measured loop); from the
 *    hardware counter when perf_event_open offers one. See bench/README.md.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* The benchmark state                                                     */
/* ---------------------------------------------------------------------- */

struct bench_run_state;             /* the harness's bookkeeping (bench.c) */

struct bench {
	long n;                     /* iterations this run must perform */
	void *arg;                  /* the arg given to bench_run(), or NULL */
	long loop_i;                /* bench_loop()'s counter */
	struct bench_run_state *st; /* private to bench.c */
};

typedef void (*bench_fn)(struct bench *b);

/*
 * BENCHMARK(Name) { ... } defines and registers "BenchmarkName"; inside the
 * body the state is `b`. Registration runs before main() and never
 * allocates. Benchmarks run in the order they appear in the file.
 */
#define BENCHMARK(name)                                                      \
	static void bench_fn_##name(struct bench *b);                        \
	__attribute__((constructor)) static void bench_register_##name(void) \
	{                                                                    \
		bench_register("Benchmark" #name, bench_fn_##name,           \
			       __FILE__, BENCH_OPTIMIZED_);                  \
	}                                                                    \
	static void bench_fn_##name(struct bench *b)

#ifdef __OPTIMIZE__
#define BENCH_OPTIMIZED_ 1
#else
#define BENCH_OPTIMIZED_ 0 /* the harness warns: -O0 numbers mean little */
#endif

void bench_register(const char *name, bench_fn fn, const char *file,
		    int optimized);

/* ---------------------------------------------------------------------- */
/* Timer control (Go's ResetTimer, StopTimer, StartTimer)                  */
/* ---------------------------------------------------------------------- */

/* Zero the elapsed time, allocations and instructions so far; does not
 * change whether the timer runs. Call it after expensive setup. */
void bench_reset_timer(struct bench *b);

/* Pause and resume measurement, e.g. around per-iteration setup. Each pair
 * costs two clock reads (~50 ns here): for operations under a microsecond,
 * prepare inputs for all n iterations before the loop instead. */
void bench_stop_timer(struct bench *b);
void bench_start_timer(struct bench *b);

/*
 * Loop exactly b->n times, Go 1.24's b.Loop: the first call resets the
 * timer (so setup above the loop is never measured), the last one stops it
 * (so cleanup below it is not either).
 *
 *     while (bench_loop(b))
 *             bench_keep(hash(key));
 */
void bench_loop_edge_(struct bench *b, bool first); /* bench.c */

static inline bool bench_loop(struct bench *b)
{
	if (__builtin_expect(b->loop_i > 0 && b->loop_i < b->n, 1)) {
		b->loop_i++;
		return true;
	}
	if (b->loop_i == 0) {
		bench_loop_edge_(b, true);
		b->loop_i = 1;
		return b->n > 0;
	}
	bench_loop_edge_(b, false);
	return false;
}

/* ---------------------------------------------------------------------- */
/* Reporting                                                               */
/* ---------------------------------------------------------------------- */

/* Bytes processed per operation: the output gains an MB/s column. */
void bench_set_bytes(struct bench *b, int64_t bytes_per_op);

/*
 * Report a custom metric, as Go's b.ReportMetric: `value` is printed as
 * given, so divide by b->n yourself for per-op units, and end such units in
 * "/op" by convention. The unit must not contain spaces. Reporting a unit
 * the harness also measures (say "allocs/op") replaces its figure.
 */
void bench_report_metric(struct bench *b, double value, const char *unit);

/* Mark the benchmark failed with a message; the harness prints it, skips
 * the result and exits non-zero at the end. Use for wrong results. */
void bench_fail(struct bench *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------------- */
/* Sub-benchmarks (Go's b.Run)                                             */
/* ---------------------------------------------------------------------- */

/*
 * Run fn as the sub-benchmark "<parent>/<name>" with b->arg = arg. Names
 * are printf-formatted and spaces become underscores, as in Go:
 *
 *     for (int i = 0; i < 3; i++)
 *             bench_run(b, bench_encode, &sizes[i], "fields=%d", sizes[i]);
 *
 * Returns false when the sub-benchmark failed. Sub-benchmarks the -bench
 * filter rejects are skipped and return true.
 */
bool bench_run(struct bench *b, bench_fn fn, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---------------------------------------------------------------------- */
/* Parallel benchmarks (Go's b.RunParallel)                                */
/* ---------------------------------------------------------------------- */

struct bench_pb; /* one per thread; opaque */

/*
 * Run body on P threads, where P is the current -cpu value, until they have
 * performed b->n iterations between them: each thread loops on
 * bench_pb_next(), which hands out iterations in grains (taken from a
 * shared atomic counter) so the threads cover exactly b->n in total.
 * ns/op is wall time divided by b->n, so with perfect scaling it halves
 * when P doubles. `arg` is passed through; `id` numbers threads 0..P-1.
 * The threads are created before and joined after the measured window, so
 * their start-up costs (time and allocations) are not charged to the body.
 *
 *     static void body(struct bench_pb *pb, void *arg, int id)
 *     {
 *             while (bench_pb_next(pb))
 *                     pool_put(arg, pool_get(arg));
 *     }
 *     BENCHMARK(PoolParallel) { bench_run_parallel(b, body, pool); }
 */
typedef void (*bench_pb_fn)(struct bench_pb *pb, void *arg, int id);
void bench_run_parallel(struct bench *b, bench_pb_fn body, void *arg);
bool bench_pb_next(struct bench_pb *pb);

/* The thread count of the current run (the -P suffix of its name). */
int bench_procs(const struct bench *b);

/* ---------------------------------------------------------------------- */
/* Barriers: keep the optimiser from deleting what you measure             */
/* ---------------------------------------------------------------------- */

/*
 * bench_keep(x): the value of x is used, as far as the compiler can tell,
 * and may have changed afterwards. Put every result you compute in the
 * loop through it, or gcc -O2 deletes the computation and you measure an
 * empty loop (0.3 ns/op on this machine). It costs no instructions when x
 * is already in a register.
 *
 * bench_escape(p): the memory p points to is read and written by someone
 * the compiler cannot see. Use it for results written through pointers.
 *
 * bench_clobber(): all memory may have been read and written; forces
 * pending stores to happen.
 *
 * The constraints follow google/benchmark's DoNotOptimize: gcc 12 rejects
 * "+r,m" for aggregates, so gcc gets "+m,r" and clang (which always picks
 * the first alternative) gets "+r,m".
 */
#ifdef __clang__
#define BENCH_KEEP_CONSTRAINT_ "+r,m"
#else
#define BENCH_KEEP_CONSTRAINT_ "+m,r"
#endif

/* __auto_type (gcc, clang) takes the value's type without const, so the
 * barrier may "modify" a copy even of a const result. */
#define bench_keep(x)                                                        \
	do {                                                                 \
		__auto_type bench_keep_v_ = (x);                             \
		__asm__ volatile("" : BENCH_KEEP_CONSTRAINT_(bench_keep_v_)  \
				 : : "memory");                              \
	} while (0)

static inline void bench_escape(const void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

static inline void bench_clobber(void)
{
	__asm__ volatile("" : : : "memory");
}

/* ---------------------------------------------------------------------- */
/* Running the benchmarks                                                  */
/* ---------------------------------------------------------------------- */

/*
 * The entry point bench.c's main() calls; call it yourself from your own
 * main if you need to. Flags (Go's spelling, one or two dashes):
 *
 *   -bench REGEX     run benchmarks whose name matches, per "/" level
 *                    (default "." = all; "none" style regexes run nothing)
 *   -benchtime D     1s, 500ms, 2m, or 100x for exactly 100 iterations
 *   -count N         run each benchmark N times (for benchstat: 10)
 *   -cpu LIST        thread counts, e.g. 1,2 (default: online CPUs)
 *   -json            print results as one JSON document instead
 *   -cpuprofile F    write a gperftools CPU profile of the measured loops
 *   -list REGEX      print matching top-level benchmark names and exit
 *
 * Returns the exit status: 0, 1 if a benchmark failed, 2 on bad flags.
 */
int bench_main(int argc, char **argv);

#endif /* BENCH_H */
