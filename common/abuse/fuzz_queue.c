/*
 * common/abuse/fuzz_queue.c: differential fuzzing of one stage against a model.
 *
 * libFuzzer harness, compiled against each stage's spsc.h (`make fuzz`
 * passes -I<stage>) with clang -fsanitize=fuzzer,address,undefined. The
 * input bytes are a little program: create a queue, push, pop, push and pop
 * in bursts, fill it, destroy it and create another, make the next
 * allocations fail. Every step runs on the real queue and on the reference
 * model below, and every result is compared at once: the return value, the
 * item, errno, size(), capacity(), the allocations made and (stage 1) the
 * growth statistics. The first difference prints what happened and aborts,
 * which libFuzzer records as a crash with the input that caused it.
 * AddressSanitizer, UBSan and LeakSanitizer turn any memory error or leak
 * into a crash as well.
 *
 * One thread only: the two-thread behaviour is the soak's job
 * (common/abuse/soak.c). What single-thread fuzzing covers is everything a
 * sequential history can break: the full and empty tests, the masking,
 * counters wrapping past SIZE_MAX (the SPSC_TESTING hook starts them
 * there), rounding of capacities, bad capacities, failed allocations,
 * stage 1's growth and the freeing of items left in a destroyed queue.
 *
 * The program, one byte per instruction, operands in the bytes after it:
 *   op % 12: 0-2 push one     3-5 pop one     6 push a burst of 1..64
 *            7 pop a burst of 1..64           8 push until full (64 for
 *            the unbounded stage)             9 pop until empty
 *            10 destroy, then create(capacity byte, counter-start byte)
 *            11 the next create or push may make (byte % 3) allocations,
 *               every one after that fails
 * On a queue with bulk operations (stage 5: SPSC_HAS_BULK) a burst whose
 * operand byte has its top bit set is one spsc_try_push_n / spsc_try_pop_n
 * call instead, held to the model all the same: exactly as many items as fit
 * (or are held) move, in order, and a pop writes nothing past them.
 * The first two bytes create the first queue. A queue that failed to be
 * created (a bad capacity, a failed allocation) makes push and pop no-ops
 * until the next create.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pow2.h" /* the model's rounding: not the header's, which it checks */
#include "queue.h"
#include "sequence.h"
#include "test_alloc.h"

#ifndef SPSC_TESTING
#error "the harness starts counters near SIZE_MAX: build with -DSPSC_TESTING"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * A capacity whose buffer is larger than any allocation can be must fail
 * with ENOMEM, not abort the process: let AddressSanitizer's malloc return
 * NULL as the real one does. It refuses anything over 2^40 bytes.
 */
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* The contract's largest capacity (2^59 on a 64-bit machine) and the harness's largest allocation. */
#define MAX_CAPACITY    CONTRACT_MAX_CAPACITY                  /* queue.h: 2^59 for 8-byte slots */
#define UNALLOCATABLE   (((size_t)1 << 41) / sizeof(uint64_t)) /* slots: 2^41 bytes, twice what ASan allows */
#define MAX_BURST       64
#define MODEL_MAX_ITEMS ((size_t)1 << 16) /* pushes per input; longer inputs stop there */
/* The most pushes one instruction can make: filling the largest ring a capacity byte gives (4097, rounded up). */
#define MAX_PUSHES_PER_OP 8193
#define UNTOUCHED         UINT64_C(0x5a5a5a5a5a5a5a5a)

/*
 * Capacities worth trying, chosen by one byte. Bytes 0..191 are themselves
 * (0 is invalid; 3, 5, 65 ... test rounding); 192..204 are the powers of two
 * up to 4096; the rest are the hostile ones of the contract: invalid
 * (EINVAL, before any allocation) or valid but impossible to allocate
 * (ENOMEM).
 */
static const size_t hostile[] = {
        0,
        SIZE_MAX,
        SIZE_MAX - 1,
        (size_t)1 << (sizeof(size_t) * 8 - 1),
        SIZE_MAX / 2 + 2,
        MAX_CAPACITY + 1,
        MAX_CAPACITY * 2 - 1,
        MAX_CAPACITY,         /* valid, rounds to itself: ENOMEM */
        MAX_CAPACITY / 2 + 1, /* valid, rounds up to MAX_CAPACITY: ENOMEM */
        UNALLOCATABLE,        /* valid: ENOMEM */
        4097,
        4095,
        1000,
};
#define N_HOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static size_t capacity_of(uint8_t b)
{
	if (b < 192)
		return b;
	if (b <= 204)
		return (size_t)1 << (b - 192);
	return hostile[(b - 205) % N_HOSTILE];
}

/* Where the counters of a fresh queue start: 0, high up, or a few steps below SIZE_MAX. */
static size_t start_of(uint8_t b)
{
	if (b < 64)
		return 0;
	if (b < 128)
		return (size_t)b << (sizeof(size_t) * 8 - 8);
	return SIZE_MAX - (size_t)(b - 128);
}

