# common/abuse/abuse.mk: the stages under attack, included by the top
# Makefile. Uses its STAGES, TOP, BUILD, WARN, COMMON_INC and deps_for; test.mk's TEST_CFLAGS, ALLOC_WRAP, CRIT_CFLAGS, CRIT_LIBS,
# SANITIZED and TSAN_FLAGS; bench.mk's BENCH_DIR; variants.mk's variant_dir.
# Every check here can fail, and each has a negative control that proves it
# (abuse-controls, and inside `make model`).
#
#   make fuzz FUZZ_SECONDS=N   differential fuzzing against a model, N s a stage (30)
#   make soak SOAK_SECONDS=N   two threads, random bursts, N s a stage (60)
#   make model                 spin model-checks the stage 5 protocol (sc and weak memory), and its broken variants
#   make model-quick           the same at the smaller capacities (about a minute)
#   make memcheck              valgrind over the single-thread tests of every stage
#   make abuse-controls        planted bugs the fuzzer, the soak and memcheck must catch
#   make soak-tsan             a short soak of every stage under ThreadSanitizer
#   make driver-flags-test     hostile command lines for the benchmark driver
#   make abuse-help            this list
# `make check` runs check-abuse: the controls, a TSan soak, the driver's
# flags, the whole model, and short forms of the fuzzer, soak and memcheck.

.PHONY: fuzz soak soak-tsan model model-quick memcheck abuse-controls memcheck-control size-control driver-flags-test abuse-help \
	$(addprefix fuzz-,$(STAGES)) $(addprefix soak-,$(STAGES)) $(addprefix soak-tsan-,$(STAGES)) \
	$(addprefix memcheck-,$(STAGES))

# spin for the model; clang and its runtime libraries (libFuzzer) for the fuzzer.
$(eval $(call deps_for,abuse,spin clang libclang-rt-dev valgrind libcriterion-dev pkg-config patch))
CHECK_PARTS += check-abuse
CHECK_FUZZ_SECONDS ?= 10
CHECK_SOAK_SECONDS ?= 10
check-abuse: deps-abuse
	@$(MAKE) --no-print-directory soak-tsan driver-flags-test abuse-controls model
	@$(MAKE) --no-print-directory fuzz soak memcheck FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) SOAK_SECONDS=$(CHECK_SOAK_SECONDS)

ABUSE_SRC := $(TOP)/common/abuse
ABUSE := $(BUILD)/abuse
FUZZ_SECONDS      ?= 30
SOAK_SECONDS      ?= 60
SOAK_TSAN_SECONDS ?= 2
# Spin's ring sizes: under sequential consistency each is checked for
# safety and for livelock; under the weak memory model, for safety.
MODEL_CAPS        ?= 1 2 4 8
MODEL_WEAK_CAPS   ?= 1 2 4
MODEL_QUICK_CAPS      ?= 1 2 4
MODEL_QUICK_WEAK_CAPS ?= 1 2
# Criterion workers under valgrind at once.
MEMCHECK_JOBS     ?= 2

abuse-help:
	@sed -n '/^#   make/s/^#   //p' $(ABUSE_SRC)/abuse.mk

