/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/layout.h"

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"

#define LAYOUT_BATCH 16 /* regions handed to mm_map_regions at a time (no heap) */
#define MAX_IMAGE_SEGMENTS 16

uint64_t mm_fixmap_slot_va(enum mm_fixmap_slot slot)
{
	return MM_FIXMAP_TOP - ((uint64_t)slot << MM_PAGE_SHIFT);
}

uint64_t mm_fixmap_start(void)
{
	return mm_fixmap_slot_va(MM_FIX_COUNT - 1);
}

uint64_t mm_fixmap_fdt_va(uint64_t fdt_pa)
{
	return mm_fixmap_slot_va(MM_FIX_FDT) + align_offset(fdt_pa, MM_PAGE_SIZE);
}

uint64_t mm_fixmap_earlycon_va(uint64_t console_pa)
{
	return mm_fixmap_slot_va(MM_FIX_EARLYCON) + align_offset(console_pa, MM_PAGE_SIZE);
}

bool mm_memmap_is_ram(const struct memmap_entry *e)
{
	/* What the kernel's efi-init.c treats as usable System RAM once boot services are
	 * gone, provided it can be mapped write-back. */
	if (!(e->attr & MEMMAP_ATTR_WB))
		return false;
	switch (e->type) {
	case MEMMAP_LOADER_CODE:
	case MEMMAP_LOADER_DATA:
	case MEMMAP_BOOT_SERVICES_CODE:
	case MEMMAP_BOOT_SERVICES_DATA:
	case MEMMAP_CONVENTIONAL:
	case MEMMAP_ACPI_RECLAIM:
	case MEMMAP_PERSISTENT:
		return true;
	default:
		return false;
	}
}

/* The high half: kernel image segments and the fixmap (DT window, early console). */
static int map_image_and_fixmap(const struct mm_layout_params *p, struct mm_tables *t)
{
	struct mm_region r[MAX_IMAGE_SEGMENTS + 2];
	size_t n = 0, i;
	uint64_t fdt_first, fdt_end;

	if (p->nsegs > MAX_IMAGE_SEGMENTS || (p->nsegs && !p->segs))
		return log_error_ret(KB_EINVAL, "mm: layout has %zu image segments (at most %d)",
				     p->nsegs, MAX_IMAGE_SEGMENTS);
	for (i = 0; i < p->nsegs; i++) {
		r[n++] = (struct mm_region){
			.va = p->image_va + p->segs[i].offset, .pa = p->image_pa + p->segs[i].offset,
			.size = p->segs[i].size, .type = MM_NORMAL_WB, .attrs = p->segs[i].attrs,
			.name = p->segs[i].name,
		};
	}
	if (p->fdt_size == 0 || p->fdt_size > BOOT_DT_MAX_SIZE)
		return log_error_ret(
			KB_ERANGE,
			"mm: DT of %llu bytes at pa %#llx does not fit the 2 MiB fixmap window",
			(unsigned long long)p->fdt_size, (unsigned long long)p->fdt_pa);
	if (p->fdt_access != MM_RO && p->fdt_access != MM_RW)
		return log_error_ret(KB_EINVAL, "mm: DT fixmap access must be MM_RO or MM_RW");
	fdt_first = align_down(p->fdt_pa, MM_PAGE_SIZE);
	fdt_end = align_up(p->fdt_pa + p->fdt_size, MM_PAGE_SIZE);
	r[n++] = (struct mm_region){
		.va = mm_fixmap_slot_va(MM_FIX_FDT), .pa = fdt_first, .size = fdt_end - fdt_first,
		.type = MM_NORMAL_WB, .attrs = p->fdt_access | MM_XN, .name = "fixmap: DT",
	};
	if (p->has_console)
		r[n++] = (struct mm_region){
			.va = mm_fixmap_slot_va(MM_FIX_EARLYCON),
			.pa = align_down(p->console_pa, MM_PAGE_SIZE),
			.size = MM_PAGE_SIZE,
			.type = MM_DEVICE_nGnRE,
			.attrs = MM_RW | MM_XN,
			.name = "fixmap: earlycon",
		};
	return mm_map_regions(t, r, n);
}

static int map_trampoline(const struct mm_layout_params *p, struct mm_page_pool *pool,
			  struct mm_layout *out)
{
	struct mm_region r = {
		.va = align_down(p->tramp_pa, MM_PAGE_SIZE),
		.pa = align_down(p->tramp_pa, MM_PAGE_SIZE),
		.type = MM_NORMAL_WB,
		.attrs = MM_RO | MM_EXEC,
		.name = "trampoline idmap",
	};
	int rc;

