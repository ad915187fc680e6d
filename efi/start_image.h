/* SPDX-License-Identifier: BSD-2-Clause */
/* BLS `efi` entries (systemd-boot 257): another EFI program started the firmware's way. */
#ifndef KASLBOOT_EFI_START_IMAGE_H
#define KASLBOOT_EFI_START_IMAGE_H

#include <efi.h>
#include <stddef.h>

void efi_start_set_image(EFI_HANDLE self);
/* kb_platform.start_image. */
int efi_start_image(void *ctx, const void *buf, size_t len, const char *path, const char *options);

#endif
