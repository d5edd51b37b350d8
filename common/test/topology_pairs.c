/*
 * common/test/topology_pairs.c: `make topology-pairs`. Prints this
 * machine's CPUs as common/support/topology.h reads them, every pair of
 * the CPUs this process may use with what it is, and the pair the
 * benchmark would choose by default.
 *
 *   topology-pairs         this machine: /sys/devices/system/cpu, the CPUs of sched_getaffinity
 *   topology-pairs ROOT    a sysfs CPU tree at ROOT (e.g. a test fixture), all its online CPUs
 *
 * Exit status: 0, or 1 when the tree cannot be read (the reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "topology.h"

static struct topo topo; /* 25 KiB: not on the stack */

static void print_cpus(const cpu_set_t *allowed)
{
	printf("(core: the lowest CPU of the CPU's core; last-level cache: level, CPUs sharing it, the lowest)\n");
	printf("cpu  core  core_id  package  last-level cache\n");
	for (int c = topo_next_cpu(&topo, allowed, -1); c >= 0; c = topo_next_cpu(&topo, allowed, c)) {
		const struct topo_cpu *p = &topo.cpu[c];

		printf("%-4d %-5d %-8d %-8d ", c, p->core, p->core_id, p->package_id);
		if (p->llc < 0)
			printf("not reported\n");
		else
			printf("L%d, %d CPUs from cpu%d\n", p->llc_level, p->llc_width, p->llc);
	}
}

static void print_pairs(const cpu_set_t *allowed)
{
	struct topo_pair p = topo_pair_start();
	char why[256];

	printf("pair       kind\n");
	while (topo_next_pair(&topo, allowed, &p))
		printf("%4d,%-5d %s\n", p.a, p.b, topo_label(p.kind));
	if (topo_choose(&topo, allowed, &p, why, sizeof(why)) == 0)
		printf("default: %d,%d (%s)\n", p.a, p.b, topo_label(p.kind));
	else
		printf("default: none (%s)\n", why);
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : TOPO_ROOT;
	cpu_set_t allowed;
	char why[512];

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [SYSFS-CPU-ROOT]\n", argv[0]);
		return 2;
	}
	if (topo_read(&topo, root, why, sizeof(why)) != 0) {
		fprintf(stderr, "%s: %s\n", argv[0], why);
		return 1;
	}
	if (argc > 1)
		allowed = topo.online; /* not this machine: every CPU of the tree */
	else if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
		fprintf(stderr, "%s: sched_getaffinity: %s\n", argv[0], strerror(errno));
		return 1;
	}
	CPU_AND(&allowed, &allowed, &topo.online);
	printf("topology of %s: %d CPUs online, %d of them allowed\n", root, CPU_COUNT(&topo.online),
	       CPU_COUNT(&allowed));
	print_cpus(&allowed);
	print_pairs(&allowed);
	return 0;
}
