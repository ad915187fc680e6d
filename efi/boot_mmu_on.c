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
#include <efi.h>
#include <efilib.h>

#include "dtb/buffer.h"
#include "dtb/kaslboot_layout.h"
#include "dtb/platform.h"
#include "efi/boot_common.h"
#include "efi/boot_mmu_on.h"
#include "efi/exit.h"
#include "efi/file.h"
#include "efi/memory.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/halt.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/sysreg.h"
#include "loader/elf.h"
#include "loader/kaslr.h"
#include "loader/kaslr_claim.h"
#include "mm/arch.h"
#include "mm/cpu.h"
#include "mm/layout.h"
#include "mm/pool.h"
#include "mm/regs.h"
#include "mm/ttbr.h"
#include "mm/walk.h"

/* Largest ELF file read: a payload image is at most ELF_PAYLOAD_MAX_SPAN, plus symbols. */
#define PAYLOAD_FILE_MAX (256ULL << 20)
/* docs/protocol.md section 3: 48-bit VAs in both halves, 4 KiB granule. */
#define PAYLOAD_VA_BITS MM_VA_BITS_4LEVEL
/* Protocol minimum (section 4), the same as Linux's THREAD_SIZE with 4 KiB pages + KASAN. */
#define PAYLOAD_STACK_SIZE (64ULL << 10)
/* One unmapped page between the image and the stack: an overflow faults. */
#define PAYLOAD_GUARD_SIZE MM_PAGE_SIZE
/* Init set: TTBR1 root + L1/L2/L3 for the image and for the fixmap, TTBR0 root + three
 * levels, and the all-invalid table of the break-before-make switch: 16 would do. */
#define INIT_POOL_PAGES 64
/* Final set: the init set again plus the linear map. Per RAM run at most two partial
 * 2 MiB blocks (two L3 tables) and two partial 1 GiB ranges (two L2 tables); one L2 table
 * per GiB of RAM and one L1 per 512 GiB. Doubled: the dry run proves it is enough. */
#define FINAL_POOL_BASE_PAGES 64
#define FINAL_POOL_PAGES_PER_RUN 8
#define FINAL_POOL_PAGES_PER_GIB 2
/* The final map has more descriptors than the reserved buffer's slack covers only if the
 * firmware misbehaves; a few spare entries in the converted copy cost nothing. */
#define FINAL_MEMMAP_SPARE 8
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
	if (!pl->ram_runs) {
		log_error("mmu-on: the memory map has no write-back RAM to map linearly");
		return KB_ENOENT;
	}
	return 0;
}

static int claim_slot(const char *path, const struct memmap *map, bool random,
		      struct drbg *rng, struct efi_allocs *allocs, struct mmu_on_plan *pl)
{
	struct kaslr_request req = {
		.align = KASLR_SZ_2M, .size = pl->slot_size, .max_addr = KASLR_KERNEL_PHYS_LIMIT,
	};
	struct efi_claim claim = { allocs, EfiLoaderCode };
	int rc = kaslr_claim(map, &req, random, rng, KASLR_CLAIM_ATTEMPTS, efi_claim, &claim, path,
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
	uint64_t pa_first = pl->ram_lo & ~(KASLR_LINEAR_ALIGN - 1);
	uint64_t pa_end = (pl->ram_hi + KASLR_LINEAR_ALIGN - 1) & ~(KASLR_LINEAR_ALIGN - 1);
	uint64_t vsize = pl->slot_size;
	int rc;

	pl->virt_slots = kaslr_virt_slots(KASLR_VIRT_IMAGE_WINDOW_LO, KASLR_VIRT_IMAGE_WINDOW_HI,
					  KASLR_VIRT_IMAGE_ALIGN, vsize);
	pl->lm_slots = kaslr_virt_slots(KASLR_LINEAR_WINDOW_LO, KASLR_LINEAR_WINDOW_HI,
					KASLR_LINEAR_ALIGN, pa_end - pa_first);
	if (!pl->virt_slots || !pl->lm_slots) {
		log_error("mmu-on: no virtual room: image %lu KiB, RAM span 0x%lx",
			  (unsigned long)(span >> 10), (unsigned long)(pa_end - pa_first));
		return KB_ENOSPC;
	}
	if (!kaslr) {
		pl->virt = KASLR_VIRT_IMAGE_WINDOW_LO;
		pl->lm_offset = KASLR_LINEAR_WINDOW_LO - pa_first;
		return 0;
	}
	rc = kaslr_choose_virt(rng, KASLR_VIRT_IMAGE_WINDOW_LO, KASLR_VIRT_IMAGE_WINDOW_HI,
			       KASLR_VIRT_IMAGE_ALIGN, vsize, &pl->virt);
	if (!rc)
		rc = kaslr_choose_linear_offset(rng, KASLR_LINEAR_WINDOW_LO, KASLR_LINEAR_WINDOW_HI,
						pl->ram_lo, pl->ram_hi, KASLR_LINEAR_ALIGN,
						&pl->lm_offset);
	return rc;
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
		.offset = info->span + PAYLOAD_GUARD_SIZE, .size = PAYLOAD_STACK_SIZE,
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
			log_error("mmu-on: table check: %s at va 0x%lx: fault %d pa 0x%lx attrs 0x%x "
				  "(want pa 0x%lx attrs 0x%x)", what, (unsigned long)(va + off),
				  (int)w.fault, (unsigned long)w.pa, w.attrs,
				  (unsigned long)(pa + off), attrs);
			return false;
		}
	}
	return true;
}

