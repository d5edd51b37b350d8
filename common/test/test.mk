# common/test/test.mk: `make test` and its parts, included by the top
# Makefile. Uses its STAGES, TOP, BUILD, CC, WARN, COMMON_INC and
# deps_for, and common/variants/variants.mk's variant_dir.
#
#   make test            deps-test, then every stage in STAGES: contract +
#                        stage tests and stress, tsan, asan, and the two
#                        sanitizers' negative controls
#   make check-test      (part of make check) the notes' links and the
#                        AArch64 build and run under qemu
#   make tsan / asan     the sanitizer runs alone
#   make demo-race       ThreadSanitizer catching the broken-publish variant

.PHONY: test tsan asan demo-race negative-control tsan-negative-control asan-negative-control check-links \
	$(addprefix test-,$(STAGES)) $(addprefix contract-,$(STAGES)) \
	$(addprefix tsan-,$(STAGES)) $(addprefix asan-,$(STAGES))

TEST_CFLAGS := -O2 -g $(WARN) -DSPSC_TESTING -pthread
# The tests see every allocation the queues make (and can make one fail):
# common/support/test_alloc.c wraps these at link time.
ALLOC_WRAP  := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=posix_memalign
CRIT_CFLAGS  = $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS    = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

TSAN_FLAGS := -fsanitize=thread
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Items per stress test. make test keeps under two minutes on two cores;
# make check runs the stress tests again with ten times the items, and the
# ThreadSanitizer runs with about three times (check-test:
# CHECK_STRESS_ITEMS, CHECK_TSAN_STRESS_ITEMS). ThreadSanitizer needs
# interleavings, ASan/UBSan only every path, not volume.
STRESS_ITEMS            ?= 1000000
TSAN_STRESS_ITEMS       ?= 300000
ASAN_STRESS_ITEMS       ?= 200000
CHECK_STRESS_ITEMS      ?= 10000000
CHECK_TSAN_STRESS_ITEMS ?= 1000000
# Criterion runs one test at a time: the stress tests want both cores.
CRITERION_ARGS ?= --jobs=1
ASAN_ARGS      := $(CRITERION_ARGS)
# Sanitizer runs are judged by what the sanitizer printed (see the script).
export TSAN_OPTIONS ?= halt_on_error=1 exitcode=66
export ASAN_OPTIONS ?= detect_leaks=1
SANITIZED      := sh $(TOP)/common/test/sanitized-run.sh

TEST_DIR := $(TOP)/common/test
# Each stage's test binary: the contract suite, the two-thread stress code
# and the allocation hooks, the stage's own test_stage.c if any, and the
# tests of each extension header the stage has beside its spsc.h.
TEST_SRCS = $(addprefix $(TEST_DIR)/,test_contract.c stress.c) $(TOP)/common/support/test_alloc.c \
	$(wildcard $(TOP)/$1/test_stage.c) $(wildcard $(TOP)/$1/extensions/bulk/test_bulk.c)
