/* SPDX-License-Identifier: BSD-2-Clause */
#include "efi/start_image.h"

#include "efi/devpath.h"
#include "efi/firmware.h"
#include "efi/status.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/utf16.h"

static EFI_HANDLE self;

void efi_start_set_image(EFI_HANDLE image) { self = image; }

/* The program's LoadOptions: the options as a NUL-terminated UTF-16 string in pool memory
 * that stays with it (UEFI 2.10 9.1: the loader owns LoadOptions while the image runs). */
static void set_options(EFI_HANDLE h, const char *options, const char *path)
{
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li = NULL;
	size_t n = strlen(options) + 1;
	if (!options[0])
		return;
	uint16_t *w = efi_pool_get(n * sizeof(uint16_t));
	long units = w ? utf16_from_utf8(options, w, n) : -1;
	if (units < 0 ||
	    EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, h, &li_guid, (void **)&li))) {
		log_warn("%s: its options could not be passed", path);
		efi_pool_put(w);
		return;
	}
	li->LoadOptions = w;
	li->LoadOptionsSize = (UINT32)(((size_t)units + 1) * sizeof(uint16_t));
}

int efi_start_image(void *ctx, const void *buf, size_t len, const char *path, const char *options)
{
	EFI_HANDLE h = NULL;
	size_t dp_len;
	(void)ctx;
	UINT8 *dp = efi_file_device_path(path, &dp_len);
	EFI_STATUS s = uefi_call_wrapper(BS->LoadImage, 6, FALSE, self, (EFI_DEVICE_PATH *)dp,
					 (void *)buf, (UINTN)len, &h);
	efi_pool_put(dp);
	if (EFI_ERROR(s)) {
		log_error("%s: the firmware refused to load it: %s", path, efi_status_text(s));
		if (h) /* SECURITY_VIOLATION may leave a handle behind (UEFI 2.10 7.4) */
			uefi_call_wrapper(BS->UnloadImage, 1, h);
		return s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED ? KB_EPERM : KB_EIO;
	}
	set_options(h, options, path);
	log_info("%s: started", path);
	s = uefi_call_wrapper(BS->StartImage, 3, h, NULL, NULL);
	if (EFI_ERROR(s))
		return log_error_ret(KB_EIO, "%s: returned %s", path, efi_status_text(s));
	log_info("%s: returned", path);
	return 0;
}
