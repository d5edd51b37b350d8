/*
 * common/support/spin.h: the one waiting primitive of the tests and the driver.
 *
 * The queues never wait: try_push and try_pop return false at once. Every
 * loop that waits for a free slot or an item lives in the caller and calls
 * spin_pause() once per failed attempt, so every stage is measured with the
 * same waiting code.
 */
#ifndef SPIN_H
#define SPIN_H

/*
 * A CPU hint that this thread is spinning: on x86 PAUSE frees pipeline
 * resources for the sibling hyperthread and avoids the memory-order
 * mis-speculation flush on loop exit; on Arm YIELD is the equivalent hint.
 */
static inline void spin_pause(void)
{
#if defined(SPIN_NO_PAUSE) /* make bench-stage5-variants: what the hint costs or buys */
	__asm__ __volatile__("" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#endif /* SPIN_H */
