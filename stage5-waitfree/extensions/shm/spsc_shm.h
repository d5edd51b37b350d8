/*
 * stage5-waitfree/extensions/shm/spsc_shm.h: stage 5's ring shared between two processes.
 *
 * Not a rung of the ladder: an extension of stage 5, whose spsc.h it
 * includes for two things, SPSC_CACHE_LINE and spsc_round_up_pow2_;
 * stage 5's queue is unchanged. `make diff-shm` shows this file against
 * spsc.h, in the same words: head, tail, head_cache, tail_cache.
 * common/CONTRACT.md states the contract, and the one error convention of
 * stage 5's extensions that every call here follows: -1 with errno on
 * failure, try calls false when full or empty. The includer defines
 * _GNU_SOURCE before its first #include (memfd_create, F_ADD_SEALS).
 * stage5-waitfree/extensions/shm/ tests it, attacks it and measures it.
 *
 * The protocol is stage 5's: each side caches the other side's counter and
 * reloads it only when the ring looks full (producer) or empty (consumer);
 * every acquire and release below is the one of spsc.h, with the same pair.
 * What changes is where things live. Stage 5's struct holds a heap pointer
 * to the slots and reads its mask from the struct, so it cannot be mapped
 * into two processes. Here:
 *
 *   the segment (a memfd, mapped MAP_SHARED by both processes) holds only
 *   plain numbers: a header (magic, layout version, capacity, slot offset,
 *   segment size), head and tail each on a line of its own, then the slots
 *   at a fixed offset from the mapping's base. No pointer is ever stored in
 *   it: each process maps it at its own address.
 *
 *   each side's handle (spsc_shm, in its own process's memory) holds the
 *   mapping's base, capacity and mask as validated once by spsc_shm_attach,
 *   its own counter and its cached copy of the other side's (the producer
 *   tail and head_cache, the consumer head and tail_cache, as in stage 5).
 *   Every index is masked with the private mask, and a side's own
 *   position is its private counter, so a peer that rewrites the segment
 *   after attach (capacity, head, tail) cannot make this side read or write
 *   outside its slots. It can make it read garbage items or refuse forever;
 *   see common/CONTRACT.md on a hostile peer.
 *
 * Cross-process atomics: a lock-free atomic is address-free (C11 7.17.5),
 * so it works between processes that map the same memory at different
 * addresses; a lock-based one would take a lock in each process's private
 * table and protect nothing. The static_asserts below refuse to build where
 * the counters would not be lock-free.
 *
 * Roles: one producer and one consumer at a time. spsc_shm_attach takes
 * its role with an open file description lock (fcntl F_OFD_SETLK, Linux
 * 3.15) on one byte of the memfd, through a description of its own
 * (opened from /proc/self/fd), held in the handle: a second attach of a
 * role held by anyone, in this process or another, is refused (EBUSY).
 * The kernel drops the lock when the description's last fd is closed:
 * spsc_shm_detach, or the death of the process (a zombie holds none). A
 * child forked while a role is held shares the description, so the role
 * too, until it detaches its copy or exits; an exec drops it (the fd is
 * close-on-exec). No pid is stored, so pid reuse and pid namespaces
 * cannot matter, and the lock is the kernel's, not in the segment: a peer
 * writing the segment cannot release a role. A peer holding the fd can
 * take a role's lock and keep it (the others get EBUSY): a refusal of
 * service, as a peer that moves head past tail.
 *
 * Death of the producer: spsc_shm_watch(pid) opens a pidfd for it, and
 * spsc_shm_exited(pidfd) tells the consumer, without blocking, whether it
 * has exited (pidfds: Linux 5.3). The consumer's rule: when a pop finds
 * the ring empty and the producer has exited, pop once more until empty;
 * then nothing more will come. That the last reload of tail sees the last
 * publish is Linux's, not C11's, which knows no processes; spsc_shm_exited
 * says what each part guarantees. The kill test
 * (stage5-waitfree/extensions/shm/test_shm_kill.c) checks it, and that a
 * restarted producer takes the dead one's role, 100 times.
 *
 * Linux only (memfd_create, file seals, OFD locks, /proc/self/fd,
 * pidfd_open); 64-bit counters.
 */
