/*
 * stage5-waitfree/extensions/shm/demo_driver.h: the one driver of `make
 * demo-ipc`, compiled as C over spsc_shm.h (demo_ipc.c) and as C++ over
 * Boost.Interprocess's message_queue (demo_boost.cpp), so both are
 * measured by the same loops. Its command line, CPUs, probe, percentiles
 * and CSV rows are the measuring harness's (common/support/harness.h), as
 * in the benchmark driver; demo-ipc.sh runs the binaries in turns, round
 * by round, and makes the table (ipc-table.awk).
 *
 * The includer defines, before including this file:
 *   DEMO_NAME        the queue, as its rows name it: stage_name is
 *                    DEMO_NAME-process, or DEMO_NAME-thread
 *   DEMO_THREADS     1 to measure between threads as well as processes
 *   DEMO_WHAT        (optional) what the queue is, in words, for `info`
 *   DEMO_WAIT        (optional) the wait column: "spin" (the default) or "block"
 *   DEMO_ITEMS_DIVISOR  (optional) a slow queue moves --items / this per
 *                    throughput run (default 1)
 *   struct ring      one ring; ring_new(capacity) makes it in the parent
 *                    before the other side is started (fork or thread),
 *                    ring_free removes it after both are done
 *   ring_open(r, producer)  one side's endpoint, opened in that side
 *   ep_push, ep_pop  non-blocking: false when full or empty
 *   ep_close
 * Both sides spin with spin_pause() (common/support/spin.h) between failed
 * attempts, the same waiting for every queue.
 *
 * Measures, with the producer (pinger) on the first CPU and the consumer
 * (ponger) on the second: throughput, items / (time from the go signal to
 * the consumer's last pop); round trip, ping-pong of one item over two
 * rings, each trip timed alone, p50 and p99 (nearest rank). One warm-up of
 * each, then --runs of each, every run between two probes; one CSV row per run
 * and metric. Every item is checked (the next in sequence): a wrong one
 * exits 1. This is C written to compile as C++17 too: no designated
 * initialisers, casts from void *, GCC's __atomic builtins instead of
 * _Atomic.
 */
#ifndef DEMO_DRIVER_H
#define DEMO_DRIVER_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "spin.h"

#ifndef DEMO_WHAT
#define DEMO_WHAT DEMO_NAME
#endif
#ifndef DEMO_WAIT
#define DEMO_WAIT "spin"
#endif
#ifndef DEMO_ITEMS_DIVISOR
#define DEMO_ITEMS_DIVISOR 1
#endif

static struct demo_options {
	uint64_t items, trips, runs, capacity, round, probe_trips;
	const char *cpus, *csv;
	bool unpinned, quiet;
} opt = {10000000, 100000, 5, 1024, 0, 100000, NULL, NULL, false, false};

static struct harness_cpus demo_cpus;
static struct harness_out demo_out;

/* Shared by both sides: MAP_SHARED, so a forked child sees the parent's writes. */
struct demo_ctl {
	struct ring *a, *b; /* a: producer (pinger) to consumer (ponger); b: back */
	uint64_t n, warm;   /* items (throughput) or trips (round trip), of which `warm` not timed */
	uint64_t ready;     /* the other side has opened its ends: written (release) by it, read (acquire) here */
	uint64_t end_ns;    /* the consumer's last pop: written (release) by it, read (acquire) after the join */
	uint64_t bad;       /* the first item out of sequence, + 1: written (release) by the side that saw it */
	int pingpong;
};

static uint64_t demo_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void demo_store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void demo_push(void *ep, uint64_t v)
{
	while (!ep_push(ep, v))
		spin_pause();
}

static uint64_t demo_pop(void *ep)
{
	uint64_t v;

	while (!ep_pop(ep, &v))
		spin_pause();
	return v;
}

/* The calling side (a process or a thread) onto its CPU: side 0 the producer's, 1 the consumer's. */
static void demo_pin(int side)
{
	int err = harness_pin_self(demo_cpus.cpu[side]);

	if (err != 0)
		harness_fail("cannot pin to CPU %d: %s", demo_cpus.cpu[side], strerror(err));
}

