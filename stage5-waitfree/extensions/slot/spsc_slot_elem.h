/*
 * stage5-waitfree/extensions/slot/spsc_slot_elem.h: the slot-signalled
 * ring for items of any type: a template, as elem/spsc_elem.h is.
 *
 * Define SPSC_SLOT_NAME (a prefix) and SPSC_SLOT_TYPE (a complete object
 * type), then include this file. It makes NAME_queue, NAME_create,
 * NAME_destroy, NAME_try_push(q, const TYPE *), NAME_try_pop(q, TYPE *),
 * NAME_capacity, NAME_size (and, with SPSC_TESTING, NAME_test_set_counters)
 * and undefines both macros. spsc_slot.h is this template made for
 * uint64_t under the stages' names; its top comment gives the protocol.
 *
 * A slot is the sequence word and the item, aligned to the smallest power
 * of two that holds both, up to a cache line (or to the item's own
 * alignment, if that is larger): so a slot of up to a line
 * never straddles two (16 bytes for an 8-byte item, 32 for 16, 64 for 56).
 * A larger item spans lines, and seq arrives with the first of them only:
 * the consumer that sees seq still fetches the item's other lines.
 */

/* ---- Once per program. ---- */
#ifndef SPSC_SLOT_ELEM_ONCE_H
#define SPSC_SLOT_ELEM_ONCE_H

#include <assert.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef SPSC_CACHE_LINE
#define SPSC_CACHE_LINE 64
#endif

/* NAME_fn for the instance being made. */
#define SPSC_SLOT_CAT2_(a, b) a##_##b
#define SPSC_SLOT_CAT_(a, b)  SPSC_SLOT_CAT2_(a, b)
#define SPSC_SLOT_(fn)        SPSC_SLOT_CAT_(SPSC_SLOT_NAME, fn)

/*
 * A slot's alignment for n bytes of seq and item: the power of two >= n,
 * at most a line (for lines of up to 128 bytes; an item that asks for a
 * larger alignment gets its own).
 */
#define SPSC_SLOT_ALIGN_(n)                                                                                            \
	((n) <= 16 ? 16 : (n) <= 32 ? 32 : (n) <= SPSC_CACHE_LINE / 2 ? SPSC_CACHE_LINE / 2 : SPSC_CACHE_LINE)

/* Smallest power of two >= n, for 1 <= n <= the ring's largest capacity. */
static inline size_t spsc_slot_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

#endif /* SPSC_SLOT_ELEM_ONCE_H */

/* ---- Once per type. ---- */
#if !defined(SPSC_SLOT_NAME) || !defined(SPSC_SLOT_TYPE)
#error "define SPSC_SLOT_NAME and SPSC_SLOT_TYPE before including spsc_slot_elem.h"
#endif

#define SPSC_T SPSC_SLOT_TYPE
#define SPSC_Q SPSC_SLOT_(queue)
#define SPSC_S SPSC_SLOT_(slot)

/* One slot: the item and the position it is for (spsc_slot.h's top comment). */
struct SPSC_S {
	/*
	 * Written by the producer (2p + 1: item p is here) and by the consumer
	 * (2(p + capacity): free for the next lap); read by both, each waiting
	 * for the other's value.
	 */
	alignas(SPSC_SLOT_ALIGN_(sizeof(size_t) + sizeof(SPSC_T))) _Atomic size_t seq;
	/* Written by the producer before its release of seq; read by the consumer after its acquire of it. */
	SPSC_T item;
};

typedef struct SPSC_Q SPSC_Q;

struct SPSC_Q {
	/* The consumer's line. head: pops so far. Written by the consumer (relaxed); read by it and by NAME_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t head;
	/* The producer's line. tail: pushes so far. Written by the producer (relaxed); read by it and by NAME_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t tail;
	/* Written once by NAME_create, before either thread starts; read-only after. */
	alignas(SPSC_CACHE_LINE) size_t mask; /* capacity - 1 */
	struct SPSC_S *slots; /* aligned to a line (or more): a slot of up to a line never straddles two */
};

static_assert(offsetof(SPSC_Q, tail) - offsetof(SPSC_Q, head) >= SPSC_CACHE_LINE, "head and tail share a cache line");
static_assert(offsetof(SPSC_Q, mask) - offsetof(SPSC_Q, tail) >= SPSC_CACHE_LINE,
              "tail and the read-only fields share a cache line");
static_assert(sizeof(SPSC_Q) % SPSC_CACHE_LINE == 0, "the last line is not padded");
static_assert(sizeof(struct SPSC_S) % SPSC_CACHE_LINE == 0 || SPSC_CACHE_LINE % sizeof(struct SPSC_S) == 0,
              "a slot would straddle two lines");