#ifndef SPSC_SHM_H
#define SPSC_SHM_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before the first #include: stage 5's extensions make Linux system calls (common/CONTRACT.md)"
#endif

#include <assert.h>      /* static_assert */
#include <errno.h>       /* errno and its values */
#include <fcntl.h>       /* fcntl, F_ADD_SEALS, F_GET_SEALS */
#include <poll.h>        /* poll */
#include <stdalign.h>    /* alignas */
#include <stdatomic.h>   /* the shared counters and header fields */
#include <stdbool.h>     /* bool */
#include <stddef.h>      /* offsetof, size_t */
#include <stdint.h>      /* uint64_t */
#include <stdio.h>       /* snprintf: the /proc path of a role's fd */
#include <sys/mman.h>    /* memfd_create, mmap, munmap */
#include <sys/stat.h>    /* fstat */
#include <sys/syscall.h> /* SYS_pidfd_open */
#include <sys/types.h>   /* off_t, pid_t */
#include <unistd.h>      /* close, ftruncate, syscall */

#include "../../spsc.h" /* two things of stage 5: SPSC_CACHE_LINE, spsc_round_up_pow2_ */

#define SPSC_SHM_MAGIC   UINT64_C(0x314d485343505353) /* "SSPCSHM1" read as little-endian bytes */
#define SPSC_SHM_VERSION UINT64_C(1)

/*
 * The largest ring: its slots and the header must fit in an off_t and a
 * size_t with room to spare. 2^56 slots (2^59 bytes).
 */
#define SPSC_SHM_MAX_CAPACITY (UINT64_C(1) << 56)
static_assert(SPSC_SHM_MAX_CAPACITY <= SPSC_MAX_CAPACITY, "spsc_round_up_pow2_ cannot round every capacity");

/*
 * Lock-free, hence address-free: the counters work between processes.
 * uint64_t is unsigned long on LP64 and unsigned long long elsewhere: both must be.
 */
static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics are not always lock-free: not usable across processes");
static_assert(ATOMIC_LONG_LOCK_FREE == 2 || sizeof(long) < 8, "long atomics are not always lock-free");
static_assert(sizeof(uint64_t) == sizeof(unsigned long long) || sizeof(uint64_t) == sizeof(unsigned long),
              "uint64_t is neither long nor long long");

/*
 * The segment, at offset 0 of the mapping. Every field is a plain number.
 * The header fields are atomics read once each at attach (relaxed): a
 * hostile peer rewriting them concurrently is then a value we refuse or a
 * value we ignore, never a data race.
 */
struct spsc_shm_segment {
	/*
	 * Written by the creating process (spsc_shm_create), before it shares
	 * the fd (fork, SCM_RIGHTS: either orders these stores before the
	 * other process's attach); read by each process once, in spsc_shm_attach.
	 */
	_Atomic uint64_t magic;        /* SPSC_SHM_MAGIC */
	_Atomic uint64_t version;      /* SPSC_SHM_VERSION: this layout */
	_Atomic uint64_t capacity;     /* slots: a power of two, 1 .. SPSC_SHM_MAX_CAPACITY */
	_Atomic uint64_t slots_offset; /* where slot 0 starts: sizeof(struct spsc_shm_segment) */
	_Atomic uint64_t segment_size; /* bytes: slots_offset + capacity * 8, the file's size */

	/* The consumer's line. head: pops so far. Written by the consumer process; read by the producer process. */
	alignas(SPSC_CACHE_LINE) _Atomic uint64_t head;
	/* The producer's line. tail: pushes so far. Written by the producer process; read by the consumer process. */
	alignas(SPSC_CACHE_LINE) _Atomic uint64_t tail;
	/*
	 * Then, at slots_offset, the slots: slot[i & mask] holds item i.
	 * Written by the producer process before it publishes tail = i + 1;
	 * read by the consumer process after it sees tail > i.
	 */
	alignas(SPSC_CACHE_LINE) unsigned char slots_start[];
};

#define SPSC_SHM_SLOTS_OFFSET ((uint64_t)offsetof(struct spsc_shm_segment, slots_start))

static_assert(offsetof(struct spsc_shm_segment, tail) - offsetof(struct spsc_shm_segment, head) >= SPSC_CACHE_LINE,
              "head and tail share a cache line");
