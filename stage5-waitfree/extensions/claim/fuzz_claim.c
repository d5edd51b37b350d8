/*
 * stage5-waitfree/extensions/claim/fuzz_claim.c: differential fuzzing of
 * claim/commit and peek/release against a model.
 *
 * libFuzzer harness (clang -fsanitize=fuzzer,address,undefined): the
 * input bytes are a program of claims, commits of part of a claim, peeks,
 * releases of part of a peek, single-item copy calls (try_push, try_pop)
 * between them, and re-creations with the counters started near SIZE_MAX. Every step runs on the ring and
 * on the model below and is compared at once: the counts, the two spans
 * (their lengths, and that they are the slots the model expects: the first
 * at the next position, the second at the array's start), every item
 * peeked or popped, size(). The first difference prints and aborts. Only
 * programs that keep the rules of use are run (an op that would break one
 * is skipped): breaking them is test_claim.c's "rules" suite.
 *
 * One byte an op, its operand in the next byte:
 *   op % 8: 0 claim_n(operand % (capacity + 2)), the slots written with the
 *           next sequence numbers     1 commit_n(operand % (claimed + 1))
 *           2 peek_n(operand % (capacity + 2))
 *           3 release_n(operand % (peeked + 1))
 *           4 try_push of one item    5 try_pop of one item
 *           6 destroy, then create(1 << (operand % 7)) with the counters
 *             at SIZE_MAX - (next byte % 16)
 *           7 claim (operand odd) or peek (even): the calls of one item
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Two words, so a slot is not a machine word: seq and a check of it. */
struct item {
	uint64_t seq, check;
};
#define SPSC_ELEM_NAME ring
#define SPSC_ELEM_TYPE struct item
#include "extensions/claim/spsc_claim.h" /* -I stage5-waitfree, or a variant of it */

#define MAX_CAPACITY 64

/* The model: the items in the ring, oldest first, and what each side holds open. */
static struct model {
	uint64_t held[MAX_CAPACITY]; /* sequence numbers, held[0] the oldest */
	size_t n, capacity, claimed, peeked;
	uint64_t next; /* the next sequence number to push */
	size_t start;  /* where the counters began: position 0 is slot start & mask */
	size_t pushed; /* positions so far on the producer's side */
} m;

static void fail(const char *what, size_t got, size_t want)
{
	fprintf(stderr, "fuzz_claim: %s: got %zu, the model says %zu\n", what, got, want);
	abort();
}

static void expect(const char *what, size_t got, size_t want)
{
	if (got != want)
		fail(what, got, want);
}

static struct item item_of(uint64_t seq)
{
	return (struct item){seq, ~seq * 0x9e3779b97f4a7c15u};
}

static void expect_item(const struct item *it, uint64_t seq)
{
	expect("an item's sequence number", it->seq, seq);
	expect("an item's check word", it->check, item_of(seq).check);
}

/* The spans of k slots from position pos (counted from m.start) must be those the model expects. */
static void expect_spans(ring_queue *q, const ring_span span[2], size_t pos, size_t k)
{
	size_t at = (m.start + pos) & (m.capacity - 1);
	size_t first = m.capacity - at < k ? m.capacity - at : k;

	expect("span[0].n", span[0].n, first);
	expect("span[1].n", span[1].n, k - first);
	if (k > 0)
		expect("span[0] slot", (size_t)(span[0].ptr - q->slots), at);
	if (k > first)
		expect("span[1] slot", (size_t)(span[1].ptr - q->slots), 0);
}

static struct item *slot_in(const ring_span span[2], size_t j)
{
	return j < span[0].n ? &span[0].ptr[j] : &span[1].ptr[j - span[0].n];
}

static void op_claim(ring_queue *q, size_t want)
{
	ring_span span[2];
	size_t k = ring_claim_n(q, want, span);
	size_t room = m.capacity - m.n;

	expect("claim_n", k, want < room ? want : room);
	expect_spans(q, span, m.pushed, k);
	for (size_t j = 0; j < k; j++)
		*slot_in(span, j) = item_of(m.next + j);
	m.claimed = k;
}

