/*
 * stage5-waitfree/extensions/wait/bench_wait.c: what blocking costs.
 * spsc_wait.h in both orderings beside plain stage 5 (try loops with
 * spin_pause, never asleep) and moodycamel::BlockingReaderWriterCircularBuffer
 * (the C++ adapter moodycamel_wait.cpp), one queue per invocation, at
 * capacity 65536, the producer on one CPU and the consumer on another.
 * `make bench-wait` runs bench-wait.sh, which takes the queues in turns
 * round by round and makes the table (wait-table.awk) of the rows;
 * `bench-wait --help` lists the workloads and flags.
 *
 * The command line, the CPUs, the probes taken right before and right
 * after every run, the percentiles and the CSV rows are the measuring
 * harness's (common/support/harness.h), as in the benchmark driver:
 *   throughput  --items items as fast as they go (Mitems/s), and per
 *               million items the system calls spsc_wait.h made (its own
 *               counters of every futex and membarrier call, both sides:
 *               exact; none for the peer, whose semaphores are not
 *               instrumented) and the context switches of both threads
 *               (getrusage RUSAGE_THREAD, voluntary + involuntary);
 *   wakeup      the producer pushes its clock every --gap-us, so the
 *               consumer has gone to sleep in between (it spins about
 *               SPSC_WAIT_SPINS tries first); the consumer's latency is its
 *               clock on return minus the item, p50 and p99 of --samples.
 *               Plain stage 5 never sleeps: its row is the spinning floor.
 *               The consumer's voluntary context switches per sample say
 *               whether it really slept;
 *   idle        the CPU time (RUSAGE_THREAD, user + system) of a consumer
 *               that waits --idle-ms for one item, per second of waiting.
 * Progress on stderr; exit status 2 for bad arguments, 1 for a failed run.
 */
#define _GNU_SOURCE /* syscall (spsc_wait.h), RUSAGE_THREAD; harness.h */

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "clock.h"
#include "harness.h"
#include "moodycamel_wait.h"
#include "spin.h"
#include "extensions/wait/spsc_wait.h"

#define CAPACITY 65536
#define END_ITEM UINT64_MAX /* the idle run's one item */

/* The queues, by the name their rows carry (stage_name) and how their sides wait (the wait column). */
enum kind { PLAIN, FENCE, MEMBARRIER, MOODYCAMEL, KINDS };
static const char *const kind_name[KINDS] = {"stage5-waitfree", "wait-fence", "wait-membarrier", "moodycamel-blocking"};
static const char *const kind_wait[KINDS] = {"spin", "block", "block", "block"};

static struct {
	uint64_t items, samples, gap_us, idle_ms, round, probe_trips;
	const char *queue, *cpus, *csv;
	bool quiet;
} opt = {10000000, 400, 2000, 1000, 0, 100000, NULL, NULL, NULL, false};

static struct harness_cpus cpus;
static struct harness_out out;

/* ---------------------------------------------------------------- one queue of any kind */

struct anyq {
	enum kind kind;
	spsc_queue *q; /* PLAIN */
	spsc_waitq *w; /* FENCE, MEMBARRIER */
	mc_waitq *m;   /* MOODYCAMEL */
};

static struct anyq anyq_create(enum kind k)
{
	struct anyq a = {.kind = k};

	if (k == PLAIN && (a.q = spsc_create(CAPACITY)) == NULL)
		harness_fail("spsc_create(%d): %s", CAPACITY, strerror(errno));
	if ((k == FENCE || k == MEMBARRIER) &&
	    (a.w = spsc_waitq_create(CAPACITY, k == FENCE ? SPSC_WAIT_FENCE : SPSC_WAIT_MEMBARRIER)) == NULL)
		harness_fail("spsc_waitq_create(%d, %s): %s%s", CAPACITY, kind_name[k], strerror(errno),
		             k == MEMBARRIER ? " (membarrier MEMBARRIER_CMD_PRIVATE_EXPEDITED needs Linux 4.14)" : "");
	if (k == MOODYCAMEL && (a.m = mc_waitq_create(CAPACITY)) == NULL)
		harness_fail("moodycamel: out of memory");
	return a;
}