static_assert(SPSC_SHM_SLOTS_OFFSET - offsetof(struct spsc_shm_segment, tail) >= SPSC_CACHE_LINE,
              "tail and the slots share a cache line");
static_assert(offsetof(struct spsc_shm_segment, head) >= 5 * sizeof(uint64_t), "the header overlaps head");

enum spsc_shm_role { SPSC_SHM_PRODUCER = 1, SPSC_SHM_CONSUMER = 2 };

/*
 * One side's handle: in that process's own memory, never in the segment.
 * Stage 5's four counters, of which each side uses its two; the other two
 * keep what attach read.
 */
typedef struct spsc_shm {
	struct spsc_shm_segment *seg; /* the mapping's base in this process */
	uint64_t *slots;              /* base + slots_offset, computed here at attach */
	size_t map_size;              /* bytes mapped: the file's size at attach */
	uint64_t mask;                /* capacity - 1, validated at attach: every index uses it */
	/* The consumer's. head as it last stored it; tail as last loaded. Written and read by the consumer only. */
	uint64_t head, tail_cache;
	/* The producer's. tail as it last stored it; head as last loaded. Written and read by the producer only. */
	uint64_t tail, head_cache;
	bool peer_corrupt; /* we saw counters more than a capacity apart: a hostile or broken peer */
	int role_fd;       /* holds the role's lock while attached (-1: none); see "Roles" above */
} spsc_shm;

/* A handle attached to nothing: what a refused attach and a detach leave. */
static inline spsc_shm spsc_shm_unattached_(void)
{
	return (spsc_shm){.seg = NULL, .role_fd = -1};
}

/* The segment's size for a capacity (a power of two <= SPSC_SHM_MAX_CAPACITY). */
static inline uint64_t spsc_shm_segment_size(uint64_t capacity)
{
	return SPSC_SHM_SLOTS_OFFSET + capacity * sizeof(uint64_t);
}

/*
 * The seals attach requires, and create sets: the size fixed both ways
 * (no process can shrink the file under a mapping, which would turn an
 * access into SIGBUS, nor grow it), and the seals themselves fixed: no
 * seal can be added (a write seal would fail our writable mapping) or
 * removed (seals never can be).
 */
#define SPSC_SHM_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* A refusal, in the extensions' convention: errno = err, and -1. */
static inline int spsc_shm_refuse_(int err)
{
	errno = err;
	return -1;
}

/* close(fd), keeping errno: on Linux the fd is released even when close reports an error, so there is nothing to do. */
static inline void spsc_shm_close_(int fd)
{
	int err = errno;

	close(fd);
	errno = err;
}

/* Writes the header of a new ring of `cap` slots into fd, mapped for that only. 0, or -1 with mmap's errno. */
static inline int spsc_shm_write_header_(int fd, uint64_t cap, uint64_t size)
{
	struct spsc_shm_segment *seg = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (seg == MAP_FAILED)
		return -1;
	/* The file is zero-filled: head = tail = 0. Relaxed: the fd's sharing orders these. */
	atomic_store_explicit(&seg->magic, SPSC_SHM_MAGIC, memory_order_relaxed);
	atomic_store_explicit(&seg->version, SPSC_SHM_VERSION, memory_order_relaxed);
	atomic_store_explicit(&seg->capacity, cap, memory_order_relaxed);
	atomic_store_explicit(&seg->slots_offset, SPSC_SHM_SLOTS_OFFSET, memory_order_relaxed);
	atomic_store_explicit(&seg->segment_size, size, memory_order_relaxed);
	/* Cannot fail: the address and length are mmap's own. Its result is ignored. */
	munmap(seg, (size_t)size);
	return 0;
}

/*
 * A new ring of `capacity` slots (rounded up to a power of two) in a fresh
 * memfd, empty, sealed with SPSC_SHM_SEALS. Returns the fd (close-on-exec
 * off: a fork or exec'd child may inherit it), or -1 with errno, and then
 * no fd is left open and nothing mapped:
 *   EINVAL  capacity 0 or above SPSC_SHM_MAX_CAPACITY (checked before any
 *           system call)
 *   or the failing call's, from the values its manual lists:
 *   memfd_create  EMFILE ENFILE ENOMEM EINVAL EPERM
 *   ftruncate     EINTR EIO EFBIG EINVAL EPERM EBADF
 *   fcntl(F_ADD_SEALS)  EBUSY EINVAL EPERM EBADF
 *   mmap          ENOMEM ENFILE EAGAIN EACCES EINVAL ENODEV EOVERFLOW EPERM EBADF
 * munmap's and close's failures change nothing (see the calls) and are not reported.
 */
