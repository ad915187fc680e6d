/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/kernel_format.h"

#include <stdint.h>
#include <string.h>

#include "lib/bytes.h"
#include "formats/gzip.h"
#include "formats/image.h"
#include "formats/zboot.h"

/* ELF e_ident[EI_MAG0..3] (System V gABI, "ELF Identification"). */
static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

enum kernel_format kernel_format_detect(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	/* The Image magic comes first: an arm64 Image built with CONFIG_EFI also begins with
	 * "MZ" (code0 is a ccmp whose encoding spells it), and only offset 56 tells it apart
	 * from a zboot PE (which holds LINUX_PE_MAGIC there instead). */
	if (len >= IMAGE_HEADER_SIZE && get_le32(b + IMAGE_OFF_MAGIC) == IMAGE_MAGIC)
		return KERNEL_FMT_IMAGE;
	if (len >= ZBOOT_OFF_IMAGE_TYPE + ZBOOT_IMAGE_TYPE_LEN &&
	    memcmp(b + ZBOOT_OFF_MZ, ZBOOT_MZ_MAGIC, ZBOOT_MZ_MAGIC_LEN) == 0 &&
	    memcmp(b + ZBOOT_OFF_IMAGE_TYPE, ZBOOT_IMAGE_TYPE, ZBOOT_IMAGE_TYPE_LEN) == 0)
		return KERNEL_FMT_ZBOOT;
	if (len >= GZIP_MAGIC_LEN && b[0] == GZIP_ID1 && b[1] == GZIP_ID2 && b[2] == GZIP_CM_DEFLATE)
		return KERNEL_FMT_GZIP;
	if (len >= sizeof(elf_magic) && memcmp(b, elf_magic, sizeof(elf_magic)) == 0)
		return KERNEL_FMT_ELF;
	return KERNEL_FMT_UNKNOWN;
}

const char *kernel_format_name(enum kernel_format fmt)
{
	static const char *const names[] = {
		[KERNEL_FMT_UNKNOWN] = "unknown format",
		[KERNEL_FMT_IMAGE] = "arm64 Image",
		[KERNEL_FMT_GZIP] = "gzip-compressed Image",
		[KERNEL_FMT_ZBOOT] = "EFI zboot image",
		[KERNEL_FMT_ELF] = "ELF",
	};
	return (unsigned)fmt < sizeof(names) / sizeof(names[0]) ? names[fmt] : "unknown format";
}