/*
 * The reference: every item ever pushed, in order, in a plain array, and
 * how many have been popped. It cannot lose, duplicate or reorder an item.
 */
static struct model {
	bool live;     /* the queue exists */
	size_t cap;    /* most items held: the rounded capacity, or SIZE_MAX */
	size_t pushed; /* items[0 .. pushed) were pushed, in this order */
	size_t popped; /* of which the first `popped` were popped */
	uint64_t items[MODEL_MAX_ITEMS];
	/* Stage 1 only: its buffer doubles whenever a push finds it full. */
	size_t len, growths, bytes_copied;
} m;

/* The step being run, for the message. */
static struct {
	size_t step;
	const char *op;
	size_t requested; /* capacity passed to the last create */
	size_t start;     /* where its counters started */
} now;

static _Noreturn void diverge(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: DIVERGENCE in %s at step %zu (%s; create(%zu), counters from %zu, %zu items held): ",
	        SPSC_STAGE_NAME, now.step, now.op, now.requested, now.start, m.pushed - m.popped);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The input, read one byte at a time; 0 once it is used up. */
static struct {
	const uint8_t *p, *end;
} in;

static uint8_t next_byte(void)
{
	return in.p < in.end ? *in.p++ : 0;
}

/*
 * Allocation failure injection (common/support/test_alloc.c): armed by op 11 for
 * the next create or push only. `inject` is how many allocations may
 * succeed first; -1: none armed.
 */
static int inject = -1;

/* Start counting (and maybe failing) allocations for one operation. */
static void alloc_watch(void)
{
	test_alloc_reset();
	if (inject >= 0)
		test_alloc_fail_after((size_t)inject);
}

/* Stop; how many allocations the operation made, and whether one was made to fail. */
static size_t alloc_unwatch(bool *failed)
{
	*failed = inject >= 0 && test_alloc_failed() > 0;
	test_alloc_fail_never();
	inject = -1;
	return test_alloc_count();
}

static spsc_queue *q;

/* What the model says about the queue at rest, compared after every step. */
static void check_state(void)
{
	if (!m.live)
		return;
	if (spsc_capacity(q) != m.cap)
		diverge("capacity() is %zu, the model says %zu", spsc_capacity(q), m.cap);
	if (spsc_size(q) != m.pushed - m.popped)
		diverge("size() is %zu, the model holds %zu", spsc_size(q), m.pushed - m.popped);
#ifdef SPSC_HAS_GROWTH_STATS
	if (spsc_growths(q) != m.growths || spsc_bytes_copied(q) != m.bytes_copied)
		diverge("%zu growths copying %zu bytes, the model says %zu and %zu", spsc_growths(q),
		        spsc_bytes_copied(q), m.growths, m.bytes_copied);
#endif
}

static void destroy(void)
{
	spsc_destroy(q); /* NULL too: a no-op by contract */
	q = NULL;
	m.live = false;
}

static void create(size_t requested, size_t start)
{
	bool failed;

	destroy();
	now.requested = requested;
	now.start = start;
	alloc_watch();
	errno = 0;
	q = spsc_create(requested);
	int err = errno;
	size_t allocs = alloc_unwatch(&failed);

	if (requested == 0 || requested > MAX_CAPACITY) {
		if (q != NULL || err != EINVAL)
			diverge("create(%zu) must fail with EINVAL: got %p, errno %d", requested, (void *)q, err);
		if (allocs != 0)
			diverge("create(%zu) allocated %zu times before rejecting the capacity", requested, allocs);
		return;
	}
	if (failed || (size_t)pow2_at_least(requested) >= UNALLOCATABLE) {
		if (q != NULL || err != ENOMEM)
			diverge("create(%zu) with an allocation failing must fail with ENOMEM: got %p, errno %d",
			        requested, (void *)q, err);
		return;
	}
	if (q == NULL)
		diverge("create(%zu) failed, errno %d", requested, err);
	spsc_test_set_counters(q, start);
	m.live = true;
	m.pushed = m.popped = 0;
	m.len = (size_t)pow2_at_least(requested);
	m.growths = m.bytes_copied = 0;
#ifdef SPSC_HAS_GROWTH_STATS
	m.cap = SIZE_MAX; /* unbounded */
#else
	m.cap = m.len;
#endif
}

/* One push on both; false when the queue refused it (full, or stage 1 out of memory). */
static bool push(void)
{
	bool failed;
	uint64_t item = item_of(m.pushed);
	bool model_full = m.pushed - m.popped == m.cap;
	bool must_grow = m.cap == SIZE_MAX && m.pushed - m.popped == m.len;

	alloc_watch();
	errno = 0;
	bool ok = spsc_try_push(q, item);
	int err = errno;
	size_t allocs = alloc_unwatch(&failed);

	if (allocs > (must_grow ? 1u : 0u))
		diverge("push made %zu allocations; it may make one only to grow a full buffer", allocs);
	if (model_full || (must_grow && failed)) {
		if (ok)
			diverge("push of item %zu succeeded on a %s queue", m.pushed,
			        model_full ? "full" : "full, ungrowable");
		if (!model_full && err != ENOMEM)
			diverge("push failed to grow with errno %d, not ENOMEM", err);
		return false;
	}
	if (!ok)
		diverge("push of item %zu failed (errno %d) on a queue with room", m.pushed, err);
	if (must_grow) {
		m.bytes_copied += m.len * sizeof(uint64_t);
		m.len *= 2;
		m.growths++;
	}
	m.items[m.pushed++] = item;
	return true;
}

