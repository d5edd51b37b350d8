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

.PHONY: all help deps format format-check clean

all: $(addprefix $(BUILD)/test/,$(STAGES)) $(addprefix $(BUILD)/tsan/,$(STAGES))

help:
	@echo 'make test            deps, then every stage: contract + stage tests, tsan, asan, the attacks, negative controls'
	@echo 'make bench-all       deps, then the progression benchmark into notes/results/latest/'
	@echo 'make bench-quick     the same pipeline on small sizes (under a minute)'
	@echo 'make bench-record    promote notes/results/latest/ into the reference and the README tables'
	@echo 'make bench-experiments  orderings, padding, reload and futex counts the notes quote'
	@echo 'make bench-peers     stage 5 beside ck_ring, Boost.Lockfree, moodycamel, DPDK (installs them)'
	@echo 'make bench-stage5-variants  stage 5 with one change at a time: what makes it fast or slow'
	@echo 'make bench-wait      stage 5 extension spsc_wait.h: fence vs membarrier vs moodycamel (targets: common/wait/wait.mk)'
	@echo 'make demo-ipc        stage 5 extension spsc_shm.h: two processes beside two threads and Boost message_queue (make ipc-help)'
	@echo 'make tsan            stress tests of every stage under ThreadSanitizer'
	@echo 'make asan            every test of every stage under AddressSanitizer + UBSan'
	@echo 'make demo-race       show ThreadSanitizer catching the deliberately broken stage 3'
	@echo 'make diff STAGE=N    stage N against stage N-1, the lesson of stage N'
	@echo 'make asm, diff-asm, layout STAGE=N; make figures   the machine code, the cache lines, the diagrams (make read-help)'
	@echo 'make variants        the one-change copies of the stages (seq_cst, broken publish, ...) in build/variants/'
	@echo 'make format          clang-format every C file in place (format-check: only check)'
	@echo 'make fuzz, soak, model, memcheck   the stages under attack (make abuse-help lists them)'
	@echo 'make deps            install missing packages (apt-get) or print the command'
	@echo 'make clean           remove build/'
	@echo 'make -C stageN-... test   one stage only'
	@echo 'STAGES="..."         any target on a subset of the ladder, or with a new rung (see the Makefile)'

# ---------------------------------------------------------------- dependencies
# Debian packages: tests (libcriterion-dev, pkg-config), charts (gnuplot-nox),
# instruction counts (valgrind), the variants (patch); the fragments below add theirs.
DEPS_PKGS := libcriterion-dev pkg-config gnuplot-nox valgrind patch
deps:
	@sh $(TOP)/common/support/deps.sh $(DEPS_PKGS)

FORMAT_FILES = $(wildcard $(TOP)/common/*/*.c $(TOP)/common/*/*.h \
	$(TOP)/common/peers/*.hpp $(TOP)/common/peers/*/*.c $(TOP)/common/peers/*/*.h $(TOP)/common/peers/*/*.cpp \
	$(foreach s,$(STAGES),$(TOP)/$s/*.c $(TOP)/$s/*.h))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)

# The rest, one fragment per folder of common/ (variants first: the others
# build on its variant_dir).
include $(TOP)/common/variants/variants.mk
include $(TOP)/common/test/test.mk
include $(TOP)/common/bench/bench.mk
include $(TOP)/common/peers/peers.mk
include $(TOP)/common/abuse/abuse.mk
include $(TOP)/common/read/read.mk
include $(TOP)/common/ipc/ipc.mk
include $(TOP)/common/wait/wait.mk
