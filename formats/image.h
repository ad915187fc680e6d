/* SPDX-License-Identifier: BSD-2-Clause */
/* The arm64 Linux Image header: the 64 bytes at the start of every arm64 kernel Image.
 * Layout and meaning from Documentation/arch/arm64/booting.rst, "Call the kernel image"
 * (the header table and the notes below it). All fields are little-endian since 3.17. */
#ifndef KASLBOOT_FORMATS_IMAGE_H
#define KASLBOOT_FORMATS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sizes.h"

#define IMAGE_HEADER_SIZE      64u  /* booting.rst: "The decompressed kernel image contains a 64-byte header" */
#define IMAGE_OFF_CODE0        0u   /* u32 code0: executable code ("MZ" ccmp with CONFIG_EFI) */
#define IMAGE_OFF_CODE1        4u   /* u32 code1: branch to the real entry */
#define IMAGE_OFF_TEXT_OFFSET  8u   /* u64 text_offset: image load offset from a 2 MB-aligned base */
#define IMAGE_OFF_IMAGE_SIZE   16u  /* u64 image_size: effective image size, BSS included */
#define IMAGE_OFF_FLAGS        24u  /* u64 flags: kernel flags */
#define IMAGE_OFF_MAGIC        56u  /* u32 magic: 0x644d5241 */
#define IMAGE_OFF_PE_HEADER    60u  /* u32 res5: offset to the PE header (EFI only) */

#define IMAGE_MAGIC            0x644d5241u /* booting.rst "magic": "ARM\x64", little-endian */

/* booting.rst "flags" field. */
#define IMAGE_FLAG_BE              (1ull << 0) /* bit 0: kernel endianness, 1 = big-endian */
#define IMAGE_FLAG_PAGE_SIZE_SHIFT 1u          /* bits 1-2: kernel page size */
#define IMAGE_FLAG_PAGE_SIZE_MASK  (3ull << IMAGE_FLAG_PAGE_SIZE_SHIFT)
#define IMAGE_FLAG_PHYS_ANYWHERE   (1ull << 3) /* bit 3: 2 MB-aligned base may be anywhere */
#define IMAGE_FLAGS_RESERVED       (~0xfull)   /* bits 4-63: reserved */

/* booting.rst page size codes (flags bits 1-2). */
enum image_page_size {
	IMAGE_PAGE_SIZE_UNSPECIFIED = 0,
	IMAGE_PAGE_SIZE_4K = 1,
	IMAGE_PAGE_SIZE_16K = 2,
	IMAGE_PAGE_SIZE_64K = 3,
};

/* The base the Image goes text_offset bytes above is BOOT_IMAGE_ALIGN-aligned
 * (lib/sizes.h, booting.rst). text_offset is a page offset into that 2 MB block: the kernel maps its image with pages,
 * so an offset that is not 4 KiB aligned (the smallest arm64 page) cannot come from a real
 * kernel, and one >= 2 MB would just be a different base. */
#define IMAGE_TEXT_OFFSET_ALIGN SZ_4K
/* booting.rst: "Where image_size is zero, text_offset can be assumed to be 0x80000." */
#define IMAGE_LEGACY_TEXT_OFFSET 0x80000ull
/* Pre-3.17 kernels (image_size == 0) do not say how much BSS follows the file. We reserve
 * the file rounded up to 2 MB plus this margin; U-Boot's booti assumes a flat 16 MiB for the
 * whole image, which a large file would exceed, so we take 16 MiB on top of the file. */
#define IMAGE_LEGACY_BSS_MARGIN  0x1000000ull
/* A sanity bound, not a booting.rst rule: distribution kernels are ~30-60 MiB with BSS, so
 * anything above 1 GiB is a corrupt header, not a kernel. */
#define IMAGE_SIZE_MAX           SZ_1G

/* Finer placement, for kernels entered with the EFI handoff as kaslboot enters them: the
 * kernel's EFI stub places a relocatable kernel at EFI_KIMG_ALIGN when it randomizes
 * (drivers/firmware/efi/libstub/arm64-stub.c, efi_get_kimg_min_align()), and the kernel
 * folds the physical offset modulo 2 MiB into its virtual base (arch/arm64/kernel/head.S
 * in 6.1, pi/map_kernel.c later), so those bits become virtual entropy too.
 * EFI_KIMG_ALIGN = max(SEGMENT_ALIGN, THREAD_ALIGN) (arch/arm64/include/asm/efi.h):
 * SEGMENT_ALIGN is 64 KiB (asm/memory.h); THREAD_ALIGN is 2 * THREAD_SIZE with
 * VMAP_STACK, and THREAD_SIZE is 16 KiB with 4K/16K pages (32 KiB with KASAN), 64 KiB
 * with 64K pages (asm/memory.h, MIN_THREAD_SHIFT / THREAD_SHIFT). */
#define IMAGE_KIMG_ALIGN_4K_16K 0x10000ull /* 64 KiB: SEGMENT_ALIGN >= 2 * 32 KiB */
#define IMAGE_KIMG_ALIGN_64K    0x20000ull /* 128 KiB: 2 * 64 KiB THREAD_SIZE */

struct image_info {
	uint64_t text_offset;    /* bytes above the 2 MB-aligned base where the Image goes */
	uint64_t image_size;     /* bytes that must be free from the Image start (BSS included) */
	uint64_t flags;          /* the raw flags field */
	unsigned page_size_code; /* enum image_page_size */
	bool big_endian;         /* flags bit 0; always false on success (refused) */
	bool phys_anywhere;      /* flags bit 3: false means "as low in DRAM as possible" */
	bool legacy;             /* image_size was 0 (pre-3.17): legacy values were substituted */
};

/* The alignment of the Image's first byte that kaslboot may choose, by booting.rst and
 * the stub's rule above:
 *  - text_offset != 0 (kernels before 5.8), legacy headers, an unspecified page size, or
 *    a kernel without an EFI stub (efi_stub false: it may not be relocatable, and is not
 *    entered as the stub would be): the Image goes text_offset above a 2 MiB-aligned base,
 *    as booting.rst says, so 2 MiB;
 *  - otherwise EFI_KIMG_ALIGN for its page size: 64 KiB (4K, 16K), 128 KiB (64K). */
uint64_t image_placement_align(const struct image_info *info, bool efi_stub);

/* Validates the header of an uncompressed Image of file_len bytes whose first
 * min(file_len, 64) bytes are at buf, and fills *out. For a compressed kernel pass the
 * inflated length (or gzip's ISIZE hint); `name` (the file, for messages) may be NULL.
 * Returns 0, or KB_EINVAL (not an Image, bad field), KB_ERANGE (file larger than
 * image_size, absurd size) or KB_EUNSUPP (big-endian kernel), after one log_error line.
 * image_size == 0 gets the legacy treatment above, with a warning. */
int image_header_validate(const void *buf, size_t file_len, struct image_info *out,
			  const char *name);

/* Human-readable page size for logs: "unspecified", "4K", "16K", "64K". */
const char *image_page_size_name(unsigned page_size_code);

#endif