/* claim and peek of one, the calls of their own (no spans): the slot the model expects, or NULL. */
static void op_claim_one(ring_queue *q)
{
	struct item *slot = ring_claim(q);

	expect("claim", slot != NULL, m.n < m.capacity);
	if (slot == NULL)
		return;
	expect("claim's slot", (size_t)(slot - q->slots), (m.start + m.pushed) & (m.capacity - 1));
	*slot = item_of(m.next);
	m.claimed = 1;
}

static void op_peek_one(ring_queue *q)
{
	struct item *slot = ring_peek(q);

	expect("peek", slot != NULL, m.n > 0);
	if (slot == NULL)
		return;
	expect("peek's slot", (size_t)(slot - q->slots), (m.start + m.pushed - m.n) & (m.capacity - 1));
	expect_item(slot, m.held[0]);
	m.peeked = 1;
}

static void op_commit(ring_queue *q, size_t k)
{
	ring_commit_n(q, k);
	for (size_t j = 0; j < k; j++)
		m.held[m.n++] = m.next++;
	m.pushed += k;
	m.claimed = 0;
}

static void op_peek(ring_queue *q, size_t want)
{
	ring_span span[2];
	size_t k = ring_peek_n(q, want, span);

	expect("peek_n", k, want < m.n ? want : m.n);
	expect_spans(q, span, m.pushed - m.n, k);
	for (size_t j = 0; j < k; j++)
		expect_item(slot_in(span, j), m.held[j]);
	m.peeked = k;
}

static void op_release(ring_queue *q, size_t k)
{
	ring_release_n(q, k);
	m.n -= k;
	for (size_t j = 0; j < m.n; j++)
		m.held[j] = m.held[j + k];
	m.peeked = 0;
}

static void op_push(ring_queue *q)
{
	struct item it = item_of(m.next);
	bool ok = ring_try_push(q, &it);

	expect("try_push", ok, m.n < m.capacity);
	if (ok) {
		m.held[m.n++] = m.next++;
		m.pushed++;
	}
}

static void op_pop(ring_queue *q)
{
	struct item it;
	bool ok = ring_try_pop(q, &it);

	expect("try_pop", ok, m.n > 0);
	if (ok) {
		expect_item(&it, m.held[0]);
		m.n--;
		for (size_t j = 0; j < m.n; j++)
			m.held[j] = m.held[j + 1];
	}
}

static ring_queue *op_create(ring_queue *q, uint8_t log2, uint8_t back)
{
	ring_destroy(q);
	m = (struct model){.capacity = (size_t)1 << (log2 % 7), .start = SIZE_MAX - back % 16};
	q = ring_create(m.capacity);
	if (q == NULL) {
		perror("fuzz_claim: ring_create");
		abort();
	}
	ring_test_set_counters(q, m.start);
	return q;
}

/* One op of the program; an op that would break a rule of use is skipped. */
static ring_queue *step(ring_queue *q, uint8_t op, uint8_t arg, uint8_t arg2)
{
	switch (op % 8) {
	case 0:
		if (m.claimed == 0)
			op_claim(q, arg % (m.capacity + 2));
		break;
	case 1:
		if (m.claimed != 0)
			op_commit(q, arg % (m.claimed + 1));
		break;
	case 2:
		if (m.peeked == 0)
			op_peek(q, arg % (m.capacity + 2));
		break;
	case 3:
		if (m.peeked != 0)
			op_release(q, arg % (m.peeked + 1));
		break;
	case 4:
		if (m.claimed == 0)
			op_push(q);
		break;
	case 5:
		if (m.peeked == 0)
			op_pop(q);
		break;
	case 6:
		q = op_create(q, arg, arg2);
		break;
	default:
		if (arg % 2 && m.claimed == 0)
			op_claim_one(q);
		else if (arg % 2 == 0 && m.peeked == 0)
			op_peek_one(q);
	}
	expect("size", ring_size(q), m.n);
	return q;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ring_queue *q = op_create(NULL, size > 0 ? data[0] : 3, size > 1 ? data[1] : 0);

	for (size_t i = 2; i + 1 < size; i += 2)
		q = step(q, data[i], data[i + 1], i + 2 < size ? data[i + 2] : 0);
	ring_destroy(q);
	return 0;
}
