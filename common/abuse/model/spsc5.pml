/*
 * common/abuse/model/spsc5.pml: the stage 5 protocol (stage5-waitfree/spsc.h
 * and its bulk extension spsc_bulk.h), checked exhaustively by spin, under
 * two memory models. `make model` runs it (common/abuse/model/check.sh).
 *
 * THE PROTOCOL, as the header writes it. Push: load our own tail; if the
 * ring looks full by the cached head, reload head (acquire) and, if it is
 * still full, fail; else write the slot and publish tail + 1 (release).
 * Pop: load our own head; if the ring looks empty by the cached tail,
 * reload tail (acquire) and, if it is still empty, fail; else read the slot
 * and publish head + 1 (release). The nesting is the header's: the second
 * test runs only after a reload, so a wrong first test is a different bug
 * from a wrong second one (the control outer-test shows it). The producer
 * mixes single pushes with push_n of 2 items, the consumer single pops with
 * pop_n of up to 2, each as spsc_bulk.h writes it: one reload when the
 * cache shows too little, then k = min(n, what there is) slots, then one
 * publication of the counter.
 *
 * THE TWO MEMORY MODELS (-DWEAK selects the second).
 *   sc    Sequential consistency: every load and store is one indivisible
 *         step, visible to the other thread at once; spin interleaves the
 *         steps in every order. Orderings make no difference here.
 *   weak  What Arm and POWER allow and x86 does not, as far as this
 *         protocol can tell, simplified:
 *         - a store goes into its thread's store buffer, one entry per
 *           location, and reaches memory later, when a separate process
 *           (`memory`) drains it; buffers of different locations drain in
 *           any order (store-store reordering, as in PSO); a later store
 *           to the same location replaces a pending one (the older value
 *           was never seen, which is allowed); the writer reads its own
 *           pending value (store forwarding);
 *         - a release store waits until every earlier store of its thread
 *           has drained and every earlier load of it has been performed,
 *           and then goes into the buffer itself;
 *         - an acquire load is performed before every later load and store
 *           of its thread; a relaxed (or plain) one may be performed after
 *           them, which makes acquire differ from relaxed at every load of
 *           the protocol that the other thread writes:
 *             the consumer's reloads of tail (pop, pop_n): relaxed, its
 *             later load of the slot may be satisfied first (load-load;
 *             the model takes the slot's value at any point before the
 *             load of tail: reload_tail);
 *             the producer's reloads of head (push, push_n): relaxed, its
 *             later stores into slots may reach memory first (load->store;
 *             the model lets the push go on with the head the load will
 *             return, chosen in advance, and performs the load before the
 *             release store of tail: reload_head);
 *           and at the consumer's plain loads of slots: before a relaxed
 *           store of head they may be performed after it (load->store;
 *           `memory` performs them later: read_slot); before a release
 *           store they are performed in place, which is the same, since
 *           nothing of the thread lies between them and the release that
 *           waits for them. A thread's loads of its own counter are relaxed
 *           and may be performed late too, but their value is its own last
 *           store whenever they are: the model performs them in place;
 *         - the other loads read memory when they execute.
 *         That covers the two patterns of the litmus tests this protocol
 *         has. Message passing (MP: a write of data, then of a flag,
 *         against a read of the flag, then of the data): the hand-off of a
 *         slot by tail, from the producer's write to the consumer's read;
 *         it fails on Arm by store-store or load-load reordering. Load
 *         buffering (LB: a read of data, then a write of a flag, against a
 *         read of the flag, then a write of the data): the hand-off of a
 *         slot back by head, from the consumer's read to the producer's
 *         next write of it; it fails by load->store reordering. A release
 *         store on one side and an acquire load on the other restore both
 *         (Alglave, Maranget and Tautschnig, "Herding Cats", TOPLAS 2014;
 *         Pulte et al., "Simplifying ARM Concurrency", POPL 2018;
 *         McKenney, "Is Parallel Programming Hard", the memory-ordering
 *         chapter). The model follows C11, not a processor: it keeps no
 *         dependency, so a store that depends on a relaxed load may go
 *         first (Arm and POWER keep that order in hardware; C11 does not
 *         promise it, and a compiler need not keep it).
 *         Not modelled: out-of-thin-air values; one location's stores seen
 *         in different orders by different threads (each location has
 *         one value in memory, as on Arm); fences and seq_cst (the
 *         protocol has none); and compiler transformations other than
 *         these reorderings.
 *
 * WHAT IS CHECKED, for a ring of CAP slots and ITEMS items, enough for the
 * counters (modulo WRAP = 2 * CAP, the model's 2^64) to wrap twice:
 *   - every item arrives exactly once and in order: the consumer asserts
 *     each item is the next one;
 *   - the consumer never reads a slot that was not written (a ghost flag
 *     per slot, set when the write reaches memory, cleared when the read
 *     is performed), and no write reaches a slot holding an unread item;
 *   - nothing deadlocks (an invalid end state): a side that finds the ring
 *     full (empty) waits for the other's counter to move in memory, as the
 *     caller's retry loop would, so a lost item or a wrong test leaves
 *     both waiting; at the end every item pushed was popped;
 *   - under sc, nothing livelocks: pan -l finds no cycle that passes no
 *     `progress` label.
 *
 * WHAT IT DOES NOT CHECK. The C code itself (the model is written by hand
 * from the header; a change there is not checked until this file follows);
 * spsc_size, create and destroy; the layout (which line holds which field
 * changes the speed, not the protocol, so the model has no lines); bulk
 * batches larger than 2; larger rings and longer runs than those checked
 * (a small-scope argument: every slot and every lap is treated alike).
 *
 * Build switches: -DWEAK (the weak model); the variants check.sh runs as
 * controls, each of which spin must catch:
 *   RELAXED_PUBLISH     the producer's stores of tail are relaxed (the C
 *                       broken-publish variant): caught under weak only
 *   RELAXED_ACQUIRE     the consumer's reloads of tail are relaxed: caught
 *                       under weak only
 *   RELAXED_HEAD_STORE  the consumer's stores of head are relaxed (the C
 *                       relaxed-head-store variant): its load of a slot may
 *                       be performed after the producer has overwritten
 *                       the slot (LB): caught under weak only
 *   RELAXED_HEAD_LOAD   the producer's reloads of head are relaxed (the C
 *                       relaxed-head-load variant): its store into a slot
 *                       may reach memory before the consumer has read it
 *                       (LB): caught under weak only
 *   PUBLISH_BEFORE_WRITE  tail is stored before the slot is written
 *                       (program order swapped): caught under both
 *   RELEASE_BEFORE_READ head is stored before the slot is read
 *   FULL_TEST_OFF       the second full test is off by one (CAP - 1)
 *   OUTER_TEST_OFF      the first full test misses full (CAP + 1): the
 *                       push goes ahead without a reload and overwrites
 *   NO_RELOAD           the producer never reloads head (livelock, sc)
 */
