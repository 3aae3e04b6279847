/*
 * parse.c - decimal text to uint64_t, one digit at a time, with overflow
 * checked by the compiler's checked-arithmetic builtins.
 */
#include "parse.h"

#include <errno.h>
#include <string.h>

#include "probe.h"

int parse_u64(const char *text, uint64_t *value)
{
	uint64_t v = 0;

	PROBE(PROBE_PARSE_U64, text, strlen(text));
	if (*text == '\0') {
		errno = EINVAL;
		return -1;
	}
	for (const char *p = text; *p; p++) {
		unsigned digit = (unsigned)(unsigned char)*p - '0';

		if (digit > 9) {
			errno = EINVAL;
			return -1;
		}
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, digit, &v)) {
			errno = ERANGE;
			return -1;
		}
	}
	*value = v;
	return 0;
}
