/* The code that changes the translation regime under its own feet. It lives in one
 * page-aligned block [mm_tramp_start, mm_tramp_end) that the caller identity-maps (it is
 * identity-mapped anyway under UEFI), and touches no memory while the MMU is off.
 * Register names and bits: Arm ARM D19 (SCTLR_ELx, HCR_EL2, CNTHCTL_EL2, SPSR_EL2). */
#include "mm/arch.h"
#include "mm/cpu.h"

	/* The *_EL12 names (VHE) need the Armv8.1 register set in the assembler. */
	.arch	armv8.1-a

#define CURRENTEL_EL2 (2 << MM_CURRENTEL_SHIFT)

	.text
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
	mrs	x3, sctlr_el1
	bic	x3, x3, #MM_SCTLR_M
	msr	sctlr_el1, x3
	isb
	msr	mair_el1, x9
	msr	tcr_el1, x10
	msr	ttbr0_el1, x11
	msr	ttbr1_el1, x12
	isb
	tlbi	vmalle1			// nothing from the firmware's tables survives
	dsb	nsh
	isb
	msr	sctlr_el1, x13		// MMU on with the new tables
	isb				// next fetch: this page through the new TTBR0
	mov	sp, x14
	mov	x0, x7
	mov	x1, x8
	br	x15

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
	mov	x0, x7
	mov	x1, x8
	eret
	.size	mm_enter_mmu_on, . - mm_enter_mmu_on

	.balign	16
	.globl	mm_tramp_end
mm_tramp_end:
