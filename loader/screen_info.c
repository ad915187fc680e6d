/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/screen_info.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"

const struct kb_guid linux_screen_info_table_guid = {
	0xe03fc20a, 0x85dc, 0x406e, { 0xb9, 0x0e, 0x4a, 0xb5, 0x02, 0x37, 0x1d, 0x95 }
};

/* Bits per colour channel of the two fixed formats, and their depth (UEFI 2.10 12.9.2:
 * "8-bit red, green, blue and reserved"). */
#define FIXED_CHANNEL_BITS 8u
#define FIXED_DEPTH        32u

/* The lowest set bit of a channel mask and the span up to its highest (UEFI: the bits are
 * contiguous), as the stub's find_bits: __ffs, __fls - __ffs + 1. */
static void mask_bits(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	uint8_t p = 0, n = 0;
	if (mask) {
		while (!(mask & 1u)) {
			mask >>= 1;
			p++;
		}
		while (mask) {
			mask >>= 1;
			n++;
		}
	}
	*pos = p;
	*size = n;
}

int screen_info_fill(const struct kb_gop_mode *m, struct linux_screen_info *si)
{
	uint64_t linelength;
	memset(si, 0, sizeof(*si));
	if (m->format > KB_PIXEL_BITMASK)
		return KB_EUNSUPP;
	if (m->format == KB_PIXEL_BITMASK) {
		mask_bits(m->red_mask, &si->red_pos, &si->red_size);
		mask_bits(m->green_mask, &si->green_pos, &si->green_size);
		mask_bits(m->blue_mask, &si->blue_pos, &si->blue_size);
		mask_bits(m->rsvd_mask, &si->rsvd_pos, &si->rsvd_size);
		si->lfb_depth =
			(uint16_t)(si->red_size + si->green_size + si->blue_size + si->rsvd_size);
		linelength = (uint64_t)m->stride * si->lfb_depth / 8;
	} else {
		/* RGBX: red in the lowest byte; BGRX: blue there. */
		si->red_pos = m->format == KB_PIXEL_RGBX8 ? 0 : 16;
		si->blue_pos = m->format == KB_PIXEL_RGBX8 ? 16 : 0;
		si->green_pos = 8;
		si->rsvd_pos = 24;
		si->red_size = si->green_size = si->blue_size = si->rsvd_size = FIXED_CHANNEL_BITS;
		si->lfb_depth = FIXED_DEPTH;
		linelength = (uint64_t)m->stride * (FIXED_DEPTH / 8);
	}
	if (m->width > UINT16_MAX || m->height > UINT16_MAX || linelength > UINT16_MAX) {
		memset(si, 0, sizeof(*si));
		return KB_EUNSUPP;
	}
	si->orig_video_isVGA = LINUX_VIDEO_TYPE_EFI;
	si->lfb_width = (uint16_t)m->width;
	si->lfb_height = (uint16_t)m->height;
	si->lfb_linelength = (uint16_t)linelength;
	si->lfb_size = (uint32_t)linelength * m->height;
	si->lfb_base = (uint32_t)m->fb_base;
	si->ext_lfb_base = (uint32_t)(m->fb_base >> 32);
	si->capabilities = LINUX_VIDEO_CAPABILITY_SKIP_QUIRKS |
			   (si->ext_lfb_base ? LINUX_VIDEO_CAPABILITY_64BIT_BASE : 0);
	si->pages = 1;
	return KB_OK;
}

void screen_info_install(const struct kb_platform *pf, struct kb_allocs *allocs, bool *installed)
{
	struct kb_gop_mode m;
	struct linux_screen_info si;
	uint64_t pa;
	*installed = false;
	if (pf->gop_mode(pf->ctx, &m))
		return; /* no graphics output: a serial-only machine */
	if (screen_info_fill(&m, &si)) {
		log_warn("graphics output %ux%u (pixel format %u, %u per line): not a framebuffer "
			 "Linux can use",
			 m.width, m.height, m.format, m.stride);
		return;
	}
	if (kb_alloc_below(allocs, sizeof(si), 0, KB_MEM_ACPI_RECLAIM, &pa)) {
		log_warn("no memory for the screen_info table: Linux gets no framebuffer");
		return;
	}
	memcpy((void *)(uintptr_t)pa, &si, sizeof(si));
	if (pf->install_config_table(pf->ctx, &linux_screen_info_table_guid,
				     (void *)(uintptr_t)pa)) {
		kb_free(allocs, pa);
		log_warn("the screen_info table cannot be installed: Linux gets no framebuffer");
		return;
	}
	*installed = true;
	log_debug("screen: %ux%u framebuffer at 0x%lx (%u bytes a line) handed to Linux", m.width,
		  m.height, (unsigned long)m.fb_base, (unsigned)si.lfb_linelength);
}

void screen_info_remove(const struct kb_platform *pf, bool *installed)
{
	if (*installed)
		pf->install_config_table(pf->ctx, &linux_screen_info_table_guid, NULL);
	*installed = false;
}