# The ThreadSanitizer runner: the stress code without Criterion, which
# cannot run under TSan (Snaipe/Criterion#274).
TSAN_SRCS  = $(addprefix $(TEST_DIR)/,stress_main.c stress.c)
TEST_HDRS  = $(call stage_headers,$1) $(wildcard $(TEST_DIR)/*.h $(TOP)/common/support/*.h) $(TEST_DIR)/test.mk

# $(call test_binary,output,queue folder,sources,extra flags,stress items,libraries)
define test_binary
$1: $3 $(call TEST_HDRS,$2)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $4 -DSTRESS_ITEMS=$5 -I$2 $(COMMON_INC) -o $$@ $3 $6
endef
CRIT_LINK = $$(CRIT_CFLAGS) $$(ALLOC_WRAP) $$(CRIT_LIBS)

# $(call stage_rules,name,queue folder,contract suite sources): the
# binaries, and contract-, tsan-, asan- and test-<name>. Per stage, and for
# an extension that has the stages' API (slot/).
define stage_rules
$(call test_binary,$(BUILD)/test/$1,$2,$3,,$$(STRESS_ITEMS),$(CRIT_LINK))
$(call test_binary,$(BUILD)/asan/$1,$2,$3,$$(ASAN_FLAGS),$$(ASAN_STRESS_ITEMS),$(CRIT_LINK))
$(call test_binary,$(BUILD)/tsan/$1,$2,$(TSAN_SRCS),$$(TSAN_FLAGS),$$(TSAN_STRESS_ITEMS),)

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
$(foreach s,$(STAGES),$(eval $(call stage_rules,$s,$(TOP)/$s,$(call TEST_SRCS,$s))))

# Negative controls: a sanitizer check that cannot fail proves nothing.
# TSan (make test: the student's tier, they need only the compiler and
# patch): each release/acquire pair of the protocol weakened on one side, in
# every stage that has the variant (common/variants/<stage>/<name>.patch:
# stages 3, 4 and 5), run through the stress runner. Each is a real data
# race on a slot, and the report must name it and nothing else
# (tsan-control.sh --race):
#   broken-publish      the producer's store of tail relaxed (tail: the
#                       consumer's read races the producer's earlier write)
#   relaxed-head-load   the producer's load of head relaxed, and
#   relaxed-head-store  the consumer's store of head relaxed (head, both:
#                       the producer's write races the consumer's earlier read)
# TSan stops at its first report; TSAN_CONTROL_ITEMS items per capacity
# bound a run that finds none.
TSAN_CONTROLS := broken-publish relaxed-head-load relaxed-head-store
tsan_race_broken-publish     := tail
tsan_race_relaxed-head-load  := head
tsan_race_relaxed-head-store := head
TSAN_CONTROL_ITEMS ?= 100000
# stage/name for each variant that exists.
TSAN_CONTROL_PAIRS := $(foreach s,$(STAGES),$(foreach c,$(TSAN_CONTROLS),$(if $(wildcard $(VARIANTS_SRC)/$s/$c.patch),$s/$c)))
tsan_control_bin = $(BUILD)/tsan/variants/$1
TSAN_CONTROL_BINS := $(foreach p,$(TSAN_CONTROL_PAIRS),$(call tsan_control_bin,$(subst /,-,$p)))
# $(call tsan_control_rules,name,queue folder,header,race): the stress
# runner under TSan over the folder, and tsan-control-<name>, which passes
# when TSan reports that race (tail or head) on the header's slot lines and
# no other.
define tsan_control_rules
$(call tsan_control_bin,$1): $2/spsc.h
$(call test_binary,$(call tsan_control_bin,$1),$2,$(TSAN_SRCS),$$(TSAN_FLAGS),$$(TSAN_STRESS_ITEMS),)
.PHONY: tsan-control-$1
tsan-control-$1: $(call tsan_control_bin,$1)
	@sh $(TEST_DIR)/tsan-control.sh --race $4 $3 $$< $$(TSAN_CONTROL_ITEMS)
endef
# stage/name -> tsan-control-<stage>-<name>, over the variant's folder.
tsan_stage_control = $(call tsan_control_rules,$(subst /,-,$1),$(call variant_dir,$(patsubst %/,%,$(dir $1)),$(notdir $1)),$(call variant_dir,$(patsubst %/,%,$(dir $1)),$(notdir $1))/spsc.h,$(tsan_race_$(notdir $1)))
$(foreach p,$(TSAN_CONTROL_PAIRS),$(eval $(call tsan_stage_control,$p)))
# demo-race shows stage 3's broken publish.
BROKEN := $(call tsan_control_bin,stage3-atomics-broken-publish)
# ASan/UBSan: a leak, an overflow and a signed overflow, in the same harness.
ASAN_CONTROL := $(BUILD)/asan/control
$(ASAN_CONTROL): $(TEST_DIR)/asan_control.c $(TEST_DIR)/test.mk
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(ASAN_FLAGS) $(CRIT_CFLAGS) -o $@ $< $(CRIT_LIBS)

tsan-negative-control: $(foreach p,$(TSAN_CONTROL_PAIRS),tsan-control-$(subst /,-,$p))
asan-negative-control: $(ASAN_CONTROL)
	@$(SANITIZED) report 'LeakSanitizer: detected memory leaks;heap-buffer-overflow|insufficient space;signed integer overflow' \
		$< $(ASAN_ARGS)
negative-control: tsan-negative-control asan-negative-control

tsan: $(addprefix tsan-,$(STAGES)) tsan-negative-control
asan: $(addprefix asan-,$(STAGES)) asan-negative-control

demo-race: $(BROKEN) $(call variant_dir,stage3-atomics,broken-publish)/spsc.h
	@echo "== stage3-atomics with common/variants/stage3-atomics/broken-publish.patch: tail is published with a relaxed store."
	@echo "== ThreadSanitizer reports the race this opens on a slot: the producer's write, the consumer's read."
	@$< 100000 2>&1 | sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p'

# Every relative link in the notes, the READMEs and the contract resolves.
check-links:
	@sh $(TEST_DIR)/check-links.sh $(TOP)

# The student's tier: needs a C compiler, Criterion, pkg-config and patch
# (the variants of the TSan control), nothing else.
$(eval $(call deps_for,test,libcriterion-dev pkg-config patch))
# Every binary first, both cores compiling; then the runs, one at a time.
TEST_BINS = $(foreach d,test tsan asan,$(addprefix $(BUILD)/$d/,$(STAGES))) \
	$(TSAN_CONTROL_BINS) $(ASAN_CONTROL)
test: deps-test
	@start=$$(date +%s); $(MAKE) --no-print-directory -j2 $(TEST_BINS) >/dev/null || exit 1; \
	 $(MAKE) --no-print-directory $(addprefix contract-,$(STAGES)) tsan asan || exit 1; \
	 echo "== make test: $(words $(STAGES)) stages ($(STAGES)): contract, stage and stress tests, tsan, asan and their negative controls passed in $$(($$(date +%s) - start)) s"

CHECK_PARTS += check-test
check-test:
	@$(MAKE) --no-print-directory check-links
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/long STRESS_ITEMS=$(CHECK_STRESS_ITEMS) CRITERION_ARGS="$(CRITERION_ARGS) --filter=stress/*" \
		TSAN_STRESS_ITEMS=$(CHECK_TSAN_STRESS_ITEMS) $(addprefix contract-,$(STAGES)) $(addprefix tsan-,$(STAGES))
	@$(MAKE) --no-print-directory test-arm64 ARM64_STRESS_ITEMS=$(CHECK_ARM64_STRESS_ITEMS)
CHECK_ARM64_STRESS_ITEMS ?= 200000

# ---------------------------------------------------------------- AArch64
# make test-arm64: every stage's contract suite and stress runner, built
# for AArch64 with the cross compiler (-static, -Werror) and run under
# qemu-aarch64. Criterion cannot be installed for arm64 beside the amd64
# one (its libnanomsg is not multi-arch co-installable), so the contract
# suite is compiled against common/test/plain/, a Criterion-free runner of
# the same Test() cases. QEMU's user mode runs the code on this x86 host,
# whose stronger ordering leaks through: this shows that every stage builds
# and behaves on AArch64, not that its orderings are right there (the weak
# memory model of `make model` does that part).
ARM64_CC      := aarch64-linux-gnu-gcc
ARM64_RUN     := qemu-aarch64
ARM64_PKGS    := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
ARM64_CFLAGS  := -O2 -g $(WARN) -DSPSC_TESTING -pthread -static
ARM64_STRESS_ITEMS ?= 1000000
ARM64_DIR     := $(BUILD)/arm64

.PHONY: test-arm64 $(addprefix test-arm64-,$(STAGES))
# $(call arm64_rules,name,queue folder,contract suite sources): test-arm64-<name>.
define arm64_rules
$(ARM64_DIR)/contract-$1: $3 $(TEST_DIR)/plain/runner.c $(call TEST_HDRS,$2) $(wildcard $(TEST_DIR)/plain/*/*.h)
	@mkdir -p $$(@D)
	$(ARM64_CC) $(ARM64_CFLAGS) -DSTRESS_ITEMS=$$(ARM64_STRESS_ITEMS) -I$(TEST_DIR)/plain -I$2 $(COMMON_INC) \
		-o $$@ $3 $(TEST_DIR)/plain/runner.c $$(ALLOC_WRAP)
