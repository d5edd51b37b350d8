/*
 * common/support/clock.h: the one clock and the one random generator of
 * every test, attack and measuring program in the repository.
 *
 * The clock is CLOCK_MONOTONIC through clock_gettime (the vDSO: no system
 * call), in nanoseconds. clock_gettime is POSIX, not C11: the includer
 * defines _POSIX_C_SOURCE (200809L) or _GNU_SOURCE before its first
 * #include, as every file here does.
 *
 * The generator is xorshift64* (Marsaglia's xorshift with Vigna's
 * multiplier): cheap, one word of state per thread, deterministic for a
 * seed. A state of 0 would stay 0 for ever, so it is mapped away.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds on CLOCK_MONOTONIC: differences are durations; the origin means nothing. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The next number of the sequence that *state holds (each thread keeps its own state). */
static inline uint64_t rng_next(uint64_t *state)
{
	if (*state == 0)
		*state = UINT64_C(0x2545f4914f6cdd1d);
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(0x2545f4914f6cdd1d);
}

#endif /* CLOCK_H */
