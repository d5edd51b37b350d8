/*
 * stage5-waitfree/extensions/wait/test_wait_deadline.c: the deadlines of
 * spsc_push_wait_until and spsc_pop_wait_until, both orderings.
 *
 *   test-wait-deadline [RUNS]   the checks below; RUNS waits per overshoot
 *                               measurement (default 200)
 *
 *   malformed   tv_nsec of 10^9, 2 x 10^9, -1, LONG_MAX or LONG_MIN, a
 *               negative tv_sec: false with EINVAL at once, for a push that
 *               would have succeeded and a pop that would have: nothing
 *               moved, *item untouched, not one system call made (the seam
 *               of wait_test.h counts them).
 *   spurious    5 FUTEX_WAITs that return EINTR, then 5 that return
 *               EAGAIN (the seam): the pop sleeps again each time and
 *               returns false with ETIMEDOUT, not before its deadline.
 *   overshoot   RUNS pops on an empty queue, each with a deadline 1-4 ms
 *               away: every one must return false with ETIMEDOUT at or
 *               after its deadline (the assertion); how long after is
 *               measured and printed, median and maximum, never asserted:
 *               a speed is not a correctness property. Then RUNS more,
 *               each FUTEX_WAIT delayed 2 ms by the seam before it enters
 *               the kernel, with deadlines 5 ms away: a caller preempted on
 *               its way into the kernel. The deadline is absolute all the
 *               way down (FUTEX_WAIT_BITSET), so the delay must not be
 *               added to the overshoot; a relative timeout computed before
 *               the delay would add it. The kernel ends a sleep up to the
 *               thread's timer slack late (prctl PR_GET_TIMERSLACK,
 *               printed): that is most of the median.
 *
 * Tier: make check (check-wait: test-wait-deadline, gcc and clang).
 * Exit status: 0 passed, 1 a check failed, 2 bad arguments.
 */
#define _GNU_SOURCE /* before the first #include: spsc_wait.h makes Linux system calls */

#include <sys/prctl.h>

#include "wait_test.h"

#define DEADLINE_WATCHDOG 20

struct dl_run {
	enum spsc_wait_order order;
	uint64_t runs;
};

static const struct timespec malformed[] = {{1, 1000000000L}, {1, 2000000000L}, {1, -1}, {1, LONG_MAX},
                                            {1, LONG_MIN},    {-1, 0},          {-1, 5}, {-3600, 999999999L}};
#define MALFORMED (sizeof(malformed) / sizeof(malformed[0]))

/* One malformed deadline: a push into an empty queue and a pop from a full one both refused. */
static int dl_refused(spsc_waitq *w, const struct timespec *d, const char *name)
{
	uint64_t item = 42, calls = wait_calls_total();
	int push_err, pop_err;

	errno = 0;
	bool pushed = spsc_push_wait_until(w, 7, d);
	push_err = errno;
	size_t size = spsc_size(w->q);
	spsc_try_push(w->q, 8);
	errno = 0;
	bool popped = spsc_pop_wait_until(w, &item, d);
	pop_err = errno;
	bool left = spsc_try_pop(w->q, &item) && item == 8;
	if (!pushed && push_err == EINVAL && size == 0 && !popped && pop_err == EINVAL && left &&
	    wait_calls_total() == calls)
		return 0;
	fprintf(stderr,
	        "%s: FAILED: deadline {%lld, %ld}: push %d (errno %d, size %zu), pop %d (errno %d, item left %d), "
	        "%" PRIu64 " system calls\n",
	        name, (long long)d->tv_sec, d->tv_nsec, pushed, push_err, size, popped, pop_err, left,
	        wait_calls_total() - calls);
	return 1;
}

/* A pop on the empty queue w, deadline ns away: false, ETIMEDOUT, not early. How late (ns), or -1. */
static int64_t dl_wait(spsc_waitq *w, uint64_t ns, const char *name)
{
	uint64_t item = 42, due = now_ns() + ns;
	struct timespec d = ts_of_ns(due);

	errno = 0;
	bool popped = spsc_pop_wait_until(w, &item, &d);
	int err = errno;
	uint64_t back = now_ns();
	watch_progress();
	if (!popped && err == ETIMEDOUT && item == 42 && back >= due)
		return (int64_t)(back - due);
	fprintf(stderr, "%s: FAILED: a wait of %.3f ms returned %d, errno %d, %.3f ms %s its deadline\n", name,
	        (double)ns / 1e6, popped, err, (double)(back > due ? back - due : due - back) / 1e6,
	        back >= due ? "after" : "BEFORE");
	return -1;
}

static int dl_malformed(spsc_waitq *w, const char *name)
{
	for (size_t i = 0; i < MALFORMED; i++)
		if (dl_refused(w, &malformed[i], name) != 0)
			return 1;
	printf("== %s: %zu malformed deadlines refused with EINVAL at once, push and pop: nothing moved, no system "
	       "call\n",
	       name, MALFORMED);
	return 0;
}

