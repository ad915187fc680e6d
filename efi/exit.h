/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_EXIT_H
#define KASLBOOT_EFI_EXIT_H

#include <efi.h>

#include "loader/platform.h"

/* The image handle ExitBootServices needs (set once by efi_main). */
void efi_exit_set_image(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* kb_platform.exit_boot_services: GetMemoryMap into a LoaderData buffer reserved here,
 * every runtime descriptor given its VirtualStart (loader/vamap.h: 1:1, or with vamap the
 * stub's addresses and a copy in a second buffer reserved here), hook run, then
 * ExitBootServices, retried with a fresh map when the key went stale; with vamap,
 * SetVirtualAddressMap last. Nothing is allocated or printed between the last
 * GetMemoryMap and the call. */
int efi_exit_boot_services(void *ctx, kb_exit_hook hook, void *arg, bool vamap,
			   struct kb_exit_map *out);

#endif
