/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/ttbr.h"

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"
#include "mm/arch.h"

int mm_table_phys(const struct mm_page_pool *pool, enum mm_addr_kind kind, uint64_t addr,
		  uint64_t lm_offset, uint64_t *pa)
{
	uint64_t p;

	switch (kind) {
	case MM_ADDR_IDMAP:
		p = addr - (uint64_t)(uintptr_t)pool->base_va + pool->base_pa;
		if (addr < (uint64_t)(uintptr_t)pool->base_va)
			p = ~(uint64_t)0; /* below the pool: force the range check to fail */
		break;
	case MM_ADDR_LINEAR:
		p = addr - lm_offset;
		break;
	case MM_ADDR_KIMAGE:
	default:
		return log_error_ret(
			KB_EINVAL,
			"mm: table address %#llx is a kernel-image address; a TTBR needs its "
			"identity or linear-map alias (lm_alias)",
			(unsigned long long)addr);
	}
	if (!is_aligned(addr, MM_PAGE_SIZE) || !mm_pool_owns_pa(pool, p))
		return log_error_ret(
			KB_EINVAL,
			"mm: table address %#llx (%s) is not a page-table page of the pool at pa "
			"%#llx: refusing to compute a TTBR from it",
			(unsigned long long)addr, kind == MM_ADDR_IDMAP ? "identity" : "linear",
			(unsigned long long)pool->base_pa);
	*pa = p;
	return KB_OK;
}

int mm_ttbr_value(const struct mm_tables *t, enum mm_addr_kind kind, uint64_t root_addr,
		  uint64_t lm_offset, uint64_t *ttbr)
{
	uint64_t pa;
	int rc = mm_table_phys(t->pool, kind, root_addr, lm_offset, &pa);

	if (rc)
		return rc;
	if (pa != t->root_pa)
		return log_error_ret(KB_EINVAL,
				     "mm: address %#llx is table page %#llx, not the root %#llx of "
				     "this table set",
				     (unsigned long long)root_addr, (unsigned long long)pa,
				     (unsigned long long)t->root_pa);
	/* TTBRn_EL1.BADDR[47:1] holds the root PA (4 KiB aligned, so bits [11:1] are 0);
	 * ASID[63:48] = 0 and CnP[0] = 0. */
	*ttbr = pa & MM_DESC_OA_MASK;
	return KB_OK;
}
