# common/read/read.mk: the stages as a reader sees them, included by the top
# Makefile. Uses its STAGES, TOP, BUILD and deps_for, and
# variants.mk's VARIANTS_SRC, VARIANT_DIR and variant_dir.
#
#   make diff STAGE=N [FILES=all]     stage N's spsc.h against stage N-1's: the lesson
#   make asm STAGE=N [ARCH=...]       its compiled push and pop, x86-64 and AArch64,
#                                     and those of its variants (seq-cst, broken-publish)
#   make diff-asm STAGE=N [ARCH=...]  what stage N changed in the machine code
#   make layout STAGE=N               its struct: offsets, sizes, cache-line boundaries (pahole)
#   make figures                      the notes' diagrams, from notes/figures/*.dot
#   make demo-reorder [REORDER_ARGS=...]  the store-buffering litmus test on this machine:
#                                     r1 = r2 = 0 counted without and with a seq_cst fence
#   make recompute                    figures the notes quote, recomputed from the committed
#                                     files (notes/recompute/*.list), and its controls
#   make read-help                    this list
# N counts in STAGES (2..the number of stages for diff and diff-asm).

.PHONY: diff asm diff-asm layout figures figures-check read-help demo-reorder recompute

READ_SRC := $(TOP)/common/read
READ_OUT := $(BUILD)/read
# gcc-aarch64-linux-gnu and its libc headers: the AArch64 listings; dwarves: pahole; graphviz: the diagrams.
$(eval $(call deps_for,read,gcc-aarch64-linux-gnu libc6-dev-arm64-cross dwarves graphviz))
# make check: the listings and the layout build, and the committed diagrams are what their sources make.
CHECK_PARTS += check-read
check-read: deps-read
	@$(MAKE) --no-print-directory asm STAGE=3 >/dev/null
	@$(MAKE) --no-print-directory layout STAGE=5 >/dev/null
	@echo "== make asm STAGE=3 and make layout STAGE=5 built their listings"
	@$(MAKE) --no-print-directory figures-check
	@$(MAKE) --no-print-directory demo-reorder REORDER_ARGS="--trials 50000 --quiet"
	@$(MAKE) --no-print-directory recompute
ARCH ?= both
READ_ARCHES = $(if $(filter both,$(ARCH)),x86_64 aarch64,$(ARCH))

read-help:
	@sed -n '/^#   make/s/^#   //p' $(READ_SRC)/read.mk

# $(call stage_n,lowest N): checks STAGE, then sets the shell's cur (and prev) to the stage names.
define stage_n
	case "$(STAGE)" in ''|*[!0-9]*) ok=no ;; *) ok=$$([ "$(STAGE)" -ge $1 ] && [ "$(STAGE)" -le $(words $(STAGES)) ] && echo yes) ;; esac; \
	[ "$$ok" = yes ] || { echo "usage: make $@ STAGE=N  (N = $1..$(words $(STAGES)): the Nth of STAGES = $(STAGES))" >&2; exit 2; }; \
	cur=$$(echo $(STAGES) | cut -d' ' -f$(STAGE)); \
	prev=$$(echo $(STAGES) | cut -d' ' -f$$(($(STAGE) - 1 + ($(STAGE) == 1))))
endef

# ---------------------------------------------------------------- the source
# The lesson is the header: stage N's spsc.h against stage N-1's. Any other
# file that differs (the stage's own tests, an extension header beside
# spsc.h) is named; FILES=all shows everything.
diff:
	@$(call stage_n,2); cd $(TOP); \
	 if [ "$(FILES)" = all ]; then what="$$prev $$cur"; else what="$$prev/spsc.h $$cur/spsc.h"; fi; \
	 git --no-pager diff --no-index --color=auto $$what; status=$$?; \
	 [ "$(FILES)" = all ] || git --no-pager diff --no-index --name-status "$$prev" "$$cur" | \
		awk -v prev="$$prev" -v cur="$$cur" '$$NF !~ /\/spsc\.h$$/ { f = $$NF; sub(/^[^\/]*\//, "", f); \
			if (f ~ /^extensions\//) { ext = ext ? ext : ($$1 == "A" ? cur : prev); next } \
			print "   also differs: " f ($$1 == "A" ? " (only in " cur ")" : $$1 == "D" ? " (only in " prev ")" : "") \
				" (make diff STAGE=$(STAGE) FILES=all)" } \
			END { if (ext) print "   also in " ext ": extensions/, the extensions past the ladder (not part of the lesson)" }'; \
	 [ $$status -le 1 ]

