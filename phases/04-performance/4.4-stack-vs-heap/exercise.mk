# Build facts for exercise 4.4, read by the top-level Makefile (see
# "Exercises" there). -fstack-usage makes the compiler write, next to each
# object, a .su file giving every function's stack frame in bytes: the
# grader's stack part (stack_usage.sh) reads the one of your handler.c.
NEEDS :=
LIBS  :=
MAINS :=
EXTRA_CFLAGS := -fstack-usage
