/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/pgtable.h"

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"
#include "mm/arch.h"

#define MM_VALID_ATTRS_MASK MM_ATTR_ALL

unsigned mm_tables_start_level(const struct mm_tables *t)
{
	/* Each level resolves 9 bits above the 12-bit page offset: 48 bits need 4 levels
	 * starting at level 0, 39 bits need 3 starting at level 1 (D8.2.7). */
	return t->va_bits == MM_VA_BITS_4LEVEL ? 0 : 1;
}

uint64_t mm_tables_va_start(const struct mm_tables *t)
{
	return t->high_half ? (uint64_t)0 - MM_BIT(t->va_bits) : 0;
}

uint64_t mm_tables_va_last(const struct mm_tables *t)
{
	return t->high_half ? ~(uint64_t)0 : MM_BIT(t->va_bits) - 1;
}

unsigned mm_table_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> MM_LEVEL_SHIFT(level)) & (MM_TABLE_ENTRIES - 1);
}

int mm_tables_init(struct mm_tables *t, struct mm_page_pool *pool, unsigned va_bits, bool high_half)
{
	int rc;

	if (va_bits != MM_VA_BITS_3LEVEL && va_bits != MM_VA_BITS_4LEVEL)
		return log_error_ret(KB_EINVAL, "mm: unsupported VA size %u bits (need 39 or 48)",
				     va_bits);
	t->pool = pool;
	t->va_bits = va_bits;
	t->high_half = high_half;
	rc = mm_pool_alloc(pool, &t->root_pa);
	if (rc)
		return rc;
	t->root = mm_pool_pa_to_va(pool, t->root_pa);
	return KB_OK;
}

static uint64_t memtype_attrindx(enum mm_memtype type)
{
	switch (type) {
	case MM_NORMAL_WB:     return MM_ATTRIDX_NORMAL_WB;
	case MM_NORMAL_NC:     return MM_ATTRIDX_NORMAL_NC;
	case MM_DEVICE_nGnRE:  return MM_ATTRIDX_DEVICE_nGnRE;
	default:               return MM_ATTRIDX_DEVICE_nGnRnE;
	}
}

static bool memtype_is_device(enum mm_memtype type)
{
	return type == MM_DEVICE_nGnRE || type == MM_DEVICE_nGnRnE;
}

uint64_t mm_leaf_attr_bits(enum mm_memtype type, unsigned attrs)
{
	/* AF=1: we never want Access flag faults. nG=0: global, the tables are not per-process.
	 * UXN always: nothing here is for EL0. Normal memory is inner shareable so the caches
	 * stay coherent with other CPUs; shareability is ignored for device memory. */
	uint64_t d = MM_DESC_AF | MM_DESC_UXN | (memtype_attrindx(type) << MM_DESC_ATTRINDX_SHIFT);

	if (!memtype_is_device(type))
		d |= MM_SH_INNER << MM_DESC_SH_SHIFT;
	if (attrs & MM_RO)
		d |= MM_DESC_AP_RO;
	if (!(attrs & MM_EXEC))
		d |= MM_DESC_PXN;
	return d;
}

static const char *region_name(const struct mm_region *r)
{
	return r->name ? r->name : "(unnamed)";
}

static int region_error(const struct mm_region *r, size_t i, int err, const char *why)
{
	return log_error_ret(err, "mm: region '%s' (#%zu: va %#llx pa %#llx size %#llx): %s",
			     region_name(r), i, (unsigned long long)r->va,
			     (unsigned long long)r->pa, (unsigned long long)r->size, why);
}

