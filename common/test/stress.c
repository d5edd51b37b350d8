/*
 * common/test/stress.c: one producer thread and one consumer thread move items
 * through a queue; the consumer checks every item's sequence number.
 *
 * Compiled against each stage's spsc.h. Used by the Criterion contract
 * suite and, because Criterion cannot run under ThreadSanitizer
 * (Snaipe/Criterion#274), by the plain runner common/test/stress_main.c that
 * `make tsan` builds.
 *
 * With STRESS_OBSERVE a third thread calls spsc_size() all through the run
 * (the contract says any thread may) and checks every sample against what
 * can be true at that moment. Every wait is bounded: a side that makes no
 * progress for STRESS_STALL_SECONDS stops the run, which then fails and
 * says what it was waiting for, instead of hanging the suite.
 */
#define _POSIX_C_SOURCE 200809L /* clock.h reads the POSIX clock */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "clock.h" /* now_ns(), rng_next() */
#include "spin.h"
#include "queue.h"
#include "test_support.h"

#ifndef STRESS_STALL_SECONDS
#define STRESS_STALL_SECONDS 20
#endif

struct stress {
	spsc_queue *q;
	uint64_t items;
	unsigned flags;                /* STRESS_BULK, STRESS_OBSERVE */
	atomic_bool producer_done;     /* written by the producer (release) after its last push; read by the consumer */
	atomic_bool producer_saw_full; /* written by the producer (relaxed) on a full ring; read by the consumer */
	atomic_bool consumer_saw_empty; /* written by the consumer (relaxed) on an empty ring; read by the producer */
	atomic_bool consumer_done;      /* written by the consumer (relaxed) when it stops; read by the observer */
	atomic_bool abandon;            /* written by either side (relaxed) when it stalls; read by all three */
	/*
	 * Items the producer has pushed or is pushing: written by the producer
	 * (release) before each push, read by the observer (acquire) after each
	 * spsc_size(): a size it saw can be no larger.
	 */
	atomic_uint_fast64_t announced;
	struct stress_result
	        r; /* full_hits: producer; size_*: observer; stalled: the side that stalled; rest: consumer */
};

/*
 * Random short pauses in phases: for 2^17 items the producer is the slow
 * side (the queue runs empty), then the consumer is (the queue fills, even
 * at capacity 65536), so both the full and the empty path are taken often
 * at every capacity.
 */
static void maybe_pause(uint64_t seq, bool producer, uint64_t *rng)
{
	bool slow_phase = ((seq >> 17) & 1) == (producer ? 0 : 1);
	uint64_t r = rng_next(rng);
	uint64_t odds = slow_phase ? 15 : 255; /* pause on 1 item in 16, or in 256 */

	if ((r & odds) == 0) {
		unsigned spins = (unsigned)(r >> 32) % (slow_phase ? 256 : 16);
		for (unsigned k = 0; k < spins; k++)
			spin_pause();
	}
}

/*
 * A wait that survives more threads than cores (CI, sanitizers): spin,
 * then yield. Bounded: after STRESS_STALL_SECONDS of failed tries the run
 * is abandoned, with `what` (the thing waited for) as the reason. Returns
 * false when the caller must stop.
 */
struct wait_state {
	unsigned tries;
	uint64_t since; /* when this wait began (read once every 1024 tries) */
};
static inline bool wait_a_little(struct stress *s, struct wait_state *w, const char *what)
{
	if (++w->tries < 64)
		spin_pause();
	else
		sched_yield();
	if ((w->tries & 1023) == 0) {
		uint64_t t = now_ns();
		if (w->since == 0)
			w->since = t;
		else if (t - w->since > (uint64_t)STRESS_STALL_SECONDS * 1000000000u) {
			s->r.stalled = what;
			atomic_store_explicit(&s->abandon, true, memory_order_relaxed);
		}
	}
	return !atomic_load_explicit(&s->abandon, memory_order_relaxed);
}

/* The most items one bulk call asks for: more than a capacity-64 ring holds. */
#define BULK_MAX 100

/*
 * The producer's next move: item i alone, or (bulk) a random batch of the
 * items from i on through spsc_try_push_n. Returns how many were pushed.
 */
