/* SPDX-License-Identifier: BSD-2-Clause */
/* The code that changes the translation regime under its own feet. It lives in one
 * page-aligned block [mm_tramp_start, mm_tramp_end) that the caller identity-maps (it is
 * identity-mapped anyway under UEFI), and touches no memory while the MMU is off.
 * Register names and bits: Arm ARM D19 (SCTLR_ELx, HCR_EL2, CNTHCTL_EL2, SPSR_EL2). */
#include "mm/arch.h"
#include "mm/cpu.h"

	/* The *_EL12 names (VHE) need the Armv8.1 register set in the assembler. */
	.arch	armv8.1-a

#define CURRENTEL_EL2 (2 << MM_CURRENTEL_SHIFT)

	/* A section of its own, which pe/kaslboot.lds puts on .text's first page: aligned
	 * anywhere else, it would cost up to a page of padding in the file. */
	.section .text.idmap, "ax"
	.balign	4096
	.globl	mm_tramp_start
mm_tramp_start:

/* void mm_replace_ttbr1_idmap(uint64_t new_ttbr1, uint64_t zero_ttbr1)
 * Break-before-make for the whole TTBR1 half (as the kernel's idmap_cpu_replace_ttbr1). */
	.globl	mm_replace_ttbr1_idmap
	.type	mm_replace_ttbr1_idmap, %function
mm_replace_ttbr1_idmap:
	msr	ttbr1_el1, x1		// break: point TTBR1 at an all-invalid table
	isb				// ...and make the walker see it
	tlbi	vmalle1			// drop every cached EL1&0 translation
	dsb	nsh			// wait for the invalidation to complete
	isb				// no instruction fetched with old translations
	msr	ttbr1_el1, x0		// make: the new table
	isb
	ret
	.size	mm_replace_ttbr1_idmap, . - mm_replace_ttbr1_idmap

/* void mm_jump_mmu_off(entry, x0, x1, x2, x3)  -- noreturn
 * The booting.rst handoff: MMU and D-cache off at the current EL, then the kernel. */
	.globl	mm_jump_mmu_off
	.type	mm_jump_mmu_off, %function
mm_jump_mmu_off:
	msr	daifset, #0xf		// D, A, I, F masked, as booting.rst requires
	mov	x9, x0			// entry
	mov	x0, x1			// shift the kernel's x0..x3 into place
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	/* Clean this page to PoC: once SCTLR.C is 0 fetches may bypass the caches. */
	mrs	x10, ctr_el0
	ubfx	x10, x10, #MM_CTR_DMINLINE_SHIFT, #4	// DminLine: log2(words per line)
	mov	x11, #4
	lsl	x11, x11, x10		// line size in bytes
	adr	x12, mm_tramp_start
	adr	x13, mm_tramp_end
1:	dc	cvac, x12		// clean by VA to PoC
	add	x12, x12, x11
	cmp	x12, x13
	b.lo	1b
	dsb	sy			// the cleaning has completed
	mrs	x10, CurrentEL
	cmp	x10, #CURRENTEL_EL2
	b.ne	2f
	mrs	x10, sctlr_el2
	bic	x10, x10, #MM_SCTLR_M	// MMU off
	bic	x10, x10, #MM_SCTLR_C	// data caches off
	msr	sctlr_el2, x10
	isb				// the next fetch is untranslated
	br	x9
2:	mrs	x10, sctlr_el1
	bic	x10, x10, #MM_SCTLR_M
	bic	x10, x10, #MM_SCTLR_C
	msr	sctlr_el1, x10
	isb
	br	x9
	.size	mm_jump_mmu_off, . - mm_jump_mmu_off

/* void mm_enter_mmu_on(const struct mm_mmu_on_args *a)  -- noreturn */
	.globl	mm_enter_mmu_on
	.type	mm_enter_mmu_on, %function
mm_enter_mmu_on:
	msr	daifset, #0xf		// no exceptions across the switch
	ldp	x9, x10, [x0, #MM_ARGS_MAIR]	// mair, tcr
	ldp	x11, x12, [x0, #MM_ARGS_TTBR0]	// ttbr0, ttbr1
	ldp	x13, x14, [x0, #MM_ARGS_SCTLR]	// sctlr, sp
	ldp	x15, x7, [x0, #MM_ARGS_ENTRY]	// entry, x0
	ldr	x8, [x0, #MM_ARGS_X1]		// x1
	mrs	x2, CurrentEL
	cmp	x2, #CURRENTEL_EL2
	b.eq	3f

	/* EL1: the old and new tables both map this page, but switching TTBR0 under a live
	 * MMU would break break-before-make; turn the MMU off instead. Only registers are
	 * used until it is back on, so the caches being bypassed does not matter. */
	mrs	x3, sctlr_el1		// the firmware's SCTLR_EL1
	bic	x3, x3, #MM_SCTLR_M	// stage 1 off: fetches are now VA == PA, as before
	msr	sctlr_el1, x3
	isb				// the MMU is off from the next instruction
	msr	mair_el1, x9		// the payload's memory attributes
	msr	tcr_el1, x10		// 48-bit VA, 4 KiB granule, both halves walked
	msr	ttbr0_el1, x11		// identity map of this trampoline only
	msr	ttbr1_el1, x12		// the final swapper tables
	isb				// the writes are in effect before the TLBI
	tlbi	vmalle1			// nothing from the firmware's tables survives
	dsb	nsh			// wait for the invalidation
	isb				// and for this CPU's pipeline
	msr	sctlr_el1, x13		// MMU on with the new tables
	isb				// next fetch: this page through the new TTBR0
	mov	sp, x14			// SP_EL1: UEFI runs in EL1h, the payload too
	/* Enter with ERET rather than BR: a BR needs the entry in a register, and the
	 * protocol promises x1..x30 = 0. ERET from EL1 to EL1h is architecturally fine. */
	msr	elr_el1, x15		// return address: the payload's entry VA
	mov	x4, #MM_SPSR_EL1H_MASKED	// EL1h, D/A/I/F masked
	msr	spsr_el1, x4		// the PSTATE ERET restores
	b	mm_enter_zero_regs	// x0 = DT VA, x1..x30 = 0, ERET

3:	/* EL2 -> EL1. HCR_EL2: AArch64 EL1, TGE = 0 so EL1 runs, no stage 2 (VM = 0),
	 * no traps; E2H stays as the firmware set it (it cannot safely change under a
	 * live EL2 regime). */
	mrs	x3, hcr_el2
	and	x3, x3, #MM_HCR_E2H
	orr	x3, x3, #MM_HCR_RW
	msr	hcr_el2, x3
	isb
	/* EL1 may use the physical counter and timer (booting.rst: CNTHCTL_EL2.EL1PCTEN).
	 * The bits sit at [1:0] with E2H = 0 and at [11:10] with E2H = 1. */
	mrs	x4, cnthctl_el2
	orr	x4, x4, #(MM_CNTHCTL_EL1PCTEN | MM_CNTHCTL_EL1PCEN)
	tbz	x3, #MM_HCR_E2H_SHIFT, 5f	// E2H clear: the non-VHE bits only
	orr	x4, x4, #(MM_CNTHCTL_E2H_EL1PCTEN | MM_CNTHCTL_E2H_EL1PCEN)
5:	msr	cnthctl_el2, x4
	msr	cntvoff_el2, xzr	// virtual counter == physical counter
	tbnz	x3, #MM_HCR_E2H_SHIFT, 6f
	/* E2H = 0: the *_EL1 names reach the EL1 registers. */
	msr	mair_el1, x9
	msr	tcr_el1, x10
	msr	ttbr0_el1, x11
	msr	ttbr1_el1, x12
	msr	sctlr_el1, x13		// takes effect when EL1 is entered
	b	7f
6:	/* E2H = 1: *_EL1 would be redirected to EL2's registers; use the *_EL12 aliases. */
	msr	mair_el12, x9
	msr	tcr_el12, x10
	msr	ttbr0_el12, x11
	msr	ttbr1_el12, x12
	msr	sctlr_el12, x13
7:	msr	sp_el1, x14
	mov	x4, #MM_SPSR_EL1H_MASKED	// EL1h, D/A/I/F masked
	msr	spsr_el2, x4
	msr	elr_el2, x15
	isb
	tlbi	vmalle1			// EL1&0 translations of this VMID
	dsb	nsh
	isb
	/* fall through: same register clearing, then ERET to EL1 */

/* The protocol's register state at entry (docs/protocol.md section 4): x0 = args.x0 (the
 * DT's fixmap VA, held in x7), x1 = args.x1 (0 for the payload protocol), every other
 * general-purpose register 0. ELR/SPSR of the current EL are already set; ERET jumps to
 * the entry at EL1h. */
mm_enter_zero_regs:
	mov	x0, x7			// x0: the DT's virtual address in the fixmap
	mov	x1, x8			// x1: args.x1 (the payload protocol passes 0)
	mov	x2, xzr			// x2..x30: zero, as the probe checks (was CurrentEL)
	mov	x3, xzr			// (scratch: SCTLR/HCR value)
	mov	x4, xzr			// (scratch: CNTHCTL/SPSR value)
	mov	x5, xzr			// unused here, zeroed all the same
	mov	x6, xzr			// unused here
	mov	x7, xzr			// (args.x0, now in x0)
	mov	x8, xzr			// (args.x1, now in x1)
	mov	x9, xzr			// (MAIR value)
	mov	x10, xzr		// (TCR value)
	mov	x11, xzr		// (TTBR0 value)
	mov	x12, xzr		// (TTBR1 value)
	mov	x13, xzr		// (SCTLR value)
	mov	x14, xzr		// (SP value)
	mov	x15, xzr		// (entry VA, now in ELR)
	mov	x16, xzr		// IP0: the caller's veneers may have left values
	mov	x17, xzr		// IP1
	mov	x18, xzr		// platform register
	mov	x19, xzr		// callee-saved registers of the C caller
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr		// frame pointer: no caller frame to unwind into
	mov	x30, xzr		// link register: the payload never returns
	eret				// to ELR_ELx at EL1h, MMU on, DAIF masked
	.size	mm_enter_mmu_on, . - mm_enter_mmu_on

	.balign	16
	.globl	mm_tramp_end
mm_tramp_end:
