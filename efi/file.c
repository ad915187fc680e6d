/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/file.h"
#include "efi/firmware.h"
#include "efi/status.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/path.h"
#include "lib/utf16.h"

/* The largest request handed to EFI_FILE_PROTOCOL.Read. AAVMF's FAT and virtio-blk
 * drivers serve one big request fastest (the 27 MB Debian Image, page-aligned and warm:
 * 64 KiB requests 48-55 ms, 1 MiB 16-18 ms, 8 MiB ~10 ms, one request 5.4-6.4 ms; each
 * call costs ~30 us more), so a file is read in as few requests as this allows; the cap
 * is for firmware that fails single reads of hundreds of MiB. */
#define FILE_READ_CHUNK (64u << 20)

static EFI_FILE_HANDLE root;
/* The device kaslboot was loaded from: its file system serves every file. */
static EFI_HANDLE fs_device;

int efi_fs_init(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	EFI_STATUS s = uefi_call_wrapper(BS->HandleProtocol, 3, image, &li_guid, (void **)&li);
	if (EFI_ERROR(s))
		return log_error_ret(KB_EIO, "cannot get the loaded-image protocol: %s",
				     efi_status_text(s));
	fs_device = li->DeviceHandle;
	root = efi_open_root(fs_device);
	if (!root)
		return log_error_ret(KB_EIO,
				     "cannot open the file system kaslboot was loaded from");
	return 0;
}

void efi_fs_close(void)
{
	if (root)
		uefi_call_wrapper(root->Close, 1, root);
	root = NULL;
}

/* BLS path (UTF-8) -> UCS-2 UEFI path. A name UCS-2 cannot hold is refused by name. */
static int wide_path(const char *path, CHAR16 *out, size_t n)
{
	char tmp[KB_PATH_MAX];
	int rc = path_to_uefi(path, tmp, sizeof(tmp));
	if (rc)
		return rc;
	if (utf16_from_utf8(tmp, (uint16_t *)out, n) < 0)
		return log_error_ret(
			KB_EINVAL,
			"%s: not a file name the firmware can open (invalid UTF-8, or a "
			"character outside UCS-2)",
			path);
	return 0;
}

static int open_mode(const char *path, EFI_FILE_HANDLE *fh, UINT64 mode)
{
	CHAR16 w[KB_PATH_MAX];
	int rc = wide_path(path, w, KB_PATH_MAX);
	if (rc)
		return rc;
	if (!root)
		return KB_EIO;
	EFI_STATUS s = uefi_call_wrapper(root->Open, 5, root, fh, w, mode, 0);
	if (s == EFI_NOT_FOUND)
		return KB_ENOENT;
	if (EFI_ERROR(s)) {
		if (mode == EFI_FILE_MODE_READ)
			log_error("%s: cannot open: %s", path, efi_status_text(s));
		return efi_status_to_kb(s);
	}
	return 0;
}

static int open_file(const char *path, EFI_FILE_HANDLE *fh)
{
	return open_mode(path, fh, EFI_FILE_MODE_READ);
}

static int handle_size(EFI_FILE_HANDLE fh, const char *path, uint64_t *size, bool *is_dir)
{
	EFI_FILE_INFO *info = efi_file_info(fh);
	if (!info)
		return log_error_ret(KB_EIO, "%s: cannot read file information", path);
	*size = info->FileSize;
	if (is_dir)
		*is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
	efi_pool_put(info);
	return 0;
}

/* kb_platform's file handle: the firmware's, and the path for error lines. */
struct efi_open_file {
	EFI_FILE_HANDLE fh;
	char path[KB_PATH_MAX];
};

/* The regular file a directory listing is at, while its callback runs (efi_dir_list):
 * opened for reading from the directory's handle by its name, and its size taken from the
 * listing. That spares a path walk from the root and a GetInfo, which in edk2's FAT driver
 * cleans up the volume and sends the device a flush (FatSetOrGetInfo): with a thousand
 * entries, a thousand calls. */
static struct {
	EFI_FILE_HANDLE dir;
	const char *dir_path;
	const char *name;
	const CHAR16 *wname;
	uint64_t size;
} listed;

