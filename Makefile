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
#   make debug-kernel    build the debug kernel (6.1-debug: KASAN, lockdep, kmemleak)
#   make selftests       selftests in a guest on KSERIES (default 6.1)
#   make check           everything CI runs
#   make demo            boot a guest router with vpnpt and show it working
#   make bench           packet-path benchmark in a guest (docs/performance.md)
#   make install         module, tool, man page, completion, uapi header
#                        (install-module, install-tool, install-headers;
#                        DESTDIR, PREFIX, KDIR, DEPMOD; see docs/packaging.md)
#   make uninstall       remove what make install installed
#   make dkms-src        module source for DKMS in $(DESTDIR)/usr/src/vpnpt-VERSION

SERIES      := 5.10 6.1 6.12
# Built from Debian's linux-source-6.1 with the kernel's checkers on
# (scripts/debug-kernel/build); the guests of `make check` run on it.
DEBUG_SERIES := 6.1-debug
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
# Packagers building with another compiler may set WERROR= (vpnptctl only).
WERROR  ?= -Werror
PKG_CONFIG ?= pkg-config

# The protocol parsers: pure C, built into the module and into userspace.
PARSERS := $(wildcard src/*_parse.c)

# vpnptctl: its pure sources (no sockets, no libnftnl; decode.c uses libmnl's
# attribute parser) are unit-tested too.
TOOL_PURE := $(addprefix src/vpnptctl/,cli.c decode.c fmt.c json.c print.c ruleset.c)
TOOL_SRCS := $(TOOL_PURE) $(addprefix src/vpnptctl/,main.c nl.c nft.c setup.c)

# --- unit tests: parsers and tool code, under ASan and UBSan ----------------
UNIT_SRCS := $(wildcard selftests/unit/*.c) $(PARSERS) $(TOOL_PURE)
UNIT_BIN  := $(BUILD)/unit/unit-tests
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(UNIT_BIN): $(UNIT_SRCS) $(wildcard selftests/unit/*.h src/*.h src/vpnptctl/*.h include/uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iselftests/unit $(CFLAGS) -Werror $(SANITIZE) \
		$$($(PKG_CONFIG) --cflags libmnl) -o $@ $(UNIT_SRCS) $$($(PKG_CONFIG) --libs libmnl)

# check_abi.py: the copies of the netlink ABI (docs, Python test client,
# vpnptctl's tables) agree with include/uapi/linux/vpnpt.h.
unit: $(UNIT_BIN)
	$(UNIT_BIN)
	python3 selftests/unit/check_abi.py

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

.PHONY: all module tool clean matrix unit fuzz kernels debug-kernel selftests check check-packaging check-long check-stress check-debug check-full demo harness-modules bench
.PHONY: install install-module install-tool install-headers dkms-src
.PHONY: uninstall uninstall-module uninstall-tool uninstall-headers

# The unit-test rule above comes first; plain `make` means this.
.DEFAULT_GOAL := all
all: module tool

# --- vpnptctl ----------------------------------------------------------------
$(BUILD)/vpnptctl: $(TOOL_SRCS) $(wildcard src/vpnptctl/*.h src/version.h include/uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WERROR) $$($(PKG_CONFIG) --cflags libmnl libnftnl) \
		$(LDFLAGS) -o $@ $(TOOL_SRCS) $$($(PKG_CONFIG) --libs libmnl libnftnl)

tool: $(BUILD)/vpnptctl

module:
	@test -n "$(KDIR)" || { echo "make: no KDIR: install headers or run 'make kernels'" >&2; exit 1; }
	scripts/kmake $(KDIR) . modules

kernels:
	scripts/kernels

debug-kernel:
	scripts/debug-kernel/build

# Build out of tree per kernel: a copy of the sources per series under
# build/SERIES, so the builds do not share object files.
$(BUILD)/%/vpnpt.ko: FORCE
	@scripts/stage-source $(BUILD)/$*
	@scripts/kmake $* $(BUILD)/$* W=1 modules >$(BUILD)/$*/build.log 2>&1 || \
		{ cat $(BUILD)/$*/build.log; exit 1; }
	@if grep -E 'warning:|error:' $(BUILD)/$*/build.log; then \
		echo "matrix: $*: warnings are errors here"; exit 1; fi
	@echo "matrix: $*: ok ($$(scripts/kernels --path $* kver))"

matrix: kernels debug-kernel $(foreach s,$(SERIES) $(DEBUG_SERIES),$(BUILD)/$(s)/vpnpt.ko)

FORCE:

# The deliberately faulting module of the harness self-test (never shipped).
# FORCE: kbuild decides, so a rebuilt kernel gets a module built against it.
$(BUILD)/fault-%/vpnpt_fault.ko: selftests/fault/vpnpt_fault.c selftests/fault/Kbuild FORCE
	@mkdir -p $(@D) && cp -p $(filter-out FORCE,$^) $(@D)/
	@scripts/kmake $* $(@D) modules >$(@D)/build.log 2>&1 || { cat $(@D)/build.log; exit 1; }

harness-modules: kernels debug-kernel $(BUILD)/fault-6.1/vpnpt_fault.ko $(BUILD)/fault-$(DEBUG_SERIES)/vpnpt_fault.ko

# The race tests' delay injector (a kprobe that waits; never shipped).
$(BUILD)/delay-%/vpnpt_delay.ko: selftests/delay/vpnpt_delay.c selftests/delay/Kbuild FORCE
	@mkdir -p $(@D) && cp -p $(filter-out FORCE,$^) $(@D)/
	@scripts/kmake $* $(@D) modules >$(@D)/build.log 2>&1 || { cat $(@D)/build.log; exit 1; }

# Selftests in a guest booted on KSERIES: make selftests [KSERIES=5.10] [TESTS="module params"]
selftests: $(BUILD)/$(KSERIES)/vpnpt.ko
	VPNPT_KO=$(CURDIR)/$(BUILD)/$(KSERIES)/vpnpt.ko scripts/vm-run -k $(KSERIES) -- selftests/run.sh $(TESTS)

# --- benchmark: bench/run.sh in a guest on KSERIES (docs/performance.md) --------
# make bench [KSERIES=6.12] [VPNPT_BENCH_SCALE="K..." VPNPT_BENCH_CALLS=N
#             VPNPT_BENCH_PACKETS=N VPNPT_BENCH_ROUNDS=N VPNPT_BENCH_OFF=PROTO
#             VPNPT_BENCH_PHASES="1 2 3"]
$(BUILD)/vpnpt-blast: bench/blast.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -o $@ $<

# Instruction-counted (VPNPT_VM_ICOUNT, scripts/vm-run) unless BENCH_ICOUNT=0:
# then two vCPUs in real time, as the results before 2026-12-07 were taken.
BENCH_ICOUNT ?= 1
bench: $(BUILD)/$(KSERIES)/vpnpt.ko $(BUILD)/vpnpt-blast tool
	VPNPT_VM_ICOUNT=$(BENCH_ICOUNT) VPNPT_KO=$(CURDIR)/$(BUILD)/$(KSERIES)/vpnpt.ko \
		scripts/vm-run -k $(KSERIES) -m 2G -t 7200 -- bench/run.sh >$(BUILD)/bench-$(KSERIES).txt; \
		rc=$$?; cat $(BUILD)/bench-$(KSERIES).txt; exit $$rc

# --- install ------------------------------------------------------------------
# make install [DESTDIR=DIR] [PREFIX=/usr] [KDIR=...] [DEPMOD=auto|yes|no]
#
# The module goes to /lib/modules/KERNELRELEASE/updates, where it takes
# precedence over an in-tree module of the same name; KERNELRELEASE is the
# release KDIR's headers were configured for (their UTS_RELEASE, which is
# what `uname -r` and the module's vermagic say; Debian's
# include/config/kernel.release holds the upstream version, 6.1.176, not
# 6.1.0-50-amd64, so it is only the fallback). depmod runs by default only
# when installing into the live system (DESTDIR empty); DEPMOD=no never runs
# it, DEPMOD=yes always does (depmod -b DESTDIR when DESTDIR is set).
PREFIX      ?= /usr
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INCLUDEDIR  ?= $(PREFIX)/include
DEPMOD      ?= auto
INSTALL     ?= install
# modinfo and depmod live in /sbin, which is not in every user's PATH.
SBIN_PATH    = PATH="$$PATH:/usr/sbin:/sbin"

UTSRELEASE_H  = $(KDIR)/include/generated/utsrelease.h
KERNELRELEASE = $(or $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"$$/\1/p' $(UTSRELEASE_H) 2>/dev/null),$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
MODDIR = /lib/modules/$(KERNELRELEASE)/updates
VPNPT_VERSION = $(shell sed -n 's/^.define VPNPT_VERSION "\(.*\)"$$/\1/p' src/version.h)

define depmod
	@case "$(DEPMOD)" in \
	no) ;; \
	auto) if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KERNELRELEASE)"; $(SBIN_PATH) depmod -a $(KERNELRELEASE); fi ;; \
	yes) echo "depmod -a $(if $(DESTDIR),-b $(DESTDIR) )$(KERNELRELEASE)"; \
		$(SBIN_PATH) depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KERNELRELEASE) ;; \
	esac
