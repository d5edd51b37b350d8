/*
 * stage5-waitfree/extensions/wait/bench_wait.c: what blocking costs. stage5-waitfree/extensions/wait/spsc_wait.h
 * in both orderings beside plain stage 5 (try loops with spin_pause, never
 * asleep) and moodycamel::BlockingReaderWriterCircularBuffer (the C++
 * adapter moodycamel_wait.cpp). `make bench-wait` runs it into
 * notes/results/latest/wait.md and wait.csv; `bench-wait --help` lists the
 * flags.
 *
 * Four measurements, the queues interleaved round by round, the producer
 * pinned to one CPU and the consumer to another:
 *   throughput  ITEMS items at capacity 65536, as fast as they go; the
 *               ratio to plain stage 5 is taken per round (same round,
 *               same machine state), then its median and range;
 *   syscalls    per million items at that full rate: spsc_wait.h's own
 *               counters (every futex and membarrier call it makes: exact;
 *               none for the peer, whose semaphores are not instrumented),
 *               and the context switches of both threads (getrusage
 *               RUSAGE_THREAD, voluntary + involuntary) for every queue;
 *   wake-up     the producer pushes its CLOCK_MONOTONIC time every GAP us,
 *               so the consumer has gone to sleep (it spins about 1024
 *               tries first); the consumer's latency is its clock on return
 *               minus the item. Plain stage 5 never sleeps: its row is the
 *               spinning floor. The consumer's voluntary context switches
 *               per sample say whether it really slept;
 *   idle CPU    the CPU time (RUSAGE_THREAD, user + system) of a consumer
 *               that waits IDLE ms for one item.
 * Progress on stderr; the Markdown table on stdout (or --md FILE), the CSV
 * in --csv FILE. Exit status 2 for bad arguments, 1 for a failed run.
 */
#define _GNU_SOURCE /* syscall (spsc_wait.h), pthread_setaffinity_np, RUSAGE_THREAD */

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "moodycamel_wait.h"
#include "parse_number.h"
#include "spin.h"
#include "extensions/wait/spsc_wait.h"

#ifndef BENCH_FLAGS
#define BENCH_FLAGS "unknown (built without BENCH_FLAGS)"
#endif
#include "compiler.h" /* BENCH_COMPILER */

#define CAPACITY 65536
#define END_ITEM UINT64_MAX /* the idle run's one item */

enum kind { PLAIN, FENCE, MEMBARRIER, MOODYCAMEL, KINDS };
static const char *const kind_name[KINDS] = {"stage5 (spin)", "wait fence", "wait membarrier",
                                             "moodycamel BlockingRWCircularBuffer"};
static const char *const kind_id[KINDS] = {"plain", "fence", "membarrier", "moodycamel"};

static struct {
	uint64_t items, rounds, samples, gap_us, idle_ms, pcpu, ccpu;
	const char *csv, *md, *commit;
} opt = {10000000, 5, 2000, 2000, 1000, 0, 1, NULL, NULL, "unknown"};

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-wait: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

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
		fail("spsc_create(%d): %s", CAPACITY, strerror(errno));
	if ((k == FENCE || k == MEMBARRIER) &&
	    (a.w = spsc_waitq_create(CAPACITY, k == FENCE ? SPSC_WAIT_FENCE : SPSC_WAIT_MEMBARRIER)) == NULL)
		fail("spsc_waitq_create(%d, %s): %s%s", CAPACITY, kind_id[k], strerror(errno),
		     k == MEMBARRIER ? " (membarrier MEMBARRIER_CMD_PRIVATE_EXPEDITED needs Linux 4.14)" : "");
	if (k == MOODYCAMEL && (a.m = mc_waitq_create(CAPACITY)) == NULL)
		fail("moodycamel: out of memory");
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

enum what { THROUGHPUT, LATENCY, IDLE };

