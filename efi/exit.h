/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_EXIT_H
#define KASLBOOT_EFI_EXIT_H

#include <efi.h>

#include "loader/platform.h"

/* The image handle ExitBootServices needs (set once by efi_main). */
void efi_exit_set_image(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* kb_platform.exit_boot_services: GetMemoryMap into a LoaderData buffer reserved here,
 * every runtime descriptor given VirtualStart = PhysicalStart (Linux maps runtime regions
 * 1:1 without SetVirtualAddressMap), hook run, then ExitBootServices, retried with a fresh
 * map when the key went stale. Nothing is allocated or printed between the last
 * GetMemoryMap and the call. */
int efi_exit_boot_services(void *ctx, kb_exit_hook hook, void *arg, struct kb_exit_map *out);

#endif