static bool walk_absent(const struct mm_tables *t, uint64_t va, const char *what)
{
	struct mm_walk_result w;
	if (mm_walk(t, va, &w) == KB_ENOENT)
		return true;
	log_error("mmu-on: table check: %s at va 0x%lx is mapped", what, (unsigned long)va);
	return false;
}

/* The software walker's view of a table set against the plan: each segment with its
 * permissions, the guard page absent, the stack, the DT and UART in the fixmap, the TTBR0
 * trampoline; for the final set also every RAM descriptor in the linear map (XN). */
static int check_tables(const struct mm_layout *l, const struct mm_layout_params *p,
			const struct mmu_on_plan *pl, const struct memmap *ram)
{
	bool ok = true;
	uint64_t dt_page = pl->dt_pa & ~(MM_PAGE_SIZE - 1);
	uint64_t dt_end = (pl->dt_pa + pl->dt_size + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1);

	for (size_t i = 0; ok && i < p->nsegs; i++)
		ok = walk_range(&l->ttbr1, p->image_va + p->segs[i].offset,
				p->image_pa + p->segs[i].offset, p->segs[i].size, MM_NORMAL_WB,
				p->segs[i].attrs, p->segs[i].name);
	ok = ok && walk_absent(&l->ttbr1, pl->stack_top - PAYLOAD_STACK_SIZE - PAYLOAD_GUARD_SIZE,
			       "stack guard page");
	ok = ok && walk_range(&l->ttbr1, pl->dt_va & ~(MM_PAGE_SIZE - 1), dt_page, dt_end - dt_page,
			      MM_NORMAL_WB, MM_RO | MM_XN, "fixmap DT");
	if (ok && pl->has_uart)
		ok = walk_range(&l->ttbr1, pl->uart_va & ~(MM_PAGE_SIZE - 1),
				pl->uart.pa & ~(MM_PAGE_SIZE - 1), MM_PAGE_SIZE, MM_DEVICE_nGnRE,
				MM_RW | MM_XN, "fixmap UART");
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

/* After ExitBootServices: the EFI map in the reserved buffer (stride desc_size) into the
 * preallocated portable array. */
static bool memmap_from_final(const struct efi_final_map *f, struct memmap_entry *out,
			      size_t cap, struct memmap *m)
{
	size_t n = 0;
	for (uint64_t off = 0; off + f->desc_size <= f->size; off += f->desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(uintptr_t)(f->buf + off);
		if (n == cap)
			return false;
		out[n].phys = d->PhysicalStart;
		out[n].pages = d->NumberOfPages;
		out[n].type = d->Type;
		out[n].attr = d->Attribute;
		n++;
	}
	m->entries = out;
	m->count = n;
	return true;
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

/* Can the firmware's MAIR_EL1 be shared while the init set is live in TTBR1 at EL1? Our
 * indices 0 (Device-nGnRnE), 1 (Normal NC) and 3 (Normal WB) must mean the same to it,
 * and index 4 must be a Device type we may turn into Device-nGnRE (as mm/selftest_arm64.c). */
static bool mair_shareable(uint64_t mair)
{
	const uint64_t shared = MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRnE, MM_U64(0xff)) |
				MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_NC, MM_U64(0xff)) |
				MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_WB, MM_U64(0xff));
	uint8_t a4 = (uint8_t)(mair >> (8 * MM_ATTRIDX_DEVICE_nGnRE));
	return (mair & shared) == (MM_MAIR_VALUE & shared) &&
	       (a4 == MM_MAIR_DEVICE_nGnRnE || a4 == MM_MAIR_DEVICE_nGnRE);
}