static void anyq_destroy(struct anyq *a)
{
	spsc_destroy(a->q);
	spsc_waitq_destroy(a->w);
	mc_waitq_destroy(a->m);
}

/* The system calls spsc_wait.h counted, both sides. */
static uint64_t anyq_syscalls(const struct anyq *a)
{
	if (a->w == NULL)
		return 0;
	const struct spsc_wait_stats *p = &a->w->producer, *c = &a->w->consumer;
	return p->futex_waits + p->futex_wakes + p->membarriers + c->futex_waits + c->futex_wakes + c->membarriers;
}

/*
 * The hot loops, one per kind, each with the queue's calls inlined (the
 * peer's through -flto): no call through a pointer per item.
 */
static void push_all(struct anyq *a, uint64_t n)
{
	switch (a->kind) {
	case PLAIN:
		for (uint64_t i = 0; i < n; i++)
			while (!spsc_try_push(a->q, i))
				spin_pause();
		break;
	case FENCE:
	case MEMBARRIER:
		for (uint64_t i = 0; i < n; i++)
			spsc_push_wait(a->w, i);
		break;
	default:
		for (uint64_t i = 0; i < n; i++)
			mc_push_wait(a->m, i);
	}
}

/* Pops n items; returns how many were not the item expected. */
static uint64_t pop_all(struct anyq *a, uint64_t n)
{
	uint64_t bad = 0, x = 0;

	switch (a->kind) {
	case PLAIN:
		for (uint64_t i = 0; i < n; i++) {
			while (!spsc_try_pop(a->q, &x))
				spin_pause();
			bad += x != i;
		}
		break;
	case FENCE:
	case MEMBARRIER:
		for (uint64_t i = 0; i < n; i++) {
			spsc_pop_wait(a->w, &x);
			bad += x != i;
		}
		break;
	default:
		for (uint64_t i = 0; i < n; i++) {
			mc_pop_wait(a->m, &x);
			bad += x != i;
		}
	}
	return bad;
}

static void push_one(struct anyq *a, uint64_t item)
{
	if (a->kind == PLAIN)
		while (!spsc_try_push(a->q, item))
			spin_pause();
	else if (a->kind == MOODYCAMEL)
		mc_push_wait(a->m, item);
	else
		spsc_push_wait(a->w, item);
}

static uint64_t pop_one(struct anyq *a)
{
	uint64_t x = 0;

	if (a->kind == PLAIN)
		while (!spsc_try_pop(a->q, &x))
			spin_pause();
	else if (a->kind == MOODYCAMEL)
		mc_pop_wait(a->m, &x);
	else
		spsc_pop_wait(a->w, &x);
	return x;
}

/* ---------------------------------------------------------------- the runs */

enum what { THROUGHPUT, WAKEUP, IDLE };

/* One run: the producer and the consumer share it; each writes its own fields, read after the join. */
struct run {
	struct anyq a;
	enum what what;
	unsigned gate;       /* harness_gate_pass */
	uint64_t t0, t1;     /* the producer's start, the consumer's end */
	uint64_t bad;        /* consumer: items out of sequence */
	uint64_t *lat;       /* consumer: one latency per wake-up sample */
	uint64_t ctx[2];     /* context switches: [0] producer, [1] consumer (voluntary + involuntary) */
	uint64_t cons_nvcsw; /* consumer: voluntary context switches */
	uint64_t cons_cpu_ns;
};

static void rusage_thread(struct rusage *u)
{
	if (getrusage(RUSAGE_THREAD, u) != 0)
		harness_fail("getrusage(RUSAGE_THREAD): %s", strerror(errno));
}

