/* SPDX-License-Identifier: BSD-2-Clause */
/* The MMU-on payload handoff (docs/protocol.md), mirroring the kernel's own boot: the ELF
 * is placed at a random 2 MiB physical slot and relocated to a random 2 MiB virtual base;
 * the init tables (image segments, fixmap with the DT and the UART, a TTBR0 identity map
 * of the trampoline) are built and walked before ExitBootServices, and so is a dry run of
 * the final swapper tables on the current memory map, which sizes and proves the pool.
 * After ExitBootServices the swapper set is rebuilt from the final map in that reserved
 * pool, switched in break-before-make, and the payload entered at EL1 with the MMU on.
 *
 * Every failure before ExitBootServices frees the attempt's allocations and returns an
 * error (the firmware goes on to its next boot option). After it there is no console and
 * no way back: a failure prints one line on the PL011 (if that is the console) and halts. */
#include "loader/boot_mmu_on.h"

#include <string.h>

#include "dtb/buffer.h"
#include "dtb/kaslboot_layout.h"
#include "dtb/platform.h"
#include "formats/elf.h"
#include "lib/align.h"
#include "lib/err.h"
#include "lib/halt.h"
#include "lib/log.h"
#include "loader/allocs.h"
#include "loader/boot_common.h"
#include "loader/file_load.h"
#include "loader/handback.h"
#include "loader/kaslr.h"
#include "loader/kaslr_claim.h"
#include "loader/measure.h"
#include "loader/seed_table.h"
#include "mm/arch.h"
#include "mm/cpu.h"
#include "mm/layout.h"
#include "mm/pool.h"
#include "mm/regs.h"
#include "mm/ttbr.h"
#include "mm/ttbr1_switch.h"
#include "mm/walk.h"

/* Largest ELF file read: a payload image is at most KASLBOOT_MAX_IMAGE_SPAN, plus symbols. */
#define PAYLOAD_FILE_MAX (256ULL << 20)
/* The VA size, stack and guard page are the protocol's (include/kaslboot/protocol.h). */
_Static_assert(KASLBOOT_VA_BITS == MM_VA_BITS_4LEVEL, "protocol: 48-bit VAs, 4 levels");
_Static_assert(KASLBOOT_GUARD_SIZE == MM_PAGE_SIZE, "protocol: one guard page");
/* Init set: TTBR1 root + L1/L2/L3 for the image and for the fixmap, TTBR0 root + three
 * levels, and the all-invalid table of the break-before-make switch: 16 would do. */
#define INIT_POOL_PAGES 64
/* Final set: the init set again plus the linear map. Per RAM run at most two partial
 * 2 MiB blocks (two L3 tables) and two partial 1 GiB ranges (two L2 tables); one L2 table
 * per GiB of RAM and one L1 per 512 GiB. Doubled: the dry run proves it is enough. */
#define FINAL_POOL_BASE_PAGES 64
#define FINAL_POOL_PAGES_PER_RUN 8
#define FINAL_POOL_PAGES_PER_GIB 2
/* The final map has the descriptors of the last snapshot plus those that the allocations
 * after it (the copy itself, the platform's final-map buffer) split off: two or three.
 * A few spare entries in the converted copy cost nothing. */
#define FINAL_MEMMAP_SPARE 16
/* The firmware's stage 1 maps VA == PA (UEFI 2.10 section 2.3.6.1, AArch64). */
#define IDMAP_LM_OFFSET 0

/* PL011 TRM (ARM DDI 0183G) 3.2: UARTDR at 0x000, UARTFR at 0x018 with TXFF = bit 5. */
#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_FR_TXFF (1u << 5)

struct mmu_on_plan {
	uint64_t phys, phys_slots;        /* image slot (2 MiB aligned) */
	uint64_t virt, virt_slots;        /* image virtual base */
	uint64_t lm_offset, lm_slots;     /* linear map: va = pa + lm_offset */
	uint64_t ram_lo, ram_hi, ram_runs, ram_bytes;
	uint64_t slot_size;               /* span + guard + stack */
	uint64_t stack_top;               /* VA */
	uint64_t dt_pa, dt_va, dt_size;
	struct dt_uart uart;
	bool has_uart;
	uint64_t uart_va;
	uint64_t tramp_pa, tramp_size;    /* page-rounded identity-mapped trampoline */
};

