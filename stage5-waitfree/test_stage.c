/*
 * stage5-waitfree/test_stage.c: what only stages 4 and 5 have, a layout.
 * Linked into the same binary as the contract suite (common/test/test_contract.c).
 */
#include <stdint.h>

#include <criterion/criterion.h>

#include "spsc.h"
#include "test_support.h"

/*
 * Which field sits on which line is fixed at compile time, and spsc.h
 * checks it there (static_assert): a layout that breaks it does not build.
 * What only a run can show is where the allocator puts the queue.
 */
Test(layout, the_queue_starts_on_a_line_and_fills_its_last_one)
{
	cr_assert_eq(sizeof(spsc_queue) % SPSC_CACHE_LINE, 0);
	for (int i = 0; i < 16; i++) { /* a few, in case one lands aligned by luck */
		spsc_queue *q = create_or_die(8);
		cr_assert_eq((uintptr_t)q % SPSC_CACHE_LINE, 0, "queue at %p is not line-aligned", (void *)q);
		spsc_destroy(q);
	}
}