$(ARM64_DIR)/stress-$1: $(TSAN_SRCS) $(call TEST_HDRS,$2)
	@mkdir -p $$(@D)
	$(ARM64_CC) $(ARM64_CFLAGS) -DSTRESS_ITEMS=$$(ARM64_STRESS_ITEMS) -I$2 $(COMMON_INC) -o $$@ $(TSAN_SRCS)
test-arm64-$1: $(ARM64_DIR)/contract-$1 $(ARM64_DIR)/stress-$1
	@echo "== $1 on AArch64 (qemu-aarch64): $$$$(file -b $$< | cut -d, -f1-2)"
	@$(ARM64_RUN) $(ARM64_DIR)/contract-$1
	@$(ARM64_RUN) $(ARM64_DIR)/stress-$1 | tail -n 1
endef
$(foreach s,$(STAGES),$(eval $(call arm64_rules,$s,$(TOP)/$s,$(call TEST_SRCS,$s))))

$(eval $(call deps_for,arm64,$(ARM64_PKGS) file))
test-arm64: deps-arm64
	@$(MAKE) --no-print-directory $(addprefix test-arm64-,$(STAGES))
	@echo "== AArch64: $(words $(STAGES)) stages built static with $(ARM64_CC) -Werror and passed under $(ARM64_RUN)"
