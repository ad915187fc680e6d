/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/devpath.h"
#include "efi/firmware.h"
#include "lib/libc.h"
#include "lib/path.h"
#include "lib/utf16.h"

static EFI_HANDLE boot_device;

void efi_devpath_set_image(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &li_guid, (void **)&li)) &&
	    li)
		boot_device = li->DeviceHandle;
}

/* UEFI 2.10 section 10.3: the node types and the header every node starts with. */
#define DP_TYPE_MEDIA      0x04
#define DP_TYPE_END        0x7f
#define DP_MEDIA_FILE_PATH 0x04
#define DP_END_ENTIRE      0xff
#define DP_HEADER_LEN      4u

static UINT16 node_len(const UINT8 *n) { return (UINT16)(n[2] | n[3] << 8); }

static void put_node(UINT8 *n, UINT8 type, UINT8 sub_type, UINT16 len)
{
	n[0] = type;
	n[1] = sub_type;
	n[2] = (UINT8)len;
	n[3] = (UINT8)(len >> 8);
}

/* The file's device path: the boot volume's nodes, then a file-path node (UEFI 2.10,
 * 10.3.5.4 "File Path Media Device Path") and the end node, as the boot manager names
 * what it loads (what gnu-efi's FileDevicePath built). Pool memory (efi_pool_put), *len
 * its size; NULL when it cannot be built. */
UINT8 *efi_file_device_path(const char *path, size_t *len)
{
	char tmp[KB_PATH_MAX];
	uint16_t w[KB_PATH_MAX];
	EFI_DEVICE_PATH *dev = NULL;
	EFI_GUID dp_guid = DEVICE_PATH_PROTOCOL;
	*len = 0;
	if (!boot_device || path_to_uefi(path, tmp, sizeof(tmp)))
		return NULL;
	long n = utf16_from_utf8(tmp, w, KB_PATH_MAX);
	if (n < 0 ||
	    EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, boot_device, &dp_guid,
					(void **)&dev)) ||
	    !dev)
		return NULL;
	/* The device's nodes up to (not including) its end node. */
	const UINT8 *d = (const UINT8 *)dev;
	size_t dev_len = 0;
	while (d[dev_len] != DP_TYPE_END) {
		UINT16 l = node_len(d + dev_len);
		if (l < DP_HEADER_LEN)
			return NULL; /* a malformed path: better none than a wrong one */
		dev_len += l;
	}
	size_t file_len = DP_HEADER_LEN + ((size_t)n + 1) * sizeof(uint16_t);
	UINT8 *out = efi_pool_get(dev_len + file_len + DP_HEADER_LEN);
	if (!out)
		return NULL;
	memcpy(out, d, dev_len);
	put_node(out + dev_len, DP_TYPE_MEDIA, DP_MEDIA_FILE_PATH, (UINT16)file_len);
	memcpy(out + dev_len + DP_HEADER_LEN, w, ((size_t)n + 1) * sizeof(uint16_t));
	put_node(out + dev_len + file_len, DP_TYPE_END, DP_END_ENTIRE, DP_HEADER_LEN);
	*len = dev_len + file_len + DP_HEADER_LEN;
	return out;
}
