/*
 * stage5-waitfree/extensions/elem/bench_elem_sized.h: the part of
 * bench_elem.c that depends on the item's size, included by it once per
 * size with ELEM_BYTES defined (8, 16, 64, 256), as spsc_elem.h is a
 * template for one type. Not a header for anything else.
 *
 * For items of ELEM_BYTES bytes (struct elem_item_B, elem_peers.h) it
 * makes the ring of spsc_claim.h (which has spsc_elem.h's copy calls too),
 * the producer's and the consumer's loop for every queue this binary
 * measures in both modes, and the table bench_elem.c picks them from,
 * sized_B. Every loop is its own function with the queue's calls inlined:
 * no call through a pointer per item (the peers' through -flto).
 *
 * The items: the producer writes every word of item i (word 0 is i, word
 * j is i + j * ELEM_WORD_STEP), the consumer reads every word and checks
 * it (elem_bad stops the program on the first wrong one).
 */
#ifndef ELEM_BYTES
#error "bench_elem.c defines ELEM_BYTES before each inclusion"
#endif

#define T_        struct ELEM_CAT_(elem_item_, ELEM_BYTES)
#define WORDS_    (ELEM_BYTES / 8)
#define SZ_(name) ELEM_CAT_(name, ELEM_BYTES)
#define RING_(fn) ELEM_CAT_(SZ_(ring), _##fn)

#if ELEM_HAS_OWN
/* The ring of stage 5's protocol for this item: ringB_try_push ... ringB_release_n. */
#define SPSC_ELEM_NAME SZ_(ring)
#define SPSC_ELEM_TYPE T_
#include "extensions/claim/spsc_claim.h"
#endif

/* ---------------------------------------------------------------- the items */

static inline void SZ_(fill_)(T_ *item, uint64_t seq)
{
	for (size_t j = 0; j < WORDS_; j++)
		item->w[j] = seq + j * ELEM_WORD_STEP;
}

/* Every word read; one branch per item, taken only when one is wrong. */
static inline void SZ_(check_)(const T_ *item, uint64_t seq)
{
	uint64_t diff = 0;

	for (size_t j = 0; j < WORDS_; j++)
		diff |= item->w[j] ^ (seq + j * ELEM_WORD_STEP);
	if (__builtin_expect(diff != 0, 0))
		elem_bad(item->w, WORDS_, seq);
}

/* ---------------------------------------------------------------- copy-in, copy-out */

/*
 * The loops of every queue that copies: the producer builds each item in
 * memory of its own, the consumer receives it into memory of its own
 * (ELEM_IN_MEMORY: the compiler may neither build it in the slot nor read
 * it there, so the copy the API makes is the one measured). push, pop,
 * push_n and pop_n are constants where these are inlined.
 */
static inline __attribute__((always_inline)) void SZ_(copy_produce_)(struct run *r, bool (*push)(void *, const T_ *))
{
	T_ item;

	harness_gate_pass(&r->gate);
	r->t0 = now_ns();
	for (uint64_t i = 0; i < r->items; i++) {
		SZ_(fill_)(&item, i);
		ELEM_IN_MEMORY(item);
		while (!push(r->q, &item))
			spin_pause();
	}
}

static inline __attribute__((always_inline)) void SZ_(copy_consume_)(struct run *r, bool (*pop)(void *, T_ *))
{
	T_ item;

	harness_gate_pass(&r->gate);
	for (uint64_t i = 0; i < r->items; i++) {
		while (!pop(r->q, &item))
			spin_pause();
		ELEM_IN_MEMORY(item);
		SZ_(check_)(&item, i);
	}
	r->t1 = now_ns();
}

/* ELEM_BURST items built, then pushed with as many calls as it takes (a call may take fewer when the ring is nearly full). */
static inline __attribute__((always_inline)) void SZ_(copy_produce_n_)(struct run *r,
                                                                       size_t (*push_n)(void *, const T_ *, size_t))
{
	T_ batch[ELEM_BURST];

	harness_gate_pass(&r->gate);
	r->t0 = now_ns();
	for (uint64_t i = 0; i < r->items;) {
		size_t n = r->items - i < ELEM_BURST ? (size_t)(r->items - i) : ELEM_BURST;

		for (size_t j = 0; j < n; j++)
			SZ_(fill_)(&batch[j], i + j);
		ELEM_IN_MEMORY(batch);
		for (size_t done = 0, k; done < n; done += k)
			if ((k = push_n(r->q, batch + done, n - done)) == 0)
				spin_pause();
		i += n;
	}
}

