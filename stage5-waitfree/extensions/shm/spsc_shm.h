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
 * Death of the producer: spsc_shm_watch(pid) opens a pidfd for it, and
 * spsc_shm_exited(pidfd) tells the consumer, without blocking, whether it
 * has exited (pidfds: Linux 5.3). The consumer's rule: when a pop finds
 * the ring empty and the producer has exited, pop once more until empty;
 * then nothing more will come. C11 says nothing about processes: what makes
 * the last reload of tail see the last publish is Linux's, not ours. A dead
 * process's stores were all executed before its exit, and the exit reaches
 * the pidfd's poll through the kernel's locks (full barriers on x86 and
 * Arm), so poll returning "exited" is ordered after every one of them. The
 * kill test (stage5-waitfree/extensions/shm/test_shm_kill.c) checks exactly this, 100 times.
 *
 * Linux only (memfd_create, file seals, pidfd_open); 64-bit counters.
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
} spsc_shm;

/* The segment's size for a capacity (a power of two <= SPSC_SHM_MAX_CAPACITY). */
static inline uint64_t spsc_shm_segment_size(uint64_t capacity)
{
	return SPSC_SHM_SLOTS_OFFSET + capacity * sizeof(uint64_t);
}

/*
 * A new ring of `capacity` slots (rounded up to a power of two) in a fresh
 * memfd, empty. Returns the fd (close-on-exec off: a fork or exec'd child
 * may inherit it), or -1 with errno: EINVAL for capacity 0 or above
 * SPSC_SHM_MAX_CAPACITY; whatever memfd_create, ftruncate, fcntl or mmap
 * set.
 * The size is sealed (F_SEAL_SHRINK | F_SEAL_GROW): no process can shrink
 * the file under a mapping (which would turn an access into SIGBUS), and
 * spsc_shm_attach refuses a segment without that seal.
 */
static inline int spsc_shm_create(uint64_t capacity)
{
	if (capacity == 0 || capacity > SPSC_SHM_MAX_CAPACITY) {
		errno = EINVAL;
		return -1;
	}
	uint64_t cap = spsc_round_up_pow2_((size_t)capacity);
	uint64_t size = spsc_shm_segment_size(cap);

	int fd = memfd_create("spsc-shm", MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0 || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		goto fail;
	struct spsc_shm_segment *seg = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == MAP_FAILED)
		goto fail;
	/* The file is zero-filled: head = tail = 0. Relaxed: the fd's sharing orders these. */
	atomic_store_explicit(&seg->magic, SPSC_SHM_MAGIC, memory_order_relaxed);
	atomic_store_explicit(&seg->version, SPSC_SHM_VERSION, memory_order_relaxed);
	atomic_store_explicit(&seg->capacity, cap, memory_order_relaxed);
	atomic_store_explicit(&seg->slots_offset, SPSC_SHM_SLOTS_OFFSET, memory_order_relaxed);
	atomic_store_explicit(&seg->segment_size, size, memory_order_relaxed);
	munmap(seg, (size_t)size);
	return fd;
fail:;
	int err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* A refusal, in the extensions' convention: errno = err, and -1. */
static inline int spsc_shm_refuse_(int err)
{
	errno = err;
	return -1;
}

/*
 * Attach, step 1: the file, before anything is mapped. It must be open
 * (EBADF), a memfd that takes seals (ENOTSUP), sealed against shrinking
 * (EPERM), at least a header long and at most the largest segment long
 * (EMSGSIZE). Sets *size to its size; 0, or -1 with errno.
 */
static inline int spsc_shm_check_file_(int fd, size_t *size)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		return spsc_shm_refuse_(errno == EINVAL ? ENOTSUP : errno);
	if (!(seals & F_SEAL_SHRINK))
		return spsc_shm_refuse_(EPERM);
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
 * Attach, step 3: the counters, to resume where the segment is (0 and 0
 * for a fresh one). head and tail must be at most a capacity apart
 * (ENOTRECOVERABLE). Sets the handle's four counters; 0, or -1 with errno.
 */
static inline int spsc_shm_load_counters_(spsc_shm *h, enum spsc_shm_role role)
{
	/*
	 * Our own counter: relaxed, only our side writes it. The other side's:
	 * ACQUIRE, pairs with its RELEASE store in spsc_shm_try_push (tail) or
	 * spsc_shm_try_pop (head), exactly as the reload there: the slots below
	 * it are written (or read) before we use them.
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
 * Maps the ring in fd and checks it, for one role: the file, its header,
 * its counters (steps 1 to 3 above). Returns 0, or -1 with errno (h is
 * then left unmapped, and nothing outside the header was read):
 *   EBADF     fd is not an open file; ENOTSUP: not a sealable memfd
 *   EPERM     its size is not sealed against shrinking
 *   EMSGSIZE  the file is smaller than the header, or its size is not
 *             the one the header records, or not exactly the header and
 *             `capacity` slots (too small for them, or larger)
 *   EINVAL    bad role, magic, version, slot offset, or a capacity that is
 *             0, not a power of two, or above SPSC_SHM_MAX_CAPACITY
 *   ENOTRECOVERABLE  head and tail are more than a capacity apart
 *   whatever fstat or mmap set.
 * The fd may be closed after attach: the mapping keeps the segment alive.
 */
static inline int spsc_shm_attach(spsc_shm *h, int fd, enum spsc_shm_role role)
{
	size_t size;
	uint64_t cap;

	*h = (spsc_shm){.seg = NULL};
	if (role != SPSC_SHM_PRODUCER && role != SPSC_SHM_CONSUMER)
		return spsc_shm_refuse_(EINVAL);
	if (spsc_shm_check_file_(fd, &size) != 0)
		return -1;
	struct spsc_shm_segment *seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (seg == MAP_FAILED)
		return -1;
	if (spsc_shm_check_header_(seg, size, &cap) == 0) {
		h->seg = seg;
		h->slots = (uint64_t *)(void *)seg->slots_start;
		h->map_size = size;
		h->mask = cap - 1;
		if (spsc_shm_load_counters_(h, role) == 0)
			return 0;
	}
	int err = errno;
	munmap(seg, size);
	*h = (spsc_shm){.seg = NULL};
	errno = err;
	return -1;
}

/* Unmaps this side's view; the segment lives while a mapping or an fd does. NULL-mapped: a no-op. */
static inline void spsc_shm_detach(spsc_shm *h)
{
	if (h->seg != NULL)
		munmap(h->seg, h->map_size);
	*h = (spsc_shm){.seg = NULL};
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

/* A pidfd for process pid (Linux >= 5.3), close-on-exec; -1 with errno (ENOSYS: too old a kernel). */
static inline int spsc_shm_watch(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * 1 when the process behind pidfd has exited (killed or not; a zombie
 * counts), 0 while it runs, -1 with errno on error. Never blocks.
 */
static inline int spsc_shm_exited(int pidfd)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int n = poll(&p, 1, 0);

	if (n < 0)
		return -1;
	return n > 0 && (p.revents & (POLLIN | POLLHUP)) ? 1 : 0;
}

#endif /* SPSC_SHM_H */
