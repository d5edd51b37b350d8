/*
 * common/support/topology.h: which CPUs are one core, which share the
 * last-level cache (LLC), and which two CPUs a producer/consumer
 * benchmark should be pinned to.
 *
 * The benchmark measures a cache line's trip from one core to another.
 * Pinned to two hardware threads of one core (SMT siblings: CPUs 0 and 1
 * on many desktops) it would measure a hand-off through that core's own
 * L1 instead; pinned to two cores with separate LLCs, a trip across the
 * chip. So by default it gets two different cores that share the LLC, and
 * a label that says what kind of pair it got.
 *
 *   read       topo_read: a sysfs CPU tree into a struct topo
 *   pairs      topo_choose: the benchmark's pair; topo_classify: what a
 *              given pair is; topo_next_pair: every pair, with its kind;
 *              topo_label: the words for the results header
 *   lists      topo_parse_list: the one CPU list parser
 *
 * Everything comes from Linux's sysfs CPU tree, /sys/devices/system/cpu
 * (the tests pass a fixture tree). The files read, what they mean, and
 * which kernels have them:
 *   online                       the CPUs that are up, a CPU list (since 2008, the 2.6 series)
 *   cpuN/topology/core_cpus_list the CPUs of cpuN's core: its SMT siblings and itself
 *                                (Linux 5.3 and later)
 *   cpuN/topology/thread_siblings_list
 *                                the same list under its older name (the 2.6 series on;
 *                                deprecated, still there): read where core_cpus_list is not
 *   cpuN/topology/core_id        the core's number as the platform gives it, unique only within
 *                                a package or a die (2.6.16): shown, never used to pair CPUs
 *   cpuN/topology/physical_package_id
 *                                the socket; -1 where the platform does not say (2.6.16)
 *   cpuN/cache/indexK/level      the level (1, 2, 3) of cpuN's K-th cache
 *   cpuN/cache/indexK/shared_cpu_list
 *                                the CPUs that share that cache (both: x86 since 2008 or
 *                                before; other architectures since 3.19, where the platform
 *                                describes its caches)
 * Some virtual machines have no cache/ at all (Firecracker guests, like
 * the machines this repository is tested on): their LLC is "not reported".
 *
 * A CPU list is the kernel's format: decimal CPU numbers and ranges,
 * comma-separated, e.g. "0-3,8,10-11", then a newline.
 *
 * Header-only. The includer defines _GNU_SOURCE (cpu_set_t, CPU_SET)
 * before its first #include. It compiles as C11 and as C++17, like
 * harness.h: no compound literals, no designated initialisers, no `class`.
 * Every function that can fail returns -1, sets errno and writes why into
 * the caller's buffer (why, whylen; NULL, 0 is allowed): a missing file, a
 * malformed one, a CPU at or beyond CPU_SETSIZE. Nothing is guessed,
 * clamped or cut short.
 */
#ifndef TOPOLOGY_H
#define TOPOLOGY_H

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOPO_ROOT "/sys/devices/system/cpu"
#define TOPO_PATH 4096 /* the longest path built here, with its NUL */

/* What a pair of CPUs is, in order of preference for the benchmark: lower is better. */
enum topo_kind {
	TOPO_SHARED_LLC,  /* two cores that share the last-level cache: the pair wanted */
	TOPO_LLC_UNKNOWN, /* two cores; the kernel reports no caches (they may share one) */
	TOPO_ACROSS_LLC,  /* two cores, each in its own last-level cache */
	TOPO_SMT,         /* two hardware threads of one core: they share its L1 */
};

/* One online CPU, as read from sysfs. */
struct topo_cpu {
	int core_id;    /* topology/core_id */
	int package_id; /* topology/physical_package_id */
	int core;       /* the lowest CPU of its core list: the core's name here */
	int llc_level;  /* level of its last-level cache; 0: no cache reported */
	int llc;        /* the lowest CPU sharing that cache; -1: no cache reported */
	int llc_width;  /* how many CPUs share it */
};

/* A machine: about 25 KiB, so static or allocated rather than on a thread's stack. */
struct topo {
	cpu_set_t online;
	struct topo_cpu cpu[CPU_SETSIZE]; /* valid for the online CPUs only */
};

/* Two CPUs, a < b, and what they are. */
struct topo_pair {
	int a, b;
	enum topo_kind kind;
};

