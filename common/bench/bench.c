/*
 * common/bench/bench.c: the one benchmark driver, compiled against each stage.
 *
 * The Makefile builds this file once per stage with -I<stage dir>, so every
 * stage runs the same workloads, the same waiting loops, the same timing
 * code and the same statistics: a difference between two stages' figures
 * can only come from their spsc.h. `bench-stageN --help` lists the
 * workloads and flags; common/bench/bench-all.sh runs them all and aggregates.
 *
 * Output: CSV rows (one per stage, workload, run and metric) on stdout or
 * appended to --csv FILE; progress on stderr. The command line, the CPUs,
 * the probe, the percentiles and the row format are the measuring
 * harness's (common/support/harness.h), shared with bench-wait and
 * demo-ipc; the clock is common/support/clock.h's CLOCK_MONOTONIC (the
 * `timer` column says so), whose own cost the latency workload reports.
 *
 * Allocations are counted, not assumed: the binary is linked with
 * -Wl,--wrap=malloc,... and common/support/test_alloc.c, so every allocation made
 * by this object (which includes the inlined queue) is counted. Threads,
 * stdio and libc's own internals are not wrapped, and the driver allocates
 * nothing between creating a queue and the end of its run.
 */
#define _GNU_SOURCE /* harness.h: pthread_attr_setaffinity_np, sched_getaffinity, CPU_SET */

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "pow2.h"  /* pow2_at_least() */
#include "queue.h" /* the queue measured: spsc.h, and spsc_bulk.h where it has one */
#include "spin.h"
#include "test_alloc.h" /* test_alloc_reset(), test_alloc_count() */

#ifdef SPSC_HAS_BULK
#define BENCH_HAS_BULK "yes"
#else
#define BENCH_HAS_BULK "no"
#endif
/*
 * The unbounded queue is the one that grows: stage 1, the only one that
 * counts its growths (SPSC_HAS_GROWTH_STATS, common/CONTRACT.md). Every
 * queue the driver creates is checked against this (fresh_queue).
 */
#ifdef SPSC_HAS_GROWTH_STATS
#define QUEUE_UNBOUNDED 1
#else
#define QUEUE_UNBOUNDED 0
#endif

/* Never a sequence number: tells the consumer the run is over. */
#define END_OF_RUN UINT64_MAX
/* The producer of a timed run reads the clock once per this many items. */
#define CLOCK_CHECK_MASK ((uint64_t)0xffff)
/* Stage 1 is unbounded: it starts like Rust's VecDeque<u64> (4 slots) and grows. */
#define UNBOUNDED_INITIAL_CAPACITY 4
/* The largest batch of the bulk workload. */
#define BULK_MAX_BATCH 256
/* The most loads latency-load takes (--load). */
#define MAX_LOADS 16

/* ------------------------------------------------------------------ options */

/*
 * The wait policies (--wait), by index; wait_after_failure() says what each
 * does. This is their one list: `info` prints it (# waits:), and every
 * script and make target that runs each policy takes it from there.
 */
enum wait_policy { WAIT_SPIN, WAIT_BACKOFF, WAIT_BATCH };
static const char *const wait_policies[] = {"spin", "backoff", "batch"};
#define N_WAIT_POLICIES (sizeof(wait_policies) / sizeof(wait_policies[0]))
/* backoff: the longest wait between two tries, in PAUSEs. */
#define BACKOFF_MAX 64
/* batch: the longest gap between two polls of the other side's counter, in PAUSEs. */
#define BATCH_POLL_MAX 1024

struct options {
	uint64_t items;        /* 0 (not given): the workload's default */
	uint64_t capacity;     /* bounded stages; stage 1 starts at 4 whatever this says */
	uint64_t runs;         /* timed runs per workload (capacity: per point) */
	uint64_t min_ms;       /* a time-bounded run lasts at least this long */
	uint64_t trips;        /* latency: timed round trips */
	uint64_t probe_trips;  /* probe: round trips of the cache line */
	uint64_t cap_max_log2; /* capacity sweep: 2^1 .. 2^this */
	uint64_t round;        /* a label: bench-all's round number */
	uint64_t batch;        /* bulk: one batch size; 0 (not given): 1, 8, 32 and 256 */
	uint64_t wait;         /* the wait policy: an index into wait_policies[] */
	const char *wait_name; /* --wait, checked against wait_policies[] */
	uint64_t wait_items;   /* wait policy batch: items (or room) to wait for */
	uint64_t wait_ns;      /* wait policy batch: the longest wait */
	uint64_t work_ns;      /* load shapes: the work per item, in ns (calibrated()) */
	uint64_t burst;        /* shape-burst: items back to back */
	uint64_t period_ns;    /* shape-burst: a burst starts every period_ns */
	uint64_t rate;         /* latency-load: the full rate, in Mitems/s */
	const char *load;      /* latency-load: --load, the fractions of rate, "0.1,0.5,0.9" */
	double loads[MAX_LOADS];
	size_t n_loads;
	const char *cpus;
	const char *csv;
	const char *hist;
	bool quiet;
	bool no_warmup; /* for counting tools (perf stat): every item moved is a timed one */
};

static struct options opt = {
        .capacity = 65536,
        .runs = 7,
        .min_ms = 250,
        .trips = 1000000,
        .probe_trips = 100000,
        .cap_max_log2 = 20,
        .wait = WAIT_SPIN,
        .wait_items = 256,
        .wait_ns = 5000,
        .work_ns = 30,
        .burst = 32,
        .period_ns = 1000,
        .rate = 10,
        .load = "0.1,0.5,0.9",
};

/* ------------------------------------------------------------------ output */

static struct harness_cpus cpus; /* the producer's and the consumer's (harness_choose_cpus) */
static struct harness_out out;

/* The wait policy as the CSV and info print it: "batch:32/2000" (items/ns) for batch. */
static const char *wait_label(void)
{
	static char label[48];

	if (opt.wait == WAIT_BATCH)
		snprintf(label, sizeof(label), "batch:%" PRIu64 "/%" PRIu64, opt.wait_items, opt.wait_ns);
	else
		snprintf(label, sizeof(label), "%s", wait_policies[opt.wait]);
	return label;
}

/* One row of the run r describes (harness.h: the one row format). */
static void emit(const struct harness_row *r, const char *metric, double value, const char *unit)
{
	harness_emit(&out, r, metric, value, unit);
}

/* ------------------------------------------------------------------ threads */

/*
 * The counting build (-DBENCH_COUNT, made only by `make bench-experiments`):
 * each thread counts, in its own thread-local counters, the attempts that
 * found the queue full or empty and, with -DBENCH_COUNT_RELOADS (stage 5
 * only), the attempts that reloaded the other side's counter. The normal
 * build compiles COUNT() to nothing.
 */
struct side_counts {
	uint64_t failed;  /* try_push found it full, or try_pop found it empty */
	uint64_t reloads; /* stage 5: the cached copy of the other counter was reloaded */
};
#ifdef BENCH_COUNT
static _Thread_local struct side_counts counts; /* this thread's own: nothing shared */
#define COUNT(stmt) stmt
#else
#define COUNT(stmt)
#endif

#ifdef BENCH_COUNT_RELOADS
/*
 * Whether the next call will reload, decided exactly as stage 5 decides it,
 * from fields only the calling thread writes (so reading them is no race).
 * This peeks at stage 5's private fields: a measuring tool, not an API.
 */
#define PUSH_WILL_RELOAD(q) (atomic_load_explicit(&(q)->tail, memory_order_relaxed) - (q)->head_cache == (q)->mask + 1)
#define POP_WILL_RELOAD(q)  ((q)->tail_cache == atomic_load_explicit(&(q)->head, memory_order_relaxed))
#else
#define PUSH_WILL_RELOAD(q) 0
#define POP_WILL_RELOAD(q)  0
#endif

