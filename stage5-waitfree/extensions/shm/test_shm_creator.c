/*
 * stage5-waitfree/extensions/shm/test_shm_creator.c: a hostile creator at
 * every window of spsc_shm_attach. Built with AddressSanitizer + UBSan and
 * the link-time wrappers of interpose.h by shm.mk (`make ipc-creator`),
 * run by `make check` (check-shm, ipc-test).
 *
 * The creator hands over a memfd holding a good ring of 2^20 slots (8 MB)
 * and keeps descriptions of its own to it. At one point of attach (before
 * or after one of its system calls: interpose.h's hook), it acts once:
 * shrinks the file to 4,096 bytes and seals it (a creator that, against an
 * attach reading the size before the seals, got an 8 MB mapping of a 4 KB
 * file and a SIGBUS at slot 488), grows it and seals it, adds a write
 * seal, rewrites the magic, rewrites the capacity and the size the header
 * records, moves tail more than a capacity ahead, or takes the role.
 * For every file it starts from (unsealed; size sealed but not the seals;
 * all sealed), role, action and point, it checks:
 *   - at every point, no mapping attach holds is larger than the file;
 *   - attach gives what the contract's order of checks gives (the model
 *     `expected` below): an action that took effect before attach checked
 *     what it changed is refused with that check's errno; one the seals
 *     forbade, or that came after the check, leaves attach as it was;
 *   - a refusal leaves nothing: no mapping (counted by the wrappers and
 *     looked for in /proc/self/maps), no fd, no role held;
 *   - an attach that succeeds holds the size, capacity and seals it
 *     checked, refuses a second holder of its role (EBUSY), moves items in
 *     its slots, and detaches leaving nothing.
 * The negative control, planted-shm-size-first (fstat before F_GET_SEALS,
 * the order this test was written against), must fail it.
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_NAME "creator"
#include "check.h"
#include "interpose.h"
#include "extensions/shm/spsc_shm.h"

#define CAP   (UINT64_C(1) << 20) /* slots: an 8 MB segment */
#define SMALL 4096                /* bytes: what the creator shrinks it to */
#define ITEM0 UINT64_C(0xa0)      /* the two items the segment holds, in slots 0 and 1 */

enum base { UNSEALED, SIZE_SEALED, ALL_SEALED, BASES };
static const char *const base_names[BASES] = {"unsealed", "size sealed, seals not", "all sealed"};

enum action { SHRINK, GROW, WRITE_SEAL, MAGIC, CAPACITY, TAIL, ROLE, ACTIONS };
static const char *const action_names[ACTIONS] = {
        "shrunk to 4096 bytes and sealed", "grown and sealed", "write-sealed", "magic rewritten", "capacity rewritten",
        "tail moved a capacity ahead",     "role taken"};

/* The creator, in one case: its fds, and what it does at one point of attach. */
static struct {
	int fd;    /* handed over: what attach gets */
	int own;   /* the creator's: another description of the same memfd */
	int thief; /* the creator's for taking the role: a third description */
	enum spsc_shm_role role;
	enum action action;
	int point;            /* where it acts: 2k before attach's call k, 2k + 1 after */
	bool acted;           /* the kernel let it */
	int oversized;        /* points at which attach held a mapping larger than the file */
	size_t map_len;       /* the last such mapping's length */
	long long file_size;  /* and the file's size then */
	const char *where[2]; /* "before" or "after", and the call's name */
} cr;

/* Attach's calls in a run without the creator, for each file (their kinds in order) and their count. */
static enum ip_kind calls[BASES][IP_TRACE];
static int ncalls[BASES];
/* In the all-sealed run, the index of each call the model needs. */
static int at_seals, at_map, at_lock;

static bool put_word(size_t offset, uint64_t value)
{
	return pwrite(cr.own, &value, sizeof value, (off_t)offset) == (ssize_t)sizeof value;
}

static bool seal_all(void)
{
	return __real_fcntl(cr.own, F_ADD_SEALS, SPSC_SHM_SEALS) == 0;
}