/* For the results header: what the pair is. */
static inline const char *topo_label(enum topo_kind kind)
{
	switch (kind) {
	case TOPO_SHARED_LLC:
		return "shared LLC, different cores";
	case TOPO_LLC_UNKNOWN:
		return "different cores, LLC not reported";
	case TOPO_ACROSS_LLC:
		return "across LLCs";
	case TOPO_SMT:
		return "SMT siblings (one core)";
	}
	return "unknown";
}

/* Writes the message into why, sets errno to err and returns -1. */
static inline __attribute__((format(printf, 4, 5))) int topo_fail(char *why, size_t whylen, int err, const char *fmt,
                                                                  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

/* One CPU number at *s into *cpu; *s moves past it. */
static inline int topo_parse_cpu(const char **s, int *cpu, char *why, size_t whylen)
{
	char *end;

	if (**s < '0' || **s > '9')
		return topo_fail(why, whylen, EINVAL, "expected a CPU number at \"%.20s\"", *s);
	errno = 0;
	unsigned long v = strtoul(*s, &end, 10);
	if (errno == ERANGE || v >= CPU_SETSIZE)
		return topo_fail(why, whylen, ERANGE, "CPU %.*s is beyond CPU_SETSIZE (%d)", (int)(end - *s), *s,
		                 CPU_SETSIZE);
	*s = end;
	*cpu = (int)v;
	return 0;
}

/* One item of a list at *s, "N" or "N-M", into [*lo, *hi]; *s moves past it. */
static inline int topo_parse_range(const char **s, int *lo, int *hi, char *why, size_t whylen)
{
	if (topo_parse_cpu(s, lo, why, whylen) != 0)
		return -1;
	*hi = *lo;
	if (**s != '-')
		return 0;
	(*s)++;
	if (topo_parse_cpu(s, hi, why, whylen) != 0)
		return -1;
	if (*hi < *lo)
		return topo_fail(why, whylen, EINVAL, "range %d-%d runs backwards", *lo, *hi);
	return 0;
}

/* The end of a list or a number: nothing left, or a final newline. */
static inline bool topo_at_end(const char *s)
{
	return *s == '\0' || strcmp(s, "\n") == 0;
}

/*
 * Parses a CPU list ("0-3,8,10-11", an optional final newline; "" is the
 * empty list) into *set. On error *set is empty: never a partial list.
 */
static inline int topo_parse_list(const char *s, cpu_set_t *set, char *why, size_t whylen)
{
	CPU_ZERO(set);
	if (topo_at_end(s))
		return 0;
	for (;;) {
		int lo = 0, hi = 0;

		if (topo_parse_range(&s, &lo, &hi, why, whylen) != 0)
			break;
		for (int c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (topo_at_end(s))
			return 0;
		if (*s != ',') {
			topo_fail(why, whylen, EINVAL, "unexpected \"%.20s\" after CPU %d", s, hi);
			break;
		}
		s++;
	}
	CPU_ZERO(set);
	return -1;
}

/* A decimal int, with an optional '-' and final newline, and nothing else. */
static inline int topo_parse_int(const char *s, int *value, char *why, size_t whylen)
{
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end;

	if (*digits < '0' || *digits > '9')
		return topo_fail(why, whylen, EINVAL, "\"%.20s\" is not a number", s);
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
		return topo_fail(why, whylen, ERANGE, "\"%.20s\" is out of range", s);
	if (!topo_at_end(end))
		return topo_fail(why, whylen, EINVAL, "\"%.20s\" is not a number", s);
	*value = (int)v;
	return 0;
}

/* Formats a path into out (TOPO_PATH bytes), or fails if it does not fit. */
static inline __attribute__((format(printf, 4, 5))) int topo_path(char *out, char *why, size_t whylen, const char *fmt,
                                                                  ...)
{
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(out, TOPO_PATH, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= TOPO_PATH)
		return topo_fail(why, whylen, ENAMETOOLONG, "%.200s...: path too long", out);
	return 0;
}

/* The whole of a small sysfs file, less its final newline; one longer than the buffer is an error. */
static inline int topo_slurp(const char *path, char *buf, size_t size, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		int err = errno;
		return topo_fail(why, whylen, err, "%s: %s", path, strerror(err));
	}
	size_t n = fread(buf, 1, size - 1, f);
	bool longer = n == size - 1 && fgetc(f) != EOF;
	bool failed = ferror(f) != 0;
	fclose(f);
	if (failed)
		return topo_fail(why, whylen, EIO, "%s: read error", path);
	if (longer)
		return topo_fail(why, whylen, EFBIG, "%s: longer than %zu bytes", path, size - 1);
	if (n > 0 && buf[n - 1] == '\n')
		n--; /* sysfs ends every value with one */
	buf[n] = '\0';
	return 0;
}

/* dir/name, a CPU list into *list, or (list NULL) an int into *value. */
static inline int topo_read_file(const char *dir, const char *name, cpu_set_t *list, int *value, char *why,
                                 size_t whylen)
{
	char path[TOPO_PATH], text[8192], reason[128];

	if (topo_path(path, why, whylen, "%s/%s", dir, name) != 0 ||
	    topo_slurp(path, text, sizeof(text), why, whylen) != 0)
		return -1;
	int rc = list != NULL ? topo_parse_list(text, list, reason, sizeof(reason))
	                      : topo_parse_int(text, value, reason, sizeof(reason));
	if (rc != 0)
		return topo_fail(why, whylen, errno, "%s: %s", path, reason);
	return 0;
}

/* The lowest CPU in set, or -1. */
static inline int topo_first(const cpu_set_t *set)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			return c;
	return -1;
}

