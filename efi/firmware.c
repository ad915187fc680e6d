/* SPDX-License-Identifier: BSD-2-Clause */
#include "efi/firmware.h"

#include "lib/libc.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;
EFI_RUNTIME_SERVICES *RT;

static EFI_MEMORY_TYPE pool_type = EfiLoaderData;

/* A descriptor or two more than GetMemoryMap asked for: the pool allocation for the map
 * can itself split a descriptor. */
#define MAP_SLACK_DESCS 4
/* EFI_FILE_INFO plus room for a name; GetInfo says how much more it needs otherwise. */
#define FILE_INFO_FIRST_SIZE (SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16))

void efi_firmware_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	ST = st;
	BS = st->BootServices;
	RT = st->RuntimeServices;
	if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &li_guid, (void **)&li)) &&
	    li)
		pool_type = li->ImageDataType;
}

bool efi_guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
	return !memcmp(a, b, sizeof(*a));
}

void *efi_pool_get(UINTN bytes)
{
	void *p = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePool, 3, pool_type, bytes, &p)))
		return NULL;
	return p;
}

void efi_pool_put(void *p)
{
	if (p)
		uefi_call_wrapper(BS->FreePool, 1, p);
}

EFI_FILE_HANDLE efi_open_root(EFI_HANDLE device)
{
	EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_FILE_IO_INTERFACE *fs = NULL;
	EFI_FILE_HANDLE root = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, device, &fs_guid, (void **)&fs)) ||
	    !fs || EFI_ERROR(uefi_call_wrapper(fs->OpenVolume, 2, fs, &root)))
		return NULL;
	return root;
}

EFI_FILE_INFO *efi_file_info(EFI_FILE_HANDLE fh)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	UINTN size = FILE_INFO_FIRST_SIZE;
	/* A second try with the size GetInfo asked for (UEFI 2.10 13.5, BUFFER_TOO_SMALL). */
	for (int attempt = 0; attempt < 2; attempt++) {
		EFI_FILE_INFO *info = efi_pool_get(size);
		if (!info)
			return NULL;
		EFI_STATUS s = uefi_call_wrapper(fh->GetInfo, 4, fh, &info_guid, &size, info);
		if (!EFI_ERROR(s))
			return info;
		efi_pool_put(info);
		if (s != EFI_BUFFER_TOO_SMALL)
			return NULL;
	}
	return NULL;
}

EFI_MEMORY_DESCRIPTOR *efi_memory_map(UINTN *entries, UINTN *key, UINTN *desc_size,
				      UINT32 *desc_ver)
{
	UINTN size = 0;
	*entries = 0;
	EFI_STATUS s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, key, desc_size, desc_ver);
	/* The map can grow between the calls (the buffer itself is an allocation). */
	for (int attempt = 0; attempt < 4 && s == EFI_BUFFER_TOO_SMALL; attempt++) {
		size += MAP_SLACK_DESCS * *desc_size;
		EFI_MEMORY_DESCRIPTOR *map = efi_pool_get(size);
		if (!map)
			return NULL;
		s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, key, desc_size, desc_ver);
		if (!EFI_ERROR(s) && *desc_size) {
			*entries = size / *desc_size;
			return map;
		}
		efi_pool_put(map);
	}
	return NULL;
}
