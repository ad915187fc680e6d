/* What both handoffs (Linux, MMU-on payload) do alike before ExitBootServices: load the
 * initrds, prepare the DT buffer and write /chosen. */
#ifndef KASLBOOT_EFI_BOOT_COMMON_H
#define KASLBOOT_EFI_BOOT_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "efi/boot_linux.h"
#include "efi/exit.h"
#include "efi/memory.h"
#include "lib/memmap.h"
#include "loader/config.h"
#include "loader/drbg.h"
#include "loader/entropy.h"
#include "loader/kaslr.h"

/* Linux credits rng-seed to its RNG; 64 bytes is twice what its EFI stub passes through
 * LINUX_EFI_RANDOM_SEED_TABLE (EFI_RANDOM_SEED_SIZE, 32). */
#define RNG_SEED_BYTES 64
/* Concatenated initrds (cpio archives) are padded to 4 bytes, the cpio "newc" alignment;
 * the kernel's unpacker skips the zero padding between archives. */
#define INITRD_PAD 4

struct initrd_set {
	uint64_t base, size;   /* size 0: no initrd */
};

/* Gathers the entropy (efi/entropy_gather.h) and decides what KASLR may do for entry e:
 * *kaslr is false with `kaslr off` or `nokaslr` in the options (*nokaslr says which);
 * `kaslr require` without a strong source is refused here, before anything is loaded.
 * sources gets the contributors' summary for the log. */
int boot_kaslr_policy(struct boot_env *env, const struct kb_entry *e, struct entropy_pool *pool,
		      struct drbg *rng, bool *kaslr, bool *nokaslr, char *sources, size_t size);

/* Leaves the firmware: console detached, then efi_exit_boot_services with the DT's
 * memory-map placeholders filled. If that fails before anything was exited, the console
 * comes back, one error line says so and the error is returned (the caller backs out). */
int boot_exit_firmware(struct boot_env *env, struct efi_final_map *fmap, void *fdt);

/* The entry's initrds, concatenated in order into one allocation inside the booting.rst
 * window of the kernel [kernel_start, kernel_start + kernel_size). */
int initrds_load(const struct kb_entry *e, const struct memmap *map, uint64_t kernel_start,
		 uint64_t kernel_size, bool random, struct drbg *rng, struct efi_allocs *allocs,
		 struct initrd_set *out);

/* The DT the kernel gets: the entry's `devicetree` file (refused under Secure Boot), else
 * the firmware's, else (ACPI machines) a minimal one, opened into a 2 MiB-aligned 2 MiB
 * buffer of its own that avoids the given ranges. */
int dt_prepare(struct boot_env *env, const struct kb_entry *e, const struct memmap *map,
	       struct kaslr_range *avoid, size_t n_avoid, bool random, struct drbg *rng,
	       struct efi_allocs *allocs, uint64_t *dt_pa);

/* /chosen for the handoff: bootargs, initrd, kaslr-seed (0: none), a fresh rng-seed (none
 * when the pool is a fixed seed), no /memreserve/ (the EFI memory map rules), and the six
 * linux,uefi-* properties with the memory-map placeholders. */
int dt_write_chosen(struct boot_env *env, void *fdt, const struct kb_entry *e,
		    const struct initrd_set *initrd, uint64_t kaslr_seed,
		    const struct entropy_pool *pool, struct drbg *rng);

#endif
