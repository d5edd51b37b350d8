/*
 * stage5-waitfree/extensions/wait/fuzz_wait.c: spsc_wait.h under random
 * rounds, for a bounded time.
 *
 *   fuzz-wait [SECONDS [SEED]]   rounds until SECONDS have passed (default
 *                                10), the first from SEED (default: the
 *                                clock); SECONDS 0: the one round of seed
 *                                SEED, to replay a failure's parameters
 *
 * Each round draws, from its seed: the capacity of each of two queues
 * (1 to 300, any, rounded up by create), the ordering (fence or
 * membarrier), the items (1 to 3000 each way), the bursts, pauses on both
 * sides (how often, how long), the mix of deadlines (none, far, near,
 * past, malformed), and the kernel's failures through the seam of
 * wait_test.h: FUTEX_WAIT returning EINTR or EAGAIN, or refused (EINVAL,
 * ENOSYS); FUTEX_WAKE failing with EINVAL; membarrier failing with ENOMEM;
 * clock_gettime failing; FUTEX_WAIT delayed 1-200 us; the registration
 * refused (ENOMEM: create must say so) or missing (ENOSYS: create falls
 * back to fence). Then a bad create (a capacity of 0 or past
 * SPSC_MAX_CAPACITY, an unknown order): EINVAL before any system call. Then
 * wait_test.h's exchange: every sequence number checked both ways, every
 * false checked (EINVAL for a malformed deadline, ETIMEDOUT not before any
 * other, nothing moved). A lost wake-up stops the exchange; the parent
 * process sees no progress for 10 s and reports the round's seed.
 *
 * Why not libFuzzer: an input of libFuzzer must replay to the same path,
 * and two threads never do; its coverage would measure the scheduler. A
 * seeded driver replays a failure's parameters (SECONDS 0 SEED), which is
 * what can be replayed. Built with AddressSanitizer and UBSan.
 *
 * Tier: make check (check-wait runs it for WAIT_FUZZ_CHECK_SECONDS); make
 * fuzz runs it for WAIT_FUZZ_SECONDS (fuzz-wait). Its negative control
 * (make fuzz-wait-control): the planted copy of spsc_wait.h that does not
 * check its deadlines must be caught.
 * Exit status: 0 passed, 1 a round failed, 2 bad arguments.
 */
#define _GNU_SOURCE /* before the first #include: spsc_wait.h makes Linux system calls */

#include "wait_test.h"

#define FUZZ_WATCHDOG 10

struct fuzz_totals {
	uint64_t rounds, items, deadlines[DL_KINDS], timeouts, refused, fell_back, create_refused;
	uint64_t failed[WAIT_CALLS];
	struct spsc_wait_stats s;
};

struct fuzz_plan {
	uint64_t seconds, seed;
	struct fuzz_totals *t;
};

static uint64_t draw(uint64_t *rng, uint64_t n)
{
	return rng_next(rng) % n;
}

/* A fault on call, one round in three, with an errno from errs and a rate up to max_per_mille. */
static void fuzz_fault(uint64_t *rng, enum wait_call call, const int *errs, int nerrs, unsigned max_per_mille)
{
	if (draw(rng, 3) != 0)
		return;
	wait_fail(call, errs[draw(rng, (uint64_t)nerrs)], draw(rng, 50), WAIT_FOREVER,
	          1 + (unsigned)draw(rng, max_per_mille));
}

/* The round's kernel: which calls fail, how often, and the delays. */
static void fuzz_kernel(uint64_t *rng)
{
	static const int wait_errs[] = {EINTR, EAGAIN, EINTR, EAGAIN, EINVAL, ENOSYS};
	static const int wake_errs[] = {EINVAL, ENOSYS};
	static const int mb_errs[] = {ENOMEM, ENOMEM, EINVAL, EPERM};
	static const int clock_errs[] = {EINVAL};

	wait_seam_reset();
	fuzz_fault(rng, CALL_FUTEX_WAIT, wait_errs, 6, 800);
	fuzz_fault(rng, CALL_FUTEX_WAKE, wake_errs, 2, 700); /* below 1000: a retry gets through */
	fuzz_fault(rng, CALL_MB_BARRIER, mb_errs, 4, 1000);
	fuzz_fault(rng, CALL_CLOCK, clock_errs, 1, 500);
	if (draw(rng, 3) == 0) {
		wait_delay.per_mille = 1 + (unsigned)draw(rng, 300);
		wait_delay.min_us = 1;
		wait_delay.max_us = 1 + (unsigned)draw(rng, 200);
	}
}

