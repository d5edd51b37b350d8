/*
 * stage5-waitfree/extensions/wait/spsc_wait.h: blocking push and pop, an extension of stage 5.
 *
 * Not a rung of the ladder, and not pulled in by common/support/queue.h:
 * it makes system calls (futex(2), membarrier(2), clock_gettime(2))
 * through syscall(2), so its includer defines _GNU_SOURCE before its first
 * #include, which the tools compiled with -std=c11 do not.
 * common/CONTRACT.md states its contract, and the one error convention of
 * stage 5's extensions that every call here follows: spsc_waitq_create
 * returns NULL with errno; the _until calls are its try-like form, false
 * when the deadline passed (or was malformed). stage5-waitfree/extensions/wait/
 * tests, models and measures it.
 *
 * THE IDEA. A side that finds the ring empty (consumer) or full (producer)
 * tries again SPSC_WAIT_SPINS times, then announces itself as a sleeper
 * (a 32-bit flag set to 1), checks the ring once more, and sleeps in
 * FUTEX_WAIT on the flag while it still reads 1. The other side, after
 * each successful push (pop), loads the flag and, only if it reads 1,
 * swaps it to 2 ("being woken") and calls FUTEX_WAKE: no system call
 * while nobody sleeps. The swap closes the window between the sleeper's
 * re-check and its FUTEX_WAIT: the kernel sleeps only if the flag still
 * reads 1, so a wake that comes first turns the sleep into an immediate
 * return. The sleeper, awake, sets its flag back to 0 (withdraws).
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
 * stage5-waitfree/extensions/wait/wait.pml checks both variants under a
 * store-buffer memory model, and that removing either fence loses a
 * wake-up. Its swap writes 0, not 2: to the protocol the two are one
 * value (the kernel and the waker test the flag for 1 only); 2 serves the
 * retry of a failed FUTEX_WAKE below, and the model's system calls do not
 * fail.
 *
 * DEADLINES. The _until calls take an absolute CLOCK_MONOTONIC time and
 * hand it to the kernel as it is (FUTEX_WAIT_BITSET, which takes an
 * absolute timeout, with FUTEX_BITSET_MATCH_ANY and without
 * FUTEX_CLOCK_REALTIME): no relative timeout is computed, so a thread
 * preempted on its way into the kernel does not sleep the preemption
 * again. A deadline with tv_sec < 0 or tv_nsec outside [0, 10^9) is
 * refused with EINVAL before anything is tried. false with ETIMEDOUT comes
 * only after the kernel's timer of the deadline itself ran out, or after
 * the clock read at or past it: never before the deadline. A return for
 * any other reason (woken, EINTR, EAGAIN) tries the ring and sleeps again.
 *
 * WHEN THE KERNEL SAYS NO. No call here aborts, and none loses a wake-up:
 *   membarrier at create   the query or the registration fails with ENOSYS
 *                          or EINVAL (no membarrier, Linux < 4.14, a
 *                          seccomp filter), or the query lacks the command:
 *                          the queue falls back to SPSC_WAIT_FENCE, which
 *                          w->order then reads. Any other errno of theirs
 *                          (ENOMEM: the registration allocates) fails the
 *                          create with it. Nothing is asked of the kernel
 *                          before the arguments are checked.
 *   membarrier before a sleep  fails (ENOMEM: it allocates a cpumask): no
 *                          barrier of ours can stand in for the one the
 *                          other CPU needs, so the wake may be missed. The
 *                          side still re-checks, then sleeps at most
 *                          SPSC_WAIT_FALLBACK_NS (or to its deadline, if
 *                          sooner) and re-checks again: a missed wake-up
 *                          costs at most that long. The next sleep tries
 *                          membarrier again.
 *   FUTEX_WAIT             EINTR, EAGAIN: a spurious return (above). Any
 *                          other errno (ENOSYS, EINVAL: futex refused): the
 *                          side did not sleep; it spins and tries again,
 *                          the deadline checked on the clock.
 *   FUTEX_WAKE             fails (ENOSYS, EINVAL): the waker retries while
 *                          the flag still reads 2, that is until the
 *                          sleeper, awake, withdraws. A kernel whose
 *                          FUTEX_WAKE fails for ever while FUTEX_WAIT
 *                          sleeps would hold the waker there; Linux's does
 *                          not fail on a private word.
 *   clock_gettime          read only to end a bounded sleep (after a failed
 *                          membarrier), and, with a deadline, after a
 *                          return from FUTEX_WAIT that no move followed
 *                          (spurious, EINTR, refused): if it fails, the
 *                          side does not sleep this round, and the deadline
 *                          waits for the next read. (Should the clock and
 *                          membarrier both fail for good, the side spins
 *                          until the other moves, its deadline unread.)
 * w->producer and w->consumer count each fallback (fallbacks) and each
 * retried wake (wake_retries).
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
#include <linux/futex.h>      /* FUTEX_WAIT_BITSET_PRIVATE, FUTEX_WAKE_PRIVATE, FUTEX_BITSET_MATCH_ANY */
#include <linux/membarrier.h> /* MEMBARRIER_CMD_* */
#include <stdalign.h>         /* alignas */
#include <stdatomic.h>        /* the futex words, the fences */
#include <stdbool.h>          /* bool */
#include <stdint.h>           /* uint32_t, uint64_t */
#include <stdlib.h>           /* aligned_alloc, free */
#include <sys/syscall.h>      /* SYS_futex, SYS_membarrier, SYS_clock_gettime */
#include <time.h>             /* struct timespec, CLOCK_MONOTONIC */
#include <unistd.h>           /* syscall */

