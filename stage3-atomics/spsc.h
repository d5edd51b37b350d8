/*
 * stage3-atomics/spsc.h: no lock; two atomic counters and acquire/release.
 *
 * What this stage adds to stage 2: the mutex is gone. With one producer and
 * one consumer each counter has exactly one writer, so neither side needs a
 * lock or a read-modify-write: the producer owns tail, the consumer owns
 * head, and a release store paired with an acquire load hands each slot
 * from one thread to the other.
 *
 * Both counters deliberately share one cache line: every push and every pop
 * writes that line, and the other thread reads it. Stage 4 measures and
 * removes that false sharing.
 *
 * Progress guarantee: wait-free. spsc_try_push and spsc_try_pop each finish
 * in a bounded number of their own steps (two loads, one slot access, one
 * store; no loop, no lock, no compare-and-swap), whatever the other thread
 * does or fails to do. Waiting for a free slot or for an item is the
 * caller's loop, not the queue's. Stages 4 and 5 keep this guarantee; they
 * change how often the two threads touch each other's cache lines.
 *
 * Variants of this header (never in this file; the patches in
 * common/variants/ make them in build/, and fail if this file has moved
 * under them): seq-cst, every ordering memory_order_seq_cst, to measure
 * what acquire/release saves; broken-publish, the producer's publish of
 * tail relaxed, a real data race that ThreadSanitizer must report
 * (`make demo-race`).
 *
 * The contract every stage honours is written down in common/CONTRACT.md.
 */
#ifndef SPSC_H
#define SPSC_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define SPSC_STAGE_NAME "stage3-atomics"

/*
 * The largest ring: a power of two whose byte size still fits in
 * ptrdiff_t (2^59 slots on a 64-bit machine). Anything larger cannot be
 * allocated, so asking for it is an invalid argument, not a lack of memory.
 */
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / sizeof(uint64_t) / 2 + 1)

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	/*
	 * The two counters, side by side: malloc's 16-byte alignment puts these
	 * 16 bytes inside one 64-byte line.
	 */
	/* Pops so far. Written by the consumer; read by the producer and spsc_size. */
	_Atomic size_t head;
	/* Pushes so far. Written by the producer; read by the consumer and spsc_size. */
	_Atomic size_t tail;

	/* Written once by spsc_create, before either thread starts; read-only after. */
	size_t mask; /* capacity - 1 */
	/*
	 * slots[i & mask] holds item i: written by the producer before it
	 * publishes tail = i + 1, read by the consumer after it sees tail > i.
	 */
	uint64_t *slots;
};

/* Smallest power of two >= n, for 1 <= n <= SPSC_MAX_CAPACITY. */
static inline size_t spsc_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* capacity is rounded up to a power of two; spsc_capacity() reports it. */
static inline spsc_queue *spsc_create(size_t capacity)
{
	if (capacity == 0 || capacity > SPSC_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	capacity = spsc_round_up_pow2_(capacity);

	spsc_queue *q = malloc(sizeof(*q));
	uint64_t *slots = malloc(capacity * sizeof(uint64_t));
	if (q == NULL || slots == NULL) {
		free(slots);
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->slots = slots;
	q->mask = capacity - 1;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
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
	/* Our own counter: only this thread writes it, so relaxed reads our last store. */
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	/*
	 * ACQUIRE, pairs with the RELEASE store of head in spsc_try_pop: the
	 * consumer's read of every slot below head happens before our write
	 * into that slot below, so we never overwrite an item it is reading.
	 */
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);

	if (tail - head == q->mask + 1)
		return false;
	q->slots[tail & q->mask] = item;
	/*
	 * RELEASE, pairs with the ACQUIRE load of tail in spsc_try_pop: the
	 * slot write above becomes visible no later than the new tail does.
	 */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return true;
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	/* Our own counter: only this thread writes it, so relaxed reads our last store. */
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	/*
	 * ACQUIRE, pairs with the RELEASE store of tail in spsc_try_push: the
	 * producer's write of every slot below tail happens before our read.
	 */
	size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);

	if (tail == head)
		return false;
	*item = q->slots[head & q->mask];
	/*
	 * RELEASE, pairs with the ACQUIRE load of head in spsc_try_push: our
	 * read of the slot above completes before the producer may reuse it.
	 */
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return true;
}

/* Any thread: the ring's length never changes after spsc_create. */
static inline size_t spsc_capacity(const spsc_queue *q)
{
	return q->mask + 1;
}

/*
 * Any thread. Exact when neither side is running; otherwise a snapshot
 * that lies between 0 and capacity. head is read first: head never passes
 * tail and tail only grows, so the difference cannot go negative; it can
 * exceed the capacity if both sides move between the two loads, so clamp.
 */
static inline size_t spsc_size(const spsc_queue *q)
{
	size_t head = atomic_load_explicit(&((spsc_queue *)q)->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&((spsc_queue *)q)->tail, memory_order_acquire);
	size_t n = tail - head;

	return n <= q->mask + 1 ? n : q->mask + 1;
}

#ifdef SPSC_TESTING
/* Test hook: start a fresh, empty queue's counters at start (to cross SIZE_MAX). */
static inline void spsc_test_set_counters(spsc_queue *q, size_t start)
{
	atomic_store_explicit(&q->head, start, memory_order_relaxed);
	atomic_store_explicit(&q->tail, start, memory_order_relaxed);
}
#endif

#endif /* SPSC_H */