endef

define module_checks
	@test -n "$(KERNELRELEASE)" || \
		{ echo "make: no kernel release in $(UTSRELEASE_H) (set KDIR)" >&2; exit 1; }
	@case "$(DEPMOD)" in auto | yes | no) ;; \
	*) echo "make: DEPMOD=$(DEPMOD): use auto, yes or no" >&2; exit 1 ;; esac
endef

install: install-module install-tool install-headers
uninstall: uninstall-module uninstall-tool uninstall-headers

install-module: module
	$(module_checks)
	@v=$$($(SBIN_PATH) modinfo -F vermagic vpnpt.ko | cut -d' ' -f1); [ "$$v" = "$(KERNELRELEASE)" ] || \
		{ echo "make: vpnpt.ko is built for '$$v', KDIR for '$(KERNELRELEASE)'" >&2; exit 1; }
	$(INSTALL) -D -m 644 vpnpt.ko $(DESTDIR)$(MODDIR)/vpnpt.ko
	$(depmod)

uninstall-module:
	$(module_checks)
	rm -f $(DESTDIR)$(MODDIR)/vpnpt.ko
	$(depmod)

install-tool: $(BUILD)/vpnptctl
	$(INSTALL) -D -m 755 $(BUILD)/vpnptctl $(DESTDIR)$(SBINDIR)/vpnptctl
	$(INSTALL) -D -m 644 src/vpnptctl/vpnptctl.8 $(DESTDIR)$(MANDIR)/man8/vpnptctl.8
	$(INSTALL) -D -m 644 src/vpnptctl/vpnptctl.bash $(DESTDIR)$(BASHCOMPDIR)/vpnptctl