/*
 * The wait policies (--wait): what a thread does after try_push found the
 * queue full or try_pop found it empty, before it tries again. Every
 * waiting loop of the driver goes through wait_after_failure(), with the
 * same policy for every queue and for both sides, so the policy cannot
 * favour one queue. None of them sleeps or yields.
 *   spin     one PAUSE, then try again.
 *   backoff  PAUSE 1, 2, 4, ... up to BACKOFF_MAX times before the next
 *            try, doubling while the tries keep failing; a success (a new
 *            item to wait for) starts again at 1.
 *   batch    poll spsc_size() until --wait-items items are ready (room
 *            for that many, for the producer; at most half the capacity),
 *            then try again; the consumer also stops waiting when
 *            --wait-ns have passed. The gap between two polls doubles,
 *            from one PAUSE up to BATCH_POLL_MAX.
 *
 * Why batch is built so (notes/06-the-chase.md measures it): every poll
 * of the other side's counter takes that line from the side that is
 * working, and its next store to the counter must take it back. A side
 * that polls after every PAUSE, as spin and backoff do, makes the busy
 * side pay a line transfer per item; and when it resumes at the first free
 * slot, it writes (or reads) the very line the other side is on. Waiting
 * for a batch keeps the two sides lines apart, and polling at growing
 * gaps keeps the polls to a few per batch instead of one per item. The
 * price is latency: an item that comes alone waits up to --wait-ns. Each
 * batch costs the producer about two line transfers (a probe), so the
 * consumer's wait must be long beside a probe for that cost to vanish
 * into the work: 5000 ns is about ten of the far placement's probes. The
 * producer needs no such bound: the items ahead of its own are in the ring
 * whether it waits or not, and room always comes (the consumer waits only
 * on an empty ring, which has room for half of it).
 */

/* One waiting loop's state: zero it before the first try. */
struct waiter {
	uint32_t pauses; /* backoff: the last wait, in PAUSEs */
};

/* for_items: the consumer, waiting for items; else the producer, waiting for room. */
static void wait_after_failure(spsc_queue *q, struct waiter *w, bool for_items)
{
	switch ((enum wait_policy)opt.wait) {
	case WAIT_SPIN:
		spin_pause();
		return;
	case WAIT_BACKOFF:
		w->pauses = w->pauses == 0 ? 1 : w->pauses < BACKOFF_MAX ? 2 * w->pauses : BACKOFF_MAX;
		for (uint32_t k = 0; k < w->pauses; k++)
			spin_pause();
		return;
	case WAIT_BATCH: {
		size_t cap = spsc_capacity(q);
		size_t half = cap > 1 ? cap / 2 : 1;
		size_t want = opt.wait_items < half ? (size_t)opt.wait_items : half;
		uint64_t start = for_items ? now_ns() : 0;

		for (uint32_t gap = 1;; gap = gap < BATCH_POLL_MAX ? 2 * gap : BATCH_POLL_MAX) {
			for (uint32_t k = 0; k < gap; k++)
				spin_pause();
			size_t held = spsc_size(q);
			size_t ready = for_items ? held : cap - held;

			if (ready >= want || (for_items && now_ns() - start >= opt.wait_ns))
				return;
		}
	}
	}
}

/* The two single-item waiting loops of the driver, used by every workload and every queue. */
static inline void push_wait(spsc_queue *q, uint64_t item)
{
	struct waiter w = {0};

	for (;;) {
		COUNT(counts.reloads += PUSH_WILL_RELOAD(q));
		if (spsc_try_push(q, item))
			return;
		COUNT(counts.failed++);
		wait_after_failure(q, &w, false);
	}
}

static inline uint64_t pop_wait(spsc_queue *q)
{
	struct waiter w = {0};
	uint64_t item;

	for (;;) {
		COUNT(counts.reloads += POP_WILL_RELOAD(q));
		if (spsc_try_pop(q, &item))
			return item;
		COUNT(counts.failed++);
		wait_after_failure(q, &w, true);
	}
}

/* The consumer's check of every item: a queue that loses, repeats or reorders fails. */
static inline void check_item(const char *workload, uint64_t got, uint64_t expected)
{
	if (got != expected)
		harness_fail("%s: %s: item %" PRIu64 " arrived as %" PRIu64
		             " (an item was lost, repeated or reordered)",
		             SPSC_STAGE_NAME, workload, expected, got);
}

/* ------------------------------------------------------------------ queues */

/*
 * What to ask spsc_create for: a bounded stage gets `bounded`, the
 * unbounded stage 1 its small initial buffer, so that it grows as the
 * origin's VecDeque did. (The capacity sweep alone passes 2^k to every
 * stage: there it is stage 1's initial length.)
 */
static uint64_t create_capacity(uint64_t bounded)
{
	return QUEUE_UNBOUNDED ? UNBOUNDED_INITIAL_CAPACITY : bounded;
}

/*
 * A fresh queue for one run. The allocation counter starts after creation:
 * what is counted is what the run itself allocates. Its capacity tells
 * whether it is unbounded (SIZE_MAX, common/CONTRACT.md): that must be
 * what QUEUE_UNBOUNDED says.
 */
static spsc_queue *fresh_queue(uint64_t capacity)
{
	spsc_queue *q = spsc_create((size_t)capacity);

	if (q == NULL)
		harness_fail("spsc_create(%" PRIu64 "): %s", capacity, strerror(errno));
	if ((spsc_capacity(q) == SIZE_MAX) != QUEUE_UNBOUNDED)
		harness_fail("%s: spsc_capacity() is %zu, but the queue %s growth stats (SPSC_HAS_GROWTH_STATS: "
		             "the unbounded queue has them, a bounded one not)",
		             SPSC_STAGE_NAME, spsc_capacity(q), QUEUE_UNBOUNDED ? "has" : "has no");
	test_alloc_reset();
	return q;
}

/* What a run allocated, beyond creating its queue. */
struct alloc_stats {
	uint64_t allocs;       /* counted calls to malloc & co. since fresh_queue() */
	uint64_t growths;      /* stage 1's own count (0 where the stage has none) */
	uint64_t bytes_copied; /* stage 1's own count */
};

/* Reads the counters, then destroys q (workload: for the message when they disagree). */
static struct alloc_stats finish_queue(spsc_queue *q, const char *workload)
{
	struct alloc_stats a = {.allocs = test_alloc_count()};

#ifdef SPSC_HAS_GROWTH_STATS
	a.growths = spsc_growths(q);
	a.bytes_copied = spsc_bytes_copied(q);
	/* Each growth is exactly one malloc: the counted and the reported figures must agree. */
	if (a.growths != a.allocs)
		harness_fail("%s: the queue reports %" PRIu64 " growths but made %" PRIu64 " allocations", workload,
		             a.growths, a.allocs);
#else
	(void)workload;
#endif
	spsc_destroy(q);
	return a;
}

static void emit_alloc(const struct harness_row *r, const char *prefix, struct alloc_stats a)
{
	char name[64];

	snprintf(name, sizeof(name), "%sallocs", prefix);
	emit(r, name, (double)a.allocs, "count");
#ifdef SPSC_HAS_GROWTH_STATS
	snprintf(name, sizeof(name), "%sgrowths", prefix);
	emit(r, name, (double)a.growths, "count");
	snprintf(name, sizeof(name), "%sbytes_copied", prefix);
	emit(r, name, (double)a.bytes_copied, "bytes");
#endif
}

/* ------------------------------------------------------------------ two-thread stream */

/*
 * One producer streams 0, 1, 2, ... then END_OF_RUN; the consumer checks
 * every item. Fixed `items`, or (items == 0) as many as the producer can
 * push in min_ns.
 */
struct stream {
	const char *workload;
	spsc_queue *q;
	uint64_t items;
	uint64_t min_ns;
	size_t batch;              /* 0: item by item; else bulk calls of up to batch items */
	const struct shape *shape; /* a load shape's work and bursts (shape_producer); NULL: none */
	uint64_t sink[2];          /* the shape's work, producer's and consumer's: kept, never read */
	unsigned gate;             /* harness_gate_pass */
	uint64_t prod_start, prod_end, cons_start, cons_end;
	uint64_t sent, received;
	struct side_counts prod, cons; /* the counting build: each side's own counts */
};

