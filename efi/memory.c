/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/firmware.h"
#include "efi/memory.h"
#include "efi/status.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"

int efi_memmap_get(void *ctx, struct memmap *out)
{
	UINTN entries = 0, key, desc_size;
	UINT32 desc_ver;
	(void)ctx;
	EFI_MEMORY_DESCRIPTOR *map = efi_memory_map(&entries, &key, &desc_size, &desc_ver);
	out->entries = NULL;
	out->count = 0;
	if (!map)
		return log_error_ret(KB_EIO, "cannot read the firmware memory map");
	out->entries = efi_pool_get(entries * sizeof(*out->entries) + 1);
	if (!out->entries) {
		efi_pool_put(map);
		return log_error_ret(KB_ENOMEM, "no memory for a copy of the memory map");
	}
	memmap_from_uefi(map, entries * desc_size, desc_size, out->entries, entries, out);
	efi_pool_put(map);
	return 0;
}

void efi_memmap_free(void *ctx, struct memmap *map)
{
	(void)ctx;
	if (map->entries)
		efi_pool_put(map->entries);
	map->entries = NULL;
	map->count = 0;
}

static EFI_MEMORY_TYPE mem_type(enum kb_mem_kind kind)
{
	switch (kind) {
	case KB_MEM_CODE: return EfiLoaderCode;
	case KB_MEM_ACPI_RECLAIM: return EfiACPIReclaimMemory;
	default: return EfiLoaderData;
	}
}

int efi_alloc_at(void *ctx, uint64_t base, uint64_t bytes, enum kb_mem_kind kind)
{
	EFI_PHYSICAL_ADDRESS addr = base;
	(void)ctx;
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, mem_type(kind),
					 efi_pages(bytes), &addr);
	return EFI_ERROR(s) ? KB_ENOMEM : 0;
}

int efi_alloc_below(void *ctx, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
		    uint64_t *base)
{
	EFI_PHYSICAL_ADDRESS addr = max ? max - 1 : ~0ULL;
	(void)ctx;
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, mem_type(kind),
					 efi_pages(bytes), &addr);
	if (EFI_ERROR(s))
		return log_error_ret(KB_ENOMEM, "cannot allocate %lu KiB: %s",
				     (unsigned long)(bytes >> 10), efi_status_text(s));
	*base = addr;
	return 0;
}

void efi_free_pages(void *ctx, uint64_t base, uint64_t bytes)
{
	(void)ctx;
	uefi_call_wrapper(BS->FreePages, 2, base, efi_pages(bytes));
}

void *efi_pool_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	return efi_pool_get(bytes);
}

void efi_pool_free(void *ctx, void *p)
{
	(void)ctx;
	if (p)
		efi_pool_put(p);
}
