/*
 * common/abuse/model/spsc5.pml: the stage 5 protocol (stage5-waitfree/spsc.h),
 * checked exhaustively by spin. `make model` runs it.
 *
 * WHAT THIS PROVES. For a ring of CAP slots (1, 2, 4 and 8 in `make model`)
 * and ITEMS items, enough for the counters to wrap round twice, under
 * every interleaving of the producer's and the consumer's steps, with each
 * load or store of a shared variable one indivisible step (sequential
 * consistency):
 *   - every item arrives exactly once and in order (no loss, no
 *     duplicate, FIFO): the consumer asserts each item is the next one;
 *   - the consumer never reads a slot that was not written, and the
 *     producer never overwrites an item that was not read: a ghost flag per
 *     slot, set by the write and cleared by the read, is asserted;
 *   - nothing deadlocks: a side that finds the ring full (empty) waits for
 *     the other's counter to move, so a lost item or a wrong full/empty
 *     test leaves both sides waiting, and spin reports an invalid end
 *     state; at the end, every item pushed has been popped;
 *   - nothing livelocks: a second search (pan -l) looks for a cycle that
 *     passes no `progress` label, a run in which the sides go round for
 *     ever and no item moves. There is none;
 *   - the counters may wrap: they count modulo WRAP = 2 * CAP here, as the
 *     real ones count modulo 2^64, and the full test is the same
 *     difference (tail - head_cache == CAP) as in the header.
 * The cached copies (head_cache, tail_cache) are modelled as they are in
 * the header: stale until their owner reloads them on "looks full" or
 * "looks empty". The caller's retry loop is modelled as waiting until the
 * other side's counter differs from the copy just loaded: a retry before
 * that would see the same values and fail the same way, so nothing is
 * lost, and a bug that stops progress shows as a deadlock, not a loop.
 *
 * WHAT IT DOES NOT PROVE.
 *   - Weak memory. Spin interleaves whole steps; it does not model a store
 *     becoming visible late or out of order on another core, nor what the
 *     compiler may move. That the slot write is visible before the new tail
 *     (and the slot read done before the new head) rests on the release
 *     stores and acquire loads in the header, argued in its comments and in
 *     notes/, and is tested by ThreadSanitizer (`make tsan`, `make
 *     soak-tsan`), which knows the C11 memory model.
 *   - The C code. The model is written by hand from the header; a change
 *     to the header is not checked until the model is changed to match.
 *     The C code is attacked by the fuzzer, the soak and the test suite.
 *   - Larger rings or longer runs: only the sizes checked (a small-scope
 *     argument: the protocol treats every slot and every lap alike).
 *   - spsc_size, create and destroy, and the other stages.
 *   - The layout: which cache line holds which field changes how fast the
 *     protocol runs, never what it does, so the model has no lines.
 *
 * Negative controls: a broken variant for each kind of check, which
 * `make model` requires spin to catch (common/abuse/model/check.sh):
 *   -DBROKEN_PUBLISH    the producer publishes tail before writing the slot:
 *                       the consumer can read the slot before it is
 *                       written (an assertion, with the interleaving).
 *   -DBROKEN_RELEASE    the consumer publishes head before reading the slot:
 *                       the producer can overwrite an item not yet read.
 *   -DBROKEN_FULL_TEST  the full test is off by one (tail - head == CAP - 1):
 *                       with CAP 1 both sides wait for each other forever
 *                       (an invalid end state: the deadlock check).
 *   -DBROKEN_NO_RELOAD  the producer trusts its stale head_cache and never
 *                       reloads it: once the ring has been full it retries
 *                       forever (a non-progress cycle: the livelock check).
 */
#ifndef CAP
#define CAP 2
#endif
#define WRAP (2 * CAP) /* the counters' modulus: the model's 2^64 */
#ifndef ITEMS
#define ITEMS (2 * WRAP + 1) /* the counters wrap twice */
#endif

/* tail - head, as size_t arithmetic does it: modulo WRAP. */
#define DIFF(a, b) (((a) + WRAP - (b)) % WRAP)

#ifdef BROKEN_FULL_TEST
#define FULL (CAP - 1)
#else
#define FULL CAP /* the ring holds CAP items: tail - head == CAP is full */
#endif

byte head = 0; /* pops so far (mod WRAP): written by the consumer, read by the producer */
byte tail = 0; /* pushes so far (mod WRAP): written by the producer, read by the consumer */
byte slot[CAP];
bool holds[CAP]; /* ghost: slot i has been written and not yet read */

active proctype producer()
{
	byte t;
	byte head_cache = 0; /* the producer's copy of head: head_cache <= head */
	byte item = 1;       /* items are 1..ITEMS; 0 is never pushed */

	do
	:: item <= ITEMS ->
		t = tail; /* its own counter: no other thread writes it */
#ifndef BROKEN_NO_RELOAD
		if
		:: DIFF(t, head_cache) == FULL -> head_cache = head /* looks full: reload */
		:: else -> skip
		fi;
#endif
		if
		:: DIFF(t, head_cache) == FULL ->
			/* Full: try_push returns false. The caller's retry cannot succeed before head moves. */
			(head != head_cache)
		:: else ->
#ifdef BROKEN_PUBLISH
			tail = (t + 1) % WRAP;
#endif
			atomic {
				assert(!holds[t % CAP]); /* never overwrite an item the consumer has not read */
				slot[t % CAP] = item;
				holds[t % CAP] = true
			};
#ifndef BROKEN_PUBLISH
			tail = (t + 1) % WRAP; /* publish: the slot is written */
#endif
progress_push:
			item++
		fi
	:: else -> break
	od
}

active proctype consumer()
{
	byte h, v;
	byte tail_cache = 0; /* the consumer's copy of tail: tail_cache <= tail */
	byte expect = 1;

	do
	:: expect <= ITEMS ->
		h = head; /* its own counter */
		if
		:: tail_cache == h -> tail_cache = tail /* looks empty: reload */
		:: else -> skip
		fi;
		if
		:: tail_cache == h ->
			/* Empty: try_pop returns false. The caller's retry cannot succeed before tail moves. */
			(tail != tail_cache)
		:: else ->
#ifdef BROKEN_RELEASE
			head = (h + 1) % WRAP;
#endif
			atomic {
				assert(holds[h % CAP]); /* never read a slot that was not written */
				v = slot[h % CAP];
				holds[h % CAP] = false
			};
#ifndef BROKEN_RELEASE
			head = (h + 1) % WRAP; /* release the slot: it has been read */
#endif
			assert(v == expect); /* each item once, in order */
progress_pop:
			expect++
		fi
	:: else -> break
	od;
	assert(head == tail) /* every item pushed was popped */
}
