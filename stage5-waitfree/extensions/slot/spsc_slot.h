/*
 * stage5-waitfree/extensions/slot/spsc_slot.h: a ring whose slots signal
 * themselves. Each slot holds the item and a sequence word; the consumer
 * polls the slot it wants, not the producer's counter, so an item and the
 * news that it is there arrive in one cache line.
 *
 * The protocol (FastForward, Giacomoni et al., PPoPP 2008; the per-cell
 * sequence numbers of Vyukov's bounded queue, here with one producer and
 * one consumer and so without any compare-and-swap). Position p of the
 * stream uses slot p & mask, and a slot's seq says two things at once,
 * which position it is for and whether the item is in it:
 *   seq == 2p       the slot is free, for item p;
 *   seq == 2p + 1   item p is in it.
 *   push at p: wait for seq == 2p; write the item, then publish
 *              seq = 2p + 1 (release).
 *   pop at p:  wait for seq == 2p + 1 (acquire); read the item, then hand
 *              the slot to position p + capacity, the producer's next lap:
 *              seq = 2(p + capacity) (release).
 * Slot i starts at seq = 2i. (Vyukov's p and p + 1 would make "item p is
 * in it" and "free for p + capacity" the same value when the capacity is
 * 1.) Both tests are equalities and the positions a slot can hold lie
 * within one capacity of each other, far less than the 2^63 apart at
 * which 2p wraps onto itself, so the counters wrapping past SIZE_MAX needs
 * no special case.
 *
 * What it gives up against stage 5: 16-byte slots for 8-byte items (the
 * sequence word doubles the ring's memory and halves the items per line);
 * spsc_size is a snapshot of two counters each side keeps only for it
 * (their own lines, stored relaxed, read by nobody else in the hot path);
 * and a side that stalls holds back the other at the one slot where they
 * meet, as in stage 5. What it gains: neither side ever reads a line the
 * other writes except the slot itself; a consumer waiting on an empty ring
 * polls the very line the next item will arrive in.
 *
 * The API and names are the stages' (common/CONTRACT.md), so the driver
 * and the contract suite run it unchanged; CONTRACT.md lists where its
 * contract differs. The code is spsc_slot_elem.h's, a template for items
 * of any type, made here for uint64_t under the stages' names.
 */
#ifndef SPSC_SLOT_H
#define SPSC_SLOT_H

#include <stdint.h>

#define SPSC_STAGE_NAME "slot-signalled"

/* The ring for uint64_t, its type under the stages' name, struct spsc_queue, which the tools declare. */
#define spsc_slot_u64_queue spsc_queue
#define SPSC_SLOT_NAME      spsc_slot_u64
#define SPSC_SLOT_TYPE      uint64_t
#include "spsc_slot_elem.h"

/* A slot's bytes: the contract's largest capacity is the one whose byte size fits in ptrdiff_t. */
#define SPSC_SLOT_BYTES   sizeof(struct spsc_slot_u64_slot)
#define SPSC_MAX_CAPACITY ((size_t)PTRDIFF_MAX / SPSC_SLOT_BYTES / 2 + 1)
static_assert(SPSC_SLOT_BYTES == 16, "a slot of the uint64_t ring is not 16 bytes");

static inline spsc_queue *spsc_create(size_t capacity)
{
	return spsc_slot_u64_create(capacity);
}

static inline void spsc_destroy(spsc_queue *q)
{
	spsc_slot_u64_destroy(q);
}

/* Producer thread only. False when full: nothing is stored. */
static inline bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	return spsc_slot_u64_try_push(q, &item);
}

/* Consumer thread only. False when empty, and *item is left untouched. */
static inline bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	return spsc_slot_u64_try_pop(q, item);
}

static inline size_t spsc_capacity(const spsc_queue *q)
{
	return spsc_slot_u64_capacity(q);
}

static inline size_t spsc_size(const spsc_queue *q)
{
	return spsc_slot_u64_size(q);
}

#ifdef SPSC_TESTING
static inline void spsc_test_set_counters(spsc_queue *q, size_t start)
{
	spsc_slot_u64_test_set_counters(q, start);
}
#endif

#endif /* SPSC_SLOT_H */
