/*
 * common/support/harness.h: what every measuring program shares: the
 * benchmark driver (common/bench/bench.c), bench-wait
 * (stage5-waitfree/extensions/wait/bench_wait.c) and the demo-ipc driver
 * (stage5-waitfree/extensions/shm/demo_driver.h).
 *
 *   errors      harness_usage_error (exit 2), harness_fail (exit 1)
 *   flags       harness_parse: one table of flags, one way to refuse them
 *   CPUs        harness_choose_cpus, harness_pin_self, harness_run_pair:
 *               the producer's CPU and the consumer's, each thread pinned
 *   probe       harness_probe: the two-line round trip timed right before
 *               and right after every run, both recorded on its rows (where
 *               the hypervisor had put the two threads: common/bench/
 *               placement.awk finds the classes and the runs that moved)
 *   statistics  harness_median, harness_rank (nearest-rank percentiles)
 *   output      HARNESS_CSV_HEADER and harness_emit: the one row format
 *               of every results CSV; harness_info: the lines the scripts
 *               put in its header; harness_progress on stderr
 *
 * The clock and the generator are common/support/clock.h's. The machine's
 * identity (CPU model, family, hypervisor, CPUs online) is not here: the
 * scripts alone read it (common/bench/bench-lib.sh, bench_machine) and
 * write it above every table.
 *
 * Header-only. The includer defines _GNU_SOURCE before its first #include
 * (sched_getaffinity, pthread_attr_setaffinity_np). It compiles as C11 and
 * as C++17 (demo_boost.cpp includes it through demo_driver.h): GCC's
 * __atomic builtins instead of _Atomic, no designated initialisers, casts
 * from void *. Its state (the program's name, quiet) lives in function-local
 * statics, so a program that uses only part of it warns about nothing.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "compiler.h" /* BENCH_COMPILER */
#include "parse_number.h"
#include "spin.h"
#include "topology.h" /* which pair of CPUs, and where they sit */

#ifndef BENCH_FLAGS
#define BENCH_FLAGS "unknown (built without BENCH_FLAGS)"
#endif

/* ------------------------------------------------------------------ the program */

/* Its name, for every message, and whether progress goes to stderr: main sets both. */
struct harness_program {
	const char *name;
	bool quiet;
};

static inline struct harness_program *harness_program(void)
{
	static struct harness_program p = {"?", false};

	return &p;
}

/* The name messages start with: argv[0] without its folder. */
static inline void harness_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	harness_program()->name = slash != NULL ? slash + 1 : argv0;
}

static inline void harness_vmessage_(const char *fmt, va_list ap, const char *end)
{
	fprintf(stderr, "%s: ", harness_program()->name);
	vfprintf(stderr, fmt, ap);
	fputs(end, stderr);
}

/* Bad usage: a clear message and exit status 2, never a silent default. */
static inline __attribute__((noreturn, format(printf, 1, 2))) void harness_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	harness_vmessage_(fmt, ap, " (try --help)\n");
	va_end(ap);
	exit(2);
}

/* A failed run (a lost item, a failed allocation, a thread that cannot start): exit status 1. */
static inline __attribute__((noreturn, format(printf, 1, 2))) void harness_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	harness_vmessage_(fmt, ap, "\n");
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------------ flags */

/*
 * One flag: a number in [lo, hi] (num), a non-empty string (str) or a
 * switch without a value (on); the other two targets are NULL.
 */
struct harness_flag {
	const char *name; /* "--items" */
	uint64_t *num;
	uint64_t lo, hi;
	const char **str;
	bool *on;
};

/* A decimal number in [lo, hi] (parse_number.h), or a usage error saying why not. */
static inline uint64_t harness_number(const char *flag, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v = 0;
	const char *why = parse_number(s, lo, hi, &v);

	if (why != NULL && (s == NULL || *s == '\0'))
		harness_usage_error("%s needs a value", flag);
	if (why != NULL)
		harness_usage_error("%s: '%s' %s (%" PRIu64 " .. %" PRIu64 ")", flag, s, why, lo, hi);
	return v;
}

/*
 * The command line: --help or -h prints help() and exits 0; a word that
 * starts with '-' must be one of flags[0..n), and takes the next word as
 * its value unless it is a switch; any other word goes to word(). An
 * unknown flag, a missing or bad value: a usage error.
 */
