/*
 * stage5-waitfree/extensions/claim/test_claim.c: claim/commit and
 * peek/release on their own terms (common/CONTRACT.md, "Claim and
 * commit"), linked into the contract binary of make test-claim, beside the
 * contract suite run through as_stage.h.
 *
 * Suite proxy: the C counterparts of the proxy cases of Charles Frasch's
 * Fifo5 (CppCon 2023, "SPSC lock-free FIFO from the ground up", the
 * ProxyTest and ProxyMoveTest suites), named after them. His pusher_t and
 * popper_t are C++ proxies: a pusher commits when it is destroyed and
 * cancels on release(); a popper hands the slot back when destroyed and
 * leaves the item in place on release(). Here a claim is committed by
 * commit (cancelled by commit_n(q, 0)), a peek released by release (and
 * left in place by release_n(q, 0)). Suite rules: each rule of use broken
 * once, caught by SPSC_CHECKS (abort). Suite spans: the bulk forms at the
 * wrap. Suite elem: what the typed rings (and the slot ring's template)
 * add to the stages' contract.
 */
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "test_alloc.h"

/* Frasch's ABC: three ints. */
struct abc {
	int a, b, c;
};
#define SPSC_ELEM_NAME abc
#define SPSC_ELEM_TYPE struct abc
#include "spsc_claim.h"

#define SPSC_ELEM_NAME u32
#define SPSC_ELEM_TYPE uint32_t
#include "spsc_claim.h"

/* A type that asks for more than a line's alignment. */
struct wide {
	alignas(128) uint64_t v;
};
#define SPSC_ELEM_NAME wide
#define SPSC_ELEM_TYPE struct wide
#include "spsc_claim.h"

/* The slot-signalled ring's template, for the same type: its slots must be as aligned. */
#define SPSC_SLOT_NAME wide_slot
#define SPSC_SLOT_TYPE struct wide
#include "../slot/spsc_slot_elem.h"

/* 24 bytes: a size that is not a power of two. */
struct odd {
	uint64_t w[3];
};
#define SPSC_ELEM_NAME odd
#define SPSC_ELEM_TYPE struct odd
#include "spsc_claim.h"

static u32_queue *u32_or_die(size_t capacity)
{
	u32_queue *q = u32_create(capacity);

	cr_assert_not_null(q, "u32_create(%zu) failed", capacity);
	return q;
}

/*
 * For the tests that must abort: the queue is kept in a static, so that it
 * is still reachable when the process dies and valgrind's leak check
 * (make memcheck-claim) does not count it as lost.
 */
static u32_queue *volatile doomed; /* volatile: a store nobody reads must still be made */

static u32_queue *doomed_u32(size_t capacity)
{
	doomed = u32_or_die(capacity);
	return doomed;
}

static abc_queue *abc_or_die(size_t capacity)
{
	abc_queue *q = abc_create(capacity);

	cr_assert_not_null(q, "abc_create(%zu) failed", capacity);
	return q;
}

/*
 * properties: Frasch checks that a pusher and a popper can be moved and
 * not copied, so one claimed slot is never committed twice (a copied
 * pusher would commit again when it is destroyed). C has no copy or move
 * constructors: a pointer is copied freely. What his traits guarantee,
 * one commit per claim and one release per peek, the checks enforce: a
 * second commit of one claim aborts (and a second release of one peek,
 * in the rules suite).
 */
Test(proxy, properties, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);

	*u32_claim(q) = 1;
	u32_commit(q);
	u32_commit(q); /* the commit a copied pusher would make: caught */
}

/* pusher: fill every slot through a claim, read each value back through its pointer, then full. */
Test(proxy, pusher)
{
	u32_queue *q = u32_or_die(4);

	for (uint32_t i = 0; i < u32_capacity(q); i++) {
		cr_assert_lt(u32_size(q), u32_capacity(q), "full after %u pushes", i);
		uint32_t *slot = u32_claim(q);
		cr_assert_not_null(slot, "claim %u failed on a ring with room", i);
		*slot = i;
		cr_assert_eq(*slot, i);
		u32_commit(q);
		cr_assert_eq(u32_size(q), i + 1);
	}
	cr_assert_null(u32_claim(q), "claim succeeded on a full ring");
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t *item = u32_peek(q);
		cr_assert(item != NULL && *item == i, "item %u lost or out of order", i);
		u32_release(q);
	}
	u32_destroy(q);
}