static inline int spsc_shm_create(uint64_t capacity)
{
	if (capacity == 0 || capacity > SPSC_SHM_MAX_CAPACITY)
		return spsc_shm_refuse_(EINVAL);
	uint64_t cap = spsc_round_up_pow2_((size_t)capacity);
	uint64_t size = spsc_shm_segment_size(cap);

	int fd = memfd_create("spsc-shm", MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0 || fcntl(fd, F_ADD_SEALS, SPSC_SHM_SEALS) != 0 ||
	    spsc_shm_write_header_(fd, cap, size) != 0) {
		spsc_shm_close_(fd);
		return -1;
	}
	return fd;
}

/*
 * Attach, step 1: the file, before anything is mapped; its seals first,
 * then its size. It must be open (EBADF), a memfd that takes seals
 * (ENOTSUP), sealed with every seal of SPSC_SHM_SEALS (EPERM), at least a
 * header long and at most the largest segment long (EMSGSIZE). Sets *size
 * to its size; 0, or -1 with errno.
 */
static inline int spsc_shm_check_file_(int fd, size_t *size)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0)
		return spsc_shm_refuse_(errno == EINVAL ? ENOTSUP : errno);
	if ((seals & SPSC_SHM_SEALS) != SPSC_SHM_SEALS)
		return spsc_shm_refuse_(EPERM);
	/*
	 * Window (1)-(2), F_GET_SEALS to fstat: safe. With all three seals
	 * set, nobody can change the size or the seals any more, so the size
	 * fstat reads below is the file's for good. The other way round (the
	 * size first) a creator could shrink the file and seal it in between,
	 * and we would map more than the file holds: SIGBUS past its end.
	 */
	if (fstat(fd, &st) != 0)
		return -1;
	if (st.st_size < (off_t)SPSC_SHM_SLOTS_OFFSET ||
	    (uint64_t)st.st_size > spsc_shm_segment_size(SPSC_SHM_MAX_CAPACITY))
		return spsc_shm_refuse_(EMSGSIZE);
	*size = (size_t)st.st_size;
	return 0;
}

/*
 * Attach, step 2: the header of the mapped file, each field read once, so
 * that what we check is what we use. Magic, version and slot offset must
 * be this layout's and the capacity a power of two, 1 to
 * SPSC_SHM_MAX_CAPACITY (EINVAL); the size the header records, and the
 * size of a header and `capacity` slots, must both be the file's (EMSGSIZE).
 * Sets *capacity; 0, or -1 with errno.
 */
static inline int spsc_shm_check_header_(struct spsc_shm_segment *seg, size_t size, uint64_t *capacity)
{
	uint64_t magic = atomic_load_explicit(&seg->magic, memory_order_relaxed);
	uint64_t version = atomic_load_explicit(&seg->version, memory_order_relaxed);
	uint64_t cap = atomic_load_explicit(&seg->capacity, memory_order_relaxed);
	uint64_t offset = atomic_load_explicit(&seg->slots_offset, memory_order_relaxed);
	uint64_t recorded = atomic_load_explicit(&seg->segment_size, memory_order_relaxed);

	if (magic != SPSC_SHM_MAGIC || version != SPSC_SHM_VERSION || offset != SPSC_SHM_SLOTS_OFFSET)
		return spsc_shm_refuse_(EINVAL);
	if (cap == 0 || (cap & (cap - 1)) != 0 || cap > SPSC_SHM_MAX_CAPACITY)
		return spsc_shm_refuse_(EINVAL);
	if (recorded != size || spsc_shm_segment_size(cap) != size)
		return spsc_shm_refuse_(EMSGSIZE);
	*capacity = cap;
	return 0;
}

