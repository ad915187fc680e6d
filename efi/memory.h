/* SPDX-License-Identifier: BSD-2-Clause */
/* Firmware memory for kb_platform: the memory map in portable form, pages, pool. */
#ifndef KASLBOOT_EFI_MEMORY_H
#define KASLBOOT_EFI_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "loader/platform.h"

int efi_memmap_get(void *ctx, struct memmap *out);
void efi_memmap_free(void *ctx, struct memmap *map);
int efi_alloc_at(void *ctx, uint64_t base, uint64_t bytes, enum kb_mem_kind kind);
int efi_alloc_below(void *ctx, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
		    uint64_t *base);
void efi_free_pages(void *ctx, uint64_t base, uint64_t bytes);
void *efi_pool_alloc(void *ctx, size_t bytes);
void efi_pool_free(void *ctx, void *p);

/* UEFI pages are 4 KiB (UEFI 2.10 section 7.2, AllocatePages). */
static inline uint64_t efi_pages(uint64_t bytes) { return (bytes + 4095) >> 12; }

#endif