enum ttbr1_switch { SWITCH_LIVE, SWITCH_REGISTERS, SWITCH_NONE_MAIR, SWITCH_NONE_VHE };

static enum ttbr1_switch ttbr1_switch_kind(unsigned el)
{
	if (el == 1) {
		uint64_t tcr = READ_SYSREG(tcr_el1), ttbr1 = READ_SYSREG(ttbr1_el1);
		return mair_shareable(READ_SYSREG(mair_el1)) &&
		       ((tcr & MM_TCR_EPD1) || !(ttbr1 & MM_DESC_OA_MASK)) ? SWITCH_LIVE
									     : SWITCH_NONE_MAIR;
	}
	return READ_SYSREG(hcr_el2) & MM_HCR_E2H ? SWITCH_NONE_VHE : SWITCH_REGISTERS;
}

static const char *const ttbr1_switch_name[] = {
	[SWITCH_LIVE] = "init set live in TTBR1, then swapper by break-before-make",
	[SWITCH_REGISTERS] = "TTBR1_EL1 init then swapper (EL1 regime inert at EL2)",
	[SWITCH_NONE_MAIR] = "swapper installed directly (firmware MAIR/TTBR1 not shareable)",
	[SWITCH_NONE_VHE] = "swapper installed directly (VHE: TTBR1_EL1 is EL2's)",
};

/* The kernel's sequence: init tables live in TTBR1 first, then the swapper tables in
 * their place with break-before-make (mm_cpu_replace_ttbr1). What that means per EL:
 *  EL1: the init set really goes live in TTBR1 (the firmware runs in TTBR0 only; the
 *       TTBR1 half is enabled in TCR_EL1 as mm/selftest_arm64.c does), AT S1E1R proves the
 *       DT is reachable through its fixmap, then it is replaced by the swapper set.
 *       Skipped when the firmware's MAIR or TTBR1 cannot be shared (then mm_enter_mmu_on
 *       installs the swapper set directly).
 *  EL2, E2H = 0: the EL1 regime is inert until the ERET; TTBR1_EL1 is programmed with the
 *       init set and replaced, which exercises the same instructions but translates nothing.
 *  EL2, E2H = 1: TTBR1_EL1 names TTBR1_EL2, live for the firmware: left alone.
 * Returns false if the live check failed. ttbr1_switch_kind() decides, before exit. */
static bool ttbr1_init_then_final(enum ttbr1_switch kind, uint64_t init, uint64_t final,
				  uint64_t zero_pa, const struct mmu_on_plan *pl)
{
	if (kind == SWITCH_NONE_MAIR || kind == SWITCH_NONE_VHE)
		return true;
	if (kind == SWITCH_LIVE) {
		uint64_t mair = READ_SYSREG(mair_el1), tcr = READ_SYSREG(tcr_el1), par;
		__asm__ volatile("msr daifset, #0xf" : : : "memory");
		WRITE_SYSREG(mair_el1, (mair & ~MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_U64(0xff))) |
				       MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_MAIR_DEVICE_nGnRE));
		WRITE_SYSREG(tcr_el1, mm_tcr_with_ttbr1(tcr, PAYLOAD_VA_BITS));
		mm_install_ttbr1_el1(init);
		par = mm_at_s1e1r(pl->dt_va);
		if ((par & MM_PAR_F) || (par & MM_PAR_PA_MASK) != (pl->dt_pa & MM_PAR_PA_MASK))
			return false;
		mm_cpu_replace_ttbr1(final, zero_pa);
		par = mm_at_s1e1r(pl->dt_va);
		return !(par & MM_PAR_F) && (par & MM_PAR_PA_MASK) == (pl->dt_pa & MM_PAR_PA_MASK);
	}
	mm_install_ttbr1_el1(init);
	mm_cpu_replace_ttbr1(final, zero_pa);
	return true;
}

static uint64_t page_up(uint64_t x) { return (x + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1); }