/* cpuN/topology: its core (core_cpus_list, else thread_siblings_list), core_id, physical_package_id. */
static inline int topo_read_core(struct topo_cpu *c, const char *cpudir, int cpu, char *why, size_t whylen)
{
	char dir[TOPO_PATH];
	const char *list = "core_cpus_list";
	cpu_set_t core;

	if (topo_path(dir, why, whylen, "%s/topology", cpudir) != 0)
		return -1;
	int rc = topo_read_file(dir, list, &core, NULL, why, whylen);
	if (rc != 0 && errno == ENOENT) {
		list = "thread_siblings_list"; /* a kernel before 5.3 */
		rc = topo_read_file(dir, list, &core, NULL, why, whylen);
		if (rc != 0 && errno == ENOENT)
			return topo_fail(why, whylen, ENOENT, "%s: has neither core_cpus_list nor thread_siblings_list",
			                 dir);
	}
	if (rc != 0 || topo_read_file(dir, "core_id", NULL, &c->core_id, why, whylen) != 0 ||
	    topo_read_file(dir, "physical_package_id", NULL, &c->package_id, why, whylen) != 0)
		return -1;
	if (!CPU_ISSET(cpu, &core))
		return topo_fail(why, whylen, EINVAL, "%s/%s: does not list cpu%d itself", dir, list, cpu);
	c->core = topo_first(&core);
	return 0;
}

/* cpuN/cache/index*: the highest level, and at it the cache shared by the most CPUs. No cache/: llc -1. */
static inline int topo_read_llc(struct topo_cpu *c, const char *cpudir, int cpu, char *why, size_t whylen)
{
	char dir[TOPO_PATH];

	c->llc_level = 0;
	c->llc = -1;
	c->llc_width = 0;
	for (int k = 0;; k++) {
		cpu_set_t shared;
		int level = 0;

		if (topo_path(dir, why, whylen, "%s/cache/index%d", cpudir, k) != 0)
			return -1;
		if (access(dir, F_OK) != 0) /* past the last index, or no cache/ at all */
			return errno == ENOENT ? 0 : topo_fail(why, whylen, errno, "%s: %s", dir, strerror(errno));
		if (topo_read_file(dir, "level", NULL, &level, why, whylen) != 0 ||
		    topo_read_file(dir, "shared_cpu_list", &shared, NULL, why, whylen) != 0)
			return -1;
		if (level < 1)
			return topo_fail(why, whylen, EINVAL, "%s/level: %d is not a cache level", dir, level);
		if (!CPU_ISSET(cpu, &shared))
			return topo_fail(why, whylen, EINVAL, "%s/shared_cpu_list: does not list cpu%d itself", dir,
			                 cpu);
		if (level > c->llc_level || (level == c->llc_level && CPU_COUNT(&shared) > c->llc_width)) {
			c->llc_level = level;
			c->llc = topo_first(&shared);
			c->llc_width = CPU_COUNT(&shared);
		}
	}
}

