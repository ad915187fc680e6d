# kaslboot: a second-stage UEFI bootloader for arm64.
#
#   make            build/BOOTAA64.EFI (cross-built against Debian's gnu-efi:arm64)
#   make esp        build/esp.img: the demo ESP (loader, config, Debian kernel, initramfs)
#   make run        boot the demo under QEMU + AAVMF, serial on this terminal
#   make check      host unit tests (ASan+UBSan, cmocka) then QEMU integration tests (pytest)
#   make unit       host unit tests only
#   make bench      host benchmarks
#
# Layout: efi/ is the only code that sees UEFI types; loader/, mm/ and dtb/ are portable C
# that is built twice: into the PE and, for tests, for the host.

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

PORTABLE_DIRS := lib loader mm dtb
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

# -mstrict-align: some of this code (the trampoline, MMU switch) runs with the MMU off, where
# every access is Device memory and an unaligned access faults (Arm ARM B2.5.2).
# -mgeneral-regs-only: no FP/SIMD state is touched, so nothing must be saved across handoff.
EFI_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector -fno-stack-check \
        -fpic -fshort-wchar -fno-strict-aliasing -fno-builtin-printf -mstrict-align \
        -mgeneral-regs-only -I. -isystem $(GNUEFI_INC) -isystem $(GNUEFI_INC)/aarch64 \
        -isystem $(DEPS)/libfdt/usr/include -isystem $(DEPS)/zlib/usr/include \
        -I$(BUILD)/gen -DKASLBOOT_EFI=1 -MMD -MP
EFI_ASFLAGS := -I. -D__ASSEMBLY__ -MMD -MP

# gnu-efi's aarch64 crt0 builds a PE by hand: EFI_SUBSYSTEM 0xa = EFI application.
EFI_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -z norelro --no-undefined --no-warn-rwx-segments \
        -T $(GNUEFI_LIB)/elf_aarch64_efi.lds --defsym=EFI_SUBSYSTEM=0xa
EFI_LIBS := $(DEPS)/libfdt/$(ARM64_LIBDIR)/libfdt.a $(DEPS)/zlib/$(ARM64_LIBDIR)/libz.a \
        $(GNUEFI_LIB)/libefi.a $(GNUEFI_LIB)/libgnuefi.a

HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -I. \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -DKASLBOOT_HOST=1 -MMD -MP
HOST_LIBS := -lcmocka -lfdt -lz -lcrypto -lm
HOST_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(PORTABLE_SRCS) $(HOST_ONLY_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_HELPERS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: all efi esp run check unit integration bench setup deps clean install uninstall
all: efi
efi: $(BUILD)/BOOTAA64.EFI

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

$(BUILD)/kaslboot.so: $(EFI_OBJS)
	@echo "  LD      $@"
	@$(CROSS)ld $(EFI_LDFLAGS) $(GNUEFI_LIB)/crt0-efi-aarch64.o $(EFI_OBJS) \
		--start-group $(EFI_LIBS) --end-group -o $@

# The sections gnu-efi's linker script lays out, copied into a PE32+ image.
$(BUILD)/BOOTAA64.EFI: $(BUILD)/kaslboot.so
	@echo "  PE      $@"
	@$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .rodata -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc -j .dynsym -j .dynstr \
		-O binary $< $@

esp: $(BUILD)/esp.img
$(BUILD)/esp.img: $(BUILD)/BOOTAA64.EFI esp/mkesp.sh $(wildcard esp/*.conf esp/entries/*.conf tests/initramfs/*) | $(SETUP_STAMP)
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

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: $(BUILD)/esp.img $(PROBE_ELF)
	$(PYTHON) -m pytest -q tests/integration $(PYTEST_ARGS)

# One command runs every test; pytest's summary is the last line.
check: unit integration

# Benchmarks: optimized host build, no sanitizers (they would dominate the figures).
$(BUILD)/bench/%: tests/bench/%.c $(PORTABLE_SRCS) $(HOST_ONLY_SRCS) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(HOSTCC) -std=gnu11 -O2 -I. -DKASLBOOT_HOST=1 $< $(PORTABLE_SRCS) $(HOST_ONLY_SRCS) $(HOST_LIBS) -o $@
bench: $(BENCH_BINS)
	@set -e; for b in $(BENCH_BINS); do $$b; done

# Where a Debian system keeps such files. kernel-install reads its plugins only from
# /etc/kernel/install.d and /usr/lib/kernel/install.d, whatever PREFIX is.
PREFIX          ?= /usr
SYSCONFDIR      ?= /etc
KERNEL_INSTALL_D ?= /usr/lib/kernel/install.d
KASLBOOT_LIBDIR := $(PREFIX)/lib/kaslboot
INSTALLED := $(KASLBOOT_LIBDIR)/kaslbootaa64.efi $(PREFIX)/bin/kaslboot-install \
	$(SYSCONFDIR)/kernel/postinst.d/zz-kaslboot $(SYSCONFDIR)/kernel/postrm.d/zz-kaslboot \
	$(SYSCONFDIR)/initramfs/post-update.d/kaslboot $(KERNEL_INSTALL_D)/89-kaslboot.install

install: $(BUILD)/BOOTAA64.EFI
	install -D -m 0644 $(BUILD)/BOOTAA64.EFI $(DESTDIR)$(KASLBOOT_LIBDIR)/kaslbootaa64.efi
	install -d $(DESTDIR)$(PREFIX)/bin
	sed 's|^LIBDIR=.*|LIBDIR=$(KASLBOOT_LIBDIR)|' scripts/kaslboot-install > $(DESTDIR)$(PREFIX)/bin/kaslboot-install
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/kaslboot-install
	install -D -m 0755 install/hooks/postinst.d-zz-kaslboot $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-kaslboot
	install -D -m 0755 install/hooks/postrm.d-zz-kaslboot $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-kaslboot
	install -D -m 0755 install/hooks/post-update.d-kaslboot $(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/kaslboot
	install -D -m 0755 install/kernel-install/89-kaslboot.install $(DESTDIR)$(KERNEL_INSTALL_D)/89-kaslboot.install

# Takes back what `install` put there; what kaslboot-install put on an ESP stays (run
# `kaslboot-install --remove` first).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(KASLBOOT_LIBDIR) 2>/dev/null

clean:
	rm -rf $(BUILD)/efi-obj $(BUILD)/host-obj $(BUILD)/unit $(BUILD)/bench $(BUILD)/*.so \
		$(BUILD)/*.EFI $(BUILD)/*.img $(BUILD)/*.a

-include $(shell find $(BUILD)/efi-obj $(BUILD)/host-obj $(BUILD)/unit -type f -name '*.d' 2>/dev/null)

# The MMU-on probe payload (build/payload/probe.elf, tests/payload/payload.mk): test_elf
# loads it, so it is built first.
include tests/payload/payload.mk
$(BUILD)/unit/test_elf $(BUILD)/unit/test_boot_flow: $(PROBE_ELF)
