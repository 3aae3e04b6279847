/*
 * flamegraph.c - the command: folded stacks from files or stdin, one SVG
 * flame graph on stdout. What the picture shows is in flame.h and
 * README.md; this file only reads options and reports problems.
 *
 *     google-pprof --collapsed ./bench cpu.prof | flamegraph --title 4.5 > fg.svg
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"

static const char usage[] =
	"usage: flamegraph [options] [FILE...] > graph.svg\n"
	"Reads folded stacks (\"main;parse;strlen 42\" per line) from the FILEs\n"
	"or from stdin, and writes an SVG flame graph to stdout.\n"
	"  --title TEXT       title at the top (default \"Flame Graph\")\n"
	"  --width PX         image width (default 1200)\n"
	"  --countname NAME   what the counts are (default \"samples\";\n"
	"                     \"instructions\" for callgrind)\n"
	"  --minwidth PX      leave out frames narrower than PX pixels\n"
	"                     (default 0.1): keeps the file small\n"
	"  --help             this text\n";

static int parse_number(const char *flag, const char *arg, double min,
			double max, double *out)
{
	char *end;

	errno = 0;
	double v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= min) ||
	    !(v <= max)) {
		fprintf(stderr, "flamegraph: %s wants a number from %g to %g, "
			"not \"%s\"\n", flag, min, max, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int read_file(struct flame *fg, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "flamegraph: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int ret = flame_read(fg, f);
	if (ret < 0)
		fprintf(stderr, "flamegraph: reading %s: %s\n", path,
			strerror(errno));
	if (f != stdin)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"title", required_argument, NULL, 't'},
		{"width", required_argument, NULL, 'w'},
		{"countname", required_argument, NULL, 'c'},
		{"minwidth", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct flame_svg_options opt = FLAME_SVG_OPTIONS_INIT;
	double width = opt.width;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			opt.title = optarg;
			break;
		case 'c':
			if (*optarg == '\0' || strpbrk(optarg, "()")) {
				fprintf(stderr, "flamegraph: --countname must be "
					"a non-empty word without parentheses\n");
				return 2;
			}
			opt.countname = optarg;
			break;
		case 'w':
			if (parse_number("--width", optarg, 100, 1000000,
					 &width) < 0)
				return 2;
			opt.width = (int)width;
			break;
		case 'm':
			if (parse_number("--minwidth", optarg, 0, 1000000,
					 &opt.minwidth) < 0)
				return 2;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}

	struct flame fg;
	if (flame_init(&fg) < 0) {
		perror("flamegraph");
		return 1;
	}
	int status = 0;
	if (optind == argc) {
		status = read_file(&fg, "-");
	} else {
		for (int i = optind; i < argc && status == 0; i++)
			status = read_file(&fg, argv[i]);
	}

	/* Report skipped lines once, not per line: a converter bug can make
	 * thousands of them, and the first line number is enough to look. */
	if (fg.malformed > 0)
		fprintf(stderr, "flamegraph: ignored %zu malformed line%s (the "
			"first is line %zu); expected \"frame;frame;... COUNT\"\n",
			fg.malformed, fg.malformed == 1 ? "" : "s",
			fg.first_malformed);
	if (fg.blank > 0)
		fprintf(stderr, "flamegraph: ignored %zu blank line%s\n",
			fg.blank, fg.blank == 1 ? "" : "s");

	if (status == 0 && fg.root.total <= 0) {
		fprintf(stderr, "flamegraph: no samples in the input: nothing "
			"to draw\n");
		status = -1;
	}
	if (status == 0 && flame_svg_write(&fg, &opt, stdout) < 0) {
		fprintf(stderr, "flamegraph: writing the SVG: %s\n",
			strerror(errno));
		status = -1;
	}
	flame_release(&fg);
	return status == 0 ? 0 : 1;
}