static void *stream_producer(void *arg)
{
	struct stream *s = arg;
	uint64_t limit = s->items ? s->items : END_OF_RUN;
	uint64_t i;

	harness_gate_pass(&s->gate);
	COUNT(counts = (struct side_counts){0});
	s->prod_start = now_ns();
	uint64_t deadline = s->prod_start + s->min_ns;
	for (i = 0; i != limit; i++) {
		push_wait(s->q, i);
		if ((i & CLOCK_CHECK_MASK) == CLOCK_CHECK_MASK && s->items == 0 && now_ns() >= deadline) {
			i++;
			break;
		}
	}
	s->prod_end = now_ns();
	s->sent = i;
	COUNT(s->prod = counts);
	push_wait(s->q, END_OF_RUN);
	return NULL;
}

static void *stream_consumer(void *arg)
{
	struct stream *s = arg;
	uint64_t expected = 0;

	harness_gate_pass(&s->gate);
	COUNT(counts = (struct side_counts){0});
	s->cons_start = now_ns();
	for (;; expected++) {
		uint64_t item = pop_wait(s->q);

		if (item != expected) {
			if (item == END_OF_RUN)
				break;
			check_item(s->workload, item, expected);
		}
	}
	s->cons_end = now_ns();
	s->received = expected;
	COUNT(s->cons = counts);
	return NULL;
}

#ifdef SPSC_HAS_BULK
/* The bulk workload's producer: the same stream, batch items per spsc_try_push_n. */
static void *bulk_producer(void *arg)
{
	struct stream *s = arg;
	uint64_t limit = s->items ? s->items : END_OF_RUN;
	uint64_t batch[BULK_MAX_BATCH];
	uint64_t i = 0;

	harness_gate_pass(&s->gate);
	s->prod_start = now_ns();
	uint64_t deadline = s->prod_start + s->min_ns;
	while (i < limit) {
		size_t n = limit - i < s->batch ? (size_t)(limit - i) : s->batch;

		for (size_t j = 0; j < n; j++)
			batch[j] = i + j;
		struct waiter w = {0};

		for (size_t done = 0; done < n;) {
			size_t k = spsc_try_push_n(s->q, batch + done, n - done);

			if (k == 0)
				wait_after_failure(s->q, &w, false);
			done += k;
		}
		i += n;
		/* The clock, once per CLOCK_CHECK_MASK + 1 items, as in stream_producer. */
		if (s->items == 0 && ((i - n) | CLOCK_CHECK_MASK) < i && now_ns() >= deadline)
			break;
	}
	s->prod_end = now_ns();
	s->sent = i;
	push_wait(s->q, END_OF_RUN);
	return NULL;
}

/* The bulk workload's consumer: up to batch items per spsc_try_pop_n, every one checked. */
static void *bulk_consumer(void *arg)
{
	struct stream *s = arg;
	uint64_t got[BULK_MAX_BATCH];
	uint64_t expected = 0;
	struct waiter w = {0};

	harness_gate_pass(&s->gate);
	s->cons_start = now_ns();
	for (;;) {
		size_t k = spsc_try_pop_n(s->q, got, s->batch);

		if (k == 0)
			wait_after_failure(s->q, &w, true);
		else
			w = (struct waiter){0};
		for (size_t j = 0; j < k; j++, expected++) {
			if (got[j] != expected) {
				if (got[j] == END_OF_RUN)
					goto end;
				check_item(s->workload, got[j], expected);
			}
		}
	}
end:
	s->cons_end = now_ns();
	s->received = expected;
	return NULL;
}
#endif

/* ------------------------------------------------------------------ load shapes */

/*
 * A load shape (the shape-* workloads): work per item on either side, or
 * the producer's items in bursts, one burst per period. The work is
 * work(): dependent multiply-adds, each iteration's result the next one's
 * input, so that neither the compiler nor the CPU can overlap two; its
 * length in ns is calibrated once, at start, on the producer's CPU
 * (calibrated()), and the rows state it.
 */
struct shape {
	uint64_t prod_iters; /* the producer's work per item, in iterations of work() (0: none) */
	uint64_t cons_iters; /* the consumer's */
	uint64_t burst;      /* items pushed back to back at the start of each period */
	uint64_t period_ns;  /* one burst's start to the next's, spent spinning on the clock (0: no bursts) */
};

/* The shape of the shape-* workload in progress (stream_run runs it); NULL outside one. */
static const struct shape *current_shape;

/* iters dependent multiply-adds on x (a 64-bit LCG step): the unit of work of a load shape. */
static inline uint64_t work(uint64_t x, uint64_t iters)
{
	for (uint64_t k = 0; k < iters; k++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		__asm__ volatile("" : "+r"(x)); /* the compiler can neither fold nor vectorise the chain */
	}
	return x;
}

/* Spins on the clock until ns have passed since t0. */
static inline void spin_until(uint64_t t0, uint64_t ns)
{
	while (now_ns() - t0 < ns)
		spin_pause();
}

/*
 * The shape's producer: stream_producer's stream, its work before each
 * push; in bursts, a burst every period_ns (a burst that takes longer than
 * its period is followed at once by the next: the producer falls behind).
 */
static void *shape_producer(void *arg)
{
	struct stream *s = arg;
	const struct shape *sh = s->shape;
	uint64_t limit = s->items ? s->items : END_OF_RUN;
	uint64_t sink = 0, i;

	harness_gate_pass(&s->gate);
	s->prod_start = now_ns();
	uint64_t deadline = s->prod_start + s->min_ns;
	uint64_t burst_start = s->prod_start;
	for (i = 0; i != limit; i++) {
		if (sh->prod_iters > 0)
			sink = work(sink + i, sh->prod_iters);
		push_wait(s->q, i);
		if (sh->period_ns > 0 && (i + 1) % sh->burst == 0) {
			spin_until(burst_start, sh->period_ns);
			burst_start += sh->period_ns;
		}
		if ((i & CLOCK_CHECK_MASK) == CLOCK_CHECK_MASK && s->items == 0 && now_ns() >= deadline) {
			i++;
			break;
		}
	}
	s->prod_end = now_ns();
	s->sent = i;
	s->sink[0] = sink;
	push_wait(s->q, END_OF_RUN);
	return NULL;
}

/* The shape's consumer: stream_consumer's check of every item, then its work on it. */
static void *shape_consumer(void *arg)
{
	struct stream *s = arg;
	uint64_t iters = s->shape->cons_iters;
	uint64_t sink = 0, expected = 0;

	harness_gate_pass(&s->gate);
	s->cons_start = now_ns();
	for (;; expected++) {
		uint64_t item = pop_wait(s->q);

		if (item != expected) {
			if (item == END_OF_RUN)
				break;
			check_item(s->workload, item, expected);
		}
		if (iters > 0)
			sink = work(sink + item, iters);
	}
	s->cons_end = now_ns();
	s->received = expected;
	s->sink[1] = sink;
	return NULL;
}

struct stream_result {
	double seconds;      /* the first thread's start to the last one's end */
	double prod_seconds; /* producer's start to its last push */
	double cons_seconds; /* consumer's start to its last pop */
	uint64_t items;
	struct alloc_stats alloc;
	struct side_counts prod, cons;
};

/*
 * One timed run on a fresh queue of `capacity`, bracketed by the probe
 * (right before it and right after it); r gets the run's capacity, items
 * and probes. batch 0: item by item; else through the bulk operations
 * (queues that have them).
 */
