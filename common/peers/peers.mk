# common/peers/peers.mk: `make bench-peers`, stage 5 beside established SPSC
# queues; included by common/bench.mk. Uses its BENCH_* variables.
#
# Each peer is a folder here with an spsc.h that the driver includes as it
# includes a stage's, and (where the library is C++ or needs GNU C) an
# adapter compiled on its own; -flto on both sides inlines it into the
# driver. A peer whose package is missing is skipped with a message.

.PHONY: bench-peers bench-peers-build

PEERS_DIR  := $(TOP)/common/peers
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

# The install may fail (no root, no network): the peers it could not get are
# skipped. Stage 5 and stage 1 are built with GCC too, like the peers.
bench-peers: deps
	@sh $(TOP)/common/deps.sh $(PEERS_PKGS) || echo "bench-peers: some peers could not be installed; they are skipped"
	@$(MAKE) --no-print-directory CC=$(PEER_CC) bench-peers-build
	@PEER_TABLE="$(PEER_TABLE)" sh $(PEERS_DIR)/bench-peers.sh $(PEERS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest
PEERS_MODE ?= full

# make bench-stage5-variants: one change at a time to stage 5, measured
# against it (common/peers/variants.sh). The variant headers are generated
# here from stage5-waitfree/spsc.h, and each sed must have matched.
VARIANT_DIR := $(BUILD)/variants
S5_HEADER   := $(TOP)/stage5-waitfree/spsc.h
# Each side's own counter in a plain field beside its cached copy: the
# atomic it publishes is stored, never loaded.
SED_PRIVATE := -e 's/^\tsize_t tail_cache; .*/&\n\tsize_t head_own; \/* consumer only: == head *\//' \
	-e 's/^\tsize_t head_cache; .*/&\n\tsize_t tail_own; \/* producer only: == tail *\//' \
	-e 's/size_t tail = atomic_load_explicit(&q->tail, SPSC_RELAXED_);$$/size_t tail = q->tail_own;/' \
	-e 's/size_t head = atomic_load_explicit(&q->head, SPSC_RELAXED_);$$/size_t head = q->head_own;/' \
	-e 's/^\tatomic_store_explicit(&q->tail, tail + 1, SPSC_PUBLISH_);/&\n\tq->tail_own = tail + 1;/' \
	-e 's/^\tatomic_store_explicit(&q->head, head + 1, SPSC_RELEASE_);/&\n\tq->head_own = head + 1;/' \
	-e 's/^\tq->head_cache = 0;/&\n\tq->tail_own = 0;\n\tq->head_own = 0;/'
# The private copies as above, but each side's own counter and its cached
# copy of the other's on a line of their own, apart from the counter it
# publishes (the layout of rigtorp's SPSCQueue): the other side never reads
# the line a side writes every operation, except the published counter.
SED_OWNLINE := $(SED_PRIVATE) -e 's/^\tsize_t tail_cache; /\talignas(SPSC_CACHE_LINE) size_t tail_cache; /' \
	-e 's/^\tsize_t head_cache; /\talignas(SPSC_CACHE_LINE) size_t head_cache; /'
# The slot array on lines of its own: one line of padding before and after.
SED_PADSLOTS := -e 's/uint64_t \*slots = malloc(capacity \* sizeof(uint64_t));/uint64_t *slots = aligned_alloc(SPSC_CACHE_LINE, capacity * sizeof(uint64_t) + 2 * SPSC_CACHE_LINE);/' \
	-e 's/^\tq->slots = slots;/\tq->slots = slots + SPSC_CACHE_LINE \/ sizeof(uint64_t);/' \
	-e 's/^\tfree(q->slots);/\tfree(q->slots - SPSC_CACHE_LINE \/ sizeof(uint64_t));/'
# $(call stage5_variant,name,sed variable,lines the sed adds,what it is):
# the header build/variants/name/spsc.h, checked to have changed as many
# lines as the sed should, and bench-stage5-name over it.
define stage5_variant
$(VARIANT_DIR)/$1/spsc.h: $(S5_HEADER) $(PEERS_DIR)/peers.mk
	@mkdir -p $$(@D)
	sed $$($2) $$< >$$@
	@[ $$$$(diff $$< $$@ | grep -c '^>') -eq $3 ] || { echo "the $4 variant no longer applies to $$<" >&2; rm -f $$@; exit 1; }
$(BENCH_DIR)/bench-stage5-$1: $(VARIANT_DIR)/$1/spsc.h $(BENCH_DEPS)
	$$(CC) $$(BENCH_CFLAGS) -DBENCH_FLAGS='"$$(BENCH_CFLAGS) (variant: $4)"' -I$$(<D) -I$(TOP)/common -o $$@ $(BENCH_SRCS) $$(ALLOC_WRAP)
endef
$(eval $(call stage5_variant,private,SED_PRIVATE,8,private own counters))
$(eval $(call stage5_variant,ownline,SED_OWNLINE,10,private counters and caches on lines of their own))
$(eval $(call stage5_variant,padslots,SED_PADSLOTS,3,padded slot array))
$(eval $(call bench_binary,$(BENCH_DIR)/bench-stage5-nopause,stage5-waitfree,$$(BENCH_CFLAGS) -DSPIN_NO_PAUSE))

# VARIANTS="stage5 ..." VARIANT_ROUNDS=N VARIANTS_TAG=name: a closer look at a few.
VARIANTS_MODE ?= full
.PHONY: bench-stage5-variants
bench-stage5-variants: deps
	@$(MAKE) --no-print-directory $(BENCH_DIR)/bench-stage5 $(BENCH_DIR)/bench-stage4 \
		$(addprefix $(BENCH_DIR)/bench-stage5-,private ownline padslots nopause)
	@VARIANTS="$(VARIANTS)" ROUNDS_OVERRIDE="$(VARIANT_ROUNDS)" TAG="$(VARIANTS_TAG)" \
		sh $(PEERS_DIR)/variants.sh $(VARIANTS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest
