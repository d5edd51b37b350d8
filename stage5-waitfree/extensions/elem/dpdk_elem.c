/*
 * stage5-waitfree/extensions/elem/dpdk_elem.c: DPDK's rte_ring with
 * items of esize bytes (its _elem API), single producer and single
 * consumer, for bench_elem.c (elem_peers.h). Compiled as GNU C on its own,
 * as common/peers/dpdk/adapter.c is: DPDK's headers need it.
 *
 * rte_ring_create_elem would place the ring in the EAL's memzones, which
 * needs rte_eal_init (hugepages, a running environment). This does what
 * it does without them: rte_ring_get_memsize_elem, then rte_ring_init on
 * memory of our own, aligned to a cache line. The slots follow the ring's
 * header, each item at a multiple of esize from a line boundary.
 *
 * The hot calls are one per size, with esize a constant, so that DPDK's
 * copy (64-bit moves for 8 bytes, 128-bit for 16, a loop of 32-bit moves
 * otherwise) is specialised once -flto inlines them into the driver.
 */
#include "elem_peers.h"

#include <errno.h>
#include <limits.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <stdlib.h>

struct dpdk_elem {
	struct rte_ring ring; /* header, then the slots, in one allocation */
};

/*
 * capacity slots (a power of two, at least 2; the ring keeps one free),
 * each esize bytes (a multiple of 4).
 */
dpdk_elem *dpdk_elem_create(size_t esize, size_t capacity)
{
	if (capacity < 2 || capacity > RTE_RING_SZ_MASK || (capacity & (capacity - 1)) != 0 || esize > UINT_MAX) {
		errno = EINVAL;
		return NULL;
	}
	ssize_t bytes = rte_ring_get_memsize_elem((unsigned int)esize, (unsigned int)capacity);
	if (bytes < 0) {
		errno = EINVAL;
		return NULL;
	}
	size_t line = RTE_CACHE_LINE_SIZE;
	struct rte_ring *r = aligned_alloc(line, ((size_t)bytes + line - 1) / line * line);
	if (r == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	int err = rte_ring_init(r, "elem", (unsigned int)capacity, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (err != 0) {
		free(r);
		errno = -err;
		return NULL;
	}
	return (dpdk_elem *)r;
}

void dpdk_elem_destroy(dpdk_elem *q)
{
	free(q);
}

/* DPDK's enqueue takes a non-const pointer to the item, and only reads it. */
#define ELEM_DPDK_DEFINE(bytes)                                                                                        \
	bool dpdk_elem_push_##bytes(dpdk_elem *q, const struct elem_item_##bytes *item)                                \
	{                                                                                                              \
		return rte_ring_sp_enqueue_elem(&q->ring, (void *)item, bytes) == 0;                                   \
	}                                                                                                              \
	bool dpdk_elem_pop_##bytes(dpdk_elem *q, struct elem_item_##bytes *item)                                       \
	{                                                                                                              \
		return rte_ring_sc_dequeue_elem(&q->ring, item, bytes) == 0;                                           \
	}                                                                                                              \
	size_t dpdk_elem_push_n_##bytes(dpdk_elem *q, const struct elem_item_##bytes *items, size_t n)                 \
	{                                                                                                              \
		unsigned int k = n > UINT_MAX ? UINT_MAX : (unsigned int)n;                                            \
		return rte_ring_sp_enqueue_burst_elem(&q->ring, items, bytes, k, NULL);                                \
	}                                                                                                              \
	size_t dpdk_elem_pop_n_##bytes(dpdk_elem *q, struct elem_item_##bytes *items, size_t n)                        \
	{                                                                                                              \
		unsigned int k = n > UINT_MAX ? UINT_MAX : (unsigned int)n;                                            \
		return rte_ring_sc_dequeue_burst_elem(&q->ring, items, bytes, k, NULL);                                \
	}

ELEM_SIZES(ELEM_DPDK_DEFINE)
