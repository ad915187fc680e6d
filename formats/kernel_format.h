/* SPDX-License-Identifier: BSD-2-Clause */
/* Which kind of kernel file a buffer holds, from its first bytes. Detection only: each
 * format has its own validator (image.h, gzip.h, zboot.h; ELF is the MMU-on payload path). */
#ifndef KASLBOOT_FORMATS_KERNEL_FORMAT_H
#define KASLBOOT_FORMATS_KERNEL_FORMAT_H

#include <stddef.h>

enum kernel_format {
	KERNEL_FMT_UNKNOWN = 0,
	KERNEL_FMT_IMAGE,   /* raw arm64 Image: "ARM\x64" at offset 56 (may also start "MZ") */
	KERNEL_FMT_GZIP,    /* gzip member, deflate method: Debian/Ubuntu vmlinuz */
	KERNEL_FMT_ZBOOT,   /* EFI zboot: "MZ" + "zimg", a PE wrapping a compressed Image */
	KERNEL_FMT_ELF,     /* ELF executable */
};

/* Bytes a caller should have read for detection to see every signature (the Image magic
 * ends at offset 60). A shorter buffer still detects the formats that fit in it. */
#define KERNEL_FORMAT_PROBE_LEN 64u

enum kernel_format kernel_format_detect(const void *buf, size_t len);
const char *kernel_format_name(enum kernel_format fmt);

#endif
