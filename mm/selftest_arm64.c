/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/selftest.h"

#include <stdbool.h>
#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/sizes.h"
#include "lib/sysreg.h"
#include "mm/arch.h"
#include "mm/cpu.h"
#include "mm/layout.h"
#include "mm/regs.h"
#include "mm/ttbr.h"
#include "mm/walk.h"

#define SELFTEST_VA_BITS  MM_VA_BITS_4LEVEL
/* A KASLR-like image base in the 48-bit high half (Linux 6.12 KIMAGE_VADDR + 1 GiB). */
#define SELFTEST_IMAGE_VA MM_U64(0xffff8000c0000000)
#define SELFTEST_IMAGE_PAGES 4
#define SELFTEST_MAX_CHECKS 32

struct el1_regs {
	uint64_t mair, tcr, ttbr0, ttbr1, sctlr;
	uint64_t hcr, daif; /* HCR_EL2 only saved/changed at EL2 */
};

static void tlb_sync(void)
{
	__asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
}

static void save_el1(struct el1_regs *s)
{
	s->mair = READ_SYSREG(mair_el1);
	s->tcr = READ_SYSREG(tcr_el1);
	s->ttbr0 = READ_SYSREG(ttbr0_el1);
	s->ttbr1 = READ_SYSREG(ttbr1_el1);
	s->sctlr = READ_SYSREG(sctlr_el1);
}

/* One AT probe: the CPU's answer must match the walker's for the same VA. */
static bool at_matches(const struct mm_tables *t, uint64_t va, bool write)
{
	struct mm_walk_result w;
	uint64_t par = write ? mm_at_s1e1w(va) : mm_at_s1e1r(va);
	int rc = mm_walk(t, va, &w);

	if (rc == 0 && !(write && !w.writable)) {
		return !(par & MM_PAR_F) && (par & MM_PAR_PA_MASK) == (w.pa & MM_PAR_PA_MASK) &&
		       (uint8_t)(par >> MM_PAR_ATTR_SHIFT) == w.mair_attr;
	}
	if (!(par & MM_PAR_F))
		return false;
	uint64_t fst = (par >> MM_PAR_FST_SHIFT) & MM_PAR_FST_MASK;
	if (rc == 0) /* a write to a read-only page */
		return fst == MM_FSC_PERMISSION(w.level);
	return w.fault == MM_FAULT_TRANSLATION && fst == MM_FSC_TRANSLATION(w.level);
}

/* What the reader's answers through the two mappings say. */
static const char *seed_state(int rc_id, uint64_t seed_id, int rc_fix, uint64_t seed_fix)
{
	bool none_id = rc_id == KB_ENOENT || rc_id == KB_EINVAL;

	if (none_id && rc_fix == rc_id)
		return "absent";
	if (rc_id == KB_OK && rc_fix == KB_OK && seed_id == seed_fix)
		return "match";
	return "mismatch";
}

int mm_cpu_selftest_run(const void *fdt, uint64_t fdt_pa, uint64_t fdt_size,
			struct mm_page_pool *pool, mm_selftest_seed_fn read_seed)
{
	static const struct mm_image_segment segs[] = {
		{ 0x0000, 0x1000, MM_RO | MM_EXEC, "selftest text" },
		{ 0x1000, 0x1000, MM_RO | MM_XN, "selftest rodata" },
		{ 0x2000, 0x2000, MM_RW | MM_XN, "selftest data" },
	};
	unsigned el = mm_current_el(), pass = 0, total = 0, i;
	struct mm_layout_params p;
	struct mm_layout l;
	struct el1_regs saved = { 0 };
	uint64_t image_pa, page, ttbr1, fixva, checks[SELFTEST_MAX_CHECKS];
	bool writes[SELFTEST_MAX_CHECKS];
	uint64_t seed_id = 0, seed_fix = 0;
	int rc, rc_id, rc_fix = KB_EIO;
	const char *dt_state = "bad", *seeds;

