/*
 * common/read/reorder.c: the one reordering x86 really does, caught on the
 * reader's own machine (`make demo-reorder`).
 *
 * The store-buffering litmus test. Two threads, two variables, both 0:
 *
 *   thread A            thread B
 *   x = 1               y = 1
 *   r1 = y              r2 = x
 *
 * Interleave the four steps in any order and at least one thread reads
 * the other's 1: r1 = r2 = 0 is impossible under sequential consistency.
 * Yet a core puts its store in its store buffer and goes on to its load
 * before the store reaches the cache, so both loads can run before either
 * store is visible, and both read 0. x86 keeps every other order (TSO);
 * this one it does not. C11 allows it for relaxed accesses and for
 * release stores and acquire loads alike (an acquire load is not ordered
 * after an earlier release store to another variable). It forbids it with
 * a seq_cst fence between each thread's store and load, or with seq_cst
 * stores and loads: on x86 the fence is an MFENCE and the seq_cst store
 * an XCHG, each of which drains the store buffer before the load.
 *
 * Each trial: both threads meet at a barrier, do their two steps at once,
 * meet again; A then counts r1 = r2 = 0 and resets x and y. x, y and each
 * thread's barrier word are on lines of their own. The threads are pinned
 * to two CPUs chosen from the topology, as the benchmark's are
 * (common/support/harness.h, --cpus to choose). A count of zero without a
 * fence proves nothing (the window is a few nanoseconds wide, and some
 * pairs of CPUs rarely hit it); a count above zero with a fence or with
 * seq_cst is a broken compiler or machine, and the exit status is 1.
 * On AArch64 (and POWER) the relaxed and release/acquire rows may show
 * more besides, in other tests: loads reordered with loads, stores with
 * stores. This test shows only store->load.
 */
#define _GNU_SOURCE /* harness.h: sched_getaffinity, pthread_attr_setaffinity_np */

#include <inttypes.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>

#include "harness.h"
#include "spin.h"

/* How each thread orders its store before its load. */
enum order { RELAXED, RELEASE_ACQUIRE, FENCE, SEQ_CST, ORDERS };
static const char *const order_name[ORDERS] = {
        "relaxed store, relaxed load",
        "release store, acquire load",
        "relaxed store, seq_cst fence, relaxed load",
        "seq_cst store, seq_cst load",
};
/* Whether C11 forbids r1 = r2 = 0. */
static const bool forbidden[ORDERS] = {false, false, true, true};

/* Each on a line of its own, so each store misses and waits in the store buffer. */
static struct {
	alignas(64) _Atomic int x;         /* written by A (1) and by A's reset (0); read by B */
	alignas(64) _Atomic int y;         /* written by B (1) and by A's reset (0); read by A */
	alignas(64) _Atomic uint64_t a_at; /* A's barrier: the last barrier A reached; written by A, read by B */
	alignas(64) _Atomic uint64_t b_at; /* B's barrier, likewise; written by B, read by A */
	alignas(64) int r2; /* B's load; written by B before it reaches the second barrier, read by A after it */
	alignas(64) uint64_t trials, both_zero; /* A's alone */
	enum order order;                       /* set before the threads start */
} t;

static struct harness_cpus cpus;
static struct {
	uint64_t trials;
	const char *cpus;
	bool quiet;
} opt = {1000000, NULL, false};

/*
 * Barrier k: publish that we reached it (release: every access before it,
 * the reset and B's r2 included, is the other side's once it sees k), then
 * wait for the other side to reach it (acquire).
 */
static void meet(_Atomic uint64_t *mine, _Atomic uint64_t *theirs, uint64_t k)
{
	atomic_store_explicit(mine, k, memory_order_release);
	while (atomic_load_explicit(theirs, memory_order_acquire) < k)
		spin_pause();
}