static unsigned seg_attrs(uint32_t perm)
{
	if (perm & ELF_SEG_X)
		return MM_RO | MM_EXEC;
	return perm & ELF_SEG_W ? MM_RW | MM_XN : MM_RO | MM_XN;
}

/* RAM (mm_memmap_is_ram) bounds, descriptor count and size: sizes the linear-map window
 * choice and the final pool. */
static int ram_bounds(const struct memmap *map, struct mmu_on_plan *pl)
{
	pl->ram_lo = UINT64_MAX;
	pl->ram_hi = pl->ram_runs = pl->ram_bytes = 0;
	for (size_t i = 0; i < map->count; i++) {
		const struct memmap_entry *m = &map->entries[i];
		if (!mm_memmap_is_ram(m))
			continue;
		uint64_t end = m->phys + m->pages * MEMMAP_PAGE_SIZE;
		if (m->phys < pl->ram_lo)
			pl->ram_lo = m->phys;
		if (end > pl->ram_hi)
			pl->ram_hi = end;
		pl->ram_runs++;
		pl->ram_bytes += m->pages * MEMMAP_PAGE_SIZE;
	}
	if (!pl->ram_runs)
		return log_error_ret(
			KB_ENOENT, "mmu-on: the memory map has no write-back RAM to map linearly");
	return 0;
}

static int claim_slot(const char *path, const struct memmap *map, bool random,
		      struct drbg *rng, struct kb_allocs *allocs, struct mmu_on_plan *pl)
{
	struct kaslr_request req = {
		.align = KASLBOOT_IMAGE_ALIGN, .size = pl->slot_size, .max_addr = BOOT_IMAGE_PHYS_LIMIT,
	};
	struct kb_claim claim = { allocs, KB_MEM_CODE };
	int rc = kaslr_claim(map, &req, random, rng, KASLR_CLAIM_ATTEMPTS, kb_claim, &claim, path,
			     &pl->phys, &pl->phys_slots);
	if (rc == KB_ENOSPC)
		log_error("%s: no free 2 MiB-aligned slot holds its %lu KiB (image, guard page and "
			  "stack)", path, (unsigned long)(pl->slot_size >> 10));
	return rc;
}

/* Virtual base and linear-map offset. KASLR off: the lowest virtual slot and RAM's first
 * 2 MiB block at the bottom of the linear window (deterministic, documented). */
static int choose_virt(bool kaslr, struct drbg *rng, uint64_t span, struct mmu_on_plan *pl)
{
	uint64_t pa_first = align_down(pl->ram_lo, KASLBOOT_LINEAR_ALIGN);
	uint64_t pa_end = align_up(pl->ram_hi, KASLBOOT_LINEAR_ALIGN);
	uint64_t vsize = pl->slot_size;
	int rc;

	pl->virt_slots = kaslr_virt_slots(KASLBOOT_IMAGE_VA_WINDOW_LO, KASLBOOT_IMAGE_VA_WINDOW_HI,
					  KASLBOOT_IMAGE_ALIGN, vsize);
	pl->lm_slots = kaslr_virt_slots(KASLBOOT_LINEAR_WINDOW_LO, KASLBOOT_LINEAR_WINDOW_HI,
					KASLBOOT_LINEAR_ALIGN, pa_end - pa_first);
	if (!pl->virt_slots || !pl->lm_slots)
		return log_error_ret(
			KB_ENOSPC, "mmu-on: no virtual room: image %lu KiB, RAM span 0x%lx",
			(unsigned long)(span >> 10), (unsigned long)(pa_end - pa_first));
	if (!kaslr) {
		pl->virt = KASLBOOT_IMAGE_VA_WINDOW_LO;
		pl->lm_offset = KASLBOOT_LINEAR_WINDOW_LO - pa_first;
		return 0;
	}
	rc = kaslr_choose_virt(rng, KASLBOOT_IMAGE_VA_WINDOW_LO, KASLBOOT_IMAGE_VA_WINDOW_HI,
			       KASLBOOT_IMAGE_ALIGN, vsize, &pl->virt);
	if (rc)
		return rc;
	return kaslr_choose_linear_offset(rng, KASLBOOT_LINEAR_WINDOW_LO, KASLBOOT_LINEAR_WINDOW_HI,
					  pl->ram_lo, pl->ram_hi, KASLBOOT_LINEAR_ALIGN,
					  &pl->lm_offset);
}

