/*
 * stage1-mutex/test_stage.c: what only stage 1 has, its growth.
 * Linked into the same binary as the contract suite (common/test_contract.c).
 */
#include <errno.h>

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

Test(stress, stage1_grows_while_the_consumer_runs, .timeout = 600)
{
	/* Start from one slot: the producer's growths race with the consumer's pops. */
	spsc_queue *q = create_or_die(1);
	stress_and_check(q, STRESS_ITEMS / 10);
	cr_assert_gt(spsc_growths(q), 0, "the buffer never grew");
	spsc_destroy(q);
}