static struct stream_result stream_run(struct harness_row *r, uint64_t capacity, uint64_t items, uint64_t min_ms,
                                       size_t batch)
{
	struct stream s = {.workload = r->workload,
	                   .items = items,
	                   .min_ns = min_ms * 1000000u,
	                   .batch = batch,
	                   .shape = current_shape};

	harness_probe_before(r, &cpus, opt.probe_trips);
	r->capacity = capacity;
	s.q = fresh_queue(capacity);
	void *(*producer)(void *) = s.shape != NULL ? shape_producer : stream_producer;
	void *(*consumer)(void *) = s.shape != NULL ? shape_consumer : stream_consumer;
#ifdef SPSC_HAS_BULK
	if (batch > 0) {
		producer = bulk_producer;
		consumer = bulk_consumer;
	}
#endif
	harness_run_pair(&cpus, producer, consumer, &s);
	/* The allocations are counted before the probe after the run, which allocates its own. */
	struct alloc_stats alloc = finish_queue(s.q, r->workload);

	harness_probe_after(r, &cpus, opt.probe_trips);
	if (s.received != s.sent)
		harness_fail("%s: %s: %" PRIu64 " items sent, %" PRIu64 " received", SPSC_STAGE_NAME, r->workload,
		             s.sent, s.received);

	uint64_t start = s.prod_start < s.cons_start ? s.prod_start : s.cons_start;
	uint64_t end = s.prod_end > s.cons_end ? s.prod_end : s.cons_end;
	r->items = s.sent;
	return (struct stream_result){
	        .seconds = (double)(end - start) / 1e9,
	        .prod_seconds = (double)(s.prod_end - s.prod_start) / 1e9,
	        .cons_seconds = (double)(s.cons_end - s.cons_start) / 1e9,
	        .items = s.sent,
	        .alloc = alloc,
	        .prod = s.prod,
	        .cons = s.cons,
	};
}

/* ------------------------------------------------------------------ workloads */

/*
 * Each workload gets the row its runs describe, filled in with the queue,
 * the workload, the round, the CPUs and the wait policy, and sets the
 * rest (run, capacity, items, probes) as it goes.
 */

static void workload_probe(struct harness_row *r)
{
	r->capacity = 0;
	r->items = opt.probe_trips;
	for (r->run = 1; r->run <= opt.runs; r->run++) {
		harness_probe_before(r, &cpus, opt.probe_trips); /* the probe is the run: nothing to bracket */
		emit(r, "probe_rtt_ns", r->probe_ns, "ns");
		harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": %.1f ns per round trip", r->run, opt.runs,
		                 r->probe_ns);
	}
}

struct seed_st_result {
	double send_s, receive_s;
	struct alloc_stats alloc;
};

/* The origin's single-thread test: all pushes, then all pops, on one thread. */
static struct seed_st_result seed_st_run(struct harness_row *r, uint64_t items)
{
	r->capacity = create_capacity(pow2_at_least(items));
	r->items = items;
	spsc_queue *q = fresh_queue(r->capacity);
	uint64_t t0 = now_ns();

	for (uint64_t i = 0; i < items; i++)
		if (!spsc_try_push(q, i))
			harness_fail("seed-st: push %" PRIu64 " failed on a queue of capacity %zu", i,
			             spsc_capacity(q));
	uint64_t t1 = now_ns();
	for (uint64_t i = 0; i < items; i++) {
		uint64_t item;

		if (!spsc_try_pop(q, &item))
			harness_fail("seed-st: pop %" PRIu64 " found the queue empty", i);
		check_item(r->workload, item, i);
	}
	uint64_t t2 = now_ns();
	return (struct seed_st_result){
	        .send_s = (double)(t1 - t0) / 1e9,
	        .receive_s = (double)(t2 - t1) / 1e9,
	        .alloc = finish_queue(q, r->workload),
	};
}

static void workload_seed_st(struct harness_row *r)
{
	uint64_t items = opt.items ? opt.items : 1000000;

	r->probe_ns = 0; /* one thread: no hand-off, the probe says nothing about it */
	for (r->run = 1; r->run <= opt.runs; r->run++) {
		struct seed_st_result s = seed_st_run(r, items);

		emit(r, "send_ms", s.send_s * 1e3, "ms");
		emit(r, "receive_ms", s.receive_s * 1e3, "ms");
		emit(r, "total_ms", (s.send_s + s.receive_s) * 1e3, "ms");
		emit(r, "send_mops", (double)items / s.send_s / 1e6, "Mops/s");
		emit(r, "receive_mops", (double)items / s.receive_s / 1e6, "Mops/s");
		emit_alloc(r, "", s.alloc);
		harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": send %.2f ms, receive %.2f ms", r->run, opt.runs,
		                 s.send_s * 1e3, s.receive_s * 1e3);
	}
}

static void workload_seed_mt(struct harness_row *r)
{
	uint64_t items = opt.items ? opt.items : 100000;

	for (r->run = 1; r->run <= opt.runs; r->run++) {
		struct stream_result s = stream_run(r, create_capacity(pow2_at_least(items)), items, 0, 0);

		emit(r, "producer_ms", s.prod_seconds * 1e3, "ms");
		emit(r, "consumer_ms", s.cons_seconds * 1e3, "ms");
		emit(r, "total_ms", s.seconds * 1e3, "ms");
		emit(r, "items_per_s", (double)items / s.seconds, "items/s");
		emit_alloc(r, "", s.alloc);
		harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": total %.2f ms, %.3g items/s (probes %.0f/%.0f ns)",
		                 r->run, opt.runs, s.seconds * 1e3, (double)items / s.seconds, r->probe_ns,
		                 r->probe_after_ns);
	}
}

/* Throughput of one run, in million items per second. */
static double mitems(struct stream_result s)
{
	return (double)s.items / s.seconds / 1e6;
}

/* A run that is not recorded: caches, page tables, branch predictors and CPU clocks settle. */
static void warm_up(const struct harness_row *r, uint64_t capacity, size_t batch)
{
	struct harness_row scratch = *r; /* what the run would record, thrown away with it */
	uint64_t saved = opt.probe_trips;

	if (opt.no_warmup)
		return;

	opt.probe_trips = HARNESS_PROBE_BATCH; /* the warm-up's probe is thrown away with it */
	stream_run(&scratch, capacity, opt.items, opt.min_ms < 100 ? opt.min_ms : 100, batch);
	opt.probe_trips = saved;
}

static void workload_throughput(struct harness_row *r)
{
	double *v = malloc(opt.runs * sizeof(double));

	if (v == NULL)
		harness_fail("out of memory");
	warm_up(r, create_capacity(opt.capacity), 0);
	for (r->run = 1; r->run <= opt.runs; r->run++) {
		struct stream_result s = stream_run(r, create_capacity(opt.capacity), opt.items, opt.min_ms, 0);

		v[r->run - 1] = mitems(s);
		emit(r, "mitems_per_s", mitems(s), "Mitems/s");
		emit(r, "seconds", s.seconds, "s");
#ifdef BENCH_COUNT
		double per_mitem = 1e6 / (double)s.items;
		emit(r, "push_full_per_mitem", (double)s.prod.failed * per_mitem, "count");
		emit(r, "pop_empty_per_mitem", (double)s.cons.failed * per_mitem, "count");
		emit(r, "push_reloads_per_mitem", (double)s.prod.reloads * per_mitem, "count");
		emit(r, "pop_reloads_per_mitem", (double)s.cons.reloads * per_mitem, "count");
#endif
		emit_alloc(r, "", s.alloc);
		harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": %.2f Mitems/s over %.3f s (probes %.0f/%.0f ns)",
		                 r->run, opt.runs, mitems(s), s.seconds, r->probe_ns, r->probe_after_ns);
	}
	/* Summary rows (run 0) for a reader of this one invocation; bench-all uses the runs. */
	r->run = 0;
	r->probe_ns = r->probe_after_ns = 0;
	emit(r, "mitems_per_s_median", harness_median(v, opt.runs), "Mitems/s");
	emit(r, "mitems_per_s_min", v[0], "Mitems/s");
	emit(r, "mitems_per_s_max", v[opt.runs - 1], "Mitems/s");
	free(v);
}

