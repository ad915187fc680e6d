/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux chainload, in phases: KASLR policy, load the kernel, place the initrds, write
 * the DT, leave the firmware, enter. Every check happens before ExitBootServices. */
#include "loader/boot_linux.h"

#include "dtb/buffer.h"
#include "lib/err.h"
#include "lib/log.h"
#include "loader/allocs.h"
#include "loader/boot_common.h"
#include "loader/handback.h"
#include "loader/kaslr.h"
#include "loader/measure.h"
#include "loader/memreserve.h"
#include "loader/seed_table.h"
#include "loader/kernel_load.h"
#include "loader/phase_time.h"
#include "loader/screen_info.h"
#include "loader/vamap.h"
#include "mm/cpu.h"

/* Everything one attempt holds; given back in one place when it fails. */
struct linux_attempt {
	struct kb_allocs allocs;
	struct drbg rng;
	struct loaded_kernel k;
	struct initrd_set initrd;
	uint64_t dt_pa;
	size_t dt_size;
	bool kaslr, nokaslr;
	bool seed_table;           /* LINUX_EFI_RANDOM_SEED_TABLE installed */
	bool event_log;            /* LINUX_EFI_TPM_EVENT_LOG installed */
	bool screen_info;          /* LINUX_EFI_SCREEN_INFO_TABLE installed */
	bool memreserve;           /* LINUX_EFI_MEMRESERVE_TABLE installed */
};

static int load_kernel_and_initrd(struct kb_boot *b, const struct kb_entry *e,
				  struct linux_attempt *a)
{
	int rc = kernel_load(b->pf, b->fw->secure_boot && !b->image_verified, e->linux_path,
			     a->kaslr, &a->rng, &a->allocs, &a->k);
	if (rc)
		return rc;
	if (a->kaslr && !a->k.info.phys_anywhere)
		log_info("%s: flags bit 3 clear: the kernel wants the lowest slot, and gets it",
			 e->linux_path);
	/* PCR 4: the Image in its slot (unless the Secure Boot verifier measured it); then
	 * the command line before the initrds, in the order the stub measures LoadOptions
	 * and initrd into PCR 9. */
	if (!a->k.measured)
		measure_kernel(b->pf, e->linux_path, (const void *)(uintptr_t)a->k.image,
			       a->k.file_bytes);
	measure_cmdline(b->pf, e->options, b->uki ? MEASURE_CMDLINE_UKI : MEASURE_CMDLINE_LINUX);
	rc = initrds_load(b, e, a->k.image, a->k.info.image_size, a->kaslr, &a->rng, &a->allocs,
			  &a->initrd);
	return rc;
}

static int write_dt(struct kb_boot *b, const struct kb_entry *e, struct linux_attempt *a)
{
	struct kaslr_range avoid[2] = { { a->k.image, a->k.info.image_size },
					{ a->initrd.base, a->initrd.size } };
	int rc = boot_dt_prepare(b, e, avoid, a->initrd.size ? 2 : 1, a->kaslr, &a->rng, &a->allocs,
				 &a->dt_pa);
	if (rc)
		return rc;
	void *fdt = (void *)(uintptr_t)a->dt_pa;
	uint64_t kaslr_seed = a->kaslr ? drbg_u64_nonzero(&a->rng) : 0;
	/* Never logged: with the base it gives Linux's exact _text (issue 19). */
	rc = boot_dt_write_chosen(b, fdt, e, &a->initrd, kaslr_seed, &a->rng);
	kaslr_seed = 0;
	if (rc)
		return rc;
	return dt_finish(fdt, &a->dt_size);
}

/* The entropy (sources, slots, bits) at info; the addresses only at debug: with the
 * kernel's base a console log would hand out what KASLR hides (issue 19). */
