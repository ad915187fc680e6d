/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware's framebuffer handed to Linux as its EFI stub hands it: a struct screen_info
 * in a LINUX_EFI_SCREEN_INFO_TABLE configuration table, which the kernel copies early
 * (drivers/firmware/efi/efi-init.c, init_screen_info) so that efifb or simpledrm shows the
 * console before any GPU driver loads. Linux 6.1's arm64 stub wrote the kernel's variable
 * directly and its kernel ignores the table; kernels from 6.7 on read it (Debian 13's 6.12). */
#ifndef KASLBOOT_LOADER_SCREEN_INFO_H
#define KASLBOOT_LOADER_SCREEN_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/allocs.h"
#include "loader/platform.h"

/* include/uapi/linux/screen_info.h, field by field (the x86 boot protocol's layout, packed). */
struct linux_screen_info {
	uint8_t orig_x, orig_y;
	uint16_t ext_mem_k, orig_video_page;
	uint8_t orig_video_mode, orig_video_cols, flags, unused2;
	uint16_t orig_video_ega_bx, unused3;
	uint8_t orig_video_lines, orig_video_isVGA;
	uint16_t orig_video_points;
	uint16_t lfb_width, lfb_height, lfb_depth;
	uint32_t lfb_base, lfb_size;
	uint16_t cl_magic, cl_offset;
	uint16_t lfb_linelength;
	uint8_t red_size, red_pos, green_size, green_pos, blue_size, blue_pos, rsvd_size, rsvd_pos;
	uint16_t vesapm_seg, vesapm_off, pages, vesa_attributes;
	uint32_t capabilities, ext_lfb_base;
	uint8_t reserved[2];
} __attribute__((packed));

/* The offsets the uapi header gives in its comments. */
_Static_assert(offsetof(struct linux_screen_info, orig_video_isVGA) == 0x0f, "isVGA");
_Static_assert(offsetof(struct linux_screen_info, lfb_width) == 0x12, "lfb_width");
_Static_assert(offsetof(struct linux_screen_info, lfb_base) == 0x18, "lfb_base");
_Static_assert(offsetof(struct linux_screen_info, lfb_size) == 0x1c, "lfb_size");
_Static_assert(offsetof(struct linux_screen_info, lfb_linelength) == 0x24, "linelength");
_Static_assert(offsetof(struct linux_screen_info, red_size) == 0x26, "red_size");
_Static_assert(offsetof(struct linux_screen_info, rsvd_pos) == 0x2d, "rsvd_pos");
_Static_assert(offsetof(struct linux_screen_info, pages) == 0x32, "pages");
_Static_assert(offsetof(struct linux_screen_info, capabilities) == 0x36, "capabilities");
_Static_assert(offsetof(struct linux_screen_info, ext_lfb_base) == 0x3a, "ext_lfb_base");
_Static_assert(sizeof(struct linux_screen_info) == 0x40, "struct screen_info is 64 bytes");

/* include/uapi/linux/screen_info.h */
#define LINUX_VIDEO_TYPE_EFI               0x70 /* orig_video_isVGA: "EFI graphic mode" */
#define LINUX_VIDEO_CAPABILITY_SKIP_QUIRKS (1u << 0)
#define LINUX_VIDEO_CAPABILITY_64BIT_BASE  (1u << 1) /* ext_lfb_base holds bits 63..32 */

/* include/linux/efi.h: LINUX_EFI_SCREEN_INFO_TABLE_GUID e03fc20a-85dc-406e-b90e-4ab502371d95. */
extern const struct kb_guid linux_screen_info_table_guid;

/* Fills *si from the mode exactly as the 6.12 stub's efi_setup_gop does (libstub gop.c):
 * everything else zero. KB_EUNSUPP for a mode with no usable framebuffer (PixelBltOnly, an
 * unknown format) or one whose sizes do not fit screen_info's 16-bit fields, which the
 * stub would truncate. Logs nothing. */
int screen_info_fill(const struct kb_gop_mode *m, struct linux_screen_info *si);

/* Reads the firmware's GOP and installs the table in EfiACPIReclaimMemory tracked in allocs
 * (the stub's alloc_screen_info); *installed says whether it did. No GOP: nothing, quietly;
 * anything else that fails: one warning, Linux then finds no framebuffer (as without it). */
void screen_info_install(const struct kb_platform *pf, struct kb_allocs *allocs, bool *installed);
/* Removes it again (an attempt backing out frees its page), as the stub's free_screen_info. */
void screen_info_remove(const struct kb_platform *pf, bool *installed);

#endif
