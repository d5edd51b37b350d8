/*
 * common/test/plain/criterion/criterion.h: the part of Criterion's API that
 * the contract suite uses, without Criterion, for `make test-arm64`.
 *
 * Criterion from Debian cannot be installed for arm64 beside the amd64 one
 * (its libnanomsg is not multi-arch co-installable), so the AArch64 build
 * compiles the same test files against this header instead, statically,
 * and runs them under qemu-aarch64. Each Test() registers itself (a
 * constructor); plain_main() in runner.c forks one child per test, so a
 * failed assertion or a crash ends that test alone, and a watchdog (alarm)
 * ends a test that runs past its timeout, named as such. Only what the
 * suite uses is here: Test(suite, name[, .timeout = s]), cr_assert,
 * cr_assert_not, cr_assert_eq, _neq, _gt, _geq, _leq, _null, _not_null
 * (each with an optional printf message) and cr_log_info.
 */
#ifndef PLAIN_CRITERION_H
#define PLAIN_CRITERION_H

#include <stddef.h>

struct plain_opts {
	int plain_sentinel_; /* so that the designated initialisers below are never empty */
	unsigned timeout;    /* seconds; 0: the runner's default */
};

void plain_register(const char *suite, const char *name, void (*fn)(void), struct plain_opts opts);
_Noreturn void plain_fail(const char *file, int line, const char *what, const char *fmt, ...);
void plain_log(const char *fmt, ...);

#define Test(...) PLAIN_TEST_(__VA_ARGS__, .plain_sentinel_ = 0)
#define PLAIN_TEST_(suite, name, ...)                                                                     \
	static void plain_test_##suite##_##name(void);                                                      \
	__attribute__((constructor)) static void plain_reg_##suite##_##name(void)                           \
	{                                                                                                   \
		plain_register(#suite, #name, plain_test_##suite##_##name, (struct plain_opts){__VA_ARGS__}); \
	}                                                                                                   \
	static void plain_test_##suite##_##name(void)

/* The optional message is a format and its arguments; "" closes the list. */
#define PLAIN_CHECK_(what, cond, ...)                                     \
	do {                                                              \
		if (!(cond))                                              \
			plain_fail(__FILE__, __LINE__, what, __VA_ARGS__); \
	} while (0)
#define cr_assert(...)                  PLAIN_ASSERT_(__VA_ARGS__, "")
#define PLAIN_ASSERT_(cond, ...)        PLAIN_CHECK_(#cond, cond, __VA_ARGS__)
#define cr_assert_not(...)              PLAIN_NOT_(__VA_ARGS__, "")
#define PLAIN_NOT_(cond, ...)           PLAIN_CHECK_("!(" #cond ")", !(cond), __VA_ARGS__)
#define cr_assert_null(...)             PLAIN_NULL_(__VA_ARGS__, "")
#define PLAIN_NULL_(p, ...)             PLAIN_CHECK_(#p " == NULL", (p) == NULL, __VA_ARGS__)
#define cr_assert_not_null(...)         PLAIN_NOT_NULL_(__VA_ARGS__, "")
#define PLAIN_NOT_NULL_(p, ...)         PLAIN_CHECK_(#p " != NULL", (p) != NULL, __VA_ARGS__)
#define PLAIN_CMP_(op, a, b, ...)       PLAIN_CHECK_(#a " " #op " " #b, (a)op(b), __VA_ARGS__)
#define cr_assert_eq(...)               PLAIN_CMP_(==, __VA_ARGS__, "")
#define cr_assert_neq(...)              PLAIN_CMP_(!=, __VA_ARGS__, "")
#define cr_assert_gt(...)               PLAIN_CMP_(>, __VA_ARGS__, "")
#define cr_assert_geq(...)              PLAIN_CMP_(>=, __VA_ARGS__, "")
#define cr_assert_leq(...)              PLAIN_CMP_(<=, __VA_ARGS__, "")
#define cr_log_info(...)                plain_log(__VA_ARGS__)

#endif /* PLAIN_CRITERION_H */
