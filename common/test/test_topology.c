/*
 * common/test/test_topology.c: the CPU topology reader (common/support/
 * topology.h) on fixture sysfs trees, then on this machine's /sys.
 *
 * The fixtures (common/test/fixtures/topology/<layout>/) hold only the
 * files the reader opens, modelled on real machines:
 *   kvm-2vcpu              2 vCPUs, no SMT, one L3 for both
 *   firecracker-2vcpu      the same without cache/ (like the machines this repository is tested on)
 *   smt-adjacent           4 cores / 8 threads, siblings 0-1, 2-3, ...; one L3
 *   smt-apart              the same with siblings 0 and 4, 1 and 5, ...; a kernel before 5.3
 *                          (thread_siblings_list, no core_cpus_list)
 *   two-ccx                AMD-style: two CCXs of 4 cores, SMT, siblings 8 apart; an L3 per CCX
 *                          (0-3,8-11 and 4-7,12-15)
 *   hybrid                 Intel-style: P-cores 0-1 and 2-3 with SMT, E-cores 4-11 without, in two
 *                          clusters (4-7, 8-11) each with its own L2, one L3 for all
 *   stale-thread-siblings  core_cpus_list says 0-1; thread_siblings_list holds garbage
 *   odd/<rule>             two CPUs whose caches test one rule of the LLC each
 *   broken/<defect>        a small good tree with one defect each (the error tests)
 * Every expected pair, kind and message below is written out: none is
 * computed by the code under test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "topology.h"

#ifndef TOPO_FIXTURES
#error "build with -DTOPO_FIXTURES='\"<dir>\"' (common/test/topology.mk)"
#endif

#define SHARED  "shared LLC, different cores"
#define UNKNOWN "different cores, LLC not reported"
#define ACROSS  "across LLCs"
#define SMT     "SMT siblings (one core)"

static struct topo topo; /* 25 KiB: not on the stack */
static char why[512];
/* What a pair or a kind holds before the code under test writes it: no kind at all. */
#define NO_KIND ((enum topo_kind) - 1)
static const struct topo_pair no_pair = {-1, -1, NO_KIND};

static void load(const char *layout)
{
	char root[TOPO_PATH];

	snprintf(root, sizeof(root), "%s/%s", TOPO_FIXTURES, layout);
	cr_assert_eq(topo_read(&topo, root, why, sizeof(why)), 0, "%s: %s", layout, why);
}

static cpu_set_t cpus(const char *list)
{
	cpu_set_t set;

	cr_assert_eq(topo_parse_list(list, &set, why, sizeof(why)), 0, "\"%s\": %s", list, why);
	return set;
}

/* topo_choose from the CPUs in `allowed` (NULL: all) must give a,b with this label. */
static void expect_choice(const char *allowed, int a, int b, const char *label)
{
	cpu_set_t set;
	struct topo_pair p = no_pair;

	if (allowed != NULL)
		set = cpus(allowed);
	cr_assert_eq(topo_choose(&topo, allowed != NULL ? &set : NULL, &p, why, sizeof(why)), 0, "allowed %s: %s",
	             allowed != NULL ? allowed : "all", why);
	cr_expect(p.a == a && p.b == b && strcmp(topo_label(p.kind), label) == 0,
	          "allowed %s: chose %d,%d (%s), expected %d,%d (%s)", allowed != NULL ? allowed : "all", p.a, p.b,
	          topo_label(p.kind), a, b, label);
}

/* topo_choose from `allowed` must find no pair. */
static void expect_no_choice(const char *allowed)
{
	cpu_set_t set = cpus(allowed);
	struct topo_pair p = no_pair;

	errno = 0;
	cr_expect_eq(topo_choose(&topo, &set, &p, why, sizeof(why)), -1, "allowed %s: chose a pair", allowed);
	cr_expect_eq(errno, ENOENT, "allowed %s: errno %d", allowed, errno);
}