/* Files open through this module, and whether a read hit a disk error. A read error marks
 * edk2's FAT volume (its DiskError flag: no cluster is allocated while it is set, so a later
 * rename or seed write reports "no space"); restarting the driver clears it, and that
 * waits until nothing but the root is open (efi_file_close). */
static unsigned files_open;
static bool read_error_pending;
static unsigned dir_listings;

static bool is_listed(const char *path)
{
	size_t n = listed.name ? strlen(listed.dir_path) : 0;
	return n && !strncmp(path, listed.dir_path, n) && path[n] == '/' &&
	       !strcmp(path + n + 1, listed.name);
}

/* A regular file opened in `mode`, wrapped as kb_platform's handle with its size. */
static int open_handle(const char *path, UINT64 mode, void **out, uint64_t *size)
{
	EFI_FILE_HANDLE fh;
	bool dir = false;
	int rc;
	if (mode == EFI_FILE_MODE_READ && is_listed(path)) {
		EFI_STATUS s = uefi_call_wrapper(listed.dir->Open, 5, listed.dir, &fh,
						 (CHAR16 *)listed.wname, mode, 0);
		if (EFI_ERROR(s))
			return log_error_ret(efi_status_to_kb(s), "%s: cannot open: %s", path,
					     efi_status_text(s));
		*size = listed.size;
		rc = 0;
	} else {
		rc = open_mode(path, &fh, mode);
		if (rc)
			return rc;
		rc = handle_size(fh, path, size, &dir);
	}
	if (!rc && dir)
		rc = KB_EINVAL; /* not logged: a `devicetree` may name a directory */
	struct efi_open_file *f = rc ? NULL : efi_pool_get(sizeof(*f));
	if (!rc && !f) {
		log_error("%s: no memory to open it", path);
		rc = KB_ENOMEM;
	}
	if (rc) {
		uefi_call_wrapper(fh->Close, 1, fh);
		return rc;
	}
	f->fh = fh;
	files_open++;
	size_t n = strnlen(path, sizeof(f->path) - 1);
	memcpy(f->path, path, n);
	f->path[n] = 0;
	*out = f;
	return 0;
}

int efi_file_open(void *ctx, const char *path, void **out, uint64_t *size)
{
	(void)ctx;
	return open_handle(path, EFI_FILE_MODE_READ, out, size);
}

int efi_file_open_rw(void *ctx, const char *path, void **out, uint64_t *size)
{
	(void)ctx;
	return open_handle(path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, out, size);
}

static void fs_restart_after(EFI_STATUS s);

/* Write, then Flush, and nothing between them: edk2's FAT driver (FatPkg) writes its dirty
 * cache back and flushes the device in every call that cleans up the volume (GetInfo and
 * SetInfo among them), so a GetInfo after the Write would cost a device flush of its own.
 * Its Flush writes the file's directory entry (the modification time: FatOFileFlush, on
 * every file written) with the data, then flushes the device once. */
int efi_file_rewrite(void *ctx, void *handle, const void *buf, uint64_t size)
{
	struct efi_open_file *f = handle;
	UINTN n = (UINTN)size;
	(void)ctx;
	EFI_STATUS s = uefi_call_wrapper(f->fh->SetPosition, 2, f->fh, 0);
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(f->fh->Write, 3, f->fh, &n, (void *)buf);
	if (!EFI_ERROR(s) && n != size)
		s = EFI_VOLUME_FULL;
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(f->fh->Flush, 1, f->fh);
	if (!EFI_ERROR(s))
		return 0;
	/* A refused write wedges edk2's FAT driver until it is restarted (fs_restart_after),
	 * which wants no file open but the root: the handle is closed now, and
	 * efi_file_close then only frees the wrapper. */
	uefi_call_wrapper(f->fh->Close, 1, f->fh);
	f->fh = NULL;
	fs_restart_after(s);
	return efi_status_to_kb(s);
}