/* The next n FUTEX_WAITs fail with err. */
static void dl_spurious_next(int err, uint64_t n)
{
	wait_faults[CALL_FUTEX_WAIT] = (struct wait_fault){err, -1, atomic_load(&wait_calls[CALL_FUTEX_WAIT]), n, 1000};
}

/* 5 x EINTR, then 5 x EAGAIN from FUTEX_WAIT: each time the pop sleeps again, until its deadline. */
static int dl_spurious(spsc_waitq *w, const char *name)
{
	uint64_t waits = w->consumer.futex_waits;
	int64_t late[2];

	dl_spurious_next(EINTR, 5);
	late[0] = dl_wait(w, 30000000u, name);
	dl_spurious_next(EAGAIN, 5);
	late[1] = late[0] < 0 ? -1 : dl_wait(w, 30000000u, name);
	wait_faults[CALL_FUTEX_WAIT] = (struct wait_fault){0};
	waits = w->consumer.futex_waits - waits;
	if (late[1] < 0)
		return 1;
	if (waits < 12) {
		fprintf(stderr, "%s: FAILED: 10 spurious returns took %" PRIu64 " FUTEX_WAITs, not 12 or more\n", name,
		        waits);
		return 1;
	}
	printf("== %s: 5 x EINTR, then 5 x EAGAIN from FUTEX_WAIT: slept again each time (%" PRIu64
	       " FUTEX_WAITs), false with ETIMEDOUT %.3f and %.3f ms after 30 ms deadlines\n",
	       name, waits, (double)late[0] / 1e6, (double)late[1] / 1e6);
	return 0;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* runs waits of base + 0..spread ns: none early; the overshoot's median and maximum printed. */
static int dl_overshoot(spsc_waitq *w, const struct dl_run *r, uint64_t base, uint64_t spread, const char *what)
{
	uint64_t *late = calloc(r->runs, sizeof(*late)), rng = 0x0ddba11;
	char name[96];

	snprintf(name, sizeof(name), "deadline overshoot %s, %s", order_name(r->order), what);
	if (late == NULL)
		return 1;
	for (uint64_t i = 0; i < r->runs; i++) {
		int64_t ns = dl_wait(w, base + rng_next(&rng) % (spread + 1), name);
		if (ns < 0) {
			free(late);
			return 1;
		}
		late[i] = (uint64_t)ns;
	}
	qsort(late, r->runs, sizeof(*late), by_value);
	char span[32];
	int n = snprintf(span, sizeof(span), "%.0f", (double)base / 1e6);
	if (spread > 0)
		snprintf(span + n, sizeof(span) - (size_t)n, " to %.0f", (double)(base + spread) / 1e6);
	printf("== %s: %" PRIu64 " waits of %s ms, none before its deadline; after it: median %.1f us, max %.1f us "
	       "(timer slack %d us)\n",
	       name, r->runs, span, (double)late[r->runs / 2] / 1e3, (double)late[r->runs - 1] / 1e3,
	       prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) / 1000);
	free(late);
	return 0;
}

/* In the child: every check for one ordering. */
static int dl_case(void *arg)
{
	const struct dl_run *r = arg;
	char name[64];
	int failed;

	snprintf(name, sizeof(name), "deadline %s", order_name(r->order));
	wait_seam_reset();
	spsc_waitq *w = spsc_waitq_create(1, r->order);
	if (w == NULL) {
		fprintf(stderr, "%s: FAILED: spsc_waitq_create: %s\n", name, strerror(errno));
		return 1;
	}
	failed = dl_malformed(w, name) || dl_spurious(w, name) || dl_overshoot(w, r, 1000000u, 3000000u, "plain");
	if (!failed) {
		wait_delay.per_mille = 1000;
		wait_delay.min_us = wait_delay.max_us = 2000;
		failed = dl_overshoot(w, r, 5000000u, 0, "preempted 2 ms before each FUTEX_WAIT");
	}
	spsc_waitq_destroy(w);
	return failed;
}

int main(int argc, char **argv)
{
	uint64_t runs = 200;

	if (argc > 2)
		wait_usage(argv, 0, NULL, "[RUNS]");
	wait_arg(argc, argv, 1, 1, 100000, &runs, "[RUNS]");
	struct dl_run fence = {SPSC_WAIT_FENCE, runs}, membarrier = {SPSC_WAIT_MEMBARRIER, runs};
	if (watch_run("test-wait-deadline fence", dl_case, &fence, DEADLINE_WATCHDOG) != 0 ||
	    watch_run("test-wait-deadline membarrier", dl_case, &membarrier, DEADLINE_WATCHDOG) != 0)
		return 1;
	printf("== deadline: both orderings passed\n");
	return 0;
}
