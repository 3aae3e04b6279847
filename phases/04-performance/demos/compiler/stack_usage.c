/*
 * stack_usage.c - lesson 4: stack is not free either. -fstack-usage writes
 * each function's frame size to a .su file; -Wstack-usage=N warns when a
 * frame may exceed N bytes; -fopt-info-inline shows when inlining moves one
 * function's frame into another. A thread's stack is 8 MiB by default with
 * glibc (ulimit -s) and far smaller elsewhere (128 KiB for musl threads).
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

/* Inlining moves frames. render() is static and called once, the kind of
 * call compilers inline. clang 14 does, and the 4 KiB page becomes part of
 * log_event()'s frame: reserved on every call, even when verbose is 0.
 * gcc 12 declines: -fopt-info-inline-missed says "--param
 * large-stack-frame-growth limit reached", a rule made for this case. */
static int render(const char *s)
{
	char page[4096];

	snprintf(page, sizeof page, "<html>%s</html>", s);
	return (int)strlen(page);
}

int log_event(const char *s, int verbose)
{
	if (!verbose)
		return 0;
	return render(s);
}
