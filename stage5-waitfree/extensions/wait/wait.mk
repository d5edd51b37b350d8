# stage5-waitfree/extensions/wait/wait.mk: the blocking waits of spsc_wait.h,
# included by the top Makefile. Uses its TOP, BUILD, CC, WARN and deps_for;
# test.mk's TEST_CFLAGS, TSAN_FLAGS and SANITIZED; abuse.mk's spin
# package; bench.mk's BENCH_OPT and BENCH_RESULTS.
#
#   make test-wait          the single-thread checks and the two-thread stress, both orderings (gcc and clang)
#   make test-wait-tsan     the same under ThreadSanitizer, fewer items
#   make model-wait         spin: the sleeper protocol under a store-buffer model, capacities 1 2 4, and its broken variants
#   make model-wait-quick   the same at capacities 1 and 2 (a few seconds)
#   make bench-wait         fence, membarrier, plain stage 5 and moodycamel's blocking ring, into notes/results/latest/wait.md (+ .csv)
#   make bench-wait WAIT_MODE=quick   the same pipeline on small sizes (seconds)
# `make check` runs check-wait: test-wait, test-wait-tsan and model-wait.

.PHONY: test-wait test-wait-tsan model-wait model-wait-quick bench-wait

# spin for the model, clang for the second compiler; g++ and moodycamel's
# headers for the benchmark's peer.
$(eval $(call deps_for,wait,spin clang g++ libreaderwriterqueue-dev patch))
CHECK_PARTS += check-wait
check-wait: deps-wait
	@$(MAKE) --no-print-directory test-wait test-wait-tsan model-wait

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
# TSan must report as a race at the slot or tail between push and pop
# (common/test/tsan-control.sh): the quiet run above is then TSan seeing
# the release/acquire hand-off, not TSan seeing nothing.
WAIT_BROKEN := $(call variant_dir,stage5-waitfree,broken-publish)
$(WAIT_BUILD)/tsan-broken-publish: $(WAIT_BROKEN)/spsc.h
$(eval $(call wait_test,$(WAIT_BUILD)/tsan-broken-publish,$$(CC),$$(TSAN_FLAGS) -I$(WAIT_BROKEN)))