void efi_file_close(void *ctx, void *handle)
{
	struct efi_open_file *f = handle;
	(void)ctx;
	if (f->fh)
		uefi_call_wrapper(f->fh->Close, 1, f->fh);
	efi_pool_put(f);
	if (--files_open == 0 && !dir_listings && read_error_pending) {
		read_error_pending = false;
		fs_restart_after(EFI_DEVICE_ERROR);
	}
}

int efi_file_read(void *ctx, void *handle, uint64_t offset, void *buf, uint64_t size)
{
	struct efi_open_file *f = handle;
	(void)ctx;
	EFI_STATUS s = uefi_call_wrapper(f->fh->SetPosition, 2, f->fh, offset);
	uint8_t *p = buf;
	uint64_t left = size;
	while (!EFI_ERROR(s) && left) {
		UINTN n = left > FILE_READ_CHUNK ? FILE_READ_CHUNK : (UINTN)left;
		UINTN got = n;
		s = uefi_call_wrapper(f->fh->Read, 3, f->fh, &got, p);
		if (!EFI_ERROR(s) && got == 0)
			return log_error_ret(KB_ECORRUPT, "%s: file ended %lu bytes early", f->path,
					     (unsigned long)left);
		p += got;
		left -= got;
	}
	if (s == EFI_DEVICE_ERROR)
		read_error_pending = true;
	if (EFI_ERROR(s))
		return log_error_ret(KB_EIO, "%s: read failed: %s", f->path, efi_status_text(s));
	return 0;
}

int efi_dir_list(void *ctx, const char *dir, kb_dir_fn fn, void *arg)
{
	(void)ctx;
	EFI_FILE_HANDLE dh;
	int rc = open_file(dir, &dh);
	if (rc)
		return rc;
	dir_listings++;
	/* EFI_FILE_INFO plus a name of up to 255 UCS-2 characters. */
	union {
		EFI_FILE_INFO info;
		UINT8 raw[sizeof(EFI_FILE_INFO) + KB_NAME_MAX * sizeof(CHAR16)];
	} u;
	for (;;) {
		UINTN n = sizeof(u);
		EFI_STATUS s = uefi_call_wrapper(dh->Read, 3, dh, &n, &u);
		if (EFI_ERROR(s) || n == 0)
			break;
		if (u.info.Attribute & EFI_FILE_DIRECTORY)
			continue;
		char name[KB_NAME_MAX + 8];
		if (!utf16_to_utf8(u.info.FileName, KB_NAME_MAX, name, sizeof(name))) {
			log_warn("%s: skipping '%s...': its name is too long or not valid UCS-2",
				 dir, name);
			continue;
		}
		listed.dir = dh;
		listed.dir_path = dir;
		listed.name = name;
		listed.wname = u.info.FileName;
		listed.size = u.info.FileSize;
		fn(name, arg);
		listed.name = NULL;
	}
	uefi_call_wrapper(dh->Close, 1, dh);
	dir_listings--;
	return 0;
}

/* edk2's FAT driver (FatPkg/EnhancedFatDxe) keeps a write the disk refused as a dirty page
 * of its cache and tries it again at the end of every later call on the volume, which then
 * fails too (EFI_DEVICE_ERROR): one bad sector under the seed file left no kernel readable,
 * on this boot and on every boot after it (scripts/fault-campaign.py, seed-write). The
 * driver is restarted on the device, which drops that page: the write is lost, and the
 * caller is told it failed. Called with no file open but the root. */
static void fs_restart_after(EFI_STATUS s)
{
	if (s != EFI_DEVICE_ERROR || !fs_device)
		return;
	efi_fs_close();
	uefi_call_wrapper(BS->DisconnectController, 3, fs_device, NULL, NULL);
	uefi_call_wrapper(BS->ConnectController, 4, fs_device, NULL, NULL, TRUE);
	root = efi_open_root(fs_device);
	if (!root)
		log_error("a write failed and the file system did not come back");
}

