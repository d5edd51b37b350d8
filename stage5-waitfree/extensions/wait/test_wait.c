/*
 * stage5-waitfree/extensions/wait/test_wait.c: the blocking calls of stage5-waitfree/extensions/wait/spsc_wait.h,
 * for both orderings (SPSC_WAIT_FENCE, SPSC_WAIT_MEMBARRIER).
 *
 *   test-wait [ITEMS]   the single-thread checks, then a two-thread stress
 *                       per ordering at capacities 1 and 64, ITEMS items
 *                       each (default WAIT_ITEMS)
 *
 * The stress: the producer pushes item_of(0), item_of(1), ... with
 * spsc_push_wait_until, the consumer pops with spsc_pop_wait_until and
 * checks every item's sequence number. Both sides take random pauses (a
 * nanosleep of 20-300 us), in phases: for 2^12 items the producer is the
 * slow side, so the consumer runs dry and sleeps; then the consumer is, so
 * the producer fills the ring and sleeps. A run passes only if both sides
 * really slept in FUTEX_WAIT and each woke the other at least once: a test
 * that never took the slow path cannot pass. Every wait has a deadline
 * (WAIT_STALL_SECONDS): a lost wake-up fails the run, with what it waited
 * for, instead of hanging.
 *
 * Under ThreadSanitizer (`make test-wait-tsan`): TSan checks the slot
 * hand-off, which is stage 5's own release store and acquire load of
 * tail (and head): with them a data race on a slot would be reported, and
 * none is. TSan cannot check the sleeper protocol: it does not model
 * atomic_thread_fence (GCC warns so, -Wtsan, silenced below) nor
 * membarrier(2), and it judges only the interleaving that ran, by
 * happens-before: it never asks whether a load could have read an older
 * value, which is how a wake-up is lost (the store-buffering outcome). A
 * lost wake-up would show here only as a deadline passed; the spin model
 * (stage5-waitfree/extensions/wait/wait.pml) is the check of the ordering.
 *
 * Exit status: 0 all passed, 1 a check failed, 2 bad arguments.
 */
#define _GNU_SOURCE /* before the first #include: spsc_wait.h makes Linux system calls */

#if defined(__SANITIZE_THREAD__) && !defined(__clang__) && __GNUC__ >= 12
/* GCC: "atomic_thread_fence is not supported with -fsanitize=thread". Known; see above. */
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "parse_number.h"
#include "sequence.h"
#include "extensions/wait/spsc_wait.h"

#ifndef WAIT_ITEMS
#define WAIT_ITEMS 200000
#endif
#ifndef WAIT_STALL_SECONDS
#define WAIT_STALL_SECONDS 20
#endif

static int failures;

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "test-wait: FAILED %s:%d: ", __FILE__, __LINE__);                              \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
			failures++;                                                                                    \
		}                                                                                                      \
	} while (0)

static const char *order_name(enum spsc_wait_order order)
{
	return order == SPSC_WAIT_FENCE ? "fence" : "membarrier";
}

/* An absolute CLOCK_MONOTONIC time ns from now (now_ns is on that clock). */
static struct timespec deadline_in(uint64_t ns)
{
	uint64_t t = now_ns() + ns;

	return (struct timespec){.tv_sec = (time_t)(t / 1000000000u), .tv_nsec = (long)(t % 1000000000u)};
}

/* ---------------------------------------------------------------- single thread */

/* A bad capacity or order: NULL with errno EINVAL, the convention's failure. */
static void test_create_refuses(enum spsc_wait_order order)
{
	errno = 0;
	CHECK(spsc_waitq_create(0, order) == NULL && errno == EINVAL, "%s: capacity 0 gave errno %d, not EINVAL",
	      order_name(order), errno);
	errno = 0;
	CHECK(spsc_waitq_create(4, (enum spsc_wait_order)7) == NULL && errno == EINVAL,
	      "an unknown order gave errno %d, not EINVAL", errno);
}

/* Empty: the pop sleeps until the deadline, then returns false (errno ETIMEDOUT) and leaves *item alone. */
static void test_pop_times_out(spsc_waitq *w, const char *name)
{
	uint64_t item = 42;
	struct timespec d = deadline_in(20 * 1000000u);

	errno = 0;
	CHECK(!spsc_pop_wait_until(w, &item, &d) && errno == ETIMEDOUT && item == 42,
	      "%s: a pop on an empty queue did not time out cleanly (errno %d, item %" PRIu64 ")", name, errno, item);
	CHECK(w->consumer.sleeps >= 1 && w->consumer.futex_waits >= 1,
	      "%s: the timed-out pop did not sleep (%" PRIu64 " sleeps, %" PRIu64 " futex waits)", name,
	      w->consumer.sleeps, w->consumer.futex_waits);
	CHECK(w->order == SPSC_WAIT_FENCE ? w->consumer.membarriers == 0 : w->consumer.membarriers >= 1,
	      "%s: %" PRIu64 " membarrier calls", name, w->consumer.membarriers);
	CHECK(atomic_load(&w->consumer_asleep) == 0, "%s: the timed-out consumer left its flag set", name);
}

/* One item: the pop returns it at once; with the ring (of 1) full, the push times out. */
static void test_push_times_out(spsc_waitq *w, const char *name)
{
	uint64_t item = 0;

	CHECK(spsc_push_wait_until(w, 7, NULL), "%s: a push into an empty queue failed", name);
	struct timespec d = deadline_in(20 * 1000000u);
	errno = 0;
	CHECK(!spsc_push_wait_until(w, 8, &d) && errno == ETIMEDOUT,
	      "%s: a push into a full queue did not time out (errno %d)", name, errno);
	CHECK(w->producer.futex_waits >= 1, "%s: the timed-out push did not sleep", name);
	CHECK(spsc_size(w->q) == 1, "%s: size %zu after a timed-out push, not 1", name, spsc_size(w->q));
	spsc_pop_wait(w, &item);
	CHECK(item == 7, "%s: popped %" PRIu64 ", not 7", name, item);
	/* Nobody slept meanwhile: neither side made a wake-up call. */
	CHECK(w->producer.futex_wakes == 0 && w->consumer.futex_wakes == 0,
	      "%s: a wake-up call with nobody asleep (%" PRIu64 ", %" PRIu64 ")", name, w->producer.futex_wakes,
	      w->consumer.futex_wakes);
}

static void test_single_thread(enum spsc_wait_order order)
{
	const char *name = order_name(order);
	uint64_t item;

	test_create_refuses(order);
	spsc_waitq *w = spsc_waitq_create(1, order);
	if (w == NULL) {
		CHECK(0, "%s: spsc_waitq_create(1): %s", name, strerror(errno));
		return;
	}
	test_pop_times_out(w, name);
	test_push_times_out(w, name);
	/* The wait-free calls still work on w->q. */
	CHECK(spsc_try_push(w->q, 9) && !spsc_try_push(w->q, 10), "%s: try_push on w->q", name);
	CHECK(spsc_try_pop(w->q, &item) && item == 9 && !spsc_try_pop(w->q, &item), "%s: try_pop on w->q", name);
	spsc_waitq_destroy(w);
	spsc_waitq_destroy(NULL);
}

/* ---------------------------------------------------------------- two threads */

struct run {
	spsc_waitq *w;
	uint64_t items;
	/* Set by the side that stopped early (written by that thread; read after the join). */
	const char *producer_stalled, *consumer_stalled;
	/* The consumer's findings: written by the consumer, read after the join. */
	uint64_t moved, bad, first_bad, got;
};

/*
 * For 2^12 items the producer is the slow side, then the consumer is: on
 * 1 item in 64 of its slow phase a side sleeps 20-300 us, long enough for
 * the other to spin out and sleep on the futex.
 */
static void maybe_pause(uint64_t seq, bool producer, uint64_t *rng)
{
	bool slow_phase = ((seq >> 12) & 1) == (producer ? 0 : 1);
	uint64_t r = rng_next(rng);

	if (slow_phase && (r & 63) == 0) {
		struct timespec t = {0, (long)(20000 + (r >> 32) % 280000)};
		nanosleep(&t, NULL);
	}
}

static void *producer_main(void *arg)
{
	struct run *r = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL;

	for (uint64_t i = 0; i < r->items; i++) {
		struct timespec d = deadline_in((uint64_t)WAIT_STALL_SECONDS * 1000000000u);
		if (!spsc_push_wait_until(r->w, item_of(i), &d)) {
			r->producer_stalled = "room: the queue stayed full (a lost wake-up?)";
			return NULL;
		}
		maybe_pause(i, true, &rng);
	}
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct run *r = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	for (uint64_t expect = 0; expect < r->items; expect++) {
		uint64_t item;
		struct timespec d = deadline_in((uint64_t)WAIT_STALL_SECONDS * 1000000000u);
		if (!spsc_pop_wait_until(r->w, &item, &d)) {
			r->consumer_stalled = "an item: the queue stayed empty (a lost wake-up?)";
			return NULL;
		}
		r->moved++;
		if (item != item_of(expect) && r->bad++ == 0) {
			r->first_bad = expect;
			r->got = seq_of(item);
		}
		maybe_pause(expect, false, &rng);
	}
	return NULL;
}

/* Every item arrived, in order, and neither side waited past its deadline. */
static void check_items(const struct run *r, const char *name, size_t capacity)
{
	CHECK(r->producer_stalled == NULL && r->consumer_stalled == NULL, "%s capacity %zu: waited %d s for %s", name,
	      capacity, WAIT_STALL_SECONDS, r->producer_stalled ? r->producer_stalled : r->consumer_stalled);
	CHECK(r->moved == r->items, "%s capacity %zu: %" PRIu64 " of %" PRIu64 " items arrived", name, capacity,
	      r->moved, r->items);
	CHECK(r->bad == 0,
	      "%s capacity %zu: %" PRIu64 " items out of sequence, the first at position %" PRIu64
	      " (sequence number %" PRIu64 ")",
	      name, capacity, r->bad, r->first_bad, r->got);
	CHECK(spsc_size(r->w->q) == 0, "%s capacity %zu: %zu items left over", name, capacity, spsc_size(r->w->q));
}

/* The slow path, on both sides: this test cannot pass on the spinning alone. */
static void check_slept(const spsc_waitq *w, const char *name, size_t capacity)
{
	const struct spsc_wait_stats *ps = &w->producer, *cs = &w->consumer;

	CHECK(cs->futex_waits > 0 && ps->futex_wakes > 0,
	      "%s capacity %zu: the consumer never slept (%" PRIu64 " futex waits, %" PRIu64 " wakes by the producer)",
	      name, capacity, cs->futex_waits, ps->futex_wakes);
	CHECK(ps->futex_waits > 0 && cs->futex_wakes > 0,
	      "%s capacity %zu: the producer never slept (%" PRIu64 " futex waits, %" PRIu64 " wakes by the consumer)",
	      name, capacity, ps->futex_waits, cs->futex_wakes);
	CHECK(w->order == SPSC_WAIT_FENCE ? cs->membarriers + ps->membarriers == 0
	                                  : cs->membarriers == cs->sleeps && ps->membarriers == ps->sleeps,
	      "%s capacity %zu: membarrier calls %" PRIu64 " + %" PRIu64 " for %" PRIu64 " + %" PRIu64 " sleeps", name,
	      capacity, cs->membarriers, ps->membarriers, cs->sleeps, ps->sleeps);
}

static void report_run(const spsc_waitq *w, const char *name, size_t capacity, uint64_t items)
{
	const struct spsc_wait_stats *ps = &w->producer, *cs = &w->consumer;

	printf("== wait %s capacity %zu: %" PRIu64 " items in order; consumer slept %" PRIu64 " times (%" PRIu64
	       " futex waits, %" PRIu64 " membarriers), producer %" PRIu64 " (%" PRIu64 ", %" PRIu64 "); wakes %" PRIu64
	       " by the producer, %" PRIu64 " by the consumer\n",
	       name, capacity, items, cs->sleeps, cs->futex_waits, cs->membarriers, ps->sleeps, ps->futex_waits,
	       ps->membarriers, ps->futex_wakes, cs->futex_wakes);
}

static void test_two_threads(enum spsc_wait_order order, size_t capacity, uint64_t items)
{
	const char *name = order_name(order);
	struct run r = {.items = items};
	pthread_t p, c;

	r.w = spsc_waitq_create(capacity, order);
	if (r.w == NULL) {
		CHECK(0, "%s: spsc_waitq_create(%zu): %s", name, capacity, strerror(errno));
		return;
	}
	if (r.w->order != order) /* a kernel without membarrier: create fell back */
		name = "membarrier (fell back to fence: the kernel has no expedited membarrier)";
	if (pthread_create(&c, NULL, consumer_main, &r) != 0 || pthread_create(&p, NULL, producer_main, &r) != 0) {
		fprintf(stderr, "test-wait: pthread_create failed\n");
		exit(1);
	}
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	int before = failures;
	check_items(&r, name, capacity);
	check_slept(r.w, name, capacity);
	if (failures == before)
		report_run(r.w, name, capacity, items);
	spsc_waitq_destroy(r.w);
}

int main(int argc, char **argv)
{
	uint64_t items = WAIT_ITEMS;
	const char *why = NULL;

	if (argc > 2 || (argc == 2 && (why = parse_number(argv[1], 1, UINT64_MAX, &items)) != NULL)) {
		if (why != NULL)
			fprintf(stderr, "%s: ITEMS '%s' %s\n", argv[0], argv[1], why);
		fprintf(stderr, "usage: %s [ITEMS]  (ITEMS > 0, default %llu)\n", argv[0],
		        (unsigned long long)WAIT_ITEMS);
		return 2;
	}
	const enum spsc_wait_order orders[] = {SPSC_WAIT_FENCE, SPSC_WAIT_MEMBARRIER};
	const size_t caps[] = {1, 64};
	for (size_t o = 0; o < 2; o++) {
		test_single_thread(orders[o]);
		for (size_t k = 0; k < 2; k++)
			test_two_threads(orders[o], caps[k], items);
	}
	if (failures > 0) {
		fprintf(stderr, "test-wait: %d check(s) FAILED\n", failures);
		return 1;
	}
	printf("== wait: both orderings passed (single-thread checks; %" PRIu64 " items per two-thread run)\n", items);
	return 0;
}