uninstall-tool:
	rm -f $(DESTDIR)$(SBINDIR)/vpnptctl $(DESTDIR)$(MANDIR)/man8/vpnptctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/vpnptctl

install-headers:
	$(INSTALL) -D -m 644 include/uapi/linux/vpnpt.h $(DESTDIR)$(INCLUDEDIR)/linux/vpnpt.h

uninstall-headers:
	rm -f $(DESTDIR)$(INCLUDEDIR)/linux/vpnpt.h

# The module's source, dkms.conf and a Makefile for DKMS's make line, as
# DKMS expects them: $(DESTDIR)/usr/src/vpnpt-VERSION (VERSION: src/version.h).
dkms-src:
	@test -n "$(VPNPT_VERSION)" || { echo "make: no VPNPT_VERSION in src/version.h" >&2; exit 1; }
	scripts/stage-source --dkms $(DESTDIR)/usr/src/vpnpt-$(VPNPT_VERSION)

check:
	scripts/deps
	scripts/check

# The long forms of the scale and repetition tests (10,000 ESP clients, 102
# simultaneous IPsec starts, 200 load cycles) in a 6.1 guest.
LONG_TESTS := module ipsec_peers ipsec_scale pptp_scale
check-long: $(BUILD)/6.1/vpnpt.ko tool
	VPNPT_LONG=1 VPNPT_KO=$(CURDIR)/$(BUILD)/6.1/vpnpt.ko \
		scripts/vm-run -k 6.1 -t 5400 -m 4G -- selftests/run.sh $(LONG_TESTS)

# The Debian packages installed in a guest (DKMS build there): ~14 minutes,
# so a step of its own; CI runs it after `make check`.
# The concurrency stress tests at full length (100 iterations each) on the
# debug kernel, one guest each at a time (VPNPT_STRESS_ITER to change it).
STRESS_TESTS := stress_pptp stress_switches stress_module stress_netns stress_sessions
check-stress: debug-kernel $(BUILD)/$(DEBUG_SERIES)/vpnpt.ko tool
	@set -e; for t in $(STRESS_TESTS); do \
		VPNPT_STRESS_ITER=$${VPNPT_STRESS_ITER:-100} VPNPT_KO=$(CURDIR)/$(BUILD)/$(DEBUG_SERIES)/vpnpt.ko \
			scripts/vm-run -k $(DEBUG_SERIES) -t 10800 -- selftests/run.sh $$t; \
	done

# Every selftest but the stress ones on one stock kernel, one guest (about
# an hour; make check runs them all on 6.1 but a smoke set on 5.10 and 6.12):
#   make check-full KSERIES=5.10
# (the shell lists the tests when a recipe runs, not when make starts)
ALL_BUT_STRESS = $$(selftests/run.sh --list | tr ' ' '\n' | grep -v '^stress_')
check-full: $(BUILD)/$(KSERIES)/vpnpt.ko $(BUILD)/delay-$(KSERIES)/vpnpt_delay.ko tool
	VPNPT_NO_SKIP=1 VPNPT_KO=$(CURDIR)/$(BUILD)/$(KSERIES)/vpnpt.ko scripts/vm-run -k $(KSERIES) -t 10800 -- \
		selftests/run.sh $(ALL_BUT_STRESS)

# Every selftest but the stress ones on the debug kernel, one guest
# (hours under TCG: not in make check, which runs the subset in scripts/check).
check-debug: debug-kernel $(BUILD)/$(DEBUG_SERIES)/vpnpt.ko $(BUILD)/delay-$(DEBUG_SERIES)/vpnpt_delay.ko tool
	VPNPT_KO=$(CURDIR)/$(BUILD)/$(DEBUG_SERIES)/vpnpt.ko scripts/vm-run -k $(DEBUG_SERIES) -t 21600 -- \
		selftests/run.sh $(ALL_BUT_STRESS)

check-packaging:
	scripts/deps
	scripts/check debian

demo:
	scripts/demo

clean:
	-$(if $(KDIR),scripts/kmake $(KDIR) . clean)
	rm -rf $(BUILD)
