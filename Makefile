# spsc-ladder: five SPSC queues, one contract, one test suite, one benchmark.
# `make help` lists the targets.

STAGES := stage1-mutex stage2-ring stage3-atomics stage4-cache-padded stage5-waitfree
TOP    := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD  := $(TOP)/build

CC      ?= cc
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Werror
TEST_CFLAGS := -O2 -g $(WARN) -DSPSC_TESTING -pthread
# The tests see every allocation the queues make (and can make one fail):
# common/test_alloc.c wraps these at link time.
ALLOC_WRAP  := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=posix_memalign
CRIT_CFLAGS  = $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS    = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

TSAN_FLAGS := -fsanitize=thread
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Items per stress test: full volume normally; sanitizers need interleavings, not volume.
STRESS_ITEMS      ?= 10000000
TSAN_STRESS_ITEMS ?= 1000000
ASAN_STRESS_ITEMS ?= 1000000
# Criterion runs one test at a time: the stress tests want both cores.
CRITERION_ARGS ?= --jobs=1
ASAN_ARGS      := $(CRITERION_ARGS)
# Sanitizer runs are judged by what the sanitizer printed (see the script).
export TSAN_OPTIONS ?= halt_on_error=1 exitcode=66
export ASAN_OPTIONS ?= detect_leaks=1
SANITIZED      := sh $(TOP)/common/sanitized-run.sh

.PHONY: all test tsan asan demo-race negative-control tsan-negative-control asan-negative-control diff format format-check clean deps help \
	$(addprefix test-,$(STAGES)) $(addprefix contract-,$(STAGES)) \
	$(addprefix tsan-,$(STAGES)) $(addprefix asan-,$(STAGES))

all: $(addprefix $(BUILD)/test/,$(STAGES)) $(addprefix $(BUILD)/tsan/,$(STAGES))

help:
	@echo 'make test            deps, then every stage: contract + stage tests, tsan, asan, negative control'
	@echo 'make bench-all       deps, then the progression benchmark into notes/results/latest/'
	@echo 'make bench-quick     the same pipeline on small sizes (under a minute)'
	@echo 'make bench-record    promote notes/results/latest/ to the reference and the README tables'
	@echo 'make bench-experiments  orderings, padding, reload and futex counts the notes quote'
	@echo 'make bench-peers     stage 5 beside ck_ring, Boost.Lockfree, moodycamel, DPDK (installs them)'
	@echo 'make bench-stage5-variants  stage 5 with one change at a time: what makes it fast or slow'
	@echo 'make tsan            stress tests of every stage under ThreadSanitizer'
	@echo 'make asan            every test of every stage under AddressSanitizer + UBSan'
	@echo 'make demo-race       show ThreadSanitizer catching the deliberately broken stage 3'
	@echo 'make diff STAGE=N    stage N against stage N-1, the lesson of stage N'
	@echo 'make format          clang-format every C file in place (format-check: only check)'
	@echo 'make fuzz, soak, model, memcheck   the stages under attack (make abuse-help lists them)'
	@echo 'make deps            install missing packages (apt-get) or print the command'
	@echo 'make clean           remove build/'
	@echo 'make -C stageN-... test   one stage only'

# ---------------------------------------------------------------- dependencies
# Debian packages: tests (libcriterion-dev, pkg-config), charts (gnuplot-nox),
# instruction counts (valgrind).
DEPS_PKGS := libcriterion-dev pkg-config gnuplot-nox valgrind
deps:
	@sh $(TOP)/common/deps.sh $(DEPS_PKGS)

# ---------------------------------------------------------------- tests
# Each stage's test binary: the contract suite, the two-thread stress code and
# the allocation hooks from common/, plus the stage's own test_stage.c if any.
TEST_SRCS  = $(addprefix $(TOP)/common/,test_contract.c stress.c test_alloc.c) $(wildcard $(TOP)/$1/test_stage.c)
# The ThreadSanitizer runner: the stress code without Criterion, which
# cannot run under TSan (Snaipe/Criterion#274).
TSAN_SRCS  = $(addprefix $(TOP)/common/,stress_main.c stress.c)
TEST_HDRS  = $(TOP)/$1/spsc.h $(TOP)/common/test_support.h $(TOP)/common/spin.h $(TOP)/Makefile

# $(call test_binary,output,stage,sources,extra flags,stress items,libraries)
define test_binary
$1: $3 $(call TEST_HDRS,$2)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $4 -DSTRESS_ITEMS=$5 -I$(TOP)/$2 -I$(TOP)/common -o $$@ $3 $6
endef
CRIT_LINK = $$(CRIT_CFLAGS) $$(ALLOC_WRAP) $$(CRIT_LIBS)

# Per stage: the binaries, and contract-, tsan-, asan- and test-<stage>.
define stage_rules
$(call test_binary,$(BUILD)/test/$1,$1,$(call TEST_SRCS,$1),,$$(STRESS_ITEMS),$(CRIT_LINK))
$(call test_binary,$(BUILD)/asan/$1,$1,$(call TEST_SRCS,$1),$$(ASAN_FLAGS),$$(ASAN_STRESS_ITEMS),$(CRIT_LINK))
$(call test_binary,$(BUILD)/tsan/$1,$1,$(TSAN_SRCS),$$(TSAN_FLAGS),$$(TSAN_STRESS_ITEMS),)

