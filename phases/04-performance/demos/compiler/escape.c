/*
 * escape.c - lesson 4: lifetimes. A local lives until its function returns;
 * a pointer to it that outlives the frame points at memory the next call
 * will reuse. gcc catches the direct form at compile time
 * (-Wreturn-local-addr, on by default); the indirect form below it does not,
 * which is what AddressSanitizer's detect_stack_use_after_return is for.
 */
#include <stdio.h>
#include <string.h>

char *greeting_direct(const char *name)
{
	char buf[32];

	snprintf(buf, sizeof buf, "hello, %s", name);
	return buf; /* warning: function returns address of local variable */
}

/* noinline stands for "defined in another file": once gcc inlines a helper
 * like this, it sees through it and warns after all (try removing it). */
__attribute__((noinline)) static char *keep(char *p) { return p; }

char *greeting_indirect(const char *name)
{
	char buf[32];

	snprintf(buf, sizeof buf, "hello, %s", name);
	return keep(buf); /* the same bug, one call away: no warning */
}

/* The fixes, in the order to reach for them: */

/* 1. The caller owns the memory (a buffer on *its* stack, or anywhere). */
int greeting_into(char *out, size_t size, const char *name)
{
	return snprintf(out, size, "hello, %s", name);
}

/* 2. Return small things by value: a struct of 32 bytes is returned in
 *    registers or a caller-provided slot, with no heap involved. */
struct greeting {
	char text[32];
};

struct greeting greeting_value(const char *name)
{
	struct greeting g;

	snprintf(g.text, sizeof g.text, "hello, %s", name);
	return g;
}

int main(void)
{
	char out[32];
	struct greeting g = greeting_value("value");

	greeting_into(out, sizeof out, "caller");
	printf("%s / %s\n", out, g.text);
	char *bad = greeting_indirect("dangling");
	printf("%s\n", bad); /* undefined: reads a dead frame */
	return 0;
}
