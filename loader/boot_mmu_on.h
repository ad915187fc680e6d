/* SPDX-License-Identifier: BSD-2-Clause */
/* The MMU-on payload handoff (docs/protocol.md, issue 5): an ELF payload placed at a random
 * physical slot and a random virtual base, init tables checked before ExitBootServices,
 * final swapper tables after it, then entry at EL1 with the MMU on. */
#ifndef KASLBOOT_LOADER_BOOT_MMU_ON_H
#define KASLBOOT_LOADER_BOOT_MMU_ON_H

#include "loader/boot_state.h"
#include "loader/config.h"

/* Boots entry e (e->payload == KB_PAYLOAD_MMU_ON; the ELF is e->linux_path). Returns only
 * on failure before ExitBootServices, with every allocation of the attempt freed and boot
 * services still up; after ExitBootServices it never returns. */
int boot_mmu_on(struct kb_boot *b, const struct kb_entry *e);

#endif
