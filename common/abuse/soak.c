/*
 * common/abuse/soak.c: one producer and one consumer thread, for minutes, in
 * random bursts and pauses, through queues of capacity 1, 2, 3, 64 and
 * 4096 in turn; the consumer checks every item's sequence number.
 *
 *   soak-stageN [--seconds N] [--round-ms N] [--seed N] [--quiet]
 *
 * Compiled against each stage's spsc.h (`make soak`; `make soak-tsan` is
 * the same program under ThreadSanitizer). Where common/test/stress.c moves a
 * fixed number of items through one queue with short pauses, the soak runs
 * for a time: a new queue every round (--round-ms), the capacities in
 * turn, each side alternating bursts of random length with pauses of
 * random kind (none, a spin, a yield, a sleep), so the queue is found
 * full, empty and everything in between, at every capacity, with the two
 * threads meeting in ever different phases. Every other queue starts its
 * counters just below SIZE_MAX (the SPSC_TESTING hook), so they wrap while
 * both threads run.
 *
 * It stops at the first item that is not the next one, or an item missing
 * when the producer has finished, naming the stage, the capacity and the
 * position; and when nothing moves for STALL_SECONDS (a lost wake-up, a
 * queue that stays full). Exit status: 0 every item arrived once and in
 * order, 1 one did not, 2 bad usage.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep; clock.h reads the POSIX clock */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse_number.h"
#include "queue.h"
#include "sequence.h"
#include "clock.h" /* now_ns(), rng_next() */
#include "spin.h"

static const size_t capacities[] = {1, 2, 3, 64, 4096};
#define N_CAPACITIES (sizeof(capacities) / sizeof(capacities[0]))

/* No item moved for this long: the run has hung, which is a failure too. */
#define STALL_SECONDS 10
/* Stage 1 is unbounded: its producer backs off above this many items held, so memory stays bounded. */
#define UNBOUNDED_BACKLOG 65536

/* One queue's run: written by main before the threads start, then as commented. */
struct round {
	spsc_queue *q;
	size_t capacity;  /* as passed to spsc_create */
	size_t start;     /* where the counters started */
	uint64_t stop_ns; /* the producer pushes no new burst after this */
	uint64_t seed;
	atomic_bool done;           /* producer: true (release) after its last push */
	atomic_bool abandon;        /* consumer: true when it found an error, so the producer stops */
	atomic_uint_fast64_t moved; /* consumer: items checked so far (relaxed: a progress gauge for the watchdog) */
	uint64_t pushed;            /* producer: items pushed, read by the consumer after done */
	uint64_t full_hits;         /* producer only */
	uint64_t empty_hits;        /* consumer only */
	char push_error[128];       /* producer only: why a push failed (stage 1: it could not grow) */
	char error[256];            /* consumer (or, once the threads are stuck, main): what went wrong */
};

/* What one capacity saw over the whole run. */
static struct {
	uint64_t items, queues, full_hits, empty_hits, growths;
} totals[N_CAPACITIES];

/*
 * A burst length: usually short, sometimes long enough to fill the largest
 * ring (or, on the other side, to drain it), so both boundaries are met.
 */
static uint64_t burst_length(uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	unsigned scale = (unsigned)(r & 3); /* 1, 16, 256 or 8192 items at most */

	return 1 + (r >> 8) % (scale == 3 ? 8192 : (uint64_t)1 << (4 * scale));
}

/*
 * A pause between bursts, of a random kind: none, a short spin, giving up
 * the CPU, or a sleep of up to 2 ms, which lets the other side run into
 * the full or the empty queue.
 */
static void random_pause(uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	unsigned kind = (unsigned)(r % 100);

	if (kind < 40)
		return;
	if (kind < 85) {
		for (unsigned k = (unsigned)((r >> 8) % 1024); k > 0; k--)
			spin_pause();
	} else if (kind < 97) {
		sched_yield();
	} else {
		struct timespec ts = {0, (long)((r >> 8) % 2000000)};
		nanosleep(&ts, NULL);
	}
}