/*
 * Attach, step 3: the role (see "Roles" above). Opens the memfd again,
 * through /proc/self/fd, for an open file description of our own (fd's
 * may be shared with the other side, by fork or SCM_RIGHTS, and a
 * description never conflicts with its own locks), and locks the role's
 * byte on it: tail's for the producer, head's for the consumer (advisory:
 * no access to the mapping is affected). Returns the new fd, or -1 with
 * errno: EBUSY when another description holds the lock; open's ENOENT (no
 * /proc), EACCES, EMFILE, ENFILE, ENOMEM, EINTR; fcntl's ENOLCK, EINTR,
 * EINVAL, EBADF.
 */
static inline int spsc_shm_claim_role_(int fd, enum spsc_shm_role role)
{
	char path[32];
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};

	lock.l_start = (off_t)(role == SPSC_SHM_PRODUCER ? offsetof(struct spsc_shm_segment, tail)
	                                                 : offsetof(struct spsc_shm_segment, head));
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int role_fd = open(path, O_RDWR | O_CLOEXEC);
	if (role_fd < 0)
		return -1;
	if (fcntl(role_fd, F_OFD_SETLK, &lock) != 0) {
		if (errno == EAGAIN || errno == EACCES) /* the lock is held: by a live holder, or one not yet closed */
			errno = EBUSY;
		spsc_shm_close_(role_fd);
		return -1;
	}
	/*
	 * ACQUIRE fence: the counters we load next were last written by the
	 * role's previous holder (or the other side), before the kernel
	 * dropped its lock at its detach or death. The kernel's release of
	 * the lock and our acquisition of it are ordered by its own lock
	 * (Linux's memory model, not C11's, which knows no file locks); the
	 * fence keeps our loads after the acquisition, in the compiler and
	 * in the CPU, as in spsc_shm_exited.
	 */
	atomic_thread_fence(memory_order_acquire);
	return role_fd;
}

/*
 * Attach, step 4: the counters, to resume where the segment is (0 and 0
 * for a fresh one; where a dead or detached holder of our role left them
 * for a restarted one). head and tail must be at most a capacity apart
 * (ENOTRECOVERABLE). Sets the handle's four counters; 0, or -1 with errno.
 */
static inline int spsc_shm_load_counters_(spsc_shm *h, enum spsc_shm_role role)
{
	/*
	 * Our own counter: relaxed, only our side writes it (its previous
	 * holder's last store is ordered before our role: step 3). The other
	 * side's: ACQUIRE, pairs with its RELEASE store in spsc_shm_try_push
	 * (tail) or spsc_shm_try_pop (head), exactly as the reload there: the
	 * slots below it are written (or read) before we use them.
	 */
	uint64_t head = atomic_load_explicit(&h->seg->head,
	                                     role == SPSC_SHM_PRODUCER ? memory_order_acquire : memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&h->seg->tail,
	                                     role == SPSC_SHM_CONSUMER ? memory_order_acquire : memory_order_relaxed);

	if (tail - head > h->mask + 1)
		return spsc_shm_refuse_(ENOTRECOVERABLE);
	h->head = h->head_cache = head;
	h->tail = h->tail_cache = tail;
	return 0;
}

/*
 * Unmaps this side's view, then releases its role (the lock goes with its
 * fd: see "Roles" above); the segment lives while a mapping or an fd does.
 * Cannot fail: munmap of our own mapping cannot, and Linux releases an fd
 * even when close reports an error; both results are ignored. An
 * unattached handle (a refused attach, a detached one): a no-op.
 */
static inline void spsc_shm_detach(spsc_shm *h)
{
	if (h->seg != NULL) {
		munmap(h->seg, h->map_size);
		if (h->role_fd >= 0)
			spsc_shm_close_(h->role_fd);
	}
	*h = spsc_shm_unattached_();
}

