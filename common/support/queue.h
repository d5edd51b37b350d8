/*
 * common/support/queue.h: the queue under test or under measurement.
 *
 * Every tool in common/ is compiled once per queue with -I<the queue's
 * folder>, and includes this file instead of naming spsc.h itself: the
 * queue's spsc.h, and each extension header that folder has beside it.
 * A stage's lesson is its spsc.h alone; an extension (stage 5's bulk
 * operations) lives in a header of its own and is tested and measured
 * wherever it is found. A new extension is one more line here, if it
 * compiles in every tool: stage 5's spsc_wait.h does not (it needs
 * _GNU_SOURCE for syscall(2), which the tools do not define), so it is
 * not here; common/wait/ tests and measures it.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include "spsc.h"

#if defined(__has_include)
#if __has_include("spsc_bulk.h")
#include "spsc_bulk.h" /* defines SPSC_HAS_BULK */
#endif
#endif

#endif /* QUEUE_H */
