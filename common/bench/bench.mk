# common/bench/bench.mk: the benchmark, included by the top Makefile. Uses
# its STAGES, TOP, BUILD, CC, WARN, COMMON_INC and deps_for,
# test.mk's ALLOC_WRAP and variants.mk's variant_dir.
#
#   make bench-all     every workload on every stage in STAGES, into notes/results/latest/
#   make bench-quick   the same pipeline on small sizes; checks the outputs parse
#   make bench-record  latest/ into the reference, its table into README.md and notes/README.md
#   make bench-experiments     the measurements the notes quote beyond the table
#   make bench-stage5-variants stage 5 with one change at a time
#   make bench-shapes  the load shapes (work per item on either side, bursts, latency under load)
#   make bench-shapes-peers    stage 5 and the peers in the same shapes (common/peers/peers.mk)

.PHONY: bench bench-all bench-quick bench-record bench-experiments bench-experiments-build bench-stage5-variants bench-shapes check-bench

# gnuplot for the charts, valgrind for the instruction counts, patch for the variants.
$(eval $(call deps_for,bench,gnuplot-nox valgrind patch))
# make check: the benchmark pipelines on small sizes (they check that their
# outputs exist and parse, never a speed).
CHECK_PARTS += check-bench
check-bench: deps-bench
	@$(MAKE) --no-print-directory bench-quick
	@$(MAKE) --no-print-directory bench-stage5-variants VARIANTS_MODE=quick
	@$(MAKE) --no-print-directory bench-peers PEERS_MODE=quick
	@$(MAKE) --no-print-directory topology TOPOLOGY_MODE=quick
	@$(MAKE) --no-print-directory bench-shapes SHAPES_MODE=quick
	@$(MAKE) --no-print-directory bench-shapes-peers SHAPES_MODE=quick SHAPES_ROUNDS=2

