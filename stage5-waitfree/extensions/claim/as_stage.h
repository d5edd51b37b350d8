/*
 * stage5-waitfree/extensions/claim/as_stage.h: the stages' names over a
 * typed ring of elem/, claim/ or slot/, for the repository's tools.
 *
 * The contract suite, the stress runner, ThreadSanitizer, ASan, the fuzzer
 * and the soak are written against the stages' API (spsc_create ...
 * spsc_size, items of one uint64_t). This file gives that API to a ring of
 * items of SPSC_AS_STAGE_WORDS words, so they run unchanged against it:
 * claim.mk generates a folder whose spsc.h sets the two knobs below and
 * includes this file.
 *
 *   SPSC_AS_STAGE_WORDS  the item's size, in uint64_t words (default 1);
 *                        the slot's size must be a power of two, as the
 *                        contract's largest capacity is computed from it
 *   SPSC_AS_STAGE_WAY    SPSC_AS_STAGE_COPY (default): elem/'s copy calls;
 *                        SPSC_AS_STAGE_CLAIM: every push is a claim, a
 *                        write into the slot and a commit, every pop a
 *                        peek, a read in the slot and a release (claim_n
 *                        and peek_n for the bulk calls);
 *                        SPSC_AS_STAGE_SLOT: the slot-signalled ring of
 *                        slot/spsc_slot_elem.h, copy calls, no bulk calls
 *
 * Every word of an item is written: word i holds the stage's item mixed
 * with i, and every pop checks every word, so an item torn between two
 * pushes, or a word put in the wrong slot, stops the test with a message.
 */
#ifndef SPSC_H
#define SPSC_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SPSC_AS_STAGE_COPY  0
#define SPSC_AS_STAGE_CLAIM 1
#define SPSC_AS_STAGE_SLOT  2
#ifndef SPSC_AS_STAGE_WORDS
#define SPSC_AS_STAGE_WORDS 1
#endif
#ifndef SPSC_AS_STAGE_WAY
#define SPSC_AS_STAGE_WAY SPSC_AS_STAGE_COPY
#endif

struct spsc_as_stage_item {
	uint64_t w[SPSC_AS_STAGE_WORDS];
};

/* The ring's type under the stages' name, struct spsc_queue, which the tools' declarations use. */
#define spsc_as_stage_queue spsc_queue
#if SPSC_AS_STAGE_WAY == SPSC_AS_STAGE_SLOT
#define SPSC_SLOT_NAME  spsc_as_stage
#define SPSC_SLOT_TYPE  struct spsc_as_stage_item
#define SPSC_STAGE_NAME "slot-elem"
#include "../slot/spsc_slot_elem.h"
#define SPSC_SLOT_BYTES sizeof(struct spsc_as_stage_slot)
#else
#define SPSC_ELEM_NAME spsc_as_stage
#define SPSC_ELEM_TYPE struct spsc_as_stage_item
#include "spsc_claim.h"
#define SPSC_SLOT_BYTES sizeof(struct spsc_as_stage_item)
#define SPSC_HAS_BULK   1
#if SPSC_AS_STAGE_WAY == SPSC_AS_STAGE_CLAIM
#define SPSC_STAGE_NAME "stage5-claim"
#else
#define SPSC_STAGE_NAME "stage5-elem"
#endif
#endif
/* The contract's largest capacity is computed from SPSC_SLOT_BYTES (common/support/queue.h). */
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / SPSC_SLOT_BYTES / 2 + 1)
static_assert((SPSC_SLOT_BYTES & (SPSC_SLOT_BYTES - 1)) == 0, "a slot whose size is not a power of two");

/* Word i of item x: x mixed with i by an odd constant, so no two words of one item are equal. */
static inline uint64_t spsc_as_stage_word_(uint64_t x, size_t i)
{
	return x ^ (i * 0x9e3779b97f4a7c15u);
}

static inline void spsc_as_stage_fill_(struct spsc_as_stage_item *s, uint64_t item)
{
	for (size_t i = 0; i < SPSC_AS_STAGE_WORDS; i++)
		s->w[i] = spsc_as_stage_word_(item, i); /* the slot write, when s is a claimed slot */
}

