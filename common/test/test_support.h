/*
 * common/test/test_support.h: what the contract suite, the stage tests and
 * the stress runner share: the two-thread stress code (stress.c) and the
 * Criterion helpers (test_contract.c).
 */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sequence.h"   /* item_of(), seq_of() */
#include "test_alloc.h" /* the allocation counter and failure injection */

struct spsc_queue;

/* From test_contract.c (Criterion), for the stage tests and the extensions' tests. */
struct spsc_queue *create_or_die(size_t capacity);
void push_ok(struct spsc_queue *q, uint64_t seq);    /* push item_of(seq), which must succeed */
void pop_expect(struct spsc_queue *q, uint64_t seq); /* pop, which must give item_of(seq) */
void pop_expect_empty(struct spsc_queue *q);         /* pop, which must fail and leave *item alone */
void stress(size_t capacity, unsigned flags);        /* stress_and_check on a fresh queue, STRESS_ITEMS */
void stress_and_check(struct spsc_queue *q, uint64_t items, unsigned flags); /* stress_run + asserts */

/* From stress.c (no Criterion). What the two threads saw. */
struct stress_result {
	uint64_t moved;          /* items the consumer received */
	uint64_t bad;            /* items that were not the expected next one */
	uint64_t first_bad;      /* position of the first wrong item (valid when bad > 0) */
	uint64_t got;            /* sequence number that arrived at first_bad */
	bool lost;               /* the producer finished and the queue ran dry early */
	uint64_t full_hits;      /* push calls that found the queue full (pushed nothing) */
	uint64_t empty_hits;     /* pop calls that found the queue empty (popped nothing) */
	const char *stalled;     /* what a side waited for in vain (the run was abandoned), or NULL */
	uint64_t size_samples;   /* STRESS_OBSERVE: spsc_size calls by the third thread */
	uint64_t size_bad;       /* of which gave more than could be held */
	uint64_t size_first_bad; /* the first such size */
	uint64_t size_bound;     /* and what it could be at most then */
};
/* stress_run flags. */
#define STRESS_BULK    1u /* queues with SPSC_HAS_BULK: random batches through push_n / pop_n */
#define STRESS_OBSERVE 2u /* a third thread samples spsc_size all through the run */
/*
 * One producer and one consumer thread move `items` items through q, with
 * random short pauses on both sides; the consumer checks every item's
 * sequence number. STRESS_BULK (queues with SPSC_HAS_BULK only): every move
 * is a spsc_try_push_n / spsc_try_pop_n of a random 1..100 items instead.
 * STRESS_OBSERVE: a third thread checks spsc_size() all the while.
 */
struct stress_result stress_run(struct spsc_queue *q, uint64_t items, unsigned flags);
/*
 * True when every item arrived once and in order, and the queue was found
 * empty (and full, if bounded) at least once; otherwise false, with why.
 */
bool stress_ok(const struct spsc_queue *q, uint64_t items, const struct stress_result *r, char *why, size_t len);

#ifndef STRESS_ITEMS
#define STRESS_ITEMS 10000000
#endif

#endif /* TEST_SUPPORT_H */