static void workload_capacity(struct harness_row *r)
{
	warm_up(r, create_capacity(opt.capacity), 0);
	for (uint64_t k = 1; k <= opt.cap_max_log2; k++) {
		for (r->run = 1; r->run <= opt.runs; r->run++) {
			struct stream_result s = stream_run(r, (uint64_t)1 << k, opt.items, opt.min_ms, 0);

			emit(r, "mitems_per_s", mitems(s), "Mitems/s");
			harness_progress(r,
			                 "capacity 2^%" PRIu64 ", run %" PRIu64 " of %" PRIu64
			                 ": %.2f Mitems/s (probes %.0f/%.0f ns)",
			                 k, r->run, opt.runs, mitems(s), r->probe_ns, r->probe_after_ns);
		}
	}
}

static void workload_alloc(struct harness_row *r)
{
	uint64_t items = opt.items ? opt.items : 1000000;

	/* One run each: allocation counts do not vary with the machine's mood. */
	r->run = 1;
	struct alloc_stats st = seed_st_run(r, items).alloc;
	r->probe_ns = 0;
	emit_alloc(r, "seed-st_", st);
	struct alloc_stats tp = stream_run(r, create_capacity(opt.capacity), items, 0, 0).alloc;
	emit_alloc(r, "throughput_", tp);
	harness_progress(r, "seed-st: %" PRIu64 " allocations, throughput: %" PRIu64 " allocations", st.allocs,
	                 tp.allocs);
	if (!QUEUE_UNBOUNDED && (st.allocs != 0 || tp.allocs != 0))
		harness_fail("alloc: a bounded queue allocated after spsc_create (%" PRIu64 " + %" PRIu64 ")",
		             st.allocs, tp.allocs);
}

/* ---- latency */

/* A sample of ns as the latency workloads keep it: 32 bits, a longer one (4 s) saturated. */
static inline uint32_t sample_u32(uint64_t ns)
{
	return ns < UINT32_MAX ? (uint32_t)ns : UINT32_MAX;
}

struct pingpong {
	const char *workload;
	spsc_queue *there, *back;
	uint64_t warm, trips;
	uint32_t *sample_ns; /* one per timed round trip */
	unsigned gate;       /* harness_gate_pass */
};

static void *latency_pinger(void *arg)
{
	struct pingpong *p = arg;

	harness_gate_pass(&p->gate);
	for (uint64_t i = 0; i < p->warm + p->trips; i++) {
		uint64_t t0 = now_ns();

		push_wait(p->there, i);
		uint64_t item = pop_wait(p->back);
		uint64_t dt = now_ns() - t0;

		check_item(p->workload, item, i);
		if (i >= p->warm)
			p->sample_ns[i - p->warm] = sample_u32(dt);
	}
	push_wait(p->there, END_OF_RUN);
	return NULL;
}

static void *latency_echo(void *arg)
{
	struct pingpong *p = arg;

	harness_gate_pass(&p->gate);
	for (uint64_t expected = 0;; expected++) {
		uint64_t item = pop_wait(p->there);

		if (item == END_OF_RUN)
			break;
		check_item(p->workload, item, expected);
		push_wait(p->back, item);
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Histogram bins: exact below 64 ns, then 32 bins per power of two (about 3% wide). */
static uint32_t bin_low(uint32_t ns)
{
	if (ns < 64)
		return ns;
	int shift = 31 - __builtin_clz(ns) - 5;
	return (ns >> shift) << shift;
}

/* `bin_low_ns count` per non-empty bin, from the sorted samples. */
static void write_histogram(const uint32_t *sorted, uint64_t n)
{
	FILE *f = fopen(opt.hist, "w");

	if (f == NULL)
		harness_fail("--hist: cannot write '%s': %s", opt.hist, strerror(errno));
	fprintf(f, "# %s latency histogram, %s, %" PRIu64 " round trips, cpus %s\n# bin_low_ns count\n",
	        SPSC_STAGE_NAME, HARNESS_TIMER, n, cpus.label);
	for (uint64_t i = 0; i < n;) {
		uint32_t b = bin_low(sorted[i]);
		uint64_t j = i;

		while (j < n && bin_low(sorted[j]) == b)
			j++;
		fprintf(f, "%" PRIu32 " %" PRIu64 "\n", b, j - i);
		i = j;
	}
	if (fclose(f) != 0)
		harness_fail("--hist: cannot write '%s'", opt.hist);
}

/* One timed ping-pong over two fresh queues, bracketed by the probe; p->sample_ns receives its round trips. */
static void latency_run(struct harness_row *r, struct pingpong *p)
{
	harness_probe_before(r, &cpus, opt.probe_trips);
	p->there = fresh_queue(r->capacity);
	p->back = fresh_queue(r->capacity);
	p->gate = 0;
	harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": %" PRIu64 " round trips after %" PRIu64 " warm-up", r->run,
	                 opt.runs, p->trips, p->warm);
	harness_run_pair(&cpus, latency_pinger, latency_echo, p);
	harness_probe_after(r, &cpus, opt.probe_trips);
	spsc_destroy(p->there);
	spsc_destroy(p->back);
}

static void workload_latency(struct harness_row *r)
{
	struct pingpong p = {.workload = r->workload, .warm = opt.trips / 10, .trips = opt.trips};
	static const struct {
		const char *name;
		double q;
	} pct[] = {{"rtt_p50_ns", 0.50},
	           {"rtt_p90_ns", 0.90},
	           {"rtt_p99_ns", 0.99},
	           {"rtt_p99.9_ns", 0.999},
	           {"rtt_max_ns", 1.0}};
	uint32_t at[sizeof(pct) / sizeof(pct[0])];

	p.sample_ns = malloc(opt.trips * sizeof(uint32_t));
	if (p.sample_ns == NULL)
		harness_fail("latency: out of memory for %" PRIu64 " samples", opt.trips);
	r->capacity = create_capacity(opt.capacity);
	r->items = p.trips;
	for (r->run = 1; r->run <= opt.runs; r->run++) {
		latency_run(r, &p);
		qsort(p.sample_ns, p.trips, sizeof(uint32_t), cmp_u32);
		for (size_t k = 0; k < sizeof(pct) / sizeof(pct[0]); k++) {
			at[k] = p.sample_ns[harness_rank(p.trips, pct[k].q)];
			emit(r, pct[k].name, at[k], "ns");
		}
		emit(r, "clock_overhead_ns", harness_clock_overhead_ns(), "ns");
		/* The same nearest-rank figures as the rows: p50, p99, max. */
		harness_progress(r, "p50 %" PRIu32 " ns, p99 %" PRIu32 " ns, max %" PRIu32 " ns (probes %.0f/%.0f ns)",
		                 at[0], at[2], at[4], r->probe_ns, r->probe_after_ns);
		if (opt.hist != NULL)
			write_histogram(p.sample_ns, p.trips);
	}
	free(p.sample_ns);
}

/* ---- pairs: the loop callgrind counts */

/*
 * Not inlined, so that it stays one loop whatever N is; its instructions
 * per iteration (push, pop, the sequence check, the loop itself) are what
 * bench-all.sh reports, from two runs of different N.
 */
__attribute__((noinline)) static void pairs_loop(spsc_queue *q, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t item;

		if (!spsc_try_push(q, i) || !spsc_try_pop(q, &item))
			harness_fail("pairs: push+pop %" PRIu64 " failed", i);
		check_item("pairs", item, i);
	}
}

static void workload_pairs(struct harness_row *r)
{
	uint64_t items = opt.items ? opt.items : 1000000;

	r->capacity = create_capacity(opt.capacity);
	r->run = 1;
	r->probe_ns = 0;
	r->items = items;
	spsc_queue *q = fresh_queue(r->capacity);
	pairs_loop(q, items);
	finish_queue(q, r->workload);
	emit(r, "pairs", (double)items, "count");
}

