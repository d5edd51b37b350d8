/*
 * common/peers/dpdk/adapter.c: rte_ring, SP/SC, behind the C contract of
 * ../peer.h, without DPDK's environment (no rte_eal_init, no hugepages):
 * rte_ring_init() on memory of our own, which DPDK documents as the way to
 * place a ring anywhere. rte_ring_create() would need the EAL's memzones.
 *
 * Like ck_ring, rte_ring leaves one slot free: asked for 2^k it gets the
 * stages' 2^k slots and holds 2^k - 1 items. Slots are 8 bytes
 * (the _elem API with esize 8), so items are stored as they are.
 */
#include "spsc.h"

#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <stdlib.h>

#define ITEM_SIZE sizeof(uint64_t)

struct spsc_queue {
	struct rte_ring ring; /* header, then the slots, in one allocation */
};

spsc_queue *spsc_create(size_t capacity)
{
	size_t size = spsc_peer_capacity_(capacity, 2, RTE_RING_SZ_MASK / 2 + 1);

	if (size == 0)
		return NULL;
	ssize_t bytes = rte_ring_get_memsize_elem(ITEM_SIZE, (unsigned int)size);
	if (bytes < 0) {
		errno = EINVAL;
		return NULL;
	}
	/* rte_ring wants cache-line alignment; round the size up to a line for aligned_alloc. */
	struct rte_ring *r = aligned_alloc(RTE_CACHE_LINE_SIZE, ((size_t)bytes + RTE_CACHE_LINE_SIZE - 1) &
	                                                                ~(size_t)(RTE_CACHE_LINE_SIZE - 1));
	if (r == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	int err = rte_ring_init(r, "spsc", (unsigned int)size, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (err != 0) {
		free(r);
		errno = -err;
		return NULL;
	}
	return (spsc_queue *)r;
}

void spsc_destroy(spsc_queue *q)
{
	free(q);
}

bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	return rte_ring_sp_enqueue_elem(&q->ring, &item, ITEM_SIZE) == 0;
}

bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	return rte_ring_sc_dequeue_elem(&q->ring, item, ITEM_SIZE) == 0;
}

size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n)
{
	unsigned int k = n > UINT_MAX ? UINT_MAX : (unsigned int)n;

	return rte_ring_sp_enqueue_burst_elem(&q->ring, items, ITEM_SIZE, k, NULL);
}

size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n)
{
	unsigned int k = n > UINT_MAX ? UINT_MAX : (unsigned int)n;

	return rte_ring_sc_dequeue_burst_elem(&q->ring, items, ITEM_SIZE, k, NULL);
}

size_t spsc_capacity(const spsc_queue *q)
{
	return rte_ring_get_capacity(&q->ring);
}

size_t spsc_size(const spsc_queue *q)
{
	return rte_ring_count(&q->ring);
}