/* a,b (and b,a) must be of this label. */
static void expect_kind(int a, int b, const char *label)
{
	int cpu[2][2] = {{a, b}, {b, a}};

	for (int i = 0; i < 2; i++) {
		enum topo_kind kind = NO_KIND;

		cr_assert_eq(topo_classify(&topo, cpu[i][0], cpu[i][1], &kind, why, sizeof(why)), 0, "%d,%d: %s",
		             cpu[i][0], cpu[i][1], why);
		cr_expect_str_eq(topo_label(kind), label, "%d,%d", cpu[i][0], cpu[i][1]);
	}
}

/* What topo_read made of one CPU. */
static void expect_cpu(int cpu, int core, int core_id, int llc, int llc_level, int llc_width)
{
	const struct topo_cpu *c = &topo.cpu[cpu];

	cr_expect(c->core == core && c->core_id == core_id && c->package_id == 0,
	          "cpu%d: core %d, core_id %d, package %d; expected core %d, core_id %d, package 0", cpu, c->core,
	          c->core_id, c->package_id, core, core_id);
	cr_expect(c->llc == llc && c->llc_level == llc_level && c->llc_width == llc_width,
	          "cpu%d: LLC at cpu %d, level %d, %d CPUs; expected %d, %d, %d", cpu, c->llc, c->llc_level,
	          c->llc_width, llc, llc_level, llc_width);
}

/* ------------------------------------------------------------ CPU lists */

Test(list, ranges_and_single_cpus)
{
	cpu_set_t got = cpus("0-3,8,10-11"), want;
	int expected[] = {0, 1, 2, 3, 8, 10, 11};

	CPU_ZERO(&want);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		CPU_SET(expected[i], &want);
	cr_expect(CPU_EQUAL(&got, &want), "\"0-3,8,10-11\" gave %d CPUs, not those 7", CPU_COUNT(&got));
	cr_expect_eq(CPU_COUNT(&got), 7);
}

Test(list, final_newline_and_the_empty_list)
{
	cpu_set_t five = cpus("5\n"), empty = cpus(""), newline = cpus("\n");

	cr_expect(CPU_COUNT(&five) == 1 && CPU_ISSET(5, &five), "\"5\\n\" is not {5}");
	cr_expect_eq(CPU_COUNT(&empty), 0);
	cr_expect_eq(CPU_COUNT(&newline), 0);
}

Test(list, up_to_cpu_setsize)
{
	cpu_set_t all = cpus("0-1023"), last = cpus("1023");

	cr_expect_eq(CPU_COUNT(&all), 1024);
	cr_expect(CPU_COUNT(&last) == 1 && CPU_ISSET(1023, &last), "\"1023\" is not {1023}");
}

/* s must be refused with err, why must say `says`, and *set must be left empty. */
static void expect_refused(const char *s, int err, const char *says)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(7, &set);
	why[0] = '\0';
	errno = 0;
	cr_expect_eq(topo_parse_list(s, &set, why, sizeof(why)), -1, "\"%s\" was accepted", s);
	cr_expect_eq(errno, err, "\"%s\": errno %d, expected %d", s, errno, err);
	cr_expect_eq(CPU_COUNT(&set), 0, "\"%s\": the set kept %d CPUs", s, CPU_COUNT(&set));
	cr_expect(strstr(why, says) != NULL, "\"%s\": why \"%s\" does not say \"%s\"", s, why, says);
}

Test(list, refuses_malformed_lists)
{
	expect_refused("x", EINVAL, "expected a CPU number at \"x\"");
	expect_refused("1,,2", EINVAL, "expected a CPU number at \",2\"");
	expect_refused("1,", EINVAL, "expected a CPU number at \"\"");
	expect_refused(",1", EINVAL, "expected a CPU number at \",1\"");
	expect_refused("1-", EINVAL, "expected a CPU number at \"\"");
	expect_refused("-1", EINVAL, "expected a CPU number at \"-1\"");
	expect_refused("+1", EINVAL, "expected a CPU number at \"+1\"");
	expect_refused(" 1", EINVAL, "expected a CPU number at \" 1\"");
	expect_refused("3-1", EINVAL, "range 3-1 runs backwards");
	expect_refused("1 2", EINVAL, "unexpected \" 2\" after CPU 1");
	expect_refused("0-3:2", EINVAL, "unexpected \":2\" after CPU 3");
	expect_refused("0x1", EINVAL, "unexpected \"x1\" after CPU 0");
	expect_refused("1-2-3", EINVAL, "unexpected \"-3\" after CPU 2");
	expect_refused("1\n\n", EINVAL, "after CPU 1");
	expect_refused("1\n2", EINVAL, "after CPU 1");
}

