/*
 * stage5-waitfree/extensions/elem/bench_elem.c: payloads of any size.
 * One queue, one item size and one mode per invocation, the producer on
 * one CPU and the consumer on another, --items items as fast as they go:
 * Mitems/s and GB/s (bytes of payload per second). `make bench-elem` runs
 * bench-elem.sh, which takes every queue, size and mode in turn, round by
 * round, and makes the table (elem-table.awk) of the rows; `bench-elem
 * --help` lists the queues and flags.
 *
 * The queues (stage_name of the rows):
 *   elem-copy   spsc_elem.h: stage 5's protocol for a struct, copied in
 *               (try_push, try_push_n) and out (try_pop, try_pop_n)
 *   elem-claim  spsc_claim.h, the same ring without the copies: the
 *               producer writes each word into the slot (claim/commit,
 *               claim_n/commit_n), the consumer reads it there
 *               (peek/release, peek_n/release_n)
 *   slot        the slot-signalled ring (slot/spsc_slot_elem.h, the
 *               template spsc_slot.h is made from), single items only: it
 *               has no bulk calls (its point is a signal in every slot)
 *   boost       Boost.Lockfree's spsc_queue<T> (boost_elem.cpp)
 *   dpdk        DPDK's rte_ring with esize = the size, SP/SC (dpdk_elem.c)
 * The item is a struct of SIZE / 8 words of 8 bytes (elem_peers.h). The
 * producer writes every word of every item (word 0 is its sequence number,
 * the others derived from it), the consumer reads every word and checks it:
 * a wrong one stops the program (exit 1) before any row is written, so a
 * broken queue is never measured. Single: one item per call; burst:
 * ELEM_BURST items per call.
 *
 * Three builds of this one file (bench-elem.mk): bench-elem-stage5 (elem-copy,
 * elem-claim, slot; plain C11), bench-elem-boost (-DELEM_PEER_BOOST, with
 * boost_elem.cpp) and bench-elem-dpdk (-DELEM_PEER_DPDK, with
 * dpdk_elem.c), so that a peer whose package is missing costs only its own
 * binary. Each has only its own queues; `info` lists them.
 *
 * The command line, the CPUs, the probes right before and right after
 * every run and the CSV rows are the measuring harness's
 * (common/support/harness.h), as in bench-wait. Progress on stderr; exit
 * status 2 for bad arguments, 1 for a failed run.
 */
#define _GNU_SOURCE /* harness.h: sched_getaffinity, pthread_attr_setaffinity_np */

#include <inttypes.h>
#include <malloc.h> /* mallopt: the heap kept, pre-faulted */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "spin.h"
#include "elem_peers.h"

/* This build's own queues (elem-copy, elem-claim, slot), or a peer's alone. */
#if defined(ELEM_PEER_BOOST) || defined(ELEM_PEER_DPDK)
#define ELEM_HAS_OWN 0
#else
#define ELEM_HAS_OWN 1
#endif

#define ELEM_BURST            32    /* items per call in burst mode */
#define ELEM_DEFAULT_CAPACITY 65536 /* items, as asked of each queue's create */
#define ELEM_MAX_CAPACITY     (1u << 24)
#define ELEM_WORD_STEP        0x9E3779B97F4A7C15u /* word j of item i is i + j * ELEM_WORD_STEP */

/*
 * x as it is in memory at this point, for the compiler: it must store x
 * before and load it after, so an item built in a local is really built
 * there, and one popped into a local really lands there.
 */
#define ELEM_IN_MEMORY(x) __asm__ __volatile__("" : "+m"(x))

#define ELEM_CAT2_(a, b) a##b
#define ELEM_CAT_(a, b)  ELEM_CAT2_(a, b)

/* The queues, by the names their rows carry, and the modes. */
enum kind { COPY, CLAIM, SLOT, BOOST, DPDK, KINDS };
static const char *const kind_name[KINDS] = {"elem-copy", "elem-claim", "slot", "boost", "dpdk"};
enum mode { SINGLE, BURST, MODES };
static const char *const mode_name[MODES] = {"single", "burst"};

static struct {
	uint64_t items, capacity, size, round, probe_trips;
	const char *queue, *mode, *cpus, *csv;
	bool quiet;
} opt = {10000000, ELEM_DEFAULT_CAPACITY, 0, 0, 100000, NULL, NULL, NULL, NULL, false};