/* The store, then the load, in the order under test. */
static inline int store_then_load(_Atomic int *store, _Atomic int *load)
{
	switch (t.order) {
	case RELAXED:
		atomic_store_explicit(store, 1, memory_order_relaxed);
		return atomic_load_explicit(load, memory_order_relaxed);
	case RELEASE_ACQUIRE:
		atomic_store_explicit(store, 1, memory_order_release);
		return atomic_load_explicit(load, memory_order_acquire);
	case FENCE:
		atomic_store_explicit(store, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		return atomic_load_explicit(load, memory_order_relaxed);
	default:
		atomic_store(store, 1);
		return atomic_load(load);
	}
}

static void *thread_a(void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= t.trials; i++) {
		meet(&t.a_at, &t.b_at, 2 * i - 1); /* x and y are 0 for both */
		int r1 = store_then_load(&t.x, &t.y);
		meet(&t.a_at, &t.b_at, 2 * i); /* both done: B's r2 is ours to read */
		t.both_zero += r1 == 0 && t.r2 == 0;
		atomic_store_explicit(&t.x, 0, memory_order_relaxed);
		atomic_store_explicit(&t.y, 0, memory_order_relaxed);
	}
	return NULL;
}

static void *thread_b(void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= t.trials; i++) {
		meet(&t.b_at, &t.a_at, 2 * i - 1);
		t.r2 = store_then_load(&t.y, &t.x);
		meet(&t.b_at, &t.a_at, 2 * i);
	}
	return NULL;
}

/* One order: opt.trials trials; the count of r1 = r2 = 0. */
static uint64_t run(enum order order)
{
	t.order = order;
	t.trials = opt.trials;
	t.both_zero = 0;
	atomic_init(&t.x, 0);
	atomic_init(&t.y, 0);
	atomic_init(&t.a_at, 0);
	atomic_init(&t.b_at, 0);
	harness_run_pair(&cpus, thread_a, thread_b, NULL);
	return t.both_zero;
}

static void print_help(void)
{
	printf("usage: %s [--trials N] [--cpus A,B] [--quiet]\n"
	       "The store-buffering litmus test: two threads, x = 1; r1 = y and y = 1; r2 = x,\n"
	       "counting the trials where r1 = r2 = 0, under four orderings of each thread's store\n"
	       "and load. Without a seq_cst fence or seq_cst accesses the count may be above zero\n"
	       "(on x86 it is, on most pairs of CPUs); with them it must be zero, or the exit status\n"
	       "is 1. Exit status 2 for bad arguments.\n\n"
	       "  --trials N   trials per ordering (default %" PRIu64 ")\n" HARNESS_HELP_CPUS
	       "  --quiet      no progress on stderr\n"
	       "  --help       this text\n",
	       harness_program()->name, opt.trials);
}

static const struct harness_flag flags[] = {
        {"--trials", &opt.trials, 1, UINT64_MAX / 4, NULL, NULL},
        {"--cpus", NULL, 0, 0, &opt.cpus, NULL},
        {"--quiet", NULL, 0, 0, NULL, &opt.quiet},
};

static void no_words(const char *word)
{
	harness_usage_error("unexpected argument '%s'", word);
}

int main(int argc, char **argv)
{
	bool broken = false;
	uint64_t allowed_seen = 0;

	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), print_help, no_words);
	harness_program()->quiet = opt.quiet;
	harness_choose_cpus(&cpus, opt.cpus);
	printf("store buffering, %" PRIu64 " trials per ordering, CPUs %s\n", opt.trials, cpus.label);
	printf("%-44s %12s %14s  %s\n", "each thread: store, then load", "r1 = r2 = 0", "per million", "C11");
	for (int o = 0; o < ORDERS; o++) {
		if (!opt.quiet)
			fprintf(stderr, "%s: %s ...\n", harness_program()->name, order_name[o]);
		uint64_t n = run((enum order)o);
		printf("%-44s %12" PRIu64 " %14.1f  %s\n", order_name[o], n, 1e6 * (double)n / (double)opt.trials,
		       forbidden[o] ? "forbidden" : "allowed");
		fflush(stdout); /* each row before the next one's progress line */
		broken |= forbidden[o] && n != 0;
		allowed_seen += forbidden[o] ? 0 : n;
	}
	if (allowed_seen == 0)
		printf("no allowed reordering showed in %" PRIu64 " trials: on some pairs of CPUs it is rare; "
		       "run again, or with --trials %" PRIu64 "\n",
		       opt.trials, opt.trials * 10);
	if (broken)
		fprintf(stderr, "%s: r1 = r2 = 0 where C11 forbids it: the compiler or the machine is broken\n",
		        harness_program()->name);
	return broken ? 1 : 0;
}