/* Waiting for the other side: spin a little, then yield (more threads than cores: CI, TSan). */
static void wait_turn(unsigned *tries)
{
	if (++*tries < 64)
		spin_pause();
	else
		sched_yield();
}

static void *producer_main(void *arg)
{
	struct round *r = arg;
	uint64_t rng = r->seed;
	uint64_t seq = 0;
	bool unbounded = spsc_capacity(r->q) == SIZE_MAX;

	while (now_ns() < r->stop_ns && !atomic_load_explicit(&r->abandon, memory_order_relaxed)) {
		for (uint64_t n = burst_length(&rng); n > 0; n--, seq++) {
			unsigned tries = 0;
			while (!spsc_try_push(r->q, item_of(seq))) {
				if (unbounded) { /* stage 1 refuses only when it cannot grow */
					snprintf(r->push_error, sizeof(r->push_error),
					         "push of item %" PRIu64 " failed: %s", seq, strerror(errno));
					atomic_store_explicit(&r->abandon, true, memory_order_relaxed);
				}
				if (atomic_load_explicit(&r->abandon, memory_order_relaxed))
					goto out;
				r->full_hits++;
				wait_turn(&tries);
			}
		}
		while (unbounded && spsc_size(r->q) > UNBOUNDED_BACKLOG)
			sched_yield();
		random_pause(&rng);
	}
out:
	r->pushed = seq;
	/* RELEASE, pairs with the consumer's ACQUIRE: every push and `pushed` happen before it sees done. */
	atomic_store_explicit(&r->done, true, memory_order_release);
	return NULL;
}

/*
 * The consumer found `v` where item `position` was due: say what that
 * means and stop the round. Sequence numbers stay far below 2^48; a value
 * that decodes to more was never pushed (a slot read before it was
 * written, or memory that is not a slot).
 */
static void report(struct round *r, uint64_t position, uint64_t v)
{
	uint64_t got = seq_of(v);

	if (got >= (uint64_t)1 << 48)
		snprintf(r->error, sizeof(r->error),
		         "position %" PRIu64 ": expected item %" PRIu64 ", got 0x%016" PRIx64
		         ", a value never pushed (a slot read before it was written?)",
		         position, position, v);
	else
		snprintf(r->error, sizeof(r->error),
		         "position %" PRIu64 ": expected item %" PRIu64 ", got item %" PRIu64 " (%s)", position,
		         position, got,
		         got < position ? "a duplicate, or an item out of order" : "an item lost, or out of order");
	atomic_store_explicit(&r->abandon, true, memory_order_relaxed);
}

static void *consumer_main(void *arg)
{
	struct round *r = arg;
	uint64_t rng = ~r->seed;
	uint64_t expect = 0;

	for (;;) {
		for (uint64_t n = burst_length(&rng); n > 0; n--, expect++) {
			uint64_t v;
			unsigned tries = 0;
			for (;;) {
				/*
				 * ACQUIRE, pairs with the producer's RELEASE; read before
				 * the pop, so that if the producer had finished, all its
				 * items are visible to the pop: an empty queue then means
				 * the round is over, or an item was lost.
				 */
				bool done = atomic_load_explicit(&r->done, memory_order_acquire);
				if (spsc_try_pop(r->q, &v))
					break;
				if (done) {
					if (expect != r->pushed && r->push_error[0] == '\0')
						snprintf(r->error, sizeof(r->error),
						         "position %" PRIu64 ": the queue is empty, but the producer "
						         "pushed %" PRIu64 " items (lost)",
						         expect, r->pushed);
					return NULL;
				}
				r->empty_hits++;
				wait_turn(&tries);
			}
			if (v != item_of(expect)) {
				report(r, expect, v);
				return NULL;
			}
			atomic_store_explicit(&r->moved, expect + 1, memory_order_relaxed);
		}
		random_pause(&rng);
	}
}