/* The image segments plus the stack above the guard page, as mm/layout.h segments. */
static size_t layout_segments(const struct elf_payload_info *info, struct mm_image_segment *segs)
{
	size_t n = 0;
	for (size_t i = 0; i < info->nsegs; i++)
		segs[n++] = (struct mm_image_segment){
			.offset = info->segs[i].map_offset, .size = info->segs[i].map_size,
			.attrs = seg_attrs(info->segs[i].perm), .name = "payload segment",
		};
	segs[n++] = (struct mm_image_segment){
		.offset = info->span + KASLBOOT_GUARD_SIZE, .size = KASLBOOT_STACK_SIZE_MIN,
		.attrs = MM_RW | MM_XN, .name = "payload stack",
	};
	return n;
}

/* Every page of [va, va + size) translates to pa + offset with this type and access. */
static bool walk_range(const struct mm_tables *t, uint64_t va, uint64_t pa, uint64_t size,
		       enum mm_memtype type, unsigned attrs, const char *what)
{
	for (uint64_t off = 0; off < size; off += MM_PAGE_SIZE) {
		struct mm_walk_result w;
		if (mm_walk(t, va + off, &w) || w.pa != pa + off || w.type != type ||
		    w.attrs != attrs) {
			return log_error_ret(
				false,
				"mmu-on: table check: %s at va 0x%lx: fault %d pa 0x%lx attrs 0x%x "
				"(want pa 0x%lx attrs 0x%x)",
				what, (unsigned long)(va + off), (int)w.fault, (unsigned long)w.pa,
				w.attrs, (unsigned long)(pa + off), attrs);
		}
	}
	return true;
}

static bool walk_absent(const struct mm_tables *t, uint64_t va, const char *what)
{
	struct mm_walk_result w;
	if (mm_walk(t, va, &w) == KB_ENOENT)
		return true;
	return log_error_ret(false, "mmu-on: table check: %s at va 0x%lx is mapped", what,
			     (unsigned long)va);
}

/* The software walker's view of a table set against the plan: each segment with its
 * permissions, the guard page absent, the stack, the DT and UART in the fixmap, the TTBR0
 * trampoline; for the final set also every RAM descriptor in the linear map (XN). */
