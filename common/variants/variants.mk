# common/variants/variants.mk: one-change copies of a stage, included by the
# top Makefile. Uses its TOP and BUILD.
#
# common/variants/<stage>/<name>.patch is the change, written as a patch so
# that it reads like the change it makes; build/variants/<stage>-<name>/ is
# the stage's headers with it applied (common/variants/apply.sh), made when
# a target needs it and never committed. A patch that no longer applies
# fails the build and shows the lines it expected. The variants:
#   seq-cst          every ordering seq_cst (stages 3-5): bench-experiments
#   broken-publish   the publish of tail relaxed (stages 3-5): the TSan
#                    negative control and make demo-race
#   relaxed-head-load, relaxed-head-store   the producer's load of head,
#                    the consumer's store of head relaxed (stages 3-5): TSan
#                    negative controls
#   beside, private, private-tail, padslots, cached-unpadded   stage 5 layouts: bench-stage5-variants
#   elem-relaxed-publish, claim-relaxed-commit, claim-relaxed-release
#                    the publish of the typed ring and of a commit, the hand-back of
#                    a release, relaxed: TSan negative controls of test-elem and
#                    test-claim (stage5-waitfree/extensions/claim/claim.mk)
#   planted-*        bugs in stage 5 that the attacks must catch: abuse-controls
#                    (planted-shm-*: ipc-test, stage5-waitfree/extensions/shm/shm.mk;
#                    planted-wait-*: check-wait, stage5-waitfree/extensions/wait/wait.mk;
#                    planted-claim-span: fuzz-claim-ops-control, claim/claim.mk)
#
#   make variants    makes every variant and lists them

.PHONY: variants

VARIANTS_SRC := $(TOP)/common/variants
VARIANT_DIR  := $(BUILD)/variants
VARIANT_PATCHES := $(sort $(wildcard $(VARIANTS_SRC)/*/*.patch))
# common/variants/S/N.patch -> S-N
variant_name = $(notdir $(patsubst %/,%,$(dir $1)))-$(basename $(notdir $1))
# $(call stage_headers,folder): a queue folder's headers, its extensions' included.
stage_headers = $(wildcard $1/*.h $1/extensions/*/*.h)
# $(call variant_dir,stage,name): the folder holding that variant's headers.
variant_dir = $(VARIANT_DIR)/$1-$2

# $(call variant_rule,patch): build/variants/S-N/spsc.h from S/ and the patch.
define variant_rule
$(VARIANT_DIR)/$(call variant_name,$1)/spsc.h: $1 $(call stage_headers,$(TOP)/$(notdir $(patsubst %/,%,$(dir $1)))) $(VARIANTS_SRC)/apply.sh
	@sh $(VARIANTS_SRC)/apply.sh $(TOP)/$(notdir $(patsubst %/,%,$(dir $1))) $1 $$(@D)
endef
$(foreach p,$(VARIANT_PATCHES),$(eval $(call variant_rule,$p)))

variants: $(foreach p,$(VARIANT_PATCHES),$(VARIANT_DIR)/$(call variant_name,$p)/spsc.h)
	@for p in $(VARIANT_PATCHES); do \
		s=$$(basename $$(dirname $$p)); n=$$(basename $$p .patch); \
		echo "build/variants/$$s-$$n/  = $$s/ + common/variants/$$s/$$n.patch"; \
	done