static void log_plan(struct kb_boot *b, const struct kb_entry *e, const struct linux_attempt *a)
{
	log_info("kaslr: %s; entropy: %s; %lu slots (%u bits), %lu KiB aligned",
		 !a->kaslr               ? (a->nokaslr ? "off (nokaslr)" : "off (loader.conf)") :
		 a->k.info.phys_anywhere ? "on" :
					   "on (lowest slot: flags bit 3 clear)",
		 b->entropy.sources, (unsigned long)a->k.nslots, kaslr_entropy_bits(a->k.nslots),
		 (unsigned long)(a->k.align >> 10));
	/* Each phase's time is on the "phases" line, printed just before ExitBootServices. */
	log_info("booting %s (%s), EL%u", e->linux_path, kernel_format_name(a->k.format),
		 mm_current_el());
	log_debug("layout: physical base 0x%lx, image 0x%lx, initrd 0x%lx+0x%lx, dt 0x%lx+0x%lx",
		  (unsigned long)a->k.base, (unsigned long)a->k.image,
		  (unsigned long)a->initrd.base, (unsigned long)a->initrd.size,
		  (unsigned long)a->dt_pa, (unsigned long)a->dt_size);
}

/* booting.rst: "The address range corresponding to the loaded kernel image must be
 * cleaned to the PoC": the bytes written into the slot, which the kernel reads with the
 * MMU off. Its BSS was not written here (the kernel clears it with the MMU on) and the
 * initrd is read only through cacheable mappings, as the kernel's own EFI stub leaves
 * them (efi_enter_kernel cleans _text.._edata). Done before ExitBootServices, where it is
 * timed: nothing writes the Image after this. */
static void clean_image(const struct linux_attempt *a)
{
	phase_enter(PHASE_CACHE);
	mm_dcache_clean_poc(a->k.image, a->k.file_bytes);
}

/* After ExitBootServices: the DT (its memory-map properties were written by the exit
 * hook) and the map cleaned too, no stale I-cache lines, then MMU off. */
static __attribute__((noreturn)) void enter_linux(const struct linux_attempt *a,
						  const struct kb_exit_map *m)
{
	mm_dcache_clean_poc(a->dt_pa, a->dt_size);
	mm_dcache_clean_poc(m->buf, m->size);
	mm_icache_invalidate_all();
	mm_jump_mmu_off(a->k.image, a->dt_pa, 0, 0, 0);
}

int boot_linux(struct kb_boot *b, const struct kb_entry *e)
{
	struct linux_attempt a = { 0 };
	struct kb_exit_map exit_map;
	int rc;

	kb_allocs_init(&a.allocs, b->pf);
	log_info("entry '%s': %s", e->id, e->title[0] ? e->title : e->linux_path);

	rc = boot_kaslr_policy(b, e, &a.rng, &a.kaslr, &a.nokaslr);
	if (rc)
		goto fail;
	rc = load_kernel_and_initrd(b, e, &a);
	if (rc)
		goto fail;
	rc = write_dt(b, e, &a);
	if (rc)
		goto fail;

	log_plan(b, e, &a);
	if (entropy_can_hand_over(&b->entropy.pool)) /* what Linux credits: issue 19 */
		seed_table_install(b->pf, &a.rng, &a.allocs, &a.seed_table);
	drbg_wipe(&a.rng);
	measure_event_log_install(b->pf, &a.allocs, &a.event_log);   /* after the last measurement */
	/* What the kernel's stub installs for it (efi_stub_common), late: nothing fails after
	 * this but ExitBootServices, whose failure takes them out again. */
	screen_info_install(b->pf, &a.allocs, &a.screen_info);
	memreserve_install(b->pf, &a.allocs, &a.memreserve);

	bool vamap = vamap_needed(b->fw);
	if (vamap)
		log_info("runtime services: SetVirtualAddressMap for Ampere eMAG/Altra firmware, "
			 "as Linux's stub calls it there");
	clean_image(&a);
	rc = boot_exit_firmware(b, (void *)(uintptr_t)a.dt_pa, vamap, &exit_map);
	if (rc)
		goto fail;   /* boot services are still up: give everything back, fall back */
	handback_commit(b, a.seed_table);
	enter_linux(&a, &exit_map);

fail:
	memreserve_remove(b->pf, &a.memreserve);
	screen_info_remove(b->pf, &a.screen_info);
	measure_event_log_remove(b->pf, &a.event_log);
	seed_table_remove(b->pf, b->fw->seed_table, &a.seed_table);
	drbg_wipe(&a.rng);
	kb_free_all(&a.allocs);
	return rc;
}
