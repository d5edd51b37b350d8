/*
 * stage5-waitfree/extensions/wait/spsc_wait.h: blocking push and pop, an extension of stage 5.
 *
 * Not a rung of the ladder, and not pulled in by common/support/queue.h:
 * it makes system calls (futex(2), membarrier(2)) through syscall(2), so
 * its includer defines _GNU_SOURCE before its first #include, which the
 * tools compiled with -std=c11 do not. common/CONTRACT.md states its
 * contract, and the one error convention of stage 5's extensions that
 * every call here follows: spsc_waitq_create returns NULL with errno; the
 * _until calls are its try-like form, false when the deadline passed.
 * stage5-waitfree/extensions/wait/ tests, models and measures it.
 *
 * THE IDEA. A side that finds the ring empty (consumer) or full (producer)
 * tries again SPSC_WAIT_SPINS times, then announces itself as a sleeper
 * (a 32-bit flag set to 1), checks the ring once more, and sleeps in
 * FUTEX_WAIT on the flag while it still reads 1. The other side, after
 * each successful push (pop), loads the flag and, only if it reads 1,
 * swaps it back to 0 and calls FUTEX_WAKE: no system call while nobody
 * sleeps. The swap to 0 closes the window between the sleeper's re-check
 * and its FUTEX_WAIT: the kernel sleeps only if the flag still reads 1,
 * so a wake that comes first turns the sleep into an immediate return.
 *
 * THE HARD PART is the store-buffering litmus test (SB, Dekker):
 *
 *     producer                      consumer (about to sleep)
 *     store tail = t + 1            store flag = 1
 *     load flag        -> 0 ?       load tail        -> t ?
 *
 * If both loads read the old values, the producer skips the wake and the
 * consumer sleeps on an item that is already there: a lost wake-up. Every
 * CPU with a store buffer (x86 included) allows that outcome when the
 * accesses are release/acquire: release orders a store after earlier
 * accesses, acquire orders a load before later ones; neither orders a
 * store before a LATER load. Two ways to forbid it, chosen per queue at
 * spsc_waitq_create:
 *
 *   SPSC_WAIT_FENCE       a seq_cst fence between the store and the load on
 *                         BOTH sides. C11 (and every CPU): of two seq_cst
 *                         fences one comes first in their total order, so
 *                         the load after the later fence sees the store
 *                         before the earlier one. Price: one full fence
 *                         (MFENCE or a locked instruction on x86, DMB ISH
 *                         on Arm) after every push and every pop.
 *   SPSC_WAIT_MEMBARRIER  asymmetric: the fast path keeps only a compiler
 *                         barrier; the side about to sleep calls
 *                         membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED),
 *                         which runs a full barrier on every other running
 *                         thread of the process before it returns. That
 *                         barrier falls somewhere in the other side's
 *                         program order: if before its store of tail, the
 *                         store (and the load of the flag after it) are
 *                         ordered after our store of the flag, so it reads
 *                         1 and wakes us; if after, its store of tail is
 *                         visible to our re-check, and we do not sleep.
 *                         C11 has no word for membarrier: this argument is
 *                         the kernel's (membarrier(2); liburcu's and
 *                         Linux's asymmetric fences rest on it too), not
 *                         the language's. Price: a system call (an IPI to
 *                         the other CPU) per sleep, none per item. The
 *                         compiler barrier keeps the compiler from moving
 *                         the load of the flag above the store of tail:
 *                         the argument needs program order. Needs Linux
 *                         4.14 and a registration, done by
 *                         spsc_waitq_create.
 *
 * The same holds with the roles swapped (the producer sleeping on a full
 * ring, the consumer's store of head and load of the producer's flag).
 * stage5-waitfree/extensions/wait/wait.pml checks both variants under a store-buffer memory
 * model, and that removing either fence loses a wake-up.
 *
 * Progress: spsc_push_wait and spsc_pop_wait are BLOCKING: they return
 * only when the other side has moved (or the deadline passes, for the
 * _until forms). The queue's own spsc_try_push and spsc_try_pop, called on
 * w->q, stay wait-free and never block; they may be mixed with the
 * blocking calls, but a side that pushes (pops) with spsc_try_push
 * (spsc_try_pop) does not wake a sleeper: only the blocking calls do.
 */