/* The other side: the consumer, or the ponger. */
static void demo_other(struct demo_ctl *c)
{
	void *in = ring_open(c->a, 0);
	void *out = c->pingpong ? ring_open(c->b, 1) : NULL;

	demo_pin(1);
	demo_store(&c->ready, 1);
	for (uint64_t i = 0; i < c->n; i++) {
		uint64_t v = demo_pop(in);
		if (v != i && demo_load(&c->bad) == 0)
			demo_store(&c->bad, i + 1);
		if (out != NULL)
			demo_push(out, v);
	}
	demo_store(&c->end_ns, now_ns());
	ep_close(in);
	if (out != NULL)
		ep_close(out);
}

static void *demo_thread(void *arg)
{
	demo_other((struct demo_ctl *)arg);
	return NULL;
}

static int demo_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* What one run measured: throughput in Mitems/s, or the round trip's p50 and p99 in ns. */
struct demo_result {
	double mitems, p50_ns, p99_ns;
};

/* Starts the other side of run c: a forked child, or a thread. */
static void demo_start(struct demo_ctl *c, bool process, pid_t *child, pthread_t *thread)
{
	if (process) {
		*child = fork();
		if (*child < 0)
			harness_fail("fork: %s", strerror(errno));
		if (*child == 0) {
			demo_other(c);
			_exit(0);
		}
	} else if (pthread_create(thread, NULL, demo_thread, c) != 0) {
		harness_fail("cannot start a thread");
	}
}

/* Waits for the other side to end; the run fails if it died or an item came out of sequence. */
static void demo_join(struct demo_ctl *c, bool process, pid_t child, pthread_t thread)
{
	if (process) {
		int status;
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			harness_fail("the %s side died", c->pingpong ? "ponger" : "consumer");
	} else {
		pthread_join(thread, NULL);
	}
	if (demo_load(&c->bad) != 0)
		harness_fail("%s: item %llu arrived out of sequence", DEMO_NAME, (unsigned long long)(c->bad - 1));
}

/* The pinger: c->n items pushed, or c->n round trips of which the last n - warm are timed into rtt. */
static void demo_drive(struct demo_ctl *c, void *out_ep, void *in_ep, uint64_t *rtt)
{
	for (uint64_t i = 0; i < c->n; i++) {
		if (!c->pingpong) {
			demo_push(out_ep, i);
			continue;
		}
		uint64_t t = now_ns();
		demo_push(out_ep, i);
		uint64_t v = demo_pop(in_ep);
		if (v != i && demo_load(&c->bad) == 0)
			demo_store(&c->bad, i + 1);
		if (i >= c->warm)
			rtt[i - c->warm] = now_ns() - t;
	}
}

/* The round trip's p50 and p99 from m timed trips (sorted here, then freed). */
static void demo_rtt_result(struct demo_result *res, uint64_t *rtt, size_t m)
{
	qsort(rtt, m, sizeof *rtt, demo_cmp);
	res->p50_ns = (double)rtt[harness_rank(m, 0.50)];
	res->p99_ns = (double)rtt[harness_rank(m, 0.99)];
	free(rtt);
}

/* One run, the other side in a process (fork) or a thread, on fresh rings. */
static struct demo_result demo_run(struct demo_ctl *c, bool process, int pingpong, uint64_t n, uint64_t warm)
{
	struct demo_result res;
	pid_t child = 0;
	pthread_t thread;
	uint64_t *rtt = NULL;

	memset(&res, 0, sizeof res);
	memset(c, 0, sizeof *c);
	c->n = n;
	c->warm = warm;
	c->pingpong = pingpong;
	c->a = ring_new(opt.capacity);
	c->b = pingpong ? ring_new(opt.capacity) : NULL;
	if (pingpong && (rtt = (uint64_t *)malloc((n - warm) * sizeof *rtt)) == NULL)
		harness_fail("out of memory for %llu round trips", (unsigned long long)(n - warm));
	demo_start(c, process, &child, &thread);
	void *out_ep = ring_open(c->a, 1);
	void *in_ep = pingpong ? ring_open(c->b, 0) : NULL;
	while (demo_load(&c->ready) == 0)
		spin_pause();

	uint64_t t0 = now_ns();
	demo_drive(c, out_ep, in_ep, rtt);
	demo_join(c, process, child, thread);
	if (!pingpong)
		res.mitems = (double)n / (double)(demo_load(&c->end_ns) - t0) * 1e3;
	else
		demo_rtt_result(&res, rtt, (size_t)(n - warm));
	ep_close(out_ep);
	if (in_ep != NULL)
		ep_close(in_ep);
	ring_free(c->a);
	if (c->b != NULL)
		ring_free(c->b);
	return res;
}

