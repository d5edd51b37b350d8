# stage5-waitfree/extensions/wait/wait.mk: the blocking waits of spsc_wait.h,
# included by the top Makefile. Uses its TOP, BUILD, CC, WARN and deps_for;
# test.mk's TEST_CFLAGS, TSAN_FLAGS, ASAN_FLAGS and SANITIZED; abuse.mk's
# spin package, FUZZ_SECONDS and its fuzz target; variants.mk's
# variant_dir; bench.mk's BENCH_OPT and BENCH_RESULTS.
#
#   make test-wait          the single-thread checks and the two-thread stress, both orderings (gcc and clang)
#   make test-wait-tsan     the same under ThreadSanitizer, fewer items
#   make model-wait         spin: the sleeper protocol under a store-buffer model, capacities 1 2 4, and its broken variants
#   make model-wait-quick   the same at capacities 1 and 2 (a few seconds)
#   make bench-wait         fence, membarrier, plain stage 5 and moodycamel's blocking ring, into notes/results/latest/wait.md (+ .csv)
#   make bench-wait WAIT_MODE=quick   the same pipeline on small sizes (seconds)
#   make test-wait-pingpong       a ping-pong over two queues, both orderings, capacities 1 and 64 (gcc and clang):
#                                 a lost wake-up stops it and its watchdog says so
#   make test-wait-inject         every kernel call made to fail, one case per call and errno, under ASan + UBSan
#   make test-wait-deadline       malformed deadlines, spurious returns, and the overshoot measured (gcc and clang)
#   make fuzz-wait [WAIT_FUZZ_SECONDS=N]   random rounds under ASan + UBSan, N s (make fuzz runs it, FUZZ_SECONDS)
#   make test-wait-pingpong-control, test-wait-inject-control, fuzz-wait-control   the planted bugs each must catch
# `make check` runs check-wait: test-wait, test-wait-tsan, model-wait, then
# the hostile tests above and their controls, the fuzzer for
# WAIT_FUZZ_CHECK_SECONDS.

.PHONY: test-wait test-wait-tsan model-wait model-wait-quick bench-wait test-wait-pingpong test-wait-inject \
	test-wait-deadline fuzz-wait test-wait-pingpong-control test-wait-inject-control fuzz-wait-control

# spin for the model, clang for the second compiler; g++ and moodycamel's
# headers for the benchmark's peer.
$(eval $(call deps_for,wait,spin clang g++ libreaderwriterqueue-dev patch))
CHECK_PARTS += check-wait
check-wait: deps-wait
	@$(MAKE) --no-print-directory test-wait test-wait-tsan model-wait
	@$(MAKE) --no-print-directory test-wait-pingpong test-wait-pingpong-control test-wait-inject \
		test-wait-inject-control test-wait-deadline fuzz-wait fuzz-wait-control WAIT_FUZZ_SECONDS=$(WAIT_FUZZ_CHECK_SECONDS)
	@$(MAKE) --no-print-directory $(WAIT_BENCH) >/dev/null
	@sh $(TOP)/common/abuse/driver-flags-test.sh $(WAIT_BENCH)

