/*
 * parse.h - parse_u64(): read an unsigned decimal integer from text, with
 * the error checks that atoi() and a bare strtoull() leave out.
 *
 *     uint64_t port;
 *     if (parse_u64(arg, &port) < 0 || port > 65535)
 *             usage();
 *
 * Given code for exercise 4.1: you benchmark it, you do not change it.
 */
#ifndef PARSE_H
#define PARSE_H

#include <stdint.h>

/*
 * Parse text, which must be one or more ASCII digits and nothing else (no
 * sign, no spaces), into *value. Returns 0, or -1 with errno = EINVAL (empty
 * or not all digits) or ERANGE (above UINT64_MAX); *value is then untouched.
 * About 14 instructions a digit: some 170 for the 12-digit texts of
 * samples.h. Not pure (it writes *value and errno), so the compiler keeps
 * every call.
 */
int parse_u64(const char *text, uint64_t *value);

#endif /* PARSE_H */
