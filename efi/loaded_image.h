/* SPDX-License-Identifier: BSD-2-Clause */
/* Where kaslboot itself came from, for the Boot Loader Interface: its file path on the
 * ESP (LoaderImageIdentifier) and the GPT partition GUID of that ESP
 * (LoaderDevicePartUUID, which systemd's gpt-auto generator and bootctl rely on). */
#ifndef KASLBOOT_EFI_LOADED_IMAGE_H
#define KASLBOOT_EFI_LOADED_IMAGE_H

#include <efi.h>
#include <stddef.h>

/* "\EFI\BOOT\BOOTAA64.EFI", or "" when the firmware gives no file path. */
void loaded_image_path(EFI_HANDLE image, char *out, size_t size);
/* "e3b0c442-98fc-1c14-9afb-f4c8996fb924" (lower case), or "" on a non-GPT device. */
void loaded_image_part_uuid(EFI_HANDLE image, char *out, size_t size);

#endif
