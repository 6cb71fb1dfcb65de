# SPDX-License-Identifier: GPL-2.0
#
# vpnpt top-level Makefile.
#
#   make                 module (against KDIR) and vpnptctl
#   make module          the module only
#   make tool            vpnptctl only (build/vpnptctl; needs libmnl, libnftnl)
#   make matrix          the module against every cached kernel, W=1, no warnings allowed
#   make unit            userspace unit tests
#   make kernels         fetch the supported Debian kernels into the cache
#   make selftests       selftests in a guest on KSERIES (default 6.1)
#   make check           everything CI runs
#   make demo            boot a guest router with vpnpt and show it working

SERIES      := 5.10 6.1 6.12
KSERIES     ?= 6.1
VPNPT_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vpnpt
export VPNPT_CACHE

# KDIR: the running kernel's build dir if there is one, else the cached 6.1.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
cached_kdir   = $(shell scripts/kernels --path $(1) kdir 2>/dev/null)
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(call cached_kdir,6.1))

BUILD := build

CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -std=gnu11
CPPFLAGS += -Iinclude/uapi -Isrc

# The protocol parsers: pure C, built into the module and into userspace.
PARSERS := $(wildcard src/*_parse.c)

# vpnptctl: its pure sources (no libmnl/libnftnl) are unit-tested too.
TOOL_PURE := $(addprefix src/vpnptctl/,cli.c decode.c fmt.c json.c ruleset.c)
TOOL_SRCS := $(TOOL_PURE) $(addprefix src/vpnptctl/,main.c nl.c nft.c)

# --- unit tests: parsers and tool code, under ASan and UBSan ----------------
UNIT_SRCS := $(wildcard selftests/unit/*.c) $(PARSERS) $(TOOL_PURE)
UNIT_BIN  := $(BUILD)/unit/unit-tests
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(UNIT_BIN): $(UNIT_SRCS) $(wildcard selftests/unit/*.h src/*.h src/vpnptctl/*.h include/uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iselftests/unit $(CFLAGS) -Werror $(SANITIZE) -o $@ $(UNIT_SRCS)

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# --- fuzzing: one libFuzzer target per parser -------------------------------
# make fuzz FUZZ_SECONDS=N runs each target for N seconds from its corpus.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst selftests/fuzz/fuzz_%.c,%,$(wildcard selftests/fuzz/fuzz_*.c))
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(BUILD)/fuzz/fuzz_%: selftests/fuzz/fuzz_%.c $(PARSERS) $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(PARSERS)

fuzz: $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
			$(BUILD)/fuzz/corpus-$$t selftests/fuzz/corpus/$$t \
			>$(BUILD)/fuzz/$$t.log 2>&1 || { tail -40 $(BUILD)/fuzz/$$t.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units' $(BUILD)/fuzz/$$t.log; \
	done

.PHONY: all module tool clean matrix unit fuzz kernels selftests check demo harness-modules

all: module tool

# --- vpnptctl ----------------------------------------------------------------
$(BUILD)/vpnptctl: $(TOOL_SRCS) $(wildcard src/vpnptctl/*.h src/version.h include/uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Werror $$(pkg-config --cflags libmnl libnftnl) \
		-o $@ $(TOOL_SRCS) $$(pkg-config --libs libmnl libnftnl)

tool: $(BUILD)/vpnptctl

module:
	@test -n "$(KDIR)" || { echo "make: no KDIR: install headers or run 'make kernels'" >&2; exit 1; }
	scripts/kmake $(KDIR) . modules

kernels:
	scripts/kernels

# Build out of tree per kernel: a copy of the sources per series under
# build/SERIES, so the builds do not share object files.
$(BUILD)/%/vpnpt.ko: FORCE
	@scripts/stage-source $(BUILD)/$*
	@scripts/kmake $* $(BUILD)/$* W=1 modules >$(BUILD)/$*/build.log 2>&1 || \
		{ cat $(BUILD)/$*/build.log; exit 1; }
	@if grep -E 'warning:|error:' $(BUILD)/$*/build.log; then \
		echo "matrix: $*: warnings are errors here"; exit 1; fi
	@echo "matrix: $*: ok ($$(scripts/kernels --path $* kver))"

matrix: kernels $(foreach s,$(SERIES),$(BUILD)/$(s)/vpnpt.ko)

FORCE:

# The deliberately faulting module of the harness self-test (never shipped).
$(BUILD)/fault-%/vpnpt_fault.ko: selftests/fault/vpnpt_fault.c selftests/fault/Kbuild
	@mkdir -p $(@D) && cp -p $^ $(@D)/
	@scripts/kmake $* $(@D) modules >$(@D)/build.log 2>&1 || { cat $(@D)/build.log; exit 1; }

harness-modules: kernels $(BUILD)/fault-6.1/vpnpt_fault.ko

# Selftests in a guest booted on KSERIES: make selftests [KSERIES=5.10] [TESTS="module params"]
selftests: $(BUILD)/$(KSERIES)/vpnpt.ko
	VPNPT_KO=$(CURDIR)/$(BUILD)/$(KSERIES)/vpnpt.ko scripts/vm-run -k $(KSERIES) -- selftests/run.sh $(TESTS)

check:
	scripts/deps
	scripts/check

demo:
	scripts/demo

clean:
	-$(if $(KDIR),scripts/kmake $(KDIR) . clean)
	rm -rf $(BUILD)
