/* SPDX-License-Identifier: BSD-2-Clause */
/* SetVirtualAddressMap, decided as Linux 6.12's arm64 stub decides it (libstub/arm64.c,
 * check_platform_features): a kernel with VA_BITS_MIN >= 48 maps runtime services 1:1 in
 * its own tables, so the stub does not call SVAM (efi_novamap), except on Ampere eMAG,
 * Altra and Altra Max firmware, which crashes in SetTime unless SVAM was called
 * (system_needs_vamap). kaslboot cannot read VA_BITS from an Image header and takes 48 or
 * more (every Debian arm64 kernel): 1:1, except on that firmware. */
#ifndef KASLBOOT_LOADER_VAMAP_H
#define KASLBOOT_LOADER_VAMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

/* True on the firmware the stub calls SVAM for: SMBIOS type 4 with the SMCCC SoC ID of
 * Altra (0x0a160001) or Altra Max (0x0a160002) under the stub's mask 0xffff000f, or a
 * processor version starting "Ampere(TM) Altra(TM) Processor" or "eMAG"; never when the
 * firmware's EFI_RT_PROPERTIES_TABLE says SVAM is unsupported (efi_stub_common). */
bool vamap_needed(const struct kb_firmware *fw);

/* The final map's runtime descriptors (EFI_MEMORY_RUNTIME) get their VirtualStart, as
 * libstub's efi_get_virtmap gives it: with runtime_out NULL, the physical address
 * (novamap); else consecutive addresses from 512 MiB (EFI_RT_VIRTUAL_BASE), each region
 * from its 64 KiB-aligned start, 2 MiB-aligned when it is at least 2 MiB on a 2 MiB
 * physical boundary, and each runtime descriptor copied to runtime_out (room for the whole
 * map). Returns how many were copied. */
size_t vamap_assign(uint8_t *map, uint64_t size, uint64_t desc_size, uint8_t *runtime_out);

/* After a failed SetVirtualAddressMap: every runtime descriptor's VirtualStart is all ones,
 * which tells Linux that no virtual mapping is installed (it then runs without runtime
 * services), as the stub does. */
void vamap_invalidate(uint8_t *map, uint64_t size, uint64_t desc_size);

#endif