/* pusherRelease: a claim cancelled (commit of none) publishes nothing, and its slot is claimed again. */
Test(proxy, pusherRelease)
{
	u32_queue *q = u32_or_die(4);

	*u32_claim(q) = 42;
	u32_commit(q);
	uint32_t *slot = u32_claim(q);
	cr_assert_not_null(slot);
	*slot = 24;
	u32_commit_n(q, 0); /* Frasch's pusher.release() */
	cr_assert_eq(u32_size(q), 1, "a cancelled claim was published");
	cr_assert_eq(u32_claim(q), slot, "the cancelled slot was not the next one claimed");
	u32_commit_n(q, 0);
	uint32_t *item = u32_peek(q);
	cr_assert(item != NULL && *item == 42);
	u32_release(q);
	cr_assert_null(u32_peek(q), "the cancelled item was delivered");
	u32_destroy(q);
}

/* popperRelease: a peek left in place (release of none) keeps the item for the next peek. */
Test(proxy, popperRelease)
{
	u32_queue *q = u32_or_die(4);

	*u32_claim(q) = 42;
	u32_commit(q);
	uint32_t *item = u32_peek(q);
	cr_assert(item != NULL && *item == 42);
	u32_release_n(q, 0); /* Frasch's popper.release() */
	cr_assert_eq(u32_size(q), 1, "a peek left in place took the item");
	item = u32_peek(q);
	cr_assert(item != NULL && *item == 42, "the item left in place is gone");
	u32_release(q);
	cr_assert_eq(u32_size(q), 0);
	u32_destroy(q);
}

/*
 * pusherMove, popperMove: no counterpart. They check C++ move construction
 * and move assignment of the proxies (the source left empty, the target
 * holding the slot). A C claim is the queue's state, not an object's: the
 * pointer it returns may be copied freely, and there is nothing to move.
 */

/*
 * pusherUsesValueSizeTraits: Frasch's ValueSizeTraits let a push copy only
 * part of an ABC (a and b, not c), so c keeps what the slot held before.
 * Here a claim copies nothing at all: the caller writes the fields it
 * chooses, and the others keep what that slot held a lap before. Each
 * slot gets a c of its own on the first lap, so the test tells that slot's
 * old c from any other. (Items whose size is chosen per ring are elem/'s,
 * measured by make bench-elem.)
 */
Test(proxy, pusherUsesValueSizeTraits)
{
	abc_queue *q = abc_or_die(4);

	for (int i = 0; i < (int)abc_capacity(q); i++) {
		*abc_claim(q) = (struct abc){1, 2, 30 + i};
		abc_commit(q);
		struct abc *item = abc_peek(q);
		cr_assert(item != NULL && item->a == 1 && item->b == 2 && item->c == 30 + i);
		abc_release(q);
	}
	for (int i = 0; i < (int)abc_capacity(q); i++) {
		struct abc *slot = abc_claim(q); /* slot i again, a lap on */
		slot->a = 100 + i;
		slot->b = 200;
		abc_commit(q);
		struct abc *item = abc_peek(q);
		cr_assert(item != NULL && item->a == 100 + i && item->b == 200);
		cr_assert_eq(item->c, 30 + i, "slot %d: c is %d, not the %d it held a lap before", i, item->c, 30 + i);
		abc_release(q);
	}
	abc_destroy(q);
}

/* ---- Each rule of use broken once, each check of each call. ---- */
Test(rules, claim_twice, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);

	cr_assert_not_null(u32_claim(q));
	u32_claim(q);
}