Test(list, refuses_cpus_beyond_cpu_setsize)
{
	expect_refused("1024", ERANGE, "CPU 1024 is beyond CPU_SETSIZE (1024)");
	expect_refused("0-1024", ERANGE, "CPU 1024 is beyond");
	expect_refused("0,1023,4096", ERANGE, "CPU 4096 is beyond");
	expect_refused("99999999999999999999999", ERANGE, "CPU 99999999999999999999999 is beyond");
}

/* s must read as value. */
static void expect_number(const char *s, int value)
{
	int got = 12345;

	cr_expect_eq(topo_parse_int(s, &got, why, sizeof(why)), 0, "\"%s\": %s", s, why);
	cr_expect_eq(got, value, "\"%s\" read as %d", s, got);
}

/* s must be refused with err, and the value left alone. */
static void expect_not_a_number(const char *s, int err)
{
	int got = 12345;

	errno = 0;
	cr_expect_eq(topo_parse_int(s, &got, why, sizeof(why)), -1, "\"%s\" was accepted as %d", s, got);
	cr_expect_eq(errno, err, "\"%s\": errno %d, expected %d", s, errno, err);
	cr_expect_eq(got, 12345, "\"%s\": the value was written", s);
}

Test(number, ids_and_levels)
{
	expect_number("0", 0);
	expect_number("3\n", 3);
	expect_number("-1", -1); /* physical_package_id where the platform does not say */
	expect_number("2147483647", 2147483647);
	expect_not_a_number("", EINVAL);
	expect_not_a_number("-", EINVAL);
	expect_not_a_number("zero", EINVAL);
	expect_not_a_number(" 1", EINVAL);
	expect_not_a_number("1 ", EINVAL);
	expect_not_a_number("12x", EINVAL);
	expect_not_a_number("1\n\n", EINVAL);
	expect_not_a_number("2147483648", ERANGE);
	expect_not_a_number("99999999999999999999", ERANGE);
}

/* ------------------------------------------------------------ the layouts */

Test(layout, kvm_2vcpu)
{
	load("kvm-2vcpu");
	expect_cpu(1, 1, 1, 0, 3, 2);
	expect_choice(NULL, 0, 1, SHARED);
	expect_kind(0, 1, SHARED);
	expect_no_choice("1");
}

Test(layout, firecracker_2vcpu_reports_no_cache)
{
	load("firecracker-2vcpu");
	expect_cpu(0, 0, 0, -1, 0, 0);
	expect_cpu(1, 1, 1, -1, 0, 0);
	expect_choice(NULL, 0, 1, UNKNOWN);
	expect_kind(0, 1, UNKNOWN);
}

Test(layout, smt_adjacent_skips_the_siblings_0_and_1)
{
	load("smt-adjacent");
	expect_cpu(3, 2, 1, 0, 3, 8);
	expect_choice(NULL, 0, 2, SHARED);
	expect_kind(0, 1, SMT);
	expect_kind(6, 7, SMT);
	expect_kind(1, 2, SHARED);
	expect_kind(0, 7, SHARED);
	expect_choice("2-3", 2, 3, SMT);
	expect_choice("1,3,5", 1, 3, SHARED);
	expect_choice("0-1,3", 0, 3, SHARED);
	expect_no_choice("7");
	expect_no_choice("0,9"); /* 9 is not online */
}

