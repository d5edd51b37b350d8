/*
 * stage5-waitfree/extensions/elem/spsc_elem.h: stage 5's ring for items of
 * any type, an extension of stage 5.
 *
 * A template: define SPSC_ELEM_NAME (a prefix) and SPSC_ELEM_TYPE (a
 * complete object type that can be assigned: not an array, which a struct
 * can wrap, and not const), then include this file. It makes, for that type:
 *
 *   NAME_queue *NAME_create(size_t capacity)    NULL with errno set
 *   void        NAME_destroy(NAME_queue *q)
 *   bool        NAME_try_push(NAME_queue *q, const TYPE *item)        producer
 *   bool        NAME_try_pop(NAME_queue *q, TYPE *item)               consumer
 *   size_t      NAME_try_push_n(NAME_queue *q, const TYPE *items, size_t n)
 *   size_t      NAME_try_pop_n(NAME_queue *q, TYPE *items, size_t n)
 *   size_t      NAME_capacity(const NAME_queue *q), NAME_size(const NAME_queue *q)
 *   NAME_span   a run of slots, { TYPE *ptr; size_t n; }, for claim/
 *
 * and undefines both macros, so the next type can be made the same way:
 *
 *   #define SPSC_ELEM_NAME msg
 *   #define SPSC_ELEM_TYPE struct msg
 *   #include "extensions/elem/spsc_elem.h"
 *
 * The protocol is stage 5's, line for line: the same counters on the same
 * lines, the same cached copies, the same acquire and release pairs (`make
 * diff-elem` shows the push and pop of this file beside stage 5's). Only
 * the slot's type changes: an item is copied in and out whole (by
 * assignment, by memcpy in the bulk calls), and the compiler knows its size.
 *
 * Why a template chosen at compile time, not a size given at create (as
 * DPDK's rte_ring_create_elem): with the size known, the copy of an 8-byte
 * item is one move and that of a 256-byte one a few vector moves, where a
 * size known only at run time costs a branch over sizes or a call to
 * memcpy. Why an included template, not one macro that expands to every
 * function (as Concurrency Kit's CK_RING_PROTOTYPE): the code stays plain
 * C on lines of its own, so a debugger, ThreadSanitizer and the compiler's
 * errors point at the line that matters.
 *
 * It includes no other header of this repository, so a program may use it
 * beside stage 5's spsc.h or without it; the line size is stage 5's
 * SPSC_CACHE_LINE, 64 unless defined.
 *
 * Each ring also has room for the state of claim/commit (claim/spsc_claim.h,
 * which builds on this file): on each side's private line, the count of
 * slots that side holds outside the copy calls. The copy calls check, when
 * SPSC_CHECKS is on (the default unless NDEBUG), that no claim is open.
 *
 * The contract (common/CONTRACT.md, "Items of any type") is stage 5's.
 */

/* ---- Once per program: what every instance shares. ---- */
#ifndef SPSC_ELEM_ONCE_H
#define SPSC_ELEM_ONCE_H

#include <assert.h> /* static_assert */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* fprintf, for the checks */
#include <stdlib.h>
#include <string.h> /* memcpy */

/* Stage 5's line size, and its meaning (stage5-waitfree/spsc.h). */
#ifndef SPSC_CACHE_LINE
#define SPSC_CACHE_LINE 64
#endif

/*
 * The rules of use are checked unless NDEBUG, as assert is; -DSPSC_CHECKS=0
 * or 1 decides alone. Every file that touches one ring must be built with
 * the same setting: with the checks off the count of open claims is not
 * kept, so a claim made where they are off and checked where they are on
 * looks like none (as with any debug mode that changes what is stored).
 */
#ifndef SPSC_CHECKS
#ifdef NDEBUG
#define SPSC_CHECKS 0
#else
#define SPSC_CHECKS 1
#endif
#endif

