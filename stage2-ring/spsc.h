/*
 * stage2-ring/spsc.h: the same mutex over a fixed, pre-allocated ring.
 *
 * What this stage adds to stage 1: the buffer is allocated once, in
 * spsc_create, and never again. No malloc, no copy, no free on the hot
 * path; the price is a bound: try_push returns false when the ring is full.
 *
 * Progress guarantee: blocking. A thread that is descheduled while it holds
 * the lock stops the other thread for as long as it stays descheduled.
 *
 * The contract every stage honours is written down in common/CONTRACT.md.
 */
#ifndef SPSC_H
#define SPSC_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define SPSC_STAGE_NAME "stage2-ring"

/*
 * The largest ring: a power of two whose byte size still fits in
 * ptrdiff_t (2^59 slots on a 64-bit machine). Anything larger cannot be
 * allocated, so asking for it is an invalid argument, not a lack of memory.
 */
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / sizeof(uint64_t) / 2 + 1)

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	pthread_mutex_t lock; /* taken by producer and consumer around every access below */

	/* All fields below: written and read by both threads, under lock. */
	uint64_t *slots; /* mask + 1 slots, allocated once by spsc_create */
	size_t mask;     /* capacity - 1 */
	size_t head;     /* pops so far: the next item is slots[head & mask] */
	size_t tail;     /* pushes so far: the next free slot is slots[tail & mask] */
};

/* Smallest power of two >= n, for 1 <= n <= SPSC_MAX_CAPACITY. */
static inline size_t spsc_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* capacity is rounded up to a power of two; spsc_capacity() reports it. */
static inline spsc_queue *spsc_create(size_t capacity)
{
	if (capacity == 0 || capacity > SPSC_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	capacity = spsc_round_up_pow2_(capacity);

	spsc_queue *q = malloc(sizeof(*q));
	uint64_t *slots = malloc(capacity * sizeof(uint64_t));
	int err = (q == NULL || slots == NULL) ? ENOMEM : pthread_mutex_init(&q->lock, NULL);
	if (err != 0) {
		free(slots);
		free(q);
		errno = err;
		return NULL;
	}
	q->slots = slots;
	q->mask = capacity - 1;
	q->head = 0;
	q->tail = 0;
	return q;
}

static inline void spsc_destroy(spsc_queue *q)
{
	if (q == NULL)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q->slots);
	free(q);
}

/* Producer thread only. False when full: nothing is stored. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->tail - q->head != q->mask + 1) {
		q->slots[q->tail & q->mask] = item;
		q->tail++;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->tail != q->head) {
		*item = q->slots[q->head & q->mask];
		q->head++;
		ok = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* Any thread: the ring's length never changes after spsc_create. */
static inline size_t spsc_capacity(const spsc_queue *q)
{
	return q->mask + 1;
}

/* Any thread. The lock makes it exact at the moment it is taken. */
static inline size_t spsc_size(const spsc_queue *q)
{
	spsc_queue *mq = (spsc_queue *)q; /* locking is not a logical change */

	pthread_mutex_lock(&mq->lock);
	size_t n = mq->tail - mq->head;
	pthread_mutex_unlock(&mq->lock);
	return n;
}

#ifdef SPSC_TESTING
/* Test hook: start a fresh, empty queue's counters at start (to cross SIZE_MAX). */
static inline void spsc_test_set_counters(spsc_queue *q, size_t start)
{
	q->head = start;
	q->tail = start;
}
#endif

#endif /* SPSC_H */
