/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/devpath.h"
#include "efi/firmware.h"
#include "efi/status.h"
#include "efi/verify.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"

/* shim's protocol (shim's shim.h, SHIM_LOCK_GUID): Verify(buffer, size) checks a PE
 * against db, dbx and the MOK list. Only Verify is used here. */
static EFI_GUID shim_lock_guid = { 0x605dab50, 0xe046, 0x4300,
				   { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } };
typedef EFI_STATUS (EFIAPI *shim_verify_fn)(void *buffer, UINT32 size);
struct shim_lock {
	shim_verify_fn verify;
	/* Hash and Context follow in shim; not used. */
};

static EFI_HANDLE self;

void efi_verify_set_image(EFI_HANDLE image)
{
	self = image;
}

int efi_verify_image(void *ctx, const void *buf, size_t len, const char *path)
{
	struct shim_lock *shim = NULL;
	EFI_STATUS s;

	(void)ctx;
	if (len > 0xffffffffu)
		return log_error_ret(KB_EPERM, "%s: too large to verify under Secure Boot", path);
	if (!EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &shim_lock_guid, NULL,
					 (void **)&shim)) && shim) {
		s = uefi_call_wrapper(shim->verify, 2, (void *)buf, (UINT32)len);
		if (EFI_ERROR(s))
			return log_error_ret(KB_EPERM,
					     "%s: shim refused its signature (Secure Boot): %s",
					     path, efi_status_text(s));
		log_info("%s: signature accepted by shim", path);
		return 0;
	}
	/* The firmware's own check: LoadImage from a buffer runs the platform's image
	 * verification (db/dbx) and, with a TPM, measures the image into PCR 4 as the boot
	 * manager's LoadImage would (edk2's DxeTpm2MeasureBootLib; kaslboot then adds no
	 * event of its own, loader/measure.h). It is given the file's real device path:
	 * the measurement names the file, and some edk2-derived firmware refuses a NULL
	 * path, which would refuse every signed kernel. The loaded copy is never started,
	 * only unloaded. */
	size_t dp_len;
	UINT8 *dp = efi_file_device_path(path, &dp_len);
	if (!dp)
		log_debug("%s: no device path for it: LoadImage verifies it without one", path);
	EFI_HANDLE h = NULL;
	s = uefi_call_wrapper(BS->LoadImage, 6, FALSE, self, (EFI_DEVICE_PATH *)dp, (void *)buf,
			      (UINTN)len, &h);
	efi_pool_put(dp);
	if (EFI_ERROR(s)) {
		log_error("%s: the firmware refused its signature (Secure Boot): %s", path,
			  efi_status_text(s));
		/* SECURITY_VIOLATION may still leave an image handle behind (UEFI 2.10 7.4). */
		if (h)
			uefi_call_wrapper(BS->UnloadImage, 1, h);
		return KB_EPERM;
	}
	uefi_call_wrapper(BS->UnloadImage, 1, h);
	log_info("%s: signature accepted by the firmware (Secure Boot)", path);
	return 0;
}