static int check_tables(const struct mm_layout *l, const struct mm_layout_params *p,
			const struct mmu_on_plan *pl, const struct memmap *ram)
{
	bool ok = true;
	uint64_t dt_page = align_down(pl->dt_pa, MM_PAGE_SIZE);
	uint64_t dt_end = align_up(pl->dt_pa + pl->dt_size, MM_PAGE_SIZE);

	for (size_t i = 0; ok && i < p->nsegs; i++)
		ok = walk_range(&l->ttbr1, p->image_va + p->segs[i].offset,
				p->image_pa + p->segs[i].offset, p->segs[i].size, MM_NORMAL_WB,
				p->segs[i].attrs, p->segs[i].name);
	ok = ok && walk_absent(&l->ttbr1, pl->stack_top - KASLBOOT_STACK_SIZE_MIN - KASLBOOT_GUARD_SIZE,
			       "stack guard page");
	ok = ok && walk_range(&l->ttbr1, align_down(pl->dt_va, MM_PAGE_SIZE), dt_page,
			      dt_end - dt_page, MM_NORMAL_WB, MM_RO | MM_XN, "fixmap DT");
	if (ok && pl->has_uart)
		ok = walk_range(&l->ttbr1, align_down(pl->uart_va, MM_PAGE_SIZE),
				align_down(pl->uart.pa, MM_PAGE_SIZE), MM_PAGE_SIZE,
				MM_DEVICE_nGnRE, MM_RW | MM_XN, "fixmap UART");
	ok = ok && l->has_ttbr0 &&
	     walk_range(&l->ttbr0, pl->tramp_pa, pl->tramp_pa, pl->tramp_size, MM_NORMAL_WB,
			MM_RO | MM_EXEC, "trampoline idmap");
	ok = ok && walk_absent(&l->ttbr0, pl->phys, "image PA in TTBR0");
	for (size_t i = 0; ok && ram && i < ram->count; i++) {
		const struct memmap_entry *m = &ram->entries[i];
		struct mm_walk_result w;
		uint64_t last = m->phys + (m->pages - 1) * MEMMAP_PAGE_SIZE;
		if (!mm_memmap_is_ram(m) || !m->pages)
			continue;
		if (mm_walk(&l->ttbr1, m->phys + pl->lm_offset, &w) || w.pa != m->phys ||
		    !(w.attrs & MM_XN) || mm_walk(&l->ttbr1, last + pl->lm_offset, &w) ||
		    w.pa != last || !(w.attrs & MM_XN)) {
			log_error("mmu-on: table check: RAM 0x%lx+%lu pages not mapped XN in the "
				  "linear map", (unsigned long)m->phys, (unsigned long)m->pages);
			ok = false;
		}
	}
	return ok ? 0 : KB_ECORRUPT;
}

/* No console after ExitBootServices: one line straight to the PL011 (the firmware's
 * identity map still covers it), then stop. */
static __attribute__((noreturn)) void fatal_after_exit(const struct mmu_on_plan *pl, const char *msg)
{
	if (pl->has_uart && pl->uart.type == DT_UART_PL011) {
		volatile uint32_t *fr = (volatile uint32_t *)(uintptr_t)(pl->uart.pa + PL011_FR);
		volatile uint32_t *dr = (volatile uint32_t *)(uintptr_t)(pl->uart.pa + PL011_DR);
		for (const char *c = msg; *c; c++) {
			while (*fr & PL011_FR_TXFF)
				;
			*dr = (uint8_t)*c;
		}
	}
	cpu_halt();
}

/* Everything one attempt holds; given back in one place when it fails. */
struct mmu_on_attempt {
	struct kb_allocs allocs;
	struct memmap map, final_map;
	struct drbg rng;
	struct elf_payload_info info;
	struct mmu_on_plan pl;
	struct initrd_set initrd;
	struct mm_image_segment segs[KASLBOOT_MAX_LOAD_SEGMENTS + 1];
	struct mm_layout_params lp;
	struct mm_layout init_l, final_l;
	struct mm_page_pool init_pool, final_pool;
	struct memmap_entry *final_entries;
	size_t final_cap;
	uint64_t final_pool_pages, zero_pa, ttbr0, ttbr1_init, ttbr1_final;
	uint64_t kaslr_seed;
	void *file;
	uint64_t file_len;
	bool kaslr, nokaslr;
	bool seed_table;           /* LINUX_EFI_RANDOM_SEED_TABLE installed */
	bool event_log;            /* LINUX_EFI_TPM_EVENT_LOG installed */
};

/* The file, fully checked, then the physical slot, virtual base and linear offset drawn
 * (the draw order of crypto/drbg.h: physical slot, virtual base, linear offset, initrd,
 * DT, kaslr-seed, rng-seed) and the image loaded and relocated into its slot. */