static uint64_t tv_ns(struct timeval t)
{
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_usec * 1000u;
}

/* Context switches between two rusage readings, voluntary + involuntary. */
static uint64_t switches(const struct rusage *u0, const struct rusage *u1)
{
	return (uint64_t)(u1->ru_nvcsw - u0->ru_nvcsw + u1->ru_nivcsw - u0->ru_nivcsw);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec t = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};

	nanosleep(&t, NULL);
}

static void *producer_main(void *arg)
{
	struct run *r = arg;
	struct rusage u0, u1;

	harness_gate_pass(&r->gate);
	rusage_thread(&u0);
	r->t0 = now_ns();
	if (r->what == THROUGHPUT) {
		push_all(&r->a, opt.items);
	} else if (r->what == WAKEUP) {
		for (uint64_t s = 0; s < opt.samples; s++) {
			sleep_ns(opt.gap_us * 1000u);
			push_one(&r->a, now_ns());
		}
	} else {
		sleep_ns(opt.idle_ms * 1000000u);
		push_one(&r->a, END_ITEM);
	}
	rusage_thread(&u1);
	r->ctx[0] = switches(&u0, &u1);
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct run *r = arg;
	struct rusage u0, u1;

	harness_gate_pass(&r->gate);
	rusage_thread(&u0);
	if (r->what == THROUGHPUT) {
		r->bad = pop_all(&r->a, opt.items);
	} else if (r->what == WAKEUP) {
		for (uint64_t s = 0; s < opt.samples; s++) {
			uint64_t pushed = pop_one(&r->a);
			r->lat[s] = now_ns() - pushed;
		}
	} else {
		r->bad = pop_one(&r->a) != END_ITEM;
	}
	r->t1 = now_ns();
	rusage_thread(&u1);
	r->ctx[1] = switches(&u0, &u1);
	r->cons_nvcsw = (uint64_t)(u1.ru_nvcsw - u0.ru_nvcsw);
	r->cons_cpu_ns = tv_ns(u1.ru_utime) - tv_ns(u0.ru_utime) + tv_ns(u1.ru_stime) - tv_ns(u0.ru_stime);
	return NULL;
}

/* One run of a fresh queue, bracketed by the probe (both recorded in row); the queue is left in r->a. */
static void run_once(struct run *r, enum kind k, enum what what, struct harness_row *row)
{
	harness_probe_before(row, &cpus, opt.probe_trips);
	r->a = anyq_create(k);
	r->what = what;
	harness_run_pair(&cpus, producer_main, consumer_main, r);
	harness_probe_after(row, &cpus, opt.probe_trips);
	if (r->bad != 0)
		harness_fail("%s: %" PRIu64 " items arrived out of sequence", kind_name[k], r->bad);
}

/* ---------------------------------------------------------------- the workloads */

static void emit(const struct harness_row *row, const char *metric, double value, const char *unit)
{
	harness_emit(&out, row, metric, value, unit);
}

