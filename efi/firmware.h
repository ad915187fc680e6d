/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware's tables and the few helpers efi/ needs around them, in place of gnu-efi's
 * libefi (whose InitializeLib alone pulls in its device-path and print code: ~30 KiB of
 * the PE). gnu-efi's headers still give the types and protocols; nothing of its library
 * but _relocate (libgnuefi.a) is linked. */
#ifndef KASLBOOT_EFI_FIRMWARE_H
#define KASLBOOT_EFI_FIRMWARE_H

#include <efi.h>
#include <stdbool.h>

/* The system table and its two service tables, set once by efi_firmware_init. */
extern EFI_SYSTEM_TABLE *ST;
extern EFI_BOOT_SERVICES *BS;
extern EFI_RUNTIME_SERVICES *RT;

/* First thing in efi_main: the tables above, and the memory type of pool allocations
 * (the image's own data type, EfiLoaderData, as the loaded-image protocol says). */
void efi_firmware_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

bool efi_guid_equal(const EFI_GUID *a, const EFI_GUID *b);

/* AllocatePool / FreePool of the image's data type; NULL when out of memory. */
void *efi_pool_get(UINTN bytes);
void efi_pool_put(void *p);

/* The root directory of the simple file system on `device`, or NULL. */
EFI_FILE_HANDLE efi_open_root(EFI_HANDLE device);

/* The file's EFI_FILE_INFO in pool memory (efi_pool_put), or NULL. */
EFI_FILE_INFO *efi_file_info(EFI_FILE_HANDLE fh);

/* The memory map in pool memory (efi_pool_put), with its descriptor count, key, stride
 * and version; NULL if the firmware would not give it. */
EFI_MEMORY_DESCRIPTOR *efi_memory_map(UINTN *entries, UINTN *key, UINTN *desc_size,
				      UINT32 *desc_ver);

#endif
