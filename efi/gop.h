/* SPDX-License-Identifier: BSD-2-Clause */
/* kb_platform.gop_mode over EFI_GRAPHICS_OUTPUT_PROTOCOL. */
#ifndef KASLBOOT_EFI_GOP_H
#define KASLBOOT_EFI_GOP_H

#include "loader/platform.h"

int efi_gop_mode(void *ctx, struct kb_gop_mode *out);

#endif