static size_t push_some(struct stress *s, uint64_t i, uint64_t *rng)
{
#ifdef SPSC_HAS_BULK
	if (s->flags & STRESS_BULK) {
		uint64_t batch[BULK_MAX];
		size_t n = 1 + (size_t)(rng_next(rng) % BULK_MAX);

		if (n > s->items - i)
			n = (size_t)(s->items - i);
		for (size_t j = 0; j < n; j++)
			batch[j] = item_of(i + j);
		return spsc_try_push_n(s->q, batch, n);
	}
#else
	(void)rng;
#endif
	return spsc_try_push(s->q, item_of(i)) ? 1 : 0;
}

/* The consumer's next move: one item, or (bulk) a random number of them. */
static size_t pop_some(struct stress *s, uint64_t *out, uint64_t *rng)
{
#ifdef SPSC_HAS_BULK
	if (s->flags & STRESS_BULK)
		return spsc_try_pop_n(s->q, out, 1 + (size_t)(rng_next(rng) % BULK_MAX));
#else
	(void)rng;
#endif
	return spsc_try_pop(s->q, &out[0]) ? 1 : 0;
}

static void *producer_main(void *arg)
{
	struct stress *s = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL;

	for (uint64_t i = 0; i < s->items;) {
		struct wait_state w = {0};
		size_t k;
		/* RELEASE, pairs with the observer's ACQUIRE: this bound is visible before any item it covers. */
		uint64_t most = (s->flags & STRESS_BULK) ? BULK_MAX : 1; /* the most the next move can push */
		atomic_store_explicit(&s->announced, i + most < s->items ? i + most : s->items, memory_order_release);
		while ((k = push_some(s, i, &rng)) == 0) {
			s->r.full_hits++;
			atomic_store_explicit(&s->producer_saw_full, true, memory_order_relaxed);
			if (!wait_a_little(s, &w, "room: the queue stayed full"))
				return NULL;
		}
		for (size_t j = 0; j < k; j++, i++) {
			/*
			 * A quarter of the way, stop until the consumer has found the
			 * ring empty, as the consumer stops half-way until the producer
			 * has found it full: both boundaries are certain, not likely,
			 * whatever the relative speeds (sanitizers and emulators change
			 * them a lot).
			 */
			if (i == s->items / 4) {
				struct wait_state quarter = {0};
				while (!atomic_load_explicit(&s->consumer_saw_empty, memory_order_relaxed))
					if (!wait_a_little(s, &quarter, "the consumer to find the queue empty"))
						return NULL;
			}
			maybe_pause(i, true, &rng);
		}
	}
	/* RELEASE, pairs with the consumer's ACQUIRE load: all pushes happen before it sees done. */
	atomic_store_explicit(&s->producer_done, true, memory_order_release);
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct stress *s = arg;
	struct stress_result *r = &s->r;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	uint64_t got[BULK_MAX];

	for (uint64_t expect = 0; expect < s->items;) {
		size_t k;
		struct wait_state w = {0};
		for (;;) {
			/*
			 * ACQUIRE, pairs with the producer's RELEASE: read before the
			 * pop, so if the producer was already done, every push is
			 * visible to the pop and an empty queue means an item was lost.
			 */
			bool done = atomic_load_explicit(&s->producer_done, memory_order_acquire);
			if ((k = pop_some(s, got, &rng)) > 0)
				break;
			if (done) {
				r->lost = true;
				goto out;
			}
			r->empty_hits++;
			atomic_store_explicit(&s->consumer_saw_empty, true, memory_order_relaxed);
			if (!wait_a_little(s, &w, "an item: the queue stayed empty"))
				goto out;
		}
		for (size_t j = 0; j < k; j++, expect++) {
			r->moved++;
			/*
			 * Half-way, stop until the producer has found the ring full
			 * (or has finished: stage 1 never fills). The random pauses
			 * make full likely; this makes it certain, whatever the
			 * relative speeds of the two threads.
			 */
			if (expect == s->items / 2) {
				struct wait_state half = {0};
				while (!atomic_load_explicit(&s->producer_saw_full, memory_order_relaxed) &&
				       !atomic_load_explicit(&s->producer_done, memory_order_relaxed))
					if (!wait_a_little(s, &half, "the producer to find the queue full"))
						goto out;
			}
			if (got[j] != item_of(expect) && r->bad++ == 0) {
				r->first_bad = expect;
				r->got = seq_of(got[j]);
			}
			maybe_pause(expect, false, &rng);
		}
	}
out:
	atomic_store_explicit(&s->consumer_done, true, memory_order_relaxed);
	return NULL;
}

