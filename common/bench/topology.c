/*
 * common/bench/topology.c: the probe on every pair of CPUs, `make topology`
 * (common/bench/topology.sh runs it and draws its charts).
 *
 * The probe is common/support/harness.h's harness_probe, as the benchmark
 * takes it right before and right after every run: two cache lines bounced
 * between two pinned threads, ns per round trip. Here it is timed on every
 * pair of the CPUs this process may use, again and again:
 *   - on a machine with many CPUs the pairs differ by where they sit
 *     (common/support/topology.h's kinds: two hardware threads of one core,
 *     two cores sharing the last-level cache, two caches apart);
 *   - on a small VM the one pair differs from itself: the hypervisor moves
 *     the vCPUs, and the probe jumps between clusters within a tenth of a
 *     second (on a 2-vCPU AMD EPYC guest 37-60, 89-198 and 335-1502 ns:
 *     notes/results/reference/amd-26-2-2cpu/peers.md).
 * So the pairs are sampled in rounds: round r starts --interval-ms after
 * round r-1 started (as soon as it ends when it took longer), every pair
 * once per round, and each sample keeps its time.
 *
 * The clusters: every sample of every pair, sorted; a new cluster starts
 * where a sample is at least CLUSTER_GAP (1.45, placement.awk's gap) times the one below it;
 * lettered from the fastest (A), at most 26 (past Z nothing is split). A
 * simpler rule than the tables' (common/bench/placement.awk also merges a
 * cluster too small to be a placement): here a stray sample shows.
 *
 * Output:
 *   stdout       Markdown: each pair (its kind, samples, median, min-max,
 *                the clusters its samples fell in), each cluster (range,
 *                median, samples, share, pairs), and how often a pair's
 *                cluster changed from one of its samples to the next
 *   --csv FILE   one row per sample, appended, its header first:
 *                sample,round,t_s,cpu_a,cpu_b,kind,probe_ns,cluster
 *                (t_s: when the sample started, seconds after the first;
 *                kind: shared-llc, llc-unknown, across-llc, smt, unknown)
 *   --plot DIR   gnuplot data: DIR/time.dat (t_s probe_ns, one block per
 *                cluster, each headed by its title), and with more than one
 *                pair DIR/heat.dat (cpu_a cpu_b median_ns, both orders)
 *   info         the lines common/bench/bench-lib.sh's bench_header quotes
 *
 * Exit status: 0; 1 when a probe's threads cannot start or a file cannot
 * be written; 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "harness.h"
#include "topology.h"

#define CLUSTER_GAP  1.45
#define MAX_CLUSTERS 26

static struct {
	uint64_t samples, trips, interval_ms;
	const char *cpus, *csv, *plot;
	bool info;
} opt = {200, 20000, 50, NULL, NULL, NULL, false};

static struct topo topo; /* 25 KiB: not on the stack */
static bool topo_known;  /* sysfs was read: the kinds mean something */

static struct topo_pair *pairs;
static size_t npairs;
static double *probe_ns; /* sample k of pair p: [k * npairs + p] */
static double *start_s;  /* when it started, seconds after the first */

/* Cluster c holds the samples from cluster_lo[c] up to (not with) cluster_lo[c + 1]. */
static double cluster_lo[MAX_CLUSTERS];
static size_t nclusters;
static unsigned char *cluster_ix; /* each sample's cluster, indexed as probe_ns */

/* ------------------------------------------------------------------ the pairs */

static const char *kind_label(const struct topo_pair *p)
{
	return topo_known ? topo_label(p->kind) : "topology unknown";
}

/* The kind as one word, for the CSV (topo_label's words hold commas). */
static const char *kind_tag(const struct topo_pair *p)
{
	static const char *const tag[] = {"shared-llc", "llc-unknown", "across-llc", "smt"};

	return topo_known ? tag[p->kind] : "unknown";
}

static void add_pair(int a, int b)
{
	struct topo_pair *grown = (struct topo_pair *)realloc(pairs, (npairs + 1) * sizeof(*pairs));

	if (grown == NULL)
		harness_fail("out of memory for %zu pairs", npairs + 1);
	pairs = grown;
	pairs[npairs].a = a;
	pairs[npairs].b = b;
	pairs[npairs].kind = topo_known ? topo_kind_of(&topo, a, b) : TOPO_LLC_UNKNOWN;
	npairs++;
}

