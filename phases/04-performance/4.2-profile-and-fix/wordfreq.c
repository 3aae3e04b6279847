/*
 * wordfreq.c - the word-frequency report, yours to make fast (exercise
 * 4.2). It starts as an exact copy of wordfreq_orig.c, below this comment.
 *
 * TODO(4.2): profile the program first (README.md: perf, callgrind or
 * pprof), name its three hottest functions in hotspots.md, then fix them
 * here until it runs at least 5x fewer instructions, output unchanged.
 *
 * wordfreq reads text on stdin and prints a report on stdout. For the
 * input "The cat and the hat.\nThe cat sat" it prints
 *
 *     lines: 2
 *     bytes: 32
 *     words: 8
 *     distinct: 5
 *       rank    count word
 *          1        3 the
 *          2        2 cat
 *          3        1 and
 *          4        1 hat
 *          5        1 sat
 *
 * A word is a longest run of ASCII letters, ASCII digits and bytes 0x80 to
 * 0xff (so the letters of UTF-8 text stay inside their words); any other
 * byte, NUL included, separates words. ASCII letters are folded to lower
 * case; other bytes are kept as they are. `lines` counts '\n' bytes, plus
 * one for a last line without one. The table lists every distinct word,
 * most frequent first; words with equal counts come in byte order
 * (compared as unsigned bytes; a prefix comes before the longer word).
 *
 * Exit status: 0, or 1 with a message on stderr when reading fails or
 * memory runs out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The functions that make up the program are kept out of line. At -O2,
 * gcc and clang inline small static functions, and those called only once,
 * into their callers, and a profile then books all their work to main():
 * you would learn that main is slow. noinline keeps each one its own entry
 * in perf, callgrind and pprof, under its own name with either compiler.
 * It costs a call per use, nanoseconds next to the work. The one-line
 * test is_word_byte() is `static inline` instead: its cost belongs to the
 * loop that calls it.
 */
#define NOINLINE __attribute__((noinline))

struct entry {
	char *word;  /* lower-cased, NUL-terminated, owned by the table */
	long count;  /* occurrences in the input */
};

struct table {
	struct entry *entries; /* in order of first appearance until sorted */
	size_t len;
	size_t cap;
};

struct totals {
	long lines;
	long words;
	size_t bytes;
};

static void die(const char *what)
{
	fprintf(stderr, "wordfreq: %s\n", what);
	exit(1);
}

/* All of stdin in one heap block; *len receives its size. */
static NOINLINE char *read_input(FILE *in, size_t *len)
{
	size_t cap = 1 << 16, used = 0;
	char *text = malloc(cap);

	if (text == NULL)
		die("out of memory");
	for (;;) {
		used += fread(text + used, 1, cap - used, in);
		if (used < cap)
			break;
		char *bigger = realloc(text, cap * 2);
		if (bigger == NULL)
			die("out of memory");
		text = bigger;
		cap *= 2;
	}
	if (ferror(in))
		die("cannot read the input");
	*len = used;
	return text;
}

static inline int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

/* The word at start[0..len) as a new lower-cased C string. */
static NOINLINE char *copy_word(const char *start, size_t len)
{
	char *word = malloc(len + 1);

	if (word == NULL)
		die("out of memory");
	for (size_t i = 0; i < len; i++) {
		char c = start[i];
		word[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	word[len] = '\0';
	return word;
}

/* The entry holding word, or NULL when it is not in the table yet. */
static NOINLINE struct entry *find_word(struct table *t, const char *word)
{
	for (size_t i = 0; i < t->len; i++) {
		const char *a = t->entries[i].word, *b = word;
		while (*a != '\0' && *a == *b) {
			a++;
			b++;
		}
		if (*a == *b)
			return &t->entries[i];
	}
	return NULL;
}

/* Append word (which the table now owns) with a count of 1. */
static NOINLINE void add_word(struct table *t, char *word)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct entry *bigger = realloc(t->entries, cap * sizeof *bigger);
		if (bigger == NULL)
			die("out of memory");
		t->entries = bigger;
		t->cap = cap;
	}
	t->entries[t->len].word = word;
	t->entries[t->len].count = 1;
	t->len++;
}

