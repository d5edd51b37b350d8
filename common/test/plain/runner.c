/*
 * common/test/plain/runner.c: runs the tests that plain/criterion/criterion.h
 * registered, for the AArch64 build (`make test-arm64`), without Criterion.
 *
 *   NAME [--timeout S] [--filter SUITE/NAME-PREFIX]
 *
 * Each test runs in a child process of its own, so an assertion, a crash or
 * a hang ends that test alone; a test still running after its timeout
 * (the test's .timeout, else --timeout, else 60 s) is killed by its alarm
 * and reported as timed out. The last line counts the tests, as Criterion's
 * "Synthesis" line does; the exit status is 0 only when every test passed.
 */
#define _POSIX_C_SOURCE 200809L /* fork, waitpid, alarm, strsignal */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criterion/criterion.h"
#include "parse_number.h"

#define MAX_TESTS 256

static struct plain_test {
	const char *suite, *name;
	void (*fn)(void);
	unsigned timeout;
} tests[MAX_TESTS];
static size_t n_tests;

void plain_register(const char *suite, const char *name, void (*fn)(void), struct plain_opts opts)
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "plain: more than %d tests: raise MAX_TESTS\n", MAX_TESTS);
		exit(2);
	}
	tests[n_tests++] = (struct plain_test){suite, name, fn, opts.timeout};
}

/* In the child: the assertion that failed, and the test ends with status 1. */
_Noreturn void plain_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: assertion failed: %s", file, line, what);
	if (fmt != NULL && *fmt != '\0') {
		fputs(": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	exit(1);
}

void plain_log(const char *fmt, ...)
{
	(void)fmt; /* Criterion shows info lines only when asked: so does this runner */
}

int main(int argc, char **argv)
{
	uint64_t timeout = 60;
	const char *filter = "";
	size_t passed = 0, failed = 0, ran = 0;

	for (int i = 1; i < argc; i++) {
		const char *why = NULL;

		if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			why = parse_number(argv[++i], 1, 86400, &timeout);
		else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
			filter = argv[++i];
		else
			why = "is not --timeout S or --filter PREFIX";
		if (why != NULL) {
			fprintf(stderr, "%s: '%s' %s\n", argv[0], argv[i], why);
			return 2;
		}
	}
	for (size_t t = 0; t < n_tests; t++) {
		char full[128];

		snprintf(full, sizeof(full), "%s/%s", tests[t].suite, tests[t].name);
		if (strncmp(full, filter, strlen(filter)) != 0)
			continue;
		unsigned limit = tests[t].timeout ? tests[t].timeout : (unsigned)timeout;
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			alarm(limit); /* the watchdog: SIGALRM ends a test that hangs */
			tests[t].fn();
			exit(0);
		}
		int status;
		if (waitpid(pid, &status, 0) < 0) {
			perror("waitpid");
			return 2;
		}
		ran++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			passed++;
			continue;
		}
		failed++;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			fprintf(stderr, "[FAIL] %s: timed out after %u s\n", full, limit);
		else if (WIFSIGNALED(status))
			fprintf(stderr, "[FAIL] %s: killed by signal %d (%s)\n", full, WTERMSIG(status),
			        strsignal(WTERMSIG(status)));
		else
			fprintf(stderr, "[FAIL] %s: exit status %d\n", full, WEXITSTATUS(status));
	}
	printf("[plain] Synthesis: Tested: %zu | Passing: %zu | Failing: %zu\n", ran, passed, failed);
	return failed == 0 && ran > 0 ? 0 : 1;
}
