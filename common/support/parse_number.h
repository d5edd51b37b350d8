/*
 * common/support/parse_number.h: the one command-line number parser of the
 * C tools (the benchmark driver, the soak, the stress runner).
 *
 * A number is decimal digits only: no sign, no space, no suffix, no hex,
 * no overflow, and within [lo, hi]. Anything else is refused with a reason,
 * never read as 0 or clamped: each tool prints the reason and exits 2.
 */
#ifndef PARSE_NUMBER_H
#define PARSE_NUMBER_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Stores the value of s in *value and returns NULL, or returns why s is
 * not a number in [lo, hi] ("is not a positive decimal number", "is out
 * of range") and leaves *value alone.
 */
static inline const char *parse_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *value)
{
	char *end;

	if (s == NULL || *s == '\0')
		return "needs a value";
	if (*s < '0' || *s > '9')
		return "is not a positive decimal number";
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end != '\0')
		return "is not a positive decimal number";
	if (errno == ERANGE || v < lo || v > hi)
		return "is out of range";
	*value = (uint64_t)v;
	return NULL;
}

#endif /* PARSE_NUMBER_H */
