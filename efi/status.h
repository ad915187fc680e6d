/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI_STATUS in kaslboot's terms: the error code and the words a log line uses. */
#ifndef KASLBOOT_EFI_STATUS_H
#define KASLBOOT_EFI_STATUS_H

#include <efi.h>

/* "not found", "write protected", ... (UEFI 2.10 appendix D); "status 0x..." for others. */
const char *efi_status_text(EFI_STATUS s);
/* The kb_err for a failed status (KB_EIO unless a closer one exists). */
int efi_status_to_kb(EFI_STATUS s);
/* The EFI_STATUS the firmware is handed for a kb_err. */
EFI_STATUS kb_to_efi_status(int rc);

#endif
