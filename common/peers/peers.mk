# common/peers/peers.mk: `make bench-peers`, stage 5 beside established SPSC
# queues; included by the top Makefile after common/bench/bench.mk, whose
# BENCH_* variables it uses.
#
# Each peer is a folder here with an spsc.h that the driver includes as it
# includes a stage's, and (where the library is C++ or needs GNU C) an
# adapter compiled on its own; -flto on both sides inlines it into the
# driver. A peer whose package is missing is skipped with a message.

.PHONY: bench-peers bench-peers-build bench-shapes-peers

PEERS_DIR  := $(TOP)/common/peers
# The stages measured beside the peers: stage 5, the subject, and stage 1,
# the origin's queue, for scale.
PEERS_STAGES := stage5-waitfree stage1-mutex
# Stage 5's extensions with the stages' API, measured beside it: each
# fragment makes bench-<name> (stage5-waitfree/extensions/<name>/).
PEERS_EXTRA := slot claim
# peer:header:package (Debian), in the order of every table; bench-peers.sh
# gets this list too. The header tells whether the package is installed.
# libdpdk-dev holds DPDK's headers and libraries (dpdk-dev pulls it in, with
# tools this repository does not need).
PEER_TABLE := ck:/usr/include/ck_ring.h:libck-dev \
	boost:/usr/include/boost/lockfree/spsc_queue.hpp:libboost-dev \
	moodycamel:/usr/include/readerwriterqueue/readerwriterqueue.h:libreaderwriterqueue-dev \
	dpdk:/usr/include/dpdk/rte_ring.h:libdpdk-dev
PEER_NAMES := $(foreach e,$(PEER_TABLE),$(firstword $(subst :, ,$e)))
PEERS_PKGS := g++ $(foreach e,$(PEER_TABLE),$(lastword $(subst :, ,$e)))
# make deps (and so make check) installs them; bench-peers tries, and skips a peer it cannot get.
ALL_PKGS   += $(PEERS_PKGS)

# GCC on both sides: link-time optimisation cannot mix GCC's and LLVM's objects.
PEER_CC  := gcc
PEER_CXX := g++
PEER_CXXFLAGS   := -std=c++17 -Wall -Wextra -Wpedantic -Werror -pthread
# DPDK's headers use GNU C (ssize_t, typeof): the adapter alone is built as gnu11.
PEER_DPDK_FLAGS := -std=gnu11 -Wall -Wextra -Werror -pthread -I/usr/include/dpdk \
	-I/usr/include/$(shell gcc -print-multiarch 2>/dev/null)/dpdk -include rte_config.h
PEER_LIBS_boost      := -lstdc++
PEER_LIBS_moodycamel := -lstdc++
PEER_LIBS_dpdk       := -lrte_ring -lrte_eal
peer_adapter = $(wildcard $(PEERS_DIR)/$1/adapter.c $(PEERS_DIR)/$1/adapter.cpp)
# $(call peer_compile,peer,opt flags): the adapter's compile command.
peer_compile = $(if $(filter %.cpp,$(call peer_adapter,$1)),$(PEER_CXX) $(PEER_CXXFLAGS),$(PEER_CC) $(PEER_DPDK_FLAGS)) $2

