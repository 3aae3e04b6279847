/*
 * pool_poison.c - lesson 3: using an object after giving it back to a pool.
 * Built normally, the bug is silent: the write lands in a pooled object and
 * the next get hands out a damaged one. Built with -fsanitize=address, the
 * pool poisons what it holds and ASan stops the program at the guilty line.
 *
 *     make demos        (runs both builds)
 *     gcc -std=c17 -g -O1 -fsanitize=address \
 *         phases/04-performance/demos/pool_poison.c -o pool_poison && ./pool_poison
 */
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg {
	struct msg *next; /* free-list link, meaningful only while pooled */
	size_t len;
	char text[48];
};

static struct msg *free_list;

/*
 * ASAN_POISON_MEMORY_REGION marks bytes that no one may touch; any load or
 * store there is reported as use-after-poison. Without -fsanitize=address
 * both macros expand to nothing, so the pool pays nothing in a normal
 * build. The link word stays unpoisoned: the pool itself reads it.
 */
static void msg_put(struct msg *m)
{
	m->len = 0; /* reset in put: every object in the pool is clean */
	m->text[0] = '\0';
	m->next = free_list;
	free_list = m;
	ASAN_POISON_MEMORY_REGION(&m->len, sizeof *m - sizeof m->next);
}

static struct msg *msg_get(void)
{
	struct msg *m = free_list;

	if (m == NULL)
		return calloc(1, sizeof *m);
	free_list = m->next;
	ASAN_UNPOISON_MEMORY_REGION(&m->len, sizeof *m - sizeof m->next);
	return m;
}

/* A handler that keeps a pointer to its message after giving it back. */
static void handle(struct msg *m)
{
	msg_put(m);
	m->len = strlen(m->text) + 7; /* BUG: m belongs to the pool now */
}

int main(void)
{
	struct msg *first = msg_get();

	snprintf(first->text, sizeof first->text, "GET /index.html");
	first->len = strlen(first->text);
	handle(first);

	struct msg *next = msg_get(); /* the same object, supposedly clean */
	printf("pool_poison: a fresh message from the pool has len=%zu "
	       "(expected 0): the pool was written to after put\n", next->len);
	msg_put(next);
	while (free_list) {
		struct msg *m = msg_get();
		free(m);
	}
	return 0;
}
