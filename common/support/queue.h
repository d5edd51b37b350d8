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

#include "spsc.h"

#if defined(__has_include)
#if __has_include("extensions/bulk/spsc_bulk.h")
#include "extensions/bulk/spsc_bulk.h" /* defines SPSC_HAS_BULK */
#endif
#endif

#endif /* QUEUE_H */