/*
 * Maps the ring in fd and checks it, for one role: the file, its header,
 * the role, the counters (steps 1 to 4 above). Returns 0, or -1 with errno,
 * and then h is left unattached: nothing mapped, no fd open, no role held:
 *   EBADF     fd is not an open file; ENOTSUP: not a sealable memfd
 *   EPERM     the file lacks a seal of SPSC_SHM_SEALS
 *   EMSGSIZE  the file is smaller than the header, or its size is not
 *             the one the header records, or not exactly the header and
 *             `capacity` slots (too small for them, or larger)
 *   EINVAL    bad role (checked before any system call), magic, version,
 *             slot offset, or a capacity that is 0, not a power of two, or
 *             above SPSC_SHM_MAX_CAPACITY
 *   EBUSY     the role is held by another handle, in any process
 *   ENOTRECOVERABLE  head and tail are more than a capacity apart
 *   or the failing call's, from the values its manual lists:
 *   fstat     ENOMEM EOVERFLOW EBADF
 *   mmap      ENOMEM ENFILE EAGAIN EACCES (fd not open for writing) EPERM
 *             (a write seal) ENODEV EINVAL EOVERFLOW
 *   open, fcntl(F_OFD_SETLK)  as in step 3 (ENOENT: /proc is not mounted)
 * The fd may be closed after attach: the mapping keeps the segment alive.
 *
 * Every window between two of its system calls, and why it is safe. The
 * calls: (1) fcntl F_GET_SEALS, (2) fstat, (3) mmap, (4) open, (5) fcntl
 * F_OFD_SETLK; on a refusal, close (of 4's fd) and munmap. A creator or
 * peer may act in any window: resize or seal the file while it can, and
 * write the header and counters at any time.
 *   before (1)   nothing is read yet: what (1) and (2) see is checked.
 *   (1)-(2)      all seals set: size and seals are final (step 1).
 *   (2)-(3)      the size is final, so the mapping is the file's size and
 *                stays inside the file: no access to it can SIGBUS.
 *   (3)-header   the header may be rewritten until we read it: each field
 *                is read once, and only the checked copies are used.
 *   header-(4), (4)-(5)  a rewrite is ignored: capacity, mask, slot offset
 *                and size are private from now on, so every slot either
 *                side touches lies inside the mapping, and the file, which
 *                cannot shrink, covers all of it. The role may be taken by
 *                another: (5) refuses it (EBUSY).
 *   (5)-counters the counters may be rewritten until we read them: read
 *                once, checked; after, a hostile peer (common/CONTRACT.md)
 *                can cost the items and progress, never an access outside
 *                our slots: every index is masked with the private mask
 *                and each side's position is its private counter.
 *   fd           (1) to (4) take fd's number: only this process can make
 *                it name another file (close, dup2), a bug of the caller's
 *                as for any call that takes an fd.
 *   refusal      nothing of the segment is read any more.
 */
static inline int spsc_shm_attach(spsc_shm *h, int fd, enum spsc_shm_role role)
{
	size_t size;
	uint64_t cap;

	*h = spsc_shm_unattached_();
	if (role != SPSC_SHM_PRODUCER && role != SPSC_SHM_CONSUMER)
		return spsc_shm_refuse_(EINVAL);
	if (spsc_shm_check_file_(fd, &size) != 0)
		return -1;
	struct spsc_shm_segment *seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == MAP_FAILED)
		return -1;
	h->seg = seg;
	h->slots = (uint64_t *)(void *)seg->slots_start;
	h->map_size = size;
	if (spsc_shm_check_header_(seg, size, &cap) == 0) {
		h->mask = cap - 1;
		h->role_fd = spsc_shm_claim_role_(fd, role);
		if (h->role_fd >= 0 && spsc_shm_load_counters_(h, role) == 0)
			return 0;
	}
	int err = errno;
	spsc_shm_detach(h);
	errno = err;
	return -1;
}

/* The producer process only. False when full: nothing is stored. */
static inline bool spsc_shm_try_push(spsc_shm *h, uint64_t item)
{
	/* Our own counter: private, so a peer cannot move where we write. */
	uint64_t tail = h->tail;

	if (tail - h->head_cache >= h->mask + 1) {
		/*
		 * Looks full: reload. ACQUIRE, pairs with the RELEASE store of
		 * head in spsc_shm_try_pop: the consumer's read of every slot
		 * below head happens before our write into that slot below.
		 */
		h->head_cache = atomic_load_explicit(&h->seg->head, memory_order_acquire);
		/* ">=": a head ahead of tail (a hostile peer) reads as full, for ever. */
		if (tail - h->head_cache >= h->mask + 1) {
			h->peer_corrupt |= tail - h->head_cache > h->mask + 1;
			return false;
		}
	}
	h->slots[tail & h->mask] = item;
	h->tail = tail + 1;
	/*
	 * RELEASE, pairs with the ACQUIRE load of tail in spsc_shm_try_pop:
	 * the slot write above becomes visible no later than the new tail does.
	 */
	atomic_store_explicit(&h->seg->tail, tail + 1, memory_order_release);
	return true;
}

