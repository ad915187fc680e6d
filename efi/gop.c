/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/firmware.h"
#include "efi/gop.h"
#include "lib/err.h"

static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
/* EFI_CONSOLE_OUT_DEVICE_GUID (edk2 MdePkg/Include/Guid/ConsoleOutDevice.h): on the handle
 * of a device the console splitter writes to, i.e. a real screen rather than a virtual GOP. */
static EFI_GUID conout_guid = {
	0xd3b36f2c, 0xd551, 0x11d4, { 0x9a, 0x46, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d }
};

/* The GOP Linux's stub picks (libstub gop.c, find_gop): the first with a framebuffer that
 * drives a console, else the first with a framebuffer. */
static EFI_GRAPHICS_OUTPUT_PROTOCOL *find_gop(void)
{
	EFI_HANDLE *handles = NULL;
	UINTN n = 0;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *first = NULL, *found = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &gop_guid, NULL, &n,
					&handles)))
		return NULL;
	for (UINTN i = 0; i < n && !found; i++) {
		EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
		void *dummy = NULL;
		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &gop_guid,
						(void **)&gop)) ||
		    !gop || !gop->Mode || !gop->Mode->Info ||
		    gop->Mode->Info->PixelFormat >= PixelBltOnly)
			continue;
		if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &conout_guid,
						 &dummy)))
			found = gop;
		else if (!first)
			first = gop;
	}
	efi_pool_put(handles);
	return found ? found : first;
}

int efi_gop_mode(void *ctx, struct kb_gop_mode *out)
{
	(void)ctx;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = find_gop();
	if (!gop)
		return KB_ENOENT;
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	*out = (struct kb_gop_mode){
		.fb_base = gop->Mode->FrameBufferBase,
		.width = info->HorizontalResolution,
		.height = info->VerticalResolution,
		.stride = info->PixelsPerScanLine,
		.format = (uint32_t)info->PixelFormat,
		.red_mask = info->PixelInformation.RedMask,
		.green_mask = info->PixelInformation.GreenMask,
		.blue_mask = info->PixelInformation.BlueMask,
		.rsvd_mask = info->PixelInformation.ReservedMask,
	};
	return 0;
}
