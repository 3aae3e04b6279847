/*
 * stack_usage.c - lesson 4: stack is not free either. -fstack-usage writes
 * each function's frame size to a .su file; -Wstack-usage=N warns when a
 * frame may exceed N bytes. A thread's stack is 8 MiB by default on Linux
 * (ulimit -s) and often far smaller elsewhere (64 KiB on musl threads).
 */
#include <stdio.h>
#include <string.h>

/* Small and fixed: the normal case. */
int small_frame(const char *s)
{
	char buf[64];

	snprintf(buf, sizeof buf, "<%s>", s);
	return (int)strlen(buf);
}

/* "Avoiding malloc" by moving 64 KiB onto the stack: no allocation, and one
 * deep call chain or one small thread stack away from a crash. */
int big_frame(const char *s)
{
	char buf[65536];

	snprintf(buf, sizeof buf, "<%s>", s);
	return (int)strlen(buf);
}

/* A variable-length array: the frame size depends on the input, so neither
 * the compiler nor you can bound it ("dynamic" in the .su file). */
int vla_frame(const char *s, size_t n)
{
	char buf[n + 1];

	snprintf(buf, n + 1, "%s", s);
	return (int)strlen(buf);
}