/* Count one occurrence of the word at start[0..len). */
static NOINLINE void count_word(struct table *t, const char *start, size_t len)
{
	char *word = copy_word(start, len);
	struct entry *e = find_word(t, word);

	if (e != NULL) {
		e->count++;
		free(word);
	} else {
		add_word(t, word);
	}
}

/* Put the entries in report order: more frequent first, equal counts in
 * byte order of their words. */
static NOINLINE void sort_entries(struct table *t)
{
	for (size_t end = t->len; end > 1; end--) {
		for (size_t j = 0; j + 1 < end; j++) {
			struct entry *a = &t->entries[j], *b = &t->entries[j + 1];
			int swap;
			if (a->count != b->count) {
				swap = b->count > a->count;
			} else {
				const unsigned char *x = (unsigned char *)a->word;
				const unsigned char *y = (unsigned char *)b->word;
				while (*x != '\0' && *x == *y) {
					x++;
					y++;
				}
				swap = *y < *x;
			}
			if (swap) {
				struct entry tmp = *a;
				*a = *b;
				*b = tmp;
			}
		}
	}
}

/* Append the C string piece to the C string *text, which has room for *cap
 * bytes, growing it when needed. */
static NOINLINE void append_text(char **text, size_t *cap, const char *piece)
{
	char *end = *text;
	const char *piece_end = piece;

	while (*end != '\0')
		end++;
	while (*piece_end != '\0')
		piece_end++;
	size_t used = (size_t)(end - *text);
	size_t need = used + (size_t)(piece_end - piece) + 1;
	if (need > *cap) {
		size_t bigger_cap = *cap * 2 > need ? *cap * 2 : need;
		char *bigger = realloc(*text, bigger_cap);
		if (bigger == NULL)
			die("out of memory");
		*text = bigger;
		*cap = bigger_cap;
		end = bigger + used;
	}
	while ((*end++ = *piece++) != '\0')
		;
}

/* The whole report as one C string. */
static NOINLINE char *build_report(const struct table *t,
				   const struct totals *totals)
{
	size_t cap = 1024, line_cap = 128;
	char *text = malloc(cap);
	char *line = malloc(line_cap);

	if (text == NULL || line == NULL)
		die("out of memory");
	text[0] = '\0';
	snprintf(line, line_cap, "lines: %ld\nbytes: %zu\nwords: %ld\n"
		 "distinct: %zu\n%6s %8s %s\n", totals->lines, totals->bytes,
		 totals->words, t->len, "rank", "count", "word");
	append_text(&text, &cap, line);
	for (size_t i = 0; i < t->len; i++) {
		/* room for rank and count (20 digits each at most), the
		 * word, two spaces, '\n' and '\0' */
		size_t need = strlen(t->entries[i].word) + 44;
		if (need > line_cap) {
			char *bigger = realloc(line, need);
			if (bigger == NULL)
				die("out of memory");
			line = bigger;
			line_cap = need;
		}
		snprintf(line, line_cap, "%6zu %8ld %s\n", i + 1,
			 t->entries[i].count, t->entries[i].word);
		append_text(&text, &cap, line);
	}
	free(line);
	return text;
}

int main(void)
{
	struct table table = { NULL, 0, 0 };
	struct totals totals = { 0, 0, 0 };
	size_t len;
	char *text = read_input(stdin, &len);

	totals.bytes = len;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			totals.lines++;
	if (len > 0 && text[len - 1] != '\n')
		totals.lines++;

	size_t i = 0;
	while (i < len) {
		while (i < len && !is_word_byte((unsigned char)text[i]))
			i++;
		size_t start = i;
		while (i < len && is_word_byte((unsigned char)text[i]))
			i++;
		if (i > start) {
			count_word(&table, text + start, i - start);
			totals.words++;
		}
	}

	sort_entries(&table);
	char *report = build_report(&table, &totals);
	fputs(report, stdout);

	free(report);
	for (size_t k = 0; k < table.len; k++)
		free(table.entries[k].word);
	free(table.entries);
	free(text);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the report");
	return 0;
}
