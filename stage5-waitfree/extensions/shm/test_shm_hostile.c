/*
 * stage5-waitfree/extensions/shm/test_shm_hostile.c: spsc_shm.h against hostile segments and a
 * hostile peer. Built with AddressSanitizer + UBSan by stage5-waitfree/extensions/shm/shm.mk
 * (`make ipc-hostile`), run by `make check` (check-shm, ipc-test).
 *
 * Before attach, a segment that is wrong in any way must be refused with
 * the documented errno value and nothing mapped: wrong sizes, magic,
 * version, slot offset, capacity, recorded size, a file missing any of
 * the three seals, a file that is not a memfd, a closed fd, counters more
 * than a capacity apart.
 *
 * After attach, a peer may write anything into the segment. What is
 * promised: no access outside the slots this side validated, and a side's
 * own position never moves but by its own calls. What is not: the items
 * (a peer that moves tail ahead makes the consumer read garbage, within the
 * slots) and progress (a peer that moves head past tail makes the producer
 * refuse for ever). Counters more than a capacity apart are refused and
 * reported by spsc_shm_peer_corrupt. To make any stray access fault, the
 * page after each mapping is reserved PROT_NONE where it is free.
 *
 * Roles: a second producer or consumer is refused (EBUSY), whether the
 * first is in this process or another; detach releases a role, and so
 * does the holder's death (before it is reaped).
 *
 * A check that cannot fail proves nothing: the first case (a good segment)
 * must attach, and each refusal is compared with its exact errno value.
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CHECK_NAME "hostile"
#include "check.h"
#include "clock.h"
#include "guard.h"
#include "extensions/shm/spsc_shm.h"

/* A header as spsc_shm_create writes it, for a capacity. */
struct fields {
	uint64_t magic, version, capacity, offset, recorded, head, tail;
};

static struct fields good(uint64_t capacity)
{
	return (struct fields){SPSC_SHM_MAGIC,
	                       SPSC_SHM_VERSION,
	                       capacity,
	                       SPSC_SHM_SLOTS_OFFSET,
	                       spsc_shm_segment_size(capacity),
	                       0,
	                       0};
}

/* A memfd of `size` bytes holding f's header (as much of it as fits), with `seals`. */
static int segment(const struct fields *f, uint64_t size, int seals)
{
	int fd = memfd_create("hostile", MFD_ALLOW_SEALING);
	unsigned char buf[SPSC_SHM_SLOTS_OFFSET];

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror("hostile: memfd");
		exit(1);
	}
	memset(buf, 0, sizeof buf);
	uint64_t words[5] = {f->magic, f->version, f->capacity, f->offset, f->recorded};
	memcpy(buf, words, sizeof words);
	memcpy(buf + offsetof(struct spsc_shm_segment, head), &f->head, 8);
	memcpy(buf + offsetof(struct spsc_shm_segment, tail), &f->tail, 8);
	size_t n = size < sizeof buf ? (size_t)size : sizeof buf;
	if (pwrite(fd, buf, n, 0) != (ssize_t)n || (seals != 0 && fcntl(fd, F_ADD_SEALS, seals) != 0)) {
		perror("hostile: write the segment");
		exit(1);
	}
	return fd;
}

/*
 * What attach said: 0, or the errno value of its refusal. A refusal must
 * return exactly -1 and leave nothing mapped (each counted as a check only
 * when it fails, so that the count is the same run to run).
 */
static int attach_errno(spsc_shm *h, int fd, enum spsc_shm_role role)
{
	errno = 0;
	int rc = spsc_shm_attach(h, fd, role);
	int err = rc == 0 ? 0 : errno;

	if (rc != 0 && rc != -1)
		CHECK(false, "a refused attach returned %d, not -1", rc);
	if (rc != 0 && h->seg != NULL)
		CHECK(false, "a refused attach left a mapping");
	return err;
}

static int try_attach(const struct fields *f, uint64_t size, int seals, enum spsc_shm_role role)
{
	spsc_shm h;
	int fd = segment(f, size, seals);
	int err = attach_errno(&h, fd, role);

	if (err == 0)
		spsc_shm_detach(&h);
	close(fd);
	return err;
}

static void refused(const char *what, const struct fields *f, uint64_t size, int want)
{
	int err = try_attach(f, size, SPSC_SHM_SEALS, SPSC_SHM_CONSUMER);
	int err2 = try_attach(f, size, SPSC_SHM_SEALS, SPSC_SHM_PRODUCER);
	CHECK(err == want && err2 == want, "%s: attach gave %s / %s, expected %s", what, strerror(err), strerror(err2),
	      strerror(want));
}

