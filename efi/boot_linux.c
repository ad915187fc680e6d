/* The Linux chainload: kernel in a random 2 MiB slot, initrds concatenated in the kernel's
 * booting.rst window, a DT with a fresh kaslr-seed and rng-seed plus the EFI handoff, then
 * ExitBootServices and the MMU-off entry. Every check happens before ExitBootServices. */
#include <efi.h>
#include <efilib.h>

#include "dtb/buffer.h"
#include "efi/boot_common.h"
#include "efi/boot_linux.h"
#include "efi/exit.h"
#include "efi/kernel_load.h"
#include "efi/memory.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "loader/kaslr.h"
#include "mm/cpu.h"

int boot_linux(struct boot_env *env, const struct kb_entry *e)
{
	struct efi_allocs allocs = { .n = 0 };
	struct memmap map = { 0 };
	struct entropy_pool pool;
	struct drbg rng = { 0 };
	struct loaded_kernel k;
	struct initrd_set initrd;
	struct efi_final_map fmap;
	uint64_t dt_pa = 0, t_load, t_dt;
	size_t dt_size = 0;
	char sources[ENTROPY_SUMMARY_MAX];
	uint64_t t0 = cpu_counter();
	int rc;

	log_info("entry '%s': %s", e->id, e->title[0] ? e->title : e->linux_path);

	bool nokaslr, kaslr;
	rc = boot_kaslr_policy(env, e, &pool, &rng, &kaslr, &nokaslr, sources, sizeof(sources));
	if (rc)
		goto fail;

	rc = efi_memmap_get(&map);
	if (rc)
		goto fail;
	rc = kernel_load(env->image, env->si.secure_boot, e->linux_path, &map, kaslr, &rng, &allocs,
			 &k);
	if (rc)
		goto fail;
	if (kaslr && !k.info.phys_anywhere)
		log_info("%s: flags bit 3 clear: the kernel wants the lowest slot", e->linux_path);
	rc = initrds_load(e, &map, k.image, k.info.image_size, kaslr, &rng, &allocs, &initrd);
	if (rc)
		goto fail;
	t_load = ms_since(t0);

	struct kaslr_range avoid[2] = { { k.image, k.info.image_size }, { initrd.base, initrd.size } };
	rc = dt_prepare(env, e, &map, avoid, initrd.size ? 2 : 1, kaslr, &rng, &allocs, &dt_pa);
	if (rc)
		goto fail;
	void *fdt = (void *)(uintptr_t)dt_pa;
	uint64_t kaslr_seed = kaslr ? drbg_u64_nonzero(&rng) : 0;
	rc = dt_write_chosen(env, fdt, e, &initrd, kaslr_seed, &pool, &rng);
	if (!rc)
		rc = dt_finish(fdt, &dt_size);
	if (rc)
		goto fail;
	t_dt = ms_since(t0);

	rc = efi_final_map_reserve(&allocs, &fmap);
	if (rc)
		goto fail;

	log_info("kaslr: %s; entropy: %s; %lu slots (%u bits); physical base 0x%lx",
		 !kaslr ? (nokaslr ? "off (nokaslr)" : "off (loader.conf)") :
		 k.info.phys_anywhere ? "on" : "on (lowest slot: flags bit 3 clear)",
		 sources, (unsigned long)k.nslots, kaslr_entropy_bits(k.nslots),
		 (unsigned long)k.base);
	log_debug("kaslr-seed 0x%016lx handed to the kernel", (unsigned long)kaslr_seed);
	kaslr_seed = 0;
	log_info("booting %s (%s) at 0x%lx, initrd 0x%lx+0x%lx, dt 0x%lx+0x%lx, EL%u; "
		 "ms since start: config+entropy %lu, load %lu, dt %lu",
		 e->linux_path, kernel_format_name(k.format), (unsigned long)k.image,
		 (unsigned long)initrd.base, (unsigned long)initrd.size, (unsigned long)dt_pa,
		 (unsigned long)dt_size, mm_current_el(),
		 (unsigned long)((t0 - env->t_start) * 1000 / (cpu_counter_freq() ? cpu_counter_freq() : 1)),
		 (unsigned long)t_load, (unsigned long)t_dt);
	drbg_wipe(&rng);
	efi_memmap_free(&map);

	rc = boot_exit_firmware(env, &fmap, fdt);
	if (rc)
		goto fail;   /* boot services are still up: give everything back, fall back */

	/* booting.rst: the Image (and what the kernel reads before enabling its own caching)
	 * cleaned to the point of coherency, no stale I-cache lines, then MMU off. */
	mm_dcache_clean_poc(k.image, k.info.image_size);
	mm_dcache_clean_poc(dt_pa, dt_size);
	if (initrd.size)
		mm_dcache_clean_poc(initrd.base, initrd.size);
	mm_dcache_clean_poc(fmap.buf, fmap.size);
	mm_icache_invalidate_all();
	mm_jump_mmu_off(k.image, dt_pa, 0, 0, 0);

fail:
	drbg_wipe(&rng);
	efi_memmap_free(&map);
	efi_free_all(&allocs);
	return rc;
}
