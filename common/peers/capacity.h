/*
 * common/peers/capacity.h: how every peer adapter turns the capacity asked
 * of spsc_create() into the ring it builds, so that each peer gets the
 * stages' footprint and the contract's errors (common/CONTRACT.md).
 */
#ifndef SPSC_PEER_CAPACITY_H
#define SPSC_PEER_CAPACITY_H

#include <errno.h>
#include <stddef.h>

/*
 * The slot count a stage would use for `requested` items: requested rounded
 * up to a power of two, and at least min_slots (2 for a ring that keeps one
 * slot free to tell full from empty). 0 with errno = EINVAL when requested
 * is 0 or the slot count would exceed limit, the largest ring the peer can
 * build (a power of two).
 */
static inline size_t spsc_peer_capacity_(size_t requested, size_t min_slots, size_t limit)
{
	size_t p = 1;

	if (requested == 0) {
		errno = EINVAL;
		return 0;
	}
	while ((p < requested || p < min_slots) && p <= limit / 2)
		p <<= 1;
	if (p < requested || p < min_slots || p > limit) {
		errno = EINVAL;
		return 0;
	}
	return p;
}

#endif /* SPSC_PEER_CAPACITY_H */
