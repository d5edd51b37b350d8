/*
 * common/support/queue.h: the queue under test or under measurement.
 *
 * Every tool in common/ is compiled once per queue with -I<the queue's
 * folder>, and includes this file instead of naming spsc.h itself: the
 * queue's spsc.h, and the extensions that every tool can use where the
 * folder has them (extensions/<name>/ under it). A stage's lesson is its
 * spsc.h alone. Stage 5's bulk operations are here: the contract suite,
 * the fuzzer and the driver test and measure them wherever they are
 * found. Its other extensions (wait/, shm/) have APIs of their own and
 * their own tests and drivers in their folders, so they are not here.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "spsc.h"

/*
 * The contract's largest capacity for this queue: the largest power of two
 * whose byte size fits in ptrdiff_t. A queue whose slot holds more than
 * the item (the slot-signalled ring) says how much with SPSC_SLOT_BYTES
 * (common/CONTRACT.md). The tools check the header against this; the
 * header's own SPSC_MAX_CAPACITY is not trusted for it.
 */
#ifndef SPSC_SLOT_BYTES
#define SPSC_SLOT_BYTES sizeof(uint64_t)
#endif
#define CONTRACT_MAX_CAPACITY ((size_t)PTRDIFF_MAX / SPSC_SLOT_BYTES / 2 + 1)

#if defined(__has_include)
#if __has_include("extensions/bulk/spsc_bulk.h")
#include "extensions/bulk/spsc_bulk.h" /* defines SPSC_HAS_BULK */
#endif
#endif

#endif /* QUEUE_H */
