# stage5-waitfree/extensions/elem/bench-elem.mk: `make bench-elem`, payloads
# of any size; included by the top Makefile after common/bench/bench.mk and
# common/peers/peers.mk. Uses the Makefile's TOP, BUILD, WARN, ALL_PKGS,
# CHECK_PARTS and deps-lint; bench.mk's BENCH_OPT, BENCH_DIR and
# BENCH_RESULTS; peers.mk's PEER_DPDK_FLAGS (how DPDK's headers are compiled).
#
#   make bench-elem         every queue, size and mode, ELEM_ROUNDS rounds (default 5), into
#                           notes/results/latest/elem.md (+ .csv); a few minutes
#   make bench-elem-quick   the same pipeline on tiny runs, one round, into build/bench-elem-quick/
#                           (make check: it checks that every planned run left its rows, never a speed)
#   make bench-elem-build   the binaries alone: build/bench/bench-elem-stage5, and bench-elem-boost
#                           and bench-elem-dpdk where the peer's headers are installed
#
# Knobs: ELEM_MODE (full or quick), ELEM_ROUNDS, ELEM_ITEMS (items per run),
# ELEM_BENCH_ARGS (flags for every run, e.g. --cpus 0,1), ELEM_OUT (where
# the full run's elem.md and elem.csv go: notes/results/latest/ unless
# told, beside the other benchmarks' results). The rows as
# they come go to build/bench-elem-MODE-raw/.

.PHONY: bench-elem bench-elem-quick bench-elem-build check-bench-elem

BENCH_ELEM_SRC   := $(TOP)/stage5-waitfree/extensions/elem
BENCH_ELEM_STAGE := $(TOP)/stage5-waitfree
BENCH_ELEM_INC   := -I$(BENCH_ELEM_STAGE) -I$(TOP)/common/support -I$(BENCH_ELEM_SRC)
BENCH_ELEM_HDRS  := $(BENCH_ELEM_SRC)/bench_elem_sized.h $(BENCH_ELEM_SRC)/elem_peers.h \
	$(BENCH_ELEM_SRC)/spsc_elem.h $(BENCH_ELEM_STAGE)/extensions/claim/spsc_claim.h \
	$(BENCH_ELEM_STAGE)/extensions/slot/spsc_slot_elem.h $(wildcard $(TOP)/common/support/*.h) \
	$(BENCH_ELEM_SRC)/bench-elem.mk

# peer:header:package (Debian), as in peers.mk's PEER_TABLE: the header
# tells whether the package is installed; a peer without it is skipped.
BENCH_ELEM_PEERS := boost:/usr/include/boost/lockfree/spsc_queue.hpp:libboost-dev \
	dpdk:/usr/include/dpdk/rte_ring_elem.h:libdpdk-dev
BENCH_ELEM_PKGS  := g++ libboost-dev libdpdk-dev
# make deps (and so make check) installs them; bench-elem tries, and skips a peer it cannot get.
ALL_PKGS += $(BENCH_ELEM_PKGS)

# GCC for every build, with -flto on both sides of each peer's adapter
# (link-time optimisation inlines the peer's calls into the loops and
# cannot mix GCC's objects with LLVM's); the same flags for
# bench-elem-stage5, so every queue is built alike. The flags are compiled
# into each binary and written into the results' header.
BENCH_ELEM_CFLAGS   := $(BENCH_OPT) $(WARN) -pthread -flto
BENCH_ELEM_CXXFLAGS := $(BENCH_OPT) -std=c++17 -Wall -Wextra -Wpedantic -Werror -pthread -flto
BENCH_ELEM_DPDKFLAGS = $(PEER_DPDK_FLAGS) $(BENCH_OPT) -flto
# The binaries' common prefix: bench-elem-stage5 holds this repository's
# queues (elem-copy, elem-claim, slot), bench-elem-<peer> one peer each.
BENCH_ELEM := $(BENCH_DIR)/bench-elem

$(BENCH_ELEM)-stage5: $(BENCH_ELEM_SRC)/bench_elem.c $(BENCH_ELEM_HDRS)
	@mkdir -p $(@D)
	gcc $(BENCH_ELEM_CFLAGS) -DBENCH_FLAGS='"$(BENCH_ELEM_CFLAGS)"' $(BENCH_ELEM_INC) -o $@ $<
# The C parts with clang too, -Werror, built and not run: make check's proof
# that they compile clean (dpdk_elem.c with DPDK's GNU C flags, as gcc builds it).
$(BENCH_ELEM)-stage5-clang: $(BENCH_ELEM_SRC)/bench_elem.c $(BENCH_ELEM_SRC)/dpdk_elem.c $(BENCH_ELEM_HDRS)
	@mkdir -p $(@D)
	clang $(BENCH_OPT) $(WARN) -pthread -DBENCH_FLAGS='"clang"' $(BENCH_ELEM_INC) -o $@ $<
	$(if $(wildcard /usr/include/dpdk/rte_ring_elem.h),clang $(PEER_DPDK_FLAGS) $(BENCH_OPT) -I$(BENCH_ELEM_SRC) \
		-c -o $@-dpdk.o $(BENCH_ELEM_SRC)/dpdk_elem.c)

$(BENCH_ELEM)-boost: $(BENCH_ELEM_SRC)/bench_elem.c $(BENCH_ELEM_SRC)/boost_elem.cpp $(BENCH_ELEM_HDRS)
	@mkdir -p $(@D)
	g++ $(BENCH_ELEM_CXXFLAGS) -I$(BENCH_ELEM_SRC) -c -o $@-adapter.o $(BENCH_ELEM_SRC)/boost_elem.cpp
	gcc $(BENCH_ELEM_CFLAGS) -DELEM_PEER_BOOST \
		-DBENCH_FLAGS='"$(BENCH_ELEM_CFLAGS); adapter: g++ $(BENCH_ELEM_CXXFLAGS)"' \
		$(BENCH_ELEM_INC) -o $@ $< $@-adapter.o -lstdc++

$(BENCH_ELEM)-dpdk: $(BENCH_ELEM_SRC)/bench_elem.c $(BENCH_ELEM_SRC)/dpdk_elem.c $(BENCH_ELEM_HDRS)
	@mkdir -p $(@D)
	gcc $(BENCH_ELEM_DPDKFLAGS) -I$(BENCH_ELEM_SRC) -c -o $@-adapter.o $(BENCH_ELEM_SRC)/dpdk_elem.c
	gcc $(BENCH_ELEM_CFLAGS) -DELEM_PEER_DPDK \
		-DBENCH_FLAGS='"$(BENCH_ELEM_CFLAGS); adapter: gcc $(BENCH_ELEM_DPDKFLAGS)"' \
		$(BENCH_ELEM_INC) -o $@ $< $@-adapter.o -lrte_ring -lrte_eal

# Run after the install (a make of its own), so the headers are looked for then.
bench-elem-build: $(BENCH_ELEM)-stage5
	@for entry in $(BENCH_ELEM_PEERS); do \
		p=$${entry%%:*}; rest=$${entry#*:}; header=$${rest%%:*}; package=$${rest#*:}; \
		if [ -f "$$header" ]; then \
			$(MAKE) --no-print-directory $(BENCH_ELEM)-$$p || exit 1; \
		else \
			rm -f $(BENCH_ELEM)-$$p; \
			echo "bench-elem: skipping $$p: $$header is missing (Debian package $$package)"; \
		fi; \
	done

# The run (bench-elem.sh): every binary that was built, the queues in
# turns, round by round, into one CSV and its table.
ELEM_MODE       ?= full
ELEM_ROUNDS     ?=
ELEM_ITEMS      ?=
ELEM_BENCH_ARGS ?=
ELEM_OUT        ?= $(BENCH_RESULTS)/latest
ELEM_QUICK_OUT  := $(BUILD)/bench-elem-quick
# Looked for when a run's recipe is expanded, in the make that runs it: after bench-elem-build.
bench_elem_bins  = $(BENCH_ELEM)-stage5 $(wildcard $(BENCH_ELEM)-boost $(BENCH_ELEM)-dpdk)
# $(call bench_elem_run,mode,outdir)
bench_elem_run = ELEM_ROUNDS=$(ELEM_ROUNDS) ELEM_ITEMS=$(ELEM_ITEMS) sh $(BENCH_ELEM_SRC)/bench-elem.sh $1 $2 \
	$(BUILD)/bench-elem-$1-raw $(bench_elem_bins) -- $(ELEM_BENCH_ARGS)

# The install may fail (no root, no network): the peers it could not get are skipped.
bench-elem:
	$(if $(filter full quick,$(ELEM_MODE)),,$(error ELEM_MODE must be full or quick, not '$(ELEM_MODE)'))
	@sh $(TOP)/common/support/deps.sh $(BENCH_ELEM_PKGS) || echo "bench-elem: some peers could not be installed; they are skipped"
	@$(MAKE) --no-print-directory bench-elem-build
	@$(MAKE) --no-print-directory bench-elem-run-$(ELEM_MODE)
bench-elem-quick:
	@$(MAKE) --no-print-directory bench-elem ELEM_MODE=quick

.PHONY: bench-elem-run-full bench-elem-run-quick
bench-elem-run-full:
	@$(call bench_elem_run,full,$(ELEM_OUT))
# The quick run builds the clang binary too, where clang is installed (make check installs it: deps-lint).
bench-elem-run-quick: $(if $(shell command -v clang),$(BENCH_ELEM)-stage5-clang)
	@$(call bench_elem_run,quick,$(ELEM_QUICK_OUT))

# make check: the quick pipeline, with the clang build, and the hostile
# command lines of common/abuse/driver-flags-test.sh on every binary built.
CHECK_PARTS += check-bench-elem
check-bench-elem: deps-lint
	@$(MAKE) --no-print-directory bench-elem-quick
	@sh $(TOP)/common/abuse/driver-flags-test.sh $(BENCH_ELEM)-stage5 \
		$$(for p in boost dpdk; do [ -x $(BENCH_ELEM)-$$p ] && echo $(BENCH_ELEM)-$$p; done)