/* The consumer process only. False when empty, and *item is left untouched. */
static inline bool spsc_shm_try_pop(spsc_shm *h, uint64_t *item)
{
	/* Our own counter: private, so a peer cannot move where we read. */
	uint64_t head = h->head;

	if (h->tail_cache == head) {
		/*
		 * Looks empty: reload. ACQUIRE, pairs with the RELEASE store of
		 * tail in spsc_shm_try_push: the producer's write of every slot
		 * below tail happens before our read.
		 */
		uint64_t tail = atomic_load_explicit(&h->seg->tail, memory_order_acquire);
		if (tail - head > h->mask + 1) {
			/* More items than slots: a hostile peer. Refuse; we never read past our mask anyway. */
			h->peer_corrupt = true;
			return false;
		}
		h->tail_cache = tail;
		if (tail == head)
			return false;
	}
	*item = h->slots[head & h->mask];
	h->head = head + 1;
	/*
	 * RELEASE, pairs with the ACQUIRE load of head in spsc_shm_try_push:
	 * our read of the slot above completes before the producer may reuse it.
	 */
	atomic_store_explicit(&h->seg->head, head + 1, memory_order_release);
	return true;
}

/* Either side; cannot fail: the capacity validated at attach (never re-read from the segment). */
static inline uint64_t spsc_shm_capacity(const spsc_shm *h)
{
	return h->mask + 1;
}

/* Either side; cannot fail: whether a reload found head and tail more than a capacity apart. */
static inline bool spsc_shm_peer_corrupt(const spsc_shm *h)
{
	return h->peer_corrupt;
}

/*
 * A pidfd for process pid (Linux >= 5.3), close-on-exec; -1 with errno,
 * pidfd_open's: ESRCH (no such process), EINVAL, EMFILE, ENFILE, ENODEV,
 * ENOMEM, ENOSYS (too old a kernel).
 */
static inline int spsc_shm_watch(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * 1 when the process behind pidfd has exited (killed or not; a zombie
 * counts), 0 while it runs, -1 with errno: EBADF for a negative fd or one
 * that is not open (which poll would report as running for ever, or as
 * POLLNVAL), or poll's EINTR, EINVAL, ENOMEM. Never blocks.
 */
static inline int spsc_shm_exited(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (pidfd < 0) /* poll would skip it and say 0 */
		return spsc_shm_refuse_(EBADF);
	int n = poll(&p, 1, 0);
	if (n < 0)
		return -1;
	if (n > 0 && (p.revents & POLLNVAL))
		return spsc_shm_refuse_(EBADF);
	if (n == 0 || !(p.revents & (POLLIN | POLLHUP)))
		return 0;
	/*
	 * The producer is dead. What makes its last publish visible to the
	 * consumer's next reload of tail? Not C11: neither an exit nor a poll
	 * is a C11 operation, so no C11 release pairs with anything here, and
	 * no C11 rule says the next acquire load of tail reads the last store
	 * rather than an older one. It is Linux's memory model, in two halves.
	 * The dead side: its stores (the RELEASE stores of tail in
	 * spsc_shm_try_push, and the slot writes they publish) precede, in
	 * its own program order, the kernel's exit path, which executes full
	 * barriers (a value-returning atomic, such as the decrement of the
	 * count of live threads, is one) before it sets the exit state that
	 * the pidfd reports. Our side: poll with a zero timeout reads that
	 * exit state with plain loads, under no lock (no wait queue is joined,
	 * and the kernel's locks are only acquire and release on arm64
	 * anyway), so nothing in the kernel keeps our later loads after it.
	 * This ACQUIRE fence does: the reload of tail and the slot reads after
	 * it are ordered after poll's read of the exit state, in the compiler
	 * and in the CPU (a load barrier on arm64; on x86 loads are not
	 * reordered with loads, and it costs nothing). It stands for the
	 * acquire half that C11 cannot name, paired with the producer's
	 * RELEASE stores of tail through the exit path's full barriers.
	 */
	atomic_thread_fence(memory_order_acquire);
	return 1;
}

#endif /* SPSC_SHM_H */