static inline void harness_parse(int argc, char **argv, const struct harness_flag *flags, size_t n, void (*help)(void),
                                 void (*word)(const char *))
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k = 0;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help();
			exit(0);
		}
		if (a[0] != '-') {
			word(a);
			continue;
		}
		while (k < n && strcmp(a, flags[k].name) != 0)
			k++;
		if (k == n)
			harness_usage_error("unknown flag '%s'", a);
		if (flags[k].on != NULL) {
			*flags[k].on = true;
			continue;
		}
		const char *value = ++i < argc ? argv[i] : NULL;
		if (flags[k].num != NULL)
			*flags[k].num = harness_number(a, value, flags[k].lo, flags[k].hi);
		else if (value == NULL || *value == '\0')
			harness_usage_error("%s needs a value", a);
		else
			*flags[k].str = value;
	}
}

/*
 * The workloads named on the command line, in order, each as an index
 * into the program's table of workloads, whose entries start with their
 * name (a const char *, so table + k * stride is where entry k's name is).
 */
struct harness_todo {
	size_t k[64];
	size_t n;
};

static inline void harness_todo_add(struct harness_todo *t, const char *name, const void *table, size_t n,
                                    size_t stride)
{
	size_t k = 0;

	while (k < n && strcmp(name, *(const char *const *)((const char *)table + k * stride)) != 0)
		k++;
	if (k == n)
		harness_usage_error("unknown workload '%s'", name);
	if (t->n == sizeof(t->k) / sizeof(t->k[0]))
		harness_usage_error("too many workloads");
	t->k[t->n++] = k;
}

/* ------------------------------------------------------------------ CPUs */

/*
 * The producer's CPU and the consumer's (-1, -1: unpinned), the cpus
 * column's "A+B" or "unpinned", and where the two sit (common/support/
 * topology.h: "shared LLC, different cores", "SMT siblings (one core)", ...).
 */
struct harness_cpus {
	int cpu[2];
	char label[32];
	char placement[64];
};

/* spec "A,B" (--cpus or CPUS) into c->cpu; each must be one this process may run on. */
static inline void harness_cpus_from_spec(struct harness_cpus *c, const char *spec, const cpu_set_t *allowed)
{
	char buf[64];
	char *comma;

	if (strlen(spec) >= sizeof(buf) || (comma = strchr(strcpy(buf, spec), ',')) == NULL)
		harness_usage_error("--cpus/CPUS: '%s' is not two CPU numbers A,B", spec);
	*comma = '\0';
	for (int i = 0; i < 2; i++) {
		c->cpu[i] = (int)harness_number("--cpus/CPUS", i == 0 ? buf : comma + 1, 0, CPU_SETSIZE - 1);
		if (!CPU_ISSET(c->cpu[i], allowed))
			harness_usage_error("--cpus/CPUS: CPU %d does not exist or is not available to this "
			                    "process (%d available)",
			                    c->cpu[i], CPU_COUNT(allowed));
	}
	if (c->cpu[0] == c->cpu[1])
		harness_usage_error("--cpus/CPUS: the two threads need two different CPUs, not %d twice", c->cpu[0]);
}

/*
 * Where c's pair sits, from sysfs; with no spec, the pair topology.h
 * prefers (two cores sharing the last-level cache, never two hardware
 * threads of one core while another core is allowed). Without a readable
 * sysfs: the first two allowed CPUs, placement "topology unknown".
 */
static inline void harness_cpus_place(struct harness_cpus *c, bool chosen, const cpu_set_t *allowed)
{
	static struct topo topo; /* about 24 KiB: not on the stack */
	struct topo_pair pair = topo_pair_start();
	enum topo_kind kind = TOPO_SMT;
	char why[160];

	snprintf(c->placement, sizeof(c->placement), "topology unknown");
	if (topo_read(&topo, NULL, why, sizeof(why)) == 0) {
		if (!chosen && topo_choose(&topo, allowed, &pair, why, sizeof(why)) == 0) {
			c->cpu[0] = pair.a;
			c->cpu[1] = pair.b;
		}
		if (c->cpu[0] >= 0 && topo_classify(&topo, c->cpu[0], c->cpu[1], &kind, why, sizeof(why)) == 0)
			snprintf(c->placement, sizeof(c->placement), "%s", topo_label(kind));
	}
	for (int k = 0, found = 0; !chosen && c->cpu[0] < 0 && k < CPU_SETSIZE && found < 2; k++)
		if (CPU_ISSET(k, allowed))
			c->cpu[found++] = k;
	if (c->cpu[1] < 0) { /* only one CPU: unpinned */
		c->cpu[0] = -1;
		snprintf(c->placement, sizeof(c->placement), "one CPU available");
	}
}

