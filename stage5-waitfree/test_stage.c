/*
 * stage5-waitfree/test_stage.c: what only stages 4 and 5 have, a layout.
 * Linked into the same binary as the contract suite (common/test/test_contract.c).
 */
#include <stdint.h>

#include <criterion/criterion.h>

#include "spsc.h"
#include "test_support.h"

#define LINE_OF(field) (offsetof(spsc_queue, field) / SPSC_CACHE_LINE)

Test(layout, each_counter_has_a_line_of_its_own)
{
	cr_assert_neq(LINE_OF(head), LINE_OF(tail));
	cr_assert_neq(LINE_OF(head), LINE_OF(mask));
	cr_assert_neq(LINE_OF(tail), LINE_OF(mask));
	cr_assert_eq(LINE_OF(mask), LINE_OF(slots), "mask and slots, both read-only, are not on one line");
}

Test(layout, each_cached_counter_sits_on_its_owners_line)
{
	cr_assert_eq(LINE_OF(tail_cache), LINE_OF(head), "the consumer's copy of tail is not on its line");
	cr_assert_eq(LINE_OF(head_cache), LINE_OF(tail), "the producer's copy of head is not on its line");
}

Test(layout, the_queue_starts_on_a_line_and_fills_its_last_one)
{
	cr_assert_eq(sizeof(spsc_queue) % SPSC_CACHE_LINE, 0);
	for (int i = 0; i < 16; i++) { /* a few, in case one lands aligned by luck */
		spsc_queue *q = create_or_die(8);
		cr_assert_eq((uintptr_t)q % SPSC_CACHE_LINE, 0, "queue at %p is not line-aligned", (void *)q);
		spsc_destroy(q);
	}
}