/*
 * Run one round on a fresh queue and wait for it, watching for a stall.
 * False (with the reason in r->error) when an item went wrong.
 */
static bool run_round(struct round *r)
{
	pthread_t prod, cons;
	uint64_t last_moved = 0, last_change = now_ns();

	atomic_init(&r->done, false);
	atomic_init(&r->abandon, false);
	atomic_init(&r->moved, 0);
	if (pthread_create(&cons, NULL, consumer_main, r) != 0 || pthread_create(&prod, NULL, producer_main, r) != 0) {
		perror("soak: pthread_create");
		exit(1);
	}
	/* The watchdog: both threads are ours to join only if they can still finish. */
	for (;;) {
		struct timespec tick = {0, 20000000};
		nanosleep(&tick, NULL);
		uint64_t moved = atomic_load_explicit(&r->moved, memory_order_relaxed);
		bool finished = atomic_load_explicit(&r->done, memory_order_relaxed) && spsc_size(r->q) == 0;
		if (finished || atomic_load_explicit(&r->abandon, memory_order_relaxed))
			break;
		if (moved != last_moved) {
			last_moved = moved;
			last_change = now_ns();
		} else if (now_ns() - last_change > (uint64_t)STALL_SECONDS * 1000000000u) {
			snprintf(r->error, sizeof(r->error),
			         "position %" PRIu64 ": no item moved for %d s (%zu items held, producer %s)", moved,
			         STALL_SECONDS, spsc_size(r->q),
			         atomic_load_explicit(&r->done, memory_order_relaxed) ? "finished" : "running");
			return false; /* the threads are stuck: the process exits without them */
		}
	}
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	if (r->push_error[0] != '\0')
		snprintf(r->error, sizeof(r->error), "%s", r->push_error);
	return r->error[0] == '\0';
}

static _Noreturn void usage(const char *prog, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try --help)\n");
	exit(2);
}

/* A decimal number in [lo, hi] (common/support/parse_number.h), or exit 2 saying why not. */
static uint64_t number(const char *prog, const char *flag, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;
	const char *why = parse_number(s, lo, hi, &v);

	if (why != NULL) {
		fprintf(stderr, "%s: %s: '%s' %s (a number from %" PRIu64 " to %" PRIu64 "; try --help)\n", prog, flag,
		        s ? s : "", why, lo, hi);
		exit(2);
	}
	return v;
}

static void help(const char *prog)
{
	printf("usage: %s [--seconds N] [--round-ms N] [--seed N] [--quiet]\n"
	       "Soak %s: one producer and one consumer thread move numbered items through\n"
	       "a fresh queue every round, capacities 1, 2, 3, 64, 4096 in turn, in random\n"
	       "bursts and pauses; the consumer checks every sequence number.\n"
	       "  --seconds N    how long to run (default 60)\n"
	       "  --round-ms N   how long one queue lives (default 200, at most a tenth of the run)\n"
	       "  --seed N       random seed (default: from the clock; printed)\n"
	       "  --quiet        only the summary line\n"
	       "Exit status: 0 every item arrived once and in order, 1 one did not (the\n"
	       "message names the stage, capacity and position), 2 bad usage.\n",
	       prog, SPSC_STAGE_NAME);
}

