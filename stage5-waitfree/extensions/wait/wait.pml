/*
 * stage5-waitfree/extensions/wait/wait.pml: the sleeper protocol of stage5-waitfree/extensions/wait/spsc_wait.h,
 * checked exhaustively by spin under a store-buffer memory model.
 * `make model-wait` runs it (stage5-waitfree/extensions/wait/check.sh).
 *
 * THE PROTOCOL, both directions at once. The producer pushes ITEMS items
 * into a ring of CAP slots, the consumer pops them. A side that finds the
 * ring full (empty) announces itself (its flag = 1), orders the
 * announcement before its re-check, re-checks the ring and, if it is still
 * full (empty), calls FUTEX_WAIT on its flag with the value 1. After every
 * push (pop) the other side orders its publish of tail (head) before its
 * load of the sleeper's flag and, if the flag reads 1, swaps it to 0 and
 * calls FUTEX_WAKE. The bounded spin before the announcement is left out:
 * it is more tries of the same check, which the interleavings cover. The
 * slots are left out too: common/abuse/model/spsc5.pml checks the hand-off
 * of the items; this model checks that no wake-up is lost.
 *
 * THE MEMORY MODEL is spsc5.pml's weak one, cut to what this protocol
 * touches: every plain store (tail, head, the flags) goes into its
 * thread's store buffer, one entry per location, and reaches memory when
 * the `memory` process drains it, locations in any order; a thread reads
 * its own pending store (forwarding); other loads read memory. That is the
 * store-buffering (SB) pattern x86 itself allows, and it is what breaks
 * Dekker: a load can be satisfied while an earlier store still waits in
 * the buffer. A release store waits for its thread's earlier stores to
 * drain (the slots, in the real queue).
 *   fence       atomic_thread_fence(seq_cst): the thread waits until its
 *               own buffer has drained before its next load.
 *   membarrier  the sleeper waits until EVERY buffer has drained (a full
 *               barrier on each running thread, by IPI); the waker's fast
 *               path has no fence at all (a compiler barrier only).
 * The flag swap is a read-modify-write on memory, after the swapping
 * thread's buffer has drained (a locked instruction). FUTEX_WAIT is a
 * system call: the sleeper's buffer drains, then the kernel atomically
 * compares the flag in memory with 1 and, if equal, queues the thread
 * (asleep = true) until a FUTEX_WAKE clears it. (The kernel's own
 * ordering, and spurious returns, are not modelled.)
 *
 * WHAT IS CHECKED (a safety search, every interleaving: pan -DNOREDUCE):
 *   - no lost wake-up: a thread asleep with nobody left to wake it is a
 *     blocked process outside an end state: pan reports an invalid end
 *     state (both threads blocked forever, or one blocked after the other
 *     finished);
 *   - every item pushed is popped (assert head == tail at the end).
 *
 * Build switches:
 *   MEMBARRIER          the asymmetric variant (default: the fence variant)
 *   SC                  no store buffers: every store reaches memory at once
 *   NO_WAKER_FENCE      broken: the fence variant without the waker's fence
 *                       (after the publish): caught under the weak model,
 *                       passes under SC (it cannot show SB)
 *   RECHECK_FIRST       broken: the sleeper re-checks the ring before it
 *                       announces itself: caught even under SC
 *   NO_IPI              broken: the membarrier variant whose sleeper's
 *                       barrier orders only its own thread (a fence, not
 *                       membarrier): caught under the weak model
 *   NO_SWAP             broken: the waker wakes without swapping the flag
 *                       to 0, so a sleeper between its re-check and its
 *                       FUTEX_WAIT misses the wake
 */
#ifndef CAP
#define CAP 1
#endif
#define WRAP (2 * CAP) /* the counters' modulus: the model's 2^64 */
#ifndef ITEMS
#define ITEMS (WRAP + 1) /* the counters wrap */
#endif
#define DIFF(a, b) (((a) + WRAP - (b)) % WRAP)

/* Memory: what the other thread sees. */
byte tail = 0;      /* pushes (mod WRAP): written by the producer, read by the consumer */
byte head = 0;      /* pops (mod WRAP): written by the consumer, read by the producer */
byte c_flag = 0;    /* the consumer's futex word: 1 by the consumer, 0 by the consumer or the producer's swap */
byte p_flag = 0;    /* the producer's futex word, the mirror image */
bool c_asleep = 0;  /* the kernel's: the consumer is queued in FUTEX_WAIT; cleared by FUTEX_WAKE */
bool p_asleep = 0;

/* The store buffers: one entry per location, each owned by one thread. */
bool tail_p, head_p, cflag_p, pflag_p; /* pending? */
byte tail_b, head_b, cflag_b, pflag_b; /* the pending value */

#ifdef SC
#define STORE(loc, pend, buf, v) loc = v
#else
#define STORE(loc, pend, buf, v) atomic { buf = v; pend = true }
#endif
#define PRODUCER_DRAINED (!tail_p && !pflag_p)
#define CONSUMER_DRAINED (!head_p && !cflag_p)
#define OWN(loc, pend, buf) (pend -> buf : loc)

