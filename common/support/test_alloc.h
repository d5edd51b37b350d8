/*
 * common/support/test_alloc.h: every allocation counted, and on request
 * failed (common/support/test_alloc.c).
 *
 * The tests, the fuzzer and the benchmark driver are linked with
 * -Wl,--wrap=malloc,... (ALLOC_WRAP in the Makefile), so every allocation
 * made by code compiled into them, which includes the inlined queue, goes
 * through test_alloc.c. Allocations inside libraries (Criterion, libc's
 * own) are not counted.
 */
#ifndef TEST_ALLOC_H
#define TEST_ALLOC_H

#include <stddef.h>

/* Allocations made through the wrapped functions since the last reset. */
void test_alloc_reset(void);
size_t test_alloc_count(void);

/*
 * Let the next `ok` allocations succeed and make every one after that fail
 * with ENOMEM, until test_alloc_fail_never(). Failures injected so far are
 * counted by test_alloc_failed().
 */
void test_alloc_fail_after(size_t ok);
void test_alloc_fail_never(void);
size_t test_alloc_failed(void);

#endif /* TEST_ALLOC_H */
