/*
 * stage5-waitfree/extensions/shm/demo_driver.h: the one driver of `make demo-ipc`, compiled as
 * C over spsc_shm.h (demo_ipc.c) and as C++ over Boost.Interprocess's
 * message_queue (demo_boost.cpp), so both are measured by the same loops.
 *
 * The includer defines, before including this file:
 *   DEMO_NAME        the row's label ("spsc_shm.h", "boost message_queue")
 *   DEMO_THREADS     1 to measure between threads as well as processes
 *   struct ring      one ring; ring_new(capacity) makes it in the parent
 *                    before the other side is started (fork or thread),
 *                    ring_free removes it after both are done
 *   ring_open(r, producer)  one side's endpoint, opened in that side
 *   ep_push, ep_pop  non-blocking: false when full or empty
 *   ep_close
 * Both sides spin with spin_pause() (common/support/spin.h) between failed
 * attempts, the same waiting for every queue.
 *
 * Measures, with the producer (pinger) on CPU 0 and the consumer (ponger)
 * on CPU 1: throughput, items / (time from the go signal to the consumer's
 * last pop); round trip, ping-pong of one item over two rings, each trip
 * timed alone, p50 and p99. One warm-up of each, then RUNS of each; prints
 * one Markdown row per mode: the median of the runs with their min-max.
 * Every item is checked (the next in sequence): a wrong one exits 1.
 * This is C written to compile as C++17 too: no designated initialisers,
 * casts from void *, GCC's __atomic builtins instead of _Atomic.
 */
#ifndef DEMO_DRIVER_H
#define DEMO_DRIVER_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parse_number.h"
#include "spin.h"

#define DEMO_MAX_RUNS 100

static struct demo_options {
	uint64_t items, trips, runs, capacity;
	int cpu[2];
	bool pinned;
} opt = {10000000, 100000, 5, 1024, {0, 1}, true};

/* Shared by both sides: MAP_SHARED, so a forked child sees the parent's writes. */
struct demo_ctl {
	struct ring *a, *b;   /* a: producer (pinger) to consumer (ponger); b: back */
	uint64_t n, warm;     /* items (throughput) or trips (round trip), of which `warm` not timed */
	uint64_t ready, go;   /* the other side has opened its ends; the parent's start */
	uint64_t end_ns, bad; /* the consumer's last pop; an item out of sequence (+1) */
	int pingpong;
};

static uint64_t demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void demo_pin(int side)
{
	cpu_set_t set;

	if (!opt.pinned)
		return;
	CPU_ZERO(&set);
	CPU_SET(opt.cpu[side], &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0) {
		fprintf(stderr, "demo-ipc: cannot pin to CPU %d (%s): running unpinned\n", opt.cpu[side],
		        strerror(errno));
		opt.pinned = false;
	}
}

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

/* The other side: the consumer, or the ponger. */
static void demo_other(struct demo_ctl *c)
{
	void *in = ring_open(c->a, 0);
	void *out = c->pingpong ? ring_open(c->b, 1) : NULL;

	demo_pin(1);
	demo_store(&c->ready, 1);
	for (uint64_t i = 0; i < c->n; i++) {
		uint64_t v = demo_pop(in);
		if (v != i && c->bad == 0)
			demo_store(&c->bad, i + 1);
		if (out != NULL)
			demo_push(out, v);
	}
	demo_store(&c->end_ns, demo_now());
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

/*
 * One run, in a process (fork) or a thread. Throughput: out[0] = items/s.
 * Round trip: out[0], out[1] = p50, p99 ns.
 */
static void demo_run(struct demo_ctl *c, bool process, int pingpong, uint64_t n, uint64_t warm, double *out)
{
	pid_t child = 0;
	pthread_t thread;
	uint64_t *rtt = NULL;

	memset(c, 0, sizeof *c);
	c->n = n;
	c->warm = warm;
	c->pingpong = pingpong;
	c->a = ring_new(opt.capacity);
	c->b = pingpong ? ring_new(opt.capacity) : NULL;
	if (pingpong && (rtt = (uint64_t *)malloc((n - warm) * sizeof *rtt)) == NULL) {
		fprintf(stderr, "demo-ipc: out of memory for %llu round trips\n", (unsigned long long)(n - warm));
		exit(1);
	}
	if (process) {
		child = fork();
		if (child < 0) {
			perror("demo-ipc: fork");
			exit(1);
		}
		if (child == 0) {
			demo_other(c);
			_exit(0);
		}
	} else if (pthread_create(&thread, NULL, demo_thread, c) != 0) {
		fprintf(stderr, "demo-ipc: cannot start a thread\n");
		exit(1);
	}
	void *out_ep = ring_open(c->a, 1);
	void *in_ep = pingpong ? ring_open(c->b, 0) : NULL;
	while (demo_load(&c->ready) == 0)
		spin_pause();

	uint64_t t0 = demo_now();
	for (uint64_t i = 0; i < n; i++) {
		if (!pingpong) {
			demo_push(out_ep, i);
			continue;
		}
		uint64_t t = demo_now();
		demo_push(out_ep, i);
		uint64_t v = demo_pop(in_ep);
		if (v != i && c->bad == 0)
			c->bad = i + 1;
		if (i >= warm)
			rtt[i - warm] = demo_now() - t;
	}
	if (process) {
		int status;
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "demo-ipc: the %s side died\n", pingpong ? "ponger" : "consumer");
			exit(1);
		}
	} else {
		pthread_join(thread, NULL);
	}
	if (c->bad != 0) {
		fprintf(stderr, "demo-ipc: %s: item %llu arrived out of sequence\n", DEMO_NAME,
		        (unsigned long long)(c->bad - 1));
		exit(1);
	}
	if (!pingpong) {
		out[0] = (double)n / ((double)(c->end_ns - t0) / 1e9);
	} else {
		qsort(rtt, n - warm, sizeof *rtt, demo_cmp);
		out[0] = (double)rtt[(n - warm) / 2];
		out[1] = (double)rtt[(n - warm) * 99 / 100];
		free(rtt);
	}
	ep_close(out_ep);
	if (in_ep != NULL)
		ep_close(in_ep);
	ring_free(c->a);
	if (c->b != NULL)
		ring_free(c->b);
}

