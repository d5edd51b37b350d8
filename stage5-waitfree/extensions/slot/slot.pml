/*
 * stage5-waitfree/extensions/slot/slot.pml: the protocol of the
 * slot-signalled ring (stage5-waitfree/extensions/slot/spsc_slot.h),
 * checked exhaustively by spin, under two memory models. `make model-slot`
 * runs it (stage5-waitfree/extensions/slot/check.sh).
 *
 * THE PROTOCOL, as the header writes it. Each slot holds an item and a
 * sequence word seq: seq == 2p, the slot is free for item p; seq == 2p + 1,
 * item p is in it. Slot i starts at seq = 2i. Push at position t, into slot
 * t % CAP: load seq (acquire); if it is not 2t, fail; else write the item,
 * then publish seq = 2t + 1 (release). Pop at position h: load seq
 * (acquire); if it is not 2h + 1, fail; else read the item, then hand the
 * slot to the producer's next lap, seq = 2(h + CAP) (release). The header's
 * counters head and tail are left out: each is stored relaxed by its own
 * side, read in push and pop by that side alone (its value is the side's
 * own last store, whenever the load is performed) and otherwise only by
 * spsc_size, which is not checked; here each side's position is a local
 * variable. Leaving out two stores that nobody else reads takes no
 * execution away: a release here has less to wait for, not more.
 *
 * THE SEQUENCE NUMBERS, modulo small numbers. The header computes positions
 * modulo 2^64 and seq = 2p modulo 2^64, which keeps p modulo 2^63. The model
 * keeps positions modulo WRAP = 2 * CAP (a run of ITEMS items wraps them
 * twice) and seq modulo SEQWRAP = 2 * WRAP, so that 2p and 2p + 1 keep p
 * modulo WRAP: a slot's word says full or free, and for which of two laps.
 * That takes every test the way the header does, because of what a test
 * can find. Each store of seq is made by a side that has just read the
 * value before it in the slot's sequence 2i, 2i + 1, 2(i + CAP),
 * 2(i + CAP) + 1, ... (the producer stores 2p + 1 having read 2p, the
 * consumer 2(p + CAP) having read 2p + 1), so the slot's stores reach
 * memory in that order, whatever the memory model, and a side reads its
 * own store or the other's next one: the producer at t finds item t - CAP
 * in the slot or the slot free for t; the consumer at h finds the slot free
 * for h or item h in it. Each test compares the value found with one for
 * the tester's own position, and the two are for positions at most CAP
 * apart, fewer than WRAP: there the header's arithmetic modulo 2^64 and
 * the model's modulo SEQWRAP give the same answer (the header's comment
 * makes the same argument for its own wrap). The model does not take the
 * argument on trust: at every load of seq it asserts that the value found
 * is one of those two (as far as positions modulo WRAP tell), so a variant
 * that lets another value reach a test is reported (ZERO_INIT shows it).
 * At capacity 1 the slot's successive values are 2p + 1 (item p in it)
 * and 2(p + 1) (free for p + 1), still distinct: with Vyukov's encoding,
 * p for free and p + 1 for full, they would be the same value
 * (VYUKOV_ENCODING shows what follows).
 *
 * THE TWO MEMORY MODELS (-DWEAK selects the second), those of
 * common/abuse/model/spsc5.pml (its comment gives the references), applied
 * to this protocol.
 *   sc    Sequential consistency: every load and store is one indivisible
 *         step, visible to the other side at once; spin interleaves the
 *         steps in every order. Orderings make no difference here.
 *   weak  What Arm and POWER allow and x86 does not, as far as this
 *         protocol can tell, simplified:
 *         - a store goes into its thread's store buffer, one entry per
 *           location (seq is written by both sides: each side has its own
 *           entry for each slot's seq), and reaches memory later, when a
 *           separate process (`memory`) drains it; buffers of different
 *           locations drain in any order (store-store reordering, as in
 *           PSO); a later store to the same location replaces a pending
 *           one; the writer reads its own pending value (store
 *           forwarding);
 *         - a release store waits until every earlier store of its thread
 *           has drained and every earlier load of it has been performed,
 *           and then goes into the buffer itself;
 *         - an acquire load is performed before every later load and store
 *           of its thread; a relaxed (or plain) one may be performed after
 *           them, which makes acquire differ from relaxed at both loads of
 *           seq, each of which reads the other side's store:
 *             the consumer's load of seq (pop): relaxed, its later load of
 *             the item may be satisfied first (load-load; the model takes
 *             the item's value at any point of the attempt before the load
 *             of seq: early_item);
 *             the producer's load of seq (push): relaxed, its later store
 *             of the item may reach memory first (load->store; the model
 *             lets the push go on with the value the load must return for
 *             it to go on, free for t, and performs the load before the
 *             release store of seq, once memory holds that value:
 *             load_free);
 *           and at the consumer's plain load of the item: before a relaxed
 *           store of seq it may be performed after it (load->store;
 *           `memory` performs it later: read_item); before a release store
 *           it is performed in place, which is the same, since nothing of
 *           the thread lies between them and the release that waits for
 *           it;
 *         - the other loads read memory (or the thread's own pending
 *           store) when they execute.
 *         That covers the two patterns of the litmus tests this protocol
 *         has, both carried by one word. Message passing (MP): the
 *         hand-off of an item by seq = 2p + 1, from the producer's write of
 *         the item to the consumer's read of it; it fails by store-store or
 *         load-load reordering. Load buffering (LB): the hand-off of the
 *         slot back by seq = 2(p + CAP), from the consumer's read of the
 *         item to the producer's next write of it; it fails by load->store
 *         reordering. A release store on one side and an acquire load on
 *         the other restore both. The model follows C11, not a processor:
 *         it keeps no dependency, so the producer's store of the item may
 *         go ahead of the relaxed load of seq it depends on.
 *         Not modelled: out-of-thin-air values; one location's stores seen
 *         in different orders by different threads (each location has one
 *         value in memory, as on Arm); fences and seq_cst (the protocol has
 *         none); and compiler transformations other than these
 *         reorderings.
 *
 * WHAT IS CHECKED, for a ring of CAP slots and ITEMS items, enough for the
 * positions (modulo WRAP) to wrap twice:
 *   - every item arrives exactly once and in order: the consumer asserts
 *     each item is the next one;
 *   - the consumer never reads an item that was not written (a ghost flag
 *     per slot, set when the write reaches memory, cleared when the read
 *     is performed), and no write reaches a slot holding an unread item;
 *   - every load of seq finds one of the two values the protocol allows
 *     at that position (the premise of the modulo arithmetic, above);
 *   - nothing deadlocks (an invalid end state): a side whose test fails
 *     waits for the slot's seq to change, as the caller's retry loop
 *     would, so a lost hand-off leaves both waiting; at the end every
 *     slot holds no unread item and is free for its next lap;
 *   - under sc, nothing livelocks: pan -l finds no cycle that passes no
 *     `progress` label.
 *
 * WHAT IT DOES NOT CHECK. The C code itself (the model is written by hand
 * from the header; a change there is not checked until this file follows);
 * spsc_size and the counters it reads, create, destroy and the test hook
 * that starts the positions elsewhere (the model starts them at 0; its
 * wrapping stands for theirs); the layout; larger rings and longer runs
 * than those checked (a small-scope argument: every slot and every lap is
 * treated alike).
 *
 * Build switches: -DWEAK (the weak model); -DSEQ_FLAG (seq modulo 2: full
 * or free and no position, FastForward's flag; check.sh runs it as a
 * variant that must pass, since no test needs the position); -DNO_SEQ_CHECK
 * (the assertion on the value each load of seq finds left out); and the
 * variants check.sh runs as controls, each of which spin must catch:
 *   RELAXED_PUBLISH     the producer's store of seq is relaxed (the C
 *                       slot-relaxed-publish variant): the consumer reads
 *                       an item before it was written (MP): caught under
 *                       weak only
 *   RELAXED_ACQUIRE     the consumer's load of seq is relaxed: its read of
 *                       the item is satisfied before the item is written
 *                       (MP): caught under weak only
 *   RELAXED_FREE        the consumer's store of seq is relaxed (the C
 *                       slot-relaxed-free variant): its read of the item
 *                       is performed after the producer, seeing the slot
 *                       free, has overwritten it (LB): caught under weak
 *                       only
 *   RELAXED_FREE_LOAD   the producer's load of seq is relaxed: its write of
 *                       the item reaches memory before the consumer has
 *                       read the one it replaces (LB): caught under weak
 *                       only
 *   PUBLISH_BEFORE_WRITE  seq = 2t + 1 is stored before the item is
 *                       written (program order swapped): caught under both
 *   FREE_BEFORE_READ    seq = 2(h + CAP) is stored before the item is read
 *   VYUKOV_ENCODING     Vyukov's encoding: free for p is p, item p is in it
 *                       is p + 1, slot i starts at i. At capacity 1 full
 *                       with p equals free for p + 1: the producer
 *                       overwrites an unread item (caught under sc); at
 *                       capacity 2 it passes (check.sh shows it)
 *   ZERO_INIT           every slot starts at seq = 0, as calloc leaves it:
 *                       slot 1 is never free for position 1 (caught by
 *                       the assertion on the value found, at capacity 2)
 *   NO_FREE             pop stores no seq (as if it published head, as
 *                       stage 5 does): the producer waits for ever on its
 *                       second lap (an invalid end state; checked with
 *                       NO_SEQ_CHECK, since otherwise the consumer's next
 *                       load, finding its last item still marked in the
 *                       slot, is reported first)
 *   NO_RELOAD           the producer tests a copy of seq taken once per
 *                       position, as a plain load hoisted out of the
 *                       caller's retry loop would be (livelock, sc)
 */
