# common/test/topology.mk: the CPU topology reader (common/support/topology.h),
# included by the top Makefile. Uses its TOP, BUILD, CC, WARN and deps_for;
# test.mk's CRIT_CFLAGS and CRIT_LIBS (expanded when the rules run, so the
# order of the includes does not matter).
#
#   make test-topology    the reader on the fixture trees (common/test/fixtures/topology/)
#                         and on this machine's /sys: $(CC), then clang; and the header
#                         compiled as C++17, as harness.h is
#   make topology-pairs   this machine's CPUs, every pair of the allowed ones with its
#                         kind, and the benchmark's default pair
#   make topology         the same, then the probe on every pair of them, over time
#                         (common/bench/topology.c and topology.sh): a table, the
#                         clusters of the samples, a heat map (CPU x CPU) and the
#                         probe over time, into notes/results/latest/topology.*;
#                         TOPOLOGY_MODE=quick: about 2 s on two CPUs; CPUS=A,B: that pair.
#                         A measurement, like make bench-all: in no tier.
# `make check` runs test-topology.

.PHONY: test-topology topology-pairs topology

$(eval $(call deps_for,topology,libcriterion-dev pkg-config clang g++))
CHECK_PARTS += test-topology

TOPO_TEST_DIR := $(TOP)/common/test
TOPO_BUILD    := $(BUILD)/topology
TOPO_HDR      := $(TOP)/common/support/topology.h
TOPO_CFLAGS   := -O2 -g $(WARN) -I$(TOP)/common/support
TOPO_DEPS     := $(TOPO_HDR) $(TOPO_TEST_DIR)/topology.mk

# $(call topo_test,binary,compiler)
define topo_test
$1: $(TOPO_TEST_DIR)/test_topology.c $(TOPO_DEPS)
	@mkdir -p $$(@D)
	$2 $(TOPO_CFLAGS) -DTOPO_FIXTURES='"$(TOPO_TEST_DIR)/fixtures/topology"' $$(CRIT_CFLAGS) -o $$@ $$< $$(CRIT_LIBS)
endef
$(eval $(call topo_test,$(TOPO_BUILD)/test-topology,$$(CC)))
$(eval $(call topo_test,$(TOPO_BUILD)/test-topology-clang,clang))

$(TOPO_BUILD)/topology-pairs: $(TOPO_TEST_DIR)/topology_pairs.c $(TOPO_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TOPO_CFLAGS) -o $@ $<

test-topology: deps-topology $(TOPO_BUILD)/test-topology $(TOPO_BUILD)/test-topology-clang
	@echo "== common/support/topology.h: the fixture trees and this machine's /sys ($(CC), then clang)"
	@$(TOPO_BUILD)/test-topology
	@$(TOPO_BUILD)/test-topology-clang
	@echo "== common/support/topology.h compiles as C++17"
	@g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -D_GNU_SOURCE -fsyntax-only -x c++ $(TOPO_HDR)

topology-pairs: $(TOPO_BUILD)/topology-pairs
	@$<

# The probe program is a benchmark: bench.mk's flags (its BENCH_CFLAGS: -O3 -march=native).
$(TOPO_BUILD)/topology: $(TOP)/common/bench/topology.c $(wildcard $(TOP)/common/support/*.h) $(TOPO_TEST_DIR)/topology.mk
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DBENCH_FLAGS='"$(BENCH_CFLAGS)"' $(COMMON_INC) -o $@ $<

# gnuplot first (deps-bench), then the binaries, then the run: in that order even under make -j.
TOPOLOGY_MODE ?= full
topology: deps-bench
	@$(MAKE) --no-print-directory $(TOPO_BUILD)/topology $(TOPO_BUILD)/topology-pairs
	@$(TOPO_BUILD)/topology-pairs
	@sh $(TOP)/common/bench/topology.sh $(TOPOLOGY_MODE) $(TOPO_BUILD) $(BENCH_RESULTS)/latest