static off_t role_byte(enum spsc_shm_role role)
{
	return (off_t)(role == SPSC_SHM_PRODUCER ? offsetof(struct spsc_shm_segment, tail)
	                                         : offsetof(struct spsc_shm_segment, head));
}

/* The creator's action; whether the kernel let it take effect. */
static bool act(void)
{
	off_t size = (off_t)spsc_shm_segment_size(CAP);
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = role_byte(cr.role), .l_len = 1};

	switch (cr.action) {
	case SHRINK:
		return __real_ftruncate(cr.own, SMALL) == 0 && seal_all();
	case GROW:
		return __real_ftruncate(cr.own, 2 * size) == 0 && seal_all();
	case WRITE_SEAL:
		return __real_fcntl(cr.own, F_ADD_SEALS, F_SEAL_WRITE | SPSC_SHM_SEALS) == 0;
	case MAGIC:
		return put_word(offsetof(struct spsc_shm_segment, magic), 0);
	case CAPACITY:
		return put_word(offsetof(struct spsc_shm_segment, capacity), 2 * CAP) &&
		       put_word(offsetof(struct spsc_shm_segment, segment_size), spsc_shm_segment_size(2 * CAP));
	case TAIL:
		return put_word(offsetof(struct spsc_shm_segment, tail), 2 + 2 * CAP);
	default: /* ROLE */
		return __real_fcntl(cr.thief, F_OFD_SETLK, &lock) == 0;
	}
}

/* At every point: the creator acts at its own, and attach's mapping, if any, must lie inside the file. */
static void hook(int point)
{
	struct stat st;

	if (point == cr.point)
		cr.acted = act();
	if (ip.live_maps > 0 && __real_fstat(cr.own, &st) == 0 && ip.map_len > (size_t)st.st_size) {
		cr.oversized++;
		cr.map_len = ip.map_len;
		cr.file_size = (long long)st.st_size;
	}
}

/* A second description of fd's memfd, as spsc_shm.h opens one. */
static int reopen(int fd)
{
	char path[32];

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return __real_open(path, O_RDWR | O_CLOEXEC);
}

/* The header of a good ring of CAP slots. */
static bool put_header(void)
{
	uint64_t words[5] = {SPSC_SHM_MAGIC, SPSC_SHM_VERSION, CAP, SPSC_SHM_SLOTS_OFFSET, spsc_shm_segment_size(CAP)};

	return pwrite(cr.own, words, sizeof words, 0) == (ssize_t)sizeof words;
}

/* The memfd the creator hands over: a good ring holding two items, with base's seals. */
static void make_segment(enum base b)
{
	uint64_t size = spsc_shm_segment_size(CAP);
	uint64_t items[2] = {ITEM0, ITEM0 + 1};

	cr.fd = memfd_create("creator", MFD_ALLOW_SEALING);
	if (cr.fd < 0 || ftruncate(cr.fd, (off_t)size) != 0 || (cr.own = reopen(cr.fd)) < 0 ||
	    (cr.thief = reopen(cr.fd)) < 0) {
		perror("creator: memfd");
		exit(1);
	}
	bool ok = put_header() && pwrite(cr.own, items, sizeof items, SPSC_SHM_SLOTS_OFFSET) == (ssize_t)sizeof items &&
	          put_word(offsetof(struct spsc_shm_segment, tail), 2);
	if (b == SIZE_SEALED)
		ok = ok && __real_fcntl(cr.own, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0;
	if (b == ALL_SEALED)
		ok = ok && seal_all();
	if (!ok) {
		perror("creator: write the segment");
		exit(1);
	}
}

static void drop_segment(void)
{
	close(cr.fd);
	close(cr.own);
	close(cr.thief);
}

/*
 * The model: what attach must give (0 or an errno), from the contract's
 * order of checks (seals, size, mapping, header, role, counters) and
 * where the action took effect, if it did.
 */
static int expected(enum base b)
{
	bool resealed = cr.action == SHRINK || cr.action == GROW || cr.action == WRITE_SEAL;
	int p = cr.point;

	if (b != ALL_SEALED && !(cr.acted && resealed && p <= 2 * at_seals))
		return EPERM; /* not all seals at the check */
	if (!cr.acted)
		return 0;
	switch (cr.action) {
	case SHRINK:
	case GROW:
		return EMSGSIZE; /* acted, so before the seal check: the size attach read is not the header's */
	case WRITE_SEAL:
		return EPERM; /* mmap refuses a writable mapping */
	case MAGIC:
		return p <= 2 * at_map + 1 ? EINVAL : 0;
	case CAPACITY:
		return p <= 2 * at_map + 1 ? EMSGSIZE : 0;
	case ROLE:
		return p <= 2 * at_lock ? EBUSY : 0;
	default: /* TAIL */
		return p <= 2 * at_lock + 1 ? ENOTRECOVERABLE : 0;
	}
}

/* The role's byte is not locked by anyone but the creator's thief. */
static bool role_free(void)
{
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = role_byte(cr.role), .l_len = 1};

	if (cr.action == ROLE && cr.acted)
		return true;
	return __real_fcntl(cr.own, F_OFD_GETLK, &lock) == 0 && lock.l_type == F_UNLCK;
}