int boot_mmu_on(struct boot_env *env, const struct kb_entry *e)
{
	struct efi_allocs allocs = { .n = 0 };
	struct memmap map = { 0 }, final_map = { 0 };
	struct entropy_pool pool;
	struct drbg rng = { 0 };
	struct elf_payload_info info;
	struct mmu_on_plan pl = { 0 };
	struct initrd_set initrd;
	struct efi_final_map fmap;
	struct mm_image_segment segs[ELF_PAYLOAD_MAX_SEGMENTS + 1];
	struct mm_layout_params lp;
	struct mm_layout init_l, final_l;
	struct mm_page_pool init_pool, final_pool;
	struct dt_kaslboot_layout dl;
	struct memmap_entry *final_entries;
	uint64_t pool_pa, final_pool_pages, zero_pa, ttbr0, ttbr1_init, ttbr1_final, arr_pa;
	uint64_t kaslr_seed = 0;
	size_t nsegs, final_cap;
	char sources[ENTROPY_SUMMARY_MAX];
	void *file = NULL;
	uint64_t file_len = 0;
	unsigned el = mm_current_el();
	enum ttbr1_switch sw = ttbr1_switch_kind(el);
	bool kaslr, nokaslr;
	int rc;

	log_info("entry '%s': %s (MMU-on payload)", e->id, e->title[0] ? e->title : e->linux_path);
	if (env->si.secure_boot) {
		/* An ELF payload carries no signature the firmware could check. */
		log_error("%s: MMU-on ELF payloads cannot be verified: refused under Secure Boot",
			  e->linux_path);
		return KB_EPERM;
	}
	rc = boot_kaslr_policy(env, e, &pool, &rng, &kaslr, &nokaslr, sources, sizeof(sources));
	if (rc)
		goto fail;

	/* The file, fully checked before anything is placed. */
	rc = efi_file_load(e->linux_path, PAYLOAD_FILE_MAX, &file, &file_len);
	if (rc)
		goto fail;   /* efi_file_load named the file and the reason */
	rc = elf_payload_inspect(file, file_len, e->linux_path, &info);
	if (rc)
		goto fail;   /* one line, naming the file and what is wrong with it */

	/* Draw order (loader/drbg.h): physical slot, virtual base, linear offset, initrd, DT,
	 * kaslr-seed, rng-seed. */
	rc = efi_memmap_get(&map);
	if (!rc)
		rc = ram_bounds(&map, &pl);
	if (rc)
		goto fail;
	pl.slot_size = info.span + PAYLOAD_GUARD_SIZE + PAYLOAD_STACK_SIZE;
	rc = claim_slot(e->linux_path, &map, kaslr, &rng, &allocs, &pl);
	if (!rc)
		rc = choose_virt(kaslr, &rng, info.span, &pl);
	if (rc)
		goto fail;
	pl.stack_top = pl.virt + pl.slot_size;
	rc = elf_payload_load(file, file_len, &info, (void *)(uintptr_t)pl.phys, pl.virt);
	if (rc) {
		log_error("%s: loading the payload failed (%s)", e->linux_path, kb_strerror(rc));
		goto fail;
	}
	memset((void *)(uintptr_t)(pl.phys + info.span), 0, PAYLOAD_GUARD_SIZE + PAYLOAD_STACK_SIZE);
	efi_file_free(file);
	file = NULL;

	rc = initrds_load(e, &map, pl.phys, pl.slot_size, kaslr, &rng, &allocs, &initrd);
	if (rc)
		goto fail;
	struct kaslr_range avoid[2] = { { pl.phys, pl.slot_size }, { initrd.base, initrd.size } };
	rc = dt_prepare(env, e, &map, avoid, initrd.size ? 2 : 1, kaslr, &rng, &allocs, &pl.dt_pa);
	if (rc)
		goto fail;
	void *fdt = (void *)(uintptr_t)pl.dt_pa;
	kaslr_seed = kaslr ? drbg_u64_nonzero(&rng) : 0;
	rc = dt_write_chosen(env, fdt, e, &initrd, kaslr_seed, &pool, &rng);
	if (rc)
		goto fail;
	rc = dt_find_uart(fdt, &pl.uart);
	pl.has_uart = rc == 0;
	if (rc && rc != KB_ENOENT)
		log_warn("mmu-on: the console UART in the DT is unusable (%s): none mapped",
			 kb_strerror(rc));
	pl.uart_va = pl.has_uart ? mm_fixmap_earlycon_va(pl.uart.pa) : 0;
	pl.dt_va = mm_fixmap_fdt_va(pl.dt_pa);
	mm_tramp_range(&pl.tramp_pa, &pl.tramp_size);
	pl.tramp_size = page_up(pl.tramp_pa + pl.tramp_size) - (pl.tramp_pa & ~(MM_PAGE_SIZE - 1));
	pl.tramp_pa &= ~(MM_PAGE_SIZE - 1);
	dl = (struct dt_kaslboot_layout){
		.image_pa = pl.phys, .image_va = pl.virt, .image_size = info.span,
		.linear_map_offset = pl.lm_offset, .fixmap_va = mm_fixmap_start(),
		.fixmap_size = MM_FIXMAP_TOP + MM_PAGE_SIZE - mm_fixmap_start(),
		.uart_va = pl.uart_va, .stack_top_va = pl.stack_top,
		.stack_size = PAYLOAD_STACK_SIZE, .idmap_pa = pl.tramp_pa,
		.idmap_size = pl.tramp_size,
	};
	rc = dt_set_kaslboot_layout(fdt, &dl);
	if (!rc)
		rc = dt_finish(fdt, &pl.dt_size);
	if (rc) {
		log_error("mmu-on: cannot write the layout into the DT (%s)", kb_strerror(rc));
		goto fail;
	}

	/* Page pools, now, while allocation is possible: the init set, and the final set's
	 * reserve sized from the RAM descriptors. */
	rc = efi_alloc_any(&allocs, INIT_POOL_PAGES * MM_PAGE_SIZE, 0, EfiLoaderData, &pool_pa);
	if (!rc)
		rc = mm_pool_init(&init_pool, (void *)(uintptr_t)pool_pa, pool_pa, INIT_POOL_PAGES);
	final_pool_pages = FINAL_POOL_BASE_PAGES + FINAL_POOL_PAGES_PER_RUN * pl.ram_runs +
			   FINAL_POOL_PAGES_PER_GIB * ((pl.ram_bytes >> 30) + 1);
	if (!rc)
		rc = efi_alloc_any(&allocs, final_pool_pages * MM_PAGE_SIZE, 0, EfiLoaderData, &pool_pa);
	if (!rc)
		rc = mm_pool_init(&final_pool, (void *)(uintptr_t)pool_pa, pool_pa, final_pool_pages);
	if (rc)
		goto fail;

	nsegs = layout_segments(&info, segs);
	lp = (struct mm_layout_params){
		.va_bits = PAYLOAD_VA_BITS, .image_va = pl.virt, .image_pa = pl.phys,
		.segs = segs, .nsegs = nsegs, .fdt_pa = pl.dt_pa, .fdt_size = pl.dt_size,
		.fdt_access = MM_RO, .has_console = pl.has_uart, .console_pa = pl.uart.pa,
		.tramp_pa = pl.tramp_pa, .tramp_size = pl.tramp_size, .memmap = &map,
		.lm_offset = pl.lm_offset,
	};
	rc = mm_layout_init(&lp, &init_pool, &init_l);
	if (!rc)
		rc = check_tables(&init_l, &lp, &pl, NULL);
	/* The all-invalid table the break-before-make switch points TTBR1 at. */
	if (!rc)
		rc = mm_pool_alloc(&init_pool, &zero_pa);
	if (!rc)
		rc = mm_ttbr_value(&init_l.ttbr1, MM_ADDR_IDMAP, (uint64_t)(uintptr_t)init_l.ttbr1.root,
				   IDMAP_LM_OFFSET, &ttbr1_init);
	if (!rc)
		rc = mm_ttbr_value(&init_l.ttbr0, MM_ADDR_IDMAP, (uint64_t)(uintptr_t)init_l.ttbr0.root,
				   IDMAP_LM_OFFSET, &ttbr0);
	/* Dry run of the final set on today's map: proves the layout and the pool size while
	 * an error can still be reported; rebuilt from the final map after exit. */
	if (!rc)
		rc = mm_layout_final(&lp, &final_pool, &final_l);
	if (!rc)
		rc = check_tables(&final_l, &lp, &pl, &map);
	if (rc) {
		log_error("mmu-on: building or checking the page tables failed (%s)", kb_strerror(rc));
		goto fail;
	}
	log_debug("mmu-on: tables: init %lu/%u pages, final (dry run) %lu/%lu pages",
		  (unsigned long)init_pool.used, INIT_POOL_PAGES, (unsigned long)final_pool.used,
		  (unsigned long)final_pool_pages);
	final_pool.used = 0;

	/* Last allocations: the final map buffer, then its portable copy (the buffer's slack
	 * covers the descriptor this one adds). */
	rc = efi_final_map_reserve(&allocs, &fmap);
	if (rc)
		goto fail;
	final_cap = fmap.cap / fmap.desc_size + FINAL_MEMMAP_SPARE;
	rc = efi_alloc_any(&allocs, final_cap * sizeof(struct memmap_entry), 0, EfiLoaderData, &arr_pa);
	if (rc)
		goto fail;
	final_entries = (struct memmap_entry *)(uintptr_t)arr_pa;

	log_info("mmu-on: kaslr: %s; entropy: %s; virtual base 0x%lx (%lu slots, %u bits), "
		 "physical base 0x%lx (%lu slots, %u bits), linear offset 0x%lx (%u bits), EL%u",
		 !kaslr ? (nokaslr ? "off (nokaslr)" : "off (loader.conf)") : "on", sources,
		 (unsigned long)pl.virt, (unsigned long)pl.virt_slots,
		 kaslr_entropy_bits(pl.virt_slots), (unsigned long)pl.phys,
		 (unsigned long)pl.phys_slots, kaslr_entropy_bits(pl.phys_slots),
		 (unsigned long)pl.lm_offset, kaslr_entropy_bits(pl.lm_slots), el);
	log_debug("mmu-on: entry 0x%lx image-size 0x%lx stack-top 0x%lx dt 0x%lx (pa 0x%lx+0x%lx) "
		  "uart 0x%lx (pa 0x%lx) idmap 0x%lx+0x%lx kaslr-seed 0x%016lx",
		  (unsigned long)(pl.virt + info.entry_offset), (unsigned long)info.span,
		  (unsigned long)pl.stack_top, (unsigned long)pl.dt_va, (unsigned long)pl.dt_pa,
		  (unsigned long)pl.dt_size, (unsigned long)pl.uart_va, (unsigned long)pl.uart.pa,
		  (unsigned long)pl.tramp_pa, (unsigned long)pl.tramp_size,
		  (unsigned long)kaslr_seed);
	log_debug("mmu-on: TTBR1 switch: %s", ttbr1_switch_name[sw]);
	kaslr_seed = 0;
	drbg_wipe(&rng);
	efi_memmap_free(&map);

	rc = boot_exit_firmware(env, &fmap, fdt);
	if (rc)
		goto fail;   /* boot services are still up: give everything back, fall back */

	/* No firmware from here on: nothing allocated, nothing printed. */
	if (!memmap_from_final(&fmap, final_entries, final_cap, &final_map))
		fatal_after_exit(&pl, "kaslboot: error: the final memory map outgrew its copy\r\n");
	lp.memmap = &final_map;
	if (mm_layout_final(&lp, &final_pool, &final_l) ||
	    check_tables(&final_l, &lp, &pl, &final_map) ||
	    mm_ttbr_value(&final_l.ttbr1, MM_ADDR_IDMAP, (uint64_t)(uintptr_t)final_l.ttbr1.root,
			  IDMAP_LM_OFFSET, &ttbr1_final))
		fatal_after_exit(&pl, "kaslboot: error: the final page tables failed their check\r\n");

	/* Everything the payload or the walker reads, to PoC: the MMU is briefly off at EL1. */
	mm_dcache_clean_poc(pl.phys, pl.slot_size);
	mm_dcache_clean_poc(pl.dt_pa, pl.dt_size);
	mm_dcache_clean_poc(fmap.buf, fmap.size);
	mm_dcache_clean_poc(arr_pa, final_map.count * sizeof(struct memmap_entry));
	mm_dcache_clean_poc(init_pool.base_pa, init_pool.used * MM_PAGE_SIZE);
	mm_dcache_clean_poc(final_pool.base_pa, final_pool.used * MM_PAGE_SIZE);
	if (initrd.size)
		mm_dcache_clean_poc(initrd.base, initrd.size);
	mm_icache_invalidate_all();

	if (!ttbr1_init_then_final(sw, ttbr1_init, ttbr1_final, zero_pa, &pl))
		fatal_after_exit(&pl, "kaslboot: error: the DT is not reachable through the fixmap\r\n");

	struct mm_mmu_on_args args = {
		.mair = MM_MAIR_VALUE, .tcr = mm_tcr_value(PAYLOAD_VA_BITS, mm_cpu_parange()),
		.ttbr0 = ttbr0, .ttbr1 = ttbr1_final, .sctlr = MM_SCTLR_EL1_MMU_ON,
		.sp = pl.stack_top, .entry = pl.virt + info.entry_offset, .x0 = pl.dt_va, .x1 = 0,
	};
	mm_enter_mmu_on(&args);

fail:
	if (file)
		efi_file_free(file);
	drbg_wipe(&rng);
	efi_memmap_free(&map);
	efi_free_all(&allocs);
	return rc;
}
