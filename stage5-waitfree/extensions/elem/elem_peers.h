/*
 * stage5-waitfree/extensions/elem/elem_peers.h: what bench_elem.c shares
 * with the two peer adapters beside it (boost_elem.cpp, dpdk_elem.c): the
 * items, one struct per size measured, and each adapter's functions.
 *
 * The items are declared here, once, for C and C++ alike, so that the
 * driver and Boost's spsc_queue<T> hold the very same type: an item is
 * SIZE / 8 words of 8 bytes, nothing else (no padding, alignment 8).
 *
 * Each adapter has one set of functions per size, with the size fixed in
 * the function (a template instance in C++, a constant esize in C), so
 * that once -flto inlines them into the driver the copy of an item is as
 * specialised as that of spsc_elem.h, and no call is made per item.
 * ELEM_SIZES lists the sizes for the X-macros below; bench_elem.c keeps
 * its own list in the same order.
 */
#ifndef ELEM_PEERS_H
#define ELEM_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(bytes) for every size measured. */
#define ELEM_SIZES(X) X(8) X(16) X(64) X(256)

/* struct elem_item_8, _16, _64, _256. */
#define ELEM_ITEM_DECLARE(bytes)                                                                                       \
	struct elem_item_##bytes {                                                                                     \
		uint64_t w[(bytes) / 8];                                                                               \
	};
ELEM_SIZES(ELEM_ITEM_DECLARE)
#undef ELEM_ITEM_DECLARE

/*
 * Boost.Lockfree's spsc_queue<struct elem_item_B> (boost_elem.cpp),
 * capacity set at run time. create: NULL with errno EINVAL or ENOMEM.
 * push and pop are its push(T const &) and pop(T &); push_n and pop_n its
 * push(T const *, n) and pop(T *, n): as many as fit (as are there).
 */
typedef struct boost_elem boost_elem;
#define ELEM_BOOST_DECLARE(bytes)                                                                                      \
	boost_elem *boost_elem_create_##bytes(size_t capacity);                                                        \
	void boost_elem_destroy_##bytes(boost_elem *q);                                                                \
	bool boost_elem_push_##bytes(boost_elem *q, const struct elem_item_##bytes *item);                             \
	bool boost_elem_pop_##bytes(boost_elem *q, struct elem_item_##bytes *item);                                    \
	size_t boost_elem_push_n_##bytes(boost_elem *q, const struct elem_item_##bytes *items, size_t n);              \
	size_t boost_elem_pop_n_##bytes(boost_elem *q, struct elem_item_##bytes *items, size_t n);
ELEM_SIZES(ELEM_BOOST_DECLARE)
#undef ELEM_BOOST_DECLARE

/*
 * DPDK's rte_ring with esize = the item's size, single producer and
 * single consumer (dpdk_elem.c). create: NULL with errno EINVAL or
 * ENOMEM; the ring keeps one slot free, so it holds capacity - 1 items.
 * push and pop are rte_ring_sp_enqueue_elem and rte_ring_sc_dequeue_elem;
 * push_n and pop_n the _burst_elem calls.
 */
typedef struct dpdk_elem dpdk_elem;
dpdk_elem *dpdk_elem_create(size_t esize, size_t capacity);
void dpdk_elem_destroy(dpdk_elem *q);
#define ELEM_DPDK_DECLARE(bytes)                                                                                       \
	bool dpdk_elem_push_##bytes(dpdk_elem *q, const struct elem_item_##bytes *item);                               \
	bool dpdk_elem_pop_##bytes(dpdk_elem *q, struct elem_item_##bytes *item);                                      \
	size_t dpdk_elem_push_n_##bytes(dpdk_elem *q, const struct elem_item_##bytes *items, size_t n);                \
	size_t dpdk_elem_pop_n_##bytes(dpdk_elem *q, struct elem_item_##bytes *items, size_t n);
ELEM_SIZES(ELEM_DPDK_DECLARE)
#undef ELEM_DPDK_DECLARE

#ifdef __cplusplus
}
#endif

#endif /* ELEM_PEERS_H */
