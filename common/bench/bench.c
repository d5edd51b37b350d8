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
 * appended to --csv FILE; progress on stderr. Timing: CLOCK_MONOTONIC
 * through clock_gettime everywhere (the `timer` column says so); its own
 * cost is measured and reported by the latency workload.
 *
 * Allocations are counted, not assumed: the binary is linked with
 * -Wl,--wrap=malloc,... and common/support/test_alloc.c, so every allocation made
 * by this object (which includes the inlined queue) is counted. Threads,
 * stdio and libc's own internals are not wrapped, and the driver allocates
 * nothing between creating a queue and the end of its run.
 */
#define _GNU_SOURCE /* pthread_attr_setaffinity_np, sched_getaffinity, CPU_SET */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse_number.h"
#include "queue.h" /* the queue measured: spsc.h, and spsc_bulk.h where it has one */
#include "spin.h"
#include "test_alloc.h" /* test_alloc_reset(), test_alloc_count() */

#ifndef BENCH_FLAGS
#define BENCH_FLAGS "unknown (built without BENCH_FLAGS)"
#endif
#ifdef SPSC_HAS_BULK
#define BENCH_HAS_BULK "yes"
#else
#define BENCH_HAS_BULK "no"
#endif
#include "compiler.h" /* BENCH_COMPILER */

/* Never a sequence number: tells the consumer the run is over. */
#define END_OF_RUN UINT64_MAX
/* The producer of a timed run reads the clock once per this many items. */
#define CLOCK_CHECK_MASK ((uint64_t)0xffff)
/* Stage 1 is unbounded: it starts like Rust's VecDeque<u64> (4 slots) and grows. */
#define UNBOUNDED_INITIAL_CAPACITY 4
/* The probe times round trips in batches: one clock read per batch, not per trip. */
#define PROBE_BATCH 100
/* The largest batch of the bulk workload. */
#define BULK_MAX_BATCH 256

/* ------------------------------------------------------------------ errors */

static const char *prog = "bench";

/* Bad usage: a clear message and exit status 2, never a silent default. */
static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (try --help)\n");
	va_end(ap);
	exit(2);
}

/* A failed run (a lost item, a failed allocation): exit status 1. */
static _Noreturn void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: %s: ", prog, SPSC_STAGE_NAME);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------------ options */

/* The wait policies (--wait), by index; wait_after_failure() says what each does. */
enum wait_policy { WAIT_SPIN, WAIT_BACKOFF, WAIT_BATCH };
static const char *const wait_policies[] = {"spin", "backoff", "batch"};
#define N_WAIT_POLICIES (sizeof(wait_policies) / sizeof(wait_policies[0]))
/* backoff: the longest wait between two tries, in PAUSEs. */
#define BACKOFF_MAX 64

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
	uint64_t wait_items;   /* wait policy batch: items (or room) to wait for */
	uint64_t wait_ns;      /* wait policy batch: the longest wait */
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
        .wait_items = 8,
        .wait_ns = 2000,
};

/* A decimal number in [lo, hi] (common/support/parse_number.h), or a usage error saying why not. */
static uint64_t number(const char *flag, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;
	const char *why = parse_number(s, lo, hi, &v);

	if (why != NULL && (s == NULL || *s == '\0'))
		usage_error("%s needs a value", flag);
	if (why != NULL)
		usage_error("%s: '%s' %s (%" PRIu64 " .. %" PRIu64 ")", flag, s, why, lo, hi);
	return v;
}

/* ------------------------------------------------------------------ CPUs */

static int cpu_of[2] = {-1, -1}; /* producer's, consumer's; -1: unpinned */
static char cpus_label[32] = "unpinned";

/* The CPUs this process may run on: the online ones, less any taskset/cgroup limit. */
static void available_cpus(cpu_set_t *set)
{
	CPU_ZERO(set);
	if (sched_getaffinity(0, sizeof(*set), set) != 0)
		fail("sched_getaffinity: %s", strerror(errno));
}

static void choose_cpus(void)
{
	cpu_set_t set;
	const char *spec = opt.cpus;

	available_cpus(&set);
	if (spec == NULL || *spec == '\0')
		spec = getenv("CPUS");
	if (spec != NULL && *spec != '\0') {
		char buf[64];
		char *comma;

		if (strlen(spec) >= sizeof(buf) || (comma = strchr(strcpy(buf, spec), ',')) == NULL)
			usage_error("--cpus/CPUS: '%s' is not two CPU numbers A,B", spec);
		*comma = '\0';
		for (int i = 0; i < 2; i++) {
			const char *part = i == 0 ? buf : comma + 1;
			cpu_of[i] = (int)number("--cpus/CPUS", part, 0, CPU_SETSIZE - 1);
			if (!CPU_ISSET(cpu_of[i], &set))
				usage_error("--cpus/CPUS: CPU %d does not exist or is not available to this "
				            "process (%d available)",
				            cpu_of[i], CPU_COUNT(&set));
		}
		if (cpu_of[0] == cpu_of[1])
			usage_error("--cpus/CPUS: the two threads need two different CPUs, not %d twice", cpu_of[0]);
	} else {
		/* Default: the first two available CPUs; with only one, run unpinned. */
		int found = 0;

		for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
			if (CPU_ISSET(c, &set))
				cpu_of[found++] = c;
		if (found < 2) {
			cpu_of[0] = cpu_of[1] = -1;
			return;
		}
	}
	snprintf(cpus_label, sizeof(cpus_label), "%d+%d", cpu_of[0], cpu_of[1]);
}