#ifndef CAP
#define CAP 2
#endif
#if CAP != 1 && CAP != 2 && CAP != 4 && CAP != 8 && CAP != 16
#error "CAP: a power of two, as spsc_create rounds it, up to 16 (the slots memory drains)"
#endif
#define WRAP (2 * CAP) /* positions modulo WRAP: the model's 2^64 */
#ifndef ITEMS
#define ITEMS (2 * WRAP + 1) /* the positions wrap twice */
#endif
#define AHEAD(p) (((p) + CAP) % WRAP)       /* p + CAP: the slot's next lap */
#define BACK(p)  (((p) + WRAP - CAP) % WRAP) /* p - CAP: the slot's last lap */

/*
 * The encoding of seq, modulo SEQWRAP: FREE(p), the slot is free for item
 * p; FULL(p), item p is in it. INIT(i), slot i's first value.
 */
#ifdef VYUKOV_ENCODING
#define SEQWRAP WRAP /* p modulo WRAP */
#define FREE(p) ((p) % SEQWRAP)
#define FULL(p) (((p) + 1) % SEQWRAP)
#elif defined(SEQ_FLAG)
#define SEQWRAP 2 /* full or free, for no position */
#define FREE(p) 0
#define FULL(p) 1
#else
#define SEQWRAP (2 * WRAP) /* p modulo WRAP */
#define FREE(p) ((2 * (p)) % SEQWRAP)
#define FULL(p) ((2 * (p) + 1) % SEQWRAP)
#endif
#ifdef ZERO_INIT
#define INIT(i) 0
#else
#define INIT(i) FREE(i)
#endif
/* The first position of slot i that the run does not reach: the slot's value at the end is FREE of it. */
#define NEXT_LAP(i) ((ITEMS + ((i) + CAP - ITEMS % CAP) % CAP) % WRAP)

