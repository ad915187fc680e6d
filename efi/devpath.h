/* SPDX-License-Identifier: BSD-2-Clause */
/* A file's device path on the volume kaslboot was loaded from, as the boot manager names
 * what it loads: what the TPM's image-load event records (efi/tpm.c) and what LoadImage is
 * given when it verifies a kernel under Secure Boot (efi/verify.c), so that the firmware
 * checks and measures the kernel as the file it is. */
#ifndef KASLBOOT_EFI_DEVPATH_H
#define KASLBOOT_EFI_DEVPATH_H

#include <efi.h>
#include <stddef.h>

/* The volume kaslboot was loaded from (its loaded image's DeviceHandle). */
void efi_devpath_set_image(EFI_HANDLE image);

/* The volume's device path nodes, a File Path Media node with path (BLS form, converted
 * to the UEFI form) and the end node, in pool memory (efi_pool_put); *len its size. NULL
 * (and *len 0) when it cannot be built: no volume, a malformed path, no memory. */
UINT8 *efi_file_device_path(const char *path, size_t *len);

#endif
