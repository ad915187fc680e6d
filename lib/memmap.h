/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware memory map as portable code sees it. The efi/ layer converts UEFI's
 * EFI_MEMORY_DESCRIPTOR array into this; host tests build it by hand. Type numbers and
 * attribute bits are UEFI's own (UEFI 2.10 section 7.2, EFI_MEMORY_TYPE and the
 * EFI_MEMORY_* attributes) so a conversion is a copy. */
#ifndef KASLBOOT_LIB_MEMMAP_H
#define KASLBOOT_LIB_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum memmap_type {
	MEMMAP_RESERVED = 0,
	MEMMAP_LOADER_CODE = 1,
	MEMMAP_LOADER_DATA = 2,
	MEMMAP_BOOT_SERVICES_CODE = 3,
	MEMMAP_BOOT_SERVICES_DATA = 4,
	MEMMAP_RUNTIME_SERVICES_CODE = 5,
	MEMMAP_RUNTIME_SERVICES_DATA = 6,
	MEMMAP_CONVENTIONAL = 7,
	MEMMAP_UNUSABLE = 8,
	MEMMAP_ACPI_RECLAIM = 9,
	MEMMAP_ACPI_NVS = 10,
	MEMMAP_MMIO = 11,
	MEMMAP_MMIO_PORT_SPACE = 12,
	MEMMAP_PAL_CODE = 13,
	MEMMAP_PERSISTENT = 14,
};

#define MEMMAP_ATTR_UC            0x0000000000000001ULL /* EFI_MEMORY_UC */
#define MEMMAP_ATTR_WC            0x0000000000000002ULL /* EFI_MEMORY_WC */
#define MEMMAP_ATTR_WT            0x0000000000000004ULL /* EFI_MEMORY_WT */
#define MEMMAP_ATTR_WB            0x0000000000000008ULL /* EFI_MEMORY_WB */
#define MEMMAP_ATTR_MORE_RELIABLE 0x0000000000010000ULL /* EFI_MEMORY_MORE_RELIABLE */
#define MEMMAP_ATTR_SP            0x0000000000040000ULL /* EFI_MEMORY_SP (soft reserved) */
#define MEMMAP_ATTR_HOT_PLUGGABLE 0x0000000000100000ULL /* EFI_MEMORY_HOT_PLUGGABLE */
#define MEMMAP_ATTR_RUNTIME       0x8000000000000000ULL /* EFI_MEMORY_RUNTIME */

#define MEMMAP_PAGE_SIZE 4096ULL /* UEFI pages are always 4 KiB */

struct memmap_entry {
	uint64_t phys;  /* physical start, 4 KiB aligned */
	uint64_t pages; /* length in 4 KiB pages */
	uint32_t type;  /* enum memmap_type */
	uint64_t attr;  /* MEMMAP_ATTR_* */
};

struct memmap {
	struct memmap_entry *entries;
	size_t count;
};

/* UEFI 2.10 section 7.2, EFI_MEMORY_DESCRIPTOR: the field offsets within one descriptor
 * (the firmware's stride, desc_size, may be larger). */
#define UEFI_DESC_OFF_TYPE      0
#define UEFI_DESC_OFF_PHYS      8
#define UEFI_DESC_OFF_PAGES     24
#define UEFI_DESC_OFF_ATTR      32
#define UEFI_DESC_MIN_SIZE      40

/* The firmware's raw map (size bytes of descriptors at stride desc_size) into out[0..cap).
 * False when it has more descriptors than cap or a stride too small for a descriptor. */
bool memmap_from_uefi(const void *buf, uint64_t size, uint64_t desc_size,
		      struct memmap_entry *out, size_t cap, struct memmap *m);

#endif