#ifdef RELAXED_PUBLISH
#define PUBLISH_RELEASE false
#else
#define PUBLISH_RELEASE true
#endif
#ifdef RELAXED_FREE
#define FREE_RELEASE false
#else
#define FREE_RELEASE true
#endif

/* The loads that may be performed after a later store of their thread (load->store). */
#if defined(WEAK) && defined(RELAXED_FREE_LOAD)
#define LATE_FREE /* the producer's load of seq (load_free) */
#endif
#if defined(WEAK) && defined(RELAXED_FREE)
#define LATE_ITEMS /* the consumer's loads of items (read_item) */
#endif

/* Memory: what the other thread can see. */
byte seq[CAP];   /* written by both sides, read by both */
byte item[CAP];  /* written by the producer, read by the consumer */
bool holds[CAP]; /* ghost: slot i's item has reached memory written and has not been read */

#ifdef WEAK
/* The store buffers: one entry per location and thread; the counts are each thread's pending stores. */
bool item_pending[CAP], pseq_pending[CAP], cseq_pending[CAP]; /* the producer's item and seq, the consumer's seq */
byte item_buf[CAP], pseq_buf[CAP], cseq_buf[CAP];
byte producer_pending = 0;
byte consumer_pending = 0;
/* What each side's load of seq returns: its own pending store, else memory. */
#define PSEQ(i) (pseq_pending[i] -> pseq_buf[i] : seq[i])
#define CSEQ(i) (cseq_pending[i] -> cseq_buf[i] : seq[i])
#else
#define PSEQ(i) seq[i]
#define CSEQ(i) seq[i]
#endif
#ifdef LATE_ITEMS
/* The consumer's loads of items issued and not yet performed (read_item): at most one per slot. */
bool load_pending[CAP];
byte load_want[CAP];     /* the item that load must find */
byte consumer_loads = 0; /* loads pending */
#define LOADS_PERFORMED (consumer_loads == 0)
#else
#define LOADS_PERFORMED true
#endif