Test(rules, claim_n_during_claim, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	u32_span span[2];

	cr_assert_not_null(u32_claim(q));
	u32_claim_n(q, 2, span);
}

Test(rules, push_n_during_claim, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x[2] = {1, 2};

	cr_assert_not_null(u32_claim(q));
	u32_try_push_n(q, x, 2);
}

Test(rules, commit_without_claim, .signal = SIGABRT)
{
	u32_commit(doomed_u32(4));
}

Test(rules, commit_after_failed_claim, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(1);

	*u32_claim(q) = 1;
	u32_commit(q);
	cr_assert_null(u32_claim(q));
	u32_commit(q);
}

Test(rules, commit_more_than_claimed, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(8);
	u32_span span[2];

	cr_assert_eq(u32_claim_n(q, 3, span), 3);
	u32_commit_n(q, 4);
}

Test(rules, push_during_claim, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;

	u32_claim(q);
	u32_try_push(q, &x);
}

Test(rules, peek_twice, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;

	u32_try_push(q, &x);
	u32_peek(q);
	u32_peek(q);
}

Test(rules, peek_n_during_peek, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;
	u32_span span[2];

	u32_try_push(q, &x);
	cr_assert_not_null(u32_peek(q));
	u32_peek_n(q, 1, span);
}

Test(rules, release_without_peek, .signal = SIGABRT)
{
	u32_release(doomed_u32(4));
}

Test(rules, release_twice, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;

	u32_try_push(q, &x);
	cr_assert_not_null(u32_peek(q));
	u32_release(q);
	u32_release(q);
}

Test(rules, release_more_than_peeked, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(8);
	uint32_t x[3] = {1, 2, 3};
	u32_span span[2];

	cr_assert_eq(u32_try_push_n(q, x, 3), 3);
	cr_assert_eq(u32_peek_n(q, 2, span), 2);
	u32_release_n(q, 3);
}

Test(rules, pop_during_peek, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;

	u32_try_push(q, &x);
	cr_assert_not_null(u32_peek(q));
	u32_try_pop(q, &x);
}

Test(rules, pop_n_during_peek, .signal = SIGABRT)
{
	u32_queue *q = doomed_u32(4);
	uint32_t x = 1;

	u32_try_push(q, &x);
	u32_peek(q);
	u32_try_pop_n(q, &x, 1);
}

/* ---- The bulk forms at the wrap. ---- */

/* Claims n at position start of a ring of 8 and expects spans of first and second slots. */
static void claim_expect(u32_queue *q, size_t n, size_t first, size_t second, uint32_t value)
{
	u32_span span[2];
	size_t k = u32_claim_n(q, n, span);

	cr_assert_eq(k, first + second, "claim_n(%zu) gave %zu", n, k);
	cr_assert(span[0].n == first && span[1].n == second, "spans %zu + %zu, expected %zu + %zu", span[0].n,
	          span[1].n, first, second);
	for (size_t j = 0; j < k; j++)
		*(j < first ? &span[0].ptr[j] : &span[1].ptr[j - first]) = value + (uint32_t)j;
}

Test(spans, two_runs_at_the_wrap_and_counters_past_size_max)
{
	u32_queue *q = u32_or_die(8);

	u32_test_set_counters(q, SIZE_MAX - 5); /* the array's slot 2, 6 pushes from wrapping the counters */
	claim_expect(q, 10, 6, 2, 100);         /* 8 of 10 fit: slots 2-7, then 0-1 */
	u32_commit_n(q, 7);                     /* the 8th is given back */
	claim_expect(q, 5, 1, 0, 500);          /* one slot left: slot 1, a run of its own */
	u32_commit(q);

	u32_span span[2];
	cr_assert_eq(u32_peek_n(q, 16, span), 8);
	cr_assert(span[0].n == 6 && span[1].n == 2);
	for (size_t j = 0; j < 8; j++) {
		uint32_t got = j < 6 ? span[0].ptr[j] : span[1].ptr[j - 6];
		cr_assert_eq(got, j < 7 ? 100 + j : 500, "item %zu is %u", j, got);
	}
	u32_release_n(q, 5);
	cr_assert_eq(u32_size(q), 3);
	cr_assert_eq(u32_peek_n(q, 16, span), 3);
	cr_assert(span[0].n == 1 && span[1].n == 2 && span[0].ptr[0] == 105);
	u32_release_n(q, 3);
	cr_assert_eq(u32_peek_n(q, 1, span), 0, "an empty ring gave items");
	u32_destroy(q);
}

