#include <efi.h>
#include <efilib.h>

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/validate.h"
#include "efi/boot_common.h"
#include "efi/console.h"
#include "efi/entropy_gather.h"
#include "efi/file.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"

int boot_kaslr_policy(struct boot_env *env, const struct kb_entry *e, struct entropy_pool *pool,
		      struct drbg *rng, bool *kaslr, bool *nokaslr, char *sources, size_t size)
{
	*nokaslr = cmdline_has_option(e->options, "nokaslr");
	*kaslr = env->conf->kaslr != KB_KASLR_OFF && !*nokaslr;
	int rc = entropy_gather(env->si.fdt, env->si.fdt_size, env->conf, pool, rng);
	if (rc)
		return rc;
	entropy_summary(pool, sources, size);
	if (env->conf->kaslr == KB_KASLR_REQUIRE && !entropy_is_strong(pool)) {
		log_error("kaslr require: no strong entropy source (have: %s)", sources);
		return KB_EPERM;
	}
	if (*kaslr && !entropy_is_strong(pool) && !entropy_is_fixed(pool))
		log_warn("weak entropy (only %s): the layout is guessable", sources);
	return 0;
}

int boot_exit_firmware(struct boot_env *env, struct efi_final_map *fmap, void *fdt)
{
	console_detach();
	int rc = efi_exit_boot_services(env->image, fmap, fdt);
	if (rc) {
		console_init(env->image, env->st);
		log_error("the final memory map could not be read: boot services kept");
	}
	return rc;
}

int initrds_load(const struct kb_entry *e, const struct memmap *map, uint64_t kernel_start,
		 uint64_t kernel_size, bool random, struct drbg *rng, struct efi_allocs *allocs,
		 struct initrd_set *out)
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
	int rc = kaslr_choose_initrd(map, kernel_start, kernel_size, total, random, rng, &base,
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

int dt_prepare(struct boot_env *env, const struct kb_entry *e, const struct memmap *map,
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

int dt_write_chosen(struct boot_env *env, void *fdt, const struct kb_entry *e,
		    const struct initrd_set *initrd, uint64_t kaslr_seed,
		    const struct entropy_pool *pool, struct drbg *rng)
{
	uint8_t rng_seed[RNG_SEED_BYTES];
	drbg_generate(rng, rng_seed, sizeof(rng_seed));
	int rc = dt_set_bootargs(fdt, e->options);
	if (!rc && initrd->size)
		rc = dt_set_initrd(fdt, initrd->base, initrd->base + initrd->size);
	if (!rc)
		rc = dt_set_kaslr_seed(fdt, kaslr_seed);
	if (!rc)
		rc = dt_set_rng_seed(fdt, rng_seed, entropy_is_fixed(pool) ? 0 : sizeof(rng_seed));
	secure_wipe(rng_seed, sizeof(rng_seed));
	/* Linux takes reservations from the EFI memory map; its stub drops /memreserve/ too. */
	if (!rc)
		rc = dt_delete_memreserve(fdt);
	if (!rc)
		rc = dt_set_efi_handoff(fdt, (uint64_t)(uintptr_t)env->st,
					env->si.secure_boot ? DT_SECURE_BOOT_ENABLED
							    : DT_SECURE_BOOT_DISABLED);
	return rc;
}