/* A bad create: EINVAL, and not one system call. */
static void fuzz_bad_create(uint64_t *rng, uint64_t seed)
{
	size_t caps[] = {0, SPSC_MAX_CAPACITY + 1, SIZE_MAX, 1 + (size_t)draw(rng, 300)};
	size_t cap = caps[draw(rng, 4)];
	enum spsc_wait_order order = cap > 0 && cap <= SPSC_MAX_CAPACITY ? (enum spsc_wait_order)(2 + draw(rng, 100))
	                                                                 : (enum spsc_wait_order)draw(rng, 2);
	uint64_t calls = wait_calls_total();

	errno = 0;
	spsc_waitq *w = spsc_waitq_create(cap, order);
	if (w != NULL || errno != EINVAL || wait_calls_total() != calls) {
		fprintf(stderr,
		        "fuzz-wait: FAILED: create(%zu, %d) gave %p, errno %d, %" PRIu64 " system calls (seed %#" PRIx64
		        ")\n",
		        cap, (int)order, (void *)w, errno, wait_calls_total() - calls, seed);
		_exit(1);
	}
}

/* The round's registration: refused (create must fail with ENOMEM, then work), missing (fence), or fine. */
static enum spsc_wait_order fuzz_register(uint64_t *rng, enum spsc_wait_order order, struct fuzz_totals *t,
                                          uint64_t seed)
{
	uint64_t how = draw(rng, 8);

	if (order == SPSC_WAIT_FENCE || how > 1)
		return order;
	wait_fail(how == 0 ? CALL_MB_REGISTER : CALL_MB_QUERY, how == 0 ? ENOMEM : ENOSYS, 0, how == 0 ? 1 : 2, 1000);
	if (how == 0) {
		errno = 0;
		spsc_waitq *w = spsc_waitq_create(1, order);
		if (w != NULL || errno != ENOMEM) {
			fprintf(stderr,
			        "fuzz-wait: FAILED: a refused registration gave %p, errno %d (seed %#" PRIx64 ")\n",
			        (void *)w, errno, seed);
			_exit(1);
		}
		t->create_refused++;
		return order;
	}
	t->fell_back++;
	return SPSC_WAIT_FENCE; /* what both creates must report */
}

/* The round's exchange, drawn from its rng. */
static void fuzz_exchange(struct exchange *x, uint64_t *rng)
{
	x->items = 1 + draw(rng, 3000);
	x->max_burst = 1 + (size_t)draw(rng, 600); /* cut to the rings' room */
	x->pause_per_mille = (unsigned)draw(rng, 300);
	x->pause_max_us = 1 + (unsigned)draw(rng, 300);
	for (int k = 0; k < DL_KINDS; k++)
		x->weight[k] = (unsigned)draw(rng, 4);
	if (x->weight[DL_NONE] + x->weight[DL_FAR] + x->weight[DL_NEAR] + x->weight[DL_PAST] == 0)
		x->weight[DL_NONE] = 1; /* a malformed deadline never moves an item */
}

static void fuzz_add(struct fuzz_totals *t, const struct exchange *x)
{
	for (int id = 0; id < 2; id++) {
		struct spsc_wait_stats s = exchange_side(x, id);
		for (int k = 0; k < DL_KINDS; k++)
			t->deadlines[k] += x->deadlines[id][k];
		t->timeouts += x->timeouts[id];
		t->refused += x->refused[id];
		stats_add(&t->s, &s);
	}
	for (int c = 0; c < WAIT_CALLS; c++)
		t->failed[c] += atomic_load(&wait_failed[c]);
	t->items += x->items;
	t->rounds++;
}

