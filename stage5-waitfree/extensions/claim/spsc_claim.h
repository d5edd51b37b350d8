/*
 * stage5-waitfree/extensions/claim/spsc_claim.h: claim and commit, peek
 * and release: stage 5's protocol without a copy. An extension of stage 5.
 *
 * A template, as elem/spsc_elem.h is (it includes it): define
 * SPSC_ELEM_NAME and SPSC_ELEM_TYPE, then include this file instead of
 * spsc_elem.h. Besides the copy calls it makes:
 *
 *   producer  TYPE  *NAME_claim(q)           the next free slot, or NULL when full
 *             void   NAME_commit(q)          publish it
 *             size_t NAME_claim_n(q, n, NAME_span span[2])
 *                                            up to n free slots, as two runs at the wrap
 *             void   NAME_commit_n(q, k)     publish the first k of them
 *   consumer  TYPE  *NAME_peek(q)            the next item, in its slot, or NULL when empty
 *             void   NAME_release(q)         hand its slot back
 *             size_t NAME_peek_n(q, n, NAME_span span[2])
 *             void   NAME_release_n(q, k)    hand back the first k
 *
 * The caller builds an item in its slot, or reads it there, instead of
 * copying it in or out: for a large item the copy is the cost that goes.
 * The protocol is unchanged: a claim is the first half of a push (the
 * free-slot test, with the acquire reload of head), a commit its second
 * (the release store of tail); peek and release split a pop the same way.
 *
 * The rules of use. Each side holds at most one claim (or peek) at a time.
 * Between a claim and its commit the producer may write the claimed slots
 * only, and may not push. Once committed, a slot is the consumer's: the
 * pointer must not be used again. A peeked item may be read or written in
 * place until its release, and not after: the producer may be writing the
 * slot's next item. Committing (releasing) fewer than were claimed
 * (peeked) gives the rest back unused: they are claimed (peeked) afresh
 * next time. When SPSC_CHECKS is on (the default unless NDEBUG) a claim
 * while one is open, a commit of more slots than are claimed (a commit
 * after a failed claim, say) and a push during a claim (a pop during a
 * peek) are caught, and abort with a message; what the caller does with
 * a pointer cannot be. Every file that touches one ring must agree on
 * SPSC_CHECKS: with the checks off, the count of open slots is not kept.
 *
 * Each call is wait-free, as stage 5's: no loop, at most one reload.
 */

#define SPSC_ELEM_KEEP_
#include "../elem/spsc_elem.h"
#undef SPSC_ELEM_KEEP_

#define SPSC_T SPSC_ELEM_TYPE
#define SPSC_Q SPSC_ELEM_(queue)

/*
 * Producer thread only. Claims up to n free slots (at most the capacity),
 * as span[0] then span[1] (the second empty unless they wrap); returns how
 * many, 0 when full. Nothing is visible to the consumer until commit_n.
 */
static inline size_t SPSC_ELEM_(claim_n)(SPSC_Q *q, size_t n, SPSC_ELEM_(span) span[2])
{
	SPSC_CHECK(q->claimed == 0, "claim while a claim is open (one claim at a time)");
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* our own counter */
	/* The acquire reload of head, when the cached copy shows too little room: see room_. */
	size_t room = SPSC_ELEM_(room_)(q, tail, n);
	size_t k = n < room ? n : room;

	SPSC_ELEM_(spans_)(q, tail, k, span);
	if (SPSC_CHECKS) /* the count is for the checks alone: with them off, no store */
		q->claimed = k;
	return k;
}

/*
 * Producer thread only. Publishes the first k claimed slots, k <= the
 * number claimed, and closes the claim; k = 0 closes it publishing none.
 */
static inline void SPSC_ELEM_(commit_n)(SPSC_Q *q, size_t k)
{
	SPSC_CHECK(k <= q->claimed, "commit of more slots than are claimed (none after a failed or closed claim)");
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* our own counter */

	if (SPSC_CHECKS)
		q->claimed = 0;
	if (k == 0)
		return; /* nothing to publish: leave the shared line alone */
	/*
	 * RELEASE, pairs with the consumer's ACQUIRE load of tail: every write
	 * the caller made into the k slots since claim_n is visible no later
	 * than the new tail.
	 */
	atomic_store_explicit(&q->tail, tail + k, memory_order_release);
}

/*
 * Producer thread only. The next free slot, or NULL when full: claim_n of
 * one, without the spans (stage 5's full test, word for word).
 */
static inline SPSC_T *SPSC_ELEM_(claim)(SPSC_Q *q)
{
	SPSC_CHECK(q->claimed == 0, "claim while a claim is open (one claim at a time)");
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed); /* our own counter */

	/* The acquire reload of head, when the cached copy says full: see room_. */
	if (SPSC_ELEM_(room_)(q, tail, 1) == 0)
		return NULL;
	if (SPSC_CHECKS)
		q->claimed = 1;
	return &q->slots[tail & q->mask];
}

/* Producer thread only. Publishes the slot claim returned. */
static inline void SPSC_ELEM_(commit)(SPSC_Q *q)
{
	SPSC_ELEM_(commit_n)(q, 1);
}

/*
 * Consumer thread only. Up to n items, in their slots, oldest first, as
 * span[0] then span[1]; returns how many, 0 when empty. They stay in the
 * ring until release_n.
 */
static inline size_t SPSC_ELEM_(peek_n)(SPSC_Q *q, size_t n, SPSC_ELEM_(span) span[2])
{
	SPSC_CHECK(q->peeked == 0, "peek while a peek is open (one peek at a time)");
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed); /* our own counter */
	/* The acquire reload of tail, when the cached copy shows too few items: see ready_. */
	size_t ready = SPSC_ELEM_(ready_)(q, head, n);
	size_t k = n < ready ? n : ready;

	SPSC_ELEM_(spans_)(q, head, k, span);
	if (SPSC_CHECKS)
		q->peeked = k;
	return k;
}

/* Consumer thread only. Hands back the first k peeked slots, k <= the number peeked, and closes the peek. */
static inline void SPSC_ELEM_(release_n)(SPSC_Q *q, size_t k)
{
	SPSC_CHECK(k <= q->peeked, "release of more slots than are peeked (none after a failed or closed peek)");
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed); /* our own counter */

	if (SPSC_CHECKS)
		q->peeked = 0;
	if (k == 0)
		return; /* nothing to publish: leave the shared line alone */
	/*
	 * RELEASE, pairs with the producer's ACQUIRE load of head: every
	 * access the caller made to the k slots since peek_n completes before
	 * the producer may claim them again.
	 */
	atomic_store_explicit(&q->head, head + k, memory_order_release);
}

/* Consumer thread only. The next item, in its slot, or NULL when empty: peek_n of one, without the spans. */
static inline SPSC_T *SPSC_ELEM_(peek)(SPSC_Q *q)
{
	SPSC_CHECK(q->peeked == 0, "peek while a peek is open (one peek at a time)");
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed); /* our own counter */

	/* The acquire reload of tail, when the cached copy says empty: see ready_. */
	if (SPSC_ELEM_(ready_)(q, head, 1) == 0)
		return NULL;
	if (SPSC_CHECKS)
		q->peeked = 1;
	return &q->slots[head & q->mask];
}

/* Consumer thread only. Hands back the slot peek returned. */
static inline void SPSC_ELEM_(release)(SPSC_Q *q)
{
	SPSC_ELEM_(release_n)(q, 1);
}

#undef SPSC_T
#undef SPSC_Q
#undef SPSC_ELEM_NAME
#undef SPSC_ELEM_TYPE