#include "../../spsc.h" /* the queue it wraps, SPSC_CACHE_LINE, SPSC_MAX_CAPACITY */

/*
 * Failed tries before a side announces itself and sleeps: about the cost
 * of two system calls of spinning (moodycamel's semaphore spins 1024).
 */
#ifndef SPSC_WAIT_SPINS
#define SPSC_WAIT_SPINS 1024
#endif

/* The longest sleep after a failed membarrier (nanoseconds, below 10^9): what a missed wake-up can cost then. */
#ifndef SPSC_WAIT_FALLBACK_NS
#define SPSC_WAIT_FALLBACK_NS 1000000L
#endif
static_assert(SPSC_WAIT_FALLBACK_NS > 0 && SPSC_WAIT_FALLBACK_NS < 1000000000L, "SPSC_WAIT_FALLBACK_NS: 1 ns to 1 s");

/*
 * Every kernel call of this header goes through SPSC_WAIT_SYSCALL, with
 * the argument types of each call written out. The tests define it to a
 * function of theirs before the #include, to make any call fail
 * (stage5-waitfree/extensions/wait/wait_test.h); nothing else should.
 */
#ifndef SPSC_WAIT_SYSCALL
#define SPSC_WAIT_SYSCALL syscall
#endif

enum spsc_wait_order {
	SPSC_WAIT_FENCE,     /* a seq_cst fence on both sides */
	SPSC_WAIT_MEMBARRIER /* a compiler barrier on the fast path, membarrier(2) before a sleep */
};

/* What each side did on its slow path. Written by that side only; read after a join. */
struct spsc_wait_stats {
	uint64_t sleeps;       /* times it announced itself as a sleeper */
	uint64_t futex_waits;  /* FUTEX_WAIT calls (a sleep can take more than one: spurious returns) */
	uint64_t membarriers;  /* membarrier calls (SPSC_WAIT_MEMBARRIER only) */
	uint64_t futex_wakes;  /* wake-ups it owed the OTHER side (one FUTEX_WAKE each, plus retries) */
	uint64_t wake_retries; /* FUTEX_WAKE calls made again after one failed */
	uint64_t fallbacks;    /* sleeps bounded or skipped because a system call failed (see above) */
};

typedef struct spsc_waitq spsc_waitq;

struct spsc_waitq {
	/* Written once by spsc_waitq_create, before either thread starts; read-only after. */
	spsc_queue *q;
	enum spsc_wait_order order; /* the ordering in use: FENCE when membarrier was asked for and is missing */

	/*
	 * The consumer's futex word: 1 while it is (about to be) asleep on an
	 * empty ring, 2 once the producer has swapped it to wake it, 0 while
	 * it is awake. Set to 1 and to 0 by the consumer (announce, withdraw),
	 * to 2 by the producer (the swap before FUTEX_WAKE); read by the
	 * producer after every push and by the kernel in FUTEX_WAIT.
	 */
	alignas(SPSC_CACHE_LINE) _Atomic uint32_t consumer_asleep;
	/* The producer's futex word, the mirror image: 1 while it sleeps on a full ring. */
	alignas(SPSC_CACHE_LINE) _Atomic uint32_t producer_asleep;