WAIT_SRC   := $(TOP)/stage5-waitfree/extensions/wait
WAIT_BUILD := $(BUILD)/wait
WAIT_STAGE := $(TOP)/stage5-waitfree
WAIT_INC   := -I$(WAIT_STAGE) -I$(TOP)/common/support
WAIT_HDRS  := $(WAIT_STAGE)/spsc.h $(WAIT_SRC)/spsc_wait.h $(wildcard $(TOP)/common/support/*.h) $(WAIT_SRC)/wait.mk
# Items per two-thread run: the slow path is what is tested, not volume.
WAIT_ITEMS      ?= 200000
WAIT_TSAN_ITEMS ?= 20000
WAIT_MODEL_CAPS       ?= 1 2 4
WAIT_MODEL_QUICK_CAPS ?= 1 2

# $(call wait_test,binary,compiler,extra flags)
define wait_test
$1: $(WAIT_SRC)/test_wait.c $(WAIT_HDRS)
	@mkdir -p $$(@D)
	$2 $$(TEST_CFLAGS) $3 -DWAIT_ITEMS=$$(WAIT_ITEMS) $(WAIT_INC) -o $$@ $$<
endef
$(eval $(call wait_test,$(WAIT_BUILD)/test-wait,$$(CC),))
$(eval $(call wait_test,$(WAIT_BUILD)/test-wait-clang,clang,))
$(eval $(call wait_test,$(WAIT_BUILD)/tsan-test-wait,$$(CC),$$(TSAN_FLAGS)))

test-wait: $(WAIT_BUILD)/test-wait $(WAIT_BUILD)/test-wait-clang
	@echo "== stage5-waitfree/extensions/wait/spsc_wait.h: blocking push and pop, both orderings ($(WAIT_ITEMS) items per run; $(CC), then clang)"
	@$(WAIT_BUILD)/test-wait
	@$(WAIT_BUILD)/test-wait-clang
test-wait-tsan: $(WAIT_BUILD)/tsan-test-wait $(WAIT_BUILD)/tsan-broken-publish
	@echo "== stage5-waitfree/extensions/wait/spsc_wait.h under ThreadSanitizer ($(WAIT_TSAN_ITEMS) items per run), then its negative control"
	@$(SANITIZED) clean $< $(WAIT_TSAN_ITEMS)
	@sh $(TOP)/common/test/tsan-control.sh $(WAIT_BROKEN)/spsc.h $(WAIT_BUILD)/tsan-broken-publish $(WAIT_TSAN_ITEMS)

model-wait: deps-wait
	@echo "== the sleeper protocol of spsc_wait.h under spin: both orderings at capacities $(WAIT_MODEL_CAPS), then the controls"
	@sh $(WAIT_SRC)/check.sh $(WAIT_BUILD)/model $(WAIT_SRC)/wait.pml "$(WAIT_MODEL_CAPS)"
model-wait-quick: deps-wait
	@echo "== the sleeper protocol of spsc_wait.h under spin (short form): capacities $(WAIT_MODEL_QUICK_CAPS), then the controls"
	@sh $(WAIT_SRC)/check.sh $(WAIT_BUILD)/model $(WAIT_SRC)/wait.pml "$(WAIT_MODEL_QUICK_CAPS)"

# The benchmark: GCC on both sides with -flto, so the peer's calls inline
# across the C/C++ boundary, as in common/peers/peers.mk.
WAIT_BENCH_CFLAGS   := $(BENCH_OPT) $(WARN) -pthread -flto
WAIT_BENCH_CXXFLAGS := $(BENCH_OPT) -std=c++17 -Wall -Wextra -Wpedantic -Werror -pthread -flto
WAIT_BENCH := $(WAIT_BUILD)/bench-wait
$(WAIT_BENCH): $(WAIT_SRC)/bench_wait.c $(WAIT_SRC)/moodycamel_wait.cpp $(WAIT_SRC)/moodycamel_wait.h $(WAIT_HDRS)
	@mkdir -p $(@D)
	g++ $(WAIT_BENCH_CXXFLAGS) -I$(WAIT_SRC) -c -o $@-moodycamel.o $(WAIT_SRC)/moodycamel_wait.cpp
	gcc $(WAIT_BENCH_CFLAGS) -DBENCH_FLAGS='"$(WAIT_BENCH_CFLAGS); adapter: g++ $(WAIT_BENCH_CXXFLAGS)"' \
		$(WAIT_INC) -I$(WAIT_SRC) -o $@ $(WAIT_SRC)/bench_wait.c $@-moodycamel.o -lstdc++
# The run (bench-wait.sh): the queues in turns, round by round, into one CSV
# and its table. WAIT_MODE=quick: small sizes. WAIT_BENCH_ARGS: flags for
# every run (bench-wait --help), e.g. --cpus 2,3.
WAIT_MODE       ?= full
WAIT_BENCH_ARGS ?=
bench-wait: deps-wait deps-bench
	@$(MAKE) --no-print-directory $(WAIT_BENCH)
	@sh $(WAIT_SRC)/bench-wait.sh $(WAIT_MODE) $(WAIT_BENCH) $(BENCH_RESULTS)/latest $(WAIT_BENCH_ARGS)

# The negative control of test-wait-tsan: the same test over the
# broken-publish variant of stage 5 (its publish of tail relaxed), which
# TSan must report as a race at the slot between push and pop
# (common/test/tsan-control.sh): the quiet run above is then TSan seeing
# the release/acquire hand-off, not TSan seeing nothing.
WAIT_BROKEN := $(call variant_dir,stage5-waitfree,broken-publish)
$(WAIT_BUILD)/tsan-broken-publish: $(WAIT_BROKEN)/spsc.h
$(eval $(call wait_test,$(WAIT_BUILD)/tsan-broken-publish,$$(CC),$$(TSAN_FLAGS) -I$(WAIT_BROKEN)))

# ---------------------------------------------------------------- the hostile tests
# Each includes wait_test.h: the seam through which every kernel call of
# spsc_wait.h can be made to fail or wait, the watchdog in a parent
# process, the ping-pong over two queues. All of them run in make check
# (check-wait), none in make test: they need clang besides the compiler.
WAIT_PINGPONG_ITEMS ?= 10000
WAIT_FUZZ_SECONDS   ?= $(FUZZ_SECONDS)
WAIT_FUZZ_CHECK_SECONDS ?= 10
WAIT_HOSTILE_DEPS := $(WAIT_SRC)/wait_test.h $(wildcard $(TOP)/common/support/*.h) $(WAIT_SRC)/wait.mk

# $(call wait_hostile,binary,source,compiler,flags,queue folder)
define wait_hostile
$1: $2 $5/spsc.h $5/extensions/wait/spsc_wait.h $(WAIT_HOSTILE_DEPS)
	@mkdir -p $$(@D)
	$3 $$(TEST_CFLAGS) $4 -I$5 -I$(TOP)/common/support -o $$@ $2
endef
$(foreach c,gcc clang,$(eval $(call wait_hostile,$(WAIT_BUILD)/test-wait-pingpong-$c,$(WAIT_SRC)/test_wait_pingpong.c,$(subst gcc,$$(CC),$c),-DWAIT_PINGPONG_ITEMS=$$(WAIT_PINGPONG_ITEMS),$(WAIT_STAGE))))
$(foreach c,gcc clang,$(eval $(call wait_hostile,$(WAIT_BUILD)/test-wait-inject-$c,$(WAIT_SRC)/test_wait_inject.c,$(subst gcc,$$(CC),$c),$$(ASAN_FLAGS),$(WAIT_STAGE))))
$(foreach c,gcc clang,$(eval $(call wait_hostile,$(WAIT_BUILD)/test-wait-deadline-$c,$(WAIT_SRC)/test_wait_deadline.c,$(subst gcc,$$(CC),$c),,$(WAIT_STAGE))))
$(eval $(call wait_hostile,$(WAIT_BUILD)/fuzz-wait,$(WAIT_SRC)/fuzz_wait.c,$$(CC),$$(ASAN_FLAGS),$(WAIT_STAGE)))

test-wait-pingpong: $(WAIT_BUILD)/test-wait-pingpong-gcc $(WAIT_BUILD)/test-wait-pingpong-clang
	@echo "== spsc_wait.h in a ping-pong over two queues: both orderings, capacities 1 and 64 ($(WAIT_PINGPONG_ITEMS) items each way per run; $(CC), then clang)"
	@for t in $^; do $$t || exit 1; done
test-wait-inject: $(WAIT_BUILD)/test-wait-inject-gcc $(WAIT_BUILD)/test-wait-inject-clang
	@echo "== spsc_wait.h with every kernel call made to fail, under AddressSanitizer + UBSan ($(CC), then clang)"
	@for t in $^; do $(SANITIZED) clean $$t || exit 1; done
test-wait-deadline: $(WAIT_BUILD)/test-wait-deadline-gcc $(WAIT_BUILD)/test-wait-deadline-clang
	@echo "== spsc_wait.h's deadlines: malformed, spurious returns, the overshoot ($(CC), then clang)"
	@for t in $^; do $$t || exit 1; done
fuzz-wait: $(WAIT_BUILD)/fuzz-wait
	@echo "== spsc_wait.h fuzzed: random rounds under AddressSanitizer + UBSan, $(WAIT_FUZZ_SECONDS) s"
	@$(SANITIZED) clean $< $(WAIT_FUZZ_SECONDS)
# make fuzz fuzzes the sleeper too, for FUZZ_SECONDS.
fuzz: fuzz-wait

# Their negative controls: the planted bugs of
# common/variants/stage5-waitfree/planted-wait-*.patch, each built into the
# test that must catch it, run on the case that shows it, and required to
# print what the test prints when it catches a bug.
WAIT_PLANTED = $(call variant_dir,stage5-waitfree,planted-wait-$1)
$(foreach p,no-swap abort early no-wake-retry lax-deadline,$(eval $(call WAIT_PLANTED,$p)/extensions/wait/spsc_wait.h: $(call WAIT_PLANTED,$p)/spsc.h))
$(eval $(call wait_hostile,$(WAIT_BUILD)/planted/pingpong-no-swap,$(WAIT_SRC)/test_wait_pingpong.c,$$(CC),,$(call WAIT_PLANTED,no-swap)))
$(foreach p,abort early no-wake-retry,$(eval $(call wait_hostile,$(WAIT_BUILD)/planted/inject-$p,$(WAIT_SRC)/test_wait_inject.c,$$(CC),$$(ASAN_FLAGS),$(call WAIT_PLANTED,$p))))
$(eval $(call wait_hostile,$(WAIT_BUILD)/planted/fuzz-lax-deadline,$(WAIT_SRC)/fuzz_wait.c,$$(CC),$$(ASAN_FLAGS),$(call WAIT_PLANTED,lax-deadline)))

test-wait-pingpong-control: $(WAIT_BUILD)/planted/pingpong-no-swap
	@$(SANITIZED) report 'FAILED: no progress for 2 s, a lost wake-up' $< 2000 2
test-wait-inject-control: $(addprefix $(WAIT_BUILD)/planted/inject-,abort early no-wake-retry)
	@$(SANITIZED) report 'membarrier ENOMEM once.*FAILED: killed by signal 6' $(WAIT_BUILD)/planted/inject-abort 'membarrier ENOMEM once'
	@$(SANITIZED) report 'FAILED: a 20 ms wait on an empty queue returned 0, errno 110 .*BEFORE its deadline' \
		$(WAIT_BUILD)/planted/inject-early 'membarrier ENOMEM always'
	@$(SANITIZED) report 'futex-wake EINVAL.*FAILED: no progress for 2 s, a lost wake-up' \
		$(WAIT_BUILD)/planted/inject-no-wake-retry 'futex-wake EINVAL' 2
fuzz-wait-control: $(WAIT_BUILD)/planted/fuzz-lax-deadline
	@$(SANITIZED) report 'FAILED: .*a malformed deadline (was taken|gave errno)' $< 10 1