/* The item s holds, after checking every word of it. */
static inline uint64_t spsc_as_stage_read_(const struct spsc_as_stage_item *s)
{
	uint64_t item = s->w[0]; /* the slot read, when s is a peeked slot */

	for (size_t i = 1; i < SPSC_AS_STAGE_WORDS; i++)
		if (s->w[i] != spsc_as_stage_word_(item, i)) {
			fprintf(stderr, "as_stage: item %" PRIu64 " torn: word %zu is %#" PRIx64 "\n", item, i,
			        s->w[i]);
			abort();
		}
	return item;
}

static inline spsc_queue *spsc_create(size_t capacity)
{
	return spsc_as_stage_create(capacity);
}

static inline void spsc_destroy(spsc_queue *q)
{
	spsc_as_stage_destroy(q);
}

static inline size_t spsc_capacity(const spsc_queue *q)
{
	return spsc_as_stage_capacity(q);
}

static inline size_t spsc_size(const spsc_queue *q)
{
	return spsc_as_stage_size(q);
}

#ifdef SPSC_TESTING
static inline void spsc_test_set_counters(spsc_queue *q, size_t start)
{
	spsc_as_stage_test_set_counters(q, start);
}
#endif

#if SPSC_AS_STAGE_WAY == SPSC_AS_STAGE_CLAIM
/* Claim, write in place, commit. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	struct spsc_as_stage_item *slot = spsc_as_stage_claim(q);

	if (slot == NULL)
		return false;
	spsc_as_stage_fill_(slot, item);
	spsc_as_stage_commit(q);
	return true;
}

/* Peek, read in place, release. */
static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	const struct spsc_as_stage_item *slot = spsc_as_stage_peek(q);

	if (slot == NULL)
		return false;
	*item = spsc_as_stage_read_(slot);
	spsc_as_stage_release(q);
	return true;
}

/* claim_n, then each claimed slot written in place, in both spans, then one commit. */
static inline size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n)
{
	spsc_as_stage_span span[2];
	size_t k = spsc_as_stage_claim_n(q, n, span);

	for (size_t j = 0; j < k; j++)
		spsc_as_stage_fill_(j < span[0].n ? &span[0].ptr[j] : &span[1].ptr[j - span[0].n], items[j]);
	spsc_as_stage_commit_n(q, k);
	return k;
}

static inline size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n)
{
	spsc_as_stage_span span[2];
	size_t k = spsc_as_stage_peek_n(q, n, span);

	for (size_t j = 0; j < k; j++)
		items[j] = spsc_as_stage_read_(j < span[0].n ? &span[0].ptr[j] : &span[1].ptr[j - span[0].n]);
	spsc_as_stage_release_n(q, k);
	return k;
}
#else
/* The item built in a local, then copied in by try_push. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	struct spsc_as_stage_item it;

	spsc_as_stage_fill_(&it, item);
	return spsc_as_stage_try_push(q, &it);
}

static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	struct spsc_as_stage_item it;

	if (!spsc_as_stage_try_pop(q, &it))
		return false;
	*item = spsc_as_stage_read_(&it);
	return true;
}

#if SPSC_AS_STAGE_WAY == SPSC_AS_STAGE_COPY
/* Built in a local batch, copied in by try_push_n: at most 64 items a call, as the stress runner's batches. */
static inline size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n)
{
	struct spsc_as_stage_item batch[64];
	size_t done = 0;

	while (done < n) {
		size_t m = n - done < 64 ? n - done : 64;
		for (size_t j = 0; j < m; j++)
			spsc_as_stage_fill_(&batch[j], items[done + j]);
		size_t k = spsc_as_stage_try_push_n(q, batch, m);
		done += k;
		if (k < m)
			break;
	}
	return done;
}

static inline size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n)
{
	struct spsc_as_stage_item batch[64];
	size_t done = 0;

	while (done < n) {
		size_t m = n - done < 64 ? n - done : 64;
		size_t k = spsc_as_stage_try_pop_n(q, batch, m);
		for (size_t j = 0; j < k; j++)
			items[done + j] = spsc_as_stage_read_(&batch[j]);
		done += k;
		if (k < m)
			break;
	}
	return done;
}
#endif
#endif

#endif /* SPSC_H */