/* ---- the producer's load and stores */
/*
 * The load of seq in push: ACQUIRE, performed here, before the producer's
 * later stores. Relaxed (RELAXED_FREE_LOAD), under weak, it may be
 * performed after them (late): the push goes on as if it had found the
 * slot free for t, the only value with which it goes on, and the load is
 * performed before the release store of seq (complete_free_load), once
 * seq has that value; the item's store in between may reach memory first.
 * NO_RELOAD: the load is made once per position, and a retry tests the
 * same value again.
 */
inline load_free(i, v) {
#ifdef NO_RELOAD
	if
	:: !loaded -> v = PSEQ(i); loaded = true
	:: else -> skip
	fi;
#elif defined(LATE_FREE)
	if
	:: v = PSEQ(i)
	:: late = true; v = FREE(t) /* what the load will return, when it is performed */
	fi;
#else
	v = PSEQ(i);
#endif
#ifndef NO_SEQ_CHECK
	allowed = (v == FREE(t) || v == FULL(BACK(t))); /* free for t, or item t - CAP still in it */
	assert(allowed)
#else
	skip
#endif
}
#ifdef LATE_FREE
#ifdef RELAXED_PUBLISH
#error "a late load of seq is performed at the release store of seq: RELAXED_FREE_LOAD needs it"
#endif
inline complete_free_load() {
	if
	:: late -> atomic { (PSEQ(i) == FREE(t)) -> late = false } /* the slot is free for t: the load is performed */
	:: else -> skip
	fi
}
#endif

#ifdef WEAK
/* Into the buffer: DRAIN_ITEM, as the write reaches memory, checks that it overwrites no unread item. */
inline store_item(i, x) {
	atomic {
		assert(!item_pending[i]); /* never replace an item that has not even reached memory */
		item_buf[i] = x;
		item_pending[i] = true;
		producer_pending++
	}
}
/*
 * A release store waits for every earlier load of the thread to be
 * performed (a late load of seq: complete_free_load) and every earlier
 * store to drain.
 */
