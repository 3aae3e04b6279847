/*
 * vglog.c - sum valgrind memcheck logs and pick out the first error's
 * stack (see vglog.h).
 *
 * A memcheck log is blocks of "==PID== " lines separated by empty ones:
 * the preamble, one block per error, HEAP SUMMARY, one block per leak
 * record, LEAK SUMMARY, ERROR SUMMARY. Only the error and definite or
 * indirect leak blocks matter to the learner, and in them only the frames
 * in their own code: Criterion's and the loader's are left out.
 */
#include "vglog.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* "==123== text" -> "text"; other lines ("--123-- ...") -> NULL. */
static const char *strip_prefix(const char *line)
{
	if (line[0] != '=' || line[1] != '=')
		return NULL;
	const char *p = line + 2;
	while (isdigit((unsigned char)*p))
		p++;
	if (p == line + 2 || p[0] != '=' || p[1] != '=')
		return NULL;
	p += 2;
	return *p == ' ' ? p + 1 : p;
}

/* "1,024" -> 1024 */
static long number_at(const char *s)
{
	long n = 0;

	while (*s == ' ')
		s++;
	for (; isdigit((unsigned char)*s) || *s == ','; s++)
		if (*s != ',')
			n = n * 10 + (*s - '0');
	return n;
}

/* "definitely lost: 64 bytes in 1 blocks" */
static void bytes_blocks(const char *s, long *bytes, long *blocks)
{
	*bytes += number_at(s);
	const char *in = strstr(s, " in ");
	if (in)
		*blocks += number_at(in + 4);
}

static bool starts(const char *s, const char *prefix)
{
	while (*s == ' ')
		s++;
	return str_starts(s, prefix);
}

/* Blocks that are bookkeeping, not a problem in the program. */
static bool quiet_block(const char *first)
{
	static const char *const quiet[] = {"Memcheck,", "Copyright",
		"Using Valgrind", "Command:", "Parent PID:", "HEAP SUMMARY",
		"LEAK SUMMARY", "ERROR SUMMARY", "All heap blocks", "For lists",
		"For counts", "Searching for", "Reachable blocks", "To see them",
		"Rerun with", "in use at exit", "Warning:", "Process terminating",
		"If you believe", "Use --", "Note:", "Callgrind", NULL};

	for (size_t i = 0; quiet[i]; i++)
		if (starts(first, quiet[i]))
			return true;
	/* Leak kinds the grader does not count as errors. */
	return strstr(first, "possibly lost in loss record") ||
	       strstr(first, "still reachable in loss record");
}

static bool frame_line(const char *s)
{
	return starts(s, "at ") || starts(s, "by ");
}

/* A frame worth showing: not Criterion's machinery, not unknown. */
static bool useful_frame(const char *s)
{
	return !strstr(s, "libcriterion") && !strstr(s, "(below main)") &&
	       !strstr(s, ": ???");
}

/* "   at 0x4846: realloc (in ...)" -> "  at realloc (in ...)" */
static void add_frame(struct text *t, const char *s)
{
	while (*s == ' ')
		s++;
	const char *addr = strstr(s, "0x");
	const char *colon = addr ? strstr(addr, ": ") : NULL;
	text_puts(t, "    ");
	if (addr && colon && addr == s + 3) {
		text_add(t, s, 3);
		text_puts(t, colon + 2);
	} else {
		text_puts(t, s);
	}
	text_putc(t, '\n');
}

/*
 * Format one block (its lines, prefix stripped): the headline, the lines
 * that explain it, and at most max_frames useful frames per stack.
 */
static char *format_block(char **lines, size_t n, int max_frames)
{
	struct text t = TEXT_INIT;
	int frames = 0;

	for (size_t i = 0; i < n; i++) {
		const char *s = lines[i];
		if (frame_line(s)) {
			if (useful_frame(s) && frames < max_frames) {
				add_frame(&t, s);
				frames++;
			}
			continue;
		}
		if (starts(s, "If you believe") || starts(s, "possible, you can") ||
		    starts(s, "main thread stack") || starts(s, "The main thread"))
			break;
		while (*s == ' ')
			s++;
		text_printf(&t, "%s%s\n", i ? "  " : "", s);
		frames = 0; /* a new stack ("Address ... was alloc'd at") */
	}
	if (t.len && t.buf[t.len - 1] == '\n')
		t.buf[--t.len] = '\0';
	return text_detach(&t);
}

