/*
 * heapprof.c - gperftools' heap profiler through dlsym(), so the server
 * runs with or without tcmalloc loaded. See heapprof.h.
 */
#include "heapprof.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

/* The signatures of <gperftools/heap-profiler.h>. */
struct heapprof_api {
	void (*start)(const char *prefix);
	int (*running)(void);
	void (*stop)(void);
	char *(*text)(void);
};

static int lookup(struct heapprof_api *api)
{
	*(void **)&api->start = dlsym(RTLD_DEFAULT, "HeapProfilerStart");
	*(void **)&api->running = dlsym(RTLD_DEFAULT, "IsHeapProfilerRunning");
	*(void **)&api->stop = dlsym(RTLD_DEFAULT, "HeapProfilerStop");
	*(void **)&api->text = dlsym(RTLD_DEFAULT, "GetHeapProfile");
	return api->start && api->running && api->stop && api->text ? 0 : -1;
}

bool heapprof_available(void)
{
	struct heapprof_api api;

	return lookup(&api) == 0;
}

int heapprof_start(const char *prefix)
{
	struct heapprof_api api;

	if (lookup(&api) != 0) {
		errno = ENOSYS;
		return -1;
	}
	if (api.running()) {
		errno = EALREADY;
		return -1;
	}
	api.start(prefix);
	return 0;
}

void heapprof_stop(void)
{
	struct heapprof_api api;

	if (lookup(&api) == 0 && api.running())
		api.stop();
}

bool heapprof_running(void)
{
	struct heapprof_api api;

	return lookup(&api) == 0 && api.running();
}

char *heapprof_text(void)
{
	struct heapprof_api api;

	if (lookup(&api) != 0 || !api.running())
		return NULL;
	return api.text();
}
