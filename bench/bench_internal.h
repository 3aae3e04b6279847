/*
 * bench_internal.h - pieces of bench.c exposed for the harness's own
 * self-test (bench_test.c). Benchmarks never need these.
 */
#ifndef BENCH_INTERNAL_H
#define BENCH_INTERNAL_H

#include <stdint.h>

/* Go's predictN: the next iteration count, aiming for goal_ns from the
 * previous run's rate. See "HOW N IS CHOSEN" in bench.h. */
long bench_predict_n(int64_t goal_ns, long prev_n, int64_t prev_ns, long last);

/* Iterations each thread performed in the last bench_run_parallel. */
extern uint64_t bench_pb_last_done_[];
extern int bench_pb_last_threads_;

#endif /* BENCH_INTERNAL_H */