static int check_region(const struct mm_tables *t, const struct mm_region *r, size_t i)
{
	const uint64_t page_mask = MM_PAGE_SIZE - 1;
	unsigned a = r->attrs;

	if (r->size == 0)
		return region_error(r, i, KB_EINVAL, "size is 0");
	if ((r->va | r->pa | r->size) & page_mask)
		return region_error(r, i, KB_EINVAL, "not 4 KiB aligned");
	if (r->va + (r->size - 1) < r->va)
		return region_error(r, i, KB_ERANGE, "virtual range wraps around 2^64");
	if (r->pa + (r->size - 1) < r->pa || r->pa + (r->size - 1) >= MM_BIT(MM_PA_BITS))
		return region_error(r, i, KB_ERANGE, "physical range leaves the 48-bit PA space");
	if (r->va < mm_tables_va_start(t) || r->va + (r->size - 1) > mm_tables_va_last(t))
		return region_error(r, i, KB_ERANGE, t->high_half ?
				    "virtual range is outside the TTBR1 half" :
				    "virtual range is outside the TTBR0 half");
	if ((unsigned)r->type > MM_DEVICE_nGnRnE)
		return region_error(r, i, KB_EINVAL, "unknown memory type");
	if ((a & ~MM_VALID_ATTRS_MASK) || !(a & MM_RO) == !(a & MM_RW) ||
	    !(a & MM_EXEC) == !(a & MM_XN))
		return region_error(r, i, KB_EINVAL,
				    "attributes need exactly one of RO/RW and one of EXEC/XN");
	if ((a & MM_RW) && (a & MM_EXEC))
		return region_error(r, i, KB_EPERM, "writable and executable (W^X)");
	if (memtype_is_device(r->type) && (a & MM_EXEC))
		return region_error(r, i, KB_EPERM, "device memory must be execute-never");
	return KB_OK;
}

/* Does anything valid (block or page) translate a VA in [va, va+size-1] below this table? */
static bool range_mapped(const struct mm_tables *t, uint64_t table_pa, unsigned level,
			 uint64_t va, uint64_t size)
{
	const uint64_t *tbl = mm_pool_pa_to_va(t->pool, table_pa);
	uint64_t bsize = MM_BIT(MM_LEVEL_SHIFT(level));

	if (!tbl)
		return true; /* a table we cannot see: be safe and call it mapped */
	while (size) {
		uint64_t chunk = bsize - align_offset(va, bsize);
		uint64_t e = tbl[mm_table_index(va, level)];

		if (chunk > size)
			chunk = size;
		if (e & MM_DESC_VALID) {
			if (level == 3 || (e & MM_DESC_TYPE_MASK) != MM_DESC_TABLE)
				return true;
			if (range_mapped(t, e & MM_DESC_OA_MASK, level + 1, va, chunk))
				return true;
		}
		va += chunk;
		size -= chunk;
	}
	return false;
}

