/*
 * benchfile.h - read a file in Go's benchmark data format (the output of
 * `go test -bench`, of the course harness bench/bench.c, and the input of
 * benchstat), as specified in Go proposal 14313.
 *
 * THE FORMAT
 *
 *	goos: linux				<- configuration line
 *	cpu: AMD EPYC
 *	BenchmarkBuild/pieces=1000/strbuf-2  54545  4188 ns/op  16320 B/op
 *	PASS					<- anything else: ignored
 *
 * A configuration line is `key: value`, the key starting with a lower-case
 * letter and holding no spaces or upper-case letters. A result line is a
 * benchmark name starting with "Benchmark" (followed by anything but a
 * lower-case letter), an iteration count, and one or more `value unit`
 * pairs, all separated by blanks: so an even number of fields, at least 4.
 * Running with -count N writes each benchmark N times: those are the
 * samples that benchcmp summarizes.
 *
 * USAGE
 *
 *	struct benchfile bf;
 *
 *	benchfile_init(&bf);
 *	if (benchfile_load(&bf, "old.txt", stderr) < 0)
 *		die("old.txt: %s", strerror(errno));
 *	for (size_t i = 0; i < bf.nresults; i++)
 *		printf("%s %g %s\n", bf.results[i].name,
 *		       bf.results[i].value, bf.results[i].unit);
 *	benchfile_release(&bf);
 *
 * A result line with k measurements becomes k entries in results[], one per
 * unit, in file order. The name loses its "Benchmark" prefix and keeps the
 * "-P" GOMAXPROCS suffix ("Build/pieces=1000/strbuf-2"), as in benchstat.
 *
 * INVARIANTS
 *
 * nresults <= results_alloc and nconfigs <= configs_alloc; every string in
 * the struct is owned by it, NUL-terminated and non-NULL; every value is
 * finite; config keys are unique (a repeated key updates its value, as a
 * later configuration line overrides an earlier one in the format).
 */
#ifndef BENCHCMP_BENCHFILE_H
#define BENCHCMP_BENCHFILE_H

#include <stddef.h>
#include <stdio.h>

struct benchfile_config {
	char *key;		/* "goos" */
	char *value;		/* "linux"; may be empty */
};

struct benchfile_result {
	char *name;		/* "Build/pieces=1000/strbuf-2" */
	char *unit;		/* "ns/op", exactly as in the file */
	double value;		/* 4188 */
	size_t line;		/* 1-based line number, for messages */
};

struct benchfile {
	char *path;		/* as given to benchfile_load/_read */
	struct benchfile_config *configs;
	size_t nconfigs, configs_alloc;
	struct benchfile_result *results;
	size_t nresults, results_alloc;
	size_t nlines;		/* result lines accepted */
	size_t nmalformed;	/* "Benchmark..." lines rejected */
};

/* ---- life cycle -------------------------------------------------------- */

/* Set up an empty benchfile. Allocates nothing. */
void benchfile_init(struct benchfile *bf);

/* Free everything bf owns and leave it empty, ready for reuse. */
void benchfile_release(struct benchfile *bf);

/* ---- reading ----------------------------------------------------------- */

/*
 * Append the configuration and results of the stream `in` to bf, naming it
 * `path` in messages (bf->path is set on the first call). Malformed result
 * lines are skipped, counted in bf->nmalformed and, if `warn` is not NULL,
 * reported on it as "path:line: ...". Other unrecognised lines are ignored
 * silently, as the format requires.
 *
 * Returns 0, or -1 with errno set on a read error or ENOMEM. On failure bf
 * keeps whatever was read before the error and must still be released.
 * Cost: one pass, O(line length) per line, plus O(nconfigs) per
 * configuration line.
 */
int benchfile_read(struct benchfile *bf, FILE *in, const char *path,
		   FILE *warn);

/* benchfile_read() on the file at `path`. -1 with errno from fopen too. */
int benchfile_load(struct benchfile *bf, const char *path, FILE *warn);

/*
 * The value of configuration key `key`, or NULL if the file has none.
 * The string belongs to bf. O(nconfigs).
 */
const char *benchfile_config(const struct benchfile *bf, const char *key);

#endif /* BENCHCMP_BENCHFILE_H */