#ifndef CAP
#define CAP 2
#endif
#define WRAP (2 * CAP) /* the counters' modulus: the model's 2^64 */
#ifndef ITEMS
#define ITEMS (2 * WRAP + 1) /* the counters wrap twice */
#endif
#define BULK 2 /* push_n and pop_n move at most this many */

/* a - b as size_t arithmetic does it: modulo WRAP. */
#define DIFF(a, b) (((a) + WRAP - (b)) % WRAP)
#define MIN(a, b) (((a) < (b)) -> (a) : (b))

#ifdef FULL_TEST_OFF
#define FULL (CAP - 1)
#else
#define FULL CAP /* the ring holds CAP items: tail - head == CAP is full */
#endif
#ifdef OUTER_TEST_OFF
#define LOOKS_FULL (CAP + 1)
#else
#define LOOKS_FULL FULL
#endif

/* The loads that may be performed after a later store of their thread (load->store). */
#if defined(WEAK) && defined(RELAXED_HEAD_LOAD)
#define LATE_HEAD /* the producer's reloads of head (reload_head) */
#endif
#if defined(WEAK) && defined(RELAXED_HEAD_STORE)
#define LATE_SLOTS /* the consumer's loads of slots (read_slot) */
#endif

/* Memory: what the other thread can see. */
byte head = 0; /* pops so far (mod WRAP): written by the consumer, read by the producer */
byte tail = 0; /* pushes so far (mod WRAP): written by the producer, read by the consumer */
byte slot[CAP];
bool holds[CAP]; /* ghost: slot i has reached memory written and has not been read */

