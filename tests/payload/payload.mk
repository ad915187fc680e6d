# SPDX-License-Identifier: BSD-2-Clause
# The MMU-on probe payload: a freestanding static-pie AArch64 ELF (tests/payload/), booted
# by kaslboot through docs/protocol.md. Included by the top-level Makefile, or standalone:
#   make -f tests/payload/payload.mk BUILD=build      -> build/payload/probe.elf
BUILD ?= build
PROBE_CROSS ?= aarch64-linux-gnu-
PROBE_CC := $(PROBE_CROSS)gcc
PROBE_DIR := tests/payload
PROBE_OUT := $(BUILD)/payload
PROBE_ELF := $(PROBE_OUT)/probe.elf
PROBE_LDS := $(PROBE_DIR)/probe.lds
PROBE_SRCS := $(wildcard $(PROBE_DIR)/*.c) $(wildcard $(PROBE_DIR)/*.S)
PROBE_OBJS := $(patsubst $(PROBE_DIR)/%,$(PROBE_OUT)/%.o,$(PROBE_SRCS))

# -fpie + hidden visibility: every internal reference is PC-relative (ADRP/ADR), and the
# few absolute pointers become R_AARCH64_RELATIVE relocations kaslboot applies.
# -mgeneral-regs-only: no FP/SIMD (CPACR_EL1.FPEN is not part of the entry contract).
# -fno-tree-loop-distribute-patterns: keeps GCC from turning probe_lib.c's memset loop
# into a call to memset itself.
# -Iinclude: the protocol's public header, <kaslboot/protocol.h>, the one other file of
# kaslboot's the probe reads.
PROBE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-ffreestanding -fpie -fvisibility=hidden -nostdlib -mgeneral-regs-only -mstrict-align \
	-fno-stack-protector -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -Iinclude -MMD -MP
PROBE_ASFLAGS := -fpie -MMD -MP
# -static-pie --no-dynamic-linker: ET_DYN with no PT_INTERP and only relative relocations;
# -z text: refuse relocations in text; 4 KiB max-page-size: p_align = the protocol's page.
PROBE_LDFLAGS := -static-pie -nostdlib -Wl,--no-dynamic-linker -Wl,-z,text \
	-Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 -Wl,-z,norelro \
	-Wl,-z,noexecstack -Wl,--build-id=none -Wl,--hash-style=gnu -Wl,-T,$(PROBE_LDS)

.PHONY: probe
probe: $(PROBE_ELF)

$(PROBE_OUT)/%.c.o: $(PROBE_DIR)/%.c
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -c $< -o $@
$(PROBE_OUT)/%.S.o: $(PROBE_DIR)/%.S
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_ASFLAGS) -c $< -o $@
$(PROBE_ELF): $(PROBE_OBJS) $(PROBE_LDS)
	$(PROBE_CC) $(PROBE_LDFLAGS) $(PROBE_OBJS) -o $@

-include $(PROBE_OBJS:.o=.d)
