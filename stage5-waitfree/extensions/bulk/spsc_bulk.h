/*
 * stage5-waitfree/extensions/bulk/spsc_bulk.h: bulk operations, an extension of stage 5.
 *
 * Not a rung of the ladder: include it after (or instead of) spsc.h when
 * you want it; the tests, the fuzzer and the benchmark driver do, wherever
 * a stage has this file (common/support/queue.h). notes/07-peers.md
 * measures it; common/CONTRACT.md states its contract.
 *
 * The same protocol as spsc_try_push and spsc_try_pop, with one
 * publication per batch: the slots of the whole batch are written (or
 * read) first, then the counter is stored once with release. The other
 * side pays one cache miss on the counter per batch instead of one per
 * item. Each call still finishes in a bounded number of steps (at most two
 * memcpy runs): wait-free, like the single-item calls.
 */
#ifndef SPSC_BULK_H
#define SPSC_BULK_H

#include <string.h> /* memcpy */

#include "../../spsc.h"

/* Tells the tests and the benchmark that these exist. */
#define SPSC_HAS_BULK 1

/*
 * Producer thread only. Pushes items[0], items[1], ... for as many of the n
 * as fit, in order; returns how many (0 when full, or when n is 0).
 */
static inline size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* our own counter */
	size_t capacity = q->mask + 1;

	if (capacity - (tail - q->head_cache) < n)
		/*
		 * Not enough room by the cached head: reload. ACQUIRE, pairs with
		 * the RELEASE store of head in spsc_try_pop(_n): the consumer's
		 * reads of every slot below head happen before our writes below.
		 */
		q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
	size_t room = capacity - (tail - q->head_cache);
	size_t k = n < room ? n : room;
	if (k == 0)
		return 0;

	/* At most two runs of slots: up to the end of the array, then from its start. */
	size_t at = tail & q->mask;
	size_t first = capacity - at < k ? capacity - at : k;
	memcpy(&q->slots[at], items, first * sizeof(uint64_t));
	memcpy(&q->slots[0], items + first, (k - first) * sizeof(uint64_t));
	/* RELEASE, pairs with the ACQUIRE load of tail in spsc_try_pop(_n): all k slot writes come first. */
	atomic_store_explicit(&q->tail, tail + k, memory_order_release);
	return k;
}

/*
 * Consumer thread only. Pops up to n items into items[0], items[1], ... in
 * order; returns how many (0 when empty: items is untouched).
 */
static inline size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed); /* our own counter */

	if (q->tail_cache - head < n)
		/*
		 * Fewer items than asked for by the cached tail: reload. ACQUIRE,
		 * pairs with the RELEASE store of tail in spsc_try_push(_n): the
		 * producer's writes of every slot below tail happen before our
		 * reads below.
		 */
		q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t ready = q->tail_cache - head;
	size_t k = n < ready ? n : ready;
	if (k == 0)
		return 0;

	size_t at = head & q->mask;
	size_t first = q->mask + 1 - at < k ? q->mask + 1 - at : k;
	memcpy(items, &q->slots[at], first * sizeof(uint64_t));
	memcpy(items + first, &q->slots[0], (k - first) * sizeof(uint64_t));
	/* RELEASE, pairs with the ACQUIRE load of head in spsc_try_push(_n): all k slot reads come first. */
	atomic_store_explicit(&q->head, head + k, memory_order_release);
	return k;
}

#endif /* SPSC_BULK_H */