inline store_pseq(i, x, release) {
	if
	:: release ->
#ifdef LATE_FREE
		complete_free_load();
#endif
		(producer_pending == 0)
	:: else -> skip
	fi;
	atomic {
		if
		:: !pseq_pending[i] -> producer_pending++
		:: else -> skip
		fi;
		pseq_buf[i] = x;
		pseq_pending[i] = true
	}
}
#else
inline store_item(i, x) {
	atomic {
		assert(!holds[i]); /* never overwrite an item the consumer has not read */
		item[i] = x;
		holds[i] = true
	}
}
inline store_pseq(i, x, release) { seq[i] = x }
#endif

proctype producer()
{
	byte t = 0; /* our position (mod WRAP): the header's tail */
	byte i, v;
	byte next = 1; /* items are 1..ITEMS, item p + 1 at position p; 0 is never pushed */
	bool allowed = true; /* the value of seq found is one the protocol allows here */
#ifdef LATE_FREE
	bool late = false; /* the last load of seq is not yet performed (load_free) */
#endif
#ifdef NO_RELOAD
	bool loaded = false; /* v holds seq as loaded at this position */
#endif

	do
	:: next > ITEMS -> break
	:: next <= ITEMS -> /* spsc_try_push */
		i = t % CAP;
		load_free(i, v); /* acquire */
		if
		:: v != FREE(t) ->
			/* Not free: try_push returns false. The caller's retry cannot succeed before seq changes. */
			(PSEQ(i) != v)
		:: else ->
#ifdef PUBLISH_BEFORE_WRITE
			store_pseq(i, FULL(t), PUBLISH_RELEASE);
#endif
			store_item(i, next);
#ifndef PUBLISH_BEFORE_WRITE
			store_pseq(i, FULL(t), PUBLISH_RELEASE); /* publish: item t is in the slot */
#endif
#ifdef NO_RELOAD
			loaded = false;
#endif
			t = (t + 1) % WRAP;
progress_push:
			next++
		fi
	od
}

/* ---- the consumer's loads and its store */
#ifdef WEAK
/* Into the buffer, after a release has waited for every earlier load to be performed and store to drain. */
inline store_cseq(i, x, release) {
	if
	:: release -> (consumer_pending == 0 && LOADS_PERFORMED)
	:: else -> skip
	fi;
	atomic {
		if
		:: !cseq_pending[i] -> consumer_pending++
		:: else -> skip
		fi;
		cseq_buf[i] = x;
		cseq_pending[i] = true
	}
}
#else
inline store_cseq(i, x, release) { seq[i] = x }
#endif

/*
 * The consumer's load of seq is ACQUIRE. Relaxed (RELAXED_ACQUIRE), under
 * weak, its later load of the item may be satisfied first: the model reads
 * the item here (its value and ghost flag kept in ev, eh), at any point of
 * the attempt before the load of seq.
 */
inline early_item(i) {
#if defined(WEAK) && defined(RELAXED_ACQUIRE)
	if
	:: atomic { early = true; ev = item[i]; eh = holds[i] }
	:: skip
	fi
#else
	skip
#endif
}

/* Read item i (now, or the value taken early), check it, and clear its ghost flag. */
inline read_now(i, want) {
	atomic {
		if
		:: early -> assert(eh); got = ev /* the item was read before the load of seq: was it written then? */
		:: else -> assert(holds[i]); got = item[i] /* never read an item that was not written */
		fi;
		holds[i] = false;
		early = false
	};
	assert(got == want) /* each item once, in order */
}

/*
 * The read of the item in pop: a plain load. The store of seq after it is
 * a RELEASE: it waits until the load is performed, and nothing of the
 * consumer lies between them, so the model performs the load in place.
 * Relaxed (RELAXED_FREE), under weak, the load may be performed after that
 * store has reached memory: it is issued here (late) and `memory` performs
 * it at any later point, at once included (PERFORM_LOAD, with the same
 * checks). Loads of one slot are performed in program order. A value
 * taken early (early_item) is used as before.
 */