/* The --cpus lines of every driver's --help: what harness_choose_cpus does. */
#define HARNESS_HELP_CPUS                                                                                              \
	"  --cpus A,B         the producer's and the consumer's CPU (default: env CPUS,\n"                             \
	"                     else two different cores that share the last-level cache,\n"                             \
	"                     read from sysfs (common/support/topology.h); one CPU:\n"                                 \
	"                     unpinned)\n"

/*
 * spec "A,B" (--cpus), else the environment's CPUS, else the pair the
 * topology prefers among the CPUs this process may run on (the online
 * ones, less any taskset or cgroup limit); with only one, unpinned. A bad
 * spec: a usage error.
 */
static inline void harness_choose_cpus(struct harness_cpus *c, const char *spec)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		harness_fail("sched_getaffinity: %s", strerror(errno));
	c->cpu[0] = c->cpu[1] = -1;
	if (spec == NULL || *spec == '\0')
		spec = getenv("CPUS");
	if (spec != NULL && *spec != '\0')
		harness_cpus_from_spec(c, spec, &set);
	harness_cpus_place(c, spec != NULL && *spec != '\0', &set);
	if (c->cpu[0] < 0)
		snprintf(c->label, sizeof(c->label), "unpinned");
	else
		snprintf(c->label, sizeof(c->label), "%d+%d", c->cpu[0], c->cpu[1]);
}

/* The calling thread (a forked child: its process) onto cpu; -1 leaves it where it is. 0 or an errno value. */
static inline int harness_pin_self(int cpu)
{
	cpu_set_t one;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0 ? 0 : errno;
}

/*
 * Two threads, each pinned at creation (not one instruction runs on the
 * wrong CPU): a on c->cpu[0] (the producer's), b on c->cpu[1]; then both
 * joined. A thread that cannot start is a failed run.
 */
static inline void harness_run_pair(const struct harness_cpus *c, void *(*a)(void *), void *(*b)(void *), void *arg)
{
	void *(*fn[2])(void *) = {a, b};
	pthread_t tid[2];

	for (int i = 0; i < 2; i++) {
		pthread_attr_t attr;
		int err = pthread_attr_init(&attr);

		if (err == 0 && c->cpu[i] >= 0) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(c->cpu[i], &one);
			err = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		}
		if (err == 0)
			err = pthread_create(&tid[i], &attr, fn[i], arg);
		if (err != 0)
			harness_fail("cannot start a thread pinned to CPU %d: %s", c->cpu[i], strerror(err));
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
}

/*
 * Both threads of a run leave together: neither side's clock starts while
 * the other is still being created. *gate is 0 before; each thread adds 1
 * (acq_rel: what it wrote before is the other's once it sees the 2) and
 * waits until it reads 2 (acquire).
 */
static inline void harness_gate_pass(unsigned *gate)
{
	__atomic_fetch_add(gate, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(gate, __ATOMIC_ACQUIRE) < 2)
		spin_pause();
}

/* ------------------------------------------------------------------ statistics */

static inline int harness_cmp_double_(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) in place; the median (the mean of the middle two for an even n), as stats.awk takes it. */
static inline double harness_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), harness_cmp_double_);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The index in n sorted values of the nearest-rank percentile q in (0, 1]:
 * the smallest value with at least q of all at or below it (stats.awk's
 * stat_pct, the same rule). The 0.999999 rounds q * n up without taking
 * one rank too many when the product lands a hair above a whole number.
 */
