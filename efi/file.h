/* SPDX-License-Identifier: BSD-2-Clause */
/* Files on the volume kaslboot was loaded from (the ESP), for kb_platform. Paths are
 * BLS-form UTF-8 ("/loader/entries/x.conf"); they are converted to UEFI form here. */
#ifndef KASLBOOT_EFI_FILE_H
#define KASLBOOT_EFI_FILE_H

#include <efi.h>
#include <stdint.h>

#include "loader/platform.h"

/* Opens the root directory of the device the image was loaded from. */
int efi_fs_init(EFI_HANDLE image);
void efi_fs_close(void);

int efi_file_open(void *ctx, const char *path, void **fh, uint64_t *size);
int efi_file_read(void *ctx, void *fh, uint64_t offset, void *buf, uint64_t size);
void efi_file_close(void *ctx, void *fh);
int efi_file_open_rw(void *ctx, const char *path, void **fh, uint64_t *size);
int efi_file_rewrite(void *ctx, void *fh, const void *buf, uint64_t size);
int efi_dir_list(void *ctx, const char *dir, kb_dir_fn fn, void *arg);
int efi_file_write(void *ctx, const char *path, const void *buf, uint64_t size);
int efi_file_rename(void *ctx, const char *path, const char *new_name);

#endif