struct run {
	struct anyq *a;
	enum what what;
	atomic_int ready; /* each thread adds 1 when pinned; the producer starts at 2 */
	uint64_t t0, t1;  /* written by the producer (start) and the consumer (end); read after the join */
	uint64_t bad;     /* consumer */
	uint64_t *lat;    /* consumer: one latency per sample */
	uint64_t ctx[2];  /* context switches: [0] producer, [1] consumer (voluntary + involuntary) */
	uint64_t cons_nvcsw, cons_cpu_ns; /* consumer: voluntary switches, CPU time of the run */
};

static void pin(uint64_t cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err != 0)
		fail("cannot pin a thread to CPU %" PRIu64 ": %s (--producer-cpu, --consumer-cpu)", cpu, strerror(err));
}

static void rusage_thread(struct rusage *u)
{
	if (getrusage(RUSAGE_THREAD, u) != 0)
		fail("getrusage(RUSAGE_THREAD): %s", strerror(errno));
}

static uint64_t tv_ns(struct timeval t)
{
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_usec * 1000u;
}

/* Pins the calling thread, waits for the other one, and reads its own rusage: the start of a run. */
static void start_together(struct run *r, uint64_t cpu, struct rusage *u0)
{
	pin(cpu);
	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < 2)
		spin_pause();
	rusage_thread(u0);
}

/* Context switches between two rusage readings, voluntary + involuntary. */
static uint64_t switches(const struct rusage *u0, const struct rusage *u1)
{
	return (uint64_t)(u1->ru_nvcsw - u0->ru_nvcsw + u1->ru_nivcsw - u0->ru_nivcsw);
}

static void *producer_main(void *arg)
{
	struct run *r = arg;
	struct rusage u0, u1;

	start_together(r, opt.pcpu, &u0);
	r->t0 = now_ns();
	if (r->what == THROUGHPUT) {
		push_all(r->a, opt.items);
	} else if (r->what == LATENCY) {
		for (uint64_t s = 0; s < opt.samples / opt.rounds; s++) {
			struct timespec gap = {(time_t)(opt.gap_us / 1000000), (long)(opt.gap_us % 1000000) * 1000};
			nanosleep(&gap, NULL);
			push_one(r->a, now_ns());
		}
	} else {
		struct timespec idle = {(time_t)(opt.idle_ms / 1000), (long)(opt.idle_ms % 1000) * 1000000};
		nanosleep(&idle, NULL);
		push_one(r->a, END_ITEM);
	}
	rusage_thread(&u1);
	r->ctx[0] = switches(&u0, &u1);
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct run *r = arg;
	struct rusage u0, u1;

	start_together(r, opt.ccpu, &u0);
	if (r->what == THROUGHPUT) {
		r->bad = pop_all(r->a, opt.items);
	} else if (r->what == LATENCY) {
		for (uint64_t s = 0; s < opt.samples / opt.rounds; s++) {
			uint64_t pushed = pop_one(r->a);
			r->lat[s] = now_ns() - pushed;
		}
	} else {
		r->bad = pop_one(r->a) != END_ITEM;
	}
	r->t1 = now_ns();
	rusage_thread(&u1);
	r->ctx[1] = switches(&u0, &u1);
	r->cons_nvcsw = (uint64_t)(u1.ru_nvcsw - u0.ru_nvcsw);
	r->cons_cpu_ns = tv_ns(u1.ru_utime) - tv_ns(u0.ru_utime) + tv_ns(u1.ru_stime) - tv_ns(u0.ru_stime);
	return NULL;
}

static void run_once(struct run *r)
{
	pthread_t p, c;

	atomic_init(&r->ready, 0);
	if (pthread_create(&c, NULL, consumer_main, r) != 0 || pthread_create(&p, NULL, producer_main, r) != 0)
		fail("pthread_create failed");
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	if (r->bad != 0)
		fail("%s: %" PRIu64 " items arrived wrong", kind_name[r->a->kind], r->bad);
}

/* ---------------------------------------------------------------- statistics */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of n sorted values. */
static uint64_t percentile(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[i == 0 ? 0 : (i > n ? n - 1 : i - 1)];
}