/* The first block of a log that is an error (with `fatal`: the "Process
 * terminating" block), formatted; NULL if none. */
static char *find_block(const char *text, int max_frames, bool fatal)
{
	char *copy = xstrdup(text), *save = NULL, *found = NULL;
	char **lines = NULL;
	size_t n = 0, alloc = 0;

	for (char *raw = strtok_r(copy, "\n", &save);; raw = strtok_r(NULL, "\n", &save)) {
		const char *s = raw ? strip_prefix(raw) : "";
		if (s == NULL)
			continue;
		bool blank = s[strspn(s, " ")] == '\0';
		if (!blank) {
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 16;
				lines = xrealloc(lines, alloc * sizeof *lines);
			}
			lines[n++] = (char *)s;
		}
		if ((blank || raw == NULL) && n > 0) {
			bool wanted = fatal ? starts(lines[0], "Process terminating")
					    : !quiet_block(lines[0]);
			if (wanted) {
				found = format_block(lines, n, max_frames);
				break;
			}
			n = 0;
		}
		if (raw == NULL)
			break;
	}
	free(lines);
	free(copy);
	return found;
}

char *memcheck_first_block(const char *text, int max_frames)
{
	return find_block(text, max_frames, false);
}

void memcheck_add_log(struct memcheck_summary *sum, const char *text)
{
	char *copy = xstrdup(text), *save = NULL;
	long errors = 0, def_bytes = 0, ind_bytes = 0;
	bool finished = false;

	sum->logs++;
	for (char *raw = strtok_r(copy, "\n", &save); raw;
	     raw = strtok_r(NULL, "\n", &save)) {
		const char *s = strip_prefix(raw);
		const char *p;
		if (s == NULL)
			continue;
		if ((p = strstr(s, "ERROR SUMMARY: ")) != NULL) {
			errors += number_at(p + 15);
			finished = true;
		} else if ((p = strstr(s, "definitely lost: ")) != NULL) {
			long blocks = 0;
			bytes_blocks(p + 17, &def_bytes, &blocks);
			sum->definite_blocks += blocks;
		} else if ((p = strstr(s, "indirectly lost: ")) != NULL) {
			long blocks = 0;
			bytes_blocks(p + 17, &ind_bytes, &blocks);
			sum->indirect_blocks += blocks;
		} else if ((p = strstr(s, "with default action of signal ")) != NULL &&
			   sum->fatal_signal == 0) {
			sum->fatal_signal = (int)number_at(p + 30);
			sum->fatal = find_block(text, 6, true);
		}
	}
	free(copy);
	sum->errors += errors;
	sum->definite_bytes += def_bytes;
	sum->indirect_bytes += ind_bytes;
	if (finished) {
		sum->finished++;
	} else if (sum->unfinished == NULL) {
		/* Valgrind stopped early (a bad option, a FATAL error): its
		 * last words say why. */
		struct text t = TEXT_INIT;
		char *copy2 = xstrdup(text), *save2 = NULL;
		const char *last[3] = {0};
		int n = 0;
		for (char *raw = strtok_r(copy2, "\n", &save2); raw;
		     raw = strtok_r(NULL, "\n", &save2)) {
			const char *s = strip_prefix(raw);
			if (s && s[strspn(s, " ")])
				last[n++ % 3] = s;
		}
		for (int i = n > 3 ? n - 3 : 0; i < n; i++)
			text_printf(&t, "%s%s", t.len ? "\n" : "", last[i % 3]);
		sum->unfinished = text_detach(&t);
		free(copy2);
	}
	if (sum->first_error == NULL && (errors > 0 || def_bytes + ind_bytes > 0))
		sum->first_error = memcheck_first_block(text, 8);
}

void memcheck_summary_release(struct memcheck_summary *sum)
{
	free(sum->first_error);
	free(sum->fatal);
	free(sum->unfinished);
	sum->first_error = sum->fatal = sum->unfinished = NULL;
}
