/*
 * stage5-waitfree/extensions/wait/test_wait_inject.c: every kernel call of
 * spsc_wait.h made to fail, one case per call and errno, each answered as
 * the header's comment ("WHEN THE KERNEL SAYS NO") and common/CONTRACT.md
 * say: an errno from spsc_waitq_create, or a fallback that keeps every
 * item and every wake-up. Nothing aborts.
 *
 *   test-wait-inject [CASE [WATCHDOG]]   every case, or those whose name
 *       starts with CASE; a case that stops moving for WATCHDOG seconds
 *       (default 10) fails
 *
 * The failures come through the seam of wait_test.h (SPSC_WAIT_SYSCALL):
 * the membarrier query, registration and barrier, FUTEX_WAIT, FUTEX_WAKE
 * and clock_gettime, each with the errnos that apply to it, once, for
 * ever, or one call in two. Each case runs in a child process the parent
 * watches: an abort() is reported as SIGABRT, a lost wake-up as no
 * progress for the watchdog's seconds, and neither takes the others down. A case passes
 * only if
 *   - create refused with the errno the contract lists, and the next
 *     create, unhindered, worked; or
 *   - create fell back to SPSC_WAIT_FENCE (w->order) where the kernel
 *     lacks membarrier; and then, as for every other case,
 *   - a pop on an empty queue with a deadline 20 ms away returned false
 *     with ETIMEDOUT, not before the deadline;
 *   - a ping-pong of WAIT_INJECT_ITEMS items each way over two queues of
 *     capacity 1 (wait_test.h's exchange: each side waits for the other's
 *     reply, so a lost wake-up stops it) moved every item in order;
 *   - the fault struck at least once, and the counter that documents the
 *     fallback (w->producer and w->consumer: fallbacks, wake_retries)
 *     moved: a case that tested nothing cannot pass.
 * Built with AddressSanitizer and UBSan (gcc and clang): clean, no leak.
 *
 * Its negative controls (make test-wait-inject-control): the copies of
 * spsc_wait.h that abort on a failed membarrier, that take the end of a
 * bounded sleep for the deadline, and that do not retry a failed wake
 * (common/variants/stage5-waitfree/planted-wait-*.patch) must each fail
 * their case.
 *
 * Tier: make check (check-wait). Exit status: 0 passed, 1 a case failed, 2 bad arguments.
 */
#define _GNU_SOURCE /* before the first #include: spsc_wait.h makes Linux system calls */

#include "wait_test.h"

#ifndef WAIT_INJECT_ITEMS
#define WAIT_INJECT_ITEMS 1000
#endif
#define INJECT_DEADLINE_NS 20000000u

enum inject_expect {
	EXPECT_RUNS,  /* the queue works through the fault */
	EXPECT_FENCE, /* create falls back to SPSC_WAIT_FENCE, then works */
	EXPECT_ERRNO  /* create fails with the fault's errno */
};
enum inject_counter { COUNT_NOTHING, COUNT_FALLBACKS, COUNT_RETRIES };

struct inject_case {
	const char *name;
	enum spsc_wait_order order;
	struct wait_fault_spec {
		enum wait_call call;
		int err; /* 0: the call returns ret */
		long ret;
		uint64_t count; /* 0: no fault */
		unsigned per_mille;
		bool at_deadline; /* armed only for the deadline's wait, from the next call */
	} fault[2];
	enum inject_expect expect;
	enum inject_counter counter; /* what must show the fallback */
};

#define MB    SPSC_WAIT_MEMBARRIER
#define FENCE SPSC_WAIT_FENCE
#define FAULT(call, err, count, per_mille)                                                                             \
	{                                                                                                              \
		call, err, -1, count, per_mille, false                                                                 \
	}
#define NO_FAULT                                                                                                       \
	{                                                                                                              \
		CALL_FUTEX_WAIT, 0, 0, 0, 0, false                                                                     \
	}
#define ONCE(call, err)                                                                                                \
	{                                                                                                              \
		FAULT(call, err, 1, 1000), NO_FAULT                                                                    \
	}
#define ALWAYS(call, err)                                                                                              \
	{                                                                                                              \
		FAULT(call, err, WAIT_FOREVER, 1000), NO_FAULT                                                         \
	}
#define HALF(call, err)                                                                                                \
	{                                                                                                              \
		FAULT(call, err, WAIT_FOREVER, 500), NO_FAULT                                                          \
	}

