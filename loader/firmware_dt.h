/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware's devicetree, screened once when the flow starts. One that fails
 * validation (a bad header, or kaslboot's stricter checks) is ignored with one warning,
 * and the flow goes on as on a machine without one: Linux gets an empty tree, as its EFI
 * stub builds ("Invalid header detected on UEFI supplied FDT, ignoring"), so that ACPI
 * machines still boot. */
#ifndef KASLBOOT_LOADER_FIRMWARE_DT_H
#define KASLBOOT_LOADER_FIRMWARE_DT_H

#include "loader/platform.h"

/* fw itself when its DT is absent or already validated (fdt_valid); else *copy, a copy of
 * fw whose DT is either validated (fdt_valid set) or dropped (fdt NULL). */
const struct kb_firmware *firmware_dt_screen(const struct kb_firmware *fw,
					     struct kb_firmware *copy);

#endif
