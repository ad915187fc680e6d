/* SPDX-License-Identifier: BSD-2-Clause */
/* Secure Boot: kaslboot boots nothing the firmware would not have booted itself. With
 * Secure Boot on, a kernel must be a signed PE (an EFI-stub Image, or an EFI zboot image)
 * that shim's SHIM_LOCK protocol accepts when shim loaded us, or else that the firmware's
 * own image verification (db/dbx, through LoadImage on the file's device path) accepts.
 * Both measure what they accept into PCR 4 when there is a TPM; the flow sees that in
 * the event log (loader/measure.h). Payloads that carry no signature (gzip kernels, ELF
 * payloads, devicetree files) are refused by the flow. */
#ifndef KASLBOOT_EFI_VERIFY_H
#define KASLBOOT_EFI_VERIFY_H

#include <efi.h>
#include <stddef.h>

void efi_verify_set_image(EFI_HANDLE self);
/* kb_platform.verify_image: 0 if accepted, KB_EPERM after one error line otherwise. */
int efi_verify_image(void *ctx, const void *buf, size_t len, const char *path);

#endif
