/*
 * bench_main.c - main() for benchmark executables. It lives apart from
 * bench.c so that programs with their own main (the harness's Criterion
 * self-test) can link the harness too.
 */
#include "bench.h"

int main(int argc, char **argv)
{
	return bench_main(argc, argv);
}
