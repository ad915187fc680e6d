/* SPDX-License-Identifier: BSD-2-Clause */
/* What of a devicetree blob a measurement covers, in U-Boot's order
 * (lib/efi_loader/efi_tcg2.c, efi_tcg2_measure_dtb with CONFIG_EFI_TCG2_PROTOCOL_MEASURE_DTB):
 * the header, the structure block, the strings block, then the memory reservation block
 * with its terminating entry. Free space and padding between blocks are left out, so a
 * blob opened into a bigger buffer or packed again measures the same. */
#ifndef KASLBOOT_DTB_MEASURED_PARTS_H
#define KASLBOOT_DTB_MEASURED_PARTS_H

#include <stddef.h>

#define DT_MEASURED_PARTS 4

struct dt_part {
	const void *at;
	size_t len;
};

/* Fills parts[0..DT_MEASURED_PARTS) of fdt, which passed dt_validate. */
void dt_measured_parts(const void *fdt, struct dt_part parts[DT_MEASURED_PARTS]);

#endif