/* ---------------------------------------------------------------- the workloads */

/* Items per throughput run: a slow queue's share of --items (at least 10). */
static uint64_t demo_items(void)
{
	return opt.items / DEMO_ITEMS_DIVISOR < 10 ? 10 : opt.items / DEMO_ITEMS_DIVISOR;
}

static void demo_throughput(struct demo_ctl *c, bool process, struct harness_row *row)
{
	row->workload = "ipc-throughput";
	row->items = demo_items();
	harness_probe_before(row, &demo_cpus, opt.probe_trips);
	struct demo_result r = demo_run(c, process, 0, row->items, 0);

	harness_probe_after(row, &demo_cpus, opt.probe_trips);
	harness_emit(&demo_out, row, "mitems_per_s", r.mitems, "Mitems/s");
	harness_progress(row, "run %llu of %llu: %.1f Mitems/s (probes %.0f/%.0f ns)", (unsigned long long)row->run,
	                 (unsigned long long)opt.runs, r.mitems, row->probe_ns, row->probe_after_ns);
}

static void demo_rtt(struct demo_ctl *c, bool process, struct harness_row *row)
{
	row->workload = "ipc-rtt";
	row->items = opt.trips;
	harness_probe_before(row, &demo_cpus, opt.probe_trips);
	struct demo_result r = demo_run(c, process, 1, opt.trips + opt.trips / 10, opt.trips / 10);

	harness_probe_after(row, &demo_cpus, opt.probe_trips);
	harness_emit(&demo_out, row, "rtt_p50_ns", r.p50_ns, "ns");
	harness_emit(&demo_out, row, "rtt_p99_ns", r.p99_ns, "ns");
	harness_progress(row, "run %llu of %llu: round trip p50 %.0f ns, p99 %.0f ns (probes %.0f/%.0f ns)",
	                 (unsigned long long)row->run, (unsigned long long)opt.runs, r.p50_ns, r.p99_ns, row->probe_ns,
	                 row->probe_after_ns);
}

/* The workloads named on the command line, in order: 0 throughput, 1 rtt, 2 info. */
static const char *const demo_workloads[] = {"throughput", "rtt", "info"};
static struct harness_todo demo_todo;

static void demo_add_workload(const char *name)
{
	harness_todo_add(&demo_todo, name, demo_workloads, 3, sizeof(demo_workloads[0]));
}

/* The harness's lines, then what the queue is, how it waits and between what it runs. */
static void demo_info(void)
{
	harness_info(demo_out.f, DEMO_NAME, &demo_cpus);
	fprintf(demo_out.f, "# what: %s: %s\n# wait: %s\n# between: process%s\n# items divisor: %d\n", DEMO_NAME,
	        DEMO_WHAT, DEMO_WAIT, DEMO_THREADS ? " thread" : "", DEMO_ITEMS_DIVISOR);
}

/* One mode (between processes or threads): a warm-up of each workload, then --runs of each. */
static void demo_mode(struct demo_ctl *c, bool process)
{
	char name[96];
	struct harness_row row;

	snprintf(name, sizeof name, "%s-%s", DEMO_NAME, process ? "process" : "thread");
	memset(&row, 0, sizeof row);
	row.queue = name;
	row.round = opt.round;
	row.capacity = opt.capacity;
	row.cpus = demo_cpus.label;
	row.wait = DEMO_WAIT;
	for (size_t t = 0; t < demo_todo.n; t++) {
		if (demo_todo.k[t] == 0)
			demo_run(c, process, 0, demo_items() / 10 < 10 ? 10 : demo_items() / 10, 0);
		else if (demo_todo.k[t] == 1)
			demo_run(c, process, 1, opt.trips / 10 + 10, 10);
	}
	for (row.run = 1; row.run <= opt.runs; row.run++)
		for (size_t t = 0; t < demo_todo.n; t++) {
			if (demo_todo.k[t] == 0)
				demo_throughput(c, process, &row);
			else if (demo_todo.k[t] == 1)
				demo_rtt(c, process, &row);
		}
}

/* ---------------------------------------------------------------- main */