/* Throughput through the bulk operations, batch by batch, on one capacity. */
static void workload_bulk(struct harness_row *r)
{
#ifdef SPSC_HAS_BULK
	static const uint64_t all[] = {1, 8, 32, 256};
	const uint64_t *batches = opt.batch ? &opt.batch : all;
	size_t n = opt.batch ? 1 : sizeof(all) / sizeof(all[0]);

	for (size_t b = 0; b < n; b++) {
		char metric[48];

		snprintf(metric, sizeof(metric), "bulk%" PRIu64 "_mitems_per_s", batches[b]);
		warm_up(r, create_capacity(opt.capacity), (size_t)batches[b]);
		for (r->run = 1; r->run <= opt.runs; r->run++) {
			struct stream_result s =
			        stream_run(r, create_capacity(opt.capacity), opt.items, opt.min_ms, (size_t)batches[b]);

			emit(r, metric, mitems(s), "Mitems/s");
			harness_progress(r,
			                 "batch %" PRIu64 ", run %" PRIu64 " of %" PRIu64
			                 ": %.2f Mitems/s (probes %.0f/%.0f ns)",
			                 batches[b], r->run, opt.runs, mitems(s), r->probe_ns, r->probe_after_ns);
		}
	}
#else
	(void)r;
	harness_usage_error("bulk: %s has no bulk operations (spsc_try_push_n, spsc_try_pop_n)", SPSC_STAGE_NAME);
#endif
}

/* ---- load shapes: the work's calibration */

/*
 * Timings of CALIBRATION_ITERS iterations each; the fastest gives ns per
 * iteration. Not the median: on a shared VM a timing is only ever made
 * longer (a preempted vCPU, a neighbour's turbo), and a work bound taken
 * from a slow timing let a queue run at 1.2 times "the bound".
 */
#define CALIBRATION_TIMINGS 11
#define CALIBRATION_ITERS   ((uint64_t)1 << 18)

/* The work per item, calibrated once per process on the producer's CPU. */
struct calibration {
	bool done;
	double ns_per_iter; /* the fastest of CALIBRATION_TIMINGS timings */
	uint64_t iters;     /* per item: --work-ns / ns_per_iter, rounded, at least 1 */
	double work_ns;     /* what iters take: iters * ns_per_iter */
	uint64_t sink;
};

static void *calibration_thread(void *arg)
{
	struct calibration *c = arg;
	double t[CALIBRATION_TIMINGS];
	uint64_t x = work(1, CALIBRATION_ITERS); /* a warm-up: the CPU's clock settles */

	for (int k = 0; k < CALIBRATION_TIMINGS; k++) {
		uint64_t t0 = now_ns();

		x = work(x, CALIBRATION_ITERS);
		t[k] = (double)(now_ns() - t0) / (double)CALIBRATION_ITERS;
	}
	c->ns_per_iter = t[0];
	for (int k = 1; k < CALIBRATION_TIMINGS; k++)
		c->ns_per_iter = t[k] < c->ns_per_iter ? t[k] : c->ns_per_iter;
	c->sink = x;
	return NULL;
}

static void *idle_thread(void *arg)
{
	return arg;
}

static const struct calibration *calibrated(void)
{
	static struct calibration c;

	if (c.done)
		return &c;
	harness_run_pair(&cpus, calibration_thread, idle_thread, &c);
	c.iters = (uint64_t)((double)opt.work_ns / c.ns_per_iter + 0.5);
	if (c.iters == 0)
		c.iters = 1;
	c.work_ns = (double)c.iters * c.ns_per_iter;
	c.done = true;
	return &c;
}

/* The calibration's rows (run 0, no probe), written by each shape workload before its runs. */
static void emit_calibration(struct harness_row *r, const struct calibration *c)
{
	r->run = 0;
	r->probe_ns = r->probe_after_ns = 0;
	r->items = c->iters;
	emit(r, "work_ns_per_iteration", c->ns_per_iter, "ns");
	emit(r, "work_iterations", (double)c->iters, "count");
	emit(r, "work_ns", c->work_ns, "ns");
}

/* ---- load shapes: the runs */

/*
 * Each run's rows: items/s; the bound the work allows (1e9 / the slow
 * side's work ns, items/s; for bursts, what the periods allow: burst items
 * per period); items/s over that bound; and each side's own cost per item
 * beyond its work: its own elapsed time (start to its last push or pop)
 * per item, less its work per item (the producer's in bursts: the
 * period's share, period / burst). The fast side's cost includes its waiting.
 */
static void emit_shape_run(struct harness_row *r, struct stream_result s, const struct shape *sh, double ns_per_iter)
{
	double prod_ns = (double)sh->prod_iters * ns_per_iter, cons_ns = (double)sh->cons_iters * ns_per_iter;
	double slow_ns = prod_ns > cons_ns ? prod_ns : cons_ns;
	double per_item = 1e9 / (double)s.items;

	if (sh->period_ns > 0)
		prod_ns = slow_ns = (double)sh->period_ns / (double)sh->burst;
	emit(r, "mitems_per_s", mitems(s), "Mitems/s");
	emit(r, "work_bound_mitems_per_s", 1e3 / slow_ns, "Mitems/s");
	emit(r, "of_work_bound", mitems(s) * slow_ns / 1e3, "ratio");
	emit(r, "producer_cost_ns", s.prod_seconds * per_item - prod_ns, "ns");
	emit(r, "consumer_cost_ns", s.cons_seconds * per_item - cons_ns, "ns");
	harness_progress(r, "run %" PRIu64 " of %" PRIu64 ": %.2f Mitems/s, %.2f of the bound (probes %.0f/%.0f ns)",
	                 r->run, opt.runs, mitems(s), mitems(s) * slow_ns / 1e3, r->probe_ns, r->probe_after_ns);
}

/* A shape workload: the calibration's rows, a warm-up run, then --runs runs of at least --min-ms (or --items). */
static void shape_workload(struct harness_row *r, struct shape sh)
{
	const struct calibration *c = calibrated();

	emit_calibration(r, c);
	current_shape = &sh;
	warm_up(r, create_capacity(opt.capacity), 0);
	for (r->run = 1; r->run <= opt.runs; r->run++) {
		struct stream_result s = stream_run(r, create_capacity(opt.capacity), opt.items, opt.min_ms, 0);

		emit_shape_run(r, s, &sh, c->ns_per_iter);
	}
	current_shape = NULL;
}

static void workload_shape_consumer_slow(struct harness_row *r)
{
	shape_workload(r, (struct shape){.cons_iters = calibrated()->iters});
}

static void workload_shape_producer_slow(struct harness_row *r)
{
	shape_workload(r, (struct shape){.prod_iters = calibrated()->iters});
}

static void workload_shape_both(struct harness_row *r)
{
	uint64_t iters = calibrated()->iters;

	shape_workload(r, (struct shape){.prod_iters = iters, .cons_iters = iters});
}

static void workload_shape_burst(struct harness_row *r)
{
	shape_workload(r, (struct shape){.burst = opt.burst, .period_ns = opt.period_ns});
}

/* ---- latency under load */

/*
 * The producer paced at a fixed rate: item i is due at start + i * interval
 * (a producer that falls behind pushes at once, and the queue holds the
 * backlog); it spins on the clock until then, stamps the item with the
 * clock and pushes it. The consumer records each item's time in the queue
 * (the clock at its pop less its stamp). stamp[] is plain memory: the
 * producer writes stamp[i] before it pushes i, and the queue's release
 * (push) and acquire (pop) order that write before the consumer's read.
 */
struct paced {
	const char *workload;
	spsc_queue *q;
	uint64_t items;
	double interval_ns;
	uint64_t *stamp;     /* the producer's, then the consumer's: see above */
	uint32_t *sample_ns; /* the consumer's alone: each item's time in the queue */
	unsigned gate;       /* harness_gate_pass */
	uint64_t start, end; /* the producer's start, the consumer's end */
};

static void *paced_producer(void *arg)
{
	struct paced *p = arg;

	harness_gate_pass(&p->gate);
	p->start = now_ns();
	for (uint64_t i = 0; i < p->items; i++) {
		uint64_t due = p->start + (uint64_t)((double)i * p->interval_ns);
		uint64_t t = now_ns();

		while (t < due)
			t = now_ns();
		p->stamp[i] = t;
		push_wait(p->q, i);
	}
	push_wait(p->q, END_OF_RUN);
	return NULL;
}