/* One round of seed. */
static void fuzz_round(uint64_t seed, struct fuzz_totals *t)
{
	uint64_t rng = seed;
	struct exchange x = {.seed = seed};
	size_t cap[2];
	enum spsc_wait_order order = (enum spsc_wait_order)draw(&rng, 2), want;

	atomic_store(&watch_board->seed, seed);
	wait_seed = seed;
	for (int i = 0; i < 2; i++)
		cap[i] = draw(&rng, 4) == 0 ? 1 : 1 + (size_t)draw(&rng, draw(&rng, 2) ? 8 : 300);
	fuzz_kernel(&rng);
	fuzz_bad_create(&rng, seed);
	want = fuzz_register(&rng, order, t, seed);
	x.fwd = spsc_waitq_create(cap[0], order);
	x.back = x.fwd == NULL ? NULL : spsc_waitq_create(cap[1], order);
	if (x.back == NULL || x.fwd->order != want || x.back->order != want) {
		fprintf(stderr, "fuzz-wait: FAILED: create: %s, or not the order %s (seed %#" PRIx64 ")\n",
		        strerror(errno), order_name(want), seed);
		_exit(1);
	}
	fuzz_exchange(&x, &rng);
	exchange_run(&x);
	fuzz_add(t, &x);
	exchange_close(&x);
}

static void fuzz_report(const struct fuzz_totals *t, uint64_t seed, double seconds)
{
	printf("== fuzz-wait: %" PRIu64 " rounds in %.1f s from seed %#" PRIx64 ", %" PRIu64
	       " items each way, every one in order; capacities 1-300, both orderings\n",
	       t->rounds, seconds, seed, t->items);
	printf("== fuzz-wait: deadlines none %" PRIu64 ", far %" PRIu64 ", near %" PRIu64 ", past %" PRIu64
	       ", malformed %" PRIu64 ": %" PRIu64 " timed out, none early; %" PRIu64
	       " refused with EINVAL, nothing moved\n",
	       t->deadlines[DL_NONE], t->deadlines[DL_FAR], t->deadlines[DL_NEAR], t->deadlines[DL_PAST],
	       t->deadlines[DL_BAD], t->timeouts, t->refused);
	printf("== fuzz-wait: %" PRIu64 " sleeps (%" PRIu64 " FUTEX_WAITs); calls failed:", t->s.sleeps,
	       t->s.futex_waits);
	for (int c = 0; c < WAIT_CALLS; c++)
		printf(" %s %" PRIu64 "%s", wait_call_name[c], t->failed[c], c + 1 < WAIT_CALLS ? "," : "");
	printf("; %" PRIu64 " fallbacks, %" PRIu64 " wake retries; registration refused %" PRIu64
	       " times (ENOMEM), missing %" PRIu64 " (fence)\n",
	       t->s.fallbacks, t->s.wake_retries, t->create_refused, t->fell_back);
}

/* In the child: rounds until the time is up. */
static int fuzz_child(void *arg)
{
	const struct fuzz_plan *p = arg;
	uint64_t master = p->seed, start = now_ns();

	if (p->seconds == 0)
		fuzz_round(p->seed, p->t);
	else
		while (now_ns() - start < p->seconds * 1000000000u)
			fuzz_round(rng_next(&master), p->t);
	fuzz_report(p->t, p->seed, (double)(now_ns() - start) / 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	const char *usage = "[SECONDS [SEED]]  (SECONDS 0: the one round of seed SEED)";
	struct fuzz_totals totals = {0};
	struct fuzz_plan plan = {10, now_ns(), &totals};

	if (argc > 3)
		wait_usage(argv, 0, NULL, usage);
	wait_arg(argc, argv, 1, 0, 86400, &plan.seconds, usage);
	wait_arg(argc, argv, 2, 1, UINT64_MAX, &plan.seed, usage);
	return watch_run("fuzz-wait", fuzz_child, &plan, FUZZ_WATCHDOG);
}