/* ------------------------------------------------------------------ output */

static FILE *out;
static bool header_done; /* written before the first row, not before info's comments */

/* What every row carries besides its metric: set by the workload before emitting. */
static struct {
	const char *workload;
	unsigned run;      /* 1..R; 0 for a summary row */
	uint64_t capacity; /* as passed to spsc_create */
	uint64_t items;    /* items (or round trips) in the run */
	double probe_ns;   /* the probe taken just before the run */
} row;

static void open_output(void)
{
	out = stdout;
	if (opt.csv != NULL) {
		out = fopen(opt.csv, "a");
		if (out == NULL)
			usage_error("--csv: cannot open '%s': %s", opt.csv, strerror(errno));
		if (fseek(out, 0, SEEK_END) != 0 || ftell(out) > 0)
			header_done = true; /* appending to rows that already have their header */
	}
}

/* The first column: a stage's number ("stage5-waitfree": 5), else a peer's whole name. */
static const char *queue_id(void)
{
	static char digit[2];

	if (strncmp(SPSC_STAGE_NAME, "stage", 5) != 0)
		return SPSC_STAGE_NAME;
	digit[0] = SPSC_STAGE_NAME[5];
	return digit;
}

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

static void emit(const char *metric, double value, const char *unit)
{
	if (!header_done)
		fprintf(out, "stage,stage_name,workload,round,run,metric,value,unit,capacity,items,"
		             "probe_ns,cpus,timer,wait\n");
	header_done = true;
	fprintf(out, "%s,%s,%s,%" PRIu64 ",%u,%s,%.10g,%s,%" PRIu64 ",%" PRIu64 ",%.1f,%s,%s,%s\n", queue_id(),
	        SPSC_STAGE_NAME, row.workload, opt.round, row.run, metric, value, unit, row.capacity, row.items,
	        row.probe_ns, cpus_label, "clock_gettime", wait_label());
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	if (opt.quiet)
		return;
	va_start(ap, fmt);
	if (opt.round > 0)
		fprintf(stderr, "[round %" PRIu64 " %s %s] ", opt.round, SPSC_STAGE_NAME, row.workload);
	else
		fprintf(stderr, "[%s %s] ", SPSC_STAGE_NAME, row.workload);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ------------------------------------------------------------------ time and statistics */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v in place; the median (mean of the middle two for an even n). */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
 *   batch    poll spsc_size(), with a PAUSE before each poll, until
 *            --wait-items items are ready (room for that many, for the
 *            producer; at most the capacity), or some are ready and no
 *            more came since the last poll, or --wait-ns have passed; then
 *            try again. The consumer lets the producer finish a batch (a
 *            line of slots, with 8) before it reads, instead of reading
 *            each slot as the producer writes it; an item that comes
 *            alone waits one poll more.
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
		size_t want = opt.wait_items < cap ? (size_t)opt.wait_items : cap;
		size_t last = 0;
		uint64_t start = now_ns();

		for (;;) {
			spin_pause();
			size_t held = spsc_size(q);
			size_t ready = for_items ? held : cap - held;

			/* Enough; or some, and no more came since the last poll; or too long. */
			if (ready >= want || (ready > 0 && ready == last) || now_ns() - start >= opt.wait_ns)
				return;
			last = ready;
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
static inline void check_item(uint64_t got, uint64_t expected)
{
	if (got != expected)
		fail("%s: item %" PRIu64 " arrived as %" PRIu64 " (an item was lost, repeated or reordered)",
		     row.workload, expected, got);
}

/*
 * Two threads, each pinned at creation (so not one instruction runs on the
 * wrong CPU), then joined. a runs on cpu_of[0] (the producer's), b on
 * cpu_of[1].
 */
static void run_two(void *(*a)(void *), void *(*b)(void *), void *arg)
{
	void *(*fn[2])(void *) = {a, b};
	pthread_t tid[2];

	for (int i = 0; i < 2; i++) {
		pthread_attr_t attr;
		int err = pthread_attr_init(&attr);

		if (err == 0 && cpu_of[i] >= 0) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(cpu_of[i], &one);
			err = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		}
		if (err == 0)
			err = pthread_create(&tid[i], &attr, fn[i], arg);
		if (err != 0)
			fail("cannot start a pinned thread on CPU %d: %s", cpu_of[i], strerror(err));
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
}

/* Both threads leave together: neither side's clock starts while the other is still being created. */
static void gate_pass(atomic_uint *gate)
{
	atomic_fetch_add_explicit(gate, 1, memory_order_acq_rel);
	while (atomic_load_explicit(gate, memory_order_acquire) < 2)
		spin_pause();
}

/* ------------------------------------------------------------------ probe */

/*
 * Two cache lines, 128 bytes apart so that the adjacent-line prefetcher
 * does not pair them: the pinger writes ping and waits for pong, the ponger
 * waits for ping and writes pong. One round trip moves each line across
 * and back: the cost of the hand-off every queue pays, in whatever regime
 * the hypervisor has put the two vCPUs right now.
 */
static struct {
	alignas(128) atomic_uint_fast64_t ping;
	alignas(128) atomic_uint_fast64_t pong;
	alignas(128) atomic_uint gate;
	double *batch_ns;
	uint64_t trips;
} probe_lines;

static void *probe_pinger(void *arg)
{
	(void)arg;
	gate_pass(&probe_lines.gate);
	for (uint64_t i = 1, b = 0; i <= probe_lines.trips; b++) {
		uint64_t t0 = now_ns();

		for (int k = 0; k < PROBE_BATCH; k++, i++) {
			atomic_store_explicit(&probe_lines.ping, i, memory_order_release);
			while (atomic_load_explicit(&probe_lines.pong, memory_order_acquire) != i)
				spin_pause();
		}
		probe_lines.batch_ns[b] = (double)(now_ns() - t0) / PROBE_BATCH;
	}
	return NULL;
}

static void *probe_ponger(void *arg)
{
	(void)arg;
	gate_pass(&probe_lines.gate);
	for (uint64_t i = 1; i <= probe_lines.trips; i++) {
		while (atomic_load_explicit(&probe_lines.ping, memory_order_acquire) != i)
			spin_pause();
		atomic_store_explicit(&probe_lines.pong, i, memory_order_release);
	}
	return NULL;
}

/* Median over batches of PROBE_BATCH round trips, in ns per round trip. */
static double probe(void)
{
	size_t batches = (size_t)(opt.probe_trips / PROBE_BATCH);
	double *batch_ns = malloc(batches * sizeof(double));

	if (batch_ns == NULL)
		fail("probe: out of memory");
	atomic_store(&probe_lines.ping, 0);
	atomic_store(&probe_lines.pong, 0);
	atomic_store(&probe_lines.gate, 0);
	probe_lines.batch_ns = batch_ns;
	probe_lines.trips = batches * PROBE_BATCH;
	run_two(probe_pinger, probe_ponger, NULL);
	double m = median(batch_ns, batches);
	free(batch_ns);
	return m;
}

/* ------------------------------------------------------------------ queues */

static bool queue_is_unbounded(void)
{
	static int unbounded = -1;

	if (unbounded < 0) {
		spsc_queue *q = spsc_create(1);

		if (q == NULL)
			fail("spsc_create(1): %s", strerror(errno));
		unbounded = spsc_capacity(q) == SIZE_MAX;
		spsc_destroy(q);
	}
	return unbounded;
}

/* Smallest power of two >= n: the seed tests' capacity, so the producer never waits. */
static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/*
 * What to ask spsc_create for: a bounded stage gets `bounded`, the
 * unbounded stage 1 its small initial buffer, so that it grows as the
 * origin's VecDeque did. (The capacity sweep alone passes 2^k to every
 * stage: there it is stage 1's initial length.)
 */
static uint64_t create_capacity(uint64_t bounded)
{
	return queue_is_unbounded() ? UNBOUNDED_INITIAL_CAPACITY : bounded;
}

/*
 * A fresh queue for one run. The allocation counter starts after creation:
 * what is counted is what the run itself allocates.
 */
static spsc_queue *fresh_queue(uint64_t capacity)
{
	row.capacity = capacity;
	spsc_queue *q = spsc_create((size_t)capacity);

	if (q == NULL)
		fail("spsc_create(%" PRIu64 "): %s", row.capacity, strerror(errno));
	test_alloc_reset();
	return q;
}

/* What a run allocated, beyond creating its queue. */
struct alloc_stats {
	uint64_t allocs;       /* counted calls to malloc & co. since fresh_queue() */
	uint64_t growths;      /* stage 1's own count (0 where the stage has none) */
	uint64_t bytes_copied; /* stage 1's own count */
};

/* Reads the counters, then destroys q. */
static struct alloc_stats finish_queue(spsc_queue *q)
{
	struct alloc_stats a = {.allocs = test_alloc_count()};

#ifdef SPSC_HAS_GROWTH_STATS
	a.growths = spsc_growths(q);
	a.bytes_copied = spsc_bytes_copied(q);
	/* Each growth is exactly one malloc: the counted and the reported figures must agree. */
	if (a.growths != a.allocs)
		fail("%s: the queue reports %" PRIu64 " growths but made %" PRIu64 " allocations", row.workload,
		     a.growths, a.allocs);
#endif
	spsc_destroy(q);
	return a;
}

static void emit_alloc(const char *prefix, struct alloc_stats a)
{
	char name[64];

	snprintf(name, sizeof(name), "%sallocs", prefix);
	emit(name, (double)a.allocs, "count");
#ifdef SPSC_HAS_GROWTH_STATS
	snprintf(name, sizeof(name), "%sgrowths", prefix);
	emit(name, (double)a.growths, "count");
	snprintf(name, sizeof(name), "%sbytes_copied", prefix);
	emit(name, (double)a.bytes_copied, "bytes");
#endif
}

/* ------------------------------------------------------------------ two-thread stream */

/*
 * One producer streams 0, 1, 2, ... then END_OF_RUN; the consumer checks
 * every item. Fixed `items`, or (items == 0) as many as the producer can
 * push in min_ns.
 */
struct stream {
	spsc_queue *q;
	uint64_t items;
	uint64_t min_ns;
	size_t batch; /* 0: item by item; else bulk calls of up to batch items */
	atomic_uint gate;
	uint64_t prod_start, prod_end, cons_start, cons_end;
	uint64_t sent, received;
	struct side_counts prod, cons; /* the counting build: each side's own counts */
};

static void *stream_producer(void *arg)
{
	struct stream *s = arg;
	uint64_t limit = s->items ? s->items : END_OF_RUN;
	uint64_t i;

	gate_pass(&s->gate);
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

	gate_pass(&s->gate);
	COUNT(counts = (struct side_counts){0});
	s->cons_start = now_ns();
	for (;; expected++) {
		uint64_t item = pop_wait(s->q);

		if (item != expected) {
			if (item == END_OF_RUN)
				break;
			check_item(item, expected);
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

	gate_pass(&s->gate);
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

	gate_pass(&s->gate);
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
				check_item(got[j], expected);
			}
		}
	}
end:
	s->cons_end = now_ns();
	s->received = expected;
	return NULL;
}
#endif

struct stream_result {
	double seconds;      /* the first thread's start to the last one's end */
	double prod_seconds; /* producer's start to its last push */
	double cons_seconds; /* consumer's start to its last pop */
	uint64_t items;
	struct alloc_stats alloc;
	struct side_counts prod, cons;
};

/* One timed run on a fresh queue, the probe taken just before it. */
/* batch 0: item by item; else through the bulk operations (queues that have them). */
static struct stream_result stream_run(uint64_t capacity, uint64_t items, uint64_t min_ms, size_t batch)
{
	struct stream s = {.items = items, .min_ns = min_ms * 1000000u, .batch = batch};

	row.probe_ns = probe();
	s.q = fresh_queue(capacity);
#ifdef SPSC_HAS_BULK
	if (batch > 0)
		run_two(bulk_producer, bulk_consumer, &s);
	else
#endif
		run_two(stream_producer, stream_consumer, &s);
	if (s.received != s.sent)
		fail("%s: %" PRIu64 " items sent, %" PRIu64 " received", row.workload, s.sent, s.received);

	uint64_t start = s.prod_start < s.cons_start ? s.prod_start : s.cons_start;
	uint64_t end = s.prod_end > s.cons_end ? s.prod_end : s.cons_end;
	row.items = s.sent;
	return (struct stream_result){
	        .seconds = (double)(end - start) / 1e9,
	        .prod_seconds = (double)(s.prod_end - s.prod_start) / 1e9,
	        .cons_seconds = (double)(s.cons_end - s.cons_start) / 1e9,
	        .items = s.sent,
	        .alloc = finish_queue(s.q),
	        .prod = s.prod,
	        .cons = s.cons,
	};
}

/* ------------------------------------------------------------------ workloads */

static void workload_probe(void)
{
	row.capacity = 0;
	row.items = opt.probe_trips;
	for (row.run = 1; row.run <= opt.runs; row.run++) {
		row.probe_ns = probe();
		emit("probe_rtt_ns", row.probe_ns, "ns");
		progress("run %u of %" PRIu64 ": %.1f ns per round trip", row.run, opt.runs, row.probe_ns);
	}
}

struct seed_st_result {
	double send_s, receive_s;
	struct alloc_stats alloc;
};

/* The origin's single-thread test: all pushes, then all pops, on one thread. */
static struct seed_st_result seed_st_run(uint64_t items)
{
	spsc_queue *q = fresh_queue(create_capacity(pow2_at_least(items)));
	uint64_t t0 = now_ns();

	for (uint64_t i = 0; i < items; i++)
		if (!spsc_try_push(q, i))
			fail("seed-st: push %" PRIu64 " failed on a queue of capacity %zu", i, spsc_capacity(q));
	uint64_t t1 = now_ns();
	for (uint64_t i = 0; i < items; i++) {
		uint64_t item;

		if (!spsc_try_pop(q, &item))
			fail("seed-st: pop %" PRIu64 " found the queue empty", i);
		check_item(item, i);
	}
	uint64_t t2 = now_ns();
	row.items = items;
	return (struct seed_st_result){
	        .send_s = (double)(t1 - t0) / 1e9,
	        .receive_s = (double)(t2 - t1) / 1e9,
	        .alloc = finish_queue(q),
	};
}

static void workload_seed_st(void)
{
	uint64_t items = opt.items ? opt.items : 1000000;

	row.probe_ns = 0; /* one thread: no hand-off, the probe says nothing about it */
	for (row.run = 1; row.run <= opt.runs; row.run++) {
		struct seed_st_result r = seed_st_run(items);

		emit("send_ms", r.send_s * 1e3, "ms");
		emit("receive_ms", r.receive_s * 1e3, "ms");
		emit("total_ms", (r.send_s + r.receive_s) * 1e3, "ms");
		emit("send_mops", (double)items / r.send_s / 1e6, "Mops/s");
		emit("receive_mops", (double)items / r.receive_s / 1e6, "Mops/s");
		emit_alloc("", r.alloc);
		progress("run %u of %" PRIu64 ": send %.2f ms, receive %.2f ms", row.run, opt.runs, r.send_s * 1e3,
		         r.receive_s * 1e3);
	}
}

static void workload_seed_mt(void)
{
	uint64_t items = opt.items ? opt.items : 100000;

	for (row.run = 1; row.run <= opt.runs; row.run++) {
		struct stream_result r = stream_run(create_capacity(pow2_at_least(items)), items, 0, 0);

		emit("producer_ms", r.prod_seconds * 1e3, "ms");
		emit("consumer_ms", r.cons_seconds * 1e3, "ms");
		emit("total_ms", r.seconds * 1e3, "ms");
		emit("items_per_s", (double)items / r.seconds, "items/s");
		emit_alloc("", r.alloc);
		progress("run %u of %" PRIu64 ": total %.2f ms, %.3g items/s (probe %.0f ns)", row.run, opt.runs,
		         r.seconds * 1e3, (double)items / r.seconds, row.probe_ns);
	}
}

/* Throughput of one run, in million items per second. */
static double mitems(struct stream_result r)
{
	return (double)r.items / r.seconds / 1e6;
}

/* A run that is not recorded: caches, page tables, branch predictors and CPU clocks settle. */
static void warm_up(uint64_t capacity, size_t batch)
{
	uint64_t saved = opt.probe_trips;

	if (opt.no_warmup)
		return;

	opt.probe_trips = PROBE_BATCH; /* the warm-up's probe is thrown away with it */
	stream_run(capacity, opt.items, opt.min_ms < 100 ? opt.min_ms : 100, batch);
	opt.probe_trips = saved;
}

static void workload_throughput(void)
{
	double *v = malloc(opt.runs * sizeof(double));

	if (v == NULL)
		fail("out of memory");
	warm_up(create_capacity(opt.capacity), 0);
	for (row.run = 1; row.run <= opt.runs; row.run++) {
		struct stream_result r = stream_run(create_capacity(opt.capacity), opt.items, opt.min_ms, 0);

		v[row.run - 1] = mitems(r);
		emit("mitems_per_s", mitems(r), "Mitems/s");
		emit("seconds", r.seconds, "s");
#ifdef BENCH_COUNT
		double per_mitem = 1e6 / (double)r.items;
		emit("push_full_per_mitem", (double)r.prod.failed * per_mitem, "count");
		emit("pop_empty_per_mitem", (double)r.cons.failed * per_mitem, "count");
		emit("push_reloads_per_mitem", (double)r.prod.reloads * per_mitem, "count");
		emit("pop_reloads_per_mitem", (double)r.cons.reloads * per_mitem, "count");
#endif
		emit_alloc("", r.alloc);
		progress("run %u of %" PRIu64 ": %.2f Mitems/s over %.3f s (probe %.0f ns)", row.run, opt.runs,
		         mitems(r), r.seconds, row.probe_ns);
	}
	/* Summary rows (run 0) for a reader of this one invocation; bench-all uses the runs. */
	row.run = 0;
	row.probe_ns = 0;
	emit("mitems_per_s_median", median(v, opt.runs), "Mitems/s");
	emit("mitems_per_s_min", v[0], "Mitems/s");
	emit("mitems_per_s_max", v[opt.runs - 1], "Mitems/s");
	free(v);
}

static void workload_capacity(void)
{
	warm_up(create_capacity(opt.capacity), 0);
	for (uint64_t k = 1; k <= opt.cap_max_log2; k++) {
		for (row.run = 1; row.run <= opt.runs; row.run++) {
			struct stream_result r = stream_run((uint64_t)1 << k, opt.items, opt.min_ms, 0);

			emit("mitems_per_s", mitems(r), "Mitems/s");
			progress("capacity 2^%" PRIu64 ", run %u of %" PRIu64 ": %.2f Mitems/s (probe %.0f ns)", k,
			         row.run, opt.runs, mitems(r), row.probe_ns);
		}
	}
}

static void workload_alloc(void)
{
	uint64_t items = opt.items ? opt.items : 1000000;

	/* One run each: allocation counts do not vary with the machine's mood. */
	row.run = 1;
	struct alloc_stats st = seed_st_run(items).alloc;
	row.probe_ns = 0;
	emit_alloc("seed-st_", st);
	struct alloc_stats tp = stream_run(create_capacity(opt.capacity), items, 0, 0).alloc;
	emit_alloc("throughput_", tp);
	progress("seed-st: %" PRIu64 " allocations, throughput: %" PRIu64 " allocations", st.allocs, tp.allocs);
	if (!queue_is_unbounded() && (st.allocs != 0 || tp.allocs != 0))
		fail("alloc: a bounded queue allocated after spsc_create (%" PRIu64 " + %" PRIu64 ")", st.allocs,
		     tp.allocs);
}

/* ---- latency */

struct pingpong {
	spsc_queue *there, *back;
	uint64_t warm, trips;
	uint32_t *sample_ns; /* one per timed round trip */
	atomic_uint gate;
};

static void *latency_pinger(void *arg)
{
	struct pingpong *p = arg;

	gate_pass(&p->gate);
	for (uint64_t i = 0; i < p->warm + p->trips; i++) {
		uint64_t t0 = now_ns();

		push_wait(p->there, i);
		uint64_t item = pop_wait(p->back);
		uint64_t dt = now_ns() - t0;

		check_item(item, i);
		if (i >= p->warm)
			p->sample_ns[i - p->warm] = dt < UINT32_MAX ? (uint32_t)dt : UINT32_MAX;
	}
	push_wait(p->there, END_OF_RUN);
	return NULL;
}

static void *latency_echo(void *arg)
{
	struct pingpong *p = arg;

	gate_pass(&p->gate);
	for (uint64_t expected = 0;; expected++) {
		uint64_t item = pop_wait(p->there);

		if (item == END_OF_RUN)
			break;
		check_item(item, expected);
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
		fail("--hist: cannot write '%s': %s", opt.hist, strerror(errno));
	fprintf(f,
	        "# %s latency histogram, clock_gettime(CLOCK_MONOTONIC), %" PRIu64
	        " round trips, cpus %s\n# bin_low_ns count\n",
	        SPSC_STAGE_NAME, n, cpus_label);
	for (uint64_t i = 0; i < n;) {
		uint32_t b = bin_low(sorted[i]);
		uint64_t j = i;

		while (j < n && bin_low(sorted[j]) == b)
			j++;
		fprintf(f, "%" PRIu32 " %" PRIu64 "\n", b, j - i);
		i = j;
	}
	if (fclose(f) != 0)
		fail("--hist: cannot write '%s'", opt.hist);
}

/* The cost of reading the clock, which every timed round trip includes once. */
static double clock_overhead_ns(void)
{
	double d[1001];

	for (int i = 0; i < 1001; i++) {
		uint64_t t0 = now_ns();
		d[i] = (double)(now_ns() - t0);
	}
	return median(d, 1001);
}

static void workload_latency(void)
{
	struct pingpong p = {.warm = opt.trips / 10, .trips = opt.trips};

	p.sample_ns = malloc(opt.trips * sizeof(uint32_t));
	if (p.sample_ns == NULL)
		fail("latency: out of memory for %" PRIu64 " samples", opt.trips);
	for (row.run = 1; row.run <= opt.runs; row.run++) {
		row.probe_ns = probe();
		p.there = fresh_queue(create_capacity(opt.capacity));
		p.back = fresh_queue(create_capacity(opt.capacity));
		atomic_store(&p.gate, 0);
		progress("run %u of %" PRIu64 ": %" PRIu64 " round trips after %" PRIu64 " warm-up", row.run, opt.runs,
		         p.trips, p.warm);
		run_two(latency_pinger, latency_echo, &p);
		spsc_destroy(p.there);
		spsc_destroy(p.back);

		qsort(p.sample_ns, p.trips, sizeof(uint32_t), cmp_u32);
		static const struct {
			const char *name;
			double q;
		} pct[] = {{"rtt_p50_ns", 0.50},
		           {"rtt_p90_ns", 0.90},
		           {"rtt_p99_ns", 0.99},
		           {"rtt_p99.9_ns", 0.999},
		           {"rtt_max_ns", 1.0}};
		uint32_t at[sizeof(pct) / sizeof(pct[0])];
		row.items = p.trips;
		for (size_t k = 0; k < sizeof(pct) / sizeof(pct[0]); k++) {
			/* Nearest rank: the smallest sample with at least q of all at or below it. */
			uint64_t rank = (uint64_t)(pct[k].q * (double)p.trips + 0.999999);
			at[k] = p.sample_ns[(rank ? rank : 1) - 1];
			emit(pct[k].name, at[k], "ns");
		}
		emit("clock_overhead_ns", clock_overhead_ns(), "ns");
		/* The same nearest-rank figures as the rows: p50, p99, max. */
		progress("p50 %" PRIu32 " ns, p99 %" PRIu32 " ns, max %" PRIu32 " ns (probe %.0f ns)", at[0], at[2],
		         at[4], row.probe_ns);
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
			fail("pairs: push+pop %" PRIu64 " failed", i);
		check_item(item, i);
	}
}

static void workload_pairs(void)
{
	uint64_t items = opt.items ? opt.items : 1000000;
	spsc_queue *q = fresh_queue(create_capacity(opt.capacity));

	row.run = 1;
	row.probe_ns = 0;
	row.items = items;
	pairs_loop(q, items);
	finish_queue(q);
	emit("pairs", (double)items, "count");
}

/* Throughput through the bulk operations, batch by batch, on one capacity. */
static void workload_bulk(void)
{
#ifdef SPSC_HAS_BULK
	static const uint64_t all[] = {1, 8, 32, 256};
	const uint64_t *batches = opt.batch ? &opt.batch : all;
	size_t n = opt.batch ? 1 : sizeof(all) / sizeof(all[0]);

	for (size_t b = 0; b < n; b++) {
		char metric[48];

		snprintf(metric, sizeof(metric), "bulk%" PRIu64 "_mitems_per_s", batches[b]);
		warm_up(create_capacity(opt.capacity), (size_t)batches[b]);
		for (row.run = 1; row.run <= opt.runs; row.run++) {
			struct stream_result r =
			        stream_run(create_capacity(opt.capacity), opt.items, opt.min_ms, (size_t)batches[b]);

			emit(metric, mitems(r), "Mitems/s");
			progress("batch %" PRIu64 ", run %u of %" PRIu64 ": %.2f Mitems/s (probe %.0f ns)", batches[b],
			         row.run, opt.runs, mitems(r), row.probe_ns);
		}
	}
#else
	usage_error("bulk: %s has no bulk operations (spsc_try_push_n, spsc_try_pop_n)", SPSC_STAGE_NAME);
#endif
}

static void workload_info(void)
{
	fprintf(out,
	        "# stage: %s\n# compiler: %s\n# flags: %s\n# timer: clock_gettime(CLOCK_MONOTONIC)"
	        ", clock overhead %.0f ns\n# cpus: %s\n# bulk: %s\n# wait: %s\n",
	        SPSC_STAGE_NAME, BENCH_COMPILER, BENCH_FLAGS, clock_overhead_ns(), cpus_label, BENCH_HAS_BULK,
	        wait_label());
}

/* ------------------------------------------------------------------ main */

/*
 * The workloads: one line each, name, function and what --help says of it
 * (each further line of the help is indented under the first).
 */
static const struct workload {
	const char *name;
	void (*run)(void);
	const char *help;
} workloads[] = {
        {"probe", workload_probe,
         "cache-line round trip between the two CPUs (median ns); also\n"
         "taken before every timed run and recorded on its rows"},
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
        {"info", workload_info, "stage, compiler, flags, timer, CPUs and bulk, as comment lines"},
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void print_help(void)
{
	printf("usage: %s WORKLOAD... [FLAG...]\n"
	       "The benchmark driver built against %s/spsc.h. CSV rows go to stdout\n"
	       "(or --csv), progress to stderr. Exit status: 0 ok, 1 a run failed (lost or\n"
	       "reordered item, allocation failure), 2 bad usage.\n"
	       "\n"
	       "Workloads (any number, run in the order given):\n",
	       prog, SPSC_STAGE_NAME);
	for (size_t k = 0; k < N_WORKLOADS; k++) {
		printf("  %-10s  ", workloads[k].name);
		for (const char *c = workloads[k].help; *c != '\0'; c++) {
			putchar(*c);
			if (*c == '\n')
				fputs("              ", stdout); /* under the first line */
		}
		putchar('\n');
	}
	printf("\n"
	       "Flags:\n"
	       "  --cpus A,B         the producer's and the consumer's CPU (default: env CPUS,\n"
	       "                     else the first two CPUs available; one CPU: unpinned)\n"
	       "  --items N          items per run (absent: the workload's default)\n"
	       "  --capacity N       queue capacity for throughput and latency (default 65536)\n"
	       "  --runs N           timed runs (default 7)\n"
	       "  --min-ms N         minimum length of a time-bounded run (default 250)\n"
	       "  --trips N          latency round trips (default 1000000)\n"
	       "  --probe-trips N    probe round trips (default 100000)\n"
	       "  --cap-max-log2 N   capacity sweep upper end (default 20, at most 24)\n"
	       "  --round N          label written in the round column (default 0)\n"
	       "  --batch N          bulk: one batch size, 1 .. %d (default: 1, 8, 32, 256)\n"
	       "  --wait POLICY      what a side does after a failed try, before the next:\n"
	       "                     spin (one PAUSE, the default), backoff (1, 2, 4 ... %d\n"
	       "                     PAUSEs while it keeps failing) or batch (poll spsc_size\n"
	       "                     until --wait-items items or room, or no more since the\n"
	       "                     last poll, or --wait-ns ns)\n"
	       "  --wait-items N     batch: items to wait for (default 8, at most the capacity)\n"
	       "  --wait-ns N        batch: the longest wait in ns (default 2000)\n"
	       "  --csv FILE         append rows to FILE (header written if FILE is empty)\n"
	       "  --hist FILE        latency histogram: lines 'bin_low_ns count'\n"
	       "  --no-warmup        throughput: no warm-up run (for perf stat: every item\n"
	       "                     counted is a timed one)\n"
	       "  --quiet            no progress on stderr\n"
	       "  --help             this text\n"
	       "\n"
	       "Stage 1 is unbounded: every workload creates it with an initial capacity of\n"
	       "%d (like Rust's VecDeque<u64>) and it grows; the capacity column of its rows\n"
	       "is that initial length.\n",
	       BULK_MAX_BATCH, BACKOFF_MAX, UNBOUNDED_INITIAL_CAPACITY);
}

/* Flags that take a value: a number in [lo, hi], or (dst_str) a string. */
static const struct {
	const char *name;
	uint64_t *dst;
	uint64_t lo, hi;
	const char **dst_str;
} flags[] = {
        {"--items", &opt.items, 1, 100000000000u, NULL},
        {"--capacity", &opt.capacity, 1, (uint64_t)1 << 28, NULL},
        {"--runs", &opt.runs, 1, 1000, NULL},
        {"--min-ms", &opt.min_ms, 1, 600000, NULL},
        {"--trips", &opt.trips, 10, 100000000, NULL},
        {"--probe-trips", &opt.probe_trips, PROBE_BATCH, 100000000, NULL},
        {"--cap-max-log2", &opt.cap_max_log2, 1, 24, NULL},
        {"--round", &opt.round, 0, 1000000, NULL},
        {"--batch", &opt.batch, 1, BULK_MAX_BATCH, NULL},
        {"--wait-items", &opt.wait_items, 1, (uint64_t)1 << 28, NULL},
        {"--wait-ns", &opt.wait_ns, 1, 1000000000, NULL},
        {"--cpus", NULL, 0, 0, &opt.cpus},
        {"--csv", NULL, 0, 0, &opt.csv},
        {"--hist", NULL, 0, 0, &opt.hist},
};
#define N_FLAGS (sizeof(flags) / sizeof(flags[0]))

static size_t find_flag(const char *name)
{
	size_t k = 0;

	while (k < N_FLAGS && strcmp(name, flags[k].name) != 0)
		k++;
	return k;
}

/* The index of a wait policy's name, or a usage error naming the choices. */
static uint64_t find_wait_policy(const char *name)
{
	if (name == NULL || *name == '\0')
		usage_error("--wait needs a value (spin, backoff or batch)");
	for (size_t k = 0; k < N_WAIT_POLICIES; k++)
		if (strcmp(name, wait_policies[k]) == 0)
			return k;
	usage_error("--wait: unknown policy '%s' (spin, backoff or batch)", name);
}

static size_t find_workload(const char *name)
{
	size_t k = 0;

	while (k < N_WORKLOADS && strcmp(name, workloads[k].name) != 0)
		k++;
	return k;
}

int main(int argc, char **argv)
{
	size_t todo[64];
	size_t n_todo = 0;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help();
			return 0;
		}
		if (strcmp(a, "--quiet") == 0) {
			opt.quiet = true;
			continue;
		}
		if (strcmp(a, "--no-warmup") == 0) {
			opt.no_warmup = true;
			continue;
		}
		if (strcmp(a, "--wait") == 0) {
			const char *value = ++i < argc ? argv[i] : NULL;

			opt.wait = find_wait_policy(value);
			continue;
		}
		if (a[0] == '-') {
			k = find_flag(a);
			if (k == N_FLAGS)
				usage_error("unknown flag '%s'", a);
			const char *value = ++i < argc ? argv[i] : NULL;
			if (flags[k].dst_str == NULL)
				*flags[k].dst = number(a, value, flags[k].lo, flags[k].hi);
			else if (value == NULL || *value == '\0')
				usage_error("%s needs a value", a);
			else
				*flags[k].dst_str = value;
			continue;
		}
		k = find_workload(a);
		if (k == N_WORKLOADS)
			usage_error("unknown workload '%s'", a);
		if (n_todo == sizeof(todo) / sizeof(todo[0]))
			usage_error("too many workloads");
		todo[n_todo++] = k;
	}
	if (n_todo == 0)
		usage_error("no workload given");

	choose_cpus();
	open_output();
	for (size_t t = 0; t < n_todo; t++) {
		memset(&row, 0, sizeof(row));
		row.workload = workloads[todo[t]].name;
		workloads[todo[t]].run();
	}
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0))
		fail("cannot write the results: %s", strerror(errno));
	return 0;
}