static int map_range(struct mm_tables *t, uint64_t table_pa, unsigned level, uint64_t va,
		     uint64_t pa, uint64_t size, uint64_t attr)
{
	uint64_t *tbl = mm_pool_pa_to_va(t->pool, table_pa);
	uint64_t bsize = MM_BIT(MM_LEVEL_SHIFT(level));
	int rc;

	while (size) {
		uint64_t off = align_offset(va, bsize);
		uint64_t chunk = bsize - off;
		uint64_t *e = &tbl[mm_table_index(va, level)];

		if (chunk > size)
			chunk = size;
		if (level == 3) {
			*e = pa | attr | MM_DESC_PAGE;
		} else if (level >= 1 && off == 0 && chunk == bsize && is_aligned(pa, bsize) &&
			   !(*e & MM_DESC_VALID)) {
			/* Blocks exist at levels 1 and 2 only with the 4 KiB granule (D8.3.1). */
			*e = pa | attr | MM_DESC_BLOCK;
		} else {
			uint64_t next;

			if (!(*e & MM_DESC_VALID)) {
				rc = mm_pool_alloc(t->pool, &next);
				if (rc)
					return rc;
				*e = next | MM_DESC_TABLE;
			} else if ((*e & MM_DESC_TYPE_MASK) == MM_DESC_TABLE) {
				next = *e & MM_DESC_OA_MASK;
			} else {
				/* Validation ruled this out; refuse rather than split a live block. */
				return log_error_ret(
					KB_ERANGE,
					"mm: va %#llx already mapped by a level %u block",
					(unsigned long long)va, level);
			}
			rc = map_range(t, next, level + 1, va, pa, chunk, attr);
			if (rc)
				return rc;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return KB_OK;
}

/* The contiguous hint (D8.6.1) may be set on 16 adjacent, 16-aligned leaf entries that have
 * identical attributes and map one contiguous, equally aligned output range. Recomputed over
 * the whole set after every build: the builder only ever fills invalid entries, so a group
 * that already carries the hint is full and stays eligible. */
static void update_contiguous(const struct mm_tables *t, uint64_t table_pa, unsigned level)
{
	uint64_t *tbl = mm_pool_pa_to_va(t->pool, table_pa);
	uint64_t bsize = MM_BIT(MM_LEVEL_SHIFT(level));
	uint64_t leaf_type = level == 3 ? MM_DESC_PAGE : MM_DESC_BLOCK;
	unsigned i, j;

	for (i = 0; i < MM_TABLE_ENTRIES; i++) {
		uint64_t e = tbl[i];
		if ((e & MM_DESC_VALID) && level < 3 && (e & MM_DESC_TYPE_MASK) == MM_DESC_TABLE)
			update_contiguous(t, e & MM_DESC_OA_MASK, level + 1);
	}
	if (level < 2)
		return; /* kaslboot uses the hint for 2 MiB blocks and 4 KiB pages only */
	for (i = 0; i < MM_TABLE_ENTRIES; i += MM_CONT_ENTRIES) {
		uint64_t first = tbl[i] & ~MM_DESC_CONT;
		uint64_t oa0 = first & MM_DESC_OA_MASK;
		bool ok = (first & MM_DESC_TYPE_MASK) == leaf_type &&
			  !(oa0 & (bsize * MM_CONT_ENTRIES - 1));

		for (j = 1; ok && j < MM_CONT_ENTRIES; j++) {
			uint64_t e = tbl[i + j] & ~MM_DESC_CONT;
			ok = (e & ~MM_DESC_OA_MASK) == (first & ~MM_DESC_OA_MASK) &&
			     (e & MM_DESC_OA_MASK) == oa0 + j * bsize;
		}
		for (j = 0; j < MM_CONT_ENTRIES; j++) {
			if (ok)
				tbl[i + j] |= MM_DESC_CONT;
			else
				tbl[i + j] &= ~MM_DESC_CONT;
		}
	}
}

int mm_map_regions(struct mm_tables *t, const struct mm_region *r, size_t n)
{
	unsigned start = mm_tables_start_level(t);
	size_t i, j;
	int rc;

	if (n && !r)
		return log_error_ret(KB_EINVAL, "mm: mm_map_regions given no region list");
	for (i = 0; i < n; i++) {
		rc = check_region(t, &r[i], i);
		if (rc)
			return rc;
	}
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			uint64_t il = r[i].va + (r[i].size - 1), jl = r[j].va + (r[j].size - 1);
			if (r[i].va <= jl && r[j].va <= il)
				return log_error_ret(KB_ERANGE,
						     "mm: region '%s' (#%zu) overlaps region '%s' "
						     "(#%zu) at va %#llx",
						     region_name(&r[i]), i, region_name(&r[j]), j,
						     (unsigned long long)(r[i].va > r[j].va ?
										  r[i].va :
										  r[j].va));
		}
		if (range_mapped(t, t->root_pa, start, r[i].va, r[i].size))
			return region_error(&r[i], i, KB_ERANGE,
					    "overlaps a mapping already in the tables");
	}
	for (i = 0; i < n; i++) {
		rc = map_range(t, t->root_pa, start, r[i].va, r[i].pa, r[i].size,
			       mm_leaf_attr_bits(r[i].type, r[i].attrs));
		if (rc)
			return rc;
	}
	update_contiguous(t, t->root_pa, start);
	return KB_OK;
}