#ifdef WEAK
/* The store buffers: one entry per location; the count is the thread's pending stores. */
bool tail_pending, head_pending;
byte tail_buf, head_buf;
bool slot_pending[CAP];
byte slot_buf[CAP];
byte producer_pending = 0; /* pending stores of the producer (tail and slots) */
#endif
#ifdef LATE_SLOTS
/* The consumer's loads of slots issued and not yet performed (read_slot): at most one per slot. */
bool load_pending[CAP];
byte load_want[CAP];     /* the item that load must find */
byte consumer_loads = 0; /* loads pending */
#define LOADS_PERFORMED (consumer_loads == 0)
#else
#define LOADS_PERFORMED true
#endif

/* ---- the producer's stores and its load of its own tail */
#ifdef WEAK
/* Into the buffer: DRAIN_SLOT, as the write reaches memory, checks that it overwrites no unread item. */
inline store_slot(i, v) {
	atomic {
		assert(!slot_pending[i]); /* never replace an item that has not even reached memory */
		slot_buf[i] = v;
		slot_pending[i] = true;
		producer_pending++
	}
}
/*
 * A release store waits for every earlier load of the thread to be
 * performed (a late reload of head: complete_head_load) and every earlier
 * store to drain.
 */
inline store_tail(v, release) {
	if
	:: release ->
#ifdef LATE_HEAD
		complete_head_load();
#endif
		(producer_pending == 0 || (producer_pending == 1 && tail_pending))
	:: else -> skip
	fi;
	atomic {
		if
		:: !tail_pending -> producer_pending++
		:: else -> skip
		fi;
		tail_buf = v;
		tail_pending = true
	}
}
#define OWN_TAIL (tail_pending -> tail_buf : tail)
#else
inline store_slot(i, v) {
	atomic {
		assert(!holds[i]); /* never overwrite an item the consumer has not read */
		slot[i] = v;
		holds[i] = true
	}
}
inline store_tail(v, release) { tail = v }
#define OWN_TAIL tail
#endif

#ifdef RELAXED_PUBLISH
#define PUBLISH_RELEASE false
#else
#define PUBLISH_RELEASE true
#endif

/*
 * The reload of head in push and push_n: ACQUIRE, performed here, before
 * the producer's later stores. Relaxed (RELAXED_HEAD_LOAD), under weak, it
 * may be performed after them (late): the model chooses here the head the
 * load will return, one that leaves room for 1 item or, in push_n, for
 * `most` (BULK), and not past t, so that the consumer can reach it with
 * the items already published; the push goes on with it, and the load is
 * performed before the release store of tail (complete_head_load, with the
 * push's t), once head in memory has come that far. The slot stores in
 * between may reach memory first.
 */
#ifdef LATE_HEAD
#ifdef RELAXED_PUBLISH
#error "a late load of head is performed at the release store of tail: RELAXED_HEAD_LOAD needs it"
#endif
inline reload_head(t, most) {
	if
	:: head_cache = head
	:: late = true; head_cache = (t + WRAP + 1 - CAP) % WRAP /* room for 1 */
	:: most > 1 && most <= CAP -> late = true; head_cache = (t + WRAP + most - CAP) % WRAP /* room for most */
	fi
}
inline complete_head_load() {
	if
	:: late -> atomic { (DIFF(t, head) <= DIFF(t, head_cache)) -> head_cache = head; late = false } /* head came that far */
	:: else -> skip
	fi
}
#else
inline reload_head(t, most) { head_cache = head }
#endif