/* --cpus A,B: that pair alone; else every pair of the CPUs this process may use, online ones. */
static void find_pairs(void)
{
	struct topo_pair p = topo_pair_start();
	cpu_set_t allowed;
	char why[512];

	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		harness_fail("sched_getaffinity: %s", strerror(errno));
	topo_known = topo_read(&topo, NULL, why, sizeof(why)) == 0;
	if (!topo_known) {
		fprintf(stderr, "%s: no topology (%s): every pair's kind unknown\n", harness_program()->name, why);
		topo.online = allowed;
	}
	if (opt.cpus != NULL) {
		struct harness_cpus c;

		harness_cpus_from_spec(&c, opt.cpus, &allowed);
		add_pair(c.cpu[0], c.cpu[1]);
		return;
	}
	while (topo_next_pair(&topo, &allowed, &p))
		add_pair(p.a, p.b);
	if (npairs == 0)
		harness_fail("fewer than two CPUs available: no pair to probe");
}

/* ------------------------------------------------------------------ sampling */

static void sleep_until(uint64_t t_ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(t_ns / 1000000000u);
	ts.tv_nsec = (long)(t_ns % 1000000000u);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * opt.samples rounds, every pair once in each; a round starts interval_ms
 * after the one before it started, or as soon as that one ends if it took
 * longer (a probe held up by another process: the next are not bunched to
 * catch up).
 */
static void sample_all(void)
{
	uint64_t t0 = now_ns(), round = t0;

	probe_ns = (double *)malloc(opt.samples * npairs * sizeof(double));
	start_s = (double *)malloc(opt.samples * npairs * sizeof(double));
	if (probe_ns == NULL || start_s == NULL)
		harness_fail("out of memory for %" PRIu64 " samples of %zu pairs", opt.samples, npairs);
	for (uint64_t k = 0; k < opt.samples; k++) {
		sleep_until(round);
		round = now_ns() + opt.interval_ms * 1000000u;
		for (size_t p = 0; p < npairs; p++) {
			struct harness_cpus c;
			size_t i = k * npairs + p;

			memset(&c, 0, sizeof(c));
			c.cpu[0] = pairs[p].a;
			c.cpu[1] = pairs[p].b;
			start_s[i] = (double)(now_ns() - t0) / 1e9;
			probe_ns[i] = harness_probe(&c, opt.trips);
		}
	}
}

/* ------------------------------------------------------------------ clusters */

/* n values sorted into a new array (harness_median sorts in place: the samples keep their order). */
static double *sorted_copy(const double *v, size_t n)
{
	double *s = (double *)malloc((n > 0 ? n : 1) * sizeof(double));

	if (s == NULL)
		harness_fail("out of memory for %zu samples", n);
	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), harness_cmp_double_);
	return s;
}

/* The clusters of every sample: a cut wherever one is at least CLUSTER_GAP times the one below. */
static void find_clusters(void)
{
	size_t n = opt.samples * npairs;
	double *s = sorted_copy(probe_ns, n);

	nclusters = 1;
	cluster_lo[0] = 0;
	for (size_t i = 1; i < n && nclusters < MAX_CLUSTERS; i++)
		if (s[i] >= CLUSTER_GAP * s[i - 1])
			cluster_lo[nclusters++] = s[i];
	free(s);
	cluster_ix = (unsigned char *)malloc(n);
	if (cluster_ix == NULL)
		harness_fail("out of memory for %zu samples", n);
	for (size_t i = 0; i < n; i++) {
		size_t c = 0;

		while (c + 1 < nclusters && probe_ns[i] >= cluster_lo[c + 1])
			c++;
		cluster_ix[i] = (unsigned char)c;
	}
}

static char cluster_letter(size_t c)
{
	return (char)('A' + c);
}

/* ------------------------------------------------------------------ the tables */

/* Pair p's samples (p == npairs: every pair's) that fall in cluster c (c == nclusters: any), sorted; *n their number. */
static double *samples_of(size_t p, size_t c, size_t *n)
{
	double *v = (double *)malloc((opt.samples * npairs + 1) * sizeof(double));
	size_t step = p == npairs ? 1 : npairs;

	if (v == NULL)
		harness_fail("out of memory for the samples");
	*n = 0;
	for (size_t i = p == npairs ? 0 : p; i < opt.samples * npairs; i += step)
		if (c == nclusters || cluster_ix[i] == c)
			v[(*n)++] = probe_ns[i];
	qsort(v, *n, sizeof(double), harness_cmp_double_);
	return v;
}

