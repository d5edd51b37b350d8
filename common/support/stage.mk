# common/support/stage.mk: included by every stage's Makefile, so that
# `make -C stageN-... test` (or `make test` inside a stage) runs that stage's
# tests through the top-level Makefile. The stage is the directory's name,
# and it is the only stage in STAGES for that run: a new rung can be tested
# this way before it joins the list.
STAGE_DIR := $(notdir $(CURDIR))
TOP_DIR   := $(abspath $(CURDIR)/..)
ONE_STAGE := --no-print-directory -C $(TOP_DIR) STAGES=$(STAGE_DIR)

.PHONY: all test contract tsan asan clean
all:
	@$(MAKE) $(ONE_STAGE) $(abspath $(TOP_DIR)/build/test/$(STAGE_DIR))
test:
	@$(MAKE) $(ONE_STAGE) deps-test test-$(STAGE_DIR)
contract tsan asan:
	@$(MAKE) $(ONE_STAGE) $@-$(STAGE_DIR)
clean:
	@$(MAKE) $(ONE_STAGE) clean