/* A rule of use broken: say which, and stop, as a failed assert does. */
#define SPSC_CHECK(cond, what)                                                                                         \
	do {                                                                                                           \
		if (SPSC_CHECKS && !(cond)) {                                                                          \
			fprintf(stderr, "spsc: rule of use broken: %s\n", what);                                       \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/* NAME_fn for the instance being made. */
#define SPSC_ELEM_CAT2_(a, b) a##_##b
#define SPSC_ELEM_CAT_(a, b)  SPSC_ELEM_CAT2_(a, b)
#define SPSC_ELEM_(fn)        SPSC_ELEM_CAT_(SPSC_ELEM_NAME, fn)

/* The largest power of two p with p * size <= PTRDIFF_MAX: the most slots of size bytes one array can hold. */
static inline size_t spsc_elem_max_capacity_(size_t size)
{
	size_t p = 1;

	while (p <= (size_t)PTRDIFF_MAX / size / 2)
		p <<= 1;
	return p;
}

/* Smallest power of two >= n, for 1 <= n <= spsc_elem_max_capacity_(size). */
static inline size_t spsc_elem_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

#endif /* SPSC_ELEM_ONCE_H */

/* ---- Once per type. ---- */
#if !defined(SPSC_ELEM_NAME) || !defined(SPSC_ELEM_TYPE)
#error "define SPSC_ELEM_NAME and SPSC_ELEM_TYPE before including spsc_elem.h"
#endif

#define SPSC_T SPSC_ELEM_TYPE
#define SPSC_Q SPSC_ELEM_(queue)

typedef struct SPSC_Q SPSC_Q;

/* A run of slots in the array: ptr[0] .. ptr[n - 1]. */
typedef struct {
	SPSC_T *ptr;
	size_t n;
} SPSC_ELEM_(span);

struct SPSC_Q {
	/* The consumer's line. head: pops so far. Written by the consumer; read by the producer and NAME_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t head;
	/* A line of the consumer's own. tail as last loaded, tail_cache <= tail. Written and read by the consumer only. */
	alignas(SPSC_CACHE_LINE) size_t tail_cache;
	/*
	 * Slots the consumer has peeked and not released (claim/), kept only
	 * when SPSC_CHECKS is on, 0 otherwise. Written and read by the consumer only.
	 */
	size_t peeked;

	/* The producer's line. tail: pushes so far. Written by the producer; read by the consumer and NAME_size. */
	alignas(SPSC_CACHE_LINE) _Atomic size_t tail;
	/* A line of the producer's own. head as last loaded, head_cache <= head. Written and read by the producer only. */
	alignas(SPSC_CACHE_LINE) size_t head_cache;
	/*
	 * Slots the producer has claimed and not committed (claim/), kept only
	 * when SPSC_CHECKS is on, 0 otherwise. Written and read by the producer only.
	 */
	size_t claimed;

	/* Written once by NAME_create, before either thread starts; read-only after. */
	alignas(SPSC_CACHE_LINE) size_t mask; /* capacity - 1 */
	/*
	 * slots[i & mask] holds item i: written by the producer before it
	 * publishes tail = i + 1, read by the consumer after it sees tail > i
	 * (and, through claim/, read by the producer between claim and commit,
	 * written by the consumer between peek and release).
	 */
	SPSC_T *slots;
};

/* Each group on a line of its own, as in stage 5, and nothing after the struct on the last one. */
static_assert(offsetof(SPSC_Q, tail_cache) - offsetof(SPSC_Q, head) >= SPSC_CACHE_LINE &&
                      offsetof(SPSC_Q, tail) - offsetof(SPSC_Q, tail_cache) >= SPSC_CACHE_LINE,
              "the consumer's published and private lines, and tail, are not each a line apart");
static_assert(offsetof(SPSC_Q, head_cache) - offsetof(SPSC_Q, tail) >= SPSC_CACHE_LINE &&
                      offsetof(SPSC_Q, mask) - offsetof(SPSC_Q, head_cache) >= SPSC_CACHE_LINE,
              "the producer's published and private lines, and mask, are not each a line apart");
static_assert(sizeof(SPSC_Q) % SPSC_CACHE_LINE == 0, "the last line is not padded");

/* capacity is rounded up to a power of two; NAME_capacity() reports it. */
static inline SPSC_Q *SPSC_ELEM_(create)(size_t capacity)
{
	if (capacity == 0 || capacity > spsc_elem_max_capacity_(sizeof(SPSC_T))) {
		errno = EINVAL;
		return NULL;
	}
	capacity = spsc_elem_round_up_pow2_(capacity);

	SPSC_Q *q = aligned_alloc(SPSC_CACHE_LINE, sizeof(*q));
	/* Lines of their own for the slots: aligned_alloc wants a multiple of the alignment. */
	size_t line = SPSC_CACHE_LINE > alignof(SPSC_T) ? SPSC_CACHE_LINE : alignof(SPSC_T);
	size_t bytes = capacity * sizeof(SPSC_T);
	SPSC_T *slots =
	        bytes > (size_t)PTRDIFF_MAX - line ? NULL : aligned_alloc(line, (bytes + line - 1) / line * line);
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
	q->peeked = 0;
	q->claimed = 0;
	return q;
}

static inline void SPSC_ELEM_(destroy)(SPSC_Q *q)
{
	if (q == NULL)
		return;
	free(q->slots);
	free(q);
}

/* Producer thread only. False when full: nothing is stored. */
static inline bool SPSC_ELEM_(try_push)(SPSC_Q *q, const SPSC_T *item)
{
	SPSC_CHECK(q->claimed == 0, "try_push while a claim is open (commit it first)");
	/* Our own counter: only this thread writes it, so relaxed reads our last store. */
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (tail - q->head_cache == q->mask + 1) {
		/*
		 * Looks full: reload. ACQUIRE, pairs with the RELEASE store of
		 * head in NAME_try_pop(_n) and release_n: the consumer's read of every slot below
		 * head happens before our write into that slot below, so we never
		 * overwrite an item it is reading. Slots below an older cached
		 * head were covered by the acquire load that cached it.
		 */
		q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail - q->head_cache == q->mask + 1)
			return false;
	}
	q->slots[tail & q->mask] = *item; /* the slot write */
	/*
	 * RELEASE, pairs with the ACQUIRE load of tail in NAME_try_pop(_n) and peek(_n): the
	 * slot write above becomes visible no later than the new tail does.
	 */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return true;
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool SPSC_ELEM_(try_pop)(SPSC_Q *q, SPSC_T *item)
{
	SPSC_CHECK(q->peeked == 0, "try_pop while a peek is open (release it first)");
	/* Our own counter: only this thread writes it, so relaxed reads our last store. */
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	if (q->tail_cache == head) {
		/*
		 * Looks empty: reload. ACQUIRE, pairs with the RELEASE store of
		 * tail in NAME_try_push(_n) and commit_n: the producer's write of every slot below
		 * tail happens before our read. Slots below an older cached tail
		 * were covered by the acquire load that cached it.
		 */
		q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (q->tail_cache == head)
			return false;
	}
	*item = q->slots[head & q->mask]; /* the slot read */
	/*
	 * RELEASE, pairs with the ACQUIRE load of head in NAME_try_push(_n) and claim(_n): our
	 * read of the slot above completes before the producer may reuse it.
	 */
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return true;
}

/*
 * Producer thread only. Free slots by the cached head, reloading it (as
 * NAME_try_push does when the ring looks full) when fewer than want are
 * free. For NAME_try_push_n and the claims of claim/.
 */
static inline size_t SPSC_ELEM_(room_)(SPSC_Q *q, size_t tail, size_t want)
{
	size_t capacity = q->mask + 1;

	if (capacity - (tail - q->head_cache) < want)
		/*
		 * ACQUIRE, pairs with the RELEASE store of head on the consumer's
		 * side: its reads of every slot below head happen before our
		 * writes into them.
		 */
		q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
	return capacity - (tail - q->head_cache);
}

/* Consumer thread only. Items ready by the cached tail, reloading it when fewer than want are. */
static inline size_t SPSC_ELEM_(ready_)(SPSC_Q *q, size_t head, size_t want)
{
	if (q->tail_cache - head < want)
		/*
		 * ACQUIRE, pairs with the RELEASE store of tail on the producer's
		 * side: its writes of every slot below tail happen before our
		 * reads of them.
		 */
		q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
	return q->tail_cache - head;
}

/*
 * Either side. The k slots from position pos on, as at most two runs of
 * the array: up to its end, then from its start (span[1].n is 0 when the
 * k slots do not wrap). For the bulk calls here and those of claim/.
 */
static inline void SPSC_ELEM_(spans_)(SPSC_Q *q, size_t pos, size_t k, SPSC_ELEM_(span) span[2])
{
	size_t at = pos & q->mask;
	size_t first = q->mask + 1 - at < k ? q->mask + 1 - at : k;

	span[0] = (SPSC_ELEM_(span)){&q->slots[at], first};
	span[1] = (SPSC_ELEM_(span)){q->slots, k - first};
}

/*
 * Producer thread only. Pushes items[0], items[1], ... for as many of the
 * n as fit, in order, with one publication; returns how many.
 */
static inline size_t SPSC_ELEM_(try_push_n)(SPSC_Q *q, const SPSC_T *items, size_t n)
{
	SPSC_CHECK(q->claimed == 0, "try_push_n while a claim is open (commit it first)");
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* our own counter */
	size_t room = SPSC_ELEM_(room_)(q, tail, n);
	size_t k = n < room ? n : room;
	if (k == 0)
		return 0;

	SPSC_ELEM_(span) span[2];
	SPSC_ELEM_(spans_)(q, tail, k, span);
	memcpy(span[0].ptr, items, span[0].n * sizeof(SPSC_T));
	memcpy(span[1].ptr, items + span[0].n, span[1].n * sizeof(SPSC_T));
	/* RELEASE, pairs with the consumer's ACQUIRE load of tail: all k slot writes come first. */
	atomic_store_explicit(&q->tail, tail + k, memory_order_release);
	return k;
}

/* Consumer thread only. Pops up to n items into items[0], ... in order; returns how many. */
static inline size_t SPSC_ELEM_(try_pop_n)(SPSC_Q *q, SPSC_T *items, size_t n)
{
	SPSC_CHECK(q->peeked == 0, "try_pop_n while a peek is open (release it first)");
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed); /* our own counter */
	size_t ready = SPSC_ELEM_(ready_)(q, head, n);
	size_t k = n < ready ? n : ready;
	if (k == 0)
		return 0;

	SPSC_ELEM_(span) span[2];
	SPSC_ELEM_(spans_)(q, head, k, span);
	memcpy(items, span[0].ptr, span[0].n * sizeof(SPSC_T));
	memcpy(items + span[0].n, span[1].ptr, span[1].n * sizeof(SPSC_T));
	/* RELEASE, pairs with the producer's ACQUIRE load of head: all k slot reads come first. */
	atomic_store_explicit(&q->head, head + k, memory_order_release);
	return k;
}

/* Any thread: the ring's length never changes after NAME_create. */
static inline size_t SPSC_ELEM_(capacity)(const SPSC_Q *q)
{
	return q->mask + 1;
}

/* Any thread. As stage 5's spsc_size: a snapshot between 0 and capacity. */
static inline size_t SPSC_ELEM_(size)(const SPSC_Q *q)
{
	size_t head = atomic_load_explicit(&((SPSC_Q *)q)->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&((SPSC_Q *)q)->tail, memory_order_acquire);
	size_t n = tail - head;

	return n <= q->mask + 1 ? n : q->mask + 1;
}

#ifdef SPSC_TESTING
/* Test hook: start a fresh, empty queue's counters at start (to cross SIZE_MAX). */
static inline void SPSC_ELEM_(test_set_counters)(SPSC_Q *q, size_t start)
{
	atomic_store_explicit(&q->head, start, memory_order_relaxed);
	atomic_store_explicit(&q->tail, start, memory_order_relaxed);
	q->tail_cache = start;
	q->head_cache = start;
}
#endif

#undef SPSC_T
#undef SPSC_Q
/* claim/spsc_claim.h includes this file and makes its own functions for the same type before it lets go. */
#ifndef SPSC_ELEM_KEEP_
#undef SPSC_ELEM_NAME
#undef SPSC_ELEM_TYPE
#endif
