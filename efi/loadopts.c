/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/firmware.h"
#include "efi/loadopts.h"
#include "lib/libc.h"

void efi_load_options(EFI_HANDLE image, char *buf, size_t size)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID guid = LOADED_IMAGE_PROTOCOL;
	size_t n = 0;

	buf[0] = 0;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &guid, (void **)&li)) || !li ||
	    !li->LoadOptions || li->LoadOptionsSize < sizeof(CHAR16))
		return;
	/* UCS-2 by convention (the shell, efibootmgr --unicode); anything else is ignored. */
	const CHAR16 *w = li->LoadOptions;
	size_t chars = li->LoadOptionsSize / sizeof(CHAR16);
	for (size_t i = 0; i < chars && w[i] && n + 1 < size; i++) {
		if (w[i] >= 0x80 || (w[i] < 0x20 && w[i] != '\t')) {
			buf[0] = 0;
			return;
		}
		buf[n++] = (char)w[i];
	}
	buf[n] = 0;
}