static int load_payload(struct kb_boot *b, const struct kb_entry *e, struct mmu_on_attempt *a)
{
	struct mmu_on_plan *pl = &a->pl;
	int rc = kb_file_load(b->pf, e->linux_path, PAYLOAD_FILE_MAX, &a->file, &a->file_len);
	if (rc)
		return rc;   /* kb_file_load named the file and the reason */
	measure_kernel(b->pf, e->linux_path, a->file, a->file_len);   /* PCR 4: the ELF as read */
	rc = elf_payload_inspect(a->file, a->file_len, e->linux_path, &a->info);
	if (rc)
		return rc;   /* one line, naming the file and what is wrong with it */
	rc = b->pf->memmap_get(b->pf->ctx, &a->map);
	if (rc)
		return rc;
	rc = ram_bounds(&a->map, pl);
	if (rc)
		return rc;
	pl->slot_size = a->info.span + KASLBOOT_GUARD_SIZE + KASLBOOT_STACK_SIZE_MIN;
	rc = claim_slot(e->linux_path, &a->map, a->kaslr, &a->rng, &a->allocs, pl);
	if (rc)
		return rc;
	rc = choose_virt(a->kaslr, &a->rng, a->info.span, pl);
	if (rc)
		return rc;
	pl->stack_top = pl->virt + pl->slot_size;
	rc = elf_payload_load(a->file, a->file_len, &a->info, (void *)(uintptr_t)pl->phys, pl->virt);
	if (rc)
		return log_error_ret(rc, "%s: loading the payload failed (%s)", e->linux_path,
				     kb_strerror(rc));
	memset((void *)(uintptr_t)(pl->phys + a->info.span), 0,
	       KASLBOOT_GUARD_SIZE + KASLBOOT_STACK_SIZE_MIN);
	kb_file_free(b->pf, a->file);
	a->file = NULL;
	return 0;
}

/* The initrds, then the DT: /chosen as for Linux plus the kaslboot,* layout properties
 * that tell the payload where everything is (docs/protocol.md). */
static int write_dt(struct kb_boot *b, const struct kb_entry *e, struct mmu_on_attempt *a)
{
	struct mmu_on_plan *pl = &a->pl;
	measure_cmdline(b->pf, e->options, MEASURE_CMDLINE_PAYLOAD);   /* PCR 12; no stub: no PCR 9 */
	int rc = initrds_load(b, e, pl->phys, pl->slot_size, a->kaslr, &a->rng, &a->allocs,
			      &a->initrd);
	if (rc)
		return rc;
	struct kaslr_range avoid[2] = { { pl->phys, pl->slot_size },
					{ a->initrd.base, a->initrd.size } };
	rc = boot_dt_prepare(b, e, avoid, a->initrd.size ? 2 : 1, a->kaslr, &a->rng, &a->allocs,
			     &pl->dt_pa);
	if (rc)
		return rc;
	void *fdt = (void *)(uintptr_t)pl->dt_pa;
	a->kaslr_seed = a->kaslr ? drbg_u64_nonzero(&a->rng) : 0;
	rc = boot_dt_write_chosen(b, fdt, e, &a->initrd, a->kaslr_seed, &a->rng);
	if (rc)
		return rc;
	rc = dt_find_uart(fdt, &pl->uart);
	pl->has_uart = rc == 0;
	if (rc && rc != KB_ENOENT)
		log_warn("mmu-on: the console UART in the DT is unusable (%s): none mapped",
			 kb_strerror(rc));
	pl->uart_va = pl->has_uart ? mm_fixmap_earlycon_va(pl->uart.pa) : 0;
	pl->dt_va = mm_fixmap_fdt_va(pl->dt_pa);
	mm_tramp_range(&pl->tramp_pa, &pl->tramp_size);
	pl->tramp_size = align_up(pl->tramp_pa + pl->tramp_size, MM_PAGE_SIZE) -
			 align_down(pl->tramp_pa, MM_PAGE_SIZE);
	pl->tramp_pa &= ~(MM_PAGE_SIZE - 1);
	struct dt_kaslboot_layout dl = {
		.image_pa = pl->phys, .image_va = pl->virt, .image_size = a->info.span,
		.linear_map_offset = pl->lm_offset, .fixmap_va = mm_fixmap_start(),
		.fixmap_size = MM_FIXMAP_TOP + MM_PAGE_SIZE - mm_fixmap_start(),
		.uart_va = pl->uart_va, .stack_top_va = pl->stack_top,
		.stack_size = KASLBOOT_STACK_SIZE_MIN, .idmap_pa = pl->tramp_pa,
		.idmap_size = pl->tramp_size,
	};
	rc = dt_set_kaslboot_layout(fdt, &dl);
	if (!rc)
		rc = dt_finish(fdt, &pl->dt_size);
	if (rc)
		log_error("mmu-on: cannot write the layout into the DT (%s)", kb_strerror(rc));
	return rc;
}