# $(call peer_binary,binary,peer,optimisation flags): the driver over peers/peer/spsc.h,
# built as a stage's is, plus -flto.
define peer_binary
$1: $(BENCH_DEPS) $(wildcard $(PEERS_DIR)/$2/*) $(PEERS_DIR)/peer.h $(PEERS_DIR)/capacity.h $(PEERS_DIR)/adapter.hpp $(PEERS_DIR)/peers.mk
	@mkdir -p $$(@D)
	$(if $(call peer_adapter,$2),$(call peer_compile,$2,$3) -flto -I$(PEERS_DIR)/$2 -c -o $$@-adapter.o $(call peer_adapter,$2))
	$(PEER_CC) $3 $(WARN) -pthread -flto -DBENCH_FLAGS='"$3 $(WARN) -pthread -flto; adapter: $(if $(call peer_adapter,$2),$(call peer_compile,$2,$3),none, header-only)"' \
		-I$(PEERS_DIR)/$2 $(COMMON_INC) -o $$@ $(BENCH_SRCS) $(if $(call peer_adapter,$2),$$@-adapter.o) \
		$$(ALLOC_WRAP) $(PEER_LIBS_$2)
endef
$(foreach p,$(PEER_NAMES),$(eval $(call peer_binary,$(BENCH_DIR)/bench-peer-$p,$p,$$(BENCH_OPT))))
$(foreach p,$(PEER_NAMES),$(eval $(call peer_binary,$(BENCH_DIR)/bench-peer-$p-callgrind,$p,$$(BENCH_CG_OPT))))

# Run after the install (a make of its own), so the headers are looked for then.
bench-peers-build: $(addprefix $(BENCH_DIR)/bench-,$(PEERS_STAGES) $(addsuffix -callgrind,$(PEERS_STAGES))) \
	$(addprefix bench-,$(PEERS_EXTRA))
	@for entry in $(PEER_TABLE); do \
		p=$${entry%%:*}; rest=$${entry#*:}; header=$${rest%%:*}; package=$${rest#*:}; \
		if [ -f "$$header" ]; then \
			$(MAKE) --no-print-directory $(BENCH_DIR)/bench-peer-$$p $(BENCH_DIR)/bench-peer-$$p-callgrind || exit 1; \
		else \
			rm -f $(BENCH_DIR)/bench-peer-$$p $(BENCH_DIR)/bench-peer-$$p-callgrind; \
			echo "bench-peers: skipping $$p: $$header is missing (Debian package $$package)"; \
		fi; \
	done

# The install may fail (no root, no network): the peers it could not get are
# skipped. Stage 5 and stage 1 are built with GCC too, like the peers.
bench-peers: deps-bench
	@sh $(TOP)/common/support/deps.sh $(PEERS_PKGS) || echo "bench-peers: some peers could not be installed; they are skipped"
	@$(MAKE) --no-print-directory CC=$(PEER_CC) bench-peers-build
	@PEER_TABLE="$(PEER_TABLE)" PEERS_WAITS="$(PEERS_WAITS)" PEERS_EXTRA="$(PEERS_EXTRA)" \
		sh $(PEERS_DIR)/bench-peers.sh $(PEERS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest $(PEERS_STAGES)
PEERS_MODE ?= full
# The wait policies every queue runs under, the default first: empty, every
# policy the driver knows (`bench-<stage> info`), WAIT=... first.
PEERS_WAITS ?=

# make bench-shapes-peers: stage 5 and every peer that builds in the load
# shapes of make bench-shapes (common/bench/shapes.sh), each under the same
# wait policies, the ratio column to stage 5. SHAPES_MODE and the SHAPES_*
# knobs as for bench-shapes; writes shapes-peers.csv and shapes-peers.md
# (SHAPES_NAME=... another name, e.g. for SHAPES_CAPACITY=1024).
bench-shapes-peers: deps-bench
	@sh $(TOP)/common/support/deps.sh $(PEERS_PKGS) || echo "bench-shapes-peers: some peers could not be installed; they are skipped"
	@$(MAKE) --no-print-directory CC=$(PEER_CC) bench-peers-build
	@SHAPES_NAME=$${SHAPES_NAME:-shapes-peers} SHAPES_VS=first sh $(BENCH_SRC)/shapes.sh $(SHAPES_MODE) $(BENCH_DIR) \
		$(BENCH_RESULTS)/latest stage5-waitfree $(PEERS_EXTRA) \
		$$(for p in $(PEER_NAMES); do [ -x $(BENCH_DIR)/bench-peer-$$p ] && printf ' peer-%s' $$p; done)
