/* SPDX-License-Identifier: BSD-2-Clause */
/* Paths on the ESP. kaslboot keeps every path as the configuration wrote it, in the Boot
 * Loader Specification's form ('/' separated, relative to the root of the ESP, the leading
 * '/' optional); the firmware's file protocol wants the UEFI form. Both efi/ (opening a
 * file, naming it in a TPM event) and loader/ (renaming a counted entry) need the
 * conversion, so it lives below both. */
#ifndef KASLBOOT_LIB_PATH_H
#define KASLBOOT_LIB_PATH_H

#include <stddef.h>

#define KB_PATH_MAX 256 /* bytes of one path, including the NUL */
/* One file name, including the NUL: FAT long names are at most 255 characters (Microsoft's
 * FAT specification, section 7), and so are the Boot Loader Specification's entry names. */
#define KB_NAME_MAX 256

/* Converts a BLS path to the UEFI form in buf: '\' separators, one leading '\', repeated
 * separators and "." components dropped ("boot//./vmlinuz" -> "\boot\vmlinuz"). Refuses ".."
 * components and output that does not fit (KB_EINVAL / KB_ENOMEM, logged). efi/ widens
 * the ASCII result to CHAR16. */
int path_to_uefi(const char *path, char *buf, size_t size);

#endif