static struct harness_cpus cpus;
static struct harness_out out;

/* One run: the producer and the consumer share it; each writes its own fields, read after the join. */
struct run {
	void *q;
	uint64_t items;
	unsigned gate;   /* harness_gate_pass */
	uint64_t t0, t1; /* the producer's start, the consumer's end */
};

/* What a size offers for each queue (all NULL: not in this build, or not at this size). */
struct sized_queue {
	void *(*create)(size_t capacity);
	void (*destroy)(void *q);
	void *(*producer[MODES])(void *run);
	void *(*consumer[MODES])(void *run);
};

struct sized {
	size_t bytes;
	struct sized_queue queue[KINDS];
};

/* The first wrong word of item seq: the queue lost, repeated or tore an item. Stops the program. */
static __attribute__((noinline, cold, noreturn)) void elem_bad(const uint64_t *w, size_t words, uint64_t seq)
{
	size_t j = 0;

	while (j + 1 < words && w[j] == seq + j * ELEM_WORD_STEP)
		j++;
	harness_fail("%s, %" PRIu64 "-byte items: item %" PRIu64 " has word %zu = %#" PRIx64 ", expected %#" PRIx64
	             " (an item lost, repeated or torn): the queue is broken, nothing is measured",
	             opt.queue, opt.size, seq, j, w[j], seq + j * ELEM_WORD_STEP);
}

#ifdef ELEM_PEER_DPDK
/* The smallest power of two >= n, for DPDK's ring, which wants one (n <= ELEM_MAX_CAPACITY). */
static inline size_t elem_pow2(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}
#endif

#define ELEM_BYTES 8
#include "bench_elem_sized.h"
#define ELEM_BYTES 16
#include "bench_elem_sized.h"
#define ELEM_BYTES 64
#include "bench_elem_sized.h"
#define ELEM_BYTES 256
#include "bench_elem_sized.h"

static const struct sized *const sizes[] = {&sized_8, &sized_16, &sized_64, &sized_256};
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

/* ---------------------------------------------------------------- the workloads */

static void emit(const struct harness_row *row, const char *metric, double value, const char *unit)
{
	harness_emit(&out, row, metric, value, unit);
}

/*
 * The memory the ring will take, touched before the run: a fresh ring's
 * first lap would otherwise pay a page fault per 4 KiB (16 MiB at 256
 * bytes and capacity 65536: some 4000 faults, a few ms), whatever the
 * queue. A block the size of the largest of them (Boost's capacity + 1
 * slots) and a margin is written and freed, with glibc told to keep the
 * heap (no trim) and to serve blocks up to its mmap limit, 32 MiB, from
 * it; each queue's create then gets pages already there. A ring larger
 * than the limit is mapped fresh, and its first lap pays as before.
 */
static void prefault_heap(size_t bytes)
{
	size_t n = (opt.capacity + 1) * bytes + (1u << 16);
	char *p;

	if (mallopt(M_TRIM_THRESHOLD, INT32_MAX) == 0 || mallopt(M_MMAP_THRESHOLD, 32 << 20) == 0)
		return;
	if (n > (32u << 20) || (p = malloc(n)) == NULL)
		return;
	memset(p, 1, n);
	ELEM_IN_MEMORY(*p); /* the writes are kept: the block is read, for all the compiler knows */
	free(p);
}

/* One run of a fresh queue, bracketed by the probes: Mitems/s and GB/s. */
static void workload_throughput(const struct sized *s, enum kind k, enum mode m, struct harness_row *row)
{
	const struct sized_queue *sq = &s->queue[k];
	struct run r = {.items = opt.items};

	row->items = opt.items;
	prefault_heap(s->bytes);
	harness_probe_before(row, &cpus, opt.probe_trips);
	r.q = sq->create(opt.capacity);
	if (r.q == NULL)
		harness_fail("%s: cannot create a ring of %" PRIu64 " items of %zu bytes: %s", kind_name[k],
		             opt.capacity, s->bytes, strerror(errno));
	harness_run_pair(&cpus, sq->producer[m], sq->consumer[m], &r);
	harness_probe_after(row, &cpus, opt.probe_trips);
	sq->destroy(r.q);

	double ns = (double)(r.t1 - r.t0);
	double mitems = (double)opt.items / ns * 1e3, gbytes = (double)opt.items * (double)s->bytes / ns;
	emit(row, "mitems_per_s", mitems, "Mitems/s");
	emit(row, "gbytes_per_s", gbytes, "GB/s");
	harness_progress(row, "%.1f Mitems/s, %.2f GB/s (probes %.0f/%.0f ns)", mitems, gbytes, row->probe_ns,
	                 row->probe_after_ns);
}

