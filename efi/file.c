#include <efi.h>
#include <efilib.h>

#include "efi/file.h"
#include "efi/ucs2.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "loader/config.h"

static EFI_FILE_HANDLE root;

int efi_fs_init(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	EFI_STATUS s = uefi_call_wrapper(BS->HandleProtocol, 3, image, &li_guid, (void **)&li);
	if (EFI_ERROR(s)) {
		log_error("cannot get the loaded-image protocol: status 0x%lx", (unsigned long)s);
		return KB_EIO;
	}
	root = LibOpenRoot(li->DeviceHandle);
	if (!root) {
		log_error("cannot open the file system kaslboot was loaded from");
		return KB_EIO;
	}
	return 0;
}

void efi_fs_close(void)
{
	if (root)
		uefi_call_wrapper(root->Close, 1, root);
	root = NULL;
}

/* BLS path -> UCS-2 UEFI path. */
static int wide_path(const char *path, CHAR16 *out, size_t n)
{
	char tmp[KB_PATH_MAX];
	int rc = config_path_to_uefi(path, tmp, sizeof(tmp));
	if (!rc)
		ucs2_from_ascii(tmp, out, n);
	return rc;
}

static int open_file(const char *path, EFI_FILE_HANDLE *fh)
{
	CHAR16 w[KB_PATH_MAX];
	int rc = wide_path(path, w, KB_PATH_MAX);
	if (rc)
		return rc;
	if (!root)
		return KB_EIO;
	EFI_STATUS s = uefi_call_wrapper(root->Open, 5, root, fh, w, EFI_FILE_MODE_READ, 0);
	if (s == EFI_NOT_FOUND)
		return KB_ENOENT;
	if (EFI_ERROR(s)) {
		log_error("%s: cannot open: status 0x%lx", path, (unsigned long)s);
		return KB_EIO;
	}
	return 0;
}

static int handle_size(EFI_FILE_HANDLE fh, const char *path, uint64_t *size, bool *is_dir)
{
	EFI_FILE_INFO *info = LibFileInfo(fh);
	if (!info) {
		log_error("%s: cannot read file information", path);
		return KB_EIO;
	}
	*size = info->FileSize;
	if (is_dir)
		*is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
	FreePool(info);
	return 0;
}

int efi_file_size(const char *path, uint64_t *size)
{
	EFI_FILE_HANDLE fh;
	bool dir = false;
	int rc = open_file(path, &fh);
	if (rc)
		return rc;
	rc = handle_size(fh, path, size, &dir);
	uefi_call_wrapper(fh->Close, 1, fh);
	if (!rc && dir)
		return KB_ENOENT; /* a directory is not the file the caller looks for */
	return rc;
}

int efi_file_read(const char *path, uint64_t offset, void *buf, uint64_t size)
{
	EFI_FILE_HANDLE fh;
	int rc = open_file(path, &fh);
	if (rc) {
		if (rc == KB_ENOENT)
			log_error("%s: no such file", path);
		return rc;
	}
	EFI_STATUS s = uefi_call_wrapper(fh->SetPosition, 2, fh, offset);
	/* Read in chunks: some firmware fails single reads of hundreds of MiB. */
	uint8_t *p = buf;
	uint64_t left = size;
	while (!EFI_ERROR(s) && left) {
		UINTN n = left > (64u << 20) ? (64u << 20) : (UINTN)left;
		UINTN got = n;
		s = uefi_call_wrapper(fh->Read, 3, fh, &got, p);
		if (!EFI_ERROR(s) && got == 0) {
			uefi_call_wrapper(fh->Close, 1, fh);
			log_error("%s: file ended %lu bytes early", path, (unsigned long)left);
			return KB_ECORRUPT;
		}
		p += got;
		left -= got;
	}
	uefi_call_wrapper(fh->Close, 1, fh);
	if (EFI_ERROR(s)) {
		log_error("%s: read failed: status 0x%lx", path, (unsigned long)s);
		return KB_EIO;
	}
	return 0;
}

int efi_file_load(const char *path, uint64_t max, void **buf, uint64_t *size)
{
	int rc = efi_file_size(path, size);
	if (rc) {
		if (rc == KB_ENOENT)
			log_error("%s: no such file", path);
		return rc;
	}
	if (*size > max) {
		log_error("%s: %lu bytes, more than the %lu this file may have", path,
			  (unsigned long)*size, (unsigned long)max);
		return KB_ERANGE;
	}
	*buf = AllocatePool(*size ? *size : 1);
	if (!*buf) {
		log_error("%s: no memory for %lu bytes", path, (unsigned long)*size);
		return KB_ENOMEM;
	}
	rc = efi_file_read(path, 0, *buf, *size);
	if (rc) {
		FreePool(*buf);
		*buf = NULL;
	}
	return rc;
}

void efi_file_free(void *buf)
{
	if (buf)
		FreePool(buf);
}

bool efi_file_exists(const char *path, void *ctx)
{
	uint64_t size;
	(void)ctx;
	return efi_file_size(path, &size) == 0;
}

int efi_dir_list(const char *dir, void (*fn)(const char *name, void *ctx), void *ctx)
{
	EFI_FILE_HANDLE dh;
	int rc = open_file(dir, &dh);
	if (rc)
		return rc;
	/* EFI_FILE_INFO plus a name of up to 255 UCS-2 characters. */
	union {
		EFI_FILE_INFO info;
		UINT8 raw[sizeof(EFI_FILE_INFO) + 256 * sizeof(CHAR16)];
	} u;
	for (;;) {
		UINTN n = sizeof(u);
		EFI_STATUS s = uefi_call_wrapper(dh->Read, 3, dh, &n, &u);
		if (EFI_ERROR(s) || n == 0)
			break;
		if (u.info.Attribute & EFI_FILE_DIRECTORY)
			continue;
		char name[KB_ID_MAX + 8];
		if (!ucs2_to_ascii(u.info.FileName, sizeof(name), name, sizeof(name))) {
			log_warn("%s: skipping a file whose name is not short ASCII", dir);
			continue;
		}
		fn(name, ctx);
	}
	uefi_call_wrapper(dh->Close, 1, dh);
	return 0;
}
