/*
 * main.c - the benchcmp executable: benchcmp_main() on the standard
 * streams.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "benchcmp.h"

int main(int argc, char **argv)
{
	int status = benchcmp_main(argc, argv, stdout, stderr);

	/* A full disk or a closed pipe may only show when stdout is
	 * flushed: check it, or a truncated report would exit 0. */
	if (fclose(stdout) != 0 && status == 0) {
		fprintf(stderr, "benchcmp: writing output: %s\n",
			strerror(errno));
		status = 1;
	}
	return status;
}