	if (el == 2 && (READ_SYSREG(hcr_el2) & MM_HCR_E2H)) {
		/* Under VHE the *_EL1 names are EL2's live registers. */
		log_info("mm-selftest: el=2 result=skip reason=vhe");
		return KB_EUNSUPP;
	}
	rc_id = read_seed ? read_seed(fdt, &seed_id) : KB_EINVAL;
	if (!read_seed || rc_id == KB_ECORRUPT || fdt_size == 0 || fdt_size > BOOT_DT_MAX_SIZE)
		return log_error_ret(
			KB_EINVAL,
			"mm-selftest: the DT at pa %#llx is not a valid blob of at most 2 MiB",
			(unsigned long long)fdt_pa);
	save_el1(&saved);
	if (el == 1) {
		/* Share the firmware's MAIR_EL1: our indices 0, 1, 3 must already mean what
		 * they mean to us, and index 4 must be free to become Device-nGnRE. */
		const uint64_t shared = MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRnE, MM_U64(0xff)) |
					MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_NC, MM_U64(0xff)) |
					MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_WB, MM_U64(0xff));
		uint8_t a4 = (uint8_t)(saved.mair >> (8 * MM_ATTRIDX_DEVICE_nGnRE));
		if ((saved.mair & shared) != (MM_MAIR_VALUE & shared) ||
		    (a4 != MM_MAIR_DEVICE_nGnRnE && a4 != MM_MAIR_DEVICE_nGnRE)) {
			log_info("mm-selftest: el=1 result=skip reason=mair mair=%#llx",
				 (unsigned long long)saved.mair);
			return KB_EUNSUPP;
		}
		if (!(saved.tcr & MM_TCR_EPD1) && (saved.ttbr1 & MM_DESC_OA_MASK)) {
			log_info("mm-selftest: el=1 result=skip reason=ttbr1-in-use");
			return KB_EUNSUPP;
		}
	}

	/* The "image" and the console slot are pool pages: real RAM, never dereferenced. */
	rc = mm_pool_alloc(pool, &image_pa);
	for (i = 1; !rc && i < SELFTEST_IMAGE_PAGES; i++)
		rc = mm_pool_alloc(pool, &page);
	if (rc)
		return rc;
	p = (struct mm_layout_params){
		.va_bits = SELFTEST_VA_BITS, .image_va = SELFTEST_IMAGE_VA, .image_pa = image_pa,
		.segs = segs, .nsegs = 3, .fdt_pa = fdt_pa, .fdt_size = fdt_size,
		.fdt_access = MM_RO, .has_console = true, .console_pa = image_pa,
	};
	rc = mm_layout_init(&p, pool, &l);
	if (rc)
		return rc;
	rc = mm_ttbr_value(&l.ttbr1, MM_ADDR_IDMAP, (uint64_t)(uintptr_t)l.ttbr1.root, 0, &ttbr1);
	if (rc)
		return rc;

	/* Probes: both ends of every region, the pages around them, one write each. */
	fixva = mm_fixmap_fdt_va(fdt_pa);
	{
		const uint64_t probes[] = {
			SELFTEST_IMAGE_VA, SELFTEST_IMAGE_VA + 0x1fff, SELFTEST_IMAGE_VA + 0x3fff,
			SELFTEST_IMAGE_VA - 1, SELFTEST_IMAGE_VA + 0x4000,
			fixva, fixva + p.fdt_size - 1, mm_fixmap_slot_va(MM_FIX_FDT) - 1,
			mm_fixmap_slot_va(MM_FIX_HOLE), mm_fixmap_earlycon_va(image_pa),
		};
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			checks[total] = probes[i];
			writes[total++] = false;
			checks[total] = probes[i];
			writes[total++] = true;
		}
	}

	/* No interrupt handler of the firmware runs while the EL1 setup is ours. */
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #0xf" : "=r"(saved.daif) : : "memory");
	/* Install. The tables were written through the cacheable identity map and TCR
	 * declares cacheable walks, so a DSB makes them visible to the walker. */
	__asm__ volatile("dsb ish" : : : "memory");
	if (el == 1) {
		WRITE_SYSREG(ttbr1_el1, ttbr1);
		WRITE_SYSREG(mair_el1, (saved.mair & ~MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_U64(0xff))) |
				       MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_MAIR_DEVICE_nGnRE));
		WRITE_SYSREG(tcr_el1, mm_tcr_with_ttbr1(saved.tcr, SELFTEST_VA_BITS));
	} else {
		/* At EL2 (non-VHE) the EL1 regime is idle: give it our whole setup, with TTBR0
		 * walks disabled, and turn its MMU on so AT S1E1x translates. HCR_EL2.TGE (and
		 * DC) would make EL1 stage 1 behave as disabled, and VM would add stage 2:
		 * clear them for the test, keeping the interrupt routing as it is. */
		saved.hcr = READ_SYSREG(hcr_el2);
		WRITE_SYSREG(hcr_el2, (saved.hcr & ~(MM_HCR_TGE | MM_HCR_DC | MM_HCR_VM)) | MM_HCR_RW);
		WRITE_SYSREG(mair_el1, MM_MAIR_VALUE);
		WRITE_SYSREG(tcr_el1, mm_tcr_value(SELFTEST_VA_BITS, mm_cpu_parange()) | MM_TCR_EPD0);
		WRITE_SYSREG(ttbr1_el1, ttbr1);
		__asm__ volatile("isb" : : : "memory");
		WRITE_SYSREG(sctlr_el1, MM_SCTLR_EL1_MMU_ON);
	}
	tlb_sync();

	for (i = 0; i < total; i++)
		pass += at_matches(&l.ttbr1, checks[i], writes[i]);

	/* kaslr-seed through the fixmap, only once AT has vouched for the DT pages. */
	{
		uint64_t par_first = mm_at_s1e1r(fixva), par_last = mm_at_s1e1r(fixva + p.fdt_size - 1);
		bool mapped = !(par_first & MM_PAR_F) && !(par_last & MM_PAR_F) &&
			      (par_first & MM_PAR_PA_MASK) == (fdt_pa & MM_PAR_PA_MASK);
		if (mapped) {
			/* EL1 reads through the live TTBR1; EL2 has no TTBR1 and reads the PA AT
			 * produced, which its own identity map covers. */
			const void *via = el == 1 ? (const void *)(uintptr_t)fixva :
				(const void *)(uintptr_t)((par_first & MM_PAR_PA_MASK) | (fixva & 0xfff));
			rc_fix = read_seed(via, &seed_fix);
			dt_state = rc_fix == KB_ECORRUPT ? "bad" : "ok";
		}
	}

	/* Restore, MMU (at EL2) first so nothing walks half-restored tables. */
	if (el == 2) {
		WRITE_SYSREG(sctlr_el1, saved.sctlr);
		__asm__ volatile("isb" : : : "memory");
	}
	WRITE_SYSREG(tcr_el1, saved.tcr);
	__asm__ volatile("isb" : : : "memory");
	WRITE_SYSREG(ttbr1_el1, saved.ttbr1);
	WRITE_SYSREG(mair_el1, saved.mair);
	WRITE_SYSREG(ttbr0_el1, saved.ttbr0);
	if (el == 2)
		WRITE_SYSREG(hcr_el2, saved.hcr);
	tlb_sync();
	__asm__ volatile("msr daif, %0" : : "r"(saved.daif) : "memory");

	seeds = seed_state(rc_id, seed_id, rc_fix, seed_fix);
	rc = pass == total && !strcmp(dt_state, "ok") && strcmp(seeds, "mismatch") ? KB_OK : KB_ECORRUPT;
	log_info("mm-selftest: el=%u at-checks=%u/%u fixmap-dt=%s kaslr-seed=%s result=%s", el,
		 pass, total, dt_state, seeds, rc ? "fail" : "pass");
	return rc;
}
