# stage5-waitfree/extensions/elem/elem.mk: items of any type (spsc_elem.h),
# included by the top Makefile after claim/claim.mk, whose as_stage_rules
# it uses.
#
#   make test-elem      the contract suite and the stress runner (-O2 -g)
#                       on 256-byte items copied in and out by the copy
#                       calls; the stress under ThreadSanitizer and its
#                       negative control; every test under ASan + UBSan
#   make fuzz-elem, soak-elem, soak-tsan-elem, memcheck-elem, test-arm64-elem   as for a stage
#   make diff-elem      its push and pop beside stage 5's: what the type changes
# `make check` runs check-elem.

.PHONY: check-elem tsan-control-elem

# elem-relaxed-publish: try_push's store of tail relaxed: the consumer's copy
# out of a slot races the producer's copy into it (tail).
control_header_elem-relaxed-publish := elem/spsc_elem.h
control_race_elem-relaxed-publish   := tail

CHECK_PARTS += check-elem
$(eval $(call as_stage_rules,elem,COPY,32,$(AS_STAGE_BULK_TEST),elem-relaxed-publish))

# What the template changes in stage 5's push and pop: the two functions of
# each header, side by side (diff exits 1 when they differ, as they must).
.PHONY: diff-elem
ELEM_SRC := $(TOP)/stage5-waitfree/extensions/elem
elem_functions = awk '/^static inline bool .*try_pu(sh|p)[)(]|^static inline bool .*try_pop[)(]/ { on = 1 } on { print } on && /^}/ { on = 0 }' $1
diff-elem:
	@$(call elem_functions,$(TOP)/stage5-waitfree/spsc.h) >$(BUILD)/diff-elem-stage5.txt
	@$(call elem_functions,$(ELEM_SRC)/spsc_elem.h) >$(BUILD)/diff-elem-elem.txt
	@diff -u --label 'stage5-waitfree/spsc.h: try_push, try_pop' --label 'extensions/elem/spsc_elem.h: try_push, try_pop' \
		$(BUILD)/diff-elem-stage5.txt $(BUILD)/diff-elem-elem.txt; test $$? -le 1
