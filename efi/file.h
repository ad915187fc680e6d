/* Files on the volume kaslboot was loaded from (the ESP). Paths are BLS-form ASCII
 * ("/loader/entries/x.conf"); they are converted to UEFI form here. */
#ifndef KASLBOOT_EFI_FILE_H
#define KASLBOOT_EFI_FILE_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

/* Opens the root directory of the device the image was loaded from. */
int efi_fs_init(EFI_HANDLE image);
void efi_fs_close(void);

/* KB_ENOENT if the file does not exist (no message: callers decide whether that is an
 * error); other failures are logged. */
int efi_file_size(const char *path, uint64_t *size);
/* Reads exactly `size` bytes from `offset` of the file into buf. */
int efi_file_read(const char *path, uint64_t offset, void *buf, uint64_t size);
/* Reads the whole file into a pool allocation (*buf, freed with efi_file_free). max bounds
 * the size: a bigger file is refused (KB_ERANGE) before anything is read. */
int efi_file_load(const char *path, uint64_t max, void **buf, uint64_t *size);
void efi_file_free(void *buf);
bool efi_file_exists(const char *path, void *ctx);
/* Calls fn for every regular file in directory `dir` (ASCII names; non-ASCII names are
 * skipped with a warning). KB_ENOENT if the directory does not exist. */
int efi_dir_list(const char *dir, void (*fn)(const char *name, void *ctx), void *ctx);

#endif
