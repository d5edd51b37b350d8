/*
 * common/test/test_contract.c: the one contract suite, compiled against every
 * stage's spsc.h (the Makefile passes -I<stage>). Every test here holds for
 * every stage; a test that depends on whether the stage is bounded asks
 * spsc_capacity() (SIZE_MAX means the unbounded stage 1) and checks the
 * bounded or the unbounded half of the contract (common/CONTRACT.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "queue.h"
#include "test_support.h"

/* The largest capacity the contract accepts: 2^59 on a 64-bit machine. */
#define MAX_CAPACITY CONTRACT_MAX_CAPACITY /* queue.h */

static bool bounded(const spsc_queue *q)
{
	return spsc_capacity(q) != SIZE_MAX;
}

spsc_queue *create_or_die(size_t capacity)
{
	spsc_queue *q = spsc_create(capacity);
	cr_assert_not_null(q, "spsc_create(%zu) failed, errno %d", capacity, errno);
	return q;
}

void push_ok(spsc_queue *q, uint64_t seq)
{
	cr_assert(spsc_try_push(q, item_of(seq)), "push of item %llu failed", (unsigned long long)seq);
}

void pop_expect(spsc_queue *q, uint64_t seq)
{
	uint64_t v = 0;
	cr_assert(spsc_try_pop(q, &v), "pop failed, expected item %llu", (unsigned long long)seq);
	cr_assert_eq(v, item_of(seq), "popped item %llu, expected %llu", (unsigned long long)seq_of(v),
	             (unsigned long long)seq);
}

void pop_expect_empty(spsc_queue *q)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
	cr_assert_not(spsc_try_pop(q, &v), "pop succeeded on a queue that should be empty");
	cr_assert_eq(v, 0x5a5a5a5a5a5a5a5aULL, "failed pop wrote to *item");
}

/* ------------------------------------------------------------ create, destroy, bad input */

Test(create, returns_an_empty_queue)
{
	spsc_queue *q = create_or_die(8);
	cr_assert_eq(spsc_size(q), 0);
	cr_assert(spsc_capacity(q) == 8 || spsc_capacity(q) == SIZE_MAX, "capacity %zu", spsc_capacity(q));
	pop_expect_empty(q);
	spsc_destroy(q);
}

/* NULL is a no-op: no crash (a crashed test fails), no allocation, and the next create still works. */
Test(create, destroy_null_is_a_no_op)
{
	test_alloc_reset();
	spsc_destroy(NULL);
	cr_assert_eq(test_alloc_count(), 0, "spsc_destroy(NULL) allocated");
	spsc_queue *q = create_or_die(2);
	spsc_destroy(q);
}

static void expect_create_error(size_t capacity, int err)
{
	errno = 0;
	spsc_queue *q = spsc_create(capacity);
	cr_assert_null(q, "spsc_create(%zu) should fail", capacity);
	cr_assert_eq(errno, err, "spsc_create(%zu): errno %d, expected %d", capacity, errno, err);
}

static void expect_einval(size_t capacity)
{
	expect_create_error(capacity, EINVAL);
}

Test(create, bad_capacities_are_einval)
{
	expect_einval(0);
	expect_einval(SIZE_MAX);
	expect_einval((size_t)1 << (sizeof(size_t) * 8 - 1));
	expect_einval(SIZE_MAX / 2 + 2);
	expect_einval(MAX_CAPACITY + 1); /* would round up past the limit */
}

Test(create, allocation_failure_is_enomem_and_leaks_nothing)
{
	/* Let 0, then 1 allocation succeed before failures start: each must be
	 * reported and whatever was allocated before it freed (ASan's leak check
	 * runs this). */
	for (size_t ok = 0; ok < 2; ok++) {
		test_alloc_fail_after(ok);
		errno = 0;
		spsc_queue *q = spsc_create(64);
		size_t failed = test_alloc_failed();
		test_alloc_fail_never();
		cr_assert_null(q, "spsc_create succeeded with allocation %zu failing", ok + 1);
		cr_assert_eq(errno, ENOMEM, "errno %d, expected ENOMEM", errno);
		cr_assert_geq(failed, 1, "no allocation was made, so none failed");
	}
	spsc_queue *q = create_or_die(64); /* and it works again afterwards */
	spsc_destroy(q);
}

/*
 * A capacity the contract accepts whose buffer no machine can hold (2^59
 * slots, 2^62 bytes): the allocation fails, and that is ENOMEM, not EINVAL
 * and not a crash. Not under AddressSanitizer, whose malloc aborts on such
 * a size unless told otherwise (the fuzzer, common/abuse/fuzz_queue.c, tells it
 * and checks this case on every stage).
 */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
Test(create, valid_but_unallocatable_capacity_is_enomem)
{
	expect_create_error(MAX_CAPACITY, ENOMEM);
	expect_create_error(MAX_CAPACITY / 2 + 1, ENOMEM); /* rounds up to MAX_CAPACITY */
}
#endif

