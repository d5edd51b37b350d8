/*
 * common/support/test_alloc.c: counting, and on request failing, allocations.
 *
 * The linker's --wrap=malloc sends every call to malloc in the test objects
 * to __wrap_malloc, and __real_malloc reaches the real one. The counters
 * are atomics because the stress tests allocate nothing but may race with
 * a reset from another test thread; relaxed is enough: nothing else is
 * published through them.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "test_alloc.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
int __real_posix_memalign(void **p, size_t align, size_t size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
int __wrap_posix_memalign(void **p, size_t align, size_t size);

static atomic_size_t calls;
static atomic_size_t failed;
static atomic_size_t budget = SIZE_MAX; /* allocations left before failures start */

void test_alloc_reset(void)
{
	atomic_store_explicit(&calls, 0, memory_order_relaxed);
}

size_t test_alloc_count(void)
{
	return atomic_load_explicit(&calls, memory_order_relaxed);
}

void test_alloc_fail_after(size_t ok)
{
	atomic_store_explicit(&failed, 0, memory_order_relaxed);
	atomic_store_explicit(&budget, ok, memory_order_relaxed);
}

void test_alloc_fail_never(void)
{
	atomic_store_explicit(&budget, SIZE_MAX, memory_order_relaxed);
}

size_t test_alloc_failed(void)
{
	return atomic_load_explicit(&failed, memory_order_relaxed);
}

/* Count one allocation; true when it must fail. */
static int must_fail(void)
{
	atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
	size_t left = atomic_load_explicit(&budget, memory_order_relaxed);
	if (left == SIZE_MAX)
		return 0;
	if (left > 0) {
		atomic_store_explicit(&budget, left - 1, memory_order_relaxed);
		return 0;
	}
	atomic_fetch_add_explicit(&failed, 1, memory_order_relaxed);
	return 1;
}

void *__wrap_malloc(size_t size)
{
	if (must_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (must_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	if (must_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
	if (must_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_aligned_alloc(align, size);
}

int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
	if (must_fail())
		return ENOMEM;
	return __real_posix_memalign(p, align, size);
}