static double median_d(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: bench-wait [--items N] [--rounds R] [--samples S] [--gap-us U] [--idle-ms M]\n"
	        "                  [--producer-cpu P] [--consumer-cpu C] [--csv FILE] [--md FILE] [--commit ID]\n"
	        "  --items N     items per throughput run, capacity %d (default %" PRIu64 ")\n"
	        "  --rounds R    rounds; every queue runs once per round, interleaved (default %" PRIu64 ")\n"
	        "  --samples S   wake-up samples per queue, spread over the rounds (default %" PRIu64 ")\n"
	        "  --gap-us U    microseconds between two wake-up samples, 100..1000000 (default %" PRIu64 ")\n"
	        "  --idle-ms M   how long the idle consumer waits (default %" PRIu64 ")\n"
	        "  --producer-cpu P, --consumer-cpu C   the CPUs the two threads are pinned to (default 0, 1)\n"
	        "  --csv FILE    also write the results as CSV; --md FILE: the table there, not on stdout\n"
	        "  --commit ID   the commit named in the header (make passes git describe --always --dirty)\n",
	        CAPACITY, opt.items, opt.rounds, opt.samples, opt.gap_us, opt.idle_ms);
}

static void bad_arg(const char *flag, const char *value, const char *why)
{
	fprintf(stderr, "bench-wait: %s '%s' %s\n", flag, value ? value : "", why);
	usage(stderr);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct {
		const char *flag;
		uint64_t *value, lo, hi;
	} nums[] = {
	        {"--items", &opt.items, 1, UINT64_MAX / 2},
	        {"--rounds", &opt.rounds, 1, 1000},
	        {"--samples", &opt.samples, 1, 10000000},
	        {"--gap-us", &opt.gap_us, 100, 1000000},
	        {"--idle-ms", &opt.idle_ms, 1, 60000},
	        {"--producer-cpu", &opt.pcpu, 0, CPU_SETSIZE - 1},
	        {"--consumer-cpu", &opt.ccpu, 0, CPU_SETSIZE - 1},
	};
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		bool known = false;
		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (strcmp(f, nums[k].flag) == 0) {
				const char *why =
				        i + 1 < argc ? parse_number(argv[i + 1], nums[k].lo, nums[k].hi, nums[k].value)
				                     : "is missing";
				if (why != NULL)
					bad_arg(f, i + 1 < argc ? argv[i + 1] : NULL, why);
				i++;
				known = true;
			}
		const char **s = strcmp(f, "--csv") == 0      ? &opt.csv
		                 : strcmp(f, "--md") == 0     ? &opt.md
		                 : strcmp(f, "--commit") == 0 ? &opt.commit
		                                              : NULL;
		if (s != NULL) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				bad_arg(f, NULL, "is missing");
			*s = argv[++i];
		} else if (!known) {
			bad_arg("argument", f, "is not a flag bench-wait knows");
		}
	}
	if (opt.pcpu == opt.ccpu)
		bad_arg("--consumer-cpu", "", "must differ from --producer-cpu");
	if (opt.samples < opt.rounds)
		bad_arg("--samples", "", "must be at least --rounds");
}

/* /proc/cpuinfo's model name, cpu family and model (a VM's model name can be generic). */
static void cpu_model(char *buf, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512], name[256] = "unknown", family[32] = "?", model[32] = "?";

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '\n')
			break; /* the end of the first CPU's block: enough */
		char *v = strchr(line, ':');
		if (v == NULL || v[1] == '\0')
			continue;
		v[strcspn(v, "\n")] = '\0';
		if (strncmp(line, "model name", 10) == 0)
			snprintf(name, sizeof(name), "%s", v + 2);
		else if (strncmp(line, "cpu family", 10) == 0)
			snprintf(family, sizeof(family), "%s", v + 2);
		else if (strncmp(line, "model\t", 6) == 0)
			snprintf(model, sizeof(model), "%s", v + 2);
	}
	if (f != NULL)
		fclose(f);
	snprintf(buf, n, "%s (family %s, model %s)", name, family, model);
}