/* Reads the tree at root (NULL: TOPO_ROOT): the online CPUs, and each one's core and LLC. */
static inline int topo_read(struct topo *t, const char *root, char *why, size_t whylen)
{
	char cpudir[TOPO_PATH];

	if (root == NULL)
		root = TOPO_ROOT;
	memset(t, 0, sizeof(*t));
	if (topo_read_file(root, "online", &t->online, NULL, why, whylen) != 0)
		return -1;
	if (CPU_COUNT(&t->online) == 0)
		return topo_fail(why, whylen, EINVAL, "%s/online: lists no CPU", root);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &t->online))
			continue;
		if (topo_path(cpudir, why, whylen, "%s/cpu%d", root, cpu) != 0 ||
		    topo_read_core(&t->cpu[cpu], cpudir, cpu, why, whylen) != 0 ||
		    topo_read_llc(&t->cpu[cpu], cpudir, cpu, why, whylen) != 0)
			return -1;
	}
	return 0;
}

/* What two distinct online CPUs are (unchecked: topo_classify checks). */
static inline enum topo_kind topo_kind_of(const struct topo *t, int a, int b)
{
	const struct topo_cpu *x = &t->cpu[a], *y = &t->cpu[b];

	if (x->core == y->core)
		return TOPO_SMT;
	if (x->llc < 0 || y->llc < 0)
		return TOPO_LLC_UNKNOWN;
	return x->llc == y->llc && x->llc_level == y->llc_level ? TOPO_SHARED_LLC : TOPO_ACROSS_LLC;
}

/* What any pair is, e.g. the user's --cpus A,B: two different online CPUs, else an error. */
static inline int topo_classify(const struct topo *t, int a, int b, enum topo_kind *kind, char *why, size_t whylen)
{
	int cpu[2] = {a, b};

	for (int i = 0; i < 2; i++)
		if (cpu[i] < 0 || cpu[i] >= CPU_SETSIZE || !CPU_ISSET(cpu[i], &t->online))
			return topo_fail(why, whylen, EINVAL, "CPU %d is not online", cpu[i]);
	if (a == b)
		return topo_fail(why, whylen, EINVAL, "CPU %d twice: a pair needs two CPUs", a);
	*kind = topo_kind_of(t, a, b);
	return 0;
}

/* The first online CPU after `after` that allowed has (allowed NULL: any), or -1. */
static inline int topo_next_cpu(const struct topo *t, const cpu_set_t *allowed, int after)
{
	for (int c = after + 1; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &t->online) && (allowed == NULL || CPU_ISSET(c, allowed)))
			return c;
	return -1;
}

/* The state topo_next_pair starts from. */
static inline struct topo_pair topo_pair_start(void)
{
	struct topo_pair p;

	p.a = -1;
	p.b = -1;
	p.kind = TOPO_SHARED_LLC;
	return p;
}

/*
 * Steps *p to the next pair of allowed online CPUs (allowed NULL: every
 * online CPU), in order: a < b, by a, then by b; false after the last.
 * Start from *p = topo_pair_start().
 */
static inline bool topo_next_pair(const struct topo *t, const cpu_set_t *allowed, struct topo_pair *p)
{
	int a = p->a < 0 ? topo_next_cpu(t, allowed, -1) : p->a;
	int b = a < 0 ? -1 : topo_next_cpu(t, allowed, p->a < 0 ? a : p->b);

	while (a >= 0 && b < 0) {
		a = topo_next_cpu(t, allowed, a);
		b = a < 0 ? -1 : topo_next_cpu(t, allowed, a);
	}
	if (a < 0)
		return false;
	p->a = a;
	p->b = b;
	p->kind = topo_kind_of(t, a, b);
	return true;
}

/*
 * The benchmark's pair, from the CPUs allowed (normally sched_getaffinity's;
 * NULL: every online CPU): of the best kind there is (enum topo_kind's
 * order: two cores sharing the LLC first, SMT siblings last), the
 * lowest-numbered pair. Fewer than two allowed online CPUs: -1, ENOENT.
 */
static inline int topo_choose(const struct topo *t, const cpu_set_t *allowed, struct topo_pair *pair, char *why,
                              size_t whylen)
{
	struct topo_pair p = topo_pair_start(), best = topo_pair_start();

	while (topo_next_pair(t, allowed, &p)) {
		if (best.a < 0 || p.kind < best.kind)
			best = p;
		if (best.kind == TOPO_SHARED_LLC)
			break;
	}
	if (best.a < 0)
		return topo_fail(why, whylen, ENOENT, "fewer than two of the allowed CPUs are online");
	*pair = best;
	return 0;
}

#endif /* TOPOLOGY_H */
