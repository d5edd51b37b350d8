# stage5-waitfree/extensions/shm/shm.mk: stage 5's ring between two
# processes (spsc_shm.h), included by the top Makefile. Uses its TOP,
# BUILD, CC, WARN, COMMON_INC and deps_for; test.mk's TEST_CFLAGS,
# ASAN_FLAGS and SANITIZED; abuse.mk's FUZZ_CC, FUZZ_CFLAGS and FUZZ_RUN;
# bench.mk's BENCH_OPT and BENCH_RESULTS; variants.mk's variant_dir.
#
#   make ipc-test             the kill test, the hostile tests, a short fuzz, and their negative controls
#   make ipc-kill             SIGKILL a producer at random points, IPC_KILLS times (100)
#   make ipc-kill-control     the kill test must catch a producer that publishes a slot it never wrote
#   make ipc-hostile          hostile segments and a hostile peer, under ASan + UBSan
#   make ipc-hostile-control  the hostile tests must catch a consumer that masks with the segment's capacity
#   make ipc-creator          a hostile creator at every window of attach (shrink, grow, seal, rewrite, take the role)
#   make ipc-creator-control  it must catch an attach that reads the size before the seals
#   make ipc-inject           every system call of spsc_shm.h failed with every errno: documented errno, nothing left
#   make ipc-inject-control   it must catch an attach that leaves a refused role's fd open
#   make fuzz-ipc FUZZ_IPC_SECONDS=N   libFuzzer on spsc_shm_attach (10 s)
#   make fuzz-ipc-control     the fuzzer must catch an attach that reads a header the file is too short for
#   make demo-ipc [IPC_MODE=quick] [IPC_ARGS=...]   processes, threads and Boost message_queue: throughput, round trip, into notes/results/latest/ipc.md (+ .csv)
#   make diff-shm             spsc_shm.h against stage 5's spsc.h
#   make ipc-help             this list
# `make check` runs check-shm: ipc-test.

.PHONY: ipc-test ipc-kill ipc-kill-control ipc-hostile ipc-hostile-control fuzz-ipc fuzz-ipc-control demo-ipc diff-shm \
	ipc-help ipc-creator ipc-creator-control ipc-inject ipc-inject-control

# The Boost adapter of the demo: g++ and Boost.Interprocess (header-only).
$(eval $(call deps_for,shm,clang libclang-rt-dev libboost-dev g++ patch))
CHECK_PARTS += check-shm
check-shm: deps-shm
	@$(MAKE) --no-print-directory ipc-test
	@$(MAKE) --no-print-directory $(IPC_DEMOS) >/dev/null
	@sh $(TOP)/common/abuse/driver-flags-test.sh $(IPC_DEMOS)