int efi_file_write(void *ctx, const char *path, const void *buf, uint64_t size)
{
	EFI_FILE_HANDLE fh;
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	(void)ctx;
	int rc = open_mode(path, &fh, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
					EFI_FILE_MODE_CREATE);
	if (rc)
		return rc;
	/* The old size is asked for before anything is written: in edk2's FAT driver a
	 * GetInfo after the Write would write the cache back and flush the device once more
	 * (efi_file_rewrite). */
	EFI_FILE_INFO *info = efi_file_info(fh);
	EFI_STATUS s = info ? uefi_call_wrapper(fh->SetPosition, 2, fh, 0) : EFI_DEVICE_ERROR;
	UINTN n = (UINTN)size;
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(fh->Write, 3, fh, &n, (void *)buf);
	if (!EFI_ERROR(s) && n != size)
		s = EFI_VOLUME_FULL;
	/* A longer old file keeps its tail unless the size is set (UEFI 2.10 13.5, SetInfo
	 * with EFI_FILE_INFO.FileSize truncates). */
	if (!EFI_ERROR(s) && info->FileSize > size) {
		info->FileSize = size;
		s = uefi_call_wrapper(fh->SetInfo, 4, fh, &info_guid, info->Size, info);
	}
	if (info)
		efi_pool_put(info);
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(fh->Flush, 1, fh);
	EFI_STATUS c = uefi_call_wrapper(fh->Close, 1, fh);
	if (!EFI_ERROR(s) && EFI_ERROR(c))
		s = c;
	fs_restart_after(s);
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}

/* EFI_FILE_SYSTEM_INFO and a volume label of up to this many UCS-2 characters. */
#define FS_LABEL_MAX 64

/* edk2's FAT driver renames by marking the old directory entries deleted, then appending
 * the new ones at the directory's end (FatSetFileInfo, FatNewEntryPos); when that needs a
 * cluster the volume does not have, it fails after the deletion and writes the deletion
 * back all the same: the file is gone. So a rename waits for one free cluster. A volume
 * that cannot say is taken to have one. */
static bool fs_has_free_cluster(void)
{
	EFI_GUID fsi_guid = EFI_FILE_SYSTEM_INFO_ID;
	union {
		EFI_FILE_SYSTEM_INFO info;
		UINT8 raw[sizeof(EFI_FILE_SYSTEM_INFO) + FS_LABEL_MAX * sizeof(CHAR16)];
	} u;
	UINTN n = sizeof(u);
	if (EFI_ERROR(uefi_call_wrapper(root->GetInfo, 4, root, &fsi_guid, &n, &u)))
		return true;
	return u.info.FreeSpace >= u.info.BlockSize;
}

int efi_file_rename(void *ctx, const char *path, const char *new_name)
{
	EFI_FILE_HANDLE fh;
	CHAR16 w[KB_PATH_MAX];
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	(void)ctx;
	long name_len = utf16_from_utf8(new_name, (uint16_t *)w, KB_PATH_MAX);
	if (name_len < 0)
		return KB_EINVAL;
	if (root && !fs_has_free_cluster())
		return KB_ENOSPC;
	int rc = open_mode(path, &fh, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE);
	if (rc)
		return rc;
	EFI_FILE_INFO *info = efi_file_info(fh);
	EFI_STATUS s = EFI_DEVICE_ERROR;
	if (info) {
		/* SetInfo with a new FileName renames (UEFI 2.10 13.5, EFI_FILE_INFO): the
		 * structure is rebuilt around the new name. */
		UINTN name_bytes = ((UINTN)name_len + 1) * sizeof(CHAR16);
		UINTN size = SIZE_OF_EFI_FILE_INFO + name_bytes;
		EFI_FILE_INFO *renamed = efi_pool_get(size);
		if (renamed) {
			memcpy(renamed, info, SIZE_OF_EFI_FILE_INFO);
			memcpy(renamed->FileName, w, name_bytes);
			renamed->Size = size;
			s = uefi_call_wrapper(fh->SetInfo, 4, fh, &info_guid, size, renamed);
			efi_pool_put(renamed);
		}
		efi_pool_put(info);
	}
	if (!EFI_ERROR(s))
		s = uefi_call_wrapper(fh->Flush, 1, fh);
	uefi_call_wrapper(fh->Close, 1, fh);
	fs_restart_after(s);
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}