contract-$1: $(BUILD)/test/$1
	@echo "== $1: contract and stage tests (-O2 -g, $$(STRESS_ITEMS) items per stress test)"
	@$$< $$(CRITERION_ARGS)
tsan-$1: $(BUILD)/tsan/$1
	@echo "== $1: stress tests under ThreadSanitizer ($$(TSAN_STRESS_ITEMS) items per capacity)"
	@$$(SANITIZED) clean $$<
asan-$1: $(BUILD)/asan/$1
	@echo "== $1: every test under AddressSanitizer + UBSan ($$(ASAN_STRESS_ITEMS) items per stress test)"
	@$$(SANITIZED) clean $$< $$(ASAN_ARGS)
test-$1: contract-$1 tsan-$1 asan-$1
endef
$(foreach s,$(STAGES),$(eval $(call stage_rules,$s)))

# Negative controls: a sanitizer check that cannot fail proves nothing.
# TSan: stage 3 with the producer's publish made relaxed (a real data race).
BROKEN := $(BUILD)/tsan/broken-stage3-atomics
$(eval $(call test_binary,$(BROKEN),stage3-atomics,$(TSAN_SRCS),$$(TSAN_FLAGS) -DSPSC_BROKEN_PUBLISH,$$(TSAN_STRESS_ITEMS),))
# ASan/UBSan: a leak, an overflow and a signed overflow, in the same harness.
ASAN_CONTROL := $(BUILD)/asan/control
$(ASAN_CONTROL): $(TOP)/common/asan_control.c $(TOP)/Makefile
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(ASAN_FLAGS) $(CRIT_CFLAGS) -o $@ $< $(CRIT_LIBS)

tsan-negative-control: $(BROKEN)
	@$(SANITIZED) report 'WARNING: ThreadSanitizer: data race' $< 100000
asan-negative-control: $(ASAN_CONTROL)
	@$(SANITIZED) report 'LeakSanitizer: detected memory leaks;heap-buffer-overflow|insufficient space;signed integer overflow' \
		$< $(ASAN_ARGS)
negative-control: tsan-negative-control asan-negative-control

tsan: $(addprefix tsan-,$(STAGES)) tsan-negative-control
asan: $(addprefix asan-,$(STAGES)) asan-negative-control

demo-race: $(BROKEN)
	@echo "== stage3-atomics built with -DSPSC_BROKEN_PUBLISH: tail is published with a relaxed store."
	@echo "== ThreadSanitizer reports the race this opens on a slot: the producer's write, the consumer's read."
	@$< 100000 2>&1 | sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p'

# Fragments included below may add checks to `make test` through TEST_EXTRA.
test: deps
	@$(MAKE) --no-print-directory $(addprefix contract-,$(STAGES))
	@$(MAKE) --no-print-directory tsan asan $(TEST_EXTRA)
	@echo "== all stages: contract, stage tests, tsan, asan, the attacks and every negative control passed"

# ---------------------------------------------------------------- reading the ladder
# The lesson is the header: its diff in full, less any section marked as an
# extension beyond the ladder (stage 5's bulk operations), which is named;
# any other file that differs (the stage's own tests) is named too. FILES=all
# shows everything.
EXTENSION_RANGE := /---- Beyond the ladder/,/---- End of the extension/d
diff:
	@case "$(STAGE)" in 2|3|4|5) ;; *) echo "usage: make diff STAGE=N [FILES=all]  (N = 2..5)" >&2; exit 2;; esac
	@cd $(TOP) && prev=$$(echo $(STAGES) | cut -d' ' -f$$(($(STAGE) - 1))); \
	 cur=$$(echo $(STAGES) | cut -d' ' -f$(STAGE)); \
	 if [ "$(FILES)" = all ]; then what="$$prev $$cur"; else \
		mkdir -p $(BUILD)/diff/$$prev $(BUILD)/diff/$$cur; \
		sed '$(EXTENSION_RANGE)' $$prev/spsc.h >$(BUILD)/diff/$$prev/spsc.h; \
		sed '$(EXTENSION_RANGE)' $$cur/spsc.h >$(BUILD)/diff/$$cur/spsc.h; \
		cd $(BUILD)/diff; what="$$prev/spsc.h $$cur/spsc.h"; fi; \
	 git --no-pager diff --no-index --color=auto $$what; status=$$?; \
	 cd $(TOP); [ "$(FILES)" = all ] || ! grep -q -- '---- Beyond the ladder' $$cur/spsc.h || \
		echo "   also in $$cur/spsc.h: an extension beyond the ladder, left out here (make diff STAGE=$(STAGE) FILES=all)"; \
	 [ "$(FILES)" = all ] || git --no-pager diff --no-index --stat=100 "$$prev" "$$cur" | \
		grep -v 'spsc.h' | sed -n 's/^ *\(.*\) *|.*/   also differs: \1 (make diff STAGE=$(STAGE) FILES=all)/p'; \
	 [ $$status -le 1 ]

FORMAT_FILES = $(wildcard $(TOP)/common/*.c $(TOP)/common/*.h $(TOP)/common/*/*.c $(TOP)/common/*/*.h \
	$(TOP)/common/peers/*.hpp $(TOP)/common/peers/*/*.c $(TOP)/common/peers/*/*.h $(TOP)/common/peers/*/*.cpp $(foreach s,$(STAGES),$(TOP)/$s/*.c $(TOP)/$s/*.h))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)

-include $(TOP)/common/bench.mk
-include $(TOP)/common/abuse.mk
