/* SPDX-License-Identifier: BSD-2-Clause */
/* Sizes by name, and the placement limits of the arm64 Linux boot protocol
 * (Documentation/arch/arm64/booting.rst), each with exactly one name that every folder
 * uses. All are unsigned long long, so they mix with uint64_t addresses without casts. */
#ifndef KASLBOOT_LIB_SIZES_H
#define KASLBOOT_LIB_SIZES_H

#define SZ_4K  0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_2M  0x200000ULL
#define SZ_32M 0x2000000ULL
#define SZ_1G  0x40000000ULL

/* booting.rst, "Setup the device tree": the blob "must be placed on an 8-byte boundary
 * and must not exceed 2 megabytes in size" (the kernel's MIN_FDT_ALIGN and MAX_FDT_SIZE,
 * arch/arm64/include/asm/boot.h; fixmap_remap_fdt() refuses a larger one). */
#define BOOT_DT_MAX_SIZE SZ_2M
#define BOOT_DT_ALIGN    8ULL

/* booting.rst, "Call the kernel image": "The Image must be placed text_offset bytes from
 * a 2MB aligned base address" (the kernel's MIN_KIMG_ALIGN). */
#define BOOT_IMAGE_ALIGN SZ_2M
/* booting.rst, Image header flags bit 3 set: the 2 MiB-aligned base may be anywhere such
 * that all image_size bytes lie within the 48-bit physical address range. Exclusive. */
#define BOOT_IMAGE_PHYS_LIMIT (1ULL << 48)

/* booting.rst, "Setup the initrd": the initrd must lie entirely within one 1 GB aligned
 * physical window of up to 32 GB that also covers the whole kernel Image. */
#define BOOT_INITRD_WINDOW_ALIGN SZ_1G
#define BOOT_INITRD_WINDOW_SIZE  (32 * SZ_1G)

#endif
