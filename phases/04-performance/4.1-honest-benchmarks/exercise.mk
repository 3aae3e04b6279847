# Build facts for exercise 4.1, read by the top-level Makefile (see
# "Exercises" there). Every .c here but the tests and truth_bench.c,
# benchmarks.c included, is linked into both the test and the bench binary.
NEEDS :=
LIBS  :=
MAINS :=
