/*
 * common/peers/ck/spsc.h: Concurrency Kit's ck_ring in SPSC mode
 * (libck-dev), behind the contract. Plain C that compiles under the
 * stages' flags, so it is header-only and inlines like a stage.
 *
 * ck_ring tells full from empty by leaving one slot free: asked for 2^k,
 * it gets the stages' 2^k slots and holds 2^k - 1 items, and
 * spsc_capacity() says so. Its slots hold
 * void *, so an item travels as a pointer-sized integer (64-bit only).
 */
#ifndef SPSC_H
#define SPSC_H

#include <ck_ring.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../capacity.h"

#define SPSC_STAGE_NAME "peer-ck_ring"

_Static_assert(sizeof(void *) == sizeof(uint64_t), "ck_ring slots are pointers: 64-bit only");

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	struct ck_ring ring; /* ck's own padded cursors */
	struct ck_ring_buffer *slots;
};

static inline spsc_queue *spsc_create(size_t capacity)
{
	/* At least 2 slots, as one stays free; ck_ring counts in unsigned int. */
	size_t size = spsc_peer_capacity_(capacity, 2, (size_t)UINT_MAX / 2 + 1);

	if (size == 0)
		return NULL;

	spsc_queue *q = aligned_alloc(CK_MD_CACHELINE, sizeof(*q));
	struct ck_ring_buffer *b = malloc(size * sizeof(*b));
	if (q == NULL || b == NULL) {
		free(b);
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	ck_ring_init(&q->ring, (unsigned int)size);
	q->slots = b;
	return q;
}

static inline void spsc_destroy(spsc_queue *q)
{
	if (q == NULL)
		return;
	free(q->slots);
	free(q);
}

static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	return ck_ring_enqueue_spsc(&q->ring, q->slots, (void *)(uintptr_t)item);
}

static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	void *p;

	if (!ck_ring_dequeue_spsc(&q->ring, q->slots, &p))
		return false;
	*item = (uint64_t)(uintptr_t)p;
	return true;
}

static inline size_t spsc_capacity(const spsc_queue *q)
{
	return ck_ring_capacity(&q->ring) - 1;
}

static inline size_t spsc_size(const spsc_queue *q)
{
	return ck_ring_size(&q->ring);
}

#endif /* SPSC_H */
