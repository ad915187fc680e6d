/* SPDX-License-Identifier: BSD-2-Clause */
/* Predicts where Linux puts its own image virtually, given the kaslr-seed kaslboot hands
 * over and the physical address the Image was loaded at. For the boot log and tests: a
 * test reads the logged seed and base and checks the kernel's reported _text.
 *
 * Both functions assume a 48-bit VA, 4 KiB-page kernel (Debian's arm64 configuration), a
 * seed that reached the kernel (no "nokaslr"), and, for seed 0, no RNDR fallback: the
 * kernel then runs unrandomized, at KIMAGE_VADDR + (PA mod 2 MiB). */
#ifndef KASLBOOT_LOADER_LINUX_KASLR_H
#define KASLBOOT_LOADER_LINUX_KASLR_H

#include <stdint.h>

#include "lib/sizes.h"

/* 6.1: arch/arm64/include/asm/memory.h, KIMAGE_VADDR = MODULES_END = _PAGE_END(48) +
 * MODULES_VSIZE (128 MiB). */
#define LINUX61_KIMAGE_VADDR 0xffff800008000000ULL
/* 6.12: MODULES_VSIZE grew to 2 GiB. */
#define LINUX612_KIMAGE_VADDR 0xffff800080000000ULL
/* 6.12: VMALLOC_END = VMEMMAP_START - SZ_8M, VMEMMAP_START = -SZ_1G - VMEMMAP_SIZE with
 * VMEMMAP_SIZE = (2^47 >> 12) * sizeof(struct page) (64). */
#define LINUX612_VMALLOC_END 0xfffffdffbf800000ULL
/* The kernel's MIN_KIMG_ALIGN is booting.rst's BOOT_IMAGE_ALIGN (lib/sizes.h): the
 * image's physical misalignment within it carries into the VA. */

/* The displacement kaslr_offset() reports, 6.1 formula. */
uint64_t linux61_kaslr_offset(uint64_t seed, uint64_t text_phys);
/* _text's virtual address under Linux 6.1 (KIMAGE_VADDR + kaslr_offset). */
uint64_t linux61_text_va(uint64_t seed, uint64_t text_phys);
uint64_t linux612_kaslr_offset(uint64_t seed, uint64_t text_phys);
/* _text's virtual address under Linux 6.12. */
uint64_t linux612_text_va(uint64_t seed, uint64_t text_phys);

#endif
