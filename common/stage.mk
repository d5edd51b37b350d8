# common/stage.mk: included by every stage's Makefile, so that
# `make -C stageN-... test` (or `make test` inside a stage) runs that stage's
# tests through the top-level Makefile. The stage is the directory's name.
STAGE_DIR := $(notdir $(CURDIR))
TOP_DIR   := $(abspath $(CURDIR)/..)

.PHONY: all test contract tsan asan clean
all:
	@$(MAKE) --no-print-directory -C $(TOP_DIR) $(abspath $(TOP_DIR)/build/test/$(STAGE_DIR))
test:
	@$(MAKE) --no-print-directory -C $(TOP_DIR) deps test-$(STAGE_DIR)
contract tsan asan:
	@$(MAKE) --no-print-directory -C $(TOP_DIR) $@-$(STAGE_DIR)
clean:
	@$(MAKE) --no-print-directory -C $(TOP_DIR) clean
