/*
 * stage5-waitfree/extensions/wait/moodycamel_wait.h: moodycamel::BlockingReaderWriterCircularBuffer
 * (libreaderwriterqueue-dev, readerwriterqueue/readerwritercircularbuffer.h)
 * behind plain C calls, for bench_wait.c. The peer of spsc_wait.h: a bounded
 * ring whose producer and consumer both block (two counting semaphores that
 * spin 1024 times, then sleep in sem_wait). Its unbounded sibling,
 * BlockingReaderWriterQueue, blocks only the consumer and allocates when
 * full, so it is not the like-for-like peer of a fixed ring.
 */
#ifndef MOODYCAMEL_WAIT_H
#define MOODYCAMEL_WAIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_waitq mc_waitq;

mc_waitq *mc_waitq_create(size_t capacity); /* NULL when allocation fails */
void mc_waitq_destroy(mc_waitq *q);
void mc_push_wait(mc_waitq *q, uint64_t item); /* producer only: wait_enqueue */
void mc_pop_wait(mc_waitq *q, uint64_t *item); /* consumer only: wait_dequeue */

#ifdef __cplusplus
}
#endif

#endif /* MOODYCAMEL_WAIT_H */