	/* Each side's counters on a line of its own: written by that side only. */
	alignas(SPSC_CACHE_LINE) struct spsc_wait_stats consumer;
	alignas(SPSC_CACHE_LINE) struct spsc_wait_stats producer;
};

static_assert(sizeof(struct spsc_waitq) % SPSC_CACHE_LINE == 0, "the last line is not padded");

/* The futex word's values. */
enum { SPSC_WAIT_AWAKE_ = 0, SPSC_WAIT_ASLEEP_ = 1, SPSC_WAIT_WOKEN_ = 2 };

/* ---- the system calls (glibc wraps neither futex nor, before 2.36, membarrier) */

/*
 * Sleeps while *word == SPSC_WAIT_ASLEEP_, until woken, a signal, or the
 * absolute CLOCK_MONOTONIC time *until (NULL: none). 0, or -1 with errno.
 */
static inline long spsc_futex_wait_(_Atomic uint32_t *word, const struct timespec *until)
{
	return SPSC_WAIT_SYSCALL(SYS_futex, (uint32_t *)word, FUTEX_WAIT_BITSET_PRIVATE, (uint32_t)SPSC_WAIT_ASLEEP_,
	                         until, (uint32_t *)NULL, (uint32_t)FUTEX_BITSET_MATCH_ANY);
}

/* Wakes one thread asleep on *word. 0 or 1 (threads woken), or -1 with errno. */
static inline long spsc_futex_wake_(_Atomic uint32_t *word)
{
	return SPSC_WAIT_SYSCALL(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, (uint32_t)1,
	                         (const struct timespec *)NULL, (uint32_t *)NULL, (uint32_t)0);
}

static inline int spsc_membarrier_(int cmd)
{
	return (int)SPSC_WAIT_SYSCALL(SYS_membarrier, cmd, 0u, 0);
}

