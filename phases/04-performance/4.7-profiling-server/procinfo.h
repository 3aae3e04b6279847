/*
 * procinfo.h - figures about this process that a profiling endpoint
 * publishes: CPU time, memory, file descriptors, start time, the command
 * line, and what the allocator holds. Read from /proc, getrusage,
 * getrlimit and the allocator itself. Given code: read, don't edit.
 *
 * Every function reads fresh figures on each call (a few system calls and
 * small /proc reads, some microseconds), so call them per request, not in
 * a hot loop.
 */
#ifndef PROCINFO_H
#define PROCINFO_H

#include <stdint.h>

#include "strbuf.h"

/* The Prometheus "process collector" figures (prometheus/docs,
 * instrumenting/writing_clientlibs.md "Process metrics"). */
struct procinfo {
	double cpu_seconds;      /* user + system CPU time so far */
	uint64_t resident_bytes; /* resident set size (RSS) */
	uint64_t virtual_bytes;  /* size of the address space */
	uint64_t open_fds;       /* file descriptors open now */
	uint64_t max_fds;        /* the soft RLIMIT_NOFILE */
	double start_time;       /* when the process started, Unix seconds */
};

/* Fill *out. Returns 0, or -1 with errno when /proc cannot be read (the
 * figures that could be read are filled in, the rest are 0). */
int procinfo_read(struct procinfo *out);

/* What the allocator reports. Under glibc these come from mallinfo2();
 * when gperftools' tcmalloc is the allocator (see heapprof.h), from its
 * MallocExtension properties. */
struct heapinfo {
	const char *allocator; /* "glibc" or "tcmalloc" */
	uint64_t in_use_bytes; /* in blocks malloc has handed out */
	uint64_t heap_bytes;   /* taken from the system for the heap */
	uint64_t free_bytes;   /* of heap_bytes, free for reuse */
	uint64_t mmap_bytes;   /* large blocks mapped one by one (glibc) */
};

void procinfo_heap(struct heapinfo *out);

/* Append /proc/self/cmdline: the arguments, each ended by '\0' (so the
 * text holds NULs: use sb->len). Returns 0 or -1 with errno. */
int procinfo_cmdline(struct strbuf *out);

#endif /* PROCINFO_H */
