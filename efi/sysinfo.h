/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_SYSINFO_H
#define KASLBOOT_EFI_SYSINFO_H

#include <efi.h>

#include "loader/platform.h"

/* What the firmware offers, gathered once at start into *fw for the flow (which reports
 * it at `log debug`: loader/firmware_report.h). */
void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct kb_firmware *fw);

/* A configuration table by GUID, or NULL. */
void *efi_find_config_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid);

#endif
