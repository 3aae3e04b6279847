/*
 * benchcmp.c - command line of benchcmp, a benchstat-style tool that
 * summarizes benchmark runs and tells which differences are real:
 *
 *	bench -count 10 > old.txt	# before the change
 *	bench -count 10 > new.txt	# after it
 *	benchcmp old.txt new.txt
 */
#include "benchcmp.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "benchfile.h"
#include "report.h"

/* Defaults, as in benchstat. */
#ifndef BENCHCMP_ALPHA
#define BENCHCMP_ALPHA 0.05	/* -alpha: significance level of the U test */
#endif
#ifndef BENCHCMP_CONFIDENCE
#define BENCHCMP_CONFIDENCE 0.95 /* -confidence: level of the median's CI */
#endif

#define USAGE "usage: benchcmp [-alpha A] [-confidence C] OLD.txt [NEW.txt ...]\n"

static void usage(FILE *out)
{
	fprintf(out, USAGE
		"\n"
		"Summarize benchmark results in Go's benchmark format (the output of\n"
		"the course's bench harness) and compare each NEW file with OLD.\n"
		"With one file, only summarize it.\n"
		"\n"
		"  -alpha A        significance level of the Mann-Whitney U test\n"
		"                  (default %g); a change with p > A shows as \"~\"\n"
		"  -confidence C   confidence level of the interval around each\n"
		"                  median (default %g)\n"
		"\n"
		"Run each benchmark at least 10 times on each side (-count 10).\n",
		BENCHCMP_ALPHA, BENCHCMP_CONFIDENCE);
}

/* After a usage error: the synopsis and where to read more. */
static int usage_error(FILE *err)
{
	fputs(USAGE "Run 'benchcmp -h' for details.\n", err);
	return 2;
}

/* A probability strictly between 0 and 1, the whole string a number. */
static int parse_probability(const char *flag, const char *s, double *out,
			     FILE *err)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(*out > 0 && *out < 1)) {
		fprintf(err, "benchcmp: -%s wants a number between 0 and 1, "
			"not \"%s\"\n", flag, s);
		return -1;
	}
	return 0;
}

int benchcmp_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{"alpha", required_argument, NULL, 'a'},
		{"confidence", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	double alpha = BENCHCMP_ALPHA, confidence = BENCHCMP_CONFIDENCE;
	int opt;

	/* getopt_long_only accepts Go-style single-dash long flags
	 * ("-alpha 0.01") as well as "--alpha=0.01". optind = 0 makes glibc
	 * start afresh; opterr = 0 because its messages go to stderr, and
	 * ours must go to err. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, ":h", options, NULL)) !=
	       -1) {
		switch (opt) {
		case 'a':
			if (parse_probability("alpha", optarg, &alpha, err) < 0)
				return 2;
			break;
		case 'c':
			if (parse_probability("confidence", optarg,
					      &confidence, err) < 0)
				return 2;
			break;
		case 'h':
			usage(out);
			return 0;
		case ':':
			fprintf(err, "benchcmp: %s needs a value\n",
				argv[optind - 1]);
			return usage_error(err);
		default:
			fprintf(err, "benchcmp: unknown flag %s\n",
				argv[optind - 1]);
			return usage_error(err);
		}
	}
	if (optind == argc) {
		fprintf(err, "benchcmp: no files to compare\n");
		return usage_error(err);
	}

	size_t nfiles = (size_t)(argc - optind);
	struct benchfile *files = calloc(nfiles, sizeof *files);
	struct report report;
	int status = 0;

	if (!files) {
		fprintf(err, "benchcmp: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		const char *path = argv[optind + (int)i];

		benchfile_init(&files[i]);
		if (benchfile_load(&files[i], path, err) < 0) {
			fprintf(err, "benchcmp: %s: %s\n", path,
				strerror(errno));
			status = 2;
		} else if (files[i].nlines == 0) {
			fprintf(err, "benchcmp: %s: no benchmark results "
				"(no valid line starts with \"Benchmark\")\n",
				path);
			status = 2;
		}
	}

	report_init(&report, alpha, confidence);
	if (status == 0 && (report_build(&report, files, nfiles) < 0 ||
			    report_print(&report, out) < 0)) {
		fprintf(err, "benchcmp: %s\n", strerror(errno));
		status = 1;
	}
	report_release(&report);
	for (size_t i = 0; i < nfiles; i++)
		benchfile_release(&files[i]);
	free(files);
	return status;
}
