/*
 * stage5-waitfree/extensions/slot/spsc_slot.h: a ring whose slots signal
 * themselves. Each slot holds the item and a sequence word; the consumer
 * polls the slot it wants, not the producer's counter, so an item and the
 * news that it is there arrive in one cache line.
 *
 * The protocol (FastForward, Giacomoni et al., PPoPP 2008; the per-cell
 * sequence numbers of Vyukov's bounded queue, here with one producer and
 * one consumer and so without any compare-and-swap). Position p of the
 * stream uses slot p & mask, and a slot's seq says two things at once,
 * which position it is for and whether the item is in it:
 *   seq == 2p       the slot is free, for item p;
 *   seq == 2p + 1   item p is in it.
 *   push at p: wait for seq == 2p; write the item, then publish
 *              seq = 2p + 1 (release).
 *   pop at p:  wait for seq == 2p + 1 (acquire); read the item, then hand
 *              the slot to position p + capacity, the producer's next lap:
 *              seq = 2(p + capacity) (release).
 * Slot i starts at seq = 2i. (Vyukov's p and p + 1 would make "item p is
 * in it" and "free for p + capacity" the same value when the capacity is
 * 1.) Both tests are equalities and the positions a slot can hold lie
 * within one capacity of each other, far less than the 2^63 apart at
 * which 2p wraps onto itself, so the counters wrapping past SIZE_MAX needs
 * no special case.
 *
 * What it gives up against stage 5: 16-byte slots for 8-byte items (the
 * sequence word doubles the ring's memory and halves the items per line);
 * spsc_size is a snapshot of two counters each side keeps only for it
 * (their own lines, stored relaxed, read by nobody else in the hot path);
 * and a side that stalls holds back the other at the one slot where they
 * meet, as in stage 5. What it gains: neither side ever reads a line the
 * other writes except the slot itself; a consumer waiting on an empty ring
 * polls the very line the next item will arrive in.
 *
 * The API and names are the stages' (common/CONTRACT.md), so the driver
 * and the contract suite run it unchanged; CONTRACT.md lists where its
 * contract differs.
 */
#ifndef SPSC_SLOT_H
#define SPSC_SLOT_H

#include <assert.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define SPSC_STAGE_NAME "slot-signalled"

#ifndef SPSC_CACHE_LINE
#define SPSC_CACHE_LINE 64
#endif

/* One slot: the item and the position it is for (see above). */
struct spsc_slot {
	/*
	 * Written by the producer (2p + 1: item p is here) and by the consumer
	 * (2(p + capacity): free for the next lap); read by both, each waiting
	 * for the other's value.
	 */
	_Atomic size_t seq;
	/* Written by the producer before its release of seq; read by the consumer after its acquire of it. */
	uint64_t item;
};

/* A slot's bytes: the contract's largest capacity is the one whose byte size fits in ptrdiff_t. */
#define SPSC_SLOT_BYTES   sizeof(struct spsc_slot)
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / SPSC_SLOT_BYTES / 2 + 1)

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	/* The consumer's line. head: pops so far. Written by the consumer (relaxed); read by it and by spsc_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t head;
	/* The producer's line. tail: pushes so far. Written by the producer (relaxed); read by it and by spsc_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t tail;
	/* Written once by spsc_create, before either thread starts; read-only after. */
	alignas(SPSC_CACHE_LINE) size_t mask; /* capacity - 1 */
	struct spsc_slot *slots;              /* aligned to a line: a slot never straddles two */
};

static_assert(offsetof(spsc_queue, tail) - offsetof(spsc_queue, head) >= SPSC_CACHE_LINE,
              "head and tail share a cache line");
static_assert(offsetof(spsc_queue, mask) - offsetof(spsc_queue, tail) >= SPSC_CACHE_LINE,
              "tail and the read-only fields share a cache line");
static_assert(sizeof(spsc_queue) % SPSC_CACHE_LINE == 0, "the last line is not padded");
static_assert(SPSC_CACHE_LINE % sizeof(struct spsc_slot) == 0, "a slot would straddle two lines");

/* Smallest power of two >= n, for 1 <= n <= SPSC_MAX_CAPACITY. */
static inline size_t spsc_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Every slot free for the lap that starts at position start. */
static inline void spsc_slot_reset_(spsc_queue *q, size_t start)
{
	for (size_t i = 0; i <= q->mask; i++)
		atomic_init(&q->slots[i].seq, 2 * (start + ((i - start) & q->mask)));
	atomic_init(&q->head, start);
	atomic_init(&q->tail, start);
}

