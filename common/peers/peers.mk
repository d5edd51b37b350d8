# common/peers/peers.mk: `make bench-peers`, stage 5 beside established SPSC
# queues; included by common/bench.mk. Uses its BENCH_* variables.
#
# Each peer is a folder here with an spsc.h that the driver includes as it
# includes a stage's, and (where the library is C++ or needs GNU C) an
# adapter compiled on its own; -flto on both sides inlines it into the
# driver. A peer whose package is missing is skipped with a message.

.PHONY: bench-peers bench-peers-build

PEERS_DIR  := $(TOP)/common/peers
# Debian packages: libdpdk-dev holds DPDK's headers and libraries (dpdk-dev
# pulls it in, with tools this repository does not need).
PEERS_PKGS := g++ libck-dev libboost-dev libreaderwriterqueue-dev libdpdk-dev
# peer:header:package. The header tells whether the package is installed.
PEER_TABLE := ck:/usr/include/ck_ring.h:libck-dev \
	boost:/usr/include/boost/lockfree/spsc_queue.hpp:libboost-dev \
	moodycamel:/usr/include/readerwriterqueue/readerwriterqueue.h:libreaderwriterqueue-dev \
	dpdk:/usr/include/dpdk/rte_ring.h:libdpdk-dev
PEER_NAMES := $(foreach e,$(PEER_TABLE),$(firstword $(subst :, ,$e)))

CXX ?= g++
PEER_CXXFLAGS   := -std=c++17 -Wall -Wextra -Wpedantic -Werror -pthread
# DPDK's headers use GNU C (ssize_t, typeof): the adapter alone is built as gnu11.
PEER_DPDK_FLAGS := -std=gnu11 -Wall -Wextra -Werror -pthread -I/usr/include/dpdk \
	-I/usr/include/$(shell gcc -print-multiarch 2>/dev/null)/dpdk -include rte_config.h
PEER_LIBS_boost      := -lstdc++
PEER_LIBS_moodycamel := -lstdc++
PEER_LIBS_dpdk       := -lrte_ring -lrte_eal
peer_adapter = $(wildcard $(PEERS_DIR)/$1/adapter.c $(PEERS_DIR)/$1/adapter.cpp)
# $(call peer_compile,peer,opt flags): the adapter's compile command.
peer_compile = $(if $(filter %.cpp,$(call peer_adapter,$1)),$(CXX) $(PEER_CXXFLAGS),$(CC) $(PEER_DPDK_FLAGS)) $2

# $(call peer_binary,binary,peer,optimisation flags): the driver over peers/peer/spsc.h,
# built as a stage's is, plus -flto.
define peer_binary
$1: $(BENCH_DEPS) $(wildcard $(PEERS_DIR)/$2/*) $(PEERS_DIR)/peer.h $(PEERS_DIR)/adapter.hpp $(PEERS_DIR)/peers.mk
	@mkdir -p $$(@D)
	$(if $(call peer_adapter,$2),$(call peer_compile,$2,$3) -flto -I$(PEERS_DIR)/$2 -c -o $$@-adapter.o $(call peer_adapter,$2))
	$$(CC) $3 $(WARN) -pthread -flto -DBENCH_FLAGS='"$3 $(WARN) -pthread -flto; adapter: $(if $(call peer_adapter,$2),$(call peer_compile,$2,$3),none, header-only)"' \
		-I$(PEERS_DIR)/$2 -I$(TOP)/common -o $$@ $(BENCH_SRCS) $(if $(call peer_adapter,$2),$$@-adapter.o) \
		$$(ALLOC_WRAP) $(PEER_LIBS_$2)
endef
$(foreach p,$(PEER_NAMES),$(eval $(call peer_binary,$(BENCH_DIR)/bench-peer-$p,$p,$$(BENCH_OPT))))
$(foreach p,$(PEER_NAMES),$(eval $(call peer_binary,$(BENCH_DIR)/bench-peer-$p-callgrind,$p,$$(BENCH_CG_OPT))))

# Run after the install (a make of its own), so the headers are looked for then.
bench-peers-build: $(BENCH_DIR)/bench-stage1 $(BENCH_DIR)/bench-stage5 $(BENCH_DIR)/bench-stage1-callgrind $(BENCH_DIR)/bench-stage5-callgrind
	@for entry in $(PEER_TABLE); do \
		p=$${entry%%:*}; rest=$${entry#*:}; header=$${rest%%:*}; package=$${rest#*:}; \
		if [ -f "$$header" ]; then \
			$(MAKE) --no-print-directory $(BENCH_DIR)/bench-peer-$$p $(BENCH_DIR)/bench-peer-$$p-callgrind || exit 1; \
		else \
			rm -f $(BENCH_DIR)/bench-peer-$$p $(BENCH_DIR)/bench-peer-$$p-callgrind; \
			echo "bench-peers: skipping $$p: $$header is missing (Debian package $$package)"; \
		fi; \
	done

# The install may fail (no root, no network): the peers it could not get are skipped.
bench-peers: deps
	@sh $(TOP)/common/deps.sh $(PEERS_PKGS) || echo "bench-peers: some peers could not be installed; they are skipped"
	@$(MAKE) --no-print-directory bench-peers-build
	@sh $(PEERS_DIR)/bench-peers.sh $(PEERS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest
PEERS_MODE ?= full
