/* The Linux chainload: kernel in a random 2 MiB slot, initrds concatenated in the kernel's
 * booting.rst window, a DT with a fresh kaslr-seed and rng-seed plus the EFI handoff, then
 * ExitBootServices and the MMU-off entry. Every check happens before ExitBootServices. */
#include <efi.h>
#include <efilib.h>

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/validate.h"
#include "efi/boot_linux.h"
#include "efi/console.h"
#include "efi/entropy_gather.h"
#include "efi/exit.h"
#include "efi/file.h"
#include "efi/kernel_load.h"
#include "efi/libc.h"
#include "efi/memory.h"
#include "loader/cpu.h"
#include "loader/err.h"
#include "loader/kaslr.h"
#include "loader/log.h"
#include "loader/secure_wipe.h"
#include "mm/cpu.h"

/* Linux credits rng-seed to its RNG; 64 bytes is twice what its EFI stub passes through
 * LINUX_EFI_RANDOM_SEED_TABLE (EFI_RANDOM_SEED_SIZE, 32). */
#define RNG_SEED_BYTES 64
/* Concatenated initrds (cpio archives) are padded to 4 bytes, the cpio "newc" alignment;
 * the kernel's unpacker skips the zero padding between archives. */
#define INITRD_PAD 4

struct initrd_set {
	uint64_t base, size;
};

static uint64_t ms_since(uint64_t t0)
{
	uint64_t f = cpu_counter_freq();
	return f ? (cpu_counter() - t0) * 1000 / f : 0;
}

static int initrds_load(const struct kb_entry *e, const struct memmap *map,
			const struct loaded_kernel *k, bool random, struct drbg *rng,
			struct efi_allocs *allocs, struct initrd_set *out)
{
	uint64_t sizes[KB_MAX_INITRDS], total = 0, nslots;
	out->base = out->size = 0;
	if (!e->initrd_count)
		return 0;
	for (unsigned i = 0; i < e->initrd_count; i++) {
		int rc = efi_file_size(e->initrd[i], &sizes[i]);
		if (rc) {
			if (rc == KB_ENOENT)
				log_error("%s: no such file (initrd of entry '%s')", e->initrd[i], e->id);
			return rc;
		}
		total += (sizes[i] + INITRD_PAD - 1) & ~(uint64_t)(INITRD_PAD - 1);
	}
	uint64_t base;
	int rc = kaslr_choose_initrd(map, k->image, k->info.image_size, total, random, rng, &base,
				     &nslots);
	if (rc) {
		log_error("no room for %lu KiB of initrd within the kernel's 32 GiB window",
			  (unsigned long)(total >> 10));
		return rc;
	}
	if (efi_alloc_at(allocs, base, total, EfiLoaderData)) {
		log_error("cannot allocate the initrd at 0x%lx", (unsigned long)base);
		return KB_ENOMEM;
	}
	uint8_t *p = (uint8_t *)(uintptr_t)base;
	for (unsigned i = 0; i < e->initrd_count; i++) {
		rc = efi_file_read(e->initrd[i], 0, p, sizes[i]);
		if (rc)
			return rc;
		uint64_t padded = (sizes[i] + INITRD_PAD - 1) & ~(uint64_t)(INITRD_PAD - 1);
		memset(p + sizes[i], 0, padded - sizes[i]);
		p += padded;
	}
	out->base = base;
	out->size = total;
	return 0;
}

/* The DT the kernel gets: the entry's `devicetree` file, else the firmware's, else (ACPI
 * machines) a minimal one, opened into a 2 MiB-aligned 2 MiB buffer of its own. */