/* The negative control of the test above: "the first two CPUs" is a wrong answer here. */
Test(layout, smt_adjacent_first_two_cpus_are_one_core)
{
	struct topo_pair p = no_pair;

	load("smt-adjacent");
	expect_kind(0, 1, SMT);
	cr_assert_eq(topo_choose(&topo, NULL, &p, why, sizeof(why)), 0, "%s", why);
	cr_expect(!(p.a == 0 && p.b == 1), "chose the siblings 0,1");
}

Test(layout, smt_apart_before_linux_5_3)
{
	load("smt-apart");
	expect_cpu(5, 1, 1, 0, 3, 8);
	expect_choice(NULL, 0, 1, SHARED);
	expect_kind(0, 4, SMT);
	expect_kind(3, 7, SMT);
	expect_kind(0, 5, SHARED);
	expect_choice("0,4", 0, 4, SMT);
	expect_choice("4-7", 4, 5, SHARED);
	expect_choice("0,4-5", 0, 5, SHARED);
}

Test(layout, two_ccx)
{
	load("two-ccx");
	expect_cpu(11, 3, 3, 0, 3, 8);
	expect_cpu(12, 4, 4, 4, 3, 8);
	expect_choice(NULL, 0, 1, SHARED);
	expect_kind(3, 4, ACROSS);
	expect_kind(8, 12, ACROSS);
	expect_kind(0, 8, SMT);
	expect_kind(7, 15, SMT);
	expect_kind(0, 11, SHARED);
	expect_kind(4, 15, SHARED);
	expect_choice("0,4", 0, 4, ACROSS);
	expect_choice("0,8", 0, 8, SMT);
	expect_choice("3-4,11-12", 3, 4, ACROSS); /* across LLCs before SMT siblings */
	expect_choice("4,11-12", 4, 11, ACROSS);
	expect_choice("3-4,11-12,15", 4, 15, SHARED);
	expect_choice("8-15", 8, 9, SHARED);
}

Test(layout, hybrid)
{
	load("hybrid");
	expect_cpu(2, 2, 4, 0, 3, 12);
	expect_cpu(5, 5, 9, 0, 3, 12); /* the L3, not the cluster's L2 (4-7) */
	expect_choice(NULL, 0, 2, SHARED);
	expect_kind(0, 1, SMT);
	expect_kind(2, 3, SMT);
	expect_kind(1, 2, SHARED);
	expect_kind(4, 5, SHARED);
	expect_kind(4, 8, SHARED);
	expect_kind(1, 11, SHARED);
	expect_choice("0-1", 0, 1, SMT);
	expect_choice("0-1,4", 0, 4, SHARED);
	expect_choice("4-11", 4, 5, SHARED);
}

Test(layout, core_cpus_list_is_read_before_thread_siblings_list)
{
	load("stale-thread-siblings"); /* would fail on its thread_siblings_list */
	expect_cpu(1, 0, 0, 0, 2, 2);
	expect_kind(0, 1, SMT);
	expect_choice(NULL, 0, 1, SMT);
}

Test(layout, the_widest_cache_of_the_top_level_is_the_llc)
{
	load("odd/two-caches-at-the-top-level"); /* L3 "0" and L3 "0-1" on cpu0 */
	expect_cpu(0, 0, 0, 0, 3, 2);
	expect_cpu(1, 1, 1, 0, 3, 2);
	expect_kind(0, 1, SHARED);
}

Test(layout, caches_at_different_levels_are_different_caches)
{
	load("odd/llc-levels-differ"); /* cpu0's LLC: an L3 "0"; cpu1's: the L2 "0-1" */
	expect_cpu(0, 0, 0, 0, 3, 1);
	expect_cpu(1, 1, 1, 0, 2, 2);
	expect_kind(0, 1, ACROSS);
}

/* ------------------------------------------------------------ classify and enumerate */

