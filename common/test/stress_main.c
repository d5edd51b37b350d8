/*
 * common/test/stress_main.c: the stress tests without Criterion, for
 * ThreadSanitizer (Criterion aborts under TSan: Snaipe/Criterion#274).
 *
 *   tsan-stageN [ITEMS]   runs capacities 1, 64 and 65536, ITEMS items each,
 *                         item by item with a third thread sampling
 *                         spsc_size; a queue with bulk operations
 *                         (SPSC_HAS_BULK) runs each capacity again in batches
 *
 * Every wait in the stress code is bounded (STRESS_STALL_SECONDS), so a
 * queue that never reports full, or never stops being full, fails here
 * with what it was waiting for instead of hanging.
 *
 * Exits 0 when every run passes. TSan itself exits 66 on its first report
 * (TSAN_OPTIONS="halt_on_error=1 exitcode=66", set by the Makefile).
 */
#include <stdio.h>
#include <stdlib.h>

#include "parse_number.h"
#include "queue.h"
#include "test_support.h"

int main(int argc, char **argv)
{
	uint64_t items = STRESS_ITEMS;
	size_t caps[] = {1, 64, 65536};
	int passed = 0, failed = 0;

	const char *why = NULL;

	if (argc > 2 || (argc == 2 && (why = parse_number(argv[1], 1, UINT64_MAX, &items)) != NULL)) {
		if (why != NULL)
			fprintf(stderr, "%s: ITEMS '%s' %s\n", argv[0], argv[1], why);
		fprintf(stderr, "usage: %s [ITEMS]  (ITEMS > 0, default %llu)\n", argv[0],
		        (unsigned long long)STRESS_ITEMS);
		return 2;
	}
	/* Each capacity item by item with a third thread sampling spsc_size, then (queues with bulk operations) in batches. */
#ifdef SPSC_HAS_BULK
	const unsigned modes[] = {STRESS_OBSERVE, STRESS_BULK};
#else
	const unsigned modes[] = {STRESS_OBSERVE};
#endif
	const size_t n_caps = sizeof(caps) / sizeof(caps[0]);
	for (size_t run = 0; run < sizeof(modes) / sizeof(modes[0]) * n_caps; run++) {
		size_t i = run % n_caps;
		unsigned flags = modes[run / n_caps];
		bool bulk = flags & STRESS_BULK;
		char why[256];
		spsc_queue *q = spsc_create(caps[i]);
		if (q == NULL) {
			perror("spsc_create");
			return 1;
		}
		struct stress_result r = stress_run(q, items, flags);
		bool ok = stress_ok(q, items, &r, why, sizeof(why));
		printf("%s capacity %zu%s: %s: %llu items, %llu full hits, %llu empty hits%s%s\n", SPSC_STAGE_NAME,
		       caps[i], bulk ? " (bulk)" : "", ok ? "ok" : "FAILED", (unsigned long long)r.moved,
		       (unsigned long long)r.full_hits, (unsigned long long)r.empty_hits, ok ? "" : ": ",
		       ok ? "" : why);
		spsc_destroy(q);
		ok ? passed++ : failed++;
	}
	printf("%s: %d passed, %d failed\n", SPSC_STAGE_NAME, passed, failed);
	return failed == 0 ? 0 : 1;
}
