/* SPDX-License-Identifier: BSD-2-Clause */
/* What both handoffs (Linux, MMU-on payload) do alike before ExitBootServices: decide what
 * KASLR may do, load the initrds, prepare the DT buffer and write /chosen, and leave the
 * firmware. */
#ifndef KASLBOOT_LOADER_BOOT_COMMON_H
#define KASLBOOT_LOADER_BOOT_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "loader/allocs.h"
#include "loader/boot_state.h"
#include "loader/config.h"
#include "crypto/drbg.h"
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

/* What KASLR may do for entry e, and the attempt's generator (*rng, from the boot's
 * entropy). *kaslr is false with `kaslr off` or `nokaslr` in the options (*nokaslr says
 * which); `kaslr require` without a strong source is refused here, before anything is
 * loaded. */
int boot_kaslr_policy(struct kb_boot *b, const struct kb_entry *e, struct drbg *rng,
		      bool *kaslr, bool *nokaslr);

/* Leaves the firmware (kb_platform.exit_boot_services) with the DT's memory-map
 * placeholders filled, and with vamap, SetVirtualAddressMap called (loader/vamap.h). If
 * that fails before anything was exited, the error is returned with boot services up: the
 * caller backs out. */
int boot_exit_firmware(struct kb_boot *b, void *fdt, bool vamap, struct kb_exit_map *out);

/* Each placement below draws from the memory map as it is right then (every allocation
 * before it changed the map). */

/* The entry's initrds, concatenated in order into one allocation inside the booting.rst
 * window of the kernel [kernel_start, kernel_start + kernel_size). When they do not fit,
 * the error names every file and its size. */
int initrds_load(struct kb_boot *b, const struct kb_entry *e, uint64_t kernel_start,
		 uint64_t kernel_size, bool random, struct drbg *rng, struct kb_allocs *allocs,
		 struct initrd_set *out);

/* The DT the kernel gets (loader/devicetree.h: the entry's `devicetree` file or the one
 * its directory holds for this board, else the firmware's, else a minimal one; then its
 * overlays), opened into a 2 MiB-aligned 2 MiB buffer of its own that avoids the given
 * ranges, the firmware's seeds wiped from it. */
int boot_dt_prepare(struct kb_boot *b, const struct kb_entry *e, struct kaslr_range *avoid,
		    size_t n_avoid, bool random, struct drbg *rng, struct kb_allocs *allocs,
		    uint64_t *dt_pa);

/* /chosen for the handoff: bootargs, initrd, kaslr-seed (0: none), a fresh rng-seed (none
 * unless the pool may hand over credited entropy: entropy_can_hand_over), no /memreserve/ (the EFI memory map rules), and the six
 * linux,uefi-* properties with the memory-map placeholders. */
int boot_dt_write_chosen(struct kb_boot *b, void *fdt, const struct kb_entry *e,
			 const struct initrd_set *initrd, uint64_t kaslr_seed, struct drbg *rng);

#endif
