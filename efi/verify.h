/* Secure Boot: kaslboot boots nothing the firmware would not have booted itself. With
 * Secure Boot on, a kernel must be a signed PE (an EFI-stub Image, or an EFI zboot image)
 * that shim's SHIM_LOCK protocol accepts when shim loaded us, or else that the firmware's
 * own image verification (db/dbx, through LoadImage) accepts. Payloads that carry no
 * signature (gzip kernels, ELF payloads, devicetree files) are refused. */
#ifndef KASLBOOT_EFI_VERIFY_H
#define KASLBOOT_EFI_VERIFY_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>

/* Checks the len bytes at buf (exactly what will run) for `path`. Returns 0 when Secure
 * Boot is off or the image is accepted, KB_EPERM (after one error line) otherwise. */
int verify_signed_image(EFI_HANDLE self, bool secure_boot, const void *buf, size_t len,
			const char *path);

#endif
