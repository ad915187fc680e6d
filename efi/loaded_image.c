/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/firmware.h"
#include "efi/loaded_image.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/utf16.h"

/* UEFI 2.10 section 10.3: device path node types and subtypes. */
#define DP_TYPE_MEDIA        0x04
#define DP_TYPE_END          0x7f
#define DP_MEDIA_HARD_DRIVE  0x01
#define DP_MEDIA_FILE_PATH   0x04
/* 10.3.5.1 Hard Drive: SignatureType 0x02 = GUID partition table. */
#define HD_SIGNATURE_GUID    0x02
/* Offsets in the Hard Drive node (10.3.5.1, table 10-52). */
#define HD_OFF_SIGNATURE     24
#define HD_OFF_SIG_TYPE      41
#define HD_NODE_LEN          42
#define DP_HEADER_LEN        4

static const EFI_DEVICE_PATH *next_node(const EFI_DEVICE_PATH *n)
{
	const UINT8 *p = (const UINT8 *)n;
	UINT16 len = (UINT16)(p[2] | p[3] << 8);
	return len < DP_HEADER_LEN ? NULL : (const EFI_DEVICE_PATH *)(p + len);
}

static EFI_LOADED_IMAGE *loaded_image(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID guid = LOADED_IMAGE_PROTOCOL;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &guid, (void **)&li)))
		return NULL;
	return li;
}

void loaded_image_path(EFI_HANDLE image, char *out, size_t size)
{
	EFI_LOADED_IMAGE *li = loaded_image(image);
	size_t at = 0;
	out[0] = 0;
	if (!li || !li->FilePath)
		return;
	for (const EFI_DEVICE_PATH *n = li->FilePath; n && n->Type != DP_TYPE_END;
	     n = next_node(n)) {
		if (n->Type != DP_TYPE_MEDIA || n->SubType != DP_MEDIA_FILE_PATH)
			continue;
		/* A path may come in several file nodes; each is a NUL-terminated CHAR16. */
		const UINT8 *p = (const UINT8 *)n;
		UINT16 len = (UINT16)(p[2] | p[3] << 8);
		if (len <= DP_HEADER_LEN)
			continue;
		if (at && out[at - 1] != '\\' && at + 1 < size)
			out[at++] = '\\';
		if (!utf16_to_utf8((const uint16_t *)(p + DP_HEADER_LEN),
				   (len - DP_HEADER_LEN) / 2, out + at, size - at)) {
			out[0] = 0;
			return;
		}
		at += strlen(out + at);
	}
}

void loaded_image_part_uuid(EFI_HANDLE image, char *out, size_t size)
{
	EFI_LOADED_IMAGE *li = loaded_image(image);
	EFI_DEVICE_PATH *dp = NULL;
	EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
	out[0] = 0;
	if (!li || EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle, &dp_guid,
					       (void **)&dp)) || !dp)
		return;
	for (const EFI_DEVICE_PATH *n = dp; n && n->Type != DP_TYPE_END; n = next_node(n)) {
		const UINT8 *p = (const UINT8 *)n;
		UINT16 len = (UINT16)(p[2] | p[3] << 8);
		if (n->Type != DP_TYPE_MEDIA || n->SubType != DP_MEDIA_HARD_DRIVE ||
		    len < HD_NODE_LEN || p[HD_OFF_SIG_TYPE] != HD_SIGNATURE_GUID)
			continue;
		/* An EFI_GUID in memory: Data1..3 little-endian, then 8 bytes in order. */
		const UINT8 *g = p + HD_OFF_SIGNATURE;
		kfmt_snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			      "%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0], g[5], g[4], g[7],
			      g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
		return;
	}
}
