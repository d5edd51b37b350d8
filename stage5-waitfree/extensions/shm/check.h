/*
 * stage5-waitfree/extensions/shm/check.h: CHECK for the tests of
 * spsc_shm.h: counts the checks and the failures, and says which line
 * failed and why. The includer defines CHECK_NAME, the prefix of its
 * messages ("hostile", ...), before including it.
 */
#ifndef IPC_CHECK_H
#define IPC_CHECK_H

#include <stdio.h>

static unsigned checks, failures;

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		checks++;                                                                                              \
		if (!(cond)) {                                                                                         \
			failures++;                                                                                    \
			fprintf(stderr, CHECK_NAME ": FAILED line %d: ", __LINE__);                                    \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
		}                                                                                                      \
	} while (0)

/* The exit status: 0, or 1 after saying how many checks failed. */
static inline int check_status(void)
{
	if (failures == 0)
		return 0;
	fprintf(stderr, CHECK_NAME ": %u of %u checks FAILED\n", failures, checks);
	return 1;
}

#endif /* IPC_CHECK_H */
