/*
 * stage1-mutex/test_stage.c: what only stage 1 has, its growth.
 * Linked into the same binary as the contract suite (common/test/test_contract.c).
 */
#include <errno.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "spsc.h"
#include "test_support.h"

Test(stage1, growth_doubles_and_counts_what_it_copies)
{
	/* From 1 slot to 2^10 slots: 10 doublings, copying 1 + 2 + ... + 2^9 items. */
	spsc_queue *q = create_or_die(1);
	for (uint64_t i = 0; i < 1024; i++)
		cr_assert(spsc_try_push(q, i));
	cr_assert_eq(spsc_growths(q), 10);
	cr_assert_eq(spsc_bytes_copied(q), (1024 - 1) * sizeof(uint64_t));
	for (uint64_t i = 0; i < 1024; i++) {
		uint64_t v;
		cr_assert(spsc_try_pop(q, &v));
		cr_assert_eq(v, i);
	}
	/* It never shrinks: refilling to the same level costs nothing more. */
	for (uint64_t i = 0; i < 1024; i++)
		cr_assert(spsc_try_push(q, i));
	cr_assert_eq(spsc_growths(q), 10);
	spsc_destroy(q);
}

Test(stage1, growth_failure_is_enomem_and_loses_nothing)
{
	spsc_queue *q = create_or_die(4);
	for (uint64_t i = 0; i < 4; i++)
		cr_assert(spsc_try_push(q, i));

	test_alloc_fail_after(0); /* the next growth cannot allocate */
	errno = 0;
	bool pushed = spsc_try_push(q, 4);
	int err = errno;
	test_alloc_fail_never();
	cr_assert_not(pushed, "push succeeded although the buffer could not grow");
	cr_assert_eq(err, ENOMEM, "errno %d, expected ENOMEM", err);
	cr_assert_eq(spsc_size(q), 4);
	cr_assert_eq(spsc_growths(q), 0);

	/* The queue is intact and grows once memory is back. */
	for (uint64_t i = 4; i < 9; i++)
		cr_assert(spsc_try_push(q, i));
	for (uint64_t i = 0; i < 9; i++) {
		uint64_t v;
		cr_assert(spsc_try_pop(q, &v));
		cr_assert_eq(v, i, "item %llu where %llu was expected", (unsigned long long)v, (unsigned long long)i);
	}
	spsc_destroy(q);
}

/*
 * Growth failing half-way, again and again: every growth is refused
 * `refusals` times (ENOMEM) before memory comes back, while the consumer
 * pops one item for every three pushed, so the head sits anywhere in the
 * buffer when it is copied and, from a start below SIZE_MAX, the counters
 * wrap during the copies. A refused push must change nothing: no item lost
 * or reordered, no growth counted; and the queue must work normally after.
 */
static void push_through_refusals(spsc_queue *q, uint64_t *pushed, unsigned refusals, size_t *refused)
{
	for (unsigned r = 0; r < refusals; r++) {
		size_t before = spsc_size(q), growths = spsc_growths(q);
		test_alloc_fail_after(0);
		errno = 0;
		bool ok = spsc_try_push(q, item_of(*pushed));
		int err = errno;
		size_t failed = test_alloc_failed();
		test_alloc_fail_never();
		if (ok) { /* there was room: no allocation, nothing to fail */
			cr_assert_eq(failed, 0, "a push that allocated succeeded although the allocation failed");
			++*pushed;
			return;
		}
		cr_assert_eq(err, ENOMEM, "refused push: errno %d, expected ENOMEM", err);
		cr_assert_eq(spsc_size(q), before, "a refused push changed the size");
		cr_assert_eq(spsc_growths(q), growths, "a refused growth was counted");
		++*refused;
	}
	cr_assert(spsc_try_push(q, item_of(*pushed)), "push failed with memory back");
	++*pushed;
}

/* Pop every item up to `upto`, checking each is the next. */
static void pop_in_order(spsc_queue *q, uint64_t *popped, uint64_t upto)
{
	for (; *popped < upto; ++*popped) {
		uint64_t v;
		cr_assert(spsc_try_pop(q, &v), "pop failed with item %llu due", (unsigned long long)*popped);
		cr_assert_eq(v, item_of(*popped), "popped item %llu, expected %llu", (unsigned long long)seq_of(v),
		             (unsigned long long)*popped);
	}
}

static void grow_through_failures(size_t start, unsigned refusals)
{
	spsc_queue *q = create_or_die(1);
	spsc_test_set_counters(q, start);
	uint64_t pushed = 0, popped = 0;
	size_t refused = 0;

	while (pushed < 20000) {
		push_through_refusals(q, &pushed, refusals, &refused);
		if (pushed % 3 == 0)
			pop_in_order(q, &popped, popped + 1);
	}
	cr_assert_eq(refused, refusals * spsc_growths(q), "%zu refusals for %zu growths", refused, spsc_growths(q));
	cr_assert_geq(spsc_growths(q), 13, "only %zu growths", spsc_growths(q));
	/* Fully usable: everything comes out in order, and it keeps working. */
	for (int lap = 0; lap < 2; lap++) {
		uint64_t v;
		pop_in_order(q, &popped, pushed);
		cr_assert_not(spsc_try_pop(q, &v), "an item too many");
		cr_assert_eq(spsc_size(q), 0);
		for (int k = 0; k < 50000; k++)
			cr_assert(spsc_try_push(q, item_of(pushed++)));
	}
	spsc_destroy(q);
}

Test(stage1, growth_failing_again_and_again_loses_nothing)
{
	size_t starts[] = {0, SIZE_MAX - 2, SIZE_MAX - 5000};
	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		grow_through_failures(starts[s], 1);
		grow_through_failures(starts[s], 3);
	}
}

Test(stress, stage1_grows_while_the_consumer_runs, .timeout = 600)
{
	/* Start from one slot: the producer's growths race with the consumer's pops. */
	spsc_queue *q = create_or_die(1);
	stress_and_check(q, STRESS_ITEMS / 10, 0);
	cr_assert_gt(spsc_growths(q), 0, "the buffer never grew");
	spsc_destroy(q);
}