# ---------------------------------------------------------------- fuzzing
# clang only: libFuzzer. The harness also links the tests' allocator wraps,
# to make allocations fail on request and count them.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(WARN) -DSPSC_TESTING -pthread
FUZZ_SRCS   := $(ABUSE_SRC)/fuzz_queue.c $(TOP)/common/support/test_alloc.c
FUZZ_DEPS   := $(FUZZ_SRCS) $(wildcard $(TOP)/common/support/*.h) $(ABUSE_SRC)/abuse.mk
FUZZ_SEEDS  := $(ABUSE_SRC)/fuzz-corpus
FUZZ_RUN    := sh $(ABUSE_SRC)/fuzz-run.sh

# $(call fuzz_binary,binary,folder with spsc.h)
define fuzz_binary
$1: $(FUZZ_DEPS) $2/spsc.h $(call stage_headers,$2)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -I$2 $(COMMON_INC) -o $$@ $(FUZZ_SRCS) $$(ALLOC_WRAP)
endef

# ---------------------------------------------------------------- soak
# The soak is built like the tests (-O2 -g -DSPSC_TESTING: the counters can
# start below SIZE_MAX), and again with ThreadSanitizer.
SOAK_DEPS := $(ABUSE_SRC)/soak.c $(wildcard $(TOP)/common/support/*.h) $(ABUSE_SRC)/abuse.mk

# $(call soak_binary,binary,folder with spsc.h,extra flags)
define soak_binary
$1: $(SOAK_DEPS) $2/spsc.h $(call stage_headers,$2)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $3 -I$2 $(COMMON_INC) -o $$@ $(ABUSE_SRC)/soak.c
endef

# $(call abuse_rules,name,queue folder): fuzz-, soak-, soak-tsan- and
# memcheck-<name> (the last over test.mk's build/test/<name>). Per stage,
# and for an extension that has the stages' API (slot/).
define abuse_rules
$(call fuzz_binary,$(ABUSE)/fuzz/$1,$2)
$(call soak_binary,$(ABUSE)/soak/$1,$2,)
$(call soak_binary,$(ABUSE)/soak-tsan/$1,$2,$$(TSAN_FLAGS))

fuzz-$1: $(ABUSE)/fuzz/$1
	@echo "== $1: differential fuzzing against the model, $$(FUZZ_SECONDS) s"
	@$$(FUZZ_RUN) clean $$(FUZZ_SECONDS) $$< $(ABUSE)/fuzz/$1.work $(FUZZ_SEEDS)
soak-$1: $(ABUSE)/soak/$1
	@echo "== $1: soak, $$(SOAK_SECONDS) s"
	@$$< --seconds $$(SOAK_SECONDS)
soak-tsan-$1: $(ABUSE)/soak-tsan/$1
	@echo "== $1: soak under ThreadSanitizer, $$(SOAK_TSAN_SECONDS) s"
	@$$(SANITIZED) clean $$< --seconds $$(SOAK_TSAN_SECONDS) --quiet
memcheck-$1: $(BUILD)/test/$1
	@echo "== $1: valgrind memcheck over the single-thread tests"
	@sh $(ABUSE_SRC)/memcheck-run.sh clean $(ABUSE)/memcheck/$1 $$< --filter='!(stress/*)' --jobs=$$(MEMCHECK_JOBS)
endef
$(foreach s,$(STAGES),$(eval $(call abuse_rules,$s,$(TOP)/$s)))

# Sequential, one stage after the other: each wants both cores. Packages first.
fuzz: deps-abuse
	@$(MAKE) --no-print-directory $(addprefix fuzz-,$(STAGES))
soak: deps-abuse
	@$(MAKE) --no-print-directory $(addprefix soak-,$(STAGES))
soak-tsan: $(addprefix soak-tsan-,$(STAGES))
memcheck: deps-abuse
	@$(MAKE) --no-print-directory $(addprefix memcheck-,$(STAGES))

# ---------------------------------------------------------------- model checking
model: deps-abuse
	@echo "== the stage 5 protocol under spin: sc at capacities $(MODEL_CAPS), weak at $(MODEL_WEAK_CAPS), then the controls"
	@sh $(ABUSE_SRC)/model/check.sh $(ABUSE)/model $(ABUSE_SRC)/model/spsc5.pml "$(MODEL_CAPS)" "$(MODEL_WEAK_CAPS)"
model-quick: deps-abuse
	@echo "== the stage 5 protocol under spin (short form): sc at capacities $(MODEL_QUICK_CAPS), weak at $(MODEL_QUICK_WEAK_CAPS), then the controls"
	@sh $(ABUSE_SRC)/model/check.sh $(ABUSE)/model $(ABUSE_SRC)/model/spsc5.pml "$(MODEL_QUICK_CAPS)" "$(MODEL_QUICK_WEAK_CAPS)"

# ---------------------------------------------------------------- the benchmark driver's flags
BENCH_MAIN_BINS := $(foreach s,$(STAGES),$(BENCH_DIR)/bench-$s)
driver-flags-test: $(BENCH_MAIN_BINS)
	@sh $(ABUSE_SRC)/driver-flags-test.sh $^
	@# The test must be able to fail: a "driver" that accepts everything.
	@if sh $(ABUSE_SRC)/driver-flags-test.sh true >/dev/null 2>&1; then \
		echo "== negative control FAILED: driver-flags-test passed a program that accepts every flag" >&2; exit 1; \
	else echo "== negative control: driver-flags-test refused a program that accepts every flag, as it must"; fi

# ---------------------------------------------------------------- negative controls
# Planted bugs in a copy of stage 5: common/variants/stage5-waitfree/planted-<bug>.patch,
# applied at build time (the stage folder never holds a broken header; a
# patch that no longer applies fails the build rather than test the
# correct queue). Each patch's first lines say what it breaks:
#   stale-tail  the consumer trusts a reloaded tail without testing it again
#   overfill    the producer trusts a reloaded head without testing it again
#   leak        spsc_destroy forgets the slots (the fuzzer's leak check)
#   bulk-wrap   spsc_try_pop_n forgets the second run of a wrapped batch
#               (the fuzzer only: the soak moves items one at a time)
#   no-clamp    spsc_size returns tail - head unclamped (the contract
#               suite's third-thread size test: size-control below)
# planted_catch_<bug>: what the fuzzer's report must say.
PLANTED := stale-tail overfill leak bulk-wrap
planted_catch_stale-tail := DIVERGENCE.*pop succeeded on an empty queue
planted_catch_overfill   := DIVERGENCE.*succeeded on a full queue
planted_catch_leak       := ERROR: LeakSanitizer: detected memory leaks
planted_catch_bulk-wrap  := DIVERGENCE.*pop_n gave item
planted_dir = $(call variant_dir,stage5-waitfree,planted-$1)

$(foreach b,$(PLANTED),$(eval $(call fuzz_binary,$(ABUSE)/planted/fuzz/stage5-$b,$(call planted_dir,$b))))
$(foreach b,$(PLANTED),$(eval $(call soak_binary,$(ABUSE)/planted/soak/stage5-$b,$(call planted_dir,$b),)))

# Each control must be caught within 10 s (in practice: at once). The fuzzer
# starts from an empty corpus: it must find the bug, not be handed it.
fuzz-control-%: $(ABUSE)/planted/fuzz/stage5-%
	@rm -rf $<.work
	@$(FUZZ_RUN) 'control=$(planted_catch_$*)' 10 $< $<.work
soak-control-%: $(ABUSE)/planted/soak/stage5-%
	@out=$$($< --seconds 10 --quiet 2>&1); status=$$?; \
	if [ $$status -eq 1 ] && echo "$$out" | grep -q '^soak: FAILED [^ ]* capacity [0-9]* .*position [0-9]*'; then \
		echo "== negative control: the soak caught the planted bug $*, as it must:"; echo "   $$out"; \
	else echo "$$out" >&2; echo "== negative control FAILED: the soak did not catch the planted bug $* (exit $$status)" >&2; \
		echo "== a clean \`make soak\` can no longer be trusted" >&2; exit 1; fi

# memcheck: the sanitizers' control program, built without sanitizers.
MEMCHECK_CONTROL := $(ABUSE)/memcheck-control
$(MEMCHECK_CONTROL): $(TOP)/common/test/asan_control.c $(ABUSE_SRC)/abuse.mk
	@mkdir -p $(@D)
	$(CC) -O0 -g $(WARN) $(CRIT_CFLAGS) -o $@ $< $(CRIT_LIBS)
memcheck-control: $(MEMCHECK_CONTROL)
	@sh $(ABUSE_SRC)/memcheck-run.sh control $(ABUSE)/memcheck/control $< --jobs=1

# The contract suite's spsc_size test, run by a third thread while both
# sides move, must catch a size that lost its clamp.
SIZE_CONTROL := $(ABUSE)/planted/contract/stage5-no-clamp
$(SIZE_CONTROL): $(call planted_dir,no-clamp)/spsc.h
$(eval $(call test_binary,$(SIZE_CONTROL),$(call planted_dir,no-clamp),$(call TEST_SRCS,stage5-waitfree),,$$(CHECK_STRESS_ITEMS),$(CRIT_LINK)))
# The race is a window of a few instructions: up to 5 runs of the two tests.
size-control: $(SIZE_CONTROL)
	@for run in 1 2 3 4 5; do \
		out=$$($< --filter='stress/size_from_a_third_thread*' 2>&1); status=$$?; \
		if [ $$status -ne 0 ] && echo "$$out" | grep -q 'spsc_size from a third thread gave'; then \
			echo "== negative control: the contract suite caught spsc_size without its clamp (run $$run of at most 5), as it must:"; \
			echo "$$out" | grep -o 'spsc_size from a third thread gave[^"]*' | head -n 1 | sed 's/^/   /'; exit 0; \
		fi; \
	done; echo "$$out" >&2; \
	echo "== negative control FAILED: the third-thread spsc_size test passed a size without its clamp, 5 times" >&2; exit 1

abuse-controls: $(addprefix fuzz-control-,$(PLANTED)) soak-control-stale-tail soak-control-overfill memcheck-control size-control
