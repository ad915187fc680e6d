/* SPDX-License-Identifier: BSD-2-Clause */
/* LINUX_EFI_MEMRESERVE_TABLE: the root of the reservations a kernel makes for the next one
 * (efi_mem_reserve_persistent, drivers/firmware/efi/efi.c): the GICv3 ITS keeps its LPI
 * tables there across kexec, because the ITS cannot be told to stop using them. Without
 * the table that call returns -ENODEV. Installed as the stub's install_memreserve_table
 * does: an empty head in EfiLoaderData. Loader memory is enough because every kernel that
 * finds the table reserves the head and each block it links (memblock_reserve in
 * efi_config_parse_tables) before it allocates anything, and the chain must outlive each
 * kernel by design; the tables the kernel only reads once (screen_info, the random seed)
 * go to EfiACPIReclaimMemory instead. */
#ifndef KASLBOOT_LOADER_MEMRESERVE_H
#define KASLBOOT_LOADER_MEMRESERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/allocs.h"
#include "loader/platform.h"

/* include/linux/efi.h: LINUX_EFI_MEMRESERVE_TABLE_GUID 888eb0c6-8ede-4ff5-a8f0-9aee5cb977c2. */
extern const struct kb_guid linux_memreserve_table_guid;

/* struct linux_efi_memreserve (include/linux/efi.h): int size (entries that fit), atomic_t
 * count (entries used), phys_addr_t next (the next block, 0 for none), then the entries. */
struct linux_efi_memreserve_head {
	int32_t size;
	int32_t count;
	uint64_t next;
};
_Static_assert(sizeof(struct linux_efi_memreserve_head) == 16, "the head is 16 bytes");

/* An empty head in LoaderData tracked in allocs, installed; one warning on failure (the
 * kernel then only loses persistent reservations). */
void memreserve_install(const struct kb_platform *pf, struct kb_allocs *allocs, bool *installed);
void memreserve_remove(const struct kb_platform *pf, bool *installed);

#endif