IPC_SRC  := $(TOP)/stage5-waitfree/extensions/shm
IPC      := $(BUILD)/ipc
SHM_DIR  := $(TOP)/stage5-waitfree
IPC_KILLS        ?= 100
FUZZ_IPC_SECONDS ?= 10
IPC_INC  := $(COMMON_INC) -I$(IPC_SRC)
# What every binary here depends on, besides its source and the queue folder's headers.
IPC_DEPS := $(wildcard $(TOP)/common/support/*.h) $(IPC_SRC)/guard.h $(IPC_SRC)/check.h $(IPC_SRC)/interpose.h \
	$(IPC_SRC)/shm.mk

# $(call ipc_binary,output,source,queue folder,flags)
define ipc_binary
$1: $2 $3/extensions/shm/spsc_shm.h $3/spsc.h $(IPC_DEPS)
	@mkdir -p $$(@D)
	$$(CC) $4 -I$3 $(IPC_INC) -o $$@ $2
endef
SHM_SKIP := $(call variant_dir,stage5-waitfree,planted-shm-skip)
SHM_MASK := $(call variant_dir,stage5-waitfree,planted-shm-shared-mask)
$(eval $(call ipc_binary,$(IPC)/kill,$(IPC_SRC)/test_shm_kill.c,$(SHM_DIR),$$(TEST_CFLAGS)))
$(eval $(call ipc_binary,$(IPC)/hostile,$(IPC_SRC)/test_shm_hostile.c,$(SHM_DIR),$$(TEST_CFLAGS) $$(ASAN_FLAGS)))
$(eval $(call ipc_binary,$(IPC)/planted/kill-skip,$(IPC_SRC)/test_shm_kill.c,$(SHM_SKIP),$$(TEST_CFLAGS)))
$(eval $(call ipc_binary,$(IPC)/planted/hostile-shared-mask,$(IPC_SRC)/test_shm_hostile.c,$(SHM_MASK),$$(TEST_CFLAGS) $$(ASAN_FLAGS)))
$(SHM_SKIP)/extensions/shm/spsc_shm.h: $(SHM_SKIP)/spsc.h
$(SHM_MASK)/extensions/shm/spsc_shm.h: $(SHM_MASK)/spsc.h
# The creator and injection tests: every system call of spsc_shm.h wrapped at link time (interpose.h).
IPC_WRAP := -Wl,--wrap=memfd_create,--wrap=ftruncate,--wrap=fstat,--wrap=fcntl,--wrap=mmap,--wrap=munmap \
	-Wl,--wrap=open,--wrap=close,--wrap=poll,--wrap=syscall
SHM_SIZE_FIRST := $(call variant_dir,stage5-waitfree,planted-shm-size-first)
SHM_ROLE_LEAK  := $(call variant_dir,stage5-waitfree,planted-shm-role-leak)
$(eval $(call ipc_binary,$(IPC)/creator,$(IPC_SRC)/test_shm_creator.c,$(SHM_DIR),$$(TEST_CFLAGS) $$(ASAN_FLAGS) $(IPC_WRAP)))
$(eval $(call ipc_binary,$(IPC)/inject,$(IPC_SRC)/test_shm_inject.c,$(SHM_DIR),$$(TEST_CFLAGS) $$(ASAN_FLAGS) $(IPC_WRAP)))
$(eval $(call ipc_binary,$(IPC)/planted/creator-size-first,$(IPC_SRC)/test_shm_creator.c,$(SHM_SIZE_FIRST),$$(TEST_CFLAGS) $$(ASAN_FLAGS) $(IPC_WRAP)))
$(eval $(call ipc_binary,$(IPC)/planted/inject-role-leak,$(IPC_SRC)/test_shm_inject.c,$(SHM_ROLE_LEAK),$$(TEST_CFLAGS) $$(ASAN_FLAGS) $(IPC_WRAP)))
$(SHM_SIZE_FIRST)/extensions/shm/spsc_shm.h: $(SHM_SIZE_FIRST)/spsc.h
$(SHM_ROLE_LEAK)/extensions/shm/spsc_shm.h: $(SHM_ROLE_LEAK)/spsc.h

ipc-help:
	@sed -n '/^#   make/s/^#   //p' $(IPC_SRC)/shm.mk

ipc-kill: $(IPC)/kill
	@echo "== spsc_shm.h: $(IPC_KILLS) producers SIGKILLed at random points; the consumer checks every item and must see each death"
	@$< $(IPC_KILLS)
ipc-kill-control: $(IPC)/planted/kill-skip
	@out=$$($< 100 2>&1); status=$$?; \
	if [ $$status -eq 1 ] && echo "$$out" | grep -q 'kill test: FAILED at kill [0-9]*: '; then \
		echo "== negative control: the kill test caught the planted bug shm-skip, as it must:"; echo "   $$out"; \
	else echo "$$out" >&2; echo "== negative control FAILED: the kill test passed a producer that publishes unwritten slots (exit $$status)" >&2; exit 1; fi
ipc-hostile: $(IPC)/hostile
	@echo "== spsc_shm.h: hostile segments and a hostile peer, under AddressSanitizer + UBSan"
	@$(SANITIZED) clean $<
ipc-hostile-control: $(IPC)/planted/hostile-shared-mask
	@$(SANITIZED) report 'SEGV on unknown address|FAILED' $<
ipc-creator: $(IPC)/creator
	@echo "== spsc_shm_attach against a hostile creator at every window between its system calls, under ASan + UBSan"
	@$(SANITIZED) clean $<
ipc-creator-control: $(IPC)/planted/creator-size-first
	@$(SANITIZED) report 'creator: FAILED .*a mapping of [0-9]+ bytes over a file of 4096 bytes' $<
ipc-inject: $(IPC)/inject
	@echo "== spsc_shm.h: every system call failed with every errno its manual lists, under ASan + UBSan"
	@$(SANITIZED) clean $<
ipc-inject-control: $(IPC)/planted/inject-role-leak
	@$(SANITIZED) report 'inject: FAILED .*attach left 0 mapping\(s\), 1 fd\(s\)' $<

# ---------------------------------------------------------------- fuzzing spsc_shm_attach
# $(call ipc_fuzz_binary,output,queue folder)
define ipc_fuzz_binary
$1: $(IPC_SRC)/fuzz_attach.c $2/extensions/shm/spsc_shm.h $2/spsc.h $(IPC_DEPS)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -I$2 $(IPC_INC) -o $$@ $(IPC_SRC)/fuzz_attach.c
endef
SHM_SHORT := $(call variant_dir,stage5-waitfree,planted-shm-short-header)
$(SHM_SHORT)/extensions/shm/spsc_shm.h: $(SHM_SHORT)/spsc.h
$(eval $(call ipc_fuzz_binary,$(IPC)/fuzz-attach,$(SHM_DIR)))
$(eval $(call ipc_fuzz_binary,$(IPC)/planted/fuzz-attach-short-header,$(SHM_SHORT)))
fuzz-ipc: $(IPC)/fuzz-attach
	@echo "== spsc_shm_attach: fuzzing the segment's size and bytes against the contract's rules, $(FUZZ_IPC_SECONDS) s"
	@$(FUZZ_RUN) clean $(FUZZ_IPC_SECONDS) $< $(IPC)/fuzz-attach.work $(IPC_SRC)/fuzz-corpus
# From an empty corpus, as abuse.mk's controls: the fuzzer must find the bug within 10 s.
fuzz-ipc-control: $(IPC)/planted/fuzz-attach-short-header
	@rm -rf $<.work
	@$(FUZZ_RUN) 'control=DIVERGENCE: .*the model says 90' 10 $< $<.work

ipc-test: ipc-kill ipc-kill-control ipc-hostile ipc-hostile-control ipc-creator ipc-creator-control ipc-inject \
	ipc-inject-control fuzz-ipc fuzz-ipc-control

# ---------------------------------------------------------------- the demo
# Each binary is the one driver (demo_driver.h) over one queue, its flags
# compiled in (`info` prints them); demo-ipc.sh runs them in turns, round
# by round, into notes/results/latest/ipc.csv and its table ipc.md.
IPC_DEMO_CXX      := g++
IPC_DEMO_FLAGS    := $(BENCH_OPT) -pthread
IPC_DEMO_CXXFLAGS := $(IPC_DEMO_FLAGS) -std=c++17 -Wall -Wextra -Wpedantic -Werror
IPC_DEMOS := $(IPC)/demo-shm $(IPC)/demo-boost $(IPC)/demo-boost-blocking
$(IPC)/demo-shm: $(IPC_SRC)/demo_ipc.c $(IPC_SRC)/demo_driver.h $(IPC_SRC)/spsc_shm.h $(SHM_DIR)/spsc.h $(IPC_DEPS)
	@mkdir -p $(@D)
	$(CC) $(IPC_DEMO_FLAGS) $(WARN) -DBENCH_FLAGS='"$(IPC_DEMO_FLAGS) $(WARN)"' -I$(SHM_DIR) $(IPC_INC) -o $@ $<
# Boost twice: spinning on try_send/try_receive as spsc_shm.h does, and blocking in send/receive.
$(IPC)/demo-boost $(IPC)/demo-boost-blocking: $(IPC_SRC)/demo_boost.cpp $(IPC_SRC)/demo_driver.h $(IPC_DEPS)
	@mkdir -p $(@D)
	$(IPC_DEMO_CXX) $(IPC_DEMO_CXXFLAGS) $(if $(findstring blocking,$(@F)),-DDEMO_BOOST_BLOCKING) \
		-DBENCH_FLAGS='"$(IPC_DEMO_CXXFLAGS)"' $(IPC_INC) -o $@ $< -lrt
# IPC_MODE=quick: small sizes (seconds). IPC_ARGS: flags for every run (a
# binary's --help), e.g. make demo-ipc IPC_ARGS='--capacity 65536'.
IPC_MODE ?= full
IPC_ARGS ?=
demo-ipc: deps-shm deps-bench
	@$(MAKE) --no-print-directory $(IPC_DEMOS)
	@sh $(IPC_SRC)/demo-ipc.sh $(IPC_MODE) $(BENCH_RESULTS)/latest $(IPC_DEMOS) $(IPC_ARGS)

diff-shm:
	@diff -u $(SHM_DIR)/spsc.h $(IPC_SRC)/spsc_shm.h; test $$? -le 1