struct result {
	double tput[1000], ratio[1000]; /* per round: Mitems/s, and over plain's in the same round */
	uint64_t syscalls, ctx, items;  /* summed over the throughput rounds */
	uint64_t *lat;                  /* every wake-up sample */
	uint64_t lat_n, cons_nvcsw;
	uint64_t idle_cpu_ns;
};

int main(int argc, char **argv)
{
	static struct result res[KINDS];
	uint64_t per_round = 0;

	parse_args(argc, argv);
	per_round = opt.samples / opt.rounds;
	for (int k = 0; k < KINDS; k++)
		if ((res[k].lat = malloc(opt.samples * sizeof(uint64_t))) == NULL)
			fail("out of memory for %" PRIu64 " samples", opt.samples);

	for (uint64_t round = 0; round < opt.rounds; round++) {
		/* A different order each round: no queue always runs first, or right after the same one. */
		for (int j = 0; j < KINDS; j++) {
			enum kind k = (enum kind)((j + (int)round) % KINDS);
			struct anyq a = anyq_create(k);
			struct run r = {.a = &a, .what = THROUGHPUT};

			fprintf(stderr, "bench-wait: round %" PRIu64 "/%" PRIu64 ": %s, throughput\n", round + 1,
			        opt.rounds, kind_name[k]);
			run_once(&r);
			res[k].tput[round] = (double)opt.items / (double)(r.t1 - r.t0) * 1e3;
			res[k].syscalls += anyq_syscalls(&a);
			res[k].ctx += r.ctx[0] + r.ctx[1];
			res[k].items += opt.items;
			anyq_destroy(&a);

			a = anyq_create(k);
			r = (struct run){.a = &a, .what = LATENCY, .lat = res[k].lat + res[k].lat_n};
			fprintf(stderr,
			        "bench-wait: round %" PRIu64 "/%" PRIu64 ": %s, %" PRIu64 " wake-ups, %" PRIu64
			        " us apart\n",
			        round + 1, opt.rounds, kind_name[k], per_round, opt.gap_us);
			run_once(&r);
			res[k].lat_n += per_round;
			res[k].cons_nvcsw += r.cons_nvcsw;
			anyq_destroy(&a);
		}
		for (int k = 0; k < KINDS; k++)
			res[k].ratio[round] = res[k].tput[round] / res[PLAIN].tput[round];
	}
	for (int k = 0; k < KINDS; k++) {
		struct anyq a = anyq_create((enum kind)k);
		struct run r = {.a = &a, .what = IDLE};

		fprintf(stderr, "bench-wait: %s, a consumer idle for %" PRIu64 " ms\n", kind_name[k], opt.idle_ms);
		run_once(&r);
		res[k].idle_cpu_ns = r.cons_cpu_ns;
		anyq_destroy(&a);
	}

	char cpu[256], header[1024];
	cpu_model(cpu, sizeof(cpu));
	snprintf(header, sizeof(header),
	         "machine: %s, %ld CPUs online; producer on CPU %" PRIu64 ", consumer on CPU %" PRIu64
	         "\ncompiler: %s\nflags: %s\ncommit: %s\nruns: %" PRIu64 " rounds, %" PRIu64
	         " items per throughput run at capacity %d, %" PRIu64 " wake-up samples %" PRIu64
	         " us apart, idle %" PRIu64 " ms; spsc_wait.h spins %d tries before it sleeps",
	         cpu, sysconf(_SC_NPROCESSORS_ONLN), opt.pcpu, opt.ccpu, BENCH_COMPILER, BENCH_FLAGS, opt.commit,
	         opt.rounds, opt.items, CAPACITY, per_round * opt.rounds, opt.gap_us, opt.idle_ms, SPSC_WAIT_SPINS);

	FILE *md = stdout, *csv = NULL;
	if (opt.md != NULL && (md = fopen(opt.md, "w")) == NULL)
		fail("cannot write %s: %s", opt.md, strerror(errno));
	if (opt.csv != NULL && (csv = fopen(opt.csv, "w")) == NULL)
		fail("cannot write %s: %s", opt.csv, strerror(errno));

	fprintf(md, "# Blocking waits: stage5-waitfree/extensions/wait/spsc_wait.h (`make bench-wait`)\n\n");
	for (const char *p = header; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		fprintf(md, "- %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	fprintf(md, "\nThroughput: median of the rounds. Ratio: median of the per-round ratios to stage 5 (spin), "
	            "min-max. Syscalls: spsc_wait.h's own counters of its futex and membarrier calls, both sides "
	            "(exact; not counted for moodycamel). Context switches: both threads, getrusage RUSAGE_THREAD. "
	            "Wake-up: push to the consumer's return, CLOCK_MONOTONIC; stage 5 (spin) never sleeps, its row "
	            "is the spinning floor. Sleeps/sample: the consumer's voluntary context switches per wake-up "
	            "sample. Idle CPU: the consumer's user + system time while it waits, per second of waiting.\n\n");
	fprintf(md, "| queue | Mitems/s | ratio to stage 5 | syscalls / M items | ctx switches / M items | "
	            "wake-up p50 us | p99 us | sleeps / sample | idle CPU ms/s |\n");
	fprintf(md, "|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
	if (csv != NULL) {
		fprintf(csv, "# %s\n", cpu);
		fprintf(csv, "# compiler: %s; flags: %s; commit: %s\n", BENCH_COMPILER, BENCH_FLAGS, opt.commit);
		fprintf(csv,
		        "queue,mitems_per_s_median,ratio_median,ratio_min,ratio_max,syscalls_per_m_items,"
		        "ctx_switches_per_m_items,wakeup_p50_us,wakeup_p99_us,sleeps_per_sample,idle_cpu_ms_per_s\n");
	}
	for (int k = 0; k < KINDS; k++) {
		struct result *s = &res[k];
		double t[1000], ra[1000];
		memcpy(t, s->tput, opt.rounds * sizeof(double));
		memcpy(ra, s->ratio, opt.rounds * sizeof(double));
		double tput = median_d(t, opt.rounds), ratio = median_d(ra, opt.rounds);
		double rmin = ra[0], rmax = ra[opt.rounds - 1];
		qsort(s->lat, s->lat_n, sizeof(uint64_t), cmp_u64);
		double p50 = (double)percentile(s->lat, s->lat_n, 50) / 1e3;
		double p99 = (double)percentile(s->lat, s->lat_n, 99) / 1e3;
		double per_m = 1e6 / (double)s->items;
		double idle = (double)s->idle_cpu_ns / 1e6 / ((double)opt.idle_ms / 1e3);
		double sleeps = (double)s->cons_nvcsw / (double)s->lat_n;
		char sys[32];
		if (k == MOODYCAMEL)
			snprintf(sys, sizeof(sys), "n/c");
		else
			snprintf(sys, sizeof(sys), "%.1f", (double)s->syscalls * per_m);

		fprintf(md, "| %s | %.1f | %.3f (%.3f-%.3f) | %s | %.1f | %.1f | %.1f | %.2f | %.1f |\n", kind_name[k],
		        tput, ratio, rmin, rmax, sys, (double)s->ctx * per_m, p50, p99, sleeps, idle);
		if (csv != NULL)
			fprintf(csv, "%s,%.3f,%.4f,%.4f,%.4f,%s,%.2f,%.2f,%.2f,%.3f,%.2f\n", kind_id[k], tput, ratio,
			        rmin, rmax, k == MOODYCAMEL ? "" : sys, (double)s->ctx * per_m, p50, p99, sleeps, idle);
		free(s->lat);
	}
	if (md != stdout)
		fclose(md);
	if (csv != NULL)
		fclose(csv);
	return 0;
}