#ifdef LATE_ITEMS
inline read_item(i, want) {
	if
	:: early -> read_now(i, want)
	:: atomic { !early && !load_pending[i] -> load_want[i] = want; load_pending[i] = true; consumer_loads++ }
	fi
}
#else
inline read_item(i, want) { read_now(i, want) }
#endif

proctype consumer()
{
	byte h = 0; /* our position (mod WRAP): the header's head */
	byte i, v, got, ev;
	bool early = false, eh;
	byte expect = 1;
	bool allowed = true; /* the value of seq found is one the protocol allows here */

	do
	:: expect > ITEMS -> break
	:: expect <= ITEMS -> /* spsc_try_pop */
		i = h % CAP;
		early_item(i);
		v = CSEQ(i); /* acquire */
#ifndef NO_SEQ_CHECK
		allowed = (v == FREE(h) || v == FULL(h)); /* free for h, or item h in it */
		assert(allowed);
#endif
		if
		:: v != FULL(h) ->
			/* Empty: try_pop returns false. The caller's retry cannot succeed before seq changes. */
			early = false;
			(CSEQ(i) != v)
		:: else ->
#ifdef FREE_BEFORE_READ
			store_cseq(i, FREE(AHEAD(h)), FREE_RELEASE);
#endif
			read_item(i, expect);
#if !defined(FREE_BEFORE_READ) && !defined(NO_FREE)
			store_cseq(i, FREE(AHEAD(h)), FREE_RELEASE); /* hand the slot to the producer's next lap */
#endif
			h = (h + 1) % WRAP;
progress_pop:
			expect++
		fi
	od;
#ifdef WEAK
	(producer_pending == 0 && consumer_pending == 0 && LOADS_PERFORMED); /* let memory drain */
#endif
	/* Every slot holds no unread item and is free for its next lap. */
	for (i : 0 .. CAP - 1) {
		assert(!holds[i] && seq[i] == FREE(NEXT_LAP(i)))
	}
}

#ifdef WEAK
/*
 * Memory: drains any pending store, in any order across locations; and
 * performs any late load of an item (read_item), at any point.
 */
#define DRAIN_ITEM(i) :: atomic { item_pending[i] -> \
	assert(!holds[i]); /* never overwrite an item the consumer has not read */ \
	item[i] = item_buf[i]; holds[i] = true; item_pending[i] = false; producer_pending-- }
#define DRAIN_SEQ(i) :: atomic { pseq_pending[i] -> seq[i] = pseq_buf[i]; pseq_pending[i] = false; producer_pending-- } \
	:: atomic { cseq_pending[i] -> seq[i] = cseq_buf[i]; cseq_pending[i] = false; consumer_pending-- }
#ifdef LATE_ITEMS
#define PERFORM_LOAD(i) :: atomic { load_pending[i] -> \
	assert(holds[i]); /* never read an item that was not written */ \
	assert(item[i] == load_want[i]); /* each item once, in order */ \
	holds[i] = false; load_pending[i] = false; consumer_loads-- }
#else
#define PERFORM_LOAD(i)
#endif
#define SLOT(i) DRAIN_ITEM(i) DRAIN_SEQ(i) PERFORM_LOAD(i)
proctype memory()
{
end:
	do
	SLOT(0)
#if CAP > 1
	SLOT(1)
#endif
#if CAP > 2
	SLOT(2)
	SLOT(3)
#endif
#if CAP > 4
	SLOT(4)
	SLOT(5)
	SLOT(6)
	SLOT(7)
#endif
#if CAP > 8
	SLOT(8)
	SLOT(9)
	SLOT(10)
	SLOT(11)
	SLOT(12)
	SLOT(13)
	SLOT(14)
	SLOT(15)
#endif
	od
}
#endif

/* Slot i starts free for position i (INIT); then the two sides start, and memory. */
init {
	byte i;

	atomic {
		for (i : 0 .. CAP - 1) {
			seq[i] = INIT(i)
		}
		run producer();
		run consumer();
#ifdef WEAK
		run memory()
#endif
	}
}
