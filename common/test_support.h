/*
 * common/test_support.h: what the contract suite and the stage tests share.
 *
 * The allocation hooks: every test binary is linked with
 * -Wl,--wrap=malloc,... (see the Makefile), so every allocation made by code
 * compiled into the tests, which includes the inlined queue, goes through
 * common/test_alloc.c. Criterion's own allocations (in libcriterion) are not
 * counted.
 */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Items carry their sequence number, disguised so that zeroed or stale memory never looks right. */
#define SEQ_TAG UINT64_C(0x9e3779b97f4a7c15)
static inline uint64_t item_of(uint64_t seq)
{
	return seq ^ SEQ_TAG;
}
static inline uint64_t seq_of(uint64_t item)
{
	return item ^ SEQ_TAG;
}

struct spsc_queue;

/* From test_contract.c (Criterion), for the stage tests. */
struct spsc_queue *create_or_die(size_t capacity);
void stress_and_check(struct spsc_queue *q, uint64_t items, bool bulk); /* stress_run + asserts */

/* From stress.c (no Criterion). What the two threads saw. */
struct stress_result {
	uint64_t moved;      /* items the consumer received */
	uint64_t bad;        /* items that were not the expected next one */
	uint64_t first_bad;  /* position of the first wrong item (valid when bad > 0) */
	uint64_t got;        /* sequence number that arrived at first_bad */
	bool lost;           /* the producer finished and the queue ran dry early */
	uint64_t full_hits;  /* push calls that found the queue full (pushed nothing) */
	uint64_t empty_hits; /* pop calls that found the queue empty (popped nothing) */
};
/*
 * One producer and one consumer thread move `items` items through q, with
 * random short pauses on both sides; the consumer checks every item's
 * sequence number. bulk (queues with SPSC_HAS_BULK only): every move is a
 * spsc_try_push_n / spsc_try_pop_n of a random 1..100 items instead.
 */
struct stress_result stress_run(struct spsc_queue *q, uint64_t items, bool bulk);
/*
 * True when every item arrived once and in order, and the queue was found
 * empty (and full, if bounded) at least once; otherwise false, with why.
 */
bool stress_ok(const struct spsc_queue *q, uint64_t items, const struct stress_result *r, char *why, size_t len);

#ifndef STRESS_ITEMS
#define STRESS_ITEMS 10000000
#endif

#endif /* TEST_SUPPORT_H */
