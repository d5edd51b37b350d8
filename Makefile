# spsc-ladder: five SPSC queues, one contract, one test suite, one benchmark.
# `make help` lists the targets; common/README.md says what each folder of
# common/ holds.

# The ladder, in order. This is the only list of the stages: every target,
# script and table takes it from here. Override it to test or measure a
# subset, or a new rung: make test STAGES="stage3-atomics stage5-waitfree".
# Ratios "against stage 1" are against the first stage listed.
STAGES := stage1-mutex stage2-ring stage3-atomics stage4-cache-padded stage5-waitfree
TOP    := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD  := $(TOP)/build

CC      ?= cc
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Werror
# Every tool in common/ finds what it shares here, and the queue through -I<its folder>.
COMMON_INC := -I$(TOP)/common/support -I$(TOP)/common/test

.PHONY: all help deps deps-check check check-lint format format-check clean

all: $(addprefix $(BUILD)/test/,$(STAGES)) $(addprefix $(BUILD)/tsan/,$(STAGES))

help:
	@echo 'The three tiers:'
	@echo '  make test          every stage: contract, stage and stress tests, tsan, asan and their negative controls'
	@echo '                     (needs a C compiler, Criterion, pkg-config and patch; installs them if missing)'
	@echo '  make check         make test, then everything else that can fail: the attacks, the spin models,'
	@echo '                     the extensions, AArch64 under qemu, clang -Werror, formatting, diagrams, links'
	@echo '  make bench-all     the progression benchmark into notes/results/latest/ (bench-quick: small sizes)'
	@echo 'Reading the ladder:'
	@echo '  make diff STAGE=N  stage N against stage N-1, the lesson of stage N'
	@echo '  make demo-race     ThreadSanitizer catching the deliberately broken stage 3'
	@echo '  make demo-reorder  the one reordering x86 does (store buffering), counted on this machine'
	@echo '  make asm, diff-asm, layout STAGE=N; make figures, recompute   machine code, cache lines, diagrams, the notes checked (make read-help)'
	@echo '  make -C stageN-... test   one stage only; STAGES="..." any target on a subset of the ladder'
	@echo 'The rest:'
	@echo '  make bench-record  promote notes/results/latest/ into the reference and the README tables'
	@echo '  make bench-experiments, bench-stage5-variants   orderings, padding, reloads; stage 5 one change at a time'
	@echo '  make topology      the CPU pairs of this machine, where each sits, and the probe on each over time'
	@echo '  make bench-shapes  every stage with work on one side, bursts, paced load, under spin and batch'
	@echo '  make bench-peers   stage 5 beside ck_ring, Boost.Lockfree, moodycamel, DPDK (installs them)'
	@echo '  make bench-shapes-peers   the same peers in the load shapes'
	@echo '  make bench-wait    extension spsc_wait.h: fence vs membarrier vs moodycamel (stage5-waitfree/extensions/wait/)'
	@echo '  make demo-ipc      extension spsc_shm.h: two processes, two threads, Boost message_queue (make ipc-help)'
	@echo '  make tsan, asan    the sanitizer runs alone'
	@echo '  make fuzz, soak, model, memcheck   the stages under attack (make abuse-help)'
	@echo '  make variants      the one-change copies of the stages (seq_cst, broken publish, ...) in build/variants/'
	@echo '  make format        clang-format every C file in place (format-check: only check)'
	@echo '  make deps          install every package make check needs (deps-test, deps-bench, ...: one tier)'
	@echo '  make clean         remove build/'

# ---------------------------------------------------------------- dependencies
# Debian packages, by what needs them. Each fragment names its own list with
# $(call deps_for,NAME,PACKAGES), which makes the target deps-NAME; a target
# depends on the deps-NAME of what it runs, so it installs what it needs and
# no more. `make deps` installs what `make check` needs: every list.
ALL_PKGS :=
define deps_for
ALL_PKGS += $2
.PHONY: deps-$1
deps-$1:
	@sh $(TOP)/common/support/deps.sh $2
endef
# The clang build and the formatting check of `make check`.
$(eval $(call deps_for,lint,clang clang-format))
deps deps-check:
	@sh $(TOP)/common/support/deps.sh $(sort $(ALL_PKGS))

FORMAT_FILES = $(wildcard $(TOP)/common/*/*.c $(TOP)/common/*/*.h \
	$(TOP)/common/peers/*.hpp $(TOP)/common/peers/*/*.c $(TOP)/common/peers/*/*.h $(TOP)/common/peers/*/*.cpp \
	$(foreach s,$(STAGES),$(TOP)/$s/*.c $(TOP)/$s/*.h $(addprefix $(TOP)/$s/extensions/*/*.,c h cpp)))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------- the tiers
# make test    the student's tier: every stage's contract suite and stress
#              tests, ThreadSanitizer and ASan/UBSan with their negative
#              controls (common/test/test.mk). A compiler, Criterion,
#              pkg-config and patch: nothing else.
# make check   make test, then everything else that can fail: each fragment
#              adds its part (a check-NAME target) to CHECK_PARTS. CI runs it.
# The benchmarks (make bench-all, ...) are the third: they measure, and
# check only that their outputs exist and parse.
CHECK_PARTS := check-lint
check: deps-check
	@start=$$(date +%s); $(MAKE) --no-print-directory test || exit 1; \
	 for part in $(CHECK_PARTS); do $(MAKE) --no-print-directory $$part || exit 1; done; \
	 echo "== make check: make test and $(words $(CHECK_PARTS)) parts ($(CHECK_PARTS)) passed in $$(($$(date +%s) - start)) s"
check-lint: deps-lint
	@echo "== every test and benchmark binary built with clang, -Werror"
	@$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang all bench >/dev/null
	@$(MAKE) --no-print-directory format-check

# The rest, one fragment per folder of common/ (variants first: the others
# build on its variant_dir), then stage 5's extensions, each in its folder.
include $(TOP)/common/variants/variants.mk
include $(TOP)/common/test/test.mk
include $(TOP)/common/bench/bench.mk
include $(TOP)/common/peers/peers.mk
include $(TOP)/common/abuse/abuse.mk
include $(TOP)/common/read/read.mk
include $(TOP)/common/test/topology.mk
# Stage 5's extensions, each in its folder with its own fragment.
include $(TOP)/stage5-waitfree/extensions/shm/shm.mk
include $(TOP)/stage5-waitfree/extensions/wait/wait.mk
include $(TOP)/stage5-waitfree/extensions/claim/claim.mk
include $(TOP)/stage5-waitfree/extensions/elem/elem.mk
include $(TOP)/stage5-waitfree/extensions/slot/slot.mk
include $(TOP)/stage5-waitfree/extensions/elem/bench-elem.mk
