/*
 * common/test/asan_control.c: the AddressSanitizer/UBSan negative control.
 *
 * Three deliberate bugs, built with the same flags and run through the same
 * script (common/test/sanitized-run.sh) as the real `make asan`: a leak, a heap
 * overflow and undefined behaviour. `make test` fails unless all three are
 * reported, so a clean `make asan` means something.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

void *volatile sink; /* keeps the compiler from removing the bugs */

Test(control, leaks_a_block)
{
	char *p = malloc(64);
	memset(p, 1, 64);
	sink = NULL;
}

Test(control, writes_past_a_block)
{
	char *p = malloc(8);
	sink = p;
	p[8] = 1; /* UBSan's object-size check or ASan, whichever sees it first */
	free(p);
}

Test(control, overflows_a_signed_int)
{
	volatile int big = INT_MAX;
	sink = (void *)(size_t)(big + 1);
}
