/*
 * wordfreq.c - MUTANT (grader self-test): the reference solution, but
 * qsort compares counts only, so words with equal counts come out in
 * table order instead of byte order. Fast, and wrong.
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

/* Kept from the original so the fixed program can be profiled the same
 * way and compared function by function. */
#define NOINLINE __attribute__((noinline))

static void die(const char *what)
{
	fprintf(stderr, "wordfreq: %s\n", what);
	exit(1);
}

/* uthash exits with status 255 and no message when it cannot allocate;
 * keep this program's promise of exit status 1 and a message instead. */
#define uthash_fatal(msg) die("out of memory")
#include <uthash.h>

/*
 * One distinct word. The word is stored in the same block as its entry
 * (a flexible array member), so a new word costs one malloc, not two, and
 * the key sits next to the count the lookup is about to increment.
 */
struct entry {
	long count;        /* occurrences in the input */
	UT_hash_handle hh; /* makes this struct hashable: uthash's links */
	char word[];       /* lower-cased, NUL-terminated; the hash key */
};

struct table {
	struct entry *head; /* the uthash table: NULL while empty */
	size_t len;         /* distinct words */
	char *scratch;      /* the current word, lower-cased; reused */
	size_t scratch_cap;
};

struct totals {
	long lines;
	long words;
	size_t bytes;
};

/* All of stdin in one heap block; *len receives its size. Doubling the
 * buffer costs O(n) copying in all: never showed in the profile. */
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

/*
 * The word at start[0..len), lower-cased into t->scratch. The scratch
 * buffer only ever grows (doubling), so after the longest word it never
 * allocates again: a malloc per distinct word remains, none per occurrence.
 */
static NOINLINE const char *lower_word(struct table *t, const char *start,
				       size_t len)
{
	if (len + 1 > t->scratch_cap) {
		size_t cap = t->scratch_cap ? t->scratch_cap : 64;
		while (cap < len + 1)
			cap *= 2;
		char *bigger = realloc(t->scratch, cap);
		if (bigger == NULL)
			die("out of memory");
		t->scratch = bigger;
		t->scratch_cap = cap;
	}
	for (size_t i = 0; i < len; i++) {
		char c = start[i];
		t->scratch[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	t->scratch[len] = '\0';
	return t->scratch;
}

/* The entry holding word[0..len), or NULL when it is not in the table yet.
 * One hash of the word and, on average, about one memcmp. */
static NOINLINE struct entry *find_word(struct table *t, const char *word,
					size_t len)
{
	struct entry *e;

	HASH_FIND(hh, t->head, word, len, e);
	return e;
}

/* Add word[0..len) (copied) with a count of 1. */
static NOINLINE void add_word(struct table *t, const char *word, size_t len)
{
	struct entry *e = malloc(sizeof *e + len + 1);

	if (e == NULL)
		die("out of memory");
	e->count = 1;
	memcpy(e->word, word, len + 1);
	/* KEYPTR: the key is the word inside the entry, len bytes long */
	HASH_ADD_KEYPTR(hh, t->head, e->word, len, e);
	t->len++;
}

/* Count one occurrence of the word at start[0..len). */
static NOINLINE void count_word(struct table *t, const char *start, size_t len)
{
	const char *word = lower_word(t, start, len);
	struct entry *e = find_word(t, word, len);

	if (e != NULL)
		e->count++;
	else
		add_word(t, word, len);
}

/* The report order, as a qsort comparison: more frequent first. */
static int compare_entries(const void *pa, const void *pb)
{
	const struct entry *a = *(const struct entry *const *)pa;
	const struct entry *b = *(const struct entry *const *)pb;

	return (a->count < b->count) - (a->count > b->count);
}

/* The entries in report order, as a new array of t->len pointers. */
static NOINLINE struct entry **sort_entries(const struct table *t)
{
	struct entry **sorted = malloc((t->len ? t->len : 1) * sizeof *sorted);
	struct entry *e, *tmp;
	size_t n = 0;

	if (sorted == NULL)
		die("out of memory");
	HASH_ITER(hh, t->head, e, tmp)
		sorted[n++] = e;
	qsort(sorted, n, sizeof *sorted, compare_entries);
	return sorted;
}

/*
 * Print the report. stdio's buffer already knows where its end is, so
 * each line costs its own length, and nothing walks what came before;
 * the whole report is never held in memory either.
 */
static NOINLINE void write_report(FILE *out, struct entry **sorted, size_t n,
				  const struct totals *totals)
{
	fprintf(out, "lines: %ld\nbytes: %zu\nwords: %ld\ndistinct: %zu\n"
		"%6s %8s %s\n", totals->lines, totals->bytes, totals->words, n,
		"rank", "count", "word");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%6zu %8ld %s\n", i + 1, sorted[i]->count,
			sorted[i]->word);
}

int main(void)
{
	struct table table = { NULL, 0, NULL, 0 };
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

	struct entry **sorted = sort_entries(&table);
	write_report(stdout, sorted, table.len, &totals);

	/* HASH_CLEAR frees uthash's own bookkeeping; the entries are ours */
	HASH_CLEAR(hh, table.head);
	for (size_t k = 0; k < table.len; k++)
		free(sorted[k]);
	free(sorted);
	free(table.scratch);
	free(text);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the report");
	return 0;
}
