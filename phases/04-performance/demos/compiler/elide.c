/*
 * elide.c - lesson 4: the compiler may remove a malloc/free pair outright
 * when the pointer never escapes: C's nearest thing to Go's escape
 * analysis keeping a value off the heap. It is an optimisation, not a
 * promise. The demo script compiles this file with gcc 12 and clang 14 and
 * lists, per function, the calls to malloc and free left in the object
 * (objdump -dr); on this machine gcc -O2 removes the pair in pair_only()
 * and small_scratch() only, gcc -O3 also in loop_scratch(), clang 14 in
 * every function but escaping(), and -fno-builtin-malloc in none.
 * Design for no allocation; don't hope for it.
 */
#include <stdlib.h>

void pair_only(void)
{
	void *p = malloc(100);
	free(p);
}

int small_scratch(int n)
{
	int *t = malloc(4 * sizeof *t);

	t[0] = n;
	t[1] = 2 * n;
	int s = t[0] + t[1];
	free(t);
	return s;
}

int loop_scratch(int n)
{
	int *t = malloc(16 * sizeof *t);
	int s = 0;

	for (int i = 0; i < 16; i++)
		t[i] = i * n;
	for (int i = 0; i < 16; i++)
		s += t[i];
	free(t);
	return s;
}

/* The same as small_scratch, with the NULL check real code has: the result
 * now depends on whether malloc succeeds, and gcc keeps the call. */
int checked_scratch(int n)
{
	int *t = malloc(4 * sizeof *t);

	if (t == NULL)
		return -1;
	t[0] = n;
	t[1] = 2 * n;
	int s = t[0] + t[1];
	free(t);
	return s;
}

void consume(int *p); /* defined elsewhere: the compiler cannot look inside */

void escaping(int n)
{
	int *t = malloc(16 * sizeof *t);

	t[0] = n;
	consume(t); /* the pointer escapes: the allocation must be real */
	free(t);
}