active proctype producer()
{
	byte t, k, room, j;
	byte head_cache = 0; /* the producer's copy of head: head_cache <= head */
#ifdef LATE_HEAD
	bool late = false; /* the last reload of head is not yet performed (reload_head) */
#endif
	byte item = 1;       /* items are 1..ITEMS; 0 is never pushed */

	do
	:: item > ITEMS -> break
	:: item <= ITEMS -> /* spsc_try_push */
		t = OWN_TAIL;
#ifndef NO_RELOAD
		if
		:: DIFF(t, head_cache) == LOOKS_FULL ->
			reload_head(t, 1); /* looks full: reload (acquire) */
			if
			:: DIFF(t, head_cache) == FULL ->
				/* Full: try_push returns false. The caller's retry cannot succeed before head moves. */
				(head != head_cache);
				goto next_push
			:: else -> skip
			fi
		:: else -> skip
		fi;
#else
		if
		:: DIFF(t, head_cache) == FULL -> (head != head_cache); goto next_push
		:: else -> skip
		fi;
#endif
#ifdef PUBLISH_BEFORE_WRITE
		store_tail((t + 1) % WRAP, PUBLISH_RELEASE);
#endif
		store_slot(t % CAP, item);
#ifndef PUBLISH_BEFORE_WRITE
		store_tail((t + 1) % WRAP, PUBLISH_RELEASE); /* publish: the slot is written */
#endif
progress_push:
		item++;
next_push:
		skip
	:: item + 1 <= ITEMS -> /* spsc_try_push_n of 2 items */
		t = OWN_TAIL;
		if
		:: CAP - DIFF(t, head_cache) < BULK -> reload_head(t, BULK) /* too little room by the cache: reload (acquire) */
		:: else -> skip
		fi;
		room = CAP - DIFF(t, head_cache);
		k = MIN(BULK, room);
		if
		:: k == 0 -> (head != head_cache) /* full: the caller retries once head moves */
		:: k > 0 ->
			j = 0;
			do
			:: j < k -> store_slot((t + j) % CAP, item + j); j++
			:: else -> break
			od;
			store_tail((t + k) % WRAP, PUBLISH_RELEASE); /* one publication for the batch */
progress_push_n:
			item = item + k
		fi
	od
}

/* ---- the consumer's loads of slots, its store of head and its load of its own head */
#ifdef WEAK
inline store_head(v) {
	atomic { head_buf = v; head_pending = true }
}
#define OWN_HEAD (head_pending -> head_buf : head)
#else
inline store_head(v) { head = v }
#define OWN_HEAD head
#endif

/* Read slot i (now, or the value taken early), check it, and clear its ghost flag. */
inline read_now(i, early, ev, eh, want) {
	atomic {
		if
		:: early -> assert(eh); v = ev /* the slot was read before the load of tail: was it written then? */
		:: else -> assert(holds[i]); v = slot[i] /* never read a slot that was not written */
		fi;
		holds[i] = false;
		early = false
	};
	assert(v == want) /* each item once, in order */
}

/*
 * The read of a slot in pop and pop_n: a plain load. The store of head
 * after it is a RELEASE: it waits until the load is performed, and nothing
 * of the consumer lies between them, so the model performs the load in
 * place. Relaxed (RELAXED_HEAD_STORE), under weak, the load may be
 * performed after that store has reached memory: it is issued here (late)
 * and `memory` performs it at any later point, at once included
 * (PERFORM_LOAD, with the same checks). Loads of one slot are performed in
 * program order. A value taken early (reload_tail) is used as before.
 */
