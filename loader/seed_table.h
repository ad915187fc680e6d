/* SPDX-License-Identifier: BSD-2-Clause */
/* LINUX_EFI_RANDOM_SEED_TABLE: a seed the kernel reads and credits early
 * (drivers/firmware/efi/efi.c, efi_config_parse_tables), as its EFI stub and systemd-boot
 * install it. Under ACPI, where Linux does not take /chosen/rng-seed from the DT, it is
 * the only seed Linux gets from the loader; the MMU-on payload finds it through the system
 * table too (docs/protocol.md). */
#ifndef KASLBOOT_LOADER_SEED_TABLE_H
#define KASLBOOT_LOADER_SEED_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/allocs.h"
#include "crypto/drbg.h"
#include "loader/entropy.h"
#include "loader/platform.h"

/* include/linux/efi.h: LINUX_EFI_RANDOM_SEED_TABLE_GUID 1ce1e5bc-7ceb-42f2-81e5-8aadf180f57b. */
extern const struct kb_guid linux_random_seed_table_guid;
/* struct linux_efi_random_seed (include/linux/efi.h): u32 size, then size bytes. */
#define SEED_TABLE_HEADER 4u
/* EFI_RANDOM_SEED_SIZE (include/linux/efi.h, 6.1): 32 bytes, what the stub passes. */
#define SEED_TABLE_BYTES 32u
/* The stub merges an earlier table of at most this many bytes (libstub random.c). */
#define SEED_TABLE_PREV_MAX 512u

/* The Boot Loader Interface variable systemd <= 252 reads (32 bytes, as systemd-boot 252
 * wrote it: its HASH_VALUE_SIZE). */
#define LOADER_RANDOM_SEED_VAR "LoaderRandomSeed"
#define LOADER_RANDOM_SEED_BYTES 32u

/* Mixes an earlier table (the firmware's, a previous loader's) into the pool, credited as
 * the stub would: its bytes were random when written. */
void seed_table_mix_previous(const void *table, struct entropy_pool *pool);

/* Installs a fresh table drawn from rng in ACPI-reclaim memory tracked in allocs, and sets
 * LoaderRandomSeed for older systemd. *installed says whether the table was; failure is one
 * warning (Linux still has rng-seed). */
void seed_table_install(const struct kb_platform *pf, struct drbg *rng,
			struct kb_allocs *allocs, bool *installed);
/* Removes both again (an attempt that backs out frees its memory), putting back the
 * earlier table (the firmware's kb_firmware.seed_table, NULL for none) that ours replaced:
 * a failed attempt leaves the firmware the table it found. */
void seed_table_remove(const struct kb_platform *pf, void *previous, bool *installed);

/* Once kaslboot's own table has replaced the earlier one for good (ExitBootServices
 * succeeded): zeroes the earlier table, size included, so that its bytes, which kaslboot
 * mixed, are nowhere in memory (the stub and systemd-boot zero it too). A table whose
 * size kaslboot does not take (0, or over SEED_TABLE_PREV_MAX) is left alone. */
void seed_table_retire_previous(void *previous);
/* When kaslboot returns to the firmware: the earlier table's bytes, which kaslboot mixed,
 * replaced by rng's, so that the next boot option finds fresh ones. False when there is
 * no table it took. */
bool seed_table_refresh_previous(void *previous, struct drbg *rng);

#endif
