# SPDX-License-Identifier: BSD-2-Clause
# kaslboot: a second-stage UEFI bootloader for arm64.
#
#   make            build/BOOTAA64.EFI (cross-built against Debian's gnu-efi:arm64)
#   make esp        build/esp.img: the demo ESP (loader, config, Debian kernel, initramfs)
#   make run        boot the demo under QEMU + AAVMF, serial on this terminal
#   make check      host unit tests (ASan+UBSan, cmocka), lint, a fuzz smoke run, then QEMU
#                   integration tests (pytest)
#   make unit       host unit tests only (with the replay of every fuzz corpus and regression,
#                   make layers, make licence and the tests of both)
#   make lint       clang-format on changed lines, cppcheck, shellcheck, make layers
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (60) each, one after the other
#   make fuzz-smoke the same for 5 s each (what `make check` runs)
#   make bench      host benchmarks, then the boot benchmark (kaslboot against the kernel's
#                   own EFI stub under QEMU, steady state and first boot, the ESP's writes
#                   reaching its image; BENCH_BOOTS=N boots each, default 5;
#                   BENCH_ARGS="--entries 1,10,100,1000 --memory": the entries scaling)
#
# Layout: efi/ is the only code that sees UEFI types; loader/, mm/, dtb/, formats/ and
# crypto/ are portable C that is built twice: into the PE and, for tests, for the host.

BUILD    ?= build
DEPS     := $(BUILD)/deps
CROSS    ?= aarch64-linux-gnu-
CC_EFI   := $(CROSS)gcc
OBJCOPY  := $(CROSS)objcopy
HOSTCC   ?= gcc
# Debian's interpreter: pytest and pexpect come from Debian packages (scripts/setup.sh).
PYTHON   ?= /usr/bin/python3
# A tag's `git describe`, or without tags 0.0.<commits>-g<hash>: either way `sort -V` orders
# builds of one history, which is what kaslboot-install --update compares.
VERSION  := $(shell git describe --dirty --tags 2>/dev/null || \
              echo "0.0.$$(git rev-list --count HEAD 2>/dev/null || echo 0)-g$$(git describe --always --dirty 2>/dev/null || echo unknown)")

# Packages are installed by scripts/setup.sh; the deps that live under build/ (gnu-efi,
# the demo kernel, busybox) are fetched by scripts/fetch-deps.sh. Both are idempotent.
SETUP_STAMP := $(BUILD)/.setup-done
GNUEFI      := $(DEPS)/gnu-efi/usr
GNUEFI_LIB  := $(GNUEFI)/lib
GNUEFI_INC  := $(GNUEFI)/include/efi
ARM64_LIBDIR := usr/lib/aarch64-linux-gnu

