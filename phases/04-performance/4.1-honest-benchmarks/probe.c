/*
 * probe.c - the hook of probe.h. NULL everywhere except in the test binary,
 * which points it at its watcher before running a benchmark.
 */
#include "probe.h"

void (*probe_hook)(enum probe_op op, const void *input, size_t len);