Test(classify, refuses_what_is_not_a_pair_of_online_cpus)
{
	int bad[][2] = {{0, 0}, {0, 8}, {8, 0}, {-1, 0}, {0, CPU_SETSIZE}, {0, 1 << 30}};

	load("smt-adjacent");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum topo_kind kind = TOPO_ACROSS_LLC;

		errno = 0;
		cr_expect_eq(topo_classify(&topo, bad[i][0], bad[i][1], &kind, why, sizeof(why)), -1,
		             "%d,%d was classified", bad[i][0], bad[i][1]);
		cr_expect_eq(errno, EINVAL, "%d,%d: errno %d", bad[i][0], bad[i][1], errno);
		cr_expect_eq(kind, TOPO_ACROSS_LLC, "%d,%d: kind written", bad[i][0], bad[i][1]);
	}
	enum topo_kind kind = NO_KIND;
	topo_classify(&topo, 0, 8, &kind, why, sizeof(why));
	cr_expect_str_eq(why, "CPU 8 is not online");
	topo_classify(&topo, 3, 3, &kind, why, sizeof(why));
	cr_expect_str_eq(why, "CPU 3 twice: a pair needs two CPUs");
}

/* Counts the pairs from `allowed` by kind, checking their order; returns how many. */
static int count_pairs(const char *allowed, int count[4])
{
	cpu_set_t set;
	struct topo_pair p = topo_pair_start();
	int n = 0, last_a = -1, last_b = -1;

	if (allowed != NULL)
		set = cpus(allowed);
	memset(count, 0, 4 * sizeof(count[0]));
	while (topo_next_pair(&topo, allowed != NULL ? &set : NULL, &p)) {
		cr_assert(p.a < p.b && (p.a > last_a || (p.a == last_a && p.b > last_b)), "pair %d,%d after %d,%d", p.a,
		          p.b, last_a, last_b);
		last_a = p.a;
		last_b = p.b;
		count[p.kind]++;
		n++;
	}
	return n;
}

Test(pairs, every_pair_of_two_ccx_once_in_order)
{
	int count[4];

	load("two-ccx");
	cr_expect_eq(count_pairs(NULL, count), 120);
	cr_expect_eq(count[TOPO_SHARED_LLC], 48);
	cr_expect_eq(count[TOPO_ACROSS_LLC], 64);
	cr_expect_eq(count[TOPO_SMT], 8);
	cr_expect_eq(count[TOPO_LLC_UNKNOWN], 0);
}

Test(pairs, only_the_allowed_cpus)
{
	struct topo_pair p = topo_pair_start();
	cpu_set_t set;
	int want[][2] = {{1, 3}, {1, 5}, {3, 5}}, count[4];

	load("smt-adjacent");
	set = cpus("1,3,5,9");
	for (int i = 0; i < 3; i++) {
		cr_assert(topo_next_pair(&topo, &set, &p), "pair %d missing", i);
		cr_expect(p.a == want[i][0] && p.b == want[i][1], "pair %d is %d,%d", i, p.a, p.b);
	}
	cr_expect_not(topo_next_pair(&topo, &set, &p), "a fourth pair %d,%d", p.a, p.b);
	cr_expect_eq(count_pairs("4", count), 0);
	cr_expect_eq(count_pairs(NULL, count), 28);
	cr_expect_eq(count[TOPO_SMT], 4);
}

/* ------------------------------------------------------------ broken trees */

/* Reading `layout` must fail with err, and why must say `says`. */
static void expect_broken(const char *layout, int err, const char *says)
{
	char root[TOPO_PATH];

	snprintf(root, sizeof(root), "%s/%s", TOPO_FIXTURES, layout);
	why[0] = '\0';
	errno = 0;
	cr_expect_eq(topo_read(&topo, root, why, sizeof(why)), -1, "%s was read", layout);
	cr_expect_eq(errno, err, "%s: errno %d (%s), expected %d", layout, errno, why, err);
	cr_expect(strstr(why, says) != NULL, "%s: why \"%s\" does not say \"%s\"", layout, why, says);
}

