/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel's TTBR1 sequence for the MMU-on handoff: init tables live in TTBR1 first,
 * then the swapper tables in their place with break-before-make (mm_cpu_replace_ttbr1).
 * What that can mean depends on the exception level and on the firmware's registers:
 *  EL1: the init set really goes live in TTBR1 (the firmware runs in TTBR0 only; the
 *       TTBR1 half is enabled in TCR_EL1 as mm/selftest_arm64.c does), AT S1E1R proves the
 *       DT is reachable through its fixmap, then it is replaced by the swapper set.
 *       Skipped when the firmware's MAIR or TTBR1 cannot be shared (then mm_enter_mmu_on
 *       installs the swapper set directly).
 *  EL2, E2H = 0: the EL1 regime is inert until the ERET; TTBR1_EL1 is programmed with the
 *       init set and replaced, which exercises the same instructions but translates nothing.
 *  EL2, E2H = 1: TTBR1_EL1 names TTBR1_EL2, live for the firmware: left alone.
 * Implemented in mm/ttbr1_switch_arm64.c (PE only). */
#ifndef KASLBOOT_MM_TTBR1_SWITCH_H
#define KASLBOOT_MM_TTBR1_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

enum mm_ttbr1_switch {
	MM_SWITCH_LIVE,        /* init set live in TTBR1, then swapper by break-before-make */
	MM_SWITCH_REGISTERS,   /* EL2, E2H = 0: registers programmed, nothing translated */
	MM_SWITCH_NONE_MAIR,   /* firmware MAIR/TTBR1 not shareable: swapper installed later */
	MM_SWITCH_NONE_VHE,    /* VHE: TTBR1_EL1 is EL2's: swapper installed later */
};

/* Decided before ExitBootServices from the current EL and the firmware's registers. */
enum mm_ttbr1_switch mm_ttbr1_switch_kind(unsigned el);
/* What the log says of it. */
const char *mm_ttbr1_switch_name(enum mm_ttbr1_switch kind);

/* Runs the sequence for `kind` (DAIF masked): init, check that dt_va translates to dt_pa,
 * replace by final through the all-invalid table at zero_pa, check again. Returns false
 * if a live check failed. */
bool mm_ttbr1_init_then_final(enum mm_ttbr1_switch kind, unsigned va_bits, uint64_t init,
			      uint64_t final, uint64_t zero_pa, uint64_t dt_va, uint64_t dt_pa);

#endif
