/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, "EFI Memory Attribute Protocol"), which
 * gnu-efi's headers do not have: how a firmware that maps newly allocated pages
 * non-executable lets an image make code it wrote executable. */
#ifndef KASLBOOT_EFI_UNPACK_MEMORY_ATTRIBUTE_H
#define KASLBOOT_EFI_UNPACK_MEMORY_ATTRIBUTE_H

#include <efi.h>

#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID                                                         \
	{                                                                                          \
		0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 }     \
	}

/* The attributes it handles (UEFI 2.10, EFI_BOOT_SERVICES.GetMemoryMap(), "Memory
 * Attribute Definitions"):
 * EFI_MEMORY_XP is gnu-efi's; read-only is the newer EFI_MEMORY_RO. */
#define EFI_MEMORY_RO_ATTR 0x20000ULL

struct efi_memory_attribute_protocol;
typedef EFI_STATUS(EFIAPI *efi_memory_attributes_fn)(struct efi_memory_attribute_protocol *self,
						     EFI_PHYSICAL_ADDRESS base, UINT64 length,
						     UINT64 attributes);
struct efi_memory_attribute_protocol {
	void *get_memory_attributes; /* unused: its last argument is an output */
	efi_memory_attributes_fn set_memory_attributes;
	efi_memory_attributes_fn clear_memory_attributes;
};

#endif