static inline size_t harness_rank(size_t n, double q)
{
	uint64_t rank = (uint64_t)(q * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (size_t)(rank - 1);
}

/* The cost of reading the clock, which every timed round trip includes once: the median of 1001. */
static inline double harness_clock_overhead_ns(void)
{
	double d[1001];

	for (int i = 0; i < 1001; i++) {
		uint64_t t0 = now_ns();
		d[i] = (double)(now_ns() - t0);
	}
	return harness_median(d, 1001);
}

/* ------------------------------------------------------------------ the probe */

/* The probe times round trips in batches: one clock read per batch, not per trip. */
#define HARNESS_PROBE_BATCH 100

/*
 * Two cache lines, 128 bytes apart so that the adjacent-line prefetcher
 * does not pair them: the pinger writes ping and waits for pong, the ponger
 * waits for ping and writes pong. One round trip moves each line across
 * and back: the cost of the hand-off every queue pays, wherever the
 * hypervisor has put the two vCPUs right now (their placement).
 */
struct harness_probe_lines {
	uint64_t ping __attribute__((aligned(128))); /* written by the pinger (release), read by the ponger (acquire) */
	uint64_t pong __attribute__((aligned(128))); /* written by the ponger (release), read by the pinger (acquire) */
	unsigned gate __attribute__((aligned(128))); /* harness_gate_pass */
	double *batch_ns;                            /* the pinger's alone */
	uint64_t batches;
};

static inline void *harness_probe_pinger_(void *arg)
{
	struct harness_probe_lines *p = (struct harness_probe_lines *)arg;
	uint64_t i = 1;

	harness_gate_pass(&p->gate);
	for (uint64_t b = 0; b < p->batches; b++) {
		uint64_t t0 = now_ns();

		for (int k = 0; k < HARNESS_PROBE_BATCH; k++, i++) {
			__atomic_store_n(&p->ping, i, __ATOMIC_RELEASE);
			while (__atomic_load_n(&p->pong, __ATOMIC_ACQUIRE) != i)
				spin_pause();
		}
		p->batch_ns[b] = (double)(now_ns() - t0) / HARNESS_PROBE_BATCH;
	}
	return NULL;
}

static inline void *harness_probe_ponger_(void *arg)
{
	struct harness_probe_lines *p = (struct harness_probe_lines *)arg;

	harness_gate_pass(&p->gate);
	for (uint64_t i = 1; i <= p->batches * HARNESS_PROBE_BATCH; i++) {
		while (__atomic_load_n(&p->ping, __ATOMIC_ACQUIRE) != i)
			spin_pause();
		__atomic_store_n(&p->pong, i, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* ns per round trip between the two CPUs: the median over batches of HARNESS_PROBE_BATCH (trips: at least one batch). */
static inline double harness_probe(const struct harness_cpus *c, uint64_t trips)
{
	struct harness_probe_lines p;

	memset(&p, 0, sizeof(p));
	p.batches = trips / HARNESS_PROBE_BATCH > 0 ? trips / HARNESS_PROBE_BATCH : 1;
	p.batch_ns = (double *)malloc(p.batches * sizeof(double));
	if (p.batch_ns == NULL)
		harness_fail("probe: out of memory for %" PRIu64 " batches", p.batches);
	harness_run_pair(c, harness_probe_pinger_, harness_probe_ponger_, &p);
	double m = harness_median(p.batch_ns, (size_t)p.batches);
	free(p.batch_ns);
	return m;
}

/* ------------------------------------------------------------------ output */

/*
 * The one row format of every results CSV: one row per queue, workload,
 * run and metric. The scripts and awk tables read it by column name
 * (common/bench/csv.awk), never by position: a column may be added.
 *   stage       a stage's number ("stage5-waitfree": 5), else the queue's whole name
 *   stage_name  the queue measured (a stage, a peer, an extension)
 *   workload    what was run (throughput, latency, wait-throughput, ipc-rtt, ...)
 *   round       the script's round number (--round; 0 outside a round)
 *   run         1..R within the invocation; 0 for a summary row
 *   metric, value, unit
 *   capacity    as asked of the queue's create call
 *   items       items (or round trips, samples) in the run
 *   probe_ns    the probe taken right before the run (0: none)
 *   cpus        "A+B" (producer+consumer) or "unpinned"
 *   timer       HARNESS_TIMER (a row made from another tool names it: callgrind, perf)
 *   wait        how a side waits after a failed try (the driver's --wait policy, spin, block)
 *   probe_after_ns  the probe taken right after the run (0: none). With
 *               probe_ns it brackets the run: two probes in different
 *               placement classes mean the threads moved during it. A file
 *               written before this column existed lacks it (csv.awk reads
 *               it as empty): its runs are unbracketed, never unmoved.
 */
#define HARNESS_CSV_HEADER                                                                                             \
	"stage,stage_name,workload,round,run,metric,value,unit,capacity,items,probe_ns,cpus,timer,wait,probe_after_ns"
#define HARNESS_TIMER "CLOCK_MONOTONIC"

/* What every row of one run carries besides its metric: the caller fills it and passes it. */
struct harness_row {
	const char *queue; /* the stage_name column */
	const char *workload;
	uint64_t round;
	uint64_t run;
	uint64_t capacity;
	uint64_t items;
	double probe_ns;       /* right before the run */
	double probe_after_ns; /* right after it */
	const char *cpus;
	const char *wait;
};

/*
 * The two probes that bracket one timed run, each of `trips` round trips:
 * harness_probe_before right before it (r->probe_ns; r->probe_after_ns is
 * 0 until the run is over), harness_probe_after right after it. Two probes
 * in different placement classes (common/bench/placement.awk) mean that the
 * threads moved while the run ran: the tables leave such a run out.
 */
static inline void harness_probe_before(struct harness_row *r, const struct harness_cpus *c, uint64_t trips)
{
	r->probe_ns = harness_probe(c, trips);
	r->probe_after_ns = 0;
}

static inline void harness_probe_after(struct harness_row *r, const struct harness_cpus *c, uint64_t trips)
{
	r->probe_after_ns = harness_probe(c, trips);
}

/* A results file: the header is written once, before its first row (not before `info`'s comment lines). */
struct harness_out {
	FILE *f;
	bool header_done;
};

/*
 * stdout (path NULL), or rows appended to path: its header is written
 * unless the file already has one (a script appends the runs of many
 * invocations to one file). A file that cannot be opened: a usage error.
 */
static inline void harness_open(struct harness_out *o, const char *path)
{
	char line[256];

	o->f = stdout;
	o->header_done = false;
	if (path == NULL)
		return;
	o->f = fopen(path, "a+");
	if (o->f == NULL)
		harness_usage_error("--csv: cannot open '%s': %s", path, strerror(errno));
	while (!o->header_done && fgets(line, sizeof(line), o->f) != NULL)
		o->header_done = strcmp(line, HARNESS_CSV_HEADER "\n") == 0;
	fseek(o->f, 0, SEEK_END);
}

static inline void harness_close(struct harness_out *o)
{
	if (fflush(o->f) != 0 || (o->f != stdout && fclose(o->f) != 0))
		harness_fail("cannot write the results: %s", strerror(errno));
}

/* The stage column: "stage5-waitfree" is 5; anything else is its whole name. */
static inline const char *harness_stage_id(const char *queue, char digit[2])
{
	if (strncmp(queue, "stage", 5) != 0 || queue[5] < '0' || queue[5] > '9')
		return queue;
	digit[0] = queue[5];
	digit[1] = '\0';
	return digit;
}

static inline void harness_emit(struct harness_out *o, const struct harness_row *r, const char *metric, double value,
                                const char *unit)
{
	char digit[2];

	if (!o->header_done)
		fputs(HARNESS_CSV_HEADER "\n", o->f);
	o->header_done = true;
	fprintf(o->f, "%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%.10g,%s,%" PRIu64 ",%" PRIu64 ",%.1f,%s,%s,%s,%.1f\n",
	        harness_stage_id(r->queue, digit), r->queue, r->workload, r->round, r->run, metric, value, unit,
	        r->capacity, r->items, r->probe_ns, r->cpus, HARNESS_TIMER, r->wait, r->probe_after_ns);
}

/*
 * The comment lines of `info` that every results header quotes
 * (common/bench/bench-lib.sh, bench_header): the queue or program, the
 * compiler and flags compiled in, the timer and what one reading costs,
 * the CPUs and the CSV's columns.
 */
static inline void harness_info(FILE *f, const char *stage, const struct harness_cpus *c)
{
	fprintf(f,
	        "# stage: %s\n# compiler: %s\n# flags: %s\n# timer: %s (common/support/clock.h), clock overhead "
	        "%.0f ns\n# cpus: %s (%s)\n# columns: %s\n",
	        stage, BENCH_COMPILER, BENCH_FLAGS, HARNESS_TIMER, harness_clock_overhead_ns(), c->label, c->placement,
	        HARNESS_CSV_HEADER);
}

/* Progress on stderr, unless quiet: "[round R queue workload] text". */
static inline __attribute__((format(printf, 2, 3))) void harness_progress(const struct harness_row *r, const char *fmt,
                                                                          ...)
{
	va_list ap;

	if (harness_program()->quiet)
		return;
	va_start(ap, fmt);
	if (r->round > 0)
		fprintf(stderr, "[round %" PRIu64 " %s %s] ", r->round, r->queue, r->workload);
	else
		fprintf(stderr, "[%s %s] ", r->queue, r->workload);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#endif /* HARNESS_H */
