/*
 * procinfo.c - process and allocator figures from /proc, getrusage,
 * getrlimit, mallinfo2 and (when loaded) tcmalloc. See procinfo.h.
 */
#include "procinfo.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Read a small /proc file into buf (NUL-terminated). Returns its length
 * or -1. /proc files report size 0, so read until EOF. */
static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		ssize_t got = read(fd, buf + len, size - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* The system's boot time in Unix seconds (the btime line of /proc/stat). */
static double boot_time(void)
{
	char buf[8192];
	const char *line;

	if (read_small_file("/proc/stat", buf, sizeof buf) < 0)
		return 0;
	line = strstr(buf, "\nbtime ");
	return line ? strtod(line + 7, NULL) : 0;
}

/*
 * /proc/self/stat: "pid (comm) state ppid ..." where comm may contain
 * spaces and parentheses, so fields are counted from the LAST ')'. Field
 * 22 is the start time in clock ticks after boot, 23 vsize in bytes, 24
 * rss in pages (proc(5)).
 */
static int read_stat(struct procinfo *out)
{
	char buf[1024];
	char *p;
	unsigned long long starttime = 0, vsize = 0, rss = 0;

	if (read_small_file("/proc/self/stat", buf, sizeof buf) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	/* after ')': field 3 (state) onwards; skip to field 22 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
		   "%*d %*d %*d %*d %*d %*d %llu %llu %llu",
		   &starttime, &vsize, &rss) != 3)
		return -1;
	out->virtual_bytes = vsize;
	out->resident_bytes = rss * (unsigned long long)sysconf(_SC_PAGESIZE);
	out->start_time = boot_time() +
			  (double)starttime / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

static int count_open_fds(uint64_t *out)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	uint64_t n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	*out = n > 0 ? n - 1 : 0; /* not counting the one opendir holds */
	return 0;
}

int procinfo_read(struct procinfo *out)
{
	struct rusage ru;
	struct rlimit rl;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		out->cpu_seconds = (double)ru.ru_utime.tv_sec +
				   (double)ru.ru_utime.tv_usec / 1e6 +
				   (double)ru.ru_stime.tv_sec +
				   (double)ru.ru_stime.tv_usec / 1e6;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		out->max_fds = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX
							    : rl.rlim_cur;
	if (read_stat(out) != 0)
		rc = -1;
	if (count_open_fds(&out->open_fds) != 0)
		rc = -1;
	return rc;
}

/* tcmalloc's C interface, looked up at run time: the server is not linked
 * with tcmalloc (see heapprof.h for why and how it gets loaded). */
typedef int (*numeric_property_fn)(const char *name, size_t *value);

void procinfo_heap(struct heapinfo *out)
{
	numeric_property_fn prop = (numeric_property_fn)dlsym(
		RTLD_DEFAULT, "MallocExtension_GetNumericProperty");

	memset(out, 0, sizeof *out);
	if (prop != NULL) {
		size_t in_use = 0, heap = 0, free_pages = 0, unmapped = 0;
		prop("generic.current_allocated_bytes", &in_use);
		prop("generic.heap_size", &heap);
		prop("tcmalloc.pageheap_free_bytes", &free_pages);
		prop("tcmalloc.pageheap_unmapped_bytes", &unmapped);
		out->allocator = "tcmalloc";
		out->in_use_bytes = in_use;
		out->heap_bytes = heap - unmapped;
		out->free_bytes = free_pages;
		return;
	}
	struct mallinfo2 mi = mallinfo2();
	out->allocator = "glibc";
	out->in_use_bytes = mi.uordblks + mi.hblkhd;
	out->heap_bytes = mi.arena;
	out->free_bytes = mi.fordblks;
	out->mmap_bytes = mi.hblkhd;
}

int procinfo_cmdline(struct strbuf *out)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	char chunk[4096];
	ssize_t got;

	if (fd < 0)
		return -1;
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (strbuf_add(out, chunk, (size_t)got) != 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}
