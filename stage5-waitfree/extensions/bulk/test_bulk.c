/*
 * stage5-waitfree/extensions/bulk/test_bulk.c: the contract of stage 5's extension, bulk
 * operations (common/CONTRACT.md). Linked into a stage's contract binary
 * when the stage has spsc_bulk.h beside its spsc.h (common/test/test.mk).
 */
#include <stdint.h>

#include <criterion/criterion.h>

#include "queue.h" /* spsc.h and extensions/bulk/spsc_bulk.h of the queue folder */
#include "test_support.h"

/* Pushes items first .. first+n-1 in one call; expects exactly `moved` of them to go in. */
static void push_n_expect(spsc_queue *q, uint64_t first, size_t n, size_t moved)
{
	uint64_t batch[256];

	cr_assert_leq(n, sizeof(batch) / sizeof(batch[0]));
	for (size_t j = 0; j < n; j++)
		batch[j] = item_of(first + j);
	size_t k = spsc_try_push_n(q, batch, n);
	cr_assert_eq(k, moved, "push_n of %zu items moved %zu, expected %zu", n, k, moved);
}

/*
 * Pops up to n in one call; expects exactly `moved` items, in sequence from
 * `first`, and the rest of the buffer untouched.
 */
static void pop_n_expect(spsc_queue *q, uint64_t first, size_t n, size_t moved)
{
	uint64_t got[256];

	cr_assert_leq(n, sizeof(got) / sizeof(got[0]));
	for (size_t j = 0; j < n; j++)
		got[j] = 0x5a5a5a5a5a5a5a5aULL;
	size_t k = spsc_try_pop_n(q, got, n);
	cr_assert_eq(k, moved, "pop_n of %zu items moved %zu, expected %zu", n, k, moved);
	for (size_t j = 0; j < k; j++)
		cr_assert_eq(got[j], item_of(first + j), "pop_n: position %zu holds item %llu, expected %llu", j,
		             (unsigned long long)seq_of(got[j]), (unsigned long long)(first + j));
	for (size_t j = k; j < n; j++)
		cr_assert_eq(got[j], 0x5a5a5a5a5a5a5a5aULL, "pop_n wrote past the %zu items it moved", k);
}

Test(bulk, zero_items_move_nothing)
{
	spsc_queue *q = create_or_die(8);
	push_n_expect(q, 0, 0, 0);
	pop_n_expect(q, 0, 0, 0);
	push_n_expect(q, 0, 3, 3);
	pop_n_expect(q, 0, 0, 0);
	cr_assert_eq(spsc_size(q), 3);
	spsc_destroy(q);
}

Test(bulk, partial_moves_at_full_and_empty)
{
	spsc_queue *q = create_or_die(8);
	push_n_expect(q, 0, 5, 5);
	push_n_expect(q, 5, 5, 3); /* room for 3 only */
	push_n_expect(q, 8, 5, 0); /* full */
	cr_assert_not(spsc_try_push(q, item_of(8)), "single push succeeded on a queue push_n filled");
	pop_n_expect(q, 0, 6, 6);
	pop_n_expect(q, 6, 6, 2); /* only 2 left */
	pop_n_expect(q, 8, 6, 0); /* empty */
	pop_expect_empty(q);
	spsc_destroy(q);
}

Test(bulk, wrap_inside_one_call)
{
	/* After 5 pushes and pops the next 8 slots are 5, 6, 7, 0, 1, 2, 3, 4: one call wraps the array. */
	spsc_queue *q = create_or_die(8);
	push_n_expect(q, 0, 5, 5);
	pop_n_expect(q, 0, 5, 5);
	push_n_expect(q, 5, 8, 8);
	pop_n_expect(q, 5, 8, 8);
	/* And with the counters wrapping past SIZE_MAX inside the call. */
	for (size_t start = SIZE_MAX - 4; start != 3; start++) {
		spsc_test_set_counters(q, start);
		push_n_expect(q, 100, 8, 8);
		cr_assert_eq(spsc_size(q), 8);
		pop_n_expect(q, 100, 8, 8);
		cr_assert_eq(spsc_size(q), 0);
	}
	spsc_destroy(q);
}

Test(bulk, mixes_with_single_operations)
{
	/* Every split of a lap between single and bulk calls, on both sides, many times round. */
	spsc_queue *q = create_or_die(16);
	uint64_t pushed = 0, popped = 0;
	for (unsigned step = 0; step < 5000; step++) {
		size_t n = step % 23;
		size_t room = 16 - (size_t)(pushed - popped);
		if (step % 3 == 0 && room > 0)
			push_ok(q, pushed++), room--;
		size_t fit = n < room ? n : room;
		push_n_expect(q, pushed, n, fit);
		pushed += fit;
		size_t m = (step * 7) % 19;
		size_t held = (size_t)(pushed - popped);
		if (step % 5 == 0 && held > 0)
			pop_expect(q, popped++), held--;
		size_t got = m < held ? m : held;
		pop_n_expect(q, popped, m, got);
		popped += got;
	}
	pop_n_expect(q, popped, 16, (size_t)(pushed - popped));
	spsc_destroy(q);
}

/* In the stress suite, so that whatever skips the long two-thread runs (memcheck) skips these too. */
Test(stress, bulk_capacity_1, .timeout = 600)
{
	stress(1, STRESS_BULK);
}
Test(stress, bulk_capacity_64, .timeout = 600)
{
	stress(64, STRESS_BULK);
}
Test(stress, bulk_capacity_65536, .timeout = 600)
{
	stress(65536, STRESS_BULK);
}