static inline int spsc_wait_clock_(struct timespec *now)
{
	return (int)SPSC_WAIT_SYSCALL(SYS_clock_gettime, (clockid_t)CLOCK_MONOTONIC, now);
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

/* ---- deadlines */

/* A deadline the kernel takes: none, or tv_sec >= 0 and 0 <= tv_nsec < 10^9. */
static inline bool spsc_wait_deadline_ok_(const struct timespec *deadline)
{
	return deadline == NULL || (deadline->tv_sec >= 0 && deadline->tv_nsec >= 0 && deadline->tv_nsec < 1000000000L);
}

static inline bool spsc_wait_earlier_(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* True only when the clock reads at or past *deadline: false without one, or when the clock fails. */
static inline bool spsc_wait_passed_(const struct timespec *deadline)
{
	struct timespec now;

	return deadline != NULL && spsc_wait_clock_(&now) == 0 && !spsc_wait_earlier_(&now, deadline);
}

/* The end of a bounded sleep: SPSC_WAIT_FALLBACK_NS from now, or the deadline if sooner; NULL if the clock fails. */
static inline const struct timespec *spsc_wait_slice_(struct timespec *end, const struct timespec *deadline)
{
	if (spsc_wait_clock_(end) != 0)
		return NULL;
	end->tv_nsec += SPSC_WAIT_FALLBACK_NS;
	if (end->tv_nsec >= 1000000000L) {
		end->tv_nsec -= 1000000000L;
		end->tv_sec++;
	}
	return deadline != NULL && !spsc_wait_earlier_(end, deadline) ? deadline : end;
}

/* ---- create and destroy */

/*
 * Registers the process for MEMBARRIER_CMD_PRIVATE_EXPEDITED. 0 when
 * registered; 0 with *order set to SPSC_WAIT_FENCE when the kernel has no
 * such command (ENOSYS or EINVAL from the query or the registration, or a
 * query's answer without it); -1 with the kernel's errno otherwise.
 */
static inline int spsc_wait_register_membarrier_(enum spsc_wait_order *order)
{
	int cmds = spsc_membarrier_(MEMBARRIER_CMD_QUERY);

	if (cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
	    spsc_membarrier_(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		return 0;
	if ((cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) || errno == ENOSYS || errno == EINVAL) {
		*order = SPSC_WAIT_FENCE;
		return 0;
	}
	return -1;
}

/*
 * A queue of capacity slots (rounded up to a power of two, as spsc_create
 * does) with both futex words. The arguments are checked first: EINVAL
 * for a bad capacity or order, before any system call. Then
 * SPSC_WAIT_MEMBARRIER registers the process for
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED, or falls back to SPSC_WAIT_FENCE on a
 * kernel without it (w->order says which). NULL with errno: EINVAL;
 * ENOMEM when allocation or the registration runs out of memory; another
 * errno the registration returned (EPERM from a seccomp filter, say).
 */
static inline spsc_waitq *spsc_waitq_create(size_t capacity, enum spsc_wait_order order)
{
	if ((order != SPSC_WAIT_FENCE && order != SPSC_WAIT_MEMBARRIER) || capacity == 0 ||
	    capacity > SPSC_MAX_CAPACITY) {
		errno = EINVAL;
		return NULL;
	}
	if (order == SPSC_WAIT_MEMBARRIER && spsc_wait_register_membarrier_(&order) != 0)
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
	atomic_init(&w->consumer_asleep, SPSC_WAIT_AWAKE_);
	atomic_init(&w->producer_asleep, SPSC_WAIT_AWAKE_);
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
 * false when the barrier failed: the other side may then miss our flag,
 * and the sleep that follows must be bounded.
 */
static inline bool spsc_wait_before_recheck_(spsc_waitq *w, struct spsc_wait_stats *mine)
{
	if (w->order == SPSC_WAIT_FENCE) {
		/* FENCE: orders our store of the flag before our load of the other counter. */
		atomic_thread_fence(memory_order_seq_cst);
		return true;
	}
	/*
	 * A full barrier here AND on the other CPU. Registered at create, so
	 * it cannot fail with EPERM; it can with ENOMEM. A fence of ours would
	 * not stand in for it: the other side's fast path has none.
	 */
	mine->membarriers++;
	if (spsc_membarrier_(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
		return true;
	mine->fallbacks++;
	return false;
}

/* After a publish: wake the other side if its flag says it sleeps. */
static inline void spsc_wait_wake_(spsc_waitq *w, _Atomic uint32_t *flag, struct spsc_wait_stats *mine)
{
	spsc_wait_after_publish_(w);
	/*
	 * RELAXED: the ordering against our publish is the barrier above; the
	 * flag carries no data. Then the swap, so that a sleeper that has not
	 * reached FUTEX_WAIT yet finds 2 there and does not sleep.
	 */
	if (atomic_load_explicit(flag, memory_order_relaxed) != SPSC_WAIT_ASLEEP_ ||
	    atomic_exchange_explicit(flag, SPSC_WAIT_WOKEN_, memory_order_relaxed) != SPSC_WAIT_ASLEEP_)
		return;
	mine->futex_wakes++;
	/*
	 * A failed wake is retried while the flag still reads 2: the sleeper
	 * may be in the kernel. Once it reads anything else the sleeper is
	 * awake (it withdrew) and our publish is for its next re-check to see.
	 */
	while (spsc_futex_wake_(flag) < 0 && atomic_load_explicit(flag, memory_order_relaxed) == SPSC_WAIT_WOKEN_) {
		mine->wake_retries++;
		spsc_wait_pause_();
	}
}

/* ---- the slow path */

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

/* SPSC_WAIT_SPINS tries, a pause between two. */
static inline bool spsc_wait_spin_(spsc_waitq *w, bool producer, uint64_t *item)
{
	for (unsigned tries = 0; tries < SPSC_WAIT_SPINS; tries++) {
		if (spsc_wait_once_(w, producer, item))
			return true;
		spsc_wait_pause_();
	}
	return false;
}

/* How a round of the slow path ended. */
enum spsc_wait_step_ {
	SPSC_WAIT_DONE_,    /* the re-check moved the item */
	SPSC_WAIT_AGAIN_,   /* awake for any other reason than the deadline: try again */
	SPSC_WAIT_DEADLINE_ /* the kernel's timer of the deadline itself ran out */
};

/*
 * The sleep, after a re-check that found nothing. barrier: the barrier
 * before the re-check held, so the other side will see the flag: sleep
 * until woken or the deadline. Without it, sleep at most
 * SPSC_WAIT_FALLBACK_NS, and not at all if the clock fails.
 */
static inline enum spsc_wait_step_ spsc_wait_sleep_(_Atomic uint32_t *flag, struct spsc_wait_stats *mine,
                                                    const struct timespec *deadline, bool barrier)
{
	struct timespec end;
	const struct timespec *until = deadline;

	if (!barrier && (until = spsc_wait_slice_(&end, deadline)) == NULL) {
		mine->fallbacks++;
		return SPSC_WAIT_AGAIN_;
	}
	mine->futex_waits++;
	if (spsc_futex_wait_(flag, until) == 0)
		return SPSC_WAIT_AGAIN_; /* woken (or a spurious wake) */
	if (errno == ETIMEDOUT && until == deadline)
		return SPSC_WAIT_DEADLINE_;
	if (errno != EINTR && errno != EAGAIN && errno != ETIMEDOUT)
		mine->fallbacks++; /* the kernel would not sleep: spin */
	return SPSC_WAIT_AGAIN_;
}

/* Announce, re-check, sleep, withdraw: one round of either side's slow path. */
static inline enum spsc_wait_step_ spsc_wait_round_(spsc_waitq *w, bool producer, uint64_t *item,
                                                    const struct timespec *deadline)
{
	_Atomic uint32_t *flag = producer ? &w->producer_asleep : &w->consumer_asleep; /* our own futex word */
	struct spsc_wait_stats *mine = producer ? &w->producer : &w->consumer;
	enum spsc_wait_step_ step = SPSC_WAIT_DONE_;

	mine->sleeps++;
	/* RELAXED: ordered before the re-check by the barrier below, not by this store. */
	atomic_store_explicit(flag, SPSC_WAIT_ASLEEP_, memory_order_relaxed);
	bool barrier = spsc_wait_before_recheck_(w, mine);
	if (!spsc_wait_once_(w, producer, item)) /* the re-check, after the barrier */
		step = spsc_wait_sleep_(flag, mine, deadline, barrier);
	/* Withdraw: only we set our flag to 1, so 0 is right whenever we are awake. */
	atomic_store_explicit(flag, SPSC_WAIT_AWAKE_, memory_order_relaxed);
	return step;
}

/*
 * Either side's blocking call: the two are mirror images, so one body
 * serves both (producer is a constant at each call and inlining removes
 * the tests on it). Spin; then rounds of announce, re-check, sleep,
 * withdraw, each followed by a spin, until the item moves or the deadline
 * passes. The clock is read only when a wake-up was not followed by a
 * move (a spurious return, or a fallback).
 */
static inline bool spsc_wait_until_(spsc_waitq *w, bool producer, uint64_t *item, const struct timespec *deadline)
{
	if (!spsc_wait_deadline_ok_(deadline)) {
		errno = EINVAL;
		return false;
	}
	if (spsc_wait_spin_(w, producer, item))
		return true;
	for (;;) {
		enum spsc_wait_step_ step = spsc_wait_round_(w, producer, item, deadline);
		if (step == SPSC_WAIT_DONE_)
			return true;
		if (step == SPSC_WAIT_DEADLINE_)
			break;
		if (spsc_wait_spin_(w, producer, item))
			return true;
		if (spsc_wait_passed_(deadline))
			break;
	}
	if (spsc_wait_once_(w, producer, item)) /* the last try: the other side may have just moved */
		return true;
	errno = ETIMEDOUT;
	return false;
}

/* ---- the blocking calls */

/*
 * Producer thread only. Pushes item, sleeping while the ring is full,
 * and wakes a sleeping consumer. deadline: an absolute CLOCK_MONOTONIC
 * time, or NULL to wait for ever. The try-like form of the convention:
 * true when pushed; false, nothing stored, with errno ETIMEDOUT when the
 * deadline passed (never before it: not an error, the caller asked for a
 * bounded wait), or EINVAL, at once, for a malformed deadline (tv_sec < 0,
 * tv_nsec outside [0, 10^9)).
 */
static inline bool spsc_push_wait_until(spsc_waitq *w, uint64_t item, const struct timespec *deadline)
{
	return spsc_wait_until_(w, true, &item, deadline);
}

/*
 * Consumer thread only. Pops the oldest item into *item, sleeping while
 * the ring is empty, and wakes a sleeping producer. The try-like form, as
 * the push: true when popped; false with ETIMEDOUT or EINVAL, *item
 * untouched.
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