/* The harness's lines, then what the script needs: this build's queues, the sizes, modes, burst and capacity. */
static void workload_info(const struct sized *s, enum kind k, enum mode m, struct harness_row *row)
{
	(void)s, (void)k, (void)m, (void)row;
	harness_info(out.f, "stage5-waitfree/extensions/elem", &cpus);
	fprintf(out.f, "# queues:");
	for (int q = 0; q < KINDS; q++)
		if (sizes[0]->queue[q].create != NULL)
			fprintf(out.f, " %s", kind_name[q]);
	fprintf(out.f, "\n# sizes:");
	for (size_t z = 0; z < N_SIZES; z++)
		fprintf(out.f, " %zu", sizes[z]->bytes);
	fprintf(out.f, "\n# modes: single burst\n# burst: %d\n# capacity: %" PRIu64 "\n", ELEM_BURST, opt.capacity);
	fprintf(out.f, "# slot: single mode only (no bulk calls)\n");
}

static const struct workload {
	const char *name;
	void (*run)(const struct sized *s, enum kind k, enum mode m, struct harness_row *row);
} workloads[] = {
        {"throughput", workload_throughput},
        {"info", workload_info},
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/* ---------------------------------------------------------------- the command line */

static void print_help(void)
{
	printf("usage: %s WORKLOAD... --queue NAME --size BYTES --mode single|burst [FLAG...]\n"
	       "Payloads of any size: one queue, one item size, one mode; the producer on one CPU,\n"
	       "the consumer on another. CSV rows on stdout (or --csv), progress on stderr.\n"
	       "Exit status: 0 ok, 1 a run failed (an item arrived wrong), 2 bad usage.\n"
	       "`make bench-elem` runs every queue, size and mode in turns and makes the table.\n"
	       "\n"
	       "Workloads (any number, run in the order given):\n"
	       "  throughput  --items items as fast as they go: Mitems/s and GB/s\n"
	       "  info        compiler, flags, timer, CPUs, CSV columns and this build's queues\n"
	       "\n"
	       "Queues (each build has its own: bench-elem-stage5 the first three, bench-elem-boost\n"
	       "and bench-elem-dpdk one peer each; `info` lists them):\n"
	       "  elem-copy   spsc_elem.h: items copied in and out (try_push/try_pop, _n in bursts)\n"
	       "  elem-claim  spsc_claim.h: items written and read in their slots (claim/commit,\n"
	       "              peek/release; claim_n/commit_n, peek_n/release_n in bursts)\n"
	       "  slot        the slot-signalled ring (spsc_slot_elem.h): --mode single only,\n"
	       "              since it has no bulk calls\n"
	       "  boost       Boost.Lockfree spsc_queue<T> (push, pop; push and pop of arrays)\n"
	       "  dpdk        DPDK rte_ring, esize = the size, SP/SC (_elem and _burst_elem calls)\n"
	       "\n",
	       harness_program()->name);
	printf("Flags:\n"
	       "  --queue NAME       one of the queues above\n"
	       "  --size BYTES       the item: 8, 16, 64 or 256 bytes (BYTES / 8 words)\n"
	       "  --mode MODE        single (one item per call) or burst (%d items per call)\n"
	       "  --items N          items per run (default %" PRIu64 ")\n"
	       "  --capacity N       items asked of each queue's create, up to %u (default %d;\n"
	       "                     dpdk rounds it up to a power of two and keeps one slot free)\n" HARNESS_HELP_CPUS
	       "  --probe-trips N    round trips of each probe, before and after each run (default %" PRIu64 ")\n"
	       "  --round N          label written in the round column (default 0)\n"
	       "  --csv FILE         append rows to FILE (its header first, unless it has one)\n"
	       "  --quiet            no progress on stderr\n"
	       "  --help             this text\n",
	       ELEM_BURST, opt.items, ELEM_MAX_CAPACITY, ELEM_DEFAULT_CAPACITY, opt.probe_trips);
}

static const struct harness_flag flags[] = {
        {"--items", &opt.items, 1, UINT64_MAX / 2, NULL, NULL},
        {"--capacity", &opt.capacity, 1, ELEM_MAX_CAPACITY, NULL, NULL},
        {"--size", &opt.size, 1, 1u << 20, NULL, NULL},
        {"--probe-trips", &opt.probe_trips, HARNESS_PROBE_BATCH, 100000000, NULL, NULL},
        {"--round", &opt.round, 0, 1000000, NULL, NULL},
        {"--queue", NULL, 0, 0, &opt.queue, NULL},
        {"--mode", NULL, 0, 0, &opt.mode, NULL},
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

static bool only_info(void)
{
	for (size_t t = 0; t < todo.n; t++)
		if (workloads[todo.k[t]].run != workload_info)
			return false;
	return true;
}

/* --queue among this build's queues. */
static enum kind find_queue(void)
{
	if (opt.queue == NULL)
		harness_usage_error("--queue is missing (elem-copy, elem-claim, slot, boost or dpdk)");
	for (int k = 0; k < KINDS; k++) {
		if (strcmp(opt.queue, kind_name[k]) != 0)
			continue;
		if (sizes[0]->queue[k].create == NULL)
			harness_usage_error("--queue %s: not in this build (bench-elem-stage5 has elem-copy, "
			                    "elem-claim and slot; bench-elem-boost and bench-elem-dpdk one peer each)",
			                    opt.queue);
		return (enum kind)k;
	}
	harness_usage_error("--queue: unknown queue '%s' (elem-copy, elem-claim, slot, boost or dpdk)", opt.queue);
}

/* --size among the sizes measured. */
static const struct sized *find_size(void)
{
	if (opt.size == 0)
		harness_usage_error("--size is missing (8, 16, 64 or 256)");
	for (size_t z = 0; z < N_SIZES; z++)
		if (sizes[z]->bytes == opt.size)
			return sizes[z];
	harness_usage_error("--size: %" PRIu64 " is not a size measured (8, 16, 64 or 256)", opt.size);
}

static enum mode find_mode(void)
{
	if (opt.mode == NULL)
		harness_usage_error("--mode is missing (single or burst)");
	for (int m = 0; m < MODES; m++)
		if (strcmp(opt.mode, mode_name[m]) == 0)
			return (enum mode)m;
	harness_usage_error("--mode: unknown mode '%s' (single or burst)", opt.mode);
}

/*
 * The queue, size and mode of the runs. `info` alone needs none of them,
 * and checks those given: with all three, that the queue runs them (the
 * script asks so before it plans its runs).
 */
static void find_run(const struct sized **s, enum kind *k, enum mode *m)
{
	bool need = !only_info();

	*k = opt.queue != NULL || need ? find_queue() : COPY;
	*s = opt.size != 0 || need ? find_size() : sizes[0];
	*m = opt.mode != NULL || need ? find_mode() : SINGLE;
	if (opt.queue != NULL && opt.size != 0 && opt.mode != NULL && (*s)->queue[*k].producer[*m] == NULL)
		harness_usage_error("--queue %s: no %s mode at %" PRIu64 " bytes (slot: --mode single only)", opt.queue,
		                    opt.mode, opt.size);
}

int main(int argc, char **argv)
{
	const struct sized *s;
	enum kind k;
	enum mode m;
	char workload[32];

	harness_init(argv[0]);
	harness_parse(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), print_help, add_workload);
	if (todo.n == 0)
		harness_usage_error("no workload given");
	find_run(&s, &k, &m);
	harness_program()->quiet = opt.quiet;
	harness_choose_cpus(&cpus, opt.cpus);
	harness_open(&out, opt.csv);
	snprintf(workload, sizeof(workload), "elem-%s-%zu", mode_name[m], s->bytes);
	for (size_t t = 0; t < todo.n; t++) {
		struct harness_row row = {
		        .queue = kind_name[k],
		        .workload = workload,
		        .round = opt.round,
		        .run = 1,
		        .capacity = opt.capacity,
		        .cpus = cpus.label,
		        .wait = "spin",
		};

		workloads[todo.k[t]].run(s, k, m, &row);
	}
	harness_close(&out);
	return 0;
}