Test(errors, each_broken_tree_says_what_is_wrong)
{
	expect_broken("no-such-tree", ENOENT, "no-such-tree/online: No such file or directory");
	expect_broken("broken/garbage-online", EINVAL, "/online: expected a CPU number at \"x\"");
	expect_broken("broken/empty-online", EINVAL, "/online: lists no CPU");
	expect_broken("broken/beyond-setsize", ERANGE, "/online: CPU 1024 is beyond CPU_SETSIZE (1024)");
	expect_broken("broken/missing-cpu-dir", ENOENT,
	              "/cpu2/topology: has neither core_cpus_list nor thread_siblings_list");
	expect_broken("broken/missing-core-list", ENOENT,
	              "/cpu1/topology: has neither core_cpus_list nor thread_siblings_list");
	expect_broken("broken/garbage-core-list", EINVAL,
	              "/cpu1/topology/core_cpus_list: expected a CPU number at \"\"");
	expect_broken("broken/not-in-own-core", EINVAL, "/cpu1/topology/core_cpus_list: does not list cpu1 itself");
	expect_broken("broken/missing-core-id", ENOENT, "/cpu0/topology/core_id: No such file or directory");
	expect_broken("broken/garbage-core-id", EINVAL, "/cpu0/topology/core_id: \"zero\" is not a number");
	expect_broken("broken/missing-level", ENOENT, "/cpu1/cache/index1/level: No such file or directory");
	expect_broken("broken/bad-level", EINVAL, "/cpu1/cache/index1/level: 0 is not a cache level");
	expect_broken("broken/garbage-cache-list", EINVAL,
	              "/cpu0/cache/index1/shared_cpu_list: unexpected \" \" after CPU 1");
	expect_broken("broken/not-in-own-cache", EINVAL,
	              "/cpu1/cache/index1/shared_cpu_list: does not list cpu1 itself");
}

Test(errors, a_file_longer_than_the_buffer_is_refused_not_cut)
{
	char dir[] = "/tmp/test-topology-XXXXXX", path[TOPO_PATH];

	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/online", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	for (int i = 0; i < 4500; i++) /* "0,0,...": 9000 bytes of a valid list */
		fputs(i == 0 ? "0" : ",0", f);
	fclose(f);
	errno = 0;
	int rc = topo_read(&topo, dir, why, sizeof(why));
	int err = errno;
	unlink(path);
	rmdir(dir);
	cr_expect_eq(rc, -1, "a 9000-byte online was read");
	cr_expect_eq(err, EFBIG, "errno %d (%s)", err, why);
	cr_expect(strstr(why, "/online: longer than 8191 bytes") != NULL, "why: %s", why);
}

Test(label, the_words_of_the_results_header)
{
	cr_expect_str_eq(topo_label(TOPO_SHARED_LLC), "shared LLC, different cores");
	cr_expect_str_eq(topo_label(TOPO_LLC_UNKNOWN), "different cores, LLC not reported");
	cr_expect_str_eq(topo_label(TOPO_ACROSS_LLC), "across LLCs");
	cr_expect_str_eq(topo_label(TOPO_SMT), "SMT siblings (one core)");
}

/* ------------------------------------------------------------ this machine */

Test(this_machine, the_chosen_pair_is_two_allowed_online_cpus)
{
	cpu_set_t allowed, usable;
	struct topo_pair p = no_pair;
	enum topo_kind kind = NO_KIND;

	if (access(TOPO_ROOT "/online", R_OK) != 0)
		cr_skip_test("%s/online is unreadable here: %s", TOPO_ROOT, strerror(errno));
	cr_assert_eq(topo_read(&topo, NULL, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0, "sched_getaffinity: %s", strerror(errno));
	CPU_AND(&usable, &allowed, &topo.online);
	int rc = topo_choose(&topo, &allowed, &p, why, sizeof(why));
	if (CPU_COUNT(&usable) < 2) {
		cr_expect(rc == -1 && errno == ENOENT, "one usable CPU, yet a pair (rc %d)", rc);
		return;
	}
	cr_assert_eq(rc, 0, "%s", why);
	cr_expect(p.a < p.b && CPU_ISSET(p.a, &usable) && CPU_ISSET(p.b, &usable),
	          "chose %d,%d: not two distinct allowed online CPUs", p.a, p.b);
	cr_assert_eq(topo_classify(&topo, p.a, p.b, &kind, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(kind, p.kind, "topo_choose and topo_classify disagree on %d,%d", p.a, p.b);
}