/* Page pools, now, while allocation is possible: the init set, and the final set's
 * reserve sized from the RAM descriptors. Then the init set built and walked, and a dry
 * run of the final set on today's map: it proves the layout and the pool size while an
 * error can still be reported; it is rebuilt from the final map after exit. */
static int build_tables(struct mmu_on_attempt *a)
{
	struct mmu_on_plan *pl = &a->pl;
	uint64_t pool_pa;
	int rc = kb_alloc_below(&a->allocs, INIT_POOL_PAGES * MM_PAGE_SIZE, 0, KB_MEM_DATA,
				&pool_pa);
	if (rc)
		return rc;
	rc = mm_pool_init(&a->init_pool, (void *)(uintptr_t)pool_pa, pool_pa, INIT_POOL_PAGES);
	if (rc)
		return rc;
	a->final_pool_pages = FINAL_POOL_BASE_PAGES + FINAL_POOL_PAGES_PER_RUN * pl->ram_runs +
			      FINAL_POOL_PAGES_PER_GIB * ((pl->ram_bytes >> 30) + 1);
	rc = kb_alloc_below(&a->allocs, a->final_pool_pages * MM_PAGE_SIZE, 0, KB_MEM_DATA,
			    &pool_pa);
	if (rc)
		return rc;
	rc = mm_pool_init(&a->final_pool, (void *)(uintptr_t)pool_pa, pool_pa, a->final_pool_pages);
	if (rc)
		return rc;

	size_t nsegs = layout_segments(&a->info, a->segs);
	a->lp = (struct mm_layout_params){
		.va_bits = KASLBOOT_VA_BITS, .image_va = pl->virt, .image_pa = pl->phys,
		.segs = a->segs, .nsegs = nsegs, .fdt_pa = pl->dt_pa, .fdt_size = pl->dt_size,
		.fdt_access = MM_RO, .has_console = pl->has_uart, .console_pa = pl->uart.pa,
		.tramp_pa = pl->tramp_pa, .tramp_size = pl->tramp_size, .memmap = &a->map,
		.lm_offset = pl->lm_offset,
	};
	rc = mm_layout_init(&a->lp, &a->init_pool, &a->init_l);
	if (rc)
		goto fail;
	rc = check_tables(&a->init_l, &a->lp, pl, NULL);
	if (rc)
		goto fail;
	/* The all-invalid table the break-before-make switch points TTBR1 at. */
	rc = mm_pool_alloc(&a->init_pool, &a->zero_pa);
	if (rc)
		goto fail;
	rc = mm_ttbr_value(&a->init_l.ttbr1, MM_ADDR_IDMAP,
			   (uint64_t)(uintptr_t)a->init_l.ttbr1.root, IDMAP_LM_OFFSET,
			   &a->ttbr1_init);
	if (rc)
		goto fail;
	rc = mm_ttbr_value(&a->init_l.ttbr0, MM_ADDR_IDMAP,
			   (uint64_t)(uintptr_t)a->init_l.ttbr0.root, IDMAP_LM_OFFSET, &a->ttbr0);
	if (rc)
		goto fail;
	rc = mm_layout_final(&a->lp, &a->final_pool, &a->final_l);
	if (rc)
		goto fail;
	rc = check_tables(&a->final_l, &a->lp, pl, &a->map);
	if (rc)
		goto fail;
	log_debug("mmu-on: tables: init %lu/%u pages, final (dry run) %lu/%lu pages",
		  (unsigned long)a->init_pool.used, INIT_POOL_PAGES,
		  (unsigned long)a->final_pool.used, (unsigned long)a->final_pool_pages);
	a->final_pool.used = 0;
	return 0;

fail:
	return log_error_ret(rc, "mmu-on: building or checking the page tables failed (%s)",
			     kb_strerror(rc));
}

/* The last allocation before exit: room for the final map's portable copy, sized from a
 * snapshot taken after every other allocation. */