Test(spans, zero_asked_gives_zero)
{
	u32_queue *q = u32_or_die(8);
	u32_span span[2];

	cr_assert_eq(u32_claim_n(q, 0, span), 0);
	u32_commit_n(q, 0);
	cr_assert_eq(u32_peek_n(q, 0, span), 0);
	u32_release_n(q, 0);
	cr_assert_eq(u32_size(q), 0);
	u32_destroy(q);
}

/* ---- What the typed ring adds. ---- */
Test(elem, over_aligned_type_gets_aligned_slots)
{
	wide_queue *q = wide_create(3);

	cr_assert_not_null(q);
	for (size_t i = 0; i < wide_capacity(q); i++) {
		struct wide *slot = wide_claim(q);
		cr_assert_eq((uintptr_t)slot % alignof(struct wide), 0, "slot %zu at %p", i, (void *)slot);
		slot->v = i;
		wide_commit(q);
	}
	wide_destroy(q);
}

Test(elem, over_aligned_type_gets_aligned_slots_in_the_slot_ring)
{
	wide_slot_queue *q = wide_slot_create(3);

	cr_assert_not_null(q);
	for (size_t i = 0; i <= q->mask; i++)
		cr_assert_eq((uintptr_t)&q->slots[i].item % alignof(struct wide), 0, "slot %zu's item at %p", i,
		             (void *)&q->slots[i].item);
	struct wide in = {7}, out = {0};
	cr_assert(wide_slot_try_push(q, &in) && wide_slot_try_pop(q, &out) && out.v == 7);
	wide_slot_destroy(q);
}

Test(elem, largest_capacity_for_a_size_that_is_not_a_power_of_two)
{
	size_t most = spsc_elem_max_capacity_(sizeof(struct odd));

	cr_assert_eq(most & (most - 1), 0, "%zu is not a power of two", most);
	cr_assert_leq(most, (size_t)PTRDIFF_MAX / sizeof(struct odd));
	cr_assert_gt(2 * most, (size_t)PTRDIFF_MAX / sizeof(struct odd));
	errno = 0;
	cr_assert_null(odd_create(most + 1));
	cr_assert_eq(errno, EINVAL, "one past the largest: errno %d", errno);
	/* The largest is valid: it reaches the allocation of the slots, made to fail here. */
	errno = 0;
	test_alloc_fail_after(1);
	odd_queue *q = odd_create(most);
	test_alloc_fail_never();
	cr_assert(q == NULL && errno == ENOMEM, "the largest capacity: %p, errno %d", (void *)q, errno);
	cr_assert_eq(test_alloc_failed(), 1, "the slots' allocation was not reached");
}

Test(elem, copy_calls_move_whole_items)
{
	odd_queue *q = odd_create(4);
	struct odd in[6], out[6] = {0};

	cr_assert_not_null(q);

	for (uint64_t i = 0; i < 6; i++)
		in[i] = (struct odd){{i, i * 3, ~i}};
	cr_assert(odd_try_push(q, &in[0]));
	cr_assert_eq(odd_try_push_n(q, in + 1, 5), 3, "push_n past the capacity");
	cr_assert_not(odd_try_push(q, &in[4]));
	cr_assert(odd_try_pop(q, &out[0]));
	cr_assert_eq(odd_try_pop_n(q, out + 1, 5), 3);
	cr_assert_arr_eq(out, in, 4 * sizeof(struct odd), "items changed in the ring");
	cr_assert_not(odd_try_pop(q, &out[4]));
	odd_destroy(q);
}
