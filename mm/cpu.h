/* SPDX-License-Identifier: BSD-2-Clause */
/* The CPU side of mm/: system-register access, TTBR installation, the break-before-make
 * TTBR1 switch, cache maintenance, the MMU-off trampoline (Linux handoff) and the MMU-on
 * entry with the EL2->EL1 drop (payload handoff). Implemented in mm/cpu_arm64.c and
 * mm/mmu_switch.S, so only available in the PE. No UEFI types. */
#ifndef KASLBOOT_MM_CPU_H
#define KASLBOOT_MM_CPU_H

/* Offsets of struct mm_mmu_on_args, shared with mm/mmu_switch.S. */
#define MM_ARGS_MAIR   0
#define MM_ARGS_TCR    8
#define MM_ARGS_TTBR0  16
#define MM_ARGS_TTBR1  24
#define MM_ARGS_SCTLR  32
#define MM_ARGS_SP     40
#define MM_ARGS_ENTRY  48
#define MM_ARGS_X0     56
#define MM_ARGS_X1     64

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* Everything mm_enter_mmu_on installs, all EL1 values. */
struct mm_mmu_on_args {
	uint64_t mair;   /* MAIR_EL1, normally MM_MAIR_VALUE */
	uint64_t tcr;    /* TCR_EL1, e.g. mm_tcr_value(va_bits, mm_cpu_parange()) */
	uint64_t ttbr0;  /* TTBR0_EL1: must identity-map the trampoline (mm_tramp_range) */
	uint64_t ttbr1;  /* TTBR1_EL1: the payload's high half */
	uint64_t sctlr;  /* SCTLR_EL1, normally MM_SCTLR_EL1_MMU_ON */
	uint64_t sp;     /* SP_EL1 for the payload (a VA in the new tables) */
	uint64_t entry;  /* entry VA */
	uint64_t x0, x1; /* arguments: x0 = DT VA (e.g. mm_fixmap_fdt_va) */
};
_Static_assert(offsetof(struct mm_mmu_on_args, x1) == MM_ARGS_X1, "mmu_switch.S offsets");
_Static_assert(offsetof(struct mm_mmu_on_args, sctlr) == MM_ARGS_SCTLR, "mmu_switch.S offsets");

unsigned mm_current_el(void);           /* CurrentEL.EL: 1 or 2 */
unsigned mm_cpu_parange(void);          /* ID_AA64MMFR0_EL1.PARange */
uint64_t mm_at_s1e1r(uint64_t va);      /* AT S1E1R, then PAR_EL1 */
uint64_t mm_at_s1e1w(uint64_t va);      /* AT S1E1W, then PAR_EL1 */

/* Clean [va, va+size) to the Point of Coherency, line by line (CTR_EL0.DminLine), then
 * DSB SY: what must reach memory before something runs with the MMU/caches off. */
void mm_dcache_clean_poc(uint64_t va, uint64_t size);
/* IC IALLUIS; DSB ISH; ISB: no stale instructions anywhere in the inner shareable domain. */
void mm_icache_invalidate_all(void);

/* First installation of a table set at EL1 (the half is not live yet): write TTBRn_EL1,
 * then TLBI VMALLE1, DSB, ISB. */
void mm_install_ttbr0_el1(uint64_t ttbr0);
void mm_install_ttbr1_el1(uint64_t ttbr1);
/* Replace a live TTBR1_EL1 with break-before-make, as the kernel's cpu_replace_ttbr1:
 * TTBR1 = zero_table_pa (an all-invalid table), ISB, TLBI VMALLE1, DSB NSH, ISB,
 * TTBR1 = new_ttbr1, ISB. Runs from the identity map with DAIF masked. */
void mm_cpu_replace_ttbr1(uint64_t new_ttbr1, uint64_t zero_table_pa);

/* Physical range of the trampoline code (mm_jump_mmu_off, mm_enter_mmu_on, the TTBR1
 * switch): map it identity RX in TTBR0 (mm_layout_params.tramp_pa/tramp_size). */
void mm_tramp_range(uint64_t *pa, uint64_t *size);

/* Linux handoff (booting.rst): mask DAIF, clean the trampoline to PoC, clear SCTLR_ELx.M
 * and .C at the current EL (1 or 2), ISB, branch to the physical `entry` with x0..x3.
 * The caller has already cleaned the image (and DT/initrd) to PoC and run
 * mm_icache_invalidate_all(). Must be called from identity-mapped code. */
__attribute__((noreturn)) void mm_jump_mmu_off(uint64_t entry, uint64_t x0, uint64_t x1,
					       uint64_t x2, uint64_t x3);

/* MMU-on payload handoff, from the identity map with boot services gone:
 *  at EL1: DAIF masked; SCTLR_EL1.M off (only registers are used while it is off);
 *          MAIR/TCR/TTBR0/TTBR1; TLBI VMALLE1; SCTLR_EL1 = a->sctlr; SP = a->sp;
 *          SPSR_EL1 = EL1h with DAIF masked, ELR_EL1 = a->entry, x0/x1 = a->x0/x1,
 *          x2..x30 = 0, ERET (a BR would need the entry in a register the protocol says
 *          is zero). a->ttbr0 must identity-map the trampoline.
 *  at EL2: drop to EL1: HCR_EL2 = RW (E2H kept as found, TGE = 0, no stage 2),
 *          CNTHCTL_EL2 EL1PCTEN|EL1PCEN (both layouts), CNTVOFF_EL2 = 0, the EL1
 *          registers (via the *_EL12 names under VHE), SP_EL1, SPSR_EL2 = EL1h with DAIF
 *          masked, ELR_EL2 = entry, x2..x30 = 0, ERET: the payload starts at EL1 with
 *          the MMU on.
 * The caller has cleaned the payload to PoC if it was written with the caches off, and
 * run mm_icache_invalidate_all() after writing code. */
__attribute__((noreturn)) void mm_enter_mmu_on(const struct mm_mmu_on_args *a);

/* Assembly cores (mm/mmu_switch.S); use the C wrappers above. */
void mm_replace_ttbr1_idmap(uint64_t new_ttbr1, uint64_t zero_ttbr1);
extern const char mm_tramp_start[], mm_tramp_end[];
#endif

#endif