/* Files of the wrong size for the header, or for the capacity it records. */
static void refused_sizes(void)
{
	struct fields f = good(64);
	uint64_t size = spsc_shm_segment_size(64);

	refused("empty file", &f, 0, EMSGSIZE);
	refused("smaller than the header", &f, SPSC_SHM_SLOTS_OFFSET - 1, EMSGSIZE);
	refused("header only", &f, SPSC_SHM_SLOTS_OFFSET, EMSGSIZE);
	refused("one slot short", &f, size - 8, EMSGSIZE);
	refused("one slot long", &f, size + 8, EMSGSIZE);
	f.recorded = size - 8;
	refused("a file one slot short of what it records", &f, size - 8, EMSGSIZE);
}

/* A header that is not this layout's, or a capacity the file does not hold. */
static void refused_headers(void)
{
	struct fields f;
	uint64_t size = spsc_shm_segment_size(64);

	f = good(64), f.magic ^= 1;
	refused("wrong magic", &f, size, EINVAL);
	f = good(64), f.version = 2;
	refused("wrong version", &f, size, EINVAL);
	f = good(64), f.offset = 64;
	refused("slot offset inside the header", &f, size, EINVAL);
	static const uint64_t bad_caps[] = {0, 3, 63, 65, UINT64_MAX, UINT64_C(1) << 63, SPSC_SHM_MAX_CAPACITY * 2};
	for (size_t i = 0; i < sizeof bad_caps / sizeof bad_caps[0]; i++) {
		f = good(64), f.capacity = bad_caps[i];
		refused("a bad capacity", &f, size, EINVAL);
	}
	f = good(64), f.capacity = 128;
	refused("capacity too large for the segment", &f, size, EMSGSIZE);
	f = good(64), f.capacity = 32;
	refused("capacity too small for the segment", &f, size, EMSGSIZE);
	f = good(64), f.capacity = SPSC_SHM_MAX_CAPACITY, f.recorded = size;
	refused("the largest capacity in a small segment", &f, size, EMSGSIZE);
}

/* Counters more than a capacity apart; a full ring across their wrap is not. */
static void refused_counters(void)
{
	struct fields f;
	uint64_t size = spsc_shm_segment_size(64);

	f = good(64), f.tail = 65;
	refused("tail more than a capacity ahead", &f, size, ENOTRECOVERABLE);
	f = good(64), f.head = 1;
	refused("head ahead of tail", &f, size, ENOTRECOVERABLE);
	f = good(64), f.head = UINT64_MAX - 3, f.tail = 60; /* 64 held, across the wrap: fine */
	CHECK(try_attach(&f, size, SPSC_SHM_SEALS, SPSC_SHM_CONSUMER) == 0,
	      "a full ring across the counters' wrap was refused");
}

/* Not a ring at all: a file missing a seal, a pipe, a closed fd, a bad role; create's bad capacities. */
static void refused_files(void)
{
	struct fields f = good(64);
	uint64_t size = spsc_shm_segment_size(64);
	int pipefd[2];
	spsc_shm h;

	static const int short_of_one[] = {0, F_SEAL_GROW | F_SEAL_SEAL, F_SEAL_SHRINK | F_SEAL_SEAL,
	                                   F_SEAL_SHRINK | F_SEAL_GROW};
	for (size_t i = 0; i < sizeof short_of_one / sizeof short_of_one[0]; i++)
		CHECK(try_attach(&f, size, short_of_one[i], SPSC_SHM_CONSUMER) == EPERM,
		      "a segment with seals %#x, not all of %#x, was not refused with EPERM", (unsigned)short_of_one[i],
		      (unsigned)SPSC_SHM_SEALS);
	CHECK(try_attach(&f, size, SPSC_SHM_SEALS, (enum spsc_shm_role)3) == EINVAL,
	      "a bad role was not refused with EINVAL");
	CHECK(pipe(pipefd) == 0, "pipe");
	CHECK(attach_errno(&h, pipefd[0], SPSC_SHM_CONSUMER) == ENOTSUP, "a pipe was not refused with ENOTSUP");
	close(pipefd[0]);
	close(pipefd[1]);
	CHECK(attach_errno(&h, pipefd[0], SPSC_SHM_CONSUMER) == EBADF, "a closed fd was not refused with EBADF");
	spsc_shm_detach(&h); /* a refused handle: a no-op */
	CHECK(spsc_shm_create(0) < 0 && errno == EINVAL, "create(0) did not fail with EINVAL");
	CHECK(spsc_shm_create(SPSC_SHM_MAX_CAPACITY + 1) < 0 && errno == EINVAL,
	      "create(too large) did not fail with EINVAL");
}