#ifndef SPSC_WAIT_H
#define SPSC_WAIT_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before the first #include: stage 5's extensions make Linux system calls (common/CONTRACT.md)"
#endif

#include <assert.h>           /* static_assert */
#include <errno.h>            /* errno and its values */
#include <linux/futex.h>      /* FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE */
#include <linux/membarrier.h> /* MEMBARRIER_CMD_* */
#include <stdalign.h>         /* alignas */
#include <stdatomic.h>        /* the futex words, the fences */
#include <stdbool.h>          /* bool */
#include <stdint.h>           /* uint32_t, uint64_t */
#include <stdlib.h>           /* aligned_alloc, free, abort */
#include <sys/syscall.h>      /* SYS_futex, SYS_membarrier */
#include <time.h>             /* clock_gettime, struct timespec */
#include <unistd.h>           /* syscall */

#include "../../spsc.h" /* the queue it wraps, and SPSC_CACHE_LINE */

/*
 * Failed tries before a side announces itself and sleeps: about the cost
 * of two system calls of spinning (moodycamel's semaphore spins 1024).
 */
#ifndef SPSC_WAIT_SPINS
#define SPSC_WAIT_SPINS 1024
#endif

enum spsc_wait_order {
	SPSC_WAIT_FENCE,     /* a seq_cst fence on both sides */
	SPSC_WAIT_MEMBARRIER /* a compiler barrier on the fast path, membarrier(2) before a sleep */
};

/* What each side did on its slow path. Written by that side only; read after a join. */
struct spsc_wait_stats {
	uint64_t sleeps;      /* times it announced itself as a sleeper */
	uint64_t futex_waits; /* FUTEX_WAIT calls (a sleep can take more than one: spurious returns) */
	uint64_t membarriers; /* membarrier calls (SPSC_WAIT_MEMBARRIER only) */
	uint64_t futex_wakes; /* FUTEX_WAKE calls it made, to wake the OTHER side */
};

typedef struct spsc_waitq spsc_waitq;

struct spsc_waitq {
	/* Written once by spsc_waitq_create, before either thread starts; read-only after. */
	spsc_queue *q;
	enum spsc_wait_order order;

	/*
	 * The consumer's futex word: 1 while it is (about to be) asleep on an
	 * empty ring. Set to 1 by the consumer (announce) and to 0 by the
	 * consumer (withdraw) or the producer (swap before FUTEX_WAKE); read by
	 * the producer after every push and by the kernel in FUTEX_WAIT.
	 */
	alignas(SPSC_CACHE_LINE) _Atomic uint32_t consumer_asleep;
	/* The producer's futex word, the mirror image: 1 while it sleeps on a full ring. */
	alignas(SPSC_CACHE_LINE) _Atomic uint32_t producer_asleep;

	/* Each side's counters on a line of its own: written by that side only. */
	alignas(SPSC_CACHE_LINE) struct spsc_wait_stats consumer;
	alignas(SPSC_CACHE_LINE) struct spsc_wait_stats producer;
};

static_assert(sizeof(struct spsc_waitq) % SPSC_CACHE_LINE == 0, "the last line is not padded");

/* ---- the system calls (glibc wraps neither futex nor, before 2.36, membarrier) */