/* capacity is rounded up to a power of two; spsc_capacity() reports it. */
static inline spsc_queue *spsc_create(size_t capacity)
{
	if (capacity == 0 || capacity > SPSC_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	capacity = spsc_round_up_pow2_(capacity);

	spsc_queue *q = aligned_alloc(SPSC_CACHE_LINE, sizeof(*q));
	/* aligned_alloc wants a multiple of the alignment: round the ring's bytes up to a line. */
	size_t line = SPSC_CACHE_LINE;
	size_t bytes = (capacity * sizeof(struct spsc_slot) + line - 1) / line * line;
	struct spsc_slot *slots = aligned_alloc(SPSC_CACHE_LINE, bytes);
	if (q == NULL || slots == NULL) {
		free(slots);
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->slots = slots;
	q->mask = capacity - 1;
	spsc_slot_reset_(q, 0);
	return q;
}

static inline void spsc_destroy(spsc_queue *q)
{
	if (q == NULL)
		return;
	free(q->slots);
	free(q);
}

/* Producer thread only. False when full: nothing is stored. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	/* Our own position: only this thread writes it. */
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	struct spsc_slot *s = &q->slots[tail & q->mask];

	/*
	 * ACQUIRE, pairs with the RELEASE store of seq in spsc_try_pop: the
	 * consumer's read of the item this slot held a lap ago happens before
	 * our write of the new one below.
	 */
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != 2 * tail)
		return false;
	q->slots[tail & q->mask].item = item;
	/*
	 * RELEASE, pairs with the ACQUIRE load of seq in spsc_try_pop: the
	 * item written above is visible no later than seq says it is there.
	 */
	atomic_store_explicit(&s->seq, 2 * tail + 1, memory_order_release);
	/* For spsc_size only: orders nothing, and no other thread reads it in the hot path. */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_relaxed);
	return true;
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	/* Our own position: only this thread writes it. */
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	struct spsc_slot *s = &q->slots[head & q->mask];

	/*
	 * ACQUIRE, pairs with the RELEASE store of seq in spsc_try_push: the
	 * producer's write of item head happens before our read of it below.
	 */
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != 2 * head + 1)
		return false;
	*item = q->slots[head & q->mask].item;
	/*
	 * RELEASE, pairs with the ACQUIRE load of seq in spsc_try_push: our
	 * read of the item above completes before the producer, seeing the
	 * slot free for its next lap, overwrites it.
	 */
	atomic_store_explicit(&s->seq, 2 * (head + q->mask + 1), memory_order_release);
	/* For spsc_size only, as tail in spsc_try_push. */
	atomic_store_explicit(&q->head, head + 1, memory_order_relaxed);
	return true;
}

/* Any thread: the ring's length never changes after spsc_create. */
static inline size_t spsc_capacity(const spsc_queue *q)
{
	return q->mask + 1;
}

/*
 * Any thread. Exact when neither side is running; otherwise a snapshot
 * between 0 and capacity, read from the two counters each side keeps for
 * this function alone. They are stored relaxed after the slot's
 * publication, so a snapshot may lag the slots by an item on either side;
 * it is clamped to 0 and to the capacity. Polling it takes both sides' counter
 * lines: a waiting loop that polls it often costs them a transfer.
 */
static inline size_t spsc_size(const spsc_queue *q)
{
	size_t head = atomic_load_explicit(&((spsc_queue *)q)->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&((spsc_queue *)q)->tail, memory_order_acquire);
	size_t n = tail - head;

	/*
	 * The consumer may store head = p + 1 for an item whose tail = p + 1
	 * is not yet visible here: a "negative" size is an empty ring.
	 */
	if ((ptrdiff_t)n < 0)
		return 0;
	return n <= q->mask + 1 ? n : q->mask + 1;
}

#ifdef SPSC_TESTING
/* Test hook: start a fresh, empty queue's positions (and its slots' sequences) at start. */
static inline void spsc_test_set_counters(spsc_queue *q, size_t start)
{
	spsc_slot_reset_(q, start);
}
#endif

#endif /* SPSC_SLOT_H */