Test(create, a_failed_create_leaves_other_queues_alone)
{
	spsc_queue *q = create_or_die(8);
	for (uint64_t i = 0; i < 3; i++)
		push_ok(q, i);
	test_alloc_fail_after(0);
	spsc_queue *other = spsc_create(4);
	test_alloc_fail_never();
	cr_assert_null(other, "spsc_create succeeded with every allocation failing");
	for (uint64_t i = 3; i < 5; i++)
		push_ok(q, i);
	for (uint64_t i = 0; i < 5; i++)
		pop_expect(q, i);
	pop_expect_empty(q);
	spsc_destroy(q);
}

/* ------------------------------------------------------------ single-thread behaviour */

Test(fifo, items_come_out_in_order)
{
	spsc_queue *q = create_or_die(128);
	for (uint64_t i = 0; i < 100; i++)
		push_ok(q, i);
	cr_assert_eq(spsc_size(q), 100);
	for (uint64_t i = 0; i < 100; i++)
		pop_expect(q, i);
	pop_expect_empty(q);
	spsc_destroy(q);
}

Test(fifo, pop_on_empty_leaves_item_untouched)
{
	spsc_queue *q = create_or_die(4);
	pop_expect_empty(q);
	push_ok(q, 7);
	pop_expect(q, 7);
	pop_expect_empty(q);
	spsc_destroy(q);
}

Test(fifo, pointers_travel_through_uintptr_t)
{
	static int target;
	spsc_queue *q = create_or_die(2);
	cr_assert(spsc_try_push(q, (uint64_t)(uintptr_t)&target));
	uint64_t v = 0;
	cr_assert(spsc_try_pop(q, &v));
	cr_assert_eq((int *)(uintptr_t)v, &target);
	spsc_destroy(q);
}

/*
 * Fill until try_push says full (bounded) or well past the initial buffer
 * (unbounded), check the count, drain in order, and check the queue still
 * works: exactly capacity() items fit and nothing is lost at the boundary.
 */
static void fill_and_drain(size_t requested, size_t expected_capacity)
{
	spsc_queue *q = create_or_die(requested);
	size_t cap = spsc_capacity(q);
	size_t n = 0;

	if (bounded(q)) {
		cr_assert_eq(cap, expected_capacity, "capacity(%zu) = %zu, expected %zu", requested, cap,
		             expected_capacity);
		/* At most one push past the capacity: a queue that never says full fails here, it does not hang. */
		while (n <= cap && spsc_try_push(q, item_of(n)))
			n++;
		cr_assert_eq(n, cap, "%zu items fit in a queue of capacity %zu", n, cap);
		cr_assert_not(spsc_try_push(q, item_of(n)), "push succeeded on a full queue");
	} else {
		for (; n < 4 * expected_capacity + 3; n++)
			push_ok(q, n);
	}
	cr_assert_eq(spsc_size(q), n);
	for (size_t i = 0; i < n; i++)
		pop_expect(q, i);
	pop_expect_empty(q);
	cr_assert_eq(spsc_size(q), 0);
	push_ok(q, 42); /* still usable after full and empty */
	pop_expect(q, 42);
	spsc_destroy(q);
}

Test(capacity, one)
{
	fill_and_drain(1, 1);
}
Test(capacity, two)
{
	fill_and_drain(2, 2);
}
Test(capacity, three_rounds_up_to_four)
{
	fill_and_drain(3, 4);
}
Test(capacity, sixty_four)
{
	fill_and_drain(64, 64);
}
Test(capacity, sixty_five_thousand_five_hundred_thirty_six)
{
	fill_and_drain(65536, 65536);
}

/*
 * Many laps round a small ring at uneven fill levels: push a varying number,
 * pop a varying number, every item checked, and size() checked at every
 * quiescent point. With start near SIZE_MAX the counters wrap on the way.
 */
static void laps(size_t capacity, size_t start, size_t items)
{
	spsc_queue *q = create_or_die(capacity);
	spsc_test_set_counters(q, start);
	size_t limit = bounded(q) ? spsc_capacity(q) : 3 * capacity + 1;
	uint64_t pushed = 0, popped = 0;
	unsigned step = 0;

	while (popped < items) {
		/* Fill levels cycle through 1..limit with a stride coprime to most sizes. */
		size_t burst = 1 + (size_t)(step * 7u) % limit;
		step++;
		for (size_t k = 0; k < burst && pushed - popped < limit && pushed < items; k++)
			push_ok(q, pushed++);
		cr_assert_eq(spsc_size(q), pushed - popped, "size %zu, expected %llu", spsc_size(q),
		             (unsigned long long)(pushed - popped));
		size_t drain = 1 + (size_t)(step * 5u) % (pushed - popped);
		for (size_t k = 0; k < drain; k++)
			pop_expect(q, popped++);
	}
	pop_expect_empty(q);
	spsc_destroy(q);
}