static void demo_help(void)
{
	printf("usage: %s [WORKLOAD...] [FLAG...]\n"
	       "%s (%s) between two processes%s: CSV rows on stdout (or --csv), progress on\n"
	       "stderr. Exit status: 0 ok, 1 a run failed, 2 bad usage. `make demo-ipc` runs every\n"
	       "queue in turns and makes the table.\n"
	       "\n"
	       "Workloads (any number, in the order given; none: throughput rtt):\n"
	       "  throughput  items as fast as they go, in Mitems/s (--items%s)\n"
	       "  rtt         ping-pong of one item over two rings: round trip p50 and p99 in ns (--trips)\n"
	       "  info        compiler, flags, timer, CPUs, CSV columns and the queue, as comment lines\n"
	       "Each is warmed up once, then run --runs times, a probe before and after every run.\n"
	       "\n"
	       "Flags:\n"
	       "  --items N          items per throughput run (default %llu)\n"
	       "  --trips N          round trips per latency run (default %llu)\n"
	       "  --runs N           runs of each (default %llu)\n"
	       "  --capacity N       slots per ring, a power of two (default %llu)\n" HARNESS_HELP_CPUS
	       "  --unpinned         do not pin either side\n"
	       "  --probe-trips N    round trips of each probe, before and after each run (default %llu)\n"
	       "  --round N          label written in the round column (default 0)\n"
	       "  --csv FILE         append rows to FILE (its header first, unless it has one)\n"
	       "  --quiet            no progress on stderr\n"
	       "  --help             this text\n",
	       harness_program()->name, DEMO_NAME, DEMO_WHAT, DEMO_THREADS ? ", then two threads" : "",
	       DEMO_ITEMS_DIVISOR > 1 ? "; this queue moves a fraction of them, see info" : "",
	       (unsigned long long)opt.items, (unsigned long long)opt.trips, (unsigned long long)opt.runs,
	       (unsigned long long)opt.capacity, (unsigned long long)opt.probe_trips);
}

/* The command line, the CPUs and the output; true when there is something to measure (not only info). */
static bool demo_setup(int argc, char **argv)
{
	static const struct harness_flag flags[] = {
	        {"--items", &opt.items, 10, UINT64_C(1) << 40, NULL, NULL},
	        {"--trips", &opt.trips, 100, UINT64_C(1) << 40, NULL, NULL},
	        {"--runs", &opt.runs, 1, 1000, NULL, NULL},
	        {"--capacity", &opt.capacity, 1, UINT64_C(1) << 24, NULL, NULL},
	        {"--probe-trips", &opt.probe_trips, HARNESS_PROBE_BATCH, 100000000, NULL, NULL},
	        {"--round", &opt.round, 0, 1000000, NULL, NULL},
	        {"--cpus", NULL, 0, 0, &opt.cpus, NULL},
	        {"--csv", NULL, 0, 0, &opt.csv, NULL},
	        {"--unpinned", NULL, 0, 0, NULL, &opt.unpinned},
	        {"--quiet", NULL, 0, 0, NULL, &opt.quiet},
	};
	bool measure = false;

	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof flags / sizeof flags[0], demo_help, demo_add_workload);
	if ((opt.capacity & (opt.capacity - 1)) != 0)
		harness_usage_error("--capacity: %llu is not a power of two", (unsigned long long)opt.capacity);
	if (demo_todo.n == 0) {
		demo_add_workload("throughput");
		demo_add_workload("rtt");
	}
	harness_program()->quiet = opt.quiet;
	harness_choose_cpus(&demo_cpus, opt.cpus);
	if (opt.unpinned) {
		demo_cpus.cpu[0] = demo_cpus.cpu[1] = -1;
		snprintf(demo_cpus.label, sizeof demo_cpus.label, "unpinned");
	}
	harness_open(&demo_out, opt.csv);
	for (size_t t = 0; t < demo_todo.n; t++) {
		if (demo_todo.k[t] == 2)
			demo_info();
		measure = measure || demo_todo.k[t] != 2;
	}
	return measure;
}

static int demo_main(int argc, char **argv)
{
	if (demo_setup(argc, argv)) {
		demo_pin(0);
		struct demo_ctl *c = (struct demo_ctl *)mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE,
		                                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			harness_fail("mmap: %s", strerror(errno));
		for (int mode = 0; mode < 1 + DEMO_THREADS; mode++)
			demo_mode(c, mode == 0);
		munmap(c, sizeof *c);
	}
	harness_close(&demo_out);
	return 0;
}

#endif /* DEMO_DRIVER_H */
