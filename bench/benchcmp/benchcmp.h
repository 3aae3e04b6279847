/*
 * benchcmp.h - the benchcmp command as a function, so that tests can run
 * it on files of their own and read what it prints.
 *
 *	int status = benchcmp_main(argc, argv, stdout, stderr);
 *
 * See benchcmp.c for the command line and report.h for the output.
 */
#ifndef BENCHCMP_BENCHCMP_H
#define BENCHCMP_BENCHCMP_H

#include <stdio.h>

/*
 * Run `benchcmp [-alpha A] [-confidence C] OLD.txt [NEW.txt ...]`: the
 * report goes to `out`, usage and error messages to `err`. Returns the
 * exit status: 0 when the report was printed; 2 for bad usage, an
 * unreadable file or a file without any benchmark result; 1 when memory
 * runs out or writing to `out` fails. Uses getopt, so it resets getopt's
 * global state (optind) and is not reentrant.
 */
int benchcmp_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* BENCHCMP_BENCHCMP_H */
