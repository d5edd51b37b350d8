# common/bench.mk: the benchmark, included at the end of the top Makefile.
# Uses its STAGES, TOP, BUILD, CC, WARN, ALLOC_WRAP and the deps target.
#
#   make bench-all     every workload on every stage, into notes/results/latest/
#   make bench-quick   the same pipeline on small sizes; checks the outputs parse
#   make bench-record  latest/ becomes the reference, and its table goes into README.md

.PHONY: bench bench-all bench-quick bench-record

# -DNDEBUG: an assert left in a hot path changes results by 5x. The exact
# compiler and flags are compiled into each binary (`bench-stageN info`) and
# written into every results file.
BENCH_CFLAGS  := -O3 -march=native -DNDEBUG $(WARN) -pthread
BENCH_DIR     := $(BUILD)/bench
BENCH_RESULTS := $(TOP)/notes/results
# The callgrind build: the same flags but -march=native, because valgrind
# cannot decode AVX-512 (SIGILL on a machine that has it).
BENCH_CG_CFLAGS := -O3 -DNDEBUG $(WARN) -pthread
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
	@sh $(TOP)/common/bench-record.sh $(BENCH_RESULTS) $(TOP)/README.md