/* "A 60, B 120": how many of pair p's samples fell in each cluster. */
static void print_pair_clusters(size_t p)
{
	size_t count[MAX_CLUSTERS] = {0};
	const char *sep = "";

	for (uint64_t k = 0; k < opt.samples; k++)
		count[cluster_ix[k * npairs + p]]++;
	for (size_t c = 0; c < nclusters; c++) {
		if (count[c] == 0)
			continue;
		printf("%s%c %zu", sep, cluster_letter(c), count[c]);
		sep = ", ";
	}
}

static void print_pairs_table(void)
{
	printf("Each pair's probe (ns per round trip), %" PRIu64 " samples of %" PRIu64 " round trips each:\n\n",
	       opt.samples, opt.trips);
	printf("| pair | kind | samples | median ns | min-max ns | samples per cluster |\n");
	printf("|---|---|---:|---:|---:|---|\n");
	for (size_t p = 0; p < npairs; p++) {
		size_t n;
		double *v = samples_of(p, nclusters, &n);

		printf("| %d,%d | %s | %zu | %.0f | %.0f-%.0f | ", pairs[p].a, pairs[p].b, kind_label(&pairs[p]), n,
		       harness_median(v, n), v[0], v[n - 1]);
		print_pair_clusters(p);
		printf(" |\n");
		free(v);
	}
}

/* How many pairs have a sample in cluster c. */
static size_t pairs_in(size_t c)
{
	size_t count = 0;

	for (size_t p = 0; p < npairs; p++) {
		uint64_t k = 0;

		while (k < opt.samples && cluster_ix[k * npairs + p] != c)
			k++;
		count += k < opt.samples;
	}
	return count;
}

static void print_clusters_table(void)
{
	size_t total = opt.samples * npairs;

	printf("\nThe clusters of all %zu samples (sorted; a new cluster starts where a sample is at least %.2f\n"
	       "times the one below it; lettered from the fastest):\n\n",
	       total, CLUSTER_GAP);
	printf("| cluster | probe ns (min-max) | median ns | samples | share | pairs |\n");
	printf("|---|---:|---:|---:|---:|---:|\n");
	for (size_t c = 0; c < nclusters; c++) {
		size_t n;
		double *v = samples_of(npairs, c, &n);

		printf("| %c | %.0f-%.0f | %.0f | %zu | %.0f%% | %zu |\n", cluster_letter(c), v[0], v[n - 1],
		       harness_median(v, n), n, 100.0 * (double)n / (double)total, pairs_in(c));
		free(v);
	}
}

/* How often a pair's cluster changed from one of its samples to its next. */
static void print_moves(void)
{
	size_t moves = 0, steps = 0;

	for (size_t k = 1; k < opt.samples; k++)
		for (size_t p = 0; p < npairs; p++, steps++)
			moves += cluster_ix[k * npairs + p] != cluster_ix[(k - 1) * npairs + p];
	printf("\nFrom one sample of a pair to its next (rounds %" PRIu64 " ms apart, or back to back when a round\n"
	       "takes longer) the cluster changed %zu times in %zu (%.0f%%).\n",
	       opt.interval_ms, moves, steps, steps > 0 ? 100.0 * (double)moves / (double)steps : 0.0);
}

/* ------------------------------------------------------------------ the files */

static FILE *open_or_fail(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (f == NULL)
		harness_fail("cannot open '%s': %s", path, strerror(errno));
	return f;
}

static void close_or_fail(FILE *f, const char *path)
{
	if (ferror(f) != 0 || fclose(f) != 0)
		harness_fail("cannot write '%s'", path);
}

#define CSV_COLUMNS "sample,round,t_s,cpu_a,cpu_b,kind,probe_ns,cluster"

static void write_csv(const char *path)
{
	FILE *f = open_or_fail(path, "a");

	fputs(CSV_COLUMNS "\n", f);
	for (size_t i = 0; i < opt.samples * npairs; i++) {
		const struct topo_pair *p = &pairs[i % npairs];

		fprintf(f, "%zu,%zu,%.4f,%d,%d,%s,%.1f,%c\n", i + 1, i / npairs + 1, start_s[i], p->a, p->b,
		        kind_tag(p), probe_ns[i], cluster_letter(cluster_ix[i]));
	}
	close_or_fail(f, path);
}

/* dir/time.dat: one block per cluster, headed by its title (gnuplot's columnheader), two blank lines between. */
static void write_time_dat(const char *dir)
{
	char path[TOPO_PATH];

	snprintf(path, sizeof(path), "%s/time.dat", dir);
	FILE *f = open_or_fail(path, "w");
	for (size_t c = 0; c < nclusters; c++) {
		size_t n;
		double *v = samples_of(npairs, c, &n);

		fprintf(f, "%s\"%c: %.0f-%.0f ns, %zu sample%s\"\n", c > 0 ? "\n\n" : "", cluster_letter(c), v[0],
		        v[n - 1], n, n == 1 ? "" : "s");
		free(v);
		for (size_t i = 0; i < opt.samples * npairs; i++)
			if (cluster_ix[i] == c)
				fprintf(f, "%.4f %.1f\n", start_s[i], probe_ns[i]);
	}
	close_or_fail(f, path);
}

/* dir/heat.dat: each pair's median, as (a, b) and as (b, a): the map is symmetric. */
static void write_heat_dat(const char *dir)
{
	char path[TOPO_PATH];

	snprintf(path, sizeof(path), "%s/heat.dat", dir);
	FILE *f = open_or_fail(path, "w");
	fprintf(f, "# cpu_a cpu_b median_ns\n");
	for (size_t p = 0; p < npairs; p++) {
		size_t n;
		double *v = samples_of(p, nclusters, &n);
		double m = harness_median(v, n);

		fprintf(f, "%d %d %.1f\n%d %d %.1f\n", pairs[p].a, pairs[p].b, m, pairs[p].b, pairs[p].a, m);
		free(v);
	}
	close_or_fail(f, path);
}

/* ------------------------------------------------------------------ main */

/* What bench-lib.sh's bench_header quotes: the benchmark's default pair on the cpus line. */
static void print_info(void)
{
	struct harness_cpus c;

	harness_choose_cpus(&c, opt.cpus);
	printf("# stage: topology\n# compiler: %s\n# flags: %s\n# timer: %s (common/support/clock.h)\n"
	       "# cpus: %s (%s)\n# columns: %s\n",
	       BENCH_COMPILER, BENCH_FLAGS, HARNESS_TIMER, c.label, c.placement, CSV_COLUMNS);
}

static void print_help(void)
{
	printf("usage: %s [info] [FLAG...]\n"
	       "The probe (common/support/harness.h: two cache lines bounced between two pinned\n"
	       "threads) on every pair of the CPUs this process may use, in rounds; Markdown tables\n"
	       "on stdout: each pair, and the clusters of all samples (a new one where a sample is\n"
	       "at least %.2f times the one below it). `info`: the header lines, nothing measured.\n"
	       "\n"
	       "  --samples N       samples of each pair: rounds (default 200)\n"
	       "  --trips N         round trips per sample (default 20000, as make bench-all's probes)\n"
	       "  --interval-ms N   from the start of one round to the next (default 50)\n"
	       "  --cpus A,B        that pair only (default: every pair)\n"
	       "  --csv FILE        append one row per sample to FILE, its header first\n"
	       "  --plot DIR        gnuplot data into DIR: time.dat, and heat.dat for more than one pair\n",
	       harness_program()->name, CLUSTER_GAP);
}

static const struct harness_flag flags[] = {
        {"--samples", &opt.samples, 1, 1000000, NULL, NULL},
        {"--trips", &opt.trips, HARNESS_PROBE_BATCH, 100000000, NULL, NULL},
        {"--interval-ms", &opt.interval_ms, 0, 3600000, NULL, NULL},
        {"--cpus", NULL, 0, 0, &opt.cpus, NULL},
        {"--csv", NULL, 0, 0, &opt.csv, NULL},
        {"--plot", NULL, 0, 0, &opt.plot, NULL},
};

static void word(const char *w)
{
	if (strcmp(w, "info") != 0)
		harness_usage_error("unknown word '%s'", w);
	opt.info = true;
}

int main(int argc, char **argv)
{
	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), print_help, word);
	if (opt.info) {
		print_info();
		return 0;
	}
	find_pairs();
	sample_all();
	find_clusters();
	print_pairs_table();
	print_clusters_table();
	print_moves();
	if (opt.csv != NULL)
		write_csv(opt.csv);
	if (opt.plot != NULL) {
		write_time_dat(opt.plot);
		if (npairs > 1)
			write_heat_dat(opt.plot);
	}
	return 0;
}
