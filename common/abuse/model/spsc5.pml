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
 *           has drained, and then goes into the buffer itself;
 *         - an acquire load is performed in program order; a relaxed load
 *           of tail in pop lets the consumer's later load of the slot be
 *           satisfied before it (load-load reordering): the model takes
 *           the slot's value at any point before the load of tail;
 *         - the other loads read memory when they execute.
 *         Not modelled: load buffering (a store made visible before an
 *         earlier load of the same thread performs), out-of-thin-air
 *         values, and any reordering of the counters' own loads. That is
 *         enough for this protocol because its one claim about ordering is
 *         the message-passing pattern of the litmus tests (MP): a write of
 *         data, then a write of a flag, against a read of the flag, then a
 *         read of the data. MP fails on Arm exactly by store-store or
 *         load-load reordering, the two this model has, and is restored by
 *         a release store (or barrier) on the writing side and an acquire
 *         load (or dependency) on the reading side (Alglave, Maranget and
 *         Tautschnig, "Herding Cats", TOPLAS 2014; Pulte et al.,
 *         "Simplifying ARM Concurrency", POPL 2018; McKenney,
 *         "Is Parallel Programming Hard", the memory-ordering chapter).
 *         The reverse hand-off (head, from the consumer's read of a slot to
 *         the producer's next write of it) is the load-buffering pattern
 *         (LB), which this model cannot show: a relaxed head is not caught.
 *
 * WHAT IS CHECKED, for a ring of CAP slots and ITEMS items, enough for the
 * counters (modulo WRAP = 2 * CAP, the model's 2^64) to wrap twice:
 *   - every item arrives exactly once and in order: the consumer asserts
 *     each item is the next one;
 *   - the consumer never reads a slot that was not written (a ghost flag
 *     per slot, set when the write reaches memory, cleared by the read),
 *     and the producer never writes a slot holding an unread item;
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

/* ---- the producer's stores and its load of its own tail */
#ifdef WEAK
inline store_slot(i, v) {
	atomic {
		assert(!holds[i] && !slot_pending[i]); /* never overwrite an item the consumer has not read */
		slot_buf[i] = v;
		slot_pending[i] = true;
		producer_pending++
	}
}
/* A release store waits for every earlier store of the thread to drain. */
inline store_tail(v, release) {
	if
	:: release -> (producer_pending == 0 || (producer_pending == 1 && tail_pending))
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

active proctype producer()
{
	byte t, k, room, j;
	byte head_cache = 0; /* the producer's copy of head: head_cache <= head */
	byte item = 1;       /* items are 1..ITEMS; 0 is never pushed */

	do
	:: item > ITEMS -> break
	:: item <= ITEMS -> /* spsc_try_push */
		t = OWN_TAIL;
#ifndef NO_RELOAD
		if
		:: DIFF(t, head_cache) == LOOKS_FULL ->
			head_cache = head; /* looks full: reload (acquire) */
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
		:: CAP - DIFF(t, head_cache) < BULK -> head_cache = head /* too little room by the cache: reload (acquire) */
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
inline read_slot(i, early, ev, eh, want) {
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
	(!head_pending && !tail_pending && producer_pending == 0); /* let memory drain */
#endif
	assert(head == tail) /* every item pushed was popped */
}

#ifdef WEAK
/* Memory: drains any pending store, in any order across locations. */
active proctype memory()
{
end:
	do
	:: atomic { tail_pending -> tail = tail_buf; tail_pending = false; producer_pending-- }
	:: atomic { head_pending -> head = head_buf; head_pending = false }
#define DRAIN_SLOT(i) :: atomic { slot_pending[i] -> slot[i] = slot_buf[i]; holds[i] = true; slot_pending[i] = false; producer_pending-- }
	DRAIN_SLOT(0)
#if CAP > 1
	DRAIN_SLOT(1)
#endif
#if CAP > 2
	DRAIN_SLOT(2)
	DRAIN_SLOT(3)
#endif
#if CAP > 4
	DRAIN_SLOT(4)
	DRAIN_SLOT(5)
	DRAIN_SLOT(6)
	DRAIN_SLOT(7)
#endif
	od
}
#endif
