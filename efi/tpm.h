/* SPDX-License-Identifier: BSD-2-Clause */
/* kb_platform's TPM operations with EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification,
 * Family "2.0", Level 00 Revision 00.13), which gnu-efi does not define. */
#ifndef KASLBOOT_EFI_TPM_H
#define KASLBOOT_EFI_TPM_H

#include <efi.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

int efi_tpm_active_banks(void *ctx, uint32_t *banks);
int efi_tpm_measure(void *ctx, unsigned pcr, uint32_t type, const void *data, uint64_t len,
		    const void *event, size_t event_len);
int efi_tpm_measure_pe(void *ctx, unsigned pcr, const void *image, uint64_t len,
		       uint64_t link_base, const char *path);
int efi_tpm_event_log(void *ctx, struct kb_tpm_log *out);

#endif