# ---------------------------------------------------------------- the machine code
# Every variant patch of the stage (common/variants/<stage>/*.patch) that
# changes its orderings is listed beside it: seq-cst and broken-publish.
ASM_VARIANTS := seq-cst broken-publish
asm: deps-read
	@$(call stage_n,1); \
	 $(MAKE) --no-print-directory $$(for v in $(ASM_VARIANTS); do \
		[ -f $(VARIANTS_SRC)/$$cur/$$v.patch ] && echo $(VARIANT_DIR)/$$cur-$$v/spsc.h; done) || exit 1; \
	 for a in $(READ_ARCHES); do \
		sh $(READ_SRC)/asm.sh $$a $(TOP)/$$cur $$cur $(READ_OUT)/asm || exit 1; \
		for v in $(ASM_VARIANTS); do [ -f $(VARIANT_DIR)/$$cur-$$v/spsc.h ] || continue; echo; \
			sh $(READ_SRC)/asm.sh $$a $(VARIANT_DIR)/$$cur-$$v $$cur-$$v $(READ_OUT)/asm || exit 1; done; \
		echo; \
	 done

# The listings without source lines, stage N-1 against stage N.
diff-asm: deps-read
	@$(call stage_n,2); \
	 for a in $(READ_ARCHES); do \
		for s in $$prev $$cur; do sh $(READ_SRC)/asm.sh $$a $(TOP)/$$s $$s $(READ_OUT)/asm >/dev/null || exit 1; \
			grep -v '^ *spsc.h:\|^#' $(READ_OUT)/asm/$$s.$$a.s >$(READ_OUT)/asm/$$s.$$a.insns; done; \
		echo "== $$a: $$prev -> $$cur (instructions only)"; \
		git --no-pager diff --no-index --color=auto $(READ_OUT)/asm/$$prev.$$a.insns $(READ_OUT)/asm/$$cur.$$a.insns; \
		[ $$? -le 1 ] || exit 1; \
	 done

# ---------------------------------------------------------------- the layout
# pahole reads the struct from the debug info. dwarves 1.24 (Debian 12)
# cannot read DWARF 5's atomic type tag, so the object is built with DWARF 4
# (which drops _Atomic from the listing).
layout: deps-read
	@$(call stage_n,1); mkdir -p $(READ_OUT)/layout; \
	 $(CC) -std=c11 -O0 -gdwarf-4 -gstrict-dwarf -I$(TOP)/$$cur -c $(READ_SRC)/asm.c -o $(READ_OUT)/layout/$$cur.o && \
	 echo "== $$cur: struct spsc_queue (pahole; the 'hole' and 'padding' lines are the padding on purpose)" && \
	 pahole $(READ_OUT)/layout/$$cur.o | sed '/^typedef/d'

# ---------------------------------------------------------------- the diagrams
# Each notes/figures/NAME.dot becomes notes/figures/NAME.svg (committed:
# the notes embed them). figures-check: a fresh `make figures` changes nothing.
FIGURE_SRCS := $(wildcard $(TOP)/notes/figures/*.dot)
FIGURE_SVGS := $(FIGURE_SRCS:.dot=.svg)
figures: deps-read
	@$(MAKE) --no-print-directory $(FIGURE_SVGS)
	@echo "== figures: $(words $(FIGURE_SVGS)) diagrams in notes/figures/ from their .dot sources"
$(TOP)/notes/figures/%.svg: $(TOP)/notes/figures/%.dot
	dot -Tsvg $< | sed '/^<!-- Generated by graphviz/d' >$@
figures-check:
	@touch $(FIGURE_SRCS); $(MAKE) --no-print-directory figures >/dev/null
	@cd $(TOP) && if [ -n "$$(git status --porcelain -- notes/figures)" ]; then \
		git status --short -- notes/figures; echo "== figures: notes/figures/ is not what make figures makes from its sources" >&2; exit 1; \
	 else echo "== figures: notes/figures/ is what make figures makes from its sources"; fi

# ---------------------------------------------------------------- reordering
# The store-buffering litmus test (reorder.c): exit status 1 if r1 = r2 = 0
# shows up where C11 forbids it (a seq_cst fence, or seq_cst accesses);
# where C11 allows it, any count is an answer. Built -O2, as the tests are:
# what matters is the order of four instructions, not their speed.
REORDER_ARGS ?=
$(READ_OUT)/reorder: $(READ_SRC)/reorder.c $(TOP)/common/support/harness.h $(READ_SRC)/read.mk
	@mkdir -p $(@D)
	$(CC) -O2 $(WARN) -pthread $(COMMON_INC) -o $@ $<
demo-reorder: $(READ_OUT)/reorder
	@$< $(REORDER_ARGS)

# ---------------------------------------------------------------- the figures quoted
# Every line of notes/recompute/*.list: a figure a chapter quotes, the quote
# still in the chapter, the figure recomputed from the committed file it
# names. The controls (controls.wrong) are such lines made wrong: every one
# must fail, or the check could not catch a wrong figure.
recompute:
	@sh $(READ_SRC)/recompute.sh
	@out=$$(sh $(READ_SRC)/recompute.sh $(TOP)/notes/recompute/controls.wrong); \
	 n=$$(echo "$$out" | sed -n 's/^== recompute: \([1-9][0-9]*\) figures checked .*, 0 hold, .*/\1/p'); \
	 [ -n "$$n" ] || { echo "$$out"; echo "== recompute: a control line held: the check cannot catch what it names" >&2; exit 1; }; \
	 echo "== recompute: all $$n controls (wrong figures, quotes, rows, sums) were caught"
