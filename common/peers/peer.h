/*
 * common/peers/peer.h: the contract (common/CONTRACT.md) as plain function
 * declarations, for a peer queue whose adapter is compiled on its own
 * (a C++ library, or a C library whose headers need GNU C).
 *
 * Each peer's spsc.h names the peer and includes this file; its adapter
 * source defines the functions. The benchmark driver includes that spsc.h
 * exactly as it includes a stage's, so it cannot tell whom it measures.
 * Across the call boundary the hot functions are inlined by link-time
 * optimisation (-flto on both sides, common/peers/peers.mk), so a peer pays
 * for no call that a stage does not pay for.
 */
#ifndef SPSC_PEER_H
#define SPSC_PEER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capacity.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spsc_queue spsc_queue;

spsc_queue *spsc_create(size_t capacity); /* NULL + errno EINVAL or ENOMEM */
void spsc_destroy(spsc_queue *q);
bool spsc_try_push(spsc_queue *q, uint64_t item); /* producer thread only */
bool spsc_try_pop(spsc_queue *q, uint64_t *item); /* consumer thread only */
size_t spsc_capacity(const spsc_queue *q);        /* the most items it holds at once */
size_t spsc_size(const spsc_queue *q);            /* a snapshot, as in the contract */

#ifdef SPSC_HAS_BULK
/* As many of n items as fit (or as are there), in order; returns how many moved. */
size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n);
size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n);
#endif

#ifdef __cplusplus
}
#endif

#endif /* SPSC_PEER_H */