/* Up to ELEM_BURST items per call, every one checked. */
static inline __attribute__((always_inline)) void SZ_(copy_consume_n_)(struct run *r,
                                                                       size_t (*pop_n)(void *, T_ *, size_t))
{
	T_ batch[ELEM_BURST];

	harness_gate_pass(&r->gate);
	for (uint64_t i = 0; i < r->items;) {
		size_t want = r->items - i < ELEM_BURST ? (size_t)(r->items - i) : ELEM_BURST;
		size_t k = pop_n(r->q, batch, want);

		if (k == 0) {
			spin_pause();
			continue;
		}
		ELEM_IN_MEMORY(batch);
		for (size_t j = 0; j < k; j++)
			SZ_(check_)(&batch[j], i + j);
		i += k;
	}
	r->t1 = now_ns();
}

/* A queue that copies: its producer and consumer, item by item (single) and in bursts, for the table. */
#define ELEM_COPY_THREADS_(kind, push, pop, push_n, pop_n)                                                             \
	static void *SZ_(kind##_single_producer_)(void *r)                                                             \
	{                                                                                                              \
		SZ_(copy_produce_)(r, push);                                                                           \
		return NULL;                                                                                           \
	}                                                                                                              \
	static void *SZ_(kind##_single_consumer_)(void *r)                                                             \
	{                                                                                                              \
		SZ_(copy_consume_)(r, pop);                                                                            \
		return NULL;                                                                                           \
	}                                                                                                              \
	static void *SZ_(kind##_burst_producer_)(void *r)                                                              \
	{                                                                                                              \
		SZ_(copy_produce_n_)(r, push_n);                                                                       \
		return NULL;                                                                                           \
	}                                                                                                              \
	static void *SZ_(kind##_burst_consumer_)(void *r)                                                              \
	{                                                                                                              \
		SZ_(copy_consume_n_)(r, pop_n);                                                                        \
		return NULL;                                                                                           \
	}

/* ---------------------------------------------------------------- spsc_elem.h and spsc_claim.h */

#if ELEM_HAS_OWN
static void *SZ_(ring_create_)(size_t capacity)
{
	return RING_(create)(capacity);
}

static void SZ_(ring_destroy_)(void *q)
{
	RING_(destroy)(q);
}

/* The copy calls of spsc_elem.h, with the signatures the loops above take. */
static inline bool SZ_(ring_push_)(void *q, const T_ *item)
{
	return RING_(try_push)(q, item);
}

static inline bool SZ_(ring_pop_)(void *q, T_ *item)
{
	return RING_(try_pop)(q, item);
}

static inline size_t SZ_(ring_push_n_)(void *q, const T_ *items, size_t n)
{
	return RING_(try_push_n)(q, items, n);
}

static inline size_t SZ_(ring_pop_n_)(void *q, T_ *items, size_t n)
{
	return RING_(try_pop_n)(q, items, n);
}

ELEM_COPY_THREADS_(copy, SZ_(ring_push_), SZ_(ring_pop_), SZ_(ring_push_n_), SZ_(ring_pop_n_))

/* claim/commit: each word written straight into the slot, no item of the producer's own. */
static void *SZ_(claim_single_producer_)(void *arg)
{
	struct run *r = arg;
	T_ *slot;

	harness_gate_pass(&r->gate);
	r->t0 = now_ns();
	for (uint64_t i = 0; i < r->items; i++) {
		while ((slot = RING_(claim)(r->q)) == NULL)
			spin_pause();
		SZ_(fill_)(slot, i);
		RING_(commit)(r->q);
	}
	return NULL;
}

/* peek/release: each word read and checked in the slot. */
static void *SZ_(claim_single_consumer_)(void *arg)
{
	struct run *r = arg;
	const T_ *slot;

	harness_gate_pass(&r->gate);
	for (uint64_t i = 0; i < r->items; i++) {
		while ((slot = RING_(peek)(r->q)) == NULL)
			spin_pause();
		SZ_(check_)(slot, i);
		RING_(release)(r->q);
	}
	r->t1 = now_ns();
	return NULL;
}

/* Up to ELEM_BURST slots claimed at once (two runs at the wrap), each filled, then one commit. */
static void *SZ_(claim_burst_producer_)(void *arg)
{
	struct run *r = arg;
	RING_(span) span[2];

	harness_gate_pass(&r->gate);
	r->t0 = now_ns();
	for (uint64_t i = 0; i < r->items;) {
		size_t want = r->items - i < ELEM_BURST ? (size_t)(r->items - i) : ELEM_BURST;
		size_t k = RING_(claim_n)(r->q, want, span);

		if (k == 0) {
			spin_pause();
			continue;
		}
		for (size_t j = 0; j < span[0].n; j++)
			SZ_(fill_)(&span[0].ptr[j], i + j);
		for (size_t j = 0; j < span[1].n; j++)
			SZ_(fill_)(&span[1].ptr[j], i + span[0].n + j);
		RING_(commit_n)(r->q, k);
		i += k;
	}
	return NULL;
}

/* Up to ELEM_BURST items peeked at once, each checked in its slot, then one release. */
static void *SZ_(claim_burst_consumer_)(void *arg)
{
	struct run *r = arg;
	RING_(span) span[2];

	harness_gate_pass(&r->gate);
	for (uint64_t i = 0; i < r->items;) {
		size_t want = r->items - i < ELEM_BURST ? (size_t)(r->items - i) : ELEM_BURST;
		size_t k = RING_(peek_n)(r->q, want, span);

		if (k == 0) {
			spin_pause();
			continue;
		}
		for (size_t j = 0; j < span[0].n; j++)
			SZ_(check_)(&span[0].ptr[j], i + j);
		for (size_t j = 0; j < span[1].n; j++)
			SZ_(check_)(&span[1].ptr[j], i + span[0].n + j);
		RING_(release_n)(r->q, k);
		i += k;
	}
	r->t1 = now_ns();
	return NULL;
}
#endif /* ELEM_HAS_OWN */

/* ---------------------------------------------------------------- the slot-signalled ring: single items */

#if ELEM_HAS_OWN
/* The slot-signalled ring for this item (slot/spsc_slot_elem.h): slotB_create ... slotB_try_pop. */
#define SPSC_SLOT_NAME SZ_(slot)
#define SPSC_SLOT_TYPE T_
#include "extensions/slot/spsc_slot_elem.h"

static void *SZ_(slot_create_)(size_t capacity)
{
	return ELEM_CAT_(SZ_(slot), _create)(capacity);
}

static void SZ_(slot_destroy_)(void *q)
{
	ELEM_CAT_(SZ_(slot), _destroy)(q);
}

static inline bool SZ_(slot_push_)(void *q, const T_ *item)
{
	return ELEM_CAT_(SZ_(slot), _try_push)(q, item);
}

static inline bool SZ_(slot_pop_)(void *q, T_ *item)
{
	return ELEM_CAT_(SZ_(slot), _try_pop)(q, item);
}

static void *SZ_(slot_single_producer_)(void *r)
{
	SZ_(copy_produce_)(r, SZ_(slot_push_));
	return NULL;
}

static void *SZ_(slot_single_consumer_)(void *r)
{
	SZ_(copy_consume_)(r, SZ_(slot_pop_));
	return NULL;
}
#endif

/* ---------------------------------------------------------------- the peers */

#ifdef ELEM_PEER_BOOST
static void *SZ_(boost_create_)(size_t capacity)
{
	return SZ_(boost_elem_create_)(capacity);
}

static void SZ_(boost_destroy_)(void *q)
{
	SZ_(boost_elem_destroy_)(q);
}

static inline bool SZ_(boost_push_)(void *q, const T_ *item)
{
	return SZ_(boost_elem_push_)(q, item);
}

static inline bool SZ_(boost_pop_)(void *q, T_ *item)
{
	return SZ_(boost_elem_pop_)(q, item);
}

static inline size_t SZ_(boost_push_n_)(void *q, const T_ *items, size_t n)
{
	return SZ_(boost_elem_push_n_)(q, items, n);
}

static inline size_t SZ_(boost_pop_n_)(void *q, T_ *items, size_t n)
{
	return SZ_(boost_elem_pop_n_)(q, items, n);
}

ELEM_COPY_THREADS_(boost, SZ_(boost_push_), SZ_(boost_pop_), SZ_(boost_push_n_), SZ_(boost_pop_n_))
#endif

#ifdef ELEM_PEER_DPDK
/* DPDK's ring has a power of two of slots, one kept free: capacity rounded up (at least 2). */
static void *SZ_(dpdk_create_)(size_t capacity)
{
	return dpdk_elem_create(ELEM_BYTES, elem_pow2(capacity < 2 ? 2 : capacity));
}

static void SZ_(dpdk_destroy_)(void *q)
{
	dpdk_elem_destroy(q);
}

static inline bool SZ_(dpdk_push_)(void *q, const T_ *item)
{
	return SZ_(dpdk_elem_push_)(q, item);
}

static inline bool SZ_(dpdk_pop_)(void *q, T_ *item)
{
	return SZ_(dpdk_elem_pop_)(q, item);
}

static inline size_t SZ_(dpdk_push_n_)(void *q, const T_ *items, size_t n)
{
	return SZ_(dpdk_elem_push_n_)(q, items, n);
}

static inline size_t SZ_(dpdk_pop_n_)(void *q, T_ *items, size_t n)
{
	return SZ_(dpdk_elem_pop_n_)(q, items, n);
}

ELEM_COPY_THREADS_(dpdk, SZ_(dpdk_push_), SZ_(dpdk_pop_), SZ_(dpdk_push_n_), SZ_(dpdk_pop_n_))
#endif

/* ---------------------------------------------------------------- the table */

/*
 * A queue's entry: create and destroy (of prefix q), and the two threads
 * (of prefix t) in each mode. NONE_: not in this build, or not at this size.
 */
#define ENTRY_(q, t)                                                                                                   \
	{                                                                                                              \
		SZ_(q##_create_), SZ_(q##_destroy_), {SZ_(t##_single_producer_), SZ_(t##_burst_producer_)},            \
		        {SZ_(t##_single_consumer_), SZ_(t##_burst_consumer_)},                                         \
	}
#define NONE_                                                                                                          \
	{                                                                                                              \
		NULL, NULL, {NULL, NULL}, {NULL, NULL},                                                                \
	}
#if ELEM_HAS_OWN
#define COPY_  ENTRY_(ring, copy)
#define CLAIM_ ENTRY_(ring, claim)
#else
#define COPY_  NONE_
#define CLAIM_ NONE_
#endif
#if ELEM_HAS_OWN
#define SLOT_                                                                                                          \
	{                                                                                                              \
		SZ_(slot_create_), SZ_(slot_destroy_), {SZ_(slot_single_producer_), NULL},                             \
		        {SZ_(slot_single_consumer_), NULL},                                                            \
	}
#else
#define SLOT_ NONE_
#endif
#ifdef ELEM_PEER_BOOST
#define BOOST_ ENTRY_(boost, boost)
#else
#define BOOST_ NONE_
#endif
#ifdef ELEM_PEER_DPDK
#define DPDK_ ENTRY_(dpdk, dpdk)
#else
#define DPDK_ NONE_
#endif

static const struct sized SZ_(sized_) = {
        ELEM_BYTES, {[COPY] = COPY_, [CLAIM] = CLAIM_, [SLOT] = SLOT_, [BOOST] = BOOST_, [DPDK] = DPDK_}};

#undef ENTRY_
#undef NONE_
#undef COPY_
#undef CLAIM_
#undef SLOT_
#undef BOOST_
#undef DPDK_
#undef ELEM_COPY_THREADS_
#undef T_
#undef WORDS_
#undef SZ_
#undef RING_
#undef ELEM_BYTES
