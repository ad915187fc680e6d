/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI_DT_FIXUP_PROTOCOL: the firmware's own edits to a devicetree kaslboot loaded from a
 * file (kb_platform.dt_fixup). */
#ifndef KASLBOOT_EFI_DT_FIXUP_H
#define KASLBOOT_EFI_DT_FIXUP_H

#include <stddef.h>

int efi_dt_fixup(void *ctx, void *fdt, size_t *buf_size);

#endif
