/*
 * alloc_count.c - the malloc family, counted per thread and forwarded to
 * glibc. The design and its costs are in alloc_count.h.
 */
#include "alloc_count.h"

#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

/* How many threads get a slot of their own; later threads share the last
 * slot and update it with atomic read-modify-writes (slower, still exact).
 * Slots are never recycled: 4096 covers thousands of benchmark runs with
 * parallel threads, and untouched slots cost no memory. */
#ifndef ALLOC_COUNT_SLOTS
#define ALLOC_COUNT_SLOTS 4096
#endif

/* 128, not 64: see "COUNTERS" in alloc_count.h. */
#define SLOT_ALIGN 128

struct slot {
	unsigned long long allocs, bytes, frees, reallocs;
} __attribute__((aligned(SLOT_ALIGN)));

static struct slot slots[ALLOC_COUNT_SLOTS];
static unsigned slots_claimed; /* atomic; may exceed ALLOC_COUNT_SLOTS */

/* initial-exec: the TLS access must not allocate, and must not call into
 * the dynamic linker from inside malloc (glibc manual, "Replacing
 * malloc"). */
static __thread struct slot *my_slot __attribute__((tls_model("initial-exec")));

static struct slot *shared_slot(void)
{
	return &slots[ALLOC_COUNT_SLOTS - 1];
}

static struct slot *slot_for_this_thread(void)
{
	struct slot *s = my_slot;

	if (__builtin_expect(s != NULL, 1))
		return s;
	unsigned i = __atomic_fetch_add(&slots_claimed, 1, __ATOMIC_RELAXED);
	s = i < ALLOC_COUNT_SLOTS - 1 ? &slots[i] : shared_slot();
	my_slot = s;
	return s;
}

/* Only this thread writes its own slot, so a plain load and store (no lock
 * prefix) are enough; they are atomic so that readers never see a torn
 * value. The shared overflow slot needs a real atomic add. */
static inline void bump(unsigned long long *field, unsigned long long v,
			struct slot *s)
{
	if (__builtin_expect(s != shared_slot(), 1)) {
		unsigned long long old = __atomic_load_n(field, __ATOMIC_RELAXED);
		__atomic_store_n(field, old + v, __ATOMIC_RELAXED);
	} else {
		__atomic_fetch_add(field, v, __ATOMIC_RELAXED);
	}
}

static inline void count_alloc(size_t size)
{
	struct slot *s = slot_for_this_thread();

	bump(&s->allocs, 1, s);
	bump(&s->bytes, size, s);
}

static inline void count_free(const void *p)
{
	if (p != NULL) {
		struct slot *s = slot_for_this_thread();
		bump(&s->frees, 1, s);
	}
}

struct alloc_stats alloc_count_read(void)
{
	struct alloc_stats t = {0, 0, 0, 0};
	unsigned n = __atomic_load_n(&slots_claimed, __ATOMIC_ACQUIRE);

	if (n >= ALLOC_COUNT_SLOTS)
		n = ALLOC_COUNT_SLOTS - 1;
	for (unsigned i = 0; i < n; i++) {
		t.allocs += __atomic_load_n(&slots[i].allocs, __ATOMIC_RELAXED);
		t.bytes += __atomic_load_n(&slots[i].bytes, __ATOMIC_RELAXED);
		t.frees += __atomic_load_n(&slots[i].frees, __ATOMIC_RELAXED);
		t.reallocs += __atomic_load_n(&slots[i].reallocs, __ATOMIC_RELAXED);
	}
	struct slot *s = shared_slot();
	t.allocs += __atomic_load_n(&s->allocs, __ATOMIC_RELAXED);
	t.bytes += __atomic_load_n(&s->bytes, __ATOMIC_RELAXED);
	t.frees += __atomic_load_n(&s->frees, __ATOMIC_RELAXED);
	t.reallocs += __atomic_load_n(&s->reallocs, __ATOMIC_RELAXED);
	return t;
}

struct alloc_stats alloc_count_since(struct alloc_stats before)
{
	struct alloc_stats now = alloc_count_read();

	now.allocs -= before.allocs;
	now.bytes -= before.bytes;
	now.frees -= before.frees;
	now.reallocs -= before.reallocs;
	return now;
}

bool alloc_count_active(void)
{
	static int active = -1; /* -1 unknown; a benign race sets it twice */

	if (active < 0) {
		struct alloc_stats before = alloc_count_read();
		void *volatile p = malloc(1); /* volatile: gcc may not elide it */
		free(p);
		active = alloc_count_since(before).allocs > 0;
	}
	return active;
}

#ifdef ALLOC_COUNT_SANITIZER
/* ---------------------------------------------------------------------- */
/* Sanitizer builds: the runtime owns malloc; count through its hooks.     */
/* ---------------------------------------------------------------------- */

/* gcc 12 ships no <sanitizer/allocator_interface.h>; this is its prototype. */
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	count_alloc(size);
}

static void on_free(const volatile void *p)
{
	count_free((const void *)p);
}

/* Priority 101: before other constructors, so benchmark registration and
 * test setup are counted like everything else. */
__attribute__((constructor(101))) static void install_hooks(void)
{
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}

#else
/* ---------------------------------------------------------------------- */
/* Normal builds: replace the malloc family, forward to glibc.             */
/* ---------------------------------------------------------------------- */

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

static inline void count_realloc(const void *old)
{
	if (old != NULL) {
		struct slot *s = slot_for_this_thread();
		bump(&s->reallocs, 1, s);
	}
}

void *malloc(size_t size)
{
	count_alloc(size);
	return __libc_malloc(size);
}

void free(void *p)
{
	count_free(p);
	__libc_free(p);
}

void *calloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		total = SIZE_MAX; /* glibc fails it with ENOMEM; count the try */
	count_alloc(total);
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (p != NULL && size == 0) {
		count_free(p); /* glibc frees and returns NULL */
	} else {
		count_alloc(size);
		count_realloc(p);
	}
	return __libc_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
	count_alloc(size);
	return __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	count_alloc(size);
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	/* The checks glibc makes: a power of two, a multiple of sizeof(void *). */
	if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0 || align == 0)
		return EINVAL;
	count_alloc(size);
	void *p = __libc_memalign(align, size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	count_alloc(size);
	return __libc_memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t rounded = (size + page - 1) / page * page;

	count_alloc(rounded);
	return __libc_memalign(page, rounded);
}
#endif