/* One pop on both; false when the queue was empty. */
static bool pop(void)
{
	uint64_t v = UNTOUCHED;
	bool ok = spsc_try_pop(q, &v);

	if (m.popped == m.pushed) {
		if (ok)
			diverge("pop succeeded on an empty queue, giving %#llx", (unsigned long long)v);
		if (v != UNTOUCHED)
			diverge("a failed pop wrote %#llx into *item", (unsigned long long)v);
		return false;
	}
	if (!ok)
		diverge("pop failed with item %zu waiting", m.popped);
	if (v != m.items[m.popped])
		diverge("pop gave item %llu where item %zu was next", (unsigned long long)seq_of(v), m.popped);
	m.popped++;
	return true;
}

#ifdef SPSC_HAS_BULK
/* A burst of n as one bulk push: the model takes as many as there is room for. */
static void push_n(size_t n)
{
	uint64_t batch[MAX_BURST];
	size_t room = m.cap - (m.pushed - m.popped);
	size_t expect = n < room ? n : room;
	bool failed;

	for (size_t j = 0; j < n; j++)
		batch[j] = item_of(m.pushed + j);
	alloc_watch();
	size_t k = spsc_try_push_n(q, batch, n);
	size_t allocs = alloc_unwatch(&failed);
	if (allocs > 0)
		diverge("push_n made %zu allocations", allocs);
	if (k != expect)
		diverge("push_n of %zu items moved %zu with room for %zu", n, k, room);
	for (size_t j = 0; j < k; j++)
		m.items[m.pushed++] = batch[j];
}

/* A burst of n as one bulk pop: the model gives as many as it holds, in order. */
static void pop_n(size_t n)
{
	uint64_t got[MAX_BURST];
	size_t held = m.pushed - m.popped;
	size_t expect = n < held ? n : held;

	for (size_t j = 0; j < n; j++)
		got[j] = UNTOUCHED;
	size_t k = spsc_try_pop_n(q, got, n);
	if (k != expect)
		diverge("pop_n of %zu items moved %zu with %zu held", n, k, held);
	for (size_t j = 0; j < k; j++, m.popped++)
		if (got[j] != m.items[m.popped])
			diverge("pop_n gave item %llu where item %zu was next", (unsigned long long)seq_of(got[j]),
			        m.popped);
	for (size_t j = k; j < n; j++)
		if (got[j] != UNTOUCHED)
			diverge("pop_n moved %zu items but wrote position %zu too", k, j);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in.p = data;
	in.end = data + size;
	now.step = 0;
	now.op = "create";
	inject = -1;
	uint8_t cap_byte = next_byte();
	create(capacity_of(cap_byte), start_of(next_byte()));
	check_state();

	while (in.p < in.end) {
		uint8_t op = next_byte() % 12;
		now.step++;
		if (op == 10) {
			now.op = "recreate";
			uint8_t b = next_byte();
			create(capacity_of(b), start_of(next_byte()));
		} else if (op == 11) {
			now.op = "inject";
			inject = next_byte() % 3;
		} else if (!m.live) {
			continue; /* nothing to push to or pop from */
		} else if (m.pushed + MAX_PUSHES_PER_OP > MODEL_MAX_ITEMS) {
			break; /* the model is full: longer inputs add nothing */
		} else if (op < 3) {
			now.op = "push";
			push();
		} else if (op < 6) {
			now.op = "pop";
			pop();
		} else if (op < 8) {
			uint8_t b = next_byte();
			size_t n = 1 + b % MAX_BURST;
			now.op = op == 6 ? "push burst" : "pop burst";
#ifdef SPSC_HAS_BULK
			if (b & 0x80) {
				now.op = op == 6 ? "push_n" : "pop_n";
				op == 6 ? push_n(n) : pop_n(n);
				check_state();
				continue;
			}
#endif
			for (size_t k = 0; k < n; k++)
				(void)(op == 6 ? push() : pop());
		} else if (op == 8) {
			/* Until full; the unbounded stage 1 gets a burst, enough to make it grow. */
			size_t n = m.cap == SIZE_MAX ? MAX_BURST : m.cap - (m.pushed - m.popped);
			now.op = "fill";
			for (size_t k = 0; k < n; k++)
				push();
			push(); /* one more: refused by a full bounded queue */
		} else {
			now.op = "drain";
			bool more = true;
			while (more)
				more = pop();
		}
		check_state();
	}
	destroy(); /* every input frees what it made: LeakSanitizer checks */
	return 0;
}