/* The waker's barrier between its publish and its load of the sleeper's flag. */
#if defined(MEMBARRIER) || defined(NO_WAKER_FENCE)
#define WAKER_FENCE(drained) skip /* a compiler barrier */
#else
#define WAKER_FENCE(drained) (drained) /* seq_cst fence: drain our buffer first */
#endif
/* The sleeper's barrier between its announcement and its re-check. */
#if defined(MEMBARRIER) && !defined(NO_IPI)
#define SLEEPER_FENCE(drained) (PRODUCER_DRAINED && CONSUMER_DRAINED) /* membarrier: every buffer */
#else
#define SLEEPER_FENCE(drained) (drained)
#endif

/* After a publish: wake the other side if its flag reads 1. */
inline wake(flag, asleep, drained) {
	WAKER_FENCE(drained);
	if
	:: flag == 1 ->
#ifdef NO_SWAP
		asleep = false /* FUTEX_WAKE, no swap */
#else
		atomic { (drained) -> old = flag; flag = 0 }; /* the swap: a locked RMW */
		if
		:: old == 1 -> asleep = false /* FUTEX_WAKE: wakes it if queued, else nothing */
		:: else -> skip
		fi
#endif
	:: else -> skip
	fi
}

/* FUTEX_WAIT(flag, 1): the system call drains our buffer; queue only if the flag still reads 1. */
inline futex_wait(flag, asleep, drained) {
	(drained);
	atomic {
		if
		:: flag == 1 -> asleep = true
		:: else -> skip
		fi
	};
	(!asleep)
}

active proctype producer()
{
	byte t, old, item = 0;

	do
	:: item == ITEMS -> break
	:: item < ITEMS ->
		t = OWN(tail, tail_p, tail_b);
		if
		:: DIFF(t, head) == CAP -> /* full: the slow path */
#ifdef RECHECK_FIRST
			if
			:: DIFF(t, head) == CAP ->
				STORE(p_flag, pflag_p, pflag_b, 1);
				SLEEPER_FENCE(PRODUCER_DRAINED);
				futex_wait(p_flag, p_asleep, PRODUCER_DRAINED)
			:: else -> skip
			fi;
#else
			STORE(p_flag, pflag_p, pflag_b, 1); /* announce */
			SLEEPER_FENCE(PRODUCER_DRAINED);
			if
			:: DIFF(t, head) == CAP -> futex_wait(p_flag, p_asleep, PRODUCER_DRAINED) /* re-check: still full */
			:: else -> skip
			fi;
#endif
			STORE(p_flag, pflag_p, pflag_b, 0) /* withdraw; then try again */
		:: else ->
			(PRODUCER_DRAINED || (tail_p && !pflag_p)); /* release: earlier stores first */
			STORE(tail, tail_p, tail_b, (t + 1) % WRAP); /* publish */
			item++;
			wake(c_flag, c_asleep, PRODUCER_DRAINED)
		fi
	od
}

active proctype consumer()
{
	byte h, old, item = 0;

	do
	:: item == ITEMS -> break
	:: item < ITEMS ->
		h = OWN(head, head_p, head_b);
		if
		:: tail == h -> /* empty: the slow path */
#ifdef RECHECK_FIRST
			if
			:: tail == h ->
				STORE(c_flag, cflag_p, cflag_b, 1);
				SLEEPER_FENCE(CONSUMER_DRAINED);
				futex_wait(c_flag, c_asleep, CONSUMER_DRAINED)
			:: else -> skip
			fi;
#else
			STORE(c_flag, cflag_p, cflag_b, 1); /* announce */
			SLEEPER_FENCE(CONSUMER_DRAINED);
			if
			:: tail == h -> futex_wait(c_flag, c_asleep, CONSUMER_DRAINED) /* re-check: still empty */
			:: else -> skip
			fi;
#endif
			STORE(c_flag, cflag_p, cflag_b, 0) /* withdraw; then try again */
		:: else ->
			(CONSUMER_DRAINED || (head_p && !cflag_p)); /* release */
			STORE(head, head_p, head_b, (h + 1) % WRAP); /* pop */
			item++;
			wake(p_flag, p_asleep, CONSUMER_DRAINED)
		fi
	od;
	(PRODUCER_DRAINED && CONSUMER_DRAINED); /* let memory drain */
	assert(head == tail) /* every item pushed was popped */
}

#ifndef SC
/* Memory: drains any pending store, in any order across locations. */
active proctype memory()
{
end:
	do
	:: atomic { tail_p -> tail = tail_b; tail_p = false }
	:: atomic { head_p -> head = head_b; head_p = false }
	:: atomic { cflag_p -> c_flag = cflag_b; cflag_p = false }
	:: atomic { pflag_p -> p_flag = pflag_b; pflag_p = false }
	od
}
#endif
