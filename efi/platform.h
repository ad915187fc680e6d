/* SPDX-License-Identifier: BSD-2-Clause */
/* kb_platform implemented with gnu-efi: the one table loader/ reaches the firmware by. */
#ifndef KASLBOOT_EFI_PLATFORM_H
#define KASLBOOT_EFI_PLATFORM_H

#include <efi.h>

#include "loader/platform.h"

/* Binds the table to this image (its device's file system, its handle for LoadImage and
 * ExitBootServices). Returns 0 or the error of opening the ESP (logged). */
int efi_platform_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
void efi_platform_fini(void);

extern const struct kb_platform efi_platform;

#endif
