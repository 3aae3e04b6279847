/*
 * progress.c - the status line of progress.h: carriage return, the text
 * cut to the terminal's width, then "erase to end of line".
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool enabled;
static bool shown;

void progress_enable(bool on)
{
	enabled = on;
}

bool progress_enabled(void)
{
	return enabled;
}

void progress_note(const char *fmt, ...)
{
	struct winsize ws;
	char line[512];
	int width = 80;
	va_list ap;

	if (!enabled)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		width = ws.ws_col;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One column short of the width: no wrap, so \r returns to it. */
	fprintf(stderr, "\r  %.*s\033[K", width - 3, line);
	fflush(stderr);
	shown = true;
}

void progress_clear(void)
{
	if (!enabled || !shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	shown = false;
}