static void refused(const char *what, const spsc_shm *h, int fds)
{
	CHECK(h->seg == NULL && ip.live_maps == 0 && ip_maps_of("creator") == 0,
	      "%s: refused, and left %d mapping(s) (%d in /proc/self/maps)", what, ip.live_maps, ip_maps_of("creator"));
	CHECK(ip_open_fds() == fds, "%s: refused, and left %d fd(s) open", what, ip_open_fds() - fds);
	CHECK(role_free(), "%s: refused, and left its role held", what);
}

/* An attach that succeeded: what it checked is what it holds, its role is its own, its slots work. */
static void accepted(const char *what, spsc_shm *h, int fds)
{
	struct stat st;
	spsc_shm second;
	uint64_t v = 0, w = 0;

	CHECK(fstat(cr.own, &st) == 0 && (size_t)st.st_size == h->map_size && spsc_shm_capacity(h) == CAP &&
	              (fcntl(cr.own, F_GET_SEALS) & SPSC_SHM_SEALS) == SPSC_SHM_SEALS,
	      "%s: attached a mapping of %zu bytes, capacity %llu, to a file of %lld bytes", what, h->map_size,
	      (unsigned long long)spsc_shm_capacity(h), (long long)st.st_size);
	/* A header rewritten after attach read it is ignored; put back, it lets a second attach reach the role. */
	CHECK(put_header() && spsc_shm_attach(&second, cr.fd, cr.role) == -1 && errno == EBUSY,
	      "%s: a second %s was not refused with EBUSY", what,
	      cr.role == SPSC_SHM_PRODUCER ? "producer" : "consumer");
	if (cr.role == SPSC_SHM_CONSUMER)
		CHECK(spsc_shm_try_pop(h, &v) && spsc_shm_try_pop(h, &w) && v == ITEM0 && w == ITEM0 + 1 &&
		              !spsc_shm_try_pop(h, &v),
		      "%s: the consumer did not pop the two items held", what);
	else
		CHECK(spsc_shm_try_push(h, 7) && pread(cr.own, &v, 8, SPSC_SHM_SLOTS_OFFSET + 16) == 8 && v == 7,
		      "%s: the producer's push did not land in slot 2", what);
	ip_arm(NULL, 0, NULL);
	spsc_shm_detach(h);
	ip_disarm();
	CHECK(ip.live_maps == 0 && ip_maps_of("creator") == 0 && ip_open_fds() == fds,
	      "%s: detach left %d mapping(s), %d fd(s)", what, ip.live_maps, ip_open_fds() - fds);
}

/* Counts of the outcomes: index 0 for attached, else the errno. */
static unsigned outcomes[ENOTRECOVERABLE + 1];