static void *paced_consumer(void *arg)
{
	struct paced *p = arg;

	harness_gate_pass(&p->gate);
	for (uint64_t expected = 0;; expected++) {
		uint64_t item = pop_wait(p->q);
		uint64_t t = now_ns();

		if (item == END_OF_RUN && expected == p->items)
			break;
		check_item(p->workload, item, expected);
		p->sample_ns[item] = sample_u32(t - p->stamp[item]);
	}
	p->end = now_ns();
	return NULL;
}

/* One paced run on a fresh queue, bracketed by the probe. */
static void paced_run(struct harness_row *r, struct paced *p)
{
	harness_probe_before(r, &cpus, opt.probe_trips);
	p->q = fresh_queue(r->capacity);
	p->gate = 0;
	harness_run_pair(&cpus, paced_producer, paced_consumer, p);
	finish_queue(p->q, r->workload);
	harness_probe_after(r, &cpus, opt.probe_trips);
}

/* One load's rows: the rate offered and achieved, and the time in the queue at p50, p99, p99.9 and max. */
static void emit_paced_run(struct harness_row *r, struct paced *p, double load)
{
	static const struct {
		const char *name;
		double q;
	} pct[] = {{"p50_ns", 0.50}, {"p99_ns", 0.99}, {"p99.9_ns", 0.999}, {"max_ns", 1.0}};
	uint64_t warm = p->items / 10; /* the first tenth is not recorded: the threads settle */
	uint64_t n = p->items - warm;
	char metric[48];

	qsort(p->sample_ns + warm, n, sizeof(uint32_t), cmp_u32);
	snprintf(metric, sizeof(metric), "load%g_offered_mitems_per_s", load * 100);
	emit(r, metric, 1e3 / p->interval_ns, "Mitems/s");
	snprintf(metric, sizeof(metric), "load%g_mitems_per_s", load * 100);
	emit(r, metric, (double)p->items * 1e3 / (double)(p->end - p->start), "Mitems/s");
	for (size_t k = 0; k < sizeof(pct) / sizeof(pct[0]); k++) {
		snprintf(metric, sizeof(metric), "load%g_%s", load * 100, pct[k].name);
		emit(r, metric, p->sample_ns[warm + harness_rank(n, pct[k].q)], "ns");
	}
	harness_progress(r, "load %g, run %" PRIu64 " of %" PRIu64 ": p50 %" PRIu32 " ns, p99 %" PRIu32 " ns", load,
	                 r->run, opt.runs, p->sample_ns[warm + harness_rank(n, 0.5)],
	                 p->sample_ns[warm + harness_rank(n, 0.99)]);
}

static void workload_latency_load(struct harness_row *r)
{
	struct paced p = {.workload = r->workload, .items = opt.items ? opt.items : 200000};

	p.stamp = malloc(p.items * sizeof(uint64_t));
	p.sample_ns = malloc(p.items * sizeof(uint32_t));
	if (p.stamp == NULL || p.sample_ns == NULL)
		harness_fail("latency-load: out of memory for %" PRIu64 " items", p.items);
	r->capacity = create_capacity(opt.capacity);
	r->items = p.items;
	for (size_t k = 0; k < opt.n_loads; k++) {
		p.interval_ns = 1e3 / ((double)opt.rate * opt.loads[k]);
		for (r->run = 1; r->run <= opt.runs; r->run++) {
			paced_run(r, &p);
			emit_paced_run(r, &p, opt.loads[k]);
		}
	}
	free(p.stamp);
	free(p.sample_ns);
}

/*
 * The harness's lines (stage, compiler, flags, timer, CPUs, columns), then
 * the driver's own: whether the queue has bulk operations, this run's wait
 * policy and every wait policy there is (the scripts' one list of them).
 */
static void workload_info(struct harness_row *r)
{
	(void)r;
	harness_info(out.f, SPSC_STAGE_NAME, &cpus);
	fprintf(out.f, "# bulk: %s\n# wait: %s\n# waits:", BENCH_HAS_BULK, wait_label());
	for (size_t k = 0; k < N_WAIT_POLICIES; k++)
		fprintf(out.f, " %s", wait_policies[k]);
	fputc('\n', out.f);
}

/* ------------------------------------------------------------------ main */

/*
 * The workloads: one line each, name, function and what --help says of it
 * (each further line of the help is indented under the first).
 */
