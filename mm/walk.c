/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/walk.h"

#include <string.h>

#include "lib/align.h"
#include "lib/err.h"
#include "mm/arch.h"

enum mm_memtype mm_mair_to_memtype(uint8_t attr)
{
	switch (attr) {
	case MM_MAIR_NORMAL_WB:     return MM_NORMAL_WB;
	case MM_MAIR_NORMAL_NC:     return MM_NORMAL_NC;
	case MM_MAIR_DEVICE_nGnRE:  return MM_DEVICE_nGnRE;
	case MM_MAIR_DEVICE_nGnRnE: return MM_DEVICE_nGnRnE;
	default:                    return MM_MEMTYPE_UNKNOWN;
	}
}

static int fault(struct mm_walk_result *out, enum mm_fault f, unsigned level, uint64_t desc)
{
	out->fault = f;
	out->level = level;
	out->desc = desc;
	return f == MM_FAULT_TABLE_UNREADABLE ? KB_ECORRUPT : KB_ENOENT;
}

int mm_walk(const struct mm_tables *t, uint64_t va, struct mm_walk_result *out)
{
	unsigned level = mm_tables_start_level(t);
	uint64_t table_pa = t->root_pa;
	bool table_ro = false, table_noel0 = false, table_pxn = false, table_uxn = false;
	uint64_t d, bsize;

	memset(out, 0, sizeof(*out));
	/* The top 64-va_bits bits select the half: all zeros for TTBR0, all ones for TTBR1. */
	if (va < mm_tables_va_start(t) || va > mm_tables_va_last(t))
		return fault(out, MM_FAULT_RANGE, 0, 0);
	for (;;) {
		const uint64_t *tbl = mm_pool_pa_to_va(t->pool, table_pa);

		if (!tbl)
			return fault(out, MM_FAULT_TABLE_UNREADABLE, level, table_pa);
		d = tbl[mm_table_index(va, level)];
		if (!(d & MM_DESC_VALID))
			return fault(out, MM_FAULT_TRANSLATION, level, d);
		if (d & MM_DESC_RES0_HI_MASK)
			return fault(out, MM_FAULT_ADDRESS_SIZE, level, d);
		if (level == 3) {
			/* 0b01 at level 3 is reserved and faults like an invalid entry. */
			if ((d & MM_DESC_TYPE_MASK) != MM_DESC_PAGE)
				return fault(out, MM_FAULT_TRANSLATION, level, d);
			break;
		}
		if ((d & MM_DESC_TYPE_MASK) == MM_DESC_BLOCK) {
			/* No level 0 blocks with the 4 KiB granule unless FEAT_LPA2 (D8.3.1). */
			if (level == 0)
				return fault(out, MM_FAULT_TRANSLATION, level, d);
			break;
		}
		/* Table: hierarchical controls restrict everything below (D8.4.2). */
		table_ro |= !!(d & MM_TABLE_AP_RO);
		table_noel0 |= !!(d & MM_TABLE_AP_NOEL0);
		table_pxn |= !!(d & MM_TABLE_PXNTABLE);
		table_uxn |= !!(d & MM_TABLE_UXNTABLE);
		table_pa = d & MM_DESC_OA_MASK;
		level++;
	}
	bsize = MM_BIT(MM_LEVEL_SHIFT(level));
	out->level = level;
	out->desc = d;
	out->block_size = bsize;
	/* OA bits below the block size are RES0 in block descriptors; the MMU takes the low
	 * bits from the VA, so mask them the same way here. */
	out->block_pa = align_down(d & MM_DESC_OA_MASK, bsize);
	out->pa = out->block_pa | align_offset(va, bsize);
	out->af = !!(d & MM_DESC_AF);
	if (!out->af)
		return fault(out, MM_FAULT_ACCESS_FLAG, level, d);
	out->attr_index = (unsigned)((d & MM_DESC_ATTRINDX_MASK) >> MM_DESC_ATTRINDX_SHIFT);
	out->mair_attr = (uint8_t)(MM_MAIR_VALUE >> (8 * out->attr_index));
	out->type = mm_mair_to_memtype(out->mair_attr);
	out->sh = (unsigned)((d & MM_DESC_SH_MASK) >> MM_DESC_SH_SHIFT);
	out->ng = !!(d & MM_DESC_NG);
	out->ns = !!(d & MM_DESC_NS);
	out->contiguous = !!(d & MM_DESC_CONT);
	out->writable = !(d & MM_DESC_AP_RO) && !table_ro;
	out->el0_access = (d & MM_DESC_AP_EL0) && !table_noel0;
	out->uxn = (d & MM_DESC_UXN) || table_uxn;
	/* A page writable at EL0 (AP = 0b01) is never executable at EL1 (D8.4.3). */
	out->pxn = (d & MM_DESC_PXN) || table_pxn ||
		   ((d & MM_DESC_AP_MASK) == MM_DESC_AP_EL0);
	out->attrs = (out->writable ? MM_RW : MM_RO) | (out->pxn ? MM_XN : MM_EXEC);
	out->fault = MM_FAULT_NONE;
	return KB_OK;
}