	out->has_ttbr0 = p->tramp_size != 0;
	if (!out->has_ttbr0)
		return KB_OK;
	r.size = align_up(p->tramp_pa + p->tramp_size, MM_PAGE_SIZE) - r.va;
	rc = mm_tables_init(&out->ttbr0, pool, p->va_bits, false);
	return rc ? rc : mm_map_regions(&out->ttbr0, &r, 1);
}

int mm_layout_init(const struct mm_layout_params *p, struct mm_page_pool *pool,
		   struct mm_layout *out)
{
	int rc = mm_tables_init(&out->ttbr1, pool, p->va_bits, true);
	if (rc)
		return rc;
	rc = map_image_and_fixmap(p, &out->ttbr1);
	if (rc)
		return rc;
	return map_trampoline(p, pool, out);
}

struct batch {
	struct mm_tables *t;
	struct mm_region r[LAYOUT_BATCH];
	size_t n;
};

static int batch_flush(struct batch *b)
{
	int rc = mm_map_regions(b->t, b->r, b->n);
	b->n = 0;
	return rc;
}

static int batch_add(struct batch *b, uint64_t pa, uint64_t end, uint64_t lm_offset, unsigned attrs)
{
	if (end <= pa)
		return KB_OK;
	b->r[b->n++] = (struct mm_region){
		.va = pa + lm_offset, .pa = pa, .size = end - pa, .type = MM_NORMAL_WB,
		.attrs = attrs, .name = attrs & MM_RO ? "linear map (read-only image alias)" :
							  "linear map",
	};
	return b->n == LAYOUT_BATCH ? batch_flush(b) : KB_OK;
}

/* The next run of RAM at or above `from`, adjacent/overlapping entries merged, so blocks
 * can span descriptor boundaries. False when there is none. O(n^2), no sorting buffer. */
static bool next_ram_run(const struct memmap *m, uint64_t from, uint64_t *start, uint64_t *end)
{
	bool found = false, grew = true;
	size_t i;

	for (i = 0; i < m->count; i++) {
		const struct memmap_entry *e = &m->entries[i];
		uint64_t s = e->phys, x = e->phys + e->pages * MEMMAP_PAGE_SIZE;
		if (!mm_memmap_is_ram(e) || x <= from)
			continue;
		if (s < from)
			s = from;
		if (!found || s < *start) {
			*start = s;
			*end = x;
			found = true;
		}
	}
	while (found && grew) {
		grew = false;
		for (i = 0; i < m->count; i++) {
			const struct memmap_entry *e = &m->entries[i];
			uint64_t x = e->phys + e->pages * MEMMAP_PAGE_SIZE;
			if (mm_memmap_is_ram(e) && e->phys <= *end && x > *end) {
				*end = x;
				grew = true;
			}
		}
	}
	return found;
}

/* Map RAM run [s, e) linearly; parts that hold a non-writable image segment (text,
 * rodata) are mapped read-only so there is no writable alias of them. */
static int map_run(const struct mm_layout_params *p, struct batch *b, uint64_t s, uint64_t e)
{
	while (s < e) {
		uint64_t ro_start = e, ro_end = e;
		size_t i;
		int rc;

		for (i = 0; i < p->nsegs; i++) {
			uint64_t ss = p->image_pa + p->segs[i].offset, se = ss + p->segs[i].size;
			if ((p->segs[i].attrs & MM_RW) || se <= s || ss >= e)
				continue;
			if (ss < s)
				ss = s;
			if (ss < ro_start) {
				ro_start = ss;
				ro_end = se < e ? se : e;
			}
		}
		rc = batch_add(b, s, ro_start, p->lm_offset, MM_RW | MM_XN);
		if (rc)
			return rc;
		rc = batch_add(b, ro_start, ro_end, p->lm_offset, MM_RO | MM_XN);
		if (rc)
			return rc;
		s = ro_end;
	}
	return KB_OK;
}

int mm_layout_final(const struct mm_layout_params *p, struct mm_page_pool *pool,
		    struct mm_layout *out)
{
	struct batch b = { .t = &out->ttbr1, .n = 0 };
	uint64_t s = 0, e = 0, from = 0;
	int rc;

	if (!p->memmap || (p->memmap->count && !p->memmap->entries))
		return log_error_ret(KB_EINVAL, "mm: the final layout needs a memory map");
	rc = mm_layout_init(p, pool, out);
	while (!rc && next_ram_run(p->memmap, from, &s, &e)) {
		rc = map_run(p, &b, s, e);
		from = e;
	}
	if (!rc && b.n)
		rc = batch_flush(&b);
	return rc;
}