static void before_attach(void)
{
	struct fields f = good(64);

	/* The first case must attach, or every refusal below proves nothing. */
	CHECK(try_attach(&f, spsc_shm_segment_size(64), SPSC_SHM_SEALS, SPSC_SHM_CONSUMER) == 0,
	      "a good segment was refused");
	refused_sizes();
	refused_headers();
	refused_counters();
	refused_files();
}

/*
 * Both sides of a fresh ring of `cap` in this process, its counters at
 * `start` (a high start makes an index that escaped the mask land far
 * outside the mapping), each with a guard page after its mapping.
 */
static void pair(uint64_t cap, uint64_t start, spsc_shm *p, spsc_shm *c)
{
	int fd = spsc_shm_create(cap);

	CHECK(fd >= 0, "create(%llu): %s", (unsigned long long)cap, strerror(errno));
	struct spsc_shm_segment *seg =
	        mmap(NULL, (size_t)spsc_shm_segment_size(cap), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(seg != MAP_FAILED, "mmap: %s", strerror(errno));
	atomic_store(&seg->head, start);
	atomic_store(&seg->tail, start);
	munmap(seg, (size_t)spsc_shm_segment_size(cap));
	CHECK(spsc_shm_attach(p, fd, SPSC_SHM_PRODUCER) == 0, "producer attach");
	CHECK(spsc_shm_attach(c, fd, SPSC_SHM_CONSUMER) == 0, "consumer attach");
	close(fd);
	/* Left in place until the process exits: a few pages. */
	(void)guard_after(p->seg, p->map_size);
	(void)guard_after(c->seg, c->map_size);
}

/* n pushes and pops in bursts, items checked when `exact`; returns the items popped. */
static uint64_t churn(spsc_shm *p, spsc_shm *c, unsigned n, bool exact, uint64_t *next_push, uint64_t *next_pop)
{
	uint64_t popped = 0, v;

	for (unsigned i = 0; i < n; i++) {
		if (i % 7 < 4) {
			if (spsc_shm_try_push(p, *next_push))
				++*next_push;
		} else if (spsc_shm_try_pop(c, &v)) {
			CHECK(!exact || v == *next_pop, "popped %llu, expected %llu", (unsigned long long)v,
			      (unsigned long long)*next_pop);
			++*next_pop;
			popped++;
		}
	}
	return popped;
}

/* The capacity, offset, size and magic rewritten after attach: ignored, items still exact. */
static void header_rewritten(void)
{
	spsc_shm p, c;
	uint64_t np = 0, nc = 0;

	pair(64, UINT64_C(1) << 40, &p, &c);
	atomic_store(&p.seg->capacity, UINT64_MAX);
	atomic_store(&p.seg->slots_offset, UINT64_C(1) << 40);
	atomic_store(&p.seg->segment_size, 1);
	atomic_store(&p.seg->magic, 0);
	CHECK(churn(&p, &c, 700, true, &np, &nc) > 100, "a rewritten header stopped the ring");
	CHECK(spsc_shm_capacity(&p) == 64 && spsc_shm_capacity(&c) == 64, "the private capacity moved");
	spsc_shm_detach(&p);
	spsc_shm_detach(&c);
}

/*
 * The consumer's head, then tail, rewritten by the peer. Its own head: it
 * keeps its private position. tail a little ahead (within the capacity):
 * garbage items, in bounds. tail far ahead: refused and reported, never read.
 */
static void counters_moved_under_the_consumer(spsc_shm *p, spsc_shm *c, uint64_t *np, uint64_t *nc)
{
	uint64_t v;
	unsigned got = 0;

	churn(p, c, 100, true, np, nc);
	atomic_store(&c->seg->head, UINT64_C(1) << 50);
	churn(p, c, 300, true, np, nc);
	CHECK(*nc > 100, "the consumer stopped after its head was rewritten");
	atomic_store(&c->seg->tail, c->head + 5);
	while (got < 20 && spsc_shm_try_pop(c, &v))
		got++;
	CHECK(got <= 8, "popped %u items from a ring of 8", got);
	atomic_store(&c->seg->tail, c->head + (UINT64_C(1) << 40));
	c->tail_cache = c->head; /* as after a drain: the next pop reloads */
	CHECK(!spsc_shm_try_pop(c, &v) && spsc_shm_peer_corrupt(c), "a tail 2^40 ahead was not refused");
}

/* A few hundred operations on a wrecked ring, with random counters: never out of bounds. */
static void wrecked(spsc_shm *p, spsc_shm *c, uint64_t *np, uint64_t *nc)
{
	uint64_t rng = 1, v;

	for (unsigned i = 0; i < 400; i++) {
		if (i % 50 == 0) {
			atomic_store(&p->seg->tail, rng_next(&rng));
			atomic_store(&p->seg->head, rng_next(&rng));
			atomic_store(&p->seg->capacity, rng_next(&rng) << 20);
			p->head_cache = rng_next(&rng); /* as if the peer had fooled an earlier reload */
			c->tail_cache = c->head + 1 + rng_next(&rng) % 8;
		}
		churn(p, c, 1, false, np, nc);
		(void)spsc_shm_try_pop(c, &v);
	}
}

static void after_attach(void)
{
	spsc_shm p, c;
	uint64_t np = 0, nc = 0;

	header_rewritten();
	pair(8, UINT64_MAX - 50, &p, &c);
	counters_moved_under_the_consumer(&p, &c, &np, &nc);
	/* head past the producer's tail: the producer refuses, and says why. */
	atomic_store(&p.seg->head, p.tail + 100);
	p.head_cache = p.tail - 8; /* as when it last saw a full ring: the next push reloads */
	CHECK(!spsc_shm_try_push(&p, 1) && spsc_shm_peer_corrupt(&p), "a head ahead of tail was not refused");
	wrecked(&p, &c, &np, &nc);
	spsc_shm_detach(&p);
	spsc_shm_detach(&c);
}

/*
 * Another process attaches as the producer and holds the role until it
 * is killed: meanwhile this one is refused (EBUSY); once the pidfd says
 * it has exited, before it is reaped (a zombie holds no role), the role
 * is free.
 */
static void role_held_elsewhere(int fd)
{
	int pipefd[2], status;
	spsc_shm h;
	char ok = 0;

	CHECK(pipe(pipefd) == 0, "pipe");
	pid_t child = fork();
	if (child == 0) {
		ok = spsc_shm_attach(&h, fd, SPSC_SHM_PRODUCER) == 0;
		if (write(pipefd[1], &ok, 1) == 1)
			pause();
		_exit(1);
	}
	int pidfd = spsc_shm_watch(child);
	CHECK(read(pipefd[0], &ok, 1) == 1 && ok && pidfd >= 0, "the child could not attach as the producer");
	CHECK(attach_errno(&h, fd, SPSC_SHM_PRODUCER) == EBUSY, "a producer held by another process was not refused");
	kill(child, SIGKILL);
	uint64_t deadline = now_ns() + UINT64_C(10000000000);
	while (spsc_shm_exited(pidfd) == 0 && now_ns() < deadline)
		usleep(100);
	CHECK(spsc_shm_exited(pidfd) == 1 && attach_errno(&h, fd, SPSC_SHM_PRODUCER) == 0,
	      "the role of a dead producer was not free");
	spsc_shm_detach(&h);
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	close(pidfd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* One holder per role: a second attach is refused (EBUSY); detach releases the role, and so does death. */
static void roles(void)
{
	int fd = spsc_shm_create(8);
	spsc_shm p, c, again;

	CHECK(attach_errno(&p, fd, SPSC_SHM_PRODUCER) == 0 && attach_errno(&c, fd, SPSC_SHM_CONSUMER) == 0,
	      "the two roles did not attach");
	CHECK(attach_errno(&again, fd, SPSC_SHM_PRODUCER) == EBUSY, "a second producer was not refused with EBUSY");
	CHECK(attach_errno(&again, fd, SPSC_SHM_CONSUMER) == EBUSY, "a second consumer was not refused with EBUSY");
	spsc_shm_detach(&p);
	CHECK(attach_errno(&p, fd, SPSC_SHM_PRODUCER) == 0, "detach did not release the producer's role");
	spsc_shm_detach(&p);
	spsc_shm_detach(&c);
	CHECK(attach_errno(&c, fd, SPSC_SHM_CONSUMER) == 0, "detach did not release the consumer's role");
	role_held_elsewhere(fd);
	spsc_shm_detach(&c);
	close(fd);
}

int main(void)
{
	before_attach();
	after_attach();
	roles();
	if (check_status() != 0)
		return 1;
	printf("hostile: %u checks passed: every bad segment refused with its errno value, nothing mapped; "
	       "a rewritten header ignored; counters a peer moved kept every access inside the slots; a second "
	       "holder of a role refused (EBUSY), in this process and from another, until detach or death\n",
	       checks);
	return 0;
}