/* Sleeps while *word == expect, until woken, a signal, or the absolute CLOCK_MONOTONIC deadline (NULL: none). */
static inline long spsc_futex_wait_(_Atomic uint32_t *word, uint32_t expect, const struct timespec *deadline)
{
	struct timespec rel, now;

	if (deadline != NULL) { /* FUTEX_WAIT takes a relative timeout */
		clock_gettime(CLOCK_MONOTONIC, &now);
		rel.tv_sec = deadline->tv_sec - now.tv_sec;
		rel.tv_nsec = deadline->tv_nsec - now.tv_nsec;
		if (rel.tv_nsec < 0) {
			rel.tv_nsec += 1000000000L;
			rel.tv_sec--;
		}
		if (rel.tv_sec < 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expect, deadline != NULL ? &rel : NULL, NULL,
	               0);
}

static inline void spsc_futex_wake_(_Atomic uint32_t *word)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static inline int spsc_membarrier_(int cmd)
{
	return (int)syscall(SYS_membarrier, cmd, 0, 0);
}

/* The spin hint between tries (the same as common/support/spin.h's, which a stage header cannot include). */
static inline void spsc_wait_pause_(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* ---- create and destroy */

/*
 * Registers the process for MEMBARRIER_CMD_PRIVATE_EXPEDITED: 0, or -1 with
 * errno ENOSYS when the kernel cannot (no membarrier, or no expedited
 * command: Linux < 4.14).
 */
static inline int spsc_wait_register_membarrier_(void)
{
	int cmds = spsc_membarrier_(MEMBARRIER_CMD_QUERY);

	if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) ||
	    spsc_membarrier_(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0) {
		errno = ENOSYS;
		return -1;
	}
	return 0;
}

/*
 * A queue of capacity slots (rounded up to a power of two, as spsc_create
 * does) with both futex words. SPSC_WAIT_MEMBARRIER registers the process
 * for MEMBARRIER_CMD_PRIVATE_EXPEDITED here. NULL with errno: ENOSYS when
 * the kernel cannot register, EINVAL for a bad capacity or order, ENOMEM
 * when allocation fails.
 */
static inline spsc_waitq *spsc_waitq_create(size_t capacity, enum spsc_wait_order order)
{
	if (order != SPSC_WAIT_FENCE && order != SPSC_WAIT_MEMBARRIER) {
		errno = EINVAL;
		return NULL;
	}
	if (order == SPSC_WAIT_MEMBARRIER && spsc_wait_register_membarrier_() != 0)
		return NULL;
	spsc_queue *q = spsc_create(capacity); /* sets errno on failure */
	if (q == NULL)
		return NULL;
	spsc_waitq *w = aligned_alloc(SPSC_CACHE_LINE, sizeof(*w));
	if (w == NULL) {
		spsc_destroy(q);
		errno = ENOMEM;
		return NULL;
	}
	w->q = q;
	w->order = order;
	atomic_init(&w->consumer_asleep, 0);
	atomic_init(&w->producer_asleep, 0);
	w->consumer = (struct spsc_wait_stats){0};
	w->producer = (struct spsc_wait_stats){0};
	return w;
}

/* Cannot fail; NULL: a no-op. */
static inline void spsc_waitq_destroy(spsc_waitq *w)
{
	if (w == NULL)
		return;
	spsc_destroy(w->q);
	free(w);
}

/* ---- the two orderings: where each variant puts its barrier */

/*
 * The waking side, between its publish (tail after a push, head after a
 * pop) and its load of the other side's futex word. Pairs with
 * spsc_wait_before_recheck_ on the sleeping side (the SB pattern above).
 */
static inline void spsc_wait_after_publish_(const spsc_waitq *w)
{
	if (w->order == SPSC_WAIT_FENCE)
		/* FENCE: orders our store of the counter before our load of the flag. */
		atomic_thread_fence(memory_order_seq_cst);
	else
		/* Compiler barrier only: the sleeper's membarrier orders the CPU. */
		atomic_signal_fence(memory_order_seq_cst);
}

/*
 * The sleeping side, between its announcement (flag = 1) and its re-check
 * of the ring. Pairs with spsc_wait_after_publish_ on the waking side.
 */
static inline void spsc_wait_before_recheck_(spsc_waitq *w, struct spsc_wait_stats *mine)
{
	if (w->order == SPSC_WAIT_FENCE) {
		/* FENCE: orders our store of the flag before our load of the other counter. */
		atomic_thread_fence(memory_order_seq_cst);
	} else {
		/*
		 * A full barrier here AND on the other CPU. Registered at create,
		 * so it cannot fail with EPERM. Should it fail anyway, no barrier
		 * of ours could stand in for the one the other CPU needs: stop
		 * rather than risk a lost wake-up.
		 */
		mine->membarriers++;
		if (spsc_membarrier_(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0)
			abort();
	}
}

/* After a publish: wake the other side if its flag says it sleeps. */
static inline void spsc_wait_wake_(spsc_waitq *w, _Atomic uint32_t *flag, struct spsc_wait_stats *mine)
{
	spsc_wait_after_publish_(w);
	/*
	 * RELAXED: the ordering against our publish is the barrier above; the
	 * flag carries no data. Then the swap, so that a sleeper that has not
	 * reached FUTEX_WAIT yet finds 0 there and does not sleep.
	 */
	if (atomic_load_explicit(flag, memory_order_relaxed) != 0 &&
	    atomic_exchange_explicit(flag, 0, memory_order_relaxed) != 0) {
		mine->futex_wakes++;
		spsc_futex_wake_(flag);
	}
}

/* The sleeping side: announce, then order the announcement before the re-check that follows. */
static inline void spsc_wait_announce_(spsc_waitq *w, _Atomic uint32_t *flag, struct spsc_wait_stats *mine)
{
	mine->sleeps++;
	/* RELAXED: ordered before the re-check by the barrier below, not by this store. */
	atomic_store_explicit(flag, 1, memory_order_relaxed);
	spsc_wait_before_recheck_(w, mine);
}

/* The sleep: false at the deadline; true when woken, or on a spurious return (the caller tries again). */
static inline bool spsc_wait_sleep_(_Atomic uint32_t *flag, struct spsc_wait_stats *mine,
                                    const struct timespec *deadline)
{
	mine->futex_waits++;
	return !(spsc_futex_wait_(flag, 1, deadline) != 0 && errno == ETIMEDOUT);
}

/*
 * One try of either side (producer: push *item; consumer: pop into *item),
 * and after a success the wake-up of the other side if it sleeps.
 */
static inline bool spsc_wait_once_(spsc_waitq *w, bool producer, uint64_t *item)
{
	if (producer ? !spsc_try_push(w->q, *item) : !spsc_try_pop(w->q, item))
		return false;
	if (producer)
		spsc_wait_wake_(w, &w->consumer_asleep, &w->producer);
	else
		spsc_wait_wake_(w, &w->producer_asleep, &w->consumer);
	return true;
}

/*
 * Either side's blocking call: the two are mirror images, so one body
 * serves both (producer is a constant at each call and inlining removes
 * the tests on it). Spin, announce, re-check, sleep, withdraw, again.
 */
static inline bool spsc_wait_until_(spsc_waitq *w, bool producer, uint64_t *item, const struct timespec *deadline)
{
	_Atomic uint32_t *flag = producer ? &w->producer_asleep : &w->consumer_asleep; /* our own futex word */
	struct spsc_wait_stats *mine = producer ? &w->producer : &w->consumer;

	for (;;) {
		for (unsigned tries = 0; tries < SPSC_WAIT_SPINS; tries++) {
			if (spsc_wait_once_(w, producer, item))
				return true;
			spsc_wait_pause_();
		}
		spsc_wait_announce_(w, flag, mine);
		bool done = spsc_wait_once_(w, producer, item); /* the re-check, after the barrier */
		bool timed_out = !done && !spsc_wait_sleep_(flag, mine, deadline);
		/* Withdraw: only we set our flag to 1, so 0 is right whenever we are awake. */
		atomic_store_explicit(flag, 0, memory_order_relaxed);
		if (done || (timed_out && spsc_wait_once_(w, producer, item)))
			return true;
		if (timed_out) {
			errno = ETIMEDOUT;
			return false;
		}
	}
}

/* ---- the blocking calls */

/*
 * Producer thread only. Pushes item, sleeping while the ring is full,
 * and wakes a sleeping consumer. deadline: an absolute CLOCK_MONOTONIC
 * time, or NULL to wait for ever. The try-like form of the convention:
 * true when pushed; false when the deadline passed (errno ETIMEDOUT),
 * nothing stored. Not an error: the caller asked for a bounded wait.
 */
static inline bool spsc_push_wait_until(spsc_waitq *w, uint64_t item, const struct timespec *deadline)
{
	return spsc_wait_until_(w, true, &item, deadline);
}

/*
 * Consumer thread only. Pops the oldest item into *item, sleeping while
 * the ring is empty, and wakes a sleeping producer. The try-like form, as
 * the push: true when popped; false when the deadline passed (errno
 * ETIMEDOUT), *item untouched.
 */
static inline bool spsc_pop_wait_until(spsc_waitq *w, uint64_t *item, const struct timespec *deadline)
{
	return spsc_wait_until_(w, false, item, deadline);
}

/* Producer thread only; cannot fail: returns once item is in the ring. */
static inline void spsc_push_wait(spsc_waitq *w, uint64_t item)
{
	spsc_push_wait_until(w, item, NULL);
}

/* Consumer thread only; cannot fail: returns once an item has been popped into *item. */
static inline void spsc_pop_wait(spsc_waitq *w, uint64_t *item)
{
	spsc_pop_wait_until(w, item, NULL);
}

#endif /* SPSC_WAIT_H */
