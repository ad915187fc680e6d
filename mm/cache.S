/* Cache maintenance by VA (Arm ARM D7.5.9 "Data cache maintenance instructions"): by VA
 * and not by set/way, because booting.rst requires maintenance that reaches system
 * caches and other coherent masters too. */

/* CTR_EL0.DminLine, bits [19:16]: log2 of the smallest D-cache line, in 4-byte words. */
#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK  0xf

	.text
	.balign 4

/* void mm_dcache_clean_poc(uint64_t va, uint64_t size) */
	.global mm_dcache_clean_poc
	.type mm_dcache_clean_poc, %function
mm_dcache_clean_poc:
	cbz	x1, 2f				// nothing to clean
	mrs	x3, ctr_el0			// cache type register
	ubfx	x3, x3, #CTR_DMINLINE_SHIFT, #4	// x3 = DminLine (log2 words)
	mov	x2, #4
	lsl	x2, x2, x3			// x2 = line size in bytes
	add	x1, x0, x1			// x1 = end of the range
	sub	x3, x2, #1
	bic	x0, x0, x3			// start at the line holding va
1:	dc	cvac, x0			// clean this line to the PoC
	add	x0, x0, x2			// next line
	cmp	x0, x1
	b.lo	1b
	dsb	sy				// cleans complete before anything after
2:	ret
	.size mm_dcache_clean_poc, . - mm_dcache_clean_poc

/* void mm_icache_invalidate_all(void) */
	.global mm_icache_invalidate_all
	.type mm_icache_invalidate_all, %function
mm_icache_invalidate_all:
	ic	ialluis				// invalidate all I-caches to PoU, inner shareable
	dsb	ish				// wait for it to complete
	isb					// refetch what follows
	ret
	.size mm_icache_invalidate_all, . - mm_icache_invalidate_all