PORTABLE_DIRS := lib loader mm dtb formats crypto
# Files that only make sense on the CPU (inline system-register asm, assembly) end in
# _arm64.c or .S, and the PE's own C library ends in _freestanding.c: all are left out of
# the host build. Their host stand-ins end in _host.c and are left out of the PE.
ALL_PORTABLE  := $(foreach d,$(PORTABLE_DIRS),$(wildcard $(d)/*.c))
PORTABLE_SRCS := $(filter-out %_arm64.c %_freestanding.c %_host.c,$(ALL_PORTABLE))
ARM64_C_SRCS  := $(filter %_arm64.c %_freestanding.c,$(ALL_PORTABLE))
HOST_ONLY_SRCS := $(filter %_host.c,$(ALL_PORTABLE))
ASM_SRCS      := $(foreach d,$(PORTABLE_DIRS) efi,$(wildcard $(d)/*.S))
EFI_SRCS      := $(wildcard efi/*.c)
# TRACKED=1 builds only files git knows: lets one person build while others have
# half-written files in the tree.
ifeq ($(TRACKED),1)
GIT_FILES     := $(shell git ls-files)
PORTABLE_SRCS := $(filter $(GIT_FILES),$(PORTABLE_SRCS))
ARM64_C_SRCS  := $(filter $(GIT_FILES),$(ARM64_C_SRCS))
ASM_SRCS      := $(filter $(GIT_FILES),$(ASM_SRCS))
EFI_SRCS      := $(filter $(GIT_FILES),$(EFI_SRCS))
endif

EFI_OBJS := $(patsubst %.c,$(BUILD)/efi-obj/%.o,$(EFI_SRCS) $(PORTABLE_SRCS) $(ARM64_C_SRCS)) \
            $(patsubst %.S,$(BUILD)/efi-obj/%.o,$(ASM_SRCS))

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wvla

# -Os: kaslboot runs nearly all of its code once a boot, so there is no hot loop for -O2
# to win (the copies, fills and the cache clean are unrolled by hand), and under QEMU TCG
# each first run of code is translated: less code is less time. Measured with
# scripts/bench-boot.py (an -O2 build as a --variant): no phase was slower beyond the
# noise, and the PE is 20 KiB smaller.
# -flto: the whole loader is optimized as one unit at link time (what only the host tests
# call, or what one caller uses, disappears or is inlined): 173056 -> 147968 bytes. The
# link runs through $(CC_EFI) with the same flags, so that the code generated then still
# obeys -mstrict-align and -mgeneral-regs-only below.
# -flto-partition=one -fipa-pta -fvisibility=hidden: the link-time optimizer sees the
# whole loader as one unit with points-to analysis, and no function is interposable (the
# PE exports nothing): 1.5 KiB less code, measured when the devicetree and stub-duty work
# met the budget.
# -ffunction-sections -fdata-sections: one section per function and object, for
# --gc-sections (EFI_LDFLAGS).
# -mstrict-align: some of this code (the trampoline, MMU switch) runs with the MMU off, where
# every access is Device memory and an unaligned access faults (Arm ARM B2.5.2).
# -mgeneral-regs-only: no FP/SIMD state is touched, so nothing must be saved across handoff.
# -fno-jump-tables -fno-tree-switch-conversion: a switch becomes compares, not a table in
# .text (or a table of pointers to relocate): 304 bytes less in the PE, and no switch here
# runs often enough for a table to be faster.
EFI_CFLAGS := -std=gnu11 -Os -flto=auto -flto-partition=one -fipa-pta -fvisibility=hidden -g $(WARN) -ffreestanding -ffunction-sections -fdata-sections -fno-stack-protector -fno-stack-check \
        -fno-jump-tables -fno-tree-switch-conversion \
        -fpic -fshort-wchar -fno-strict-aliasing -fno-builtin-printf -mstrict-align \
        -mgeneral-regs-only -I. -Iinclude -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/aarch64 \
        -isystem $(DEPS)/libfdt/usr/include -isystem $(DEPS)/zlib/usr/include \
        -I$(BUILD)/gen -DKASLBOOT_EFI=1 -MMD -MP
EFI_ASFLAGS := -I. -D__ASSEMBLY__ -MMD -MP

# The PE32+ header and _start are ours (pe/header_aarch64.S, laid out by pe/kaslboot.lds),
# not gnu-efi's crt0: its header copies zero-initialized data into the file, and its
# _relocate reads 24-byte RELA entries (efi/self_relocate.c reads RELR). --gc-sections with -ffunction-sections
# -fdata-sections: what only the host tests call does not ship; the linker script keeps
# the header and exports no symbol (an exported symbol would be a root).
PE_LDS := pe/kaslboot.lds
PE_HEADER_OBJ := $(BUILD)/efi-obj/pe/header_aarch64.o
comma := ,
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -z norelro --no-undefined --no-warn-rwx-segments \
        --gc-sections -T $(PE_LDS)
# gnu-efi: its headers only; not libefi.a (efi/firmware.c stands in for the little of it
# kaslboot used).
EFI_LIBS := $(DEPS)/libfdt/$(ARM64_LIBDIR)/libfdt.a $(DEPS)/zlib/$(ARM64_LIBDIR)/libz.a

HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -I. -Iinclude \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -DKASLBOOT_HOST=1 -MMD -MP
HOST_LIBS := -lcmocka -lfdt -lz -lcrypto -llz4 -lm
HOST_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(PORTABLE_SRCS) $(HOST_ONLY_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_HELPERS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: all efi esp run check unit layers licence lint-tests lint integration e2e faults bench setup deps clean fuzz fuzz-smoke fuzz-replay install uninstall
all: efi
efi: $(BUILD)/BOOTAA64.EFI

# The MMU-on probe payload (build/payload/probe.elf, tests/payload/payload.mk). Included
# before any rule that names $(PROBE_ELF): make expands a rule's prerequisites as it reads
# the rule, so a later include would leave them empty. After `all`, so that its `probe`
# target does not become the default goal.
include tests/payload/payload.mk

$(SETUP_STAMP): scripts/setup.sh scripts/fetch-deps.sh
	bash scripts/setup.sh
	bash scripts/fetch-deps.sh $(DEPS)
	@mkdir -p $(@D) && touch $@
setup: $(SETUP_STAMP)

# The version string lives in a header rewritten only when `git describe` changes, so a
# new commit rebuilds efi/main.c alone.
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define KASLBOOT_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/efi-obj/efi/main.o $(BUILD)/efi-obj/efi/version_marker.o: $(BUILD)/gen/version.h
FORCE:

$(BUILD)/efi-obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC_EFI) $(EFI_CFLAGS) -c $< -o $@
$(BUILD)/efi-obj/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC_EFI) $(EFI_ASFLAGS) -c $< -o $@

$(BUILD)/kaslboot.so: $(PE_HEADER_OBJ) $(EFI_OBJS) $(PE_LDS)
	@echo "  LD      $@"
	@$(CC_EFI) $(filter-out -MMD -MP,$(EFI_CFLAGS)) -fuse-linker-plugin -nostdlib \
		$(addprefix -Wl$(comma),$(EFI_LDFLAGS)) $(PE_HEADER_OBJ) $(EFI_OBJS) \
		-Wl,--start-group $(EFI_LIBS) -Wl,--end-group -o $@

# The body: first the image as loaded (file offset = RVA) up to the end of .data's raw part: the
# sections pe/kaslboot.lds puts there, padded to _data_raw_end (SizeOfRawData is a whole
# number of FileAlignment units, and EDK2 reads each section's last byte). .bss is not
# copied: the header declares it as .data's zero-filled tail. scripts/pe-pack.py then
# places each section at the file offset the header gives it. It is checked with
# BOOTAA64.EFI below.
BODY_EFI := $(BUILD)/body.efi
$(BODY_EFI): $(BUILD)/kaslboot.so scripts/pe-pack.py scripts/pe_elf.py
	@echo "  PE      $@"
	@$(OBJCOPY) -j .text -j .data -O binary \
		--pad-to=0x$$($(CROSS)nm $< | sed -n 's/^\([0-9a-f]*\) . _data_raw_end$$/\1/p') $< $@.flat
	@$(PYTHON) scripts/pe-pack.py $< $@.flat $@ && rm -f $@.flat

# BOOTAA64.EFI is self-decompressing, as Linux's EFI zboot kernels are: the unpack stub
# (efi/unpack/, its header and linker script pe/unpack_*) holds the body as one LZ4 block
# at LZ4HC's highest level (scripts/lz4-block.c on Debian's liblz4), which it decodes with
# lib/lz4_block.c into pages of its own and runs. scripts/pe-body.py flattens the body as
# a PE loader would and writes what the stub must know of it (unpack_body.h).
# scripts/pe-check.py then checks the outer file and the body, and that the one holds the
# other.
LZ4_TOOL := $(BUILD)/tools/lz4-block
$(LZ4_TOOL): scripts/lz4-block.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=gnu11 -O2 $(WARN) $< -llz4 -o $@
$(BUILD)/gen/body.flat $(BUILD)/gen/unpack_body.h &: $(BODY_EFI) scripts/pe-body.py scripts/pe_load.py
	@mkdir -p $(@D)
	@$(PYTHON) scripts/pe-body.py $< $(BUILD)/gen/body.flat $(BUILD)/gen/unpack_body.h
$(BUILD)/gen/body.lz4: $(BUILD)/gen/body.flat $(LZ4_TOOL)
	@echo "  LZ4HC   $@"
	@$(LZ4_TOOL) c $< $@

UNPACK_SRCS := $(wildcard efi/unpack/*.c)
ifeq ($(TRACKED),1)
UNPACK_SRCS := $(filter $(GIT_FILES),$(UNPACK_SRCS))
endif
UNPACK_LDS := pe/unpack.lds
# The stub's own files, and what it calls of the portable code (the LZ4 decoder, the cache
# maintenance, memset) and the version marker; --gc-sections keeps only what it uses.
UNPACK_OBJS := $(BUILD)/efi-obj/pe/unpack_header_aarch64.o $(BUILD)/efi-obj/efi/unpack/payload.o \
	$(patsubst %.c,$(BUILD)/efi-obj/%.o,$(UNPACK_SRCS)) \
	$(addprefix $(BUILD)/efi-obj/,lib/lz4_block.o mm/cpu_arm64.o lib/libc_freestanding.o \
	efi/version_marker.o)
$(BUILD)/efi-obj/efi/unpack/payload.o: EFI_ASFLAGS += -I$(BUILD)/gen
$(BUILD)/efi-obj/efi/unpack/payload.o: $(BUILD)/gen/body.lz4 $(BUILD)/gen/unpack_body.h
$(patsubst %.c,$(BUILD)/efi-obj/%.o,$(UNPACK_SRCS)): $(BUILD)/gen/unpack_body.h $(BUILD)/gen/version.h
$(BUILD)/unpack.so: $(UNPACK_OBJS) $(UNPACK_LDS)
	@echo "  LD      $@"
	@$(CC_EFI) $(filter-out -MMD -MP,$(EFI_CFLAGS)) -fuse-linker-plugin -nostdlib \
		$(addprefix -Wl$(comma),$(subst $(PE_LDS),$(UNPACK_LDS),$(EFI_LDFLAGS))) \
		$(UNPACK_OBJS) -o $@
$(BUILD)/BOOTAA64.EFI: $(BUILD)/unpack.so $(BODY_EFI) $(LZ4_TOOL) scripts/pe-pack.py scripts/pe-check.py \
		scripts/pe_elf.py scripts/pe_load.py
	@echo "  PE      $@"
	@$(OBJCOPY) -j .text -j .sbat -O binary \
		--pad-to=0x$$($(CROSS)nm $< | sed -n 's/^\([0-9a-f]*\) . _data_raw_end$$/\1/p') $< $@.flat
	@$(PYTHON) scripts/pe-pack.py $< $@.flat $@ && rm -f $@.flat
	@$(PYTHON) scripts/pe-check.py --body $(BUILD)/kaslboot.so $(BODY_EFI) $(LZ4_TOOL) $< $@ \
		|| { rm -f $@; exit 1; }

esp: $(BUILD)/esp.img
$(BUILD)/esp.img: $(BUILD)/BOOTAA64.EFI esp/mkesp.sh esp/mkinitramfs.sh $(wildcard esp/*.conf esp/entries/*.conf tests/initramfs/*) | $(SETUP_STAMP)
	bash esp/mkesp.sh $(BUILD) $@

run: $(BUILD)/esp.img
	$(PYTHON) scripts/qemu-run.py --esp $(BUILD)/esp.img --interactive $(QEMU_ARGS)

$(BUILD)/host-obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@
$(BUILD)/libkaslboot-host.a: $(HOST_OBJS)
	@rm -f $@ && ar rcs $@ $^
$(BUILD)/unit/%: tests/unit/%.c $(UNIT_HELPERS) $(BUILD)/libkaslboot-host.a
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) -Itests/unit $< $(UNIT_HELPERS) $(BUILD)/libkaslboot-host.a $(HOST_LIBS) -o $@
# Host programs the integration tests run against a reference tool (tests/tools/).
$(BUILD)/tools/%: tests/tools/%.c $(UNIT_HELPERS) $(BUILD)/libkaslboot-host.a
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(HOST_CFLAGS) -Itests/unit $< $(UNIT_HELPERS) $(BUILD)/libkaslboot-host.a $(HOST_LIBS) -o $@

# The layering of docs/hacking.md, checked on every `make unit` (scripts/layers.sh has the
# rules: lib/ includes only lib/; mm/, dtb/, formats/ and crypto/ only lib/ and themselves;
# loader/ never efi/; only dtb/ and loader/ parse DTs), and no include cycle among our files.
layers:
	@sh scripts/layers.sh
	@$(PYTHON) scripts/include-cycles.py

# LICENSE: every tracked file starts with its SPDX line, or is allow-listed in
# scripts/spdx.py (fuzz inputs, documents). `scripts/spdx.py --fix` adds the missing ones.
licence:
	@$(PYTHON) scripts/spdx.py

# The checks above checked: tests/lint/test_*.sh plant a violation in a copy of the tree
# and expect the check to fail.
LINT_TESTS := $(wildcard tests/lint/test_*.sh)
lint-tests:
	@set -e; for t in $(LINT_TESTS); do echo "== $$t"; sh $$t; done

# make lint (docs/hacking.md, Lint): clang-format on the C lines changed since LINT_BASE
# (default: the merge base with main), cppcheck over the PE's and the host build's sources
# (findings accepted only in .cppcheck.suppressions, each with its reason), shellcheck on
# every shell script, the header-guard pattern, and make layers. Part of make check.
LINT_BASE ?=
CPPCHECK := cppcheck -q --std=c11 --platform=unix64 --error-exitcode=1 --inline-suppr \
	--enable=warning,performance,portability --suppressions-list=.cppcheck.suppressions \
	--template='{file}:{line}: {severity}: {message} [{id}]' -I. -Iinclude
# Shell scripts are found by their shebang: hooks and scripts have no .sh.
SHELL_SCRIPTS = $(shell for f in $$(git ls-files scripts install esp tests .ci); do \
	head -n1 "$$f" | grep -qE '^\#!.*[/ ](ba)?sh$$' && echo "$$f"; done)
lint: layers | $(SETUP_STAMP)
	@sh scripts/lint-format.sh $(LINT_BASE)
	@$(PYTHON) scripts/header-guards.py
	@echo "  CPPCHECK the PE's sources"
	@$(CPPCHECK) -DKASLBOOT_EFI=1 -D__aarch64__=1 -I$(GNUEFI_INC) -I$(GNUEFI_INC)/aarch64 \
		$(EFI_SRCS) $(UNPACK_SRCS) $(PORTABLE_SRCS) $(ARM64_C_SRCS)
	@echo "  CPPCHECK the host build's sources and tests"
	@$(CPPCHECK) -DKASLBOOT_HOST=1 -Itests/unit $(PORTABLE_SRCS) $(HOST_ONLY_SRCS) \
		$(wildcard tests/unit/*.c tests/fuzz/*.c)
	@echo "  SHELLCHECK $(words $(SHELL_SCRIPTS)) scripts"
	@shellcheck $(SHELL_SCRIPTS)

# Every binary runs even after one fails; a line per binary, then the count, which is the
# last line printed (make adds its own "Error 1" line on stderr when one failed).
# The benchmarks are built (not run) too, so that `make bench` cannot break unnoticed.
unit: layers licence lint-tests $(UNIT_BINS) fuzz-replay-bins $(BENCH_BINS)
	@pass=0; fail=0; summary=; \
	for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		if $$t; then pass=$$((pass + 1)); summary="$$summary  PASS $$t\n"; \
		else rc=$$?; fail=$$((fail + 1)); summary="$$summary  FAIL $$t (exit $$rc)\n"; fi; \
	done; \
	printf '== summary\n%b' "$$summary"; \
	echo "unit: $$pass passed, $$fail failed"; \
	test $$fail -eq 0
	@$(FUZZ_REPLAY)

# The Debian end-to-end test (tests/integration/test_debian_e2e.py) is part of
# `integration`; `make e2e` runs it alone.
E2E_TEST := tests/integration/test_debian_e2e.py
# The Debian release it builds: trixie (13) by default, `make e2e SUITE=bookworm` for 12.
SUITE ?= trixie
export SUITE
# --durations: the slowest tests in every run's log, to keep .ci/run under its 45 minutes.
integration: $(BUILD)/esp.img $(PROBE_ELF) $(BUILD)/tools/uki_pcr11
	$(PYTHON) -m pytest -q --durations=12 tests/integration $(PYTEST_ARGS)
e2e: $(BUILD)/esp.img
	$(PYTHON) -m pytest -q $(E2E_TEST) $(PYTEST_ARGS)

# The power-cut campaign and the disk-error cases (scripts/fault-campaign.py, issue 23):
# N cuts, each followed by fsck.fat, a check of every file and an uncut boot to Linux.
# A bounded run is in `make integration` (tests/integration/test_faults.py).
N ?= 200
faults: $(BUILD)/esp.img
	$(PYTHON) scripts/fault-campaign.py --cuts $(N) --blkdebug all --full-esp $(FAULTS_ARGS)

# One command runs every test; pytest's summary is the last line. The fuzz smoke run comes
# before the (slow) integration tests, and never in parallel with them.
check: unit
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory integration

# ---- Fuzzing (tests/fuzz/, docs/hacking.md "Fuzzing") ------------------------------------
# One libFuzzer target per parser, tests/fuzz/fuzz_<target>.c, built with clang, ASan and
# UBSan against a coverage-instrumented build of the portable code. `make fuzz` runs each
# in turn for FUZZ_SECONDS from tests/fuzz/corpus/<target>/ (read only; what it finds goes
# to build/fuzz/corpus/<target>/, crashes to build/fuzz/artifacts/<target>/). An input that
# failed is copied to tests/fuzz/regressions/<target>/: `make unit` replays every corpus and
# regression file through the same targets built with gcc and a plain main().
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS    := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
REPLAY_BINS  := $(patsubst %,$(BUILD)/fuzz-replay/fuzz_%,$(FUZZ_NAMES))
FUZZ_CFLAGS  := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -I. -Iinclude -DKASLBOOT_HOST=1 \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
FUZZ_OBJS    := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(PORTABLE_SRCS) $(HOST_ONLY_SRCS))
# What the portable code links against on the host, without the test-only libraries.
FUZZ_LIBS    := -lfdt -lz -llz4
FUZZ_HDRS    := tests/fuzz/fuzz.h

$(BUILD)/fuzz/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/libkaslboot-fuzz.a: $(FUZZ_OBJS)
	@rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(BUILD)/fuzz/libkaslboot-fuzz.a
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(filter-out -MMD -MP,$(FUZZ_CFLAGS)) -fsanitize=fuzzer $< \
		$(BUILD)/fuzz/libkaslboot-fuzz.a $(FUZZ_LIBS) -o $@
$(BUILD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(FUZZ_HDRS) $(BUILD)/libkaslboot-host.a
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	@$(HOSTCC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $< tests/fuzz/replay_main.c \
		$(BUILD)/libkaslboot-host.a $(FUZZ_LIBS) -o $@

# Named here, after REPLAY_BINS is set: `unit` above builds them through this target.
.PHONY: fuzz-replay-bins
fuzz-replay-bins: $(REPLAY_BINS)

FUZZ_REPLAY = set -e; for t in $(FUZZ_NAMES); do echo "== fuzz replay $$t"; \
	$(BUILD)/fuzz-replay/fuzz_$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t; done
fuzz-replay: $(REPLAY_BINS)
	@$(FUZZ_REPLAY)
fuzz: $(FUZZ_BINS)
	@bash scripts/fuzz-run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)
fuzz-smoke: $(FUZZ_BINS)
	@bash scripts/fuzz-run.sh $(BUILD)/fuzz $(FUZZ_SMOKE_SECONDS) $(FUZZ_NAMES)

# Benchmarks: optimized host build, no sanitizers (they would dominate the figures). Each
# links what it calls (--gc-sections): the boot flow's CPU calls (mm/*_arm64.c) have no host
# build outside the unit tests' fake CPU, and no benchmark reaches them.
$(BUILD)/bench/%: tests/bench/%.c $(PORTABLE_SRCS) $(HOST_ONLY_SRCS) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(HOSTCC) -std=gnu11 -O2 -ffunction-sections -fdata-sections -Wl,--gc-sections -I. -Iinclude \
		-DKASLBOOT_HOST=1 $< $(PORTABLE_SRCS) $(HOST_ONLY_SRCS) $(HOST_LIBS) -o $@
# The boot benchmark measures (medians, the ratio kaslboot/stub, kaslboot's phases); it
# passes or fails nothing, so `make check` does not run it.
# systemd-boot 252 (Debian's systemd-boot-efi:arm64, unpacked, not installed) is a third
# column when the package can be fetched.
BENCH_BOOTS ?= 5
SYSTEMD_BOOT_EFI := $(BUILD)/bench/systemd-boot/usr/lib/systemd/boot/efi/systemd-bootaa64.efi
$(SYSTEMD_BOOT_EFI):
	@mkdir -p $(BUILD)/bench/debs
	cd $(BUILD)/bench/debs && rm -f systemd-boot-efi_*.deb && apt-get download -qq systemd-boot-efi:arm64
	dpkg-deb -x $(BUILD)/bench/debs/systemd-boot-efi_*.deb $(BUILD)/bench/systemd-boot
bench: $(BENCH_BINS) $(BUILD)/esp.img
	@set -e; for b in $(BENCH_BINS); do $$b; done
	@$(MAKE) --no-print-directory $(SYSTEMD_BOOT_EFI) || echo "bench: no systemd-boot-efi package: its column is left out"
	sd=; [ -e $(SYSTEMD_BOOT_EFI) ] && sd="--systemd-boot $(SYSTEMD_BOOT_EFI)"; \
	$(PYTHON) scripts/bench-boot.py --esp $(BUILD)/esp.img --boots $(BENCH_BOOTS) $$sd $(BENCH_ARGS)

# Where a Debian system keeps such files. kernel-install reads its plugins only from
# /etc/kernel/install.d and /usr/lib/kernel/install.d, whatever PREFIX is.
PREFIX          ?= /usr
SYSCONFDIR      ?= /etc
KERNEL_INSTALL_D ?= /usr/lib/kernel/install.d
KASLBOOT_LIBDIR := $(PREFIX)/lib/kaslboot
INSTALLED := $(KASLBOOT_LIBDIR)/kaslbootaa64.efi $(PREFIX)/bin/kaslboot-install \
	$(SYSCONFDIR)/kernel/postinst.d/zz-kaslboot $(SYSCONFDIR)/kernel/postrm.d/zz-kaslboot \
	$(SYSCONFDIR)/initramfs/post-update.d/kaslboot $(KERNEL_INSTALL_D)/89-kaslboot.install \
	$(KERNEL_INSTALL_D)/91-kaslboot-sign.install

install: $(BUILD)/BOOTAA64.EFI
	install -D -m 0644 $(BUILD)/BOOTAA64.EFI $(DESTDIR)$(KASLBOOT_LIBDIR)/kaslbootaa64.efi
	install -d $(DESTDIR)$(PREFIX)/bin
	sed 's|^LIBDIR=.*|LIBDIR=$(KASLBOOT_LIBDIR)|' scripts/kaslboot-install > $(DESTDIR)$(PREFIX)/bin/kaslboot-install
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/kaslboot-install
	install -D -m 0755 install/hooks/postinst.d-zz-kaslboot $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-kaslboot
	install -D -m 0755 install/hooks/postrm.d-zz-kaslboot $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-kaslboot
	install -D -m 0755 install/hooks/post-update.d-kaslboot $(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/kaslboot
	install -D -m 0755 install/kernel-install/89-kaslboot.install $(DESTDIR)$(KERNEL_INSTALL_D)/89-kaslboot.install
	install -D -m 0755 install/kernel-install/91-kaslboot-sign.install $(DESTDIR)$(KERNEL_INSTALL_D)/91-kaslboot-sign.install

# Takes back what `install` put there; what kaslboot-install put on an ESP stays (run
# `kaslboot-install --remove` first).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(KASLBOOT_LIBDIR) 2>/dev/null

clean:
	rm -rf $(BUILD)/efi-obj $(BUILD)/host-obj $(BUILD)/unit $(BUILD)/bench $(BUILD)/*.so \
		$(BUILD)/body.efi $(BUILD)/gen/body.* $(BUILD)/gen/unpack_body.h $(LZ4_TOOL) \
		$(BUILD)/fuzz $(BUILD)/fuzz-replay \
		$(BUILD)/*.EFI $(BUILD)/*.img $(BUILD)/*.a

-include $(shell find $(BUILD)/efi-obj $(BUILD)/host-obj $(BUILD)/unit $(BUILD)/fuzz/obj -type f -name '*.d' 2>/dev/null)

# test_elf, test_boot_flow, test_measure and test_lz4_block load the probe, so it is built first.
$(BUILD)/unit/test_elf $(BUILD)/unit/test_boot_flow $(BUILD)/unit/test_measure $(BUILD)/unit/test_lz4_block: $(PROBE_ELF)