static int reserve_final_copy(struct kb_boot *b, struct mmu_on_attempt *a)
{
	struct memmap now = { 0 };
	uint64_t pa;
	int rc = b->pf->memmap_get(b->pf->ctx, &now);
	if (rc)
		return rc;
	a->final_cap = now.count + FINAL_MEMMAP_SPARE;
	b->pf->memmap_free(b->pf->ctx, &now);
	rc = kb_alloc_below(&a->allocs, a->final_cap * sizeof(struct memmap_entry), 0,
			    KB_MEM_DATA, &pa);
	a->final_entries = (struct memmap_entry *)(uintptr_t)pa;
	return rc;
}

/* The entropy (slots, bits) at info; the bases only at debug and the kaslr-seed never,
 * as for Linux (issue 19). */
static void log_plan(struct kb_boot *b, const struct kb_entry *e, const struct mmu_on_attempt *a,
		     unsigned el, enum mm_ttbr1_switch sw)
{
	const struct mmu_on_plan *pl = &a->pl;
	(void)e;
	log_info("mmu-on: kaslr: %s; entropy: %s; virtual %lu slots (%u bits), physical %lu "
		 "slots (%u bits), linear %u bits, EL%u",
		 !a->kaslr ? (a->nokaslr ? "off (nokaslr)" : "off (loader.conf)") : "on",
		 b->entropy.sources, (unsigned long)pl->virt_slots,
		 kaslr_entropy_bits(pl->virt_slots), (unsigned long)pl->phys_slots,
		 kaslr_entropy_bits(pl->phys_slots), kaslr_entropy_bits(pl->lm_slots), el);
	log_debug("mmu-on: layout: virtual base 0x%lx, physical base 0x%lx, linear offset 0x%lx",
		  (unsigned long)pl->virt, (unsigned long)pl->phys, (unsigned long)pl->lm_offset);
	log_debug("mmu-on: entry 0x%lx image-size 0x%lx stack-top 0x%lx dt 0x%lx (pa 0x%lx+0x%lx) "
		  "uart 0x%lx (pa 0x%lx) idmap 0x%lx+0x%lx",
		  (unsigned long)(pl->virt + a->info.entry_offset), (unsigned long)a->info.span,
		  (unsigned long)pl->stack_top, (unsigned long)pl->dt_va, (unsigned long)pl->dt_pa,
		  (unsigned long)pl->dt_size, (unsigned long)pl->uart_va,
		  (unsigned long)pl->uart.pa, (unsigned long)pl->tramp_pa,
		  (unsigned long)pl->tramp_size);
	log_debug("mmu-on: TTBR1 switch: %s", mm_ttbr1_switch_name(sw));
}

/* After ExitBootServices: no firmware, nothing allocated, nothing printed. The swapper set
 * rebuilt from the final map and checked, everything the payload or the walker reads
 * cleaned to PoC (the MMU is briefly off at EL1), the TTBR1 sequence, then the entry. */
static __attribute__((noreturn)) void switch_and_enter(struct mmu_on_attempt *a,
							 const struct kb_exit_map *m,
							 enum mm_ttbr1_switch sw)
{
	struct mmu_on_plan *pl = &a->pl;
	if (!memmap_from_uefi((const void *)(uintptr_t)m->buf, m->size, m->desc_size,
			      a->final_entries, a->final_cap, &a->final_map))
		fatal_after_exit(pl, "kaslboot: error: the final memory map outgrew its copy\r\n");
	a->lp.memmap = &a->final_map;
	if (mm_layout_final(&a->lp, &a->final_pool, &a->final_l) ||
	    check_tables(&a->final_l, &a->lp, pl, &a->final_map) ||
	    mm_ttbr_value(&a->final_l.ttbr1, MM_ADDR_IDMAP,
			  (uint64_t)(uintptr_t)a->final_l.ttbr1.root, IDMAP_LM_OFFSET,
			  &a->ttbr1_final))
		fatal_after_exit(pl, "kaslboot: error: the final page tables failed their check\r\n");