static int demo_cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* "median (min-max)" of v[0..n), sorted in place, each divided by scale. */
static void demo_cell(char *buf, size_t len, double *v, size_t n, double scale, int decimals)
{
	qsort(v, n, sizeof *v, demo_cmp_double);
	snprintf(buf, len, "%.*f (%.*f-%.*f)", decimals, v[n / 2] / scale, decimals, v[0] / scale, decimals,
	         v[n - 1] / scale);
}

static void demo_usage(FILE *f, const char *argv0)
{
	fprintf(f,
	        "usage: %s [--items N] [--trips N] [--runs N] [--capacity N] [--unpinned]\n"
	        "  one Markdown row per mode (process%s) for %s: throughput in Mitems/s, round trip p50\n"
	        "  and p99 in ns, each the median of the runs (min-max), after one warm-up run.\n"
	        "  --items N     items per throughput run (default %llu)\n"
	        "  --trips N     round trips per latency run (default %llu)\n"
	        "  --runs N      runs of each (1..%d, default %llu)\n"
	        "  --capacity N  slots per ring, a power of two (default %llu)\n"
	        "  --unpinned    do not pin to CPUs 0 and 1\n",
	        argv0, DEMO_THREADS ? ", thread" : "", DEMO_NAME, (unsigned long long)opt.items,
	        (unsigned long long)opt.trips, DEMO_MAX_RUNS, (unsigned long long)opt.runs,
	        (unsigned long long)opt.capacity);
}

static int demo_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *why = NULL;
		uint64_t *dst = NULL, lo = 1, hi = UINT64_C(1) << 40;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			demo_usage(stdout, argv[0]);
			return 0;
		} else if (strcmp(a, "--unpinned") == 0) {
			opt.pinned = false;
			continue;
		} else if (strcmp(a, "--items") == 0) {
			dst = &opt.items, lo = 10;
		} else if (strcmp(a, "--trips") == 0) {
			dst = &opt.trips, lo = 100;
		} else if (strcmp(a, "--runs") == 0) {
			dst = &opt.runs, hi = DEMO_MAX_RUNS;
		} else if (strcmp(a, "--capacity") == 0) {
			dst = &opt.capacity, hi = UINT64_C(1) << 24;
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", argv[0], a);
			demo_usage(stderr, argv[0]);
			return 2;
		}
		if (i + 1 >= argc || (why = parse_number(argv[i + 1], lo, hi, dst)) != NULL) {
			fprintf(stderr, "%s: %s %s\n", argv[0], a, why != NULL ? why : "needs a value");
			return 2;
		}
		i++;
	}
	if ((opt.capacity & (opt.capacity - 1)) != 0) {
		fprintf(stderr, "%s: --capacity must be a power of two\n", argv[0]);
		return 2;
	}
	if (opt.pinned && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "demo-ipc: fewer than 2 CPUs online: running unpinned\n");
		opt.pinned = false;
	}
	demo_pin(0);
	struct demo_ctl *c =
	        (struct demo_ctl *)mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		perror("demo-ipc: mmap");
		return 1;
	}
	for (int mode = 0; mode < 1 + DEMO_THREADS; mode++) {
		bool process = mode == 0;
		double tput[DEMO_MAX_RUNS], p50[DEMO_MAX_RUNS], p99[DEMO_MAX_RUNS], r[2];
		demo_run(c, process, 0, opt.items / 10, 0, r); /* warm-up */
		demo_run(c, process, 1, opt.trips / 10 + 10, 10, r);
		for (uint64_t k = 0; k < opt.runs; k++) {
			demo_run(c, process, 0, opt.items, 0, r);
			tput[k] = r[0];
			demo_run(c, process, 1, opt.trips + opt.trips / 10, opt.trips / 10, r);
			p50[k] = r[0];
			p99[k] = r[1];
		}
		char a[64], b[64], d[64];
		demo_cell(a, sizeof a, tput, (size_t)opt.runs, 1e6, 1);
		demo_cell(b, sizeof b, p50, (size_t)opt.runs, 1, 0);
		demo_cell(d, sizeof d, p99, (size_t)opt.runs, 1, 0);
		printf("| %s | %s | %s | %s | %s |\n", DEMO_NAME, process ? "process" : "thread", a, b, d);
		fflush(stdout);
	}
	munmap(c, sizeof *c);
	return 0;
}

#endif /* DEMO_DRIVER_H */