static const struct workload {
	const char *name;
	void (*run)(struct harness_row *r);
	const char *help;
} workloads[] = {
        {"probe", workload_probe,
         "cache-line round trip between the two CPUs (median ns); also\n"
         "taken right before and right after every timed run, both\n"
         "recorded on its rows (probe_ns, probe_after_ns)"},
        {"seed-st", workload_seed_st,
         "one thread pushes --items (default 1000000), then pops them;\n"
         "bounded stages get a capacity of at least --items"},
        {"seed-mt", workload_seed_mt,
         "one producer thread, one consumer thread, --items (default\n"
         "100000); bounded stages get a capacity of at least --items"},
        {"throughput", workload_throughput,
         "producer and consumer on the two CPUs, capacity --capacity;\n"
         "one warm-up run, then --runs runs of at least --min-ms each\n"
         "(or exactly --items items)"},
        {"latency", workload_latency,
         "ping-pong round trip over two queues, --trips timed trips after\n"
         "a warm-up of trips/10; p50 p90 p99 p99.9 max; --hist FILE"},
        {"capacity", workload_capacity, "throughput at capacity 2^1 .. 2^--cap-max-log2, --runs per point"},
        {"alloc", workload_alloc,
         "allocations during seed-st and a throughput run of --items\n"
         "(default 1000000): counted through the wrapped allocator; must\n"
         "be 0 for a bounded stage; stage 1 reports growths and bytes copied"},
        {"pairs", workload_pairs,
         "--items push+pop pairs on one thread (for callgrind: run it for\n"
         "N and 2N items; the difference / N is instructions per pair)"},
        {"bulk", workload_bulk,
         "throughput as above, moving batches of --batch items per\n"
         "spsc_try_push_n / spsc_try_pop_n call (default: 1, 8, 32, 256\n"
         "in turn); only for queues with bulk operations (info says)"},
        {"shape-consumer-slow", workload_shape_consumer_slow,
         "load shape: the consumer works --work-ns per item (calibrated\n"
         "at start on the producer's CPU), the producer none: the ring\n"
         "runs full; runs as throughput; items/s, the work bound, each\n"
         "side's cost per item beyond its work"},
        {"shape-producer-slow", workload_shape_producer_slow,
         "the same with the producer working: the ring runs empty"},
        {"shape-both", workload_shape_both, "the same with both sides working --work-ns per item"},
        {"shape-burst", workload_shape_burst,
         "the producer pushes --burst items back to back every\n"
         "--period-ns, spinning on the clock in between; no work; the\n"
         "bound is burst / period"},
        {"latency-load", workload_latency_load,
         "the producer paced at each --load fraction of --rate, each item\n"
         "stamped when pushed; time in the queue p50 p99 p99.9 max over\n"
         "--items (default 200000, the first tenth not recorded)"},
        {"info", workload_info,
         "stage, compiler, flags, timer, CPUs, CSV columns, bulk, the wait\n"
         "policy and every policy there is (# waits:), as comment lines"},
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/* The wait policies in words: "spin, backoff or batch". */
static const char *wait_choices(void)
{
	static char words[96];
	size_t len = 0;

	for (size_t k = 0; k < N_WAIT_POLICIES; k++)
		len += (size_t)snprintf(words + len, sizeof(words) - len, "%s%s",
		                        k == 0                     ? ""
		                        : k + 1 == N_WAIT_POLICIES ? " or "
		                                                   : ", ",
		                        wait_policies[k]);
	return words;
}

/* The workloads' part of --help: each name, then its help, each further line indented under the first. */
static void print_workloads(void)
{
	for (size_t k = 0; k < N_WORKLOADS; k++) {
		if (strlen(workloads[k].name) > 10) /* a long name on a line of its own */
			printf("  %s\n%14s", workloads[k].name, "");
		else
			printf("  %-10s  ", workloads[k].name);
		for (const char *c = workloads[k].help; *c != '\0'; c++) {
			putchar(*c);
			if (*c == '\n')
				fputs("              ", stdout); /* under the first line */
		}
		putchar('\n');
	}
}

static void print_flags(void)
{
	printf("\n"
	       "Flags:\n" HARNESS_HELP_CPUS "  --items N          items per run (absent: the workload's default)\n"
	       "  --capacity N       queue capacity for throughput and latency (default 65536)\n"
	       "  --runs N           timed runs (default 7)\n"
	       "  --min-ms N         minimum length of a time-bounded run (default 250)\n"
	       "  --trips N          latency round trips (default 1000000)\n"
	       "  --probe-trips N    probe round trips (default 100000)\n"
	       "  --cap-max-log2 N   capacity sweep upper end (default 20, at most 24)\n"
	       "  --round N          label written in the round column (default 0)\n"
	       "  --batch N          bulk: one batch size, 1 .. %d (default: 1, 8, 32, 256)\n"
	       "  --wait POLICY      what a side does after a failed try, before the next\n"
	       "                     (%s; the first is the default): spin is one\n"
	       "                     PAUSE, backoff 1, 2, 4 ... %d PAUSEs while it keeps\n"
	       "                     failing, batch polls spsc_size at doubling gaps (1 ..\n"
	       "                     %d PAUSEs) until --wait-items items or room, or (the\n"
	       "                     consumer) --wait-ns\n"
	       "  --wait-items N     batch: items to wait for (default 256, at most half the\n"
	       "                     capacity)\n"
	       "  --wait-ns N        batch: the consumer's longest wait in ns (default 5000)\n"
	       "  --work-ns N        load shapes: work per item in ns (default 30)\n"
	       "  --burst N          shape-burst: items back to back (default 32)\n"
	       "  --period-ns N      shape-burst: a burst every N ns (default 1000)\n"
	       "  --rate N           latency-load: the full rate in Mitems/s (default 10)\n"
	       "  --load LIST        latency-load: fractions of --rate, each in (0, 1],\n"
	       "                     comma-separated, at most %d (default 0.1,0.5,0.9)\n"
	       "  --csv FILE         append rows to FILE (its header first, unless it has one)\n"
	       "  --hist FILE        latency histogram: lines 'bin_low_ns count'\n"
	       "  --no-warmup        throughput: no warm-up run (for perf stat: every item\n"
	       "                     counted is a timed one)\n"
	       "  --quiet            no progress on stderr\n"
	       "  --help             this text\n"
	       "\n"
	       "Stage 1 is unbounded: every workload creates it with an initial capacity of\n"
	       "%d (like Rust's VecDeque<u64>) and it grows; the capacity column of its rows\n"
	       "is that initial length.\n",
	       BULK_MAX_BATCH, wait_choices(), BACKOFF_MAX, BATCH_POLL_MAX, MAX_LOADS, UNBOUNDED_INITIAL_CAPACITY);
}

static void print_help(void)
{
	printf("usage: %s WORKLOAD... [FLAG...]\n"
	       "The benchmark driver built against %s/spsc.h. CSV rows go to stdout\n"
	       "(or --csv), progress to stderr. Exit status: 0 ok, 1 a run failed (lost or\n"
	       "reordered item, allocation failure), 2 bad usage.\n"
	       "\n"
	       "Workloads (any number, run in the order given):\n",
	       harness_program()->name, SPSC_STAGE_NAME);
	print_workloads();
	print_flags();
}

/* Flags that take a value (a number in [lo, hi] or a string) and switches (harness.h). */
static const struct harness_flag flags[] = {
        {"--items", &opt.items, 1, 100000000000u, NULL, NULL},
        {"--capacity", &opt.capacity, 1, (uint64_t)1 << 28, NULL, NULL},
        {"--runs", &opt.runs, 1, 1000, NULL, NULL},
        {"--min-ms", &opt.min_ms, 1, 600000, NULL, NULL},
        {"--trips", &opt.trips, 10, 100000000, NULL, NULL},
        {"--probe-trips", &opt.probe_trips, HARNESS_PROBE_BATCH, 100000000, NULL, NULL},
        {"--cap-max-log2", &opt.cap_max_log2, 1, 24, NULL, NULL},
        {"--round", &opt.round, 0, 1000000, NULL, NULL},
        {"--batch", &opt.batch, 1, BULK_MAX_BATCH, NULL, NULL},
        {"--wait-items", &opt.wait_items, 1, (uint64_t)1 << 28, NULL, NULL},
        {"--wait-ns", &opt.wait_ns, 1, 1000000000, NULL, NULL},
        {"--work-ns", &opt.work_ns, 1, 1000000, NULL, NULL},
        {"--burst", &opt.burst, 1, (uint64_t)1 << 20, NULL, NULL},
        {"--period-ns", &opt.period_ns, 1, 1000000000, NULL, NULL},
        {"--rate", &opt.rate, 1, 10000, NULL, NULL},
        {"--load", NULL, 0, 0, &opt.load, NULL},
        {"--wait", NULL, 0, 0, &opt.wait_name, NULL},
        {"--cpus", NULL, 0, 0, &opt.cpus, NULL},
        {"--csv", NULL, 0, 0, &opt.csv, NULL},
        {"--hist", NULL, 0, 0, &opt.hist, NULL},
        {"--quiet", NULL, 0, 0, NULL, &opt.quiet},
        {"--no-warmup", NULL, 0, 0, NULL, &opt.no_warmup},
};

/* The index of a wait policy's name, or a usage error naming the choices. */
static uint64_t find_wait_policy(const char *name)
{
	for (size_t k = 0; k < N_WAIT_POLICIES; k++)
		if (strcmp(name, wait_policies[k]) == 0)
			return k;
	harness_usage_error("--wait: unknown policy '%s' (%s)", name, wait_choices());
}

/* --load into opt.loads: fractions in (0, 1], comma-separated; anything else a usage error. */
static void parse_loads(const char *list)
{
	const char *p = list;

	opt.n_loads = 0;
	for (;;) {
		char *end = NULL;
		double f = 0;

		errno = 0;
		if ((*p >= '0' && *p <= '9') || *p == '.') /* strtod alone would take " 1", "inf", "0x1", "1e-1" */
			f = strtod(p, &end);
		if (end == NULL || errno != 0 || !(f > 0 && f <= 1) || (*end != ',' && *end != '\0') ||
		    strspn(p, "0123456789.") != (size_t)(end - p))
			harness_usage_error("--load: '%s' is not a list of fractions in (0, 1] such as 0.1,0.5,0.9",
			                    list);
		if (opt.n_loads == MAX_LOADS)
			harness_usage_error("--load: more than %d loads in '%s'", MAX_LOADS, list);
		opt.loads[opt.n_loads++] = f;
		if (*end == '\0')
			return;
		p = end + 1;
	}
}

/* The workloads named on the command line, in order. */
static struct harness_todo todo;

static void add_workload(const char *name)
{
	harness_todo_add(&todo, name, workloads, N_WORKLOADS, sizeof(workloads[0]));
}

int main(int argc, char **argv)
{
	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), print_help, add_workload);
	if (todo.n == 0)
		harness_usage_error("no workload given");
	if (opt.wait_name != NULL)
		opt.wait = find_wait_policy(opt.wait_name);
	parse_loads(opt.load);
	harness_program()->quiet = opt.quiet;

	harness_choose_cpus(&cpus, opt.cpus);
	harness_open(&out, opt.csv);
	for (size_t t = 0; t < todo.n; t++) {
		struct harness_row r = {
		        .queue = SPSC_STAGE_NAME,
		        .workload = workloads[todo.k[t]].name,
		        .round = opt.round,
		        .cpus = cpus.label,
		        .wait = wait_label(),
		};

		workloads[todo.k[t]].run(&r);
	}
	harness_close(&out);
	return 0;
}