	mm_dcache_clean_poc(pl->phys, pl->slot_size);
	mm_dcache_clean_poc(pl->dt_pa, pl->dt_size);
	mm_dcache_clean_poc(m->buf, m->size);
	mm_dcache_clean_poc((uint64_t)(uintptr_t)a->final_entries,
			    a->final_map.count * sizeof(struct memmap_entry));
	mm_dcache_clean_poc(a->init_pool.base_pa, a->init_pool.used * MM_PAGE_SIZE);
	mm_dcache_clean_poc(a->final_pool.base_pa, a->final_pool.used * MM_PAGE_SIZE);
	if (a->initrd.size)
		mm_dcache_clean_poc(a->initrd.base, a->initrd.size);
	mm_icache_invalidate_all();

	if (!mm_ttbr1_init_then_final(sw, KASLBOOT_VA_BITS, a->ttbr1_init, a->ttbr1_final,
				      a->zero_pa, pl->dt_va, pl->dt_pa))
		fatal_after_exit(pl, "kaslboot: error: the DT is not reachable through the fixmap\r\n");

	struct mm_mmu_on_args args = {
		.mair = MM_MAIR_VALUE, .tcr = mm_tcr_value(KASLBOOT_VA_BITS, mm_cpu_parange()),
		.ttbr0 = a->ttbr0, .ttbr1 = a->ttbr1_final, .sctlr = MM_SCTLR_EL1_MMU_ON,
		.sp = pl->stack_top, .entry = pl->virt + a->info.entry_offset, .x0 = pl->dt_va,
		.x1 = 0,
	};
	mm_enter_mmu_on(&args);
}

int boot_mmu_on(struct kb_boot *b, const struct kb_entry *e)
{
	static struct mmu_on_attempt a;   /* static: ~10 KiB of tables' bookkeeping */
	struct kb_exit_map exit_map;
	unsigned el = mm_current_el();
	enum mm_ttbr1_switch sw = mm_ttbr1_switch_kind(el);
	int rc;

	memset(&a, 0, sizeof(a));
	kb_allocs_init(&a.allocs, b->pf);
	log_info("entry '%s': %s (MMU-on payload)", e->id, e->title[0] ? e->title : e->linux_path);
	if (b->fw->secure_boot) {
		/* An ELF payload carries no signature the firmware could check. */
		return log_error_ret(
			KB_EPERM,
			"%s: MMU-on ELF payloads cannot be verified: refused under Secure Boot",
			e->linux_path);
	}
	rc = boot_kaslr_policy(b, e, &a.rng, &a.kaslr, &a.nokaslr);
	if (rc)
		goto fail;
	rc = load_payload(b, e, &a);
	if (rc)
		goto fail;
	rc = write_dt(b, e, &a);
	if (rc)
		goto fail;
	rc = build_tables(&a);
	if (rc)
		goto fail;
	rc = reserve_final_copy(b, &a);
	if (rc)
		goto fail;

	log_plan(b, e, &a, el, sw);
	if (entropy_can_hand_over(&b->entropy.pool)) /* what Linux credits: issue 19 */
		seed_table_install(b->pf, &a.rng, &a.allocs, &a.seed_table);
	a.kaslr_seed = 0;
	drbg_wipe(&a.rng);
	b->pf->memmap_free(b->pf->ctx, &a.map);
	measure_event_log_install(b->pf, &a.allocs, &a.event_log);   /* after the last measurement */

	/* The payload protocol keeps runtime services 1:1 (section 6 of docs/protocol.md). */
	rc = boot_exit_firmware(b, (void *)(uintptr_t)a.pl.dt_pa, false, &exit_map);
	if (rc)
		goto fail;   /* boot services are still up: give everything back, fall back */
	handback_commit(b, a.seed_table);
	switch_and_enter(&a, &exit_map, sw);

fail:
	measure_event_log_remove(b->pf, &a.event_log);
	seed_table_remove(b->pf, b->fw->seed_table, &a.seed_table);
	kb_file_free(b->pf, a.file);
	drbg_wipe(&a.rng);
	b->pf->memmap_free(b->pf->ctx, &a.map);
	kb_free_all(&a.allocs);
	return rc;
}
