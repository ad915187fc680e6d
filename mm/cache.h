/* Cache maintenance and the MMU-off entry used by the Linux handoff (booting.rst: the
 * loaded image cleaned to the PoC, no stale I-cache lines, MMU and D-cache off at entry).
 * Implemented in mm/cache.S and mm/mmu_off.S; all run on the CPU only. */
#ifndef KASLBOOT_MM_CACHE_H
#define KASLBOOT_MM_CACHE_H

#include <stdint.h>

/* DC CVAC over [va, va + size), line size from CTR_EL0.DminLine, then DSB SY. */
void mm_dcache_clean_poc(uint64_t va, uint64_t size);
/* IC IALLUIS; DSB ISH; ISB: no stale instructions for code just written. */
void mm_icache_invalidate_all(void);
/* Masks DAIF, turns SCTLR_ELx.M and .C off at the current EL (1 or 2), and branches to
 * `entry` with x0..x3 as given. Must run from an identity-mapped page (it does: UEFI maps
 * memory 1:1), and never returns. */
void mm_jump_mmu_off(uint64_t entry, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
	__attribute__((noreturn));

#endif
