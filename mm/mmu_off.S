/* The MMU-off entry of the Linux handoff (booting.rst "Call the kernel image": MMU off,
 * D-cache off, DAIF masked, x0 = DTB, x1..x3 = 0). Runs at whatever EL the firmware gave
 * us: Linux prefers EL2 and configures it itself. The code runs from UEFI's identity map,
 * so the PC stays valid when translation stops. */

/* SCTLR_ELx.M (bit 0): stage 1 MMU enable; SCTLR_ELx.C (bit 2): data cacheability. */
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
/* CurrentEL.EL is bits [3:2]: 0b1000 = EL2. */
#define CURRENTEL_EL2 (2 << 2)

	.text
	.balign 4

/* void mm_jump_mmu_off(entry, x0, x1, x2, x3) */
	.global mm_jump_mmu_off
	.type mm_jump_mmu_off, %function
mm_jump_mmu_off:
	msr	daifset, #0xf			// mask D, A, I, F
	mov	x9, x0				// keep the entry point
	mov	x0, x1				// the kernel's x0..x3
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mrs	x10, CurrentEL
	cmp	x10, #CURRENTEL_EL2
	b.eq	2f
	mrs	x10, sctlr_el1			// EL1: clear M and C of SCTLR_EL1
	bic	x10, x10, #SCTLR_M
	bic	x10, x10, #SCTLR_C
	msr	sctlr_el1, x10
	isb					// the new SCTLR is in effect from here
	b	3f
2:	mrs	x10, sctlr_el2			// EL2: the same on SCTLR_EL2
	bic	x10, x10, #SCTLR_M
	bic	x10, x10, #SCTLR_C
	msr	sctlr_el2, x10
	isb
3:	ic	iallu				// drop lines fetched under the old attributes
	dsb	nsh
	isb
	br	x9				// enter Image+0
	.size mm_jump_mmu_off, . - mm_jump_mmu_off
