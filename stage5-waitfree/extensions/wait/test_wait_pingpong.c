/*
 * stage5-waitfree/extensions/wait/test_wait_pingpong.c: the sleeper in a
 * ping-pong over two queues, where a lost wake-up cannot heal.
 *
 *   test-wait-pingpong [ITEMS [WATCHDOG]]   both orderings at capacities 1
 *       and 64, ITEMS items each way (default WAIT_PINGPONG_ITEMS), each run
 *       watched: no progress for WATCHDOG seconds (default 10) fails it
 *
 * In the one-way stress of test_wait.c, a consumer that missed its wake-up
 * at capacity 64 is woken by the producer's next push, and the loss goes
 * unseen. Here each side waits for the other's reply (wait_test.h's
 * exchange): the driver pushes a burst of 1 to 2 x capacity items, then
 * pops their replies; the echo pops each item and pushes it back. A lost
 * wake-up leaves both sides asleep, and the watchdog (in the parent
 * process) kills the run and says what each side was waiting for. Bursts
 * longer than a ring make the full-ring sleeps happen too; random pauses
 * of up to 300 us on both sides (1 item in 8) make each side outwait the
 * other's spinning.
 *
 * The window. A wake-up is lost when the other side's publish and its look
 * at the flag fall between the sleeper's re-check and its FUTEX_WAIT and
 * the waker does not swap the flag, or when a store-load reordering hides
 * the announcement. The first window is a few hundred nanoseconds; the
 * seam (wait_test.h) widens it: 1 FUTEX_WAIT in 4 waits 20-200 us before
 * it enters the kernel, as a sleeper preempted there would. The header as
 * shipped must lose nothing; its planted copy that wakes without swapping
 * (common/variants/stage5-waitfree/planted-wait-no-swap.patch) must be
 * caught by the watchdog: make test-wait-pingpong-control. (The reordering
 * is the spin model's to show, make model-wait: a test cannot make a CPU
 * reorder on demand.)
 *
 * A run passes only if every item arrived in order both ways, each side
 * slept in FUTEX_WAIT for the other's reply, and some side slept on a full
 * ring: a run that never took the slow path cannot pass.
 *
 * Tier: make check (check-wait runs test-wait-pingpong, gcc and clang, and
 * its control). Exit status: 0 passed, 1 a run failed, 2 bad arguments.
 */
#define _GNU_SOURCE /* before the first #include: spsc_wait.h makes Linux system calls */

#include "wait_test.h"

#ifndef WAIT_PINGPONG_ITEMS
#define WAIT_PINGPONG_ITEMS 10000
#endif

struct pp_run {
	enum spsc_wait_order order;
	size_t capacity;
	uint64_t items;
	unsigned watchdog;
};

/* The slow path, all three ways: each side waited for the other, and some side for room. */
static int pp_check(const struct exchange *x, const char *name)
{
	uint64_t echo_waits = x->fwd->consumer.futex_waits, driver_waits = x->back->consumer.futex_waits;
	uint64_t full_waits = x->fwd->producer.futex_waits + x->back->producer.futex_waits;

	if (echo_waits > 0 && driver_waits > 0 && full_waits > 0)
		return 0;
	fprintf(stderr,
	        "%s: FAILED: the slow path was not taken both ways: FUTEX_WAIT by the echo for an item %" PRIu64
	        ", by the driver for a reply %" PRIu64 ", by a side for room %" PRIu64 "\n",
	        name, echo_waits, driver_waits, full_waits);
	return 1;
}

static void pp_report(const struct exchange *x, const char *name, const struct pp_run *r)
{
	struct spsc_wait_stats d = exchange_side(x, 0), e = exchange_side(x, 1);
	uint64_t full = x->fwd->producer.sleeps + x->back->producer.sleeps;

	printf("== %s: %" PRIu64 " items each way in bursts of 1-%zu, every one in order; the driver slept %" PRIu64
	       " times (%" PRIu64 " futex waits, %" PRIu64 " membarriers), the echo %" PRIu64 " (%" PRIu64 ", %" PRIu64
	       "), %" PRIu64 " of them on a full ring; %" PRIu64 " + %" PRIu64 " wake-ups; %" PRIu64
	       " FUTEX_WAITs delayed 20-200 us; none lost (watchdog %u s)\n",
	       name, r->items, x->max_burst, d.sleeps, d.futex_waits, d.membarriers, e.sleeps, e.futex_waits,
	       e.membarriers, full, d.futex_wakes, e.futex_wakes, atomic_load(&wait_delays), r->watchdog);
}

/* In the child: one run. */
static int pp_case(void *arg)
{
	const struct pp_run *r = arg;
	struct exchange x = {.items = r->items, .pause_per_mille = 125, .pause_max_us = 300};
	char name[64];

	snprintf(name, sizeof(name), "ping-pong %s capacity %zu", order_name(r->order), r->capacity);
	x.seed = 0x5eed0000u + r->capacity * 2 + (r->order == SPSC_WAIT_MEMBARRIER);
	wait_seam_reset();
	wait_delay.per_mille = 250;
	wait_delay.min_us = 20;
	wait_delay.max_us = 200;
	if (!exchange_open(&x, r->capacity, r->order))
		return 1;
	exchange_run(&x);
	int failed = pp_check(&x, name);
	if (!failed)
		pp_report(&x, name, r);
	exchange_close(&x);
	return failed;
}

int main(int argc, char **argv)
{
	const char *usage = "[ITEMS [WATCHDOG_SECONDS]]";
	uint64_t items = WAIT_PINGPONG_ITEMS, watchdog = 10;

	if (argc > 3)
		wait_usage(argv, 0, NULL, usage);
	wait_arg(argc, argv, 1, 1, UINT64_MAX / 2, &items, usage);
	wait_arg(argc, argv, 2, 1, 3600, &watchdog, usage);
	const enum spsc_wait_order orders[] = {SPSC_WAIT_FENCE, SPSC_WAIT_MEMBARRIER};
	const size_t caps[] = {1, 64};
	for (size_t o = 0; o < 2; o++)
		for (size_t k = 0; k < 2; k++) {
			struct pp_run r = {orders[o], caps[k], items, (unsigned)watchdog};
			char name[64];
			snprintf(name, sizeof(name), "test-wait-pingpong %s capacity %zu", order_name(r.order),
			         r.capacity);
			if (watch_run(name, pp_case, &r, r.watchdog) != 0)
				return 1;
		}
	printf("== ping-pong: both orderings at capacities 1 and 64 passed (%" PRIu64 " items each way per run)\n",
	       items);
	return 0;
}
