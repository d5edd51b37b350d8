/*
 * common/support/sequence.h: what an item carries in the tests, the
 * fuzzer and the soak: its sequence number, disguised so that zeroed or
 * stale memory never looks right. (The benchmark driver sends plain
 * 0, 1, 2, ...: the disguise would cost it an instruction per item.)
 */
#ifndef SEQUENCE_H
#define SEQUENCE_H

#include <stdint.h>

#define SEQ_TAG UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t item_of(uint64_t seq)
{
	return seq ^ SEQ_TAG;
}

static inline uint64_t seq_of(uint64_t item)
{
	return item ^ SEQ_TAG;
}

#endif /* SEQUENCE_H */