Test(wrap, many_laps_at_uneven_fill_capacity_1)
{
	laps(1, 0, 1000);
}
Test(wrap, many_laps_at_uneven_fill_capacity_8)
{
	laps(8, 0, 100000);
}
Test(wrap, many_laps_at_uneven_fill_capacity_64)
{
	laps(64, 0, 100000);
}

Test(wrap, counters_cross_size_max)
{
	size_t starts[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 3, SIZE_MAX - 63};
	size_t caps[] = {1, 2, 4, 8, 64};
	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
			laps(caps[c], starts[s], 1000);
}

Test(wrap, full_and_empty_are_exact_across_size_max)
{
	/* The full test (tail - head == capacity) across the wrap of both counters. */
	spsc_queue *q = create_or_die(8);
	spsc_test_set_counters(q, SIZE_MAX - 2);
	if (bounded(q)) {
		for (uint64_t i = 0; i < 8; i++)
			push_ok(q, i);
		cr_assert_not(spsc_try_push(q, item_of(8)), "push succeeded on a full queue across the wrap");
		cr_assert_eq(spsc_size(q), 8);
	} else {
		for (uint64_t i = 0; i < 8; i++)
			push_ok(q, i);
	}
	for (uint64_t i = 0; i < 8; i++)
		pop_expect(q, i);
	pop_expect_empty(q);
	cr_assert_eq(spsc_size(q), 0);
	spsc_destroy(q);
}

/* ------------------------------------------------------------ allocation after create */

/*
 * 1,000 laps from empty to full and back (bounded stages) count every
 * allocation after create: there must be none. The unbounded stage 1 is
 * filled to 64 x 1,000 items instead, and must have grown.
 */
Test(alloc, bounded_stages_allocate_nothing_after_create)
{
	spsc_queue *q = create_or_die(64);
	uint64_t pushed = 0, popped = 0;

	test_alloc_reset();
	for (int lap = 0; lap < 1000; lap++) {
		size_t fill = bounded(q) ? spsc_capacity(q) : 64;
		for (size_t k = 0; k < fill; k++)
			push_ok(q, pushed++);
		if (bounded(q))
			cr_assert_not(spsc_try_push(q, item_of(pushed)), "push succeeded on a full queue, lap %d", lap);
		if (bounded(q) || lap == 999)
			while (popped < pushed)
				pop_expect(q, popped++);
	}
	pop_expect_empty(q);
	size_t n = test_alloc_count();
	if (bounded(q))
		cr_assert_eq(n, 0, "a bounded queue allocated %zu times after create", n);
	else
		cr_assert_gt(n, 0, "the unbounded queue held 64,000 items without growing");
	spsc_destroy(q);
}

/* ------------------------------------------------------------ two threads */

/* The machinery is in common/test/stress.c, shared with the ThreadSanitizer runner. */
void stress_and_check(spsc_queue *q, uint64_t items, unsigned flags)
{
	char why[256];
	struct stress_result r = stress_run(q, items, flags);

	cr_log_info("%s capacity %zu%s%s: %llu items, %llu full hits, %llu empty hits, %llu size samples",
	            SPSC_STAGE_NAME, spsc_capacity(q), (flags & STRESS_BULK) ? " (bulk)" : "",
	            (flags & STRESS_OBSERVE) ? " (observed)" : "", (unsigned long long)r.moved,
	            (unsigned long long)r.full_hits, (unsigned long long)r.empty_hits,
	            (unsigned long long)r.size_samples);
	cr_assert(stress_ok(q, items, &r, why, sizeof(why)), "%s", why);
	if (flags & STRESS_OBSERVE)
		cr_assert_gt(r.size_samples, 0, "the third thread never sampled spsc_size");
}

/* flags: STRESS_BULK (queues with SPSC_HAS_BULK; test_bulk.c), STRESS_OBSERVE. */
void stress(size_t capacity, unsigned flags)
{
	spsc_queue *q = create_or_die(capacity);
	stress_and_check(q, STRESS_ITEMS, flags);
	spsc_destroy(q);
}

Test(stress, capacity_1, .timeout = 600)
{
	stress(1, 0);
}
Test(stress, capacity_64, .timeout = 600)
{
	stress(64, 0);
}
Test(stress, capacity_65536, .timeout = 600)
{
	stress(65536, 0);
}

/*
 * spsc_size from any thread (common/CONTRACT.md): a third thread samples it
 * while both sides run, and every sample must be one that could be true.
 * Capacity 1 and 64: small rings, where both counters move all the time.
 * A tenth of the items: three threads share two cores here.
 */
static void observed(size_t capacity)
{
	spsc_queue *q = create_or_die(capacity);
	stress_and_check(q, STRESS_ITEMS / 10, STRESS_OBSERVE);
	spsc_destroy(q);
}
Test(stress, size_from_a_third_thread_capacity_1, .timeout = 600)
{
	observed(1);
}
Test(stress, size_from_a_third_thread_capacity_64, .timeout = 600)
{
	observed(64);
}