int main(int argc, char **argv)
{
	const char *prog = argv[0];
	uint64_t seconds = 60, round_ms = 200, seed = now_ns();
	bool quiet = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help(prog);
			return 0;
		} else if (strcmp(a, "--quiet") == 0) {
			quiet = true;
		} else if (strcmp(a, "--seconds") == 0) {
			seconds = number(prog, a, argv[++i < argc ? i : argc], 1, 86400);
		} else if (strcmp(a, "--round-ms") == 0) {
			round_ms = number(prog, a, argv[++i < argc ? i : argc], 1, 60000);
		} else if (strcmp(a, "--seed") == 0) {
			seed = number(prog, a, argv[++i < argc ? i : argc], 0, UINT64_MAX);
		} else {
			usage(prog, "unknown argument '%s'", a);
		}
	}
	/* Whole cycles of the capacities, at least two, of equal rounds that fill the time. */
	uint64_t rounds = (seconds * 1000 + round_ms - 1) / round_ms;
	rounds = rounds < 2 * N_CAPACITIES ? 2 * N_CAPACITIES
	                                   : (rounds + N_CAPACITIES - 1) / N_CAPACITIES * N_CAPACITIES;
	round_ms = seconds * 1000 / rounds;

	uint64_t t0 = now_ns();
	uint64_t rng = seed;
	static struct round r; /* one at a time */
	bool bounded = true;   /* false for stage 1: it is never full */

	for (uint64_t n = 0; n < rounds; n++) {
		size_t c = n % N_CAPACITIES;
		memset(&r, 0, sizeof(r));
		r.capacity = capacities[c];
		r.q = spsc_create(r.capacity);
		if (r.q == NULL) {
			fprintf(stderr, "soak: %s: spsc_create(%zu): %s\n", SPSC_STAGE_NAME, r.capacity,
			        strerror(errno));
			return 1;
		}
#ifdef SPSC_TESTING
		/* Every other queue: counters a few laps below SIZE_MAX, so they wrap during the round. */
		if (n % 2 == 1) {
			r.start = SIZE_MAX - rng_next(&rng) % (4 * r.capacity + 64);
			spsc_test_set_counters(r.q, r.start);
		}
#endif
		bounded = spsc_capacity(r.q) != SIZE_MAX;
		r.stop_ns = now_ns() + round_ms * 1000000u;
		r.seed = rng_next(&rng);
		if (!run_round(&r)) {
			fprintf(stderr,
			        "soak: FAILED %s capacity %zu (queue %" PRIu64 ", counters from %zu, seed %" PRIu64
			        "): %s\n",
			        SPSC_STAGE_NAME, r.capacity, n + 1, r.start, seed, r.error);
			return 1;
		}
		totals[c].items += r.pushed;
		totals[c].queues++;
		totals[c].full_hits += r.full_hits;
		totals[c].empty_hits += r.empty_hits;
#ifdef SPSC_HAS_GROWTH_STATS
		totals[c].growths += spsc_growths(r.q);
#endif
		spsc_destroy(r.q);
	}

	/*
	 * What the run saw. It proves something only if every capacity was
	 * found empty and (bounded stages) full: otherwise a boundary went
	 * untested, and the run fails rather than claim it.
	 */
	uint64_t all = 0;
	for (size_t c = 0; c < N_CAPACITIES; c++) {
		all += totals[c].items;
		if (!quiet)
			printf("soak %s capacity %4zu: %12" PRIu64 " items through %4" PRIu64 " queues; %s %" PRIu64
			       " times, empty %" PRIu64 " times\n",
			       SPSC_STAGE_NAME, capacities[c], totals[c].items, totals[c].queues,
			       bounded ? "found full" : "grew", bounded ? totals[c].full_hits : totals[c].growths,
			       totals[c].empty_hits);
		if (totals[c].empty_hits == 0 || (bounded && totals[c].full_hits == 0)) {
			fprintf(stderr,
			        "soak: FAILED %s capacity %zu: the queue was never found %s: that boundary went "
			        "untested\n",
			        SPSC_STAGE_NAME, capacities[c], totals[c].empty_hits == 0 ? "empty" : "full");
			return 1;
		}
	}
	printf("soak %s: %" PRIu64 " items moved in %.1f s, every sequence number checked, none lost, duplicated "
	       "or reordered (seed %" PRIu64 ")\n",
	       SPSC_STAGE_NAME, all, (double)(now_ns() - t0) / 1e9, seed);
	return 0;
}