static const struct inject_case cases[] = {
        {"membarrier-query ENOSYS: create falls back to fence", MB, ALWAYS(CALL_MB_QUERY, ENOSYS), EXPECT_FENCE,
         COUNT_NOTHING},
        {"membarrier-query EINVAL: create falls back to fence", MB, ALWAYS(CALL_MB_QUERY, EINVAL), EXPECT_FENCE,
         COUNT_NOTHING},
        {"membarrier-query without the command (Linux < 4.14): create falls back to fence",
         MB,
         {{CALL_MB_QUERY, 0, MEMBARRIER_CMD_GLOBAL, WAIT_FOREVER, 1000, false}, NO_FAULT},
         EXPECT_FENCE,
         COUNT_NOTHING},
        {"membarrier-register ENOSYS: create falls back to fence", MB, ALWAYS(CALL_MB_REGISTER, ENOSYS), EXPECT_FENCE,
         COUNT_NOTHING},
        {"membarrier-register EINVAL: create falls back to fence", MB, ALWAYS(CALL_MB_REGISTER, EINVAL), EXPECT_FENCE,
         COUNT_NOTHING},
        {"membarrier-register ENOMEM: create fails with ENOMEM", MB, ONCE(CALL_MB_REGISTER, ENOMEM), EXPECT_ERRNO,
         COUNT_NOTHING},
        {"membarrier-register EPERM: create fails with EPERM", MB, ONCE(CALL_MB_REGISTER, EPERM), EXPECT_ERRNO,
         COUNT_NOTHING},
        {"membarrier ENOMEM once: one bounded sleep", MB, ONCE(CALL_MB_BARRIER, ENOMEM), EXPECT_RUNS, COUNT_FALLBACKS},
        {"membarrier ENOMEM always: bounded sleeps", MB, ALWAYS(CALL_MB_BARRIER, ENOMEM), EXPECT_RUNS, COUNT_FALLBACKS},
        {"membarrier EINVAL always: bounded sleeps", MB, ALWAYS(CALL_MB_BARRIER, EINVAL), EXPECT_RUNS, COUNT_FALLBACKS},
        {"membarrier EPERM always: bounded sleeps", MB, ALWAYS(CALL_MB_BARRIER, EPERM), EXPECT_RUNS, COUNT_FALLBACKS},
        {"membarrier ENOSYS always: bounded sleeps", MB, ALWAYS(CALL_MB_BARRIER, ENOSYS), EXPECT_RUNS, COUNT_FALLBACKS},
        {"futex-wait EINTR 1 in 2 (fence): sleeps again", FENCE, HALF(CALL_FUTEX_WAIT, EINTR), EXPECT_RUNS,
         COUNT_NOTHING},
        {"futex-wait EINTR 1 in 2 (membarrier): sleeps again", MB, HALF(CALL_FUTEX_WAIT, EINTR), EXPECT_RUNS,
         COUNT_NOTHING},
        {"futex-wait EAGAIN 1 in 2 (fence): sleeps again", FENCE, HALF(CALL_FUTEX_WAIT, EAGAIN), EXPECT_RUNS,
         COUNT_NOTHING},
        {"futex-wait EAGAIN 1 in 2 (membarrier): sleeps again", MB, HALF(CALL_FUTEX_WAIT, EAGAIN), EXPECT_RUNS,
         COUNT_NOTHING},
        {"futex-wait EINTR always: never sleeps, the deadline on the clock", FENCE, ALWAYS(CALL_FUTEX_WAIT, EINTR),
         EXPECT_RUNS, COUNT_NOTHING},
        {"futex-wait EINVAL always: spins", FENCE, ALWAYS(CALL_FUTEX_WAIT, EINVAL), EXPECT_RUNS, COUNT_FALLBACKS},
        {"futex-wait ENOSYS always: spins", MB, ALWAYS(CALL_FUTEX_WAIT, ENOSYS), EXPECT_RUNS, COUNT_FALLBACKS},
        {"futex-wake EINVAL 1 in 2 (fence): retried", FENCE, HALF(CALL_FUTEX_WAKE, EINVAL), EXPECT_RUNS, COUNT_RETRIES},
        {"futex-wake ENOSYS 1 in 2 (membarrier): retried", MB, HALF(CALL_FUTEX_WAKE, ENOSYS), EXPECT_RUNS,
         COUNT_RETRIES},
        {"futex ENOSYS always, wait and wake (no futex): spins",
         FENCE,
         {FAULT(CALL_FUTEX_WAIT, ENOSYS, WAIT_FOREVER, 1000), FAULT(CALL_FUTEX_WAKE, ENOSYS, WAIT_FOREVER, 1000)},
         EXPECT_RUNS,
         COUNT_FALLBACKS},
        {"clock_gettime EINVAL always, 3 x futex-wait EINTR: the deadline from the kernel",
         FENCE,
         {FAULT(CALL_CLOCK, EINVAL, WAIT_FOREVER, 1000), {CALL_FUTEX_WAIT, EINTR, -1, 3, 1000, true}},
         EXPECT_RUNS,
         COUNT_NOTHING},
        {"clock_gettime EINVAL 1 in 2, membarrier ENOMEM always: spins or bounded sleeps",
         MB,
         {FAULT(CALL_CLOCK, EINVAL, WAIT_FOREVER, 500), FAULT(CALL_MB_BARRIER, ENOMEM, WAIT_FOREVER, 1000)},
         EXPECT_RUNS,
         COUNT_FALLBACKS},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* The case's faults: those for the whole case (at_deadline false), or those for the deadline's wait. */
static void inject_arm(const struct inject_case *c, bool at_deadline)
{
	for (int i = 0; i < 2; i++) {
		const struct wait_fault_spec *f = &c->fault[i];
		if (f->count > 0 && f->at_deadline == at_deadline)
			wait_faults[f->call] = (struct wait_fault){f->err, f->ret, atomic_load(&wait_calls[f->call]),
			                                           f->count, f->per_mille};
	}
}

/*
 * A pop on an empty queue, a deadline 20 ms away: false, ETIMEDOUT, *item
 * untouched, not early. Late by (ns), or -1; its side's counters in *s.
 */
static int64_t inject_deadline(const struct inject_case *c, struct spsc_wait_stats *s)
{
	spsc_waitq *w = spsc_waitq_create(1, c->order);
	uint64_t item = 7, due = now_ns() + INJECT_DEADLINE_NS;
	struct timespec d = ts_of_ns(due);

	if (w == NULL) {
		fprintf(stderr, "%s: FAILED: spsc_waitq_create: %s\n", c->name, strerror(errno));
		return -1;
	}
	errno = 0;
	bool popped = spsc_pop_wait_until(w, &item, &d);
	int err = errno;
	uint64_t back = now_ns();
	*s = w->consumer;
	spsc_waitq_destroy(w);
	if (!popped && err == ETIMEDOUT && item == 7 && back >= due)
		return (int64_t)(back - due);
	fprintf(stderr,
	        "%s: FAILED: a 20 ms wait on an empty queue returned %d, errno %d (%s), %.3f ms %s its deadline\n",
	        c->name, popped, err, strerror(err), (double)(back > due ? back - due : due - back) / 1e6,
	        back >= due ? "after" : "BEFORE");
	return -1;
}

/* Create fails with the fault's errno; the next, unhindered, works. */
static int inject_refused(const struct inject_case *c)
{
	errno = 0;
	spsc_waitq *w = spsc_waitq_create(1, c->order);
	int err = errno;

	if (w != NULL || err != c->fault[0].err) {
		fprintf(stderr, "%s: FAILED: create gave %p, errno %d (%s)\n", c->name, (void *)w, err, strerror(err));
		spsc_waitq_destroy(w);
		return 1;
	}
	wait_seam_reset();
	if ((w = spsc_waitq_create(1, c->order)) == NULL) {
		fprintf(stderr, "%s: FAILED: the next create: %s\n", c->name, strerror(errno));
		return 1;
	}
	spsc_waitq_destroy(w);
	printf("== inject %s: NULL, errno %s; the next create worked\n", c->name, strerror(err));
	return 0;
}

/*
 * The first fault struck (and one armed for the deadline's wait: the
 * second of the others may or may not), and the counter that documents
 * the fallback moved.
 */
static int inject_struck(const struct inject_case *c, const struct spsc_wait_stats *s)
{
	for (int i = 0; i < 2; i++)
		if ((i == 0 || c->fault[i].at_deadline) && atomic_load(&wait_failed[c->fault[i].call]) == 0) {
			fprintf(stderr, "%s: FAILED: the %s fault never struck: the case tested nothing\n", c->name,
			        wait_call_name[c->fault[i].call]);
			return 1;
		}
	if ((c->counter == COUNT_FALLBACKS && s->fallbacks == 0) ||
	    (c->counter == COUNT_RETRIES && s->wake_retries == 0)) {
		fprintf(stderr, "%s: FAILED: no %s counted\n", c->name,
		        c->counter == COUNT_FALLBACKS ? "fallback" : "wake retry");
		return 1;
	}
	return 0;
}

/* The counters of the exchange's two sides and of the deadline's wait, added. */
static struct spsc_wait_stats all_sides(const struct exchange *x, const struct spsc_wait_stats *dl)
{
	struct spsc_wait_stats s = exchange_side(x, 0), echo = exchange_side(x, 1);

	stats_add(&s, &echo);
	stats_add(&s, dl);
	return s;
}

/* The deadline, the ping-pong, and the proof that the case tested something. */
static int inject_runs(const struct inject_case *c)
{
	struct exchange x = {.items = WAIT_INJECT_ITEMS, .pause_per_mille = 100, .pause_max_us = 200, .seed = 0x1ec7};

	if (!exchange_open(&x, 1, c->order))
		return 1;
	if (c->expect == EXPECT_FENCE && (x.fwd->order != SPSC_WAIT_FENCE || x.back->order != SPSC_WAIT_FENCE)) {
		fprintf(stderr, "%s: FAILED: w->order is not SPSC_WAIT_FENCE\n", c->name);
		return 1;
	}
	inject_arm(c, true);
	struct spsc_wait_stats dl = {0};
	int64_t late = inject_deadline(c, &dl);
	if (late >= 0)
		exchange_run(&x);
	struct spsc_wait_stats s = all_sides(&x, &dl);
	exchange_close(&x);
	if (late < 0 || inject_struck(c, &s) != 0)
		return 1;
	uint64_t failed = atomic_load(&wait_failed[c->fault[0].call]) + atomic_load(&wait_failed[c->fault[1].call]);
	printf("== inject %s: %s; %d items each way in order, %" PRIu64 " sleeps, %" PRIu64 " calls failed, %" PRIu64
	       " fallbacks, %" PRIu64 " wake retries; a 20 ms deadline kept (%.3f ms late)\n",
	       c->name, c->expect == EXPECT_FENCE ? "w->order fence" : order_name(c->order), WAIT_INJECT_ITEMS,
	       s.sleeps, c->fault[1].count > 0 ? failed : atomic_load(&wait_failed[c->fault[0].call]), s.fallbacks,
	       s.wake_retries, (double)late / 1e6);
	return 0;
}

/* In the child: one case. */
static int inject_case(void *arg)
{
	const struct inject_case *c = arg;

	wait_seam_reset();
	inject_arm(c, false);
	return c->expect == EXPECT_ERRNO ? inject_refused(c) : inject_runs(c);
}

/* Bad arguments: EINVAL, and not one system call made. */
static int inject_create_args(void *arg)
{
	const struct {
		size_t capacity;
		enum spsc_wait_order order;
	} bad[] = {{0, MB},
	           {SPSC_MAX_CAPACITY + 1, MB},
	           {SIZE_MAX, MB},
	           {4, (enum spsc_wait_order)7},
	           {0, (enum spsc_wait_order)7}};
	(void)arg;
	wait_seam_reset();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		spsc_waitq *w = spsc_waitq_create(bad[i].capacity, bad[i].order);
		if (w != NULL || errno != EINVAL || wait_calls_total() != 0) {
			fprintf(stderr,
			        "create: FAILED: capacity %zu, order %d gave %p, errno %d, after %" PRIu64
			        " system calls\n",
			        bad[i].capacity, (int)bad[i].order, (void *)w, errno, wait_calls_total());
			return 1;
		}
	}
	printf("== inject create: bad capacities (0, SPSC_MAX_CAPACITY + 1, SIZE_MAX) and orders: EINVAL before any "
	       "system call\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *usage = "[CASE [WATCHDOG_SECONDS]]", *only = argc > 1 ? argv[1] : "";
	uint64_t watchdog = 10;
	int failed = 0, ran = 0;

	if (argc > 3)
		wait_usage(argv, 0, NULL, usage);
	wait_arg(argc, argv, 2, 1, 3600, &watchdog, usage);
	if (strncmp("create", only, strlen(only)) == 0 && (++ran, watch_run("create", inject_create_args, NULL, 10)))
		failed++;
	for (size_t i = 0; i < NCASES; i++)
		if (strncmp(cases[i].name, only, strlen(only)) == 0) {
			ran++;
			failed += watch_run(cases[i].name, inject_case, (void *)&cases[i], (unsigned)watchdog);
		}
	if (ran == 0)
		wait_usage(argv, 1, "names no case", usage);
	if (failed > 0) {
		fprintf(stderr, "test-wait-inject: %d of %d case(s) FAILED\n", failed, ran);
		return 1;
	}
	printf("== inject: %d cases passed: every failure answered by its errno or its fallback\n", ran);
	return 0;
}
