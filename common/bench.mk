# common/bench.mk: the benchmark, included at the end of the top Makefile.
# Uses its STAGES, TOP, BUILD, CC, WARN, ALLOC_WRAP and the deps target.
#
#   make bench-all     every workload on every stage, into notes/results/latest/
#   make bench-quick   the same pipeline on small sizes; checks the outputs parse
#   make bench-record  latest/ becomes the reference, its table into README.md and notes/README.md
#   make bench-experiments  the measurements the notes quote beyond the table

.PHONY: bench bench-all bench-quick bench-record bench-experiments

# -DNDEBUG: an assert left in a hot path changes results by 5x. The exact
# compiler and flags are compiled into each binary (`bench-stageN info`) and
# written into every results file.
BENCH_OPT     := -O3 -march=native -DNDEBUG
BENCH_CFLAGS  := $(BENCH_OPT) $(WARN) -pthread
BENCH_DIR     := $(BUILD)/bench
BENCH_RESULTS := $(TOP)/notes/results
# The callgrind build: the same flags but -march=native, because valgrind
# cannot decode AVX-512 (SIGILL on a machine that has it).
BENCH_CG_OPT    := -O3 -DNDEBUG
BENCH_CG_CFLAGS := $(BENCH_CG_OPT) $(WARN) -pthread
BENCH_BINS    := $(foreach n,1 2 3 4 5,$(BENCH_DIR)/bench-stage$n $(BENCH_DIR)/bench-stage$n-callgrind)
# The driver counts allocations through common/test_alloc.c, the tests' own
# wrapped allocator: one counter for the whole repository.
BENCH_SRCS    := $(TOP)/common/bench.c $(TOP)/common/test_alloc.c
BENCH_DEPS    := $(BENCH_SRCS) $(TOP)/common/spin.h $(TOP)/common/test_support.h $(TOP)/common/bench.mk

# $(call bench_binary,binary,stage-dir,flags): the driver over stage-dir/spsc.h.
define bench_binary
$1: $(BENCH_DEPS) $(TOP)/$2/spsc.h
	@mkdir -p $$(@D)
	$$(CC) $3 -DBENCH_FLAGS='"$3"' -I$(TOP)/$2 -I$(TOP)/common -o $$@ $(BENCH_SRCS) $$(ALLOC_WRAP)
endef
$(foreach n,1 2 3 4 5,$(eval $(call bench_binary,$(BENCH_DIR)/bench-stage$n,$(word $n,$(STAGES)),$$(BENCH_CFLAGS))))
$(foreach n,1 2 3 4 5,$(eval $(call bench_binary,$(BENCH_DIR)/bench-stage$n-callgrind,$(word $n,$(STAGES)),$$(BENCH_CG_CFLAGS))))

bench: $(BENCH_BINS)

# make bench-experiments: the variants the notes measure (common/experiments.sh).
# name:stage:flags, one per variant.
EXP_VARIANTS := \
	stage3-seqcst:3:-DSPSC_SEQ_CST stage5-seqcst:5:-DSPSC_SEQ_CST \
	stage4-line128:4:-DSPSC_CACHE_LINE=128 stage5-line128:5:-DSPSC_CACHE_LINE=128 \
	stage3-count:3:-DBENCH_COUNT stage4-count:4:-DBENCH_COUNT \
	stage5-count:5:-DBENCH_COUNT@-DBENCH_COUNT_RELOADS
exp_field = $(word $2,$(subst :, ,$1))
$(foreach v,$(EXP_VARIANTS),$(eval $(call bench_binary,$(BENCH_DIR)/bench-$(call exp_field,$v,1),$(word $(call exp_field,$v,2),$(STAGES)),$$(BENCH_CFLAGS) $(subst @, ,$(call exp_field,$v,3)))))
EXP_BINS := $(foreach v,$(EXP_VARIANTS),$(BENCH_DIR)/bench-$(call exp_field,$v,1))

# EXPERIMENTS_MODE=quick: the same pipeline on small sizes, to check it works.
EXPERIMENTS_MODE ?= full
bench-experiments: deps
	@$(MAKE) --no-print-directory bench $(EXP_BINS)
	@sh $(TOP)/common/experiments.sh $(EXPERIMENTS_MODE) $(BENCH_DIR) $(BENCH_RESULTS)/latest/experiments

# deps first (gnuplot, valgrind), then the binaries, then the run: in that
# order even under make -j.
bench-all: deps
	@$(MAKE) --no-print-directory bench
	@sh $(TOP)/common/bench-all.sh full $(BENCH_DIR) $(BENCH_RESULTS)/latest

bench-quick: deps
	@$(MAKE) --no-print-directory bench
	@sh $(TOP)/common/bench-all.sh quick $(BENCH_DIR) $(BENCH_RESULTS)/latest
	@sh $(TOP)/common/bench-check.sh $(BENCH_RESULTS)/latest

bench-record:
	@sh $(TOP)/common/bench-record.sh $(BENCH_RESULTS) $(TOP)/README.md $(TOP)/notes/README.md
-include $(TOP)/common/peers/peers.mk
