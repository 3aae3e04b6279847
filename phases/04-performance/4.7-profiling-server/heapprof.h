/*
 * heapprof.h - gperftools' heap profiler, found at run time. Given code:
 * read, don't edit.
 *
 * WHY AT RUN TIME
 *
 * The heap profiler lives in tcmalloc, gperftools' malloc: it records a
 * stack trace for every allocation, which only the allocator itself can
 * do. Linking tcmalloc into the server would replace malloc in every
 * build, and valgrind (the memory part of the grade) and the sanitizers
 * each want to replace malloc themselves. So the server is built with
 * glibc's malloc, and `server --heap-profile` restarts itself with
 * LD_PRELOAD=libtcmalloc.so.4 (see server.c). These functions then find
 * tcmalloc's entry points with dlsym(); in any other run they report the
 * profiler as unavailable.
 *
 * COST
 *
 * Every malloc and free pays for a stack unwind and a global lock while
 * the profiler runs: expect a server several times slower. That is why it
 * is off unless asked for.
 */
#ifndef HEAPPROF_H
#define HEAPPROF_H

#include <stdbool.h>

/* True when tcmalloc with its heap profiler is this process's malloc. */
bool heapprof_available(void);

/*
 * Start recording, with file names beginning with prefix for the dumps
 * tcmalloc writes on its own (server.c sets HEAP_PROFILE_*_INTERVAL=0 so
 * it writes none). Returns 0, or -1 with errno ENOSYS when unavailable or
 * EALREADY when already running.
 */
int heapprof_start(const char *prefix);

/* Stop recording; the profile is dropped. Harmless when not running. */
void heapprof_stop(void);

bool heapprof_running(void);

/*
 * The heap profile in gperftools' legacy text format ("heap profile: ..."
 * then one line per allocating stack, then MAPPED_LIBRARIES:), which
 * `google-pprof --text ./server FILE` reads. malloc'd by tcmalloc: free()
 * it. NULL when the profiler is not running or out of memory.
 */
char *heapprof_text(void);

#endif /* HEAPPROF_H */