BENCH_SRC := $(TOP)/common/bench
# -DNDEBUG: an assert left in a hot path changes results by 5x. The exact
# compiler and flags are compiled into each binary (`bench-<stage> info`)
# and written into every results file.
BENCH_OPT     := -O3 -march=native -DNDEBUG
BENCH_CFLAGS  := $(BENCH_OPT) $(WARN) -pthread
BENCH_DIR     := $(BUILD)/bench
BENCH_RESULTS := $(TOP)/notes/results
# WAIT=POLICY: the wait policy of every run (the driver's --wait; `bench-<stage>
# info` lists them); empty: the driver's default.
WAIT ?=
export BENCH_WAIT := $(WAIT)
# The callgrind build: the same flags without -march=native, because
# valgrind cannot decode AVX-512 (SIGILL on a machine that has it).
BENCH_CG_OPT    := -O3 -DNDEBUG
BENCH_CG_CFLAGS := $(BENCH_CG_OPT) $(WARN) -pthread
BENCH_BINS    := $(foreach s,$(STAGES),$(BENCH_DIR)/bench-$s $(BENCH_DIR)/bench-$s-callgrind)
# The driver counts allocations through common/support/test_alloc.c, the
# tests' own wrapped allocator: one counter for the whole repository.
BENCH_SRCS    := $(BENCH_SRC)/bench.c $(TOP)/common/support/test_alloc.c
BENCH_DEPS    := $(BENCH_SRCS) $(wildcard $(TOP)/common/support/*.h) $(BENCH_SRC)/bench.mk

# $(call bench_binary,binary,queue folder,flags[,what the variant is]): the driver over that folder's headers.
define bench_binary
$1: $(BENCH_DEPS) $2/spsc.h $(call stage_headers,$2)
	@mkdir -p $$(@D)
	$$(CC) $3 -DBENCH_FLAGS='"$3$(if $4, (variant: $4))"' -I$2 $(COMMON_INC) -o $$@ $(BENCH_SRCS) $$(ALLOC_WRAP)
endef
# Any stage folder, in STAGES or named by a target below (bench-peers,
# the experiments): bench-<stage> and bench-<stage>-callgrind.
.SECONDEXPANSION:
$(BENCH_DIR)/bench-%: $(BENCH_DEPS) $$(call stage_headers,$(TOP)/$$*) | $(TOP)/%/spsc.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DBENCH_FLAGS='"$(BENCH_CFLAGS)"' -I$(TOP)/$* $(COMMON_INC) -o $@ $(BENCH_SRCS) $(ALLOC_WRAP)
$(BENCH_DIR)/bench-%-callgrind: $(BENCH_DEPS) $$(call stage_headers,$(TOP)/$$*) | $(TOP)/%/spsc.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CG_CFLAGS) -DBENCH_FLAGS='"$(BENCH_CG_CFLAGS)"' -I$(TOP)/$* $(COMMON_INC) -o $@ $(BENCH_SRCS) $(ALLOC_WRAP)

bench: $(BENCH_BINS)

# ---------------------------------------------------------------- experiments
# make bench-experiments: the variants the notes measure (common/bench/experiments.sh),
# each about a named stage. name:stage:patch:flags, one per build; "-" for none.
# (The counting builds of two stage 5 layouts, beside and private-tail, are
# built for chapter 5's exercises and not run by the script.)
EXP_BUILDS := \
	stage3-atomics-seq-cst:stage3-atomics:seq-cst:- stage5-waitfree-seq-cst:stage5-waitfree:seq-cst:- \
	stage4-cache-padded-line128:stage4-cache-padded:-:-DSPSC_CACHE_LINE=128 \
	stage5-waitfree-line128:stage5-waitfree:-:-DSPSC_CACHE_LINE=128 \
	stage1-mutex-count:stage1-mutex:-:-DBENCH_COUNT stage2-ring-count:stage2-ring:-:-DBENCH_COUNT \
	stage3-atomics-count:stage3-atomics:-:-DBENCH_COUNT stage4-cache-padded-count:stage4-cache-padded:-:-DBENCH_COUNT \
	stage5-waitfree-count:stage5-waitfree:-:-DBENCH_COUNT@-DBENCH_COUNT_RELOADS \
	stage5-waitfree-beside-count:stage5-waitfree:beside:-DBENCH_COUNT@-DBENCH_COUNT_RELOADS \
	stage5-waitfree-private-tail-count:stage5-waitfree:private-tail:-DBENCH_COUNT@-DBENCH_COUNT_RELOADS
exp_field = $(word $2,$(subst :, ,$1))
# The folder of a build's headers: the stage, or its patched variant.
exp_dir = $(if $(filter -,$(call exp_field,$1,3)),$(TOP)/$(call exp_field,$1,2),$(call variant_dir,$(call exp_field,$1,2),$(call exp_field,$1,3)))
exp_flags = $(filter-out -,$(subst @, ,$(call exp_field,$1,4)))
exp_what = $(strip $(filter-out -,$(call exp_field,$1,3)) $(call exp_flags,$1))
$(foreach b,$(EXP_BUILDS),$(eval $(call bench_binary,$(BENCH_DIR)/bench-$(call exp_field,$b,1),$(call exp_dir,$b),$$(BENCH_CFLAGS) $(call exp_flags,$b),$(call exp_what,$b))))
EXP_BINS := $(foreach b,$(EXP_BUILDS),$(BENCH_DIR)/bench-$(call exp_field,$b,1))
# The plain builds the experiments compare their variants with: the stages they are about.
EXP_STAGES := $(sort $(foreach b,$(EXP_BUILDS),$(call exp_field,$b,2)))

# EXPERIMENTS_MODE=quick: the same pipeline on small sizes, to check it works.
EXPERIMENTS_MODE ?= full
# bench-experiments-build: the binaries alone (the counting builds of
# chapters 5 and 6's exercises, run by hand).
bench-experiments-build: deps-bench
	@$(MAKE) --no-print-directory $(addprefix $(BENCH_DIR)/bench-,$(EXP_STAGES)) $(EXP_BINS)
bench-experiments: bench-experiments-build
	@sh $(BENCH_SRC)/experiments.sh $(EXPERIMENTS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest/experiments

# ---------------------------------------------------------------- the progression
# Packages first (gnuplot, valgrind), then the binaries, then the run: in that
# order even under make -j.
bench-all: deps-bench
	@$(MAKE) --no-print-directory bench
	@sh $(BENCH_SRC)/bench-all.sh full $(BENCH_DIR) $(BENCH_RESULTS)/latest $(STAGES)

bench-quick: deps-bench
	@$(MAKE) --no-print-directory bench
	@sh $(BENCH_SRC)/bench-all.sh quick $(BENCH_DIR) $(BENCH_RESULTS)/latest $(STAGES)
	@sh $(BENCH_SRC)/bench-check.sh $(BENCH_RESULTS)/latest $(STAGES)

bench-record:
	@sh $(BENCH_SRC)/bench-record.sh $(BENCH_RESULTS) $(TOP)/README.md $(TOP)/notes/README.md

# ---------------------------------------------------------------- stage 5, one change at a time
# make bench-stage5-variants (common/bench/variants.sh): stage 5 against
# itself with one change, each a patch in common/variants/stage5-waitfree/
# (beside, private, private-tail, padslots; cached-unpadded, the cached
# copies without stage 4's padding: the fourth combination beside stages 3, 4 and 5)
# or a driver flag (nopause), and against stage 4.
S5_LAYOUTS := beside private private-tail padslots cached-unpadded
$(foreach v,$(S5_LAYOUTS),$(eval $(call bench_binary,$(BENCH_DIR)/bench-stage5-waitfree-$v,$(call variant_dir,stage5-waitfree,$v),$$(BENCH_CFLAGS),$v.patch)))
$(eval $(call bench_binary,$(BENCH_DIR)/bench-stage5-waitfree-nopause,$(TOP)/stage5-waitfree,$$(BENCH_CFLAGS) -DSPIN_NO_PAUSE))

# VARIANTS="stage5-waitfree ..." VARIANT_ROUNDS=N VARIANTS_TAG=name: a closer look at a few.
VARIANTS_MODE ?= full
bench-stage5-variants: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_DIR)/bench-stage5-waitfree $(BENCH_DIR)/bench-stage4-cache-padded \
		$(BENCH_DIR)/bench-stage3-atomics $(addprefix $(BENCH_DIR)/bench-stage5-waitfree-,$(S5_LAYOUTS) nopause)
	@VARIANTS="$(VARIANTS)" ROUNDS_OVERRIDE="$(VARIANT_ROUNDS)" TAG="$(VARIANTS_TAG)" \
		sh $(BENCH_SRC)/variants.sh $(VARIANTS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest

# ---------------------------------------------------------------- load shapes
# make bench-shapes (common/bench/shapes.sh): every stage in STAGES, rounds
# interleaved, in each load shape (the consumer slower, the producer slower,
# both working, bursts) and under paced load; SHAPES_MODE=quick (about 30 s)
# or full (a few minutes). Knobs from the environment: SHAPES_ROUNDS,
# SHAPES_WORK_NS, SHAPES_BURST, SHAPES_PERIOD_NS, SHAPES_RATE, SHAPES_LOADS,
# SHAPES_WAITS (default "spin batch": every run under each).
SHAPES_MODE ?= full
bench-shapes: deps-bench
	@$(MAKE) --no-print-directory $(addprefix $(BENCH_DIR)/bench-,$(STAGES))
	@sh $(BENCH_SRC)/shapes.sh $(SHAPES_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest $(STAGES)
