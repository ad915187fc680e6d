/* SPDX-License-Identifier: BSD-2-Clause */
/* The six /chosen properties through which Linux finds UEFI (system table, memory map,
 * Secure Boot state): see dtb/chosen.h for what each means. */
#ifndef KASLBOOT_DTB_EFI_HANDOFF_H
#define KASLBOOT_DTB_EFI_HANDOFF_H

#include <stdint.h>

#define DT_PROP_UEFI_SYSTAB      "linux,uefi-system-table"
#define DT_PROP_UEFI_MMAP_START  "linux,uefi-mmap-start"
#define DT_PROP_UEFI_MMAP_SIZE   "linux,uefi-mmap-size"
#define DT_PROP_UEFI_DESC_SIZE   "linux,uefi-mmap-desc-size"
#define DT_PROP_UEFI_DESC_VER    "linux,uefi-mmap-desc-ver"
#define DT_PROP_UEFI_SECURE_BOOT "linux,uefi-secure-boot"

/* The value of linux,uefi-secure-boot: Linux's enum efi_secureboot_mode
 * (include/linux/efi.h), which the kernel passes to efi_set_secure_boot(). A plain
 * true/false would read as "unset"/"unknown". */
enum dt_secure_boot {
	DT_SECURE_BOOT_UNKNOWN = 1,  /* efi_secureboot_mode_unknown */
	DT_SECURE_BOOT_DISABLED = 2, /* efi_secureboot_mode_disabled */
	DT_SECURE_BOOT_ENABLED = 3,  /* efi_secureboot_mode_enabled */
};

/* Placeholders for the memory-map properties, the EFI stub's choice (U64_MAX/U32_MAX):
 * never a valid map, so a forgotten update is visible rather than plausible. */
#define DT_UEFI_PLACEHOLDER_U64 UINT64_MAX
#define DT_UEFI_PLACEHOLDER_U32 UINT32_MAX

/* Writes all six properties: the system table and Secure Boot state with their values,
 * the four memory-map properties as full-size placeholders, so that
 * dt_update_efi_mmap() can later fill them without growing the tree. Returns 0,
 * KB_ENOMEM when the buffer is full, KB_EINVAL for an unknown secure-boot value. */
int dt_set_efi_handoff(void *fdt, uint64_t systab_pa, enum dt_secure_boot secure_boot);

/* Fills the memory-map placeholders in place (fdt_setprop_inplace): no allocation and no
 * change to the tree's size or layout, so it may run between the final GetMemoryMap and
 * ExitBootServices. Fails (KB_ENOENT/KB_EINVAL) if dt_set_efi_handoff() did not run;
 * it logs only then (a console write may allocate and change the map key, but the boot
 * is failing anyway). */
int dt_update_efi_mmap(void *fdt, uint64_t mmap_pa, uint32_t mmap_size, uint32_t desc_size,
		       uint32_t desc_ver);

#endif