/*
 * The third thread: spsc_size() while both sides run. A sample must lie
 * between 0 and the capacity, and be no more than the producer had
 * announced by the time the sample was taken (for the unbounded stage 1,
 * the only bound). Every sample is checked.
 */
static void *observer_main(void *arg)
{
	struct stress *s = arg;
	struct stress_result *r = &s->r;
	size_t cap = spsc_capacity(s->q);

	while (!atomic_load_explicit(&s->consumer_done, memory_order_relaxed)) {
		size_t n = spsc_size(s->q);
		/* ACQUIRE, pairs with the producer's RELEASE store of announced. */
		uint64_t bound = atomic_load_explicit(&s->announced, memory_order_acquire);

		if (cap < bound)
			bound = cap;
		if (n > bound && r->size_bad++ == 0) {
			r->size_first_bad = n;
			r->size_bound = bound;
		}
		/* Three threads, and perhaps two cores: leave the two sides room to run. */
		if ((++r->size_samples & 255) == 0)
			sched_yield();
		else
			spin_pause();
	}
	return NULL;
}

struct stress_result stress_run(spsc_queue *q, uint64_t items, unsigned flags)
{
	struct stress s = {.q = q, .items = items, .flags = flags};
	pthread_t prod, cons, obs;

	atomic_init(&s.producer_done, false);
	atomic_init(&s.producer_saw_full, false);
	atomic_init(&s.consumer_done, false);
	atomic_init(&s.consumer_saw_empty, false);
	atomic_init(&s.abandon, false);
	atomic_init(&s.announced, 0);
	if (pthread_create(&cons, NULL, consumer_main, &s) != 0 ||
	    pthread_create(&prod, NULL, producer_main, &s) != 0 ||
	    ((flags & STRESS_OBSERVE) && pthread_create(&obs, NULL, observer_main, &s) != 0)) {
		perror("pthread_create");
		abort();
	}
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	if (flags & STRESS_OBSERVE)
		pthread_join(obs, NULL);
	return s.r;
}

bool stress_ok(const spsc_queue *q, uint64_t items, const struct stress_result *r, char *why, size_t len)
{
	bool bounded = spsc_capacity(q) != SIZE_MAX;

	if (r->stalled != NULL)
		snprintf(why, len, "no progress for %d s while waiting for %s (after %llu items)", STRESS_STALL_SECONDS,
		         r->stalled, (unsigned long long)r->moved);
	else if (r->lost)
		snprintf(why, len, "item %llu was lost: the producer finished and the queue is empty",
		         (unsigned long long)r->moved);
	else if (r->bad > 0)
		snprintf(why, len, "%llu items out of sequence; the first at position %llu was item %llu",
		         (unsigned long long)r->bad, (unsigned long long)r->first_bad, (unsigned long long)r->got);
	else if (r->size_bad > 0)
		snprintf(why, len,
		         "spsc_size from a third thread gave %llu, more than could be held (%llu), in %llu of %llu "
		         "samples",
		         (unsigned long long)r->size_first_bad, (unsigned long long)r->size_bound,
		         (unsigned long long)r->size_bad, (unsigned long long)r->size_samples);
	else if (r->moved != items || spsc_size(q) != 0)
		snprintf(why, len, "%llu of %llu items moved, %zu left in the queue", (unsigned long long)r->moved,
		         (unsigned long long)items, spsc_size(q));
	/* The run proves something only if both boundaries were reached. */
	else if (r->empty_hits == 0)
		snprintf(why, len, "the consumer never found the queue empty");
	else if (bounded && r->full_hits == 0)
		snprintf(why, len, "the producer never found the queue full");
	else
		return true;
	return false;
}
