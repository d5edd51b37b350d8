/*
 * stage1-mutex/spsc.h: the starting point, a growable deque behind a mutex.
 *
 * This is the origin analysis' Mutex<VecDeque<u64>> written in C: a
 * power-of-two circular buffer that doubles when it is full, every
 * operation taken under one pthread mutex. It is unbounded: try_push
 * fails only when the buffer cannot grow (errno ENOMEM).
 *
 * Progress guarantee: blocking. A thread that is descheduled while it holds
 * the lock (or while it is inside malloc during a growth) stops the other
 * thread for as long as it stays descheduled.
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

#define SPSC_STAGE_NAME "stage1-mutex"

/* Stage 1 alone counts its growths: see spsc_growths() below. */
#define SPSC_HAS_GROWTH_STATS 1

/*
 * The largest buffer: a power of two whose byte size still fits in
 * ptrdiff_t (2^59 slots on a 64-bit machine). Anything larger cannot be
 * allocated, so asking for it is an invalid argument, not a lack of memory.
 */
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / sizeof(uint64_t) / 2 + 1)

typedef struct spsc_queue spsc_queue;

struct spsc_queue {
	pthread_mutex_t lock; /* taken by producer and consumer around every access below */

	/* All fields below: written and read by both threads, under lock. */
	uint64_t *slots;     /* mask + 1 slots; replaced by a buffer twice as large when full */
	size_t mask;         /* buffer length - 1 */
	size_t head;         /* pops so far: the next item is slots[head & mask] */
	size_t tail;         /* pushes so far: the next free slot is slots[tail & mask] */
	size_t growths;      /* how many times the buffer doubled */
	size_t bytes_copied; /* bytes moved from old buffers into new ones */
};

/* Smallest power of two >= n, for 1 <= n <= SPSC_MAX_CAPACITY. */
static inline size_t spsc_round_up_pow2_(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* capacity is the initial buffer length (rounded up); the queue grows past it. */
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
	q->growths = 0;
	q->bytes_copied = 0;
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

/*
 * Double the buffer (caller holds the lock and the buffer is full). The item
 * with counter i moves from old[i & old_mask] to new[i & new_mask], so the
 * counters stay valid and wrap-around of the counters needs no special case.
 */
static inline bool spsc_grow_(spsc_queue *q)
{
	size_t old_len = q->mask + 1;

	if (old_len >= SPSC_MAX_CAPACITY) {
		errno = ENOMEM;
		return false;
	}
	size_t new_mask = 2 * old_len - 1;
	uint64_t *slots = malloc(2 * old_len * sizeof(uint64_t));
	if (slots == NULL) {
		errno = ENOMEM;
		return false;
	}
	for (size_t i = q->head; i != q->tail; i++)
		slots[i & new_mask] = q->slots[i & q->mask];
	free(q->slots);
	q->slots = slots;
	q->mask = new_mask;
	q->growths++;
	q->bytes_copied += old_len * sizeof(uint64_t);
	return true;
}

/* Producer thread only. False only when the buffer is full and cannot grow. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	bool ok = true;

	pthread_mutex_lock(&q->lock);
	if (q->tail - q->head == q->mask + 1)
		ok = spsc_grow_(q);
	if (ok) {
		q->slots[q->tail & q->mask] = item;
		q->tail++;
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

/* Unbounded: the most items it can hold is limited only by memory. */
static inline size_t spsc_capacity(const spsc_queue *q)
{
	(void)q;
	return SIZE_MAX;
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

/* Stage 1 only: how many times the buffer doubled, and the bytes it copied. */
static inline size_t spsc_growths(const spsc_queue *q)
{
	spsc_queue *mq = (spsc_queue *)q;

	pthread_mutex_lock(&mq->lock);
	size_t n = mq->growths;
	pthread_mutex_unlock(&mq->lock);
	return n;
}

static inline size_t spsc_bytes_copied(const spsc_queue *q)
{
	spsc_queue *mq = (spsc_queue *)q;

	pthread_mutex_lock(&mq->lock);
	size_t n = mq->bytes_copied;
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