static void one_case(enum base b, enum spsc_shm_role role, enum action a, int point)
{
	char what[200];
	spsc_shm h;

	memset(&cr, 0, sizeof cr);
	cr.role = role, cr.action = a, cr.point = point;
	make_segment(b);
	snprintf(what, sizeof what, "%s, %s, %s %s %s", base_names[b],
	         role == SPSC_SHM_PRODUCER ? "producer" : "consumer", action_names[a], point % 2 ? "after" : "before",
	         ip_names[calls[b][point / 2]]);
	int fds = ip_open_fds(), want = -1;
	ip_arm(NULL, 0, hook);
	int rc = spsc_shm_attach(&h, cr.fd, role);
	int err = rc == 0 ? 0 : errno;
	ip_disarm();
	want = expected(b);
	CHECK(cr.oversized == 0, "%s: attach held a mapping of %zu bytes over a file of %lld bytes", what, cr.map_len,
	      cr.file_size);
	CHECK((rc == 0 || rc == -1) && err == want, "%s: attach gave %d (%s), the contract says %s", what, rc,
	      strerror(err), strerror(want));
	if (rc == 0)
		accepted(what, &h, fds);
	else
		refused(what, &h, fds);
	outcomes[err <= ENOTRECOVERABLE ? err : 0]++;
	drop_segment();
}

/* Attach's calls on each file without the creator; the model's landmarks in the all-sealed run. */
static void dry_runs(void)
{
	spsc_shm h;

	for (int b = 0; b < BASES; b++) {
		memset(&cr, 0, sizeof cr);
		cr.point = -1;
		make_segment((enum base)b);
		ip_arm(NULL, 0, NULL);
		int rc = spsc_shm_attach(&h, cr.fd, SPSC_SHM_CONSUMER);
		ip_disarm();
		CHECK((rc == 0) == (b == ALL_SEALED), "%s: attach without the creator gave %d", base_names[b], rc);
		ncalls[b] = ip.ncalls < IP_TRACE ? ip.ncalls : IP_TRACE;
		memcpy(calls[b], ip.trace, sizeof calls[b]);
		ip_arm(NULL, 0, NULL); /* so that its munmap is counted too */
		spsc_shm_detach(&h);
		ip_disarm();
		drop_segment();
	}
	at_seals = at_map = at_lock = -1;
	for (int k = 0; k < ncalls[ALL_SEALED]; k++) {
		enum ip_kind c = calls[ALL_SEALED][k];
		at_seals = c == IP_GET_SEALS ? k : at_seals;
		at_map = c == IP_MMAP ? k : at_map;
		at_lock = c == IP_LOCK ? k : at_lock;
	}
	CHECK(at_seals >= 0 && at_map > at_seals && at_lock > at_map,
	      "attach's calls are not the ones this test knows");
}

int main(void)
{
	unsigned cases = 0;

	dry_runs();
	for (int b = 0; b < BASES; b++)
		for (int r = SPSC_SHM_PRODUCER; r <= SPSC_SHM_CONSUMER; r++)
			for (int a = 0; a < ACTIONS; a++)
				for (int p = 0; p < 2 * ncalls[b]; p++, cases++)
					one_case((enum base)b, (enum spsc_shm_role)r, (enum action)a, p);
	if (check_status() != 0)
		return 1;
	printf("creator: %u cases (3 files x 2 roles x 7 actions x each point of attach's %d calls), %u checks passed: "
	       "%u attached as without the creator, refused %u EPERM, %u EMSGSIZE, %u EINVAL, %u EBUSY, "
	       "%u ENOTRECOVERABLE, each leaving nothing; no mapping ever larger than the file\n",
	       cases, ncalls[ALL_SEALED], checks, outcomes[0], outcomes[EPERM], outcomes[EMSGSIZE], outcomes[EINVAL],
	       outcomes[EBUSY], outcomes[ENOTRECOVERABLE]);
	return 0;
}
