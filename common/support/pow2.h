/*
 * common/support/pow2.h: the one rounding to a power of two of the tools
 * in common/ (the fuzzer's model, the benchmark driver). The stages and
 * the extensions keep their own: each spsc.h is self-contained, and a
 * reference model must not borrow the rounding it checks.
 */
#ifndef POW2_H
#define POW2_H

#include <stdint.h>

/* The smallest power of two >= n (1 for n <= 1); 0 when n > 2^63, which has none in 64 bits. */
static inline uint64_t pow2_at_least(uint64_t n)
{
	uint64_t p = 1;

	if (n > (UINT64_C(1) << 63))
		return 0;
	while (p < n)
		p <<= 1;
	return p;
}

#endif /* POW2_H */
