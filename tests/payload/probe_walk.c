/* SPDX-License-Identifier: BSD-2-Clause */
#include "probe_walk.h"

#include "probe_hw.h"

/* TCR_EL1 (Arm ARM D19.2): T1SZ[21:16], TG1[31:30] (0b10 = 4 KiB granule). */
#define TCR_T1SZ_SHIFT 16
#define TCR_T1SZ_MASK 0x3full
#define TCR_TG1_SHIFT 30
#define TCR_TG1_MASK 3ull
#define TCR_TG1_4K 2ull
/* TTBR1_EL1.BADDR[47:1] (bit 0 is CnP); a 4 KiB-granule root table is 4 KiB aligned when
 * T1SZ leaves a full level, which kaslboot's 39- and 48-bit layouts do. */
#define TTBR_BADDR_MASK 0x0000fffffffff000ull
/* Stage 1 descriptors (Arm ARM D8.3). */
#define DESC_VALID 1ull
#define DESC_TYPE_MASK 3ull
#define DESC_TABLE 3ull         /* levels 0-2 */
#define DESC_BLOCK 1ull         /* levels 1-2 */
#define DESC_PAGE 3ull          /* level 3 */
#define DESC_ATTRINDX_SHIFT 2
#define DESC_ATTRINDX_MASK 7ull
#define DESC_AP_RO (1ull << 7)  /* AP[2] */
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_OA_MASK 0x0000fffffffff000ull
#define TABLE_PXN (1ull << 59)  /* PXNTable */
#define TABLE_AP_RO (1ull << 62) /* APTable[1] */
#define SCTLR_WXN (1ull << 19)
#define PAGE_SHIFT 12
#define TABLE_BITS 9
#define LAST_LEVEL 3
/* MAIR_EL1 Attr<n> (D19.2): high nibble 0b0000 = Device; a Normal nibble is write-back
 * when it is 0b11RW (non-transient) or 0b01RW with RW != 0 (transient). */
#define MAIR_DEVICE_HI 0x00u

static unsigned level_shift(unsigned level) { return PAGE_SHIFT + TABLE_BITS * (LAST_LEVEL - level); }

static bool nibble_wb(unsigned n)
{
	return (n & 0xc) == 0xc || ((n & 0xc) == 0x4 && (n & 3));
}

static enum walk_memtype memtype_of(unsigned attrindx)
{
	unsigned attr = (unsigned)(READ_SYSREG(mair_el1) >> (8 * attrindx)) & 0xff;

	if ((attr & 0xf0) == MAIR_DEVICE_HI)
		return MEM_DEVICE;
	if (nibble_wb(attr >> 4) && nibble_wb(attr & 0xf))
		return MEM_NORMAL_WB;
	return MEM_OTHER;
}

void walk_ttbr1(uint64_t va, uint64_t linear_offset, struct walk *w)
{
	uint64_t tcr = READ_SYSREG(tcr_el1);
	unsigned va_bits = 64 - (unsigned)((tcr >> TCR_T1SZ_SHIFT) & TCR_T1SZ_MASK);
	uint64_t table_pa = READ_SYSREG(ttbr1_el1) & TTBR_BADDR_MASK;
	bool pxn_table = false, ro_table = false;
	unsigned level;

	*w = (struct walk){ 0 };
	if (((tcr >> TCR_TG1_SHIFT) & TCR_TG1_MASK) != TCR_TG1_4K || va_bits < 25 || va_bits > 48) {
		w->error = "TCR_EL1 TG1/T1SZ not a 4K-granule regime";
		return;
	}
	if (va_bits < 64 && (va >> va_bits) != (~0ull >> va_bits)) {
		w->error = "VA outside the TTBR1 range";
		return;
	}
	/* The walk starts at the level whose descriptors cover the top VA bit. */
	level = LAST_LEVEL;
	while (level > 0 && level_shift(level) + TABLE_BITS < va_bits)
		level--;
	for (;; level++) {
		unsigned shift = level_shift(level);
		/* The first table may hold fewer than 512 entries when T1SZ is not a level
		 * boundary: index it only with the bits below va_bits. */
		unsigned bits = va_bits - shift < TABLE_BITS ? va_bits - shift : TABLE_BITS;
		uint64_t idx = (va >> shift) & ((1ull << bits) - 1);
		uint64_t table_va = table_pa + linear_offset, desc, par;

		par = at_s1e1r(table_va);
		if ((par & PAR_F) || (par & PAR_PA_MASK) != table_pa) {
			w->error = "a translation table is not readable through the linear map";
			return;
		}
		desc = ((const volatile uint64_t *)table_va)[idx];
		if (!(desc & DESC_VALID))
			return; /* unmapped */
		if (level < LAST_LEVEL && (desc & DESC_TYPE_MASK) == DESC_TABLE) {
			pxn_table |= !!(desc & TABLE_PXN);
			ro_table |= !!(desc & TABLE_AP_RO);
			table_pa = desc & DESC_OA_MASK;
			continue;
		}
		if ((level == LAST_LEVEL && (desc & DESC_TYPE_MASK) != DESC_PAGE) ||
		    (level < LAST_LEVEL && (level == 0 || (desc & DESC_TYPE_MASK) != DESC_BLOCK))) {
			w->error = "reserved descriptor encoding";
			return;
		}
		w->mapped = true;
		w->level = level;
		w->leaf_size = 1ull << shift;
		w->leaf_va = va & ~(w->leaf_size - 1);
		w->pa = (desc & DESC_OA_MASK & ~(w->leaf_size - 1)) | (va & (w->leaf_size - 1));
		w->writable = !(desc & DESC_AP_RO) && !ro_table;
		w->executable = !(desc & DESC_PXN) && !pxn_table &&
				!(w->writable && (READ_SYSREG(sctlr_el1) & SCTLR_WXN));
		w->af = !!(desc & DESC_AF);
		w->memtype = memtype_of((unsigned)((desc >> DESC_ATTRINDX_SHIFT) & DESC_ATTRINDX_MASK));
		return;
	}
}
