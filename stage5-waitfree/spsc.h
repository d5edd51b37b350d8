/*
 * stage5-waitfree/spsc.h: each side caches the other side's counter.
 *
 * What this stage adds to stage 4: in stage 4 every push reads head and
 * every pop reads tail, and each of those reads fetches a line the other
 * core has just written: a cache miss per operation. Here the producer
 * keeps a private copy of head (head_cache) and reloads the real head only
 * when the ring looks full; the consumer keeps a private copy of tail
 * (tail_cache) and reloads the real tail only when the ring looks empty.
 * A stale copy is always safe: head and tail only grow, so an old head
 * makes the ring look fuller than it is and an old tail makes it look
 * emptier, never the other way round.
 *
 * Each copy sits on a line of its own, apart from the counter its owner
 * publishes: the other side reads a published counter on every reload,
 * and never touches the copy's line. Beside the published counter, the
 * copy measured slower: rings of 1024 slots fell into the slow mode, one
 * side chasing the other inside one line (notes/05-stage5-waitfree.md
 * measures the layouts tried).
 *
 * Progress guarantee: wait-free, exactly as in stages 3 and 4: each
 * spsc_try_push and spsc_try_pop finishes in a bounded number of its own
 * steps (at most three loads, one slot access and one store; no loop, no
 * lock, no compare-and-swap), whatever the other thread does. The name of
 * this stage is the origin plan's; the guarantee already came with stage 3.
 * What stage 5 bounds better is the cost of each step: in the common case
 * an operation touches no line that the other thread writes, except the
 * slot itself. Stages 1 and 2 are blocking (a mutex). Waiting for a free
 * slot or for an item is the caller's loop, not the queue's.
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

#include <assert.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define SPSC_STAGE_NAME "stage5-waitfree"

/*
 * The coherence unit: 64 bytes on every current x86-64 and most Arm cores.
 * Intel's L2 "adjacent line" (spatial) prefetcher fetches lines in aligned
 * 128-byte pairs, so two hot lines in one pair can still interfere; some
 * libraries pad to 128 for that reason. The notes measure 64 against 128
 * (build with -DSPSC_CACHE_LINE=128) rather than assert either.
 */
#ifndef SPSC_CACHE_LINE
#define SPSC_CACHE_LINE 64
#endif

/*
 * The largest ring: a power of two whose byte size still fits in
 * ptrdiff_t (2^59 slots on a 64-bit machine). Anything larger cannot be
 * allocated, so asking for it is an invalid argument, not a lack of memory.
 */
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / sizeof(uint64_t) / 2 + 1)

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	/* The consumer's line. head: pops so far. Written by the consumer; read by the producer and spsc_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t head;
	/* A line of the consumer's own. tail as last loaded, tail_cache <= tail. Written and read by the consumer only. */
	alignas(SPSC_CACHE_LINE) size_t tail_cache;

	/* The producer's line. tail: pushes so far. Written by the producer; read by the consumer and spsc_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t tail;
	/* A line of the producer's own. head as last loaded, head_cache <= head. Written and read by the producer only. */
	alignas(SPSC_CACHE_LINE) size_t head_cache;

	/* Written once by spsc_create, before either thread starts; read-only after. */
	alignas(SPSC_CACHE_LINE) size_t mask; /* capacity - 1 */
	/*
	 * slots[i & mask] holds item i: written by the producer before it
	 * publishes tail = i + 1, read by the consumer after it sees tail > i.
	 */
	uint64_t *slots;
};

/* Each group on a line of its own, and nothing after the struct on the last one. */
static_assert(offsetof(spsc_queue, tail_cache) - offsetof(spsc_queue, head) >= SPSC_CACHE_LINE,
              "head and the consumer's copy of tail share a cache line");
static_assert(offsetof(spsc_queue, tail) - offsetof(spsc_queue, tail_cache) >= SPSC_CACHE_LINE,
              "the consumer's copy of tail and tail share a cache line");
static_assert(offsetof(spsc_queue, head_cache) - offsetof(spsc_queue, tail) >= SPSC_CACHE_LINE,
              "tail and the producer's copy of head share a cache line");
static_assert(offsetof(spsc_queue, mask) - offsetof(spsc_queue, head_cache) >= SPSC_CACHE_LINE,
              "the producer's copy of head and the read-only fields (mask, slots) share a cache line");
static_assert(sizeof(spsc_queue) % SPSC_CACHE_LINE == 0, "the last line is not padded");

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

	/* Aligned to a line (sizeof is a multiple of it): no neighbour shares our lines. */
	spsc_queue *q = aligned_alloc(SPSC_CACHE_LINE, sizeof(*q));
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
	q->tail_cache = 0;
	q->head_cache = 0;
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

	if (tail - q->head_cache == q->mask + 1) {
		/*
		 * Looks full: reload. ACQUIRE, pairs with the RELEASE store of
		 * head in spsc_try_pop: the consumer's read of every slot below
		 * head happens before our write into that slot below, so we never
		 * overwrite an item it is reading. Slots below an older cached
		 * head were covered by the acquire load that cached it.
		 */
		q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail - q->head_cache == q->mask + 1)
			return false;
	}
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

	if (q->tail_cache == head) {
		/*
		 * Looks empty: reload. ACQUIRE, pairs with the RELEASE store of
		 * tail in spsc_try_push: the producer's write of every slot below
		 * tail happens before our read. Slots below an older cached tail
		 * were covered by the acquire load that cached it.
		 */
		q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (q->tail_cache == head)
			return false;
	}
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
	q->tail_cache = start;
	q->head_cache = start;
}
#endif

#endif /* SPSC_H */
