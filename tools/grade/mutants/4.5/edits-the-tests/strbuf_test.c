/*
 * strbuf_test.c - MUTANT "edits-the-tests" for `grade selftest`: the
 * learner left strbuf.c as the skeleton and replaced the tests with ones
 * that always pass. The grader takes only the files an exercise edits
 * (strbuf.c), so these are never compiled and the grade stays 0.
 */
#include <criterion/criterion.h>

Test(strbuf, everything_works)
{
	cr_assert(1, "trust me");
}
