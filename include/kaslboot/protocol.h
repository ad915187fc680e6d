/* SPDX-License-Identifier: BSD-2-Clause */
/* The kaslboot MMU-on payload protocol (docs/protocol.md) as constants: what kaslboot
 * promises a payload it enters with the MMU on, and what the payload's ELF file must be.
 * Public and freestanding: kaslboot's loader/ and dtb/ build to it, and so do the probe
 * (tests/payload/) and any payload (add -I<kaslboot>/include, then
 * #include <kaslboot/protocol.h>). Nothing beyond <stdint.h>.
 *
 * The section numbers are docs/protocol.md's. Values kaslboot only reports (the fixmap,
 * the register values at entry) are owned by its mm/ and named there; the payload learns
 * the addresses from the properties below. */
#ifndef KASLBOOT_INCLUDE_KASLBOOT_PROTOCOL_H
#define KASLBOOT_INCLUDE_KASLBOOT_PROTOCOL_H

#include <stdint.h>

/* ---- 5. The device tree: /chosen properties ------------------------------------------ */

/* The value of /chosen/kaslboot,layout-version; bumped whenever a kaslboot,* property is
 * added, removed or changes meaning. */
#define KASLBOOT_LAYOUT_VERSION 1u

/* Every kaslboot,* property is one big-endian u64 (8 bytes), and all are always present. */
#define KASLBOOT_CHOSEN_VALUE_SIZE 8u

#define KASLBOOT_CHOSEN_LAYOUT_VERSION    "kaslboot,layout-version"
#define KASLBOOT_CHOSEN_IMAGE_PHYS_BASE   "kaslboot,image-phys-base"   /* image's first byte, PA */
#define KASLBOOT_CHOSEN_IMAGE_VIRT_BASE   "kaslboot,image-virt-base"   /* VA it runs at */
#define KASLBOOT_CHOSEN_IMAGE_SIZE        "kaslboot,image-size"        /* bytes mapped from there */
#define KASLBOOT_CHOSEN_LINEAR_MAP_OFFSET "kaslboot,linear-map-offset" /* VA - PA, mod 2^64 */
#define KASLBOOT_CHOSEN_FIXMAP_BASE       "kaslboot,fixmap-base"
#define KASLBOOT_CHOSEN_FIXMAP_SIZE       "kaslboot,fixmap-size"
#define KASLBOOT_CHOSEN_UART_VIRT_BASE    "kaslboot,uart-virt-base"    /* 0: no UART */
#define KASLBOOT_CHOSEN_STACK_TOP         "kaslboot,stack-top"         /* SP at entry */
#define KASLBOOT_CHOSEN_STACK_SIZE        "kaslboot,stack-size"
#define KASLBOOT_CHOSEN_IDMAP_BASE        "kaslboot,idmap-base"        /* TTBR0 trampoline */
#define KASLBOOT_CHOSEN_IDMAP_SIZE        "kaslboot,idmap-size"

/* ---- 2. Payload format ------------------------------------------------------------- */

/* The page of the protocol: the 4 KiB translation granule. No two PT_LOAD segments share
 * one, and the span below is counted in them. */
#define KASLBOOT_PAGE_SIZE 0x1000ULL
/* 1 to this many PT_LOAD segments. */
#define KASLBOOT_MAX_LOAD_SEGMENTS 8
/* p_align: a power of two from KASLBOOT_PAGE_SIZE up to this (the image base alignment,
 * so every such alignment is honoured). */
#define KASLBOOT_MAX_SEGMENT_ALIGN KASLBOOT_IMAGE_ALIGN
/* Lowest p_vaddr rounded down to a page .. highest p_vaddr + p_memsz rounded up: at most
 * this many bytes (1 GiB). */
#define KASLBOOT_MAX_IMAGE_SPAN 0x40000000ULL

/* ---- 3. Virtual layout ------------------------------------------------------------- */

/* 48-bit virtual addresses in both halves (TCR_EL1.T0SZ = T1SZ = 64 - 48); every payload
 * mapping is in the TTBR1 half [0xffff000000000000, 2^64). */
#define KASLBOOT_VA_BITS 48u
/* image-phys-base and image-virt-base are both multiples of this (2 MiB). */
#define KASLBOOT_IMAGE_ALIGN 0x200000ULL
/* The image runs at a random image-virt-base with [base, base + block) inside
 * [LO, HI): 2^25 slots for a small payload. HI is exclusive. */
#define KASLBOOT_IMAGE_VA_WINDOW_LO 0xffff900000000000ULL
#define KASLBOOT_IMAGE_VA_WINDOW_HI 0xffffe00000000000ULL
/* RAM at PA p is at p + linear-map-offset, inside [LO, HI) (HI exclusive); the offset is
 * a random multiple of this alignment (2 MiB), so PA and VA stay congruent mod a
 * level-2 block. */
#define KASLBOOT_LINEAR_WINDOW_LO 0xffff000000000000ULL
#define KASLBOOT_LINEAR_WINDOW_HI 0xffff800000000000ULL
#define KASLBOOT_LINEAR_ALIGN     0x200000ULL

/* The payload block: image-size bytes of image, one unmapped guard page, then the stack
 * (stack-top - stack-size .. stack-top). stack-size is a multiple of the page and at
 * least this (kaslboot gives exactly this, 64 KiB); SP = stack-top is 16-byte aligned. */
#define KASLBOOT_GUARD_SIZE     KASLBOOT_PAGE_SIZE
#define KASLBOOT_STACK_SIZE_MIN 0x10000ULL
#define KASLBOOT_STACK_ALIGN    16u

#endif