static void workload_throughput(enum kind k, struct harness_row *row)
{
	struct run r = {.bad = 0};

	row->items = opt.items;
	run_once(&r, k, THROUGHPUT, row);
	double mitems = (double)opt.items / (double)(r.t1 - r.t0) * 1e3, per_mitem = 1e6 / (double)opt.items;

	emit(row, "mitems_per_s", mitems, "Mitems/s");
	if (k != MOODYCAMEL) /* its semaphores' calls are not counted */
		emit(row, "syscalls_per_mitem", (double)anyq_syscalls(&r.a) * per_mitem, "count");
	emit(row, "ctx_switches_per_mitem", (double)(r.ctx[0] + r.ctx[1]) * per_mitem, "count");
	harness_progress(row, "%.1f Mitems/s, %" PRIu64 " context switches (probes %.0f/%.0f ns)", mitems,
	                 r.ctx[0] + r.ctx[1], row->probe_ns, row->probe_after_ns);
	anyq_destroy(&r.a);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void workload_wakeup(enum kind k, struct harness_row *row)
{
	struct run r = {.lat = malloc(opt.samples * sizeof(uint64_t))};

	if (r.lat == NULL)
		harness_fail("out of memory for %" PRIu64 " samples", opt.samples);
	row->items = opt.samples;
	run_once(&r, k, WAKEUP, row);
	qsort(r.lat, opt.samples, sizeof(uint64_t), cmp_u64);
	uint64_t p50 = r.lat[harness_rank(opt.samples, 0.50)], p99 = r.lat[harness_rank(opt.samples, 0.99)];

	emit(row, "wake_p50_ns", (double)p50, "ns");
	emit(row, "wake_p99_ns", (double)p99, "ns");
	emit(row, "sleeps_per_sample", (double)r.cons_nvcsw / (double)opt.samples, "count");
	harness_progress(
	        row, "%" PRIu64 " wake-ups %" PRIu64 " us apart: p50 %.1f us, p99 %.1f us (probes %.0f/%.0f ns)",
	        opt.samples, opt.gap_us, (double)p50 / 1e3, (double)p99 / 1e3, row->probe_ns, row->probe_after_ns);
	anyq_destroy(&r.a);
	free(r.lat);
}

static void workload_idle(enum kind k, struct harness_row *row)
{
	struct run r = {.bad = 0};

	row->items = 1;
	run_once(&r, k, IDLE, row);
	double ms_per_s = (double)r.cons_cpu_ns / 1e6 / ((double)opt.idle_ms / 1e3);

	emit(row, "idle_cpu_ms_per_s", ms_per_s, "ms/s");
	harness_progress(row, "a consumer idle for %" PRIu64 " ms used %.1f ms of CPU per s", opt.idle_ms, ms_per_s);
	anyq_destroy(&r.a);
}

/* The harness's lines, then the queues (in the order of the tables), the capacity and spsc_wait.h's spinning. */
static void workload_info(enum kind k, struct harness_row *row)
{
	(void)k;
	(void)row;
	harness_info(out.f, "stage5-waitfree/extensions/wait", &cpus);
	fprintf(out.f, "# queues:");
	for (int q = 0; q < KINDS; q++)
		fprintf(out.f, " %s", kind_name[q]);
	fprintf(out.f, "\n# capacity: %d\n# spins: spsc_wait.h tries %d times before it sleeps\n", CAPACITY,
	        SPSC_WAIT_SPINS);
}

static const struct workload {
	const char *name, *csv_name; /* the word on the command line, the workload column */
	void (*run)(enum kind k, struct harness_row *row);
} workloads[] = {
        {"throughput", "wait-throughput", workload_throughput},
        {"wakeup", "wait-wakeup", workload_wakeup},
        {"idle", "wait-idle", workload_idle},
        {"info", "info", workload_info},
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/* ---------------------------------------------------------------- main */

static void print_help(void)
{
	printf("usage: %s WORKLOAD... --queue NAME [FLAG...]\n"
	       "What a blocking wait costs: one queue, the producer on one CPU and the consumer on\n"
	       "another, capacity %d; CSV rows on stdout (or --csv), progress on stderr.\n"
	       "Exit status: 0 ok, 1 a run failed, 2 bad usage. `make bench-wait` runs every queue\n"
	       "in turns and makes the table.\n"
	       "\n"
	       "Workloads (any number, run in the order given):\n"
	       "  throughput  --items items: Mitems/s, system calls and context switches per M items\n"
	       "  wakeup      --samples items, --gap-us apart: the sleeping consumer's wake-up p50, p99\n"
	       "  idle        a consumer waiting --idle-ms for one item: its CPU time per second\n"
	       "  info        compiler, flags, timer, CPUs, CSV columns and the queues, as comment lines\n"
	       "\n"
	       "Flags:\n"
	       "  --queue NAME       %s, %s, %s or %s\n"
	       "  --items N          items per throughput run (default %" PRIu64 ")\n"
	       "  --samples N        wake-up samples per run (default %" PRIu64 ")\n"
	       "  --gap-us N         microseconds between two wake-up samples, 100..1000000 (default %" PRIu64 ")\n"
	       "  --idle-ms N        how long the idle consumer waits (default %" PRIu64 ")\n" HARNESS_HELP_CPUS
	       "  --probe-trips N    round trips of each probe, before and after each run (default %" PRIu64 ")\n"
	       "  --round N          label written in the round column (default 0)\n"
	       "  --csv FILE         append rows to FILE (its header first, unless it has one)\n"
	       "  --quiet            no progress on stderr\n"
	       "  --help             this text\n",
	       harness_program()->name, CAPACITY, kind_name[PLAIN], kind_name[FENCE], kind_name[MEMBARRIER],
	       kind_name[MOODYCAMEL], opt.items, opt.samples, opt.gap_us, opt.idle_ms, opt.probe_trips);
}

static const struct harness_flag flags[] = {
        {"--items", &opt.items, 1, UINT64_MAX / 2, NULL, NULL},
        {"--samples", &opt.samples, 1, 10000000, NULL, NULL},
        {"--gap-us", &opt.gap_us, 100, 1000000, NULL, NULL},
        {"--idle-ms", &opt.idle_ms, 1, 60000, NULL, NULL},
        {"--probe-trips", &opt.probe_trips, HARNESS_PROBE_BATCH, 100000000, NULL, NULL},
        {"--round", &opt.round, 0, 1000000, NULL, NULL},
        {"--queue", NULL, 0, 0, &opt.queue, NULL},
        {"--cpus", NULL, 0, 0, &opt.cpus, NULL},
        {"--csv", NULL, 0, 0, &opt.csv, NULL},
        {"--quiet", NULL, 0, 0, NULL, &opt.quiet},
};

/* The workloads named on the command line, in order. */
static struct harness_todo todo;

static void add_workload(const char *name)
{
	harness_todo_add(&todo, name, workloads, N_WORKLOADS, sizeof(workloads[0]));
}

/* The queue --queue names; only `info` goes without one. */
static enum kind find_queue(void)
{
	bool only_info = true;

	for (size_t t = 0; t < todo.n; t++)
		only_info = only_info && workloads[todo.k[t]].run == workload_info;
	if (opt.queue == NULL && only_info)
		return PLAIN;
	if (opt.queue == NULL)
		harness_usage_error("--queue is missing (%s, %s, %s or %s)", kind_name[PLAIN], kind_name[FENCE],
		                    kind_name[MEMBARRIER], kind_name[MOODYCAMEL]);
	for (int k = 0; k < KINDS; k++)
		if (strcmp(opt.queue, kind_name[k]) == 0)
			return (enum kind)k;
	harness_usage_error("--queue: unknown queue '%s' (%s, %s, %s or %s)", opt.queue, kind_name[PLAIN],
	                    kind_name[FENCE], kind_name[MEMBARRIER], kind_name[MOODYCAMEL]);
}

int main(int argc, char **argv)
{
	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), print_help, add_workload);
	if (todo.n == 0)
		harness_usage_error("no workload given");
	enum kind k = find_queue();
	harness_program()->quiet = opt.quiet;

	harness_choose_cpus(&cpus, opt.cpus);
	harness_open(&out, opt.csv);
	for (size_t t = 0; t < todo.n; t++) {
		struct harness_row row = {
		        .queue = kind_name[k],
		        .workload = workloads[todo.k[t]].csv_name,
		        .round = opt.round,
		        .run = 1,
		        .capacity = CAPACITY,
		        .cpus = cpus.label,
		        .wait = kind_wait[k],
		};

		workloads[todo.k[t]].run(k, &row);
	}
	harness_close(&out);
	return 0;
}