static int dt_prepare(struct boot_env *env, const struct kb_entry *e, const struct memmap *map,
		      struct kaslr_range *avoid, size_t n_avoid, bool random, struct drbg *rng,
		      struct efi_allocs *allocs, uint64_t *dt_pa)
{
	uint64_t base, nslots;
	int rc = kaslr_choose_dt(map, DT_MAX_SIZE, 0, avoid, n_avoid, random, rng, &base, &nslots);
	if (rc || efi_alloc_at(allocs, base, DT_MAX_SIZE, EfiLoaderData)) {
		log_error("cannot allocate 2 MiB for the devicetree");
		return rc ? rc : KB_ENOMEM;
	}
	void *buf = (void *)(uintptr_t)base;
	if (e->devicetree[0]) {
		void *file = NULL;
		uint64_t len = 0;
		if (env->si.secure_boot) {
			log_error("entry '%s': a devicetree file is refused while Secure Boot is on",
				  e->id);
			return KB_EPERM;
		}
		rc = efi_file_load(e->devicetree, DT_MAX_SIZE, &file, &len);
		if (!rc)
			rc = dt_open(file, len, e->devicetree, buf, DT_MAX_SIZE);
		efi_file_free(file);
	} else if (env->si.fdt) {
		/* The firmware's blob, as big as its header says (AAVMF's is ~1 MiB, mostly free
		 * space that dt_open drops); dt_open validates it against that size. */
		rc = dt_open(env->si.fdt, env->si.fdt_size, "firmware devicetree", buf, DT_MAX_SIZE);
	} else {
		rc = dt_create_minimal(buf, DT_MAX_SIZE);
	}
	*dt_pa = base;
	return rc;
}

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

	/* Policy first: what KASLR may do with what this machine offers. */
	bool nokaslr = cmdline_has_option(e->options, "nokaslr");
	bool kaslr = env->conf->kaslr != KB_KASLR_OFF && !nokaslr;
	rc = entropy_gather(env->si.fdt, env->si.fdt_size, env->conf, &pool, &rng);
	if (rc)
		goto fail;
	entropy_summary(&pool, sources, sizeof(sources));
	if (env->conf->kaslr == KB_KASLR_REQUIRE && !entropy_is_strong(&pool)) {
		log_error("kaslr require: no strong entropy source (have: %s)", sources);
		rc = KB_EPERM;
		goto fail;
	}
	if (kaslr && !entropy_is_strong(&pool) && !entropy_is_fixed(&pool))
		log_warn("weak entropy (only %s): the layout is guessable", sources);

	rc = efi_memmap_get(&map);
	if (rc)
		goto fail;
	rc = kernel_load(e->linux_path, &map, kaslr, &rng, &allocs, &k);
	if (rc)
		goto fail;
	if (kaslr && !k.info.phys_anywhere)
		log_info("%s: flags bit 3 clear: the kernel wants the lowest slot", e->linux_path);
	rc = initrds_load(e, &map, &k, kaslr, &rng, &allocs, &initrd);
	if (rc)
		goto fail;
	t_load = ms_since(t0);

	struct kaslr_range avoid[2] = { { k.image, k.info.image_size }, { initrd.base, initrd.size } };
	rc = dt_prepare(env, e, &map, avoid, initrd.size ? 2 : 1, kaslr, &rng, &allocs, &dt_pa);
	if (rc)
		goto fail;
	void *fdt = (void *)(uintptr_t)dt_pa;
	uint64_t kaslr_seed = kaslr ? drbg_u64_nonzero(&rng) : 0;
	uint8_t rng_seed[RNG_SEED_BYTES];
	drbg_generate(&rng, rng_seed, sizeof(rng_seed));
	rc = dt_set_bootargs(fdt, e->options);
	if (!rc && initrd.size)
		rc = dt_set_initrd(fdt, initrd.base, initrd.base + initrd.size);
	if (!rc)
		rc = dt_set_kaslr_seed(fdt, kaslr_seed);
	if (!rc)
		rc = dt_set_rng_seed(fdt, rng_seed, entropy_is_fixed(&pool) ? 0 : sizeof(rng_seed));
	secure_wipe(rng_seed, sizeof(rng_seed));
	/* Linux takes reservations from the EFI memory map; the stub drops /memreserve/ too. */
	if (!rc)
		rc = dt_delete_memreserve(fdt);
	if (!rc)
		rc = dt_set_efi_handoff(fdt, (uint64_t)(uintptr_t)env->st,
					env->si.secure_boot ? DT_SECURE_BOOT_ENABLED
							    : DT_SECURE_BOOT_DISABLED);
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

	console_detach();
	rc = efi_exit_boot_services(env->image, &fmap, fdt);
	if (rc) {
		/* Boot services are still up: say so, give everything back, fall back. */
		console_init(env->image, env->st);
		log_error("ExitBootServices failed");
		goto fail;
	}

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