/* The largest power of two p with p slots within PTRDIFF_MAX bytes. */
static inline size_t SPSC_SLOT_(max_capacity_)(void)
{
	size_t p = 1;

	while (p <= (size_t)PTRDIFF_MAX / sizeof(struct SPSC_S) / 2)
		p <<= 1;
	return p;
}

/* Every slot free for the lap that starts at position start. */
static inline void SPSC_SLOT_(reset_)(SPSC_Q *q, size_t start)
{
	for (size_t i = 0; i <= q->mask; i++)
		atomic_init(&q->slots[i].seq, 2 * (start + ((i - start) & q->mask)));
	atomic_init(&q->head, start);
	atomic_init(&q->tail, start);
}

/* capacity is rounded up to a power of two; NAME_capacity() reports it. */
static inline SPSC_Q *SPSC_SLOT_(create)(size_t capacity)
{
	if (capacity == 0 || capacity > SPSC_SLOT_(max_capacity_)()) {
		errno = EINVAL;
		return NULL;
	}
	capacity = spsc_slot_round_up_pow2_(capacity);

	SPSC_Q *q = aligned_alloc(SPSC_CACHE_LINE, sizeof(*q));
	/*
	 * A line, or the slot's own alignment where the item asks for more;
	 * aligned_alloc wants a multiple of the alignment: round the ring's
	 * bytes up to it.
	 */
	size_t line = alignof(struct SPSC_S) > SPSC_CACHE_LINE ? alignof(struct SPSC_S) : SPSC_CACHE_LINE;
	size_t bytes = capacity * sizeof(struct SPSC_S);
	struct SPSC_S *slots =
	        bytes > (size_t)PTRDIFF_MAX - line ? NULL : aligned_alloc(line, (bytes + line - 1) / line * line);
	if (q == NULL || slots == NULL) {
		free(slots);
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->slots = slots;
	q->mask = capacity - 1;
	SPSC_SLOT_(reset_)(q, 0);
	return q;
}

static inline void SPSC_SLOT_(destroy)(SPSC_Q *q)
{
	if (q == NULL)
		return;
	free(q->slots);
	free(q);
}

/* Producer thread only. False when full: nothing is stored. */
static inline bool SPSC_SLOT_(try_push)(SPSC_Q *q, const SPSC_T *item)
{
	/* Our own position: only this thread writes it. */
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	struct SPSC_S *s = &q->slots[tail & q->mask];

	/*
	 * ACQUIRE, pairs with the RELEASE store of seq in NAME_try_pop: the
	 * consumer's read of the item this slot held a lap ago happens before
	 * our write of the new one below.
	 */
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != 2 * tail)
		return false;
	q->slots[tail & q->mask].item = *item; /* the slot write */
	/*
	 * RELEASE, pairs with the ACQUIRE load of seq in NAME_try_pop: the
	 * item written above is visible no later than seq says it is there.
	 */
	atomic_store_explicit(&s->seq, 2 * tail + 1, memory_order_release);
	/* For NAME_size only: orders nothing, and no other thread reads it in the hot path. */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_relaxed);
	return true;
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool SPSC_SLOT_(try_pop)(SPSC_Q *q, SPSC_T *item)
{
	/* Our own position: only this thread writes it. */
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	struct SPSC_S *s = &q->slots[head & q->mask];

	/*
	 * ACQUIRE, pairs with the RELEASE store of seq in NAME_try_push: the
	 * producer's write of item head happens before our read of it below.
	 */
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != 2 * head + 1)
		return false;
	*item = q->slots[head & q->mask].item; /* the slot read */
	/*
	 * RELEASE, pairs with the ACQUIRE load of seq in NAME_try_push: our
	 * read of the item above completes before the producer, seeing the
	 * slot free for its next lap, overwrites it.
	 */
	atomic_store_explicit(&s->seq, 2 * (head + q->mask + 1), memory_order_release);
	/* For NAME_size only, as tail in NAME_try_push. */
	atomic_store_explicit(&q->head, head + 1, memory_order_relaxed);
	return true;
}

/* Any thread: the ring's length never changes after NAME_create. */
static inline size_t SPSC_SLOT_(capacity)(const SPSC_Q *q)
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
static inline size_t SPSC_SLOT_(size)(const SPSC_Q *q)
{
	size_t head = atomic_load_explicit(&((SPSC_Q *)q)->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&((SPSC_Q *)q)->tail, memory_order_acquire);
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
static inline void SPSC_SLOT_(test_set_counters)(SPSC_Q *q, size_t start)
{
	SPSC_SLOT_(reset_)(q, start);
}
#endif

#undef SPSC_T
#undef SPSC_Q
#undef SPSC_S
#undef SPSC_SLOT_NAME
#undef SPSC_SLOT_TYPE
