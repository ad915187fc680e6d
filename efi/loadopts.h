/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_LOADOPTS_H
#define KASLBOOT_EFI_LOADOPTS_H

#include <efi.h>
#include <stddef.h>

/* The image's load options (a Boot#### entry's optional data, or the UEFI shell's
 * command line) as ASCII in buf; "" if there are none or they are not text. */
void efi_load_options(EFI_HANDLE image, char *buf, size_t size);

#endif