#ifdef LATE_SLOTS
inline read_slot(i, early, ev, eh, want) {
	if
	:: early -> read_now(i, early, ev, eh, want)
	:: atomic { !early && !load_pending[i] -> load_want[i] = want; load_pending[i] = true; consumer_loads++ }
	fi
}
#else
inline read_slot(i, early, ev, eh, want) { read_now(i, early, ev, eh, want) }
#endif

/*
 * The reload of tail in pop. Relaxed, under weak: the slot at h may be read
 * at any point before it (its value and ghost flag kept in ev, eh).
 */
inline reload_tail(h) {
#if defined(WEAK) && defined(RELAXED_ACQUIRE)
	if
	:: atomic { early = true; ev = slot[h % CAP]; eh = holds[h % CAP] }
	:: skip
	fi;
#endif
	tail_cache = tail
}

active proctype consumer()
{
	byte h, v, k, j, ev;
	bool early = false, eh;
	byte tail_cache = 0; /* the consumer's copy of tail: tail_cache <= tail */
	byte expect = 1;

	do
	:: expect > ITEMS -> break
	:: expect <= ITEMS -> /* spsc_try_pop */
		h = OWN_HEAD;
		if
		:: tail_cache == h ->
			reload_tail(h); /* looks empty: reload (acquire) */
			if
			:: tail_cache == h ->
				/* Empty: try_pop returns false. The caller's retry cannot succeed before tail moves. */
				early = false;
				(tail != tail_cache);
				goto next_pop
			:: else -> skip
			fi
		:: else -> skip
		fi;
#ifdef RELEASE_BEFORE_READ
		store_head((h + 1) % WRAP);
#endif
		read_slot(h % CAP, early, ev, eh, expect);
#ifndef RELEASE_BEFORE_READ
		store_head((h + 1) % WRAP); /* release the slot: it has been read */
#endif
progress_pop:
		expect++;
next_pop:
		skip
	:: expect <= ITEMS -> /* spsc_try_pop_n of up to 2 items */
		h = OWN_HEAD;
		if
		:: DIFF(tail_cache, h) < BULK -> reload_tail(h) /* too few by the cache: reload (acquire) */
		:: else -> skip
		fi;
		k = MIN(BULK, DIFF(tail_cache, h));
		if
		:: k == 0 -> early = false; (tail != tail_cache) /* empty: the caller retries once tail moves */
		:: k > 0 ->
			j = 0;
			do
			:: j < k -> read_slot((h + j) % CAP, early, ev, eh, expect + j); j++
			:: else -> break
			od;
			store_head((h + k) % WRAP); /* one publication for the batch */
progress_pop_n:
			expect = expect + k
		fi
	od;
#ifdef WEAK
	(!head_pending && !tail_pending && producer_pending == 0 && LOADS_PERFORMED); /* let memory drain */
#endif
	assert(head == tail) /* every item pushed was popped */
}

#ifdef WEAK
/*
 * Memory: drains any pending store, in any order across locations; and
 * performs any late load of a slot (read_slot), at any point.
 */
#define DRAIN_SLOT(i) :: atomic { slot_pending[i] -> \
	assert(!holds[i]); /* never overwrite an item the consumer has not read */ \
	slot[i] = slot_buf[i]; holds[i] = true; slot_pending[i] = false; producer_pending-- }
#ifdef LATE_SLOTS
#define PERFORM_LOAD(i) :: atomic { load_pending[i] -> \
	assert(holds[i]); /* never read a slot that was not written */ \
	assert(slot[i] == load_want[i]); /* each item once, in order */ \
	holds[i] = false; load_pending[i] = false; consumer_loads-- }
#else
#define PERFORM_LOAD(i)
#endif
#define SLOT(i) DRAIN_SLOT(i) PERFORM_LOAD(i)
active proctype memory()
{
end:
	do
	:: atomic { tail_pending -> tail = tail_buf; tail_pending = false; producer_pending-- }
	:: atomic { head_pending -> head = head_buf; head_pending = false }
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
	od
}
#endif
