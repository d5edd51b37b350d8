/*
 * common/test/stress.c: one producer thread and one consumer thread move items
 * through a queue; the consumer checks every item's sequence number.
 *
 * Compiled against each stage's spsc.h. Used by the Criterion contract
 * suite and, because Criterion cannot run under ThreadSanitizer
 * (Snaipe/Criterion#274), by the plain runner common/test/stress_main.c that
 * `make tsan` builds.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "spin.h"
#include "queue.h"
#include "test_support.h"

struct stress {
	spsc_queue *q;
	uint64_t items;
	bool bulk;                     /* spsc_try_push_n / spsc_try_pop_n with random batches */
	atomic_bool producer_done;     /* written by the producer (release) after its last push; read by the consumer */
	atomic_bool producer_saw_full; /* written by the producer (relaxed) on a full ring; read by the consumer */
	struct stress_result r;        /* full_hits: producer only; the rest: consumer only; read after join */
};

/* xorshift64: cheap, per-thread, deterministic. */
static inline uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Random short pauses in phases: for 2^17 items the producer is the slow
 * side (the queue runs empty), then the consumer is (the queue fills, even
 * at capacity 65536), so both the full and the empty path are taken often
 * at every capacity.
 */
static void maybe_pause(uint64_t seq, bool producer, uint64_t *rng)
{
	bool slow_phase = ((seq >> 17) & 1) == (producer ? 0 : 1);
	uint64_t r = next_rand(rng);
	uint64_t odds = slow_phase ? 15 : 255; /* pause on 1 item in 16, or in 256 */

	if ((r & odds) == 0) {
		unsigned spins = (unsigned)(r >> 32) % (slow_phase ? 256 : 16);
		for (unsigned k = 0; k < spins; k++)
			spin_pause();
	}
}

/* A wait that survives more threads than cores (CI, sanitizers): spin, then yield. */
static inline void wait_a_little(unsigned *tries)
{
	if (++*tries < 64)
		spin_pause();
	else
		sched_yield();
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
	if (s->bulk) {
		uint64_t batch[BULK_MAX];
		size_t n = 1 + (size_t)(next_rand(rng) % BULK_MAX);

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
	if (s->bulk)
		return spsc_try_pop_n(s->q, out, 1 + (size_t)(next_rand(rng) % BULK_MAX));
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
		unsigned tries = 0;
		size_t k;
		while ((k = push_some(s, i, &rng)) == 0) {
			s->r.full_hits++;
			atomic_store_explicit(&s->producer_saw_full, true, memory_order_relaxed);
			wait_a_little(&tries);
		}
		for (size_t j = 0; j < k; j++, i++)
			maybe_pause(i, true, &rng);
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
		unsigned tries = 0;
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
				return NULL;
			}
			r->empty_hits++;
			wait_a_little(&tries);
		}
		for (size_t j = 0; j < k; j++, expect++) {
			r->moved++;
			/*
			 * Half-way, stop until the producer has found the ring full
			 * (or has finished: stage 1 never fills). The random pauses
			 * make full likely; this makes it certain, whatever the
			 * relative speeds of the two threads (ThreadSanitizer changes
			 * them a lot).
			 */
			if (expect == s->items / 2)
				while (!atomic_load_explicit(&s->producer_saw_full, memory_order_relaxed) &&
				       !atomic_load_explicit(&s->producer_done, memory_order_relaxed))
					sched_yield();
			if (got[j] != item_of(expect) && r->bad++ == 0) {
				r->first_bad = expect;
				r->got = seq_of(got[j]);
			}
			maybe_pause(expect, false, &rng);
		}
	}
	return NULL;
}

struct stress_result stress_run(spsc_queue *q, uint64_t items, bool bulk)
{
	struct stress s = {.q = q, .items = items, .bulk = bulk};
	pthread_t prod, cons;

	atomic_init(&s.producer_done, false);
	atomic_init(&s.producer_saw_full, false);
	if (pthread_create(&cons, NULL, consumer_main, &s) != 0 ||
	    pthread_create(&prod, NULL, producer_main, &s) != 0) {
		perror("pthread_create");
		abort();
	}
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	return s.r;
}

bool stress_ok(const spsc_queue *q, uint64_t items, const struct stress_result *r, char *why, size_t len)
{
	bool bounded = spsc_capacity(q) != SIZE_MAX;

	if (r->lost)
		snprintf(why, len, "item %llu was lost: the producer finished and the queue is empty",
		         (unsigned long long)r->moved);
	else if (r->bad > 0)
		snprintf(why, len, "%llu items out of sequence; the first at position %llu was item %llu",
		         (unsigned long long)r->bad, (unsigned long long)r->first_bad, (unsigned long long)r->got);
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
