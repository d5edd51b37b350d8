/*
 * common/test/stress_main.c: the stress tests without Criterion, for
 * ThreadSanitizer (Criterion aborts under TSan: Snaipe/Criterion#274).
 *
 *   tsan-stageN [ITEMS]   runs capacities 1, 64 and 65536, ITEMS items each;
 *                         a queue with bulk operations (SPSC_HAS_BULK) runs
 *                         each capacity twice: item by item, then in batches
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
#ifdef SPSC_HAS_BULK
	const int modes = 2;
#else
	const int modes = 1;
#endif
	for (size_t run = 0; run < modes * sizeof(caps) / sizeof(caps[0]); run++) {
		size_t i = run % (sizeof(caps) / sizeof(caps[0]));
		bool bulk = run >= sizeof(caps) / sizeof(caps[0]);
		char why[256];
		spsc_queue *q = spsc_create(caps[i]);
		if (q == NULL) {
			perror("spsc_create");
			return 1;
		}
		struct stress_result r = stress_run(q, items, bulk);
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
