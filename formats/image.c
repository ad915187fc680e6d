/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/image.h"

#include "lib/align.h"
#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

const char *image_page_size_name(unsigned page_size_code)
{
	static const char *const names[] = {
		[IMAGE_PAGE_SIZE_UNSPECIFIED] = "unspecified",
		[IMAGE_PAGE_SIZE_4K] = "4K",
		[IMAGE_PAGE_SIZE_16K] = "16K",
		[IMAGE_PAGE_SIZE_64K] = "64K",
	};
	return page_size_code < sizeof(names) / sizeof(names[0]) ? names[page_size_code] : "?";
}

int image_header_validate(const void *buf, size_t file_len, struct image_info *out,
			  const char *name)
{
	const uint8_t *h = buf;
	uint64_t text_offset, image_size, flags;
	uint32_t magic;

	*out = (struct image_info){ 0 };
	if (!name)
		name = "kernel";
	if (file_len < IMAGE_HEADER_SIZE)
		return log_error_ret(KB_EINVAL,
				     "%s: %zu bytes is shorter than the %u-byte arm64 Image header",
				     name, file_len, IMAGE_HEADER_SIZE);
	magic = get_le32(h + IMAGE_OFF_MAGIC);
	if (magic != IMAGE_MAGIC)
		return log_error_ret(
			KB_EINVAL,
			"%s: not an arm64 Image (magic at offset %u is 0x%08x, want 0x%08x)", name,
			IMAGE_OFF_MAGIC, magic, IMAGE_MAGIC);
	text_offset = get_le64(h + IMAGE_OFF_TEXT_OFFSET);
	image_size = get_le64(h + IMAGE_OFF_IMAGE_SIZE);
	flags = get_le64(h + IMAGE_OFF_FLAGS);

	if (image_size == 0) {
		/* Pre-3.17: flags and text_offset's endianness were not defined yet, so take
		 * booting.rst's assumed text_offset and reserve the file plus a BSS margin. */
		if ((uint64_t)file_len > IMAGE_SIZE_MAX)
			return log_error_ret(KB_ERANGE,
					     "%s: legacy Image (image_size 0) of %zu bytes exceeds "
					     "the %llu-byte limit",
					     name, file_len, (unsigned long long)IMAGE_SIZE_MAX);
		if (text_offset != IMAGE_LEGACY_TEXT_OFFSET)
			log_warn("%s: legacy Image text_offset field 0x%llx ignored, using 0x%llx",
				 name, (unsigned long long)text_offset,
				 (unsigned long long)IMAGE_LEGACY_TEXT_OFFSET);
		out->text_offset = IMAGE_LEGACY_TEXT_OFFSET;
		out->image_size = align_up(file_len, BOOT_IMAGE_ALIGN) + IMAGE_LEGACY_BSS_MARGIN;
		out->legacy = true;
		log_warn("%s: pre-3.17 Image (image_size 0): assuming text_offset 0x%llx, reserving %llu bytes",
			 name, (unsigned long long)out->text_offset,
			 (unsigned long long)out->image_size);
		return 0;
	}

	if (flags & IMAGE_FLAG_BE)
		return log_error_ret(KB_EUNSUPP,
				     "%s: big-endian arm64 Image (flags 0x%llx bit 0): kaslboot "
				     "boots little-endian kernels only",
				     name, (unsigned long long)flags);
	if (image_size > IMAGE_SIZE_MAX)
		return log_error_ret(
			KB_ERANGE,
			"%s: image_size %llu exceeds the %llu-byte limit (corrupt header?)", name,
			(unsigned long long)image_size, (unsigned long long)IMAGE_SIZE_MAX);
	if ((uint64_t)file_len > image_size) {
		/* image_size covers the file plus BSS, so a longer file is not this kernel's. */
		return log_error_ret(
			KB_ERANGE, "%s: file is %zu bytes but its header's image_size is only %llu",
			name, file_len, (unsigned long long)image_size);
	}
	if (text_offset >= BOOT_IMAGE_ALIGN || !is_aligned(text_offset, IMAGE_TEXT_OFFSET_ALIGN))
		return log_error_ret(
			KB_EINVAL,
			"%s: text_offset 0x%llx is not a 4 KiB-aligned offset below 2 MiB", name,
			(unsigned long long)text_offset);
	if (flags & IMAGE_FLAGS_RESERVED)
		log_warn("%s: reserved Image flags bits set (flags 0x%llx), ignoring them",
			 name, (unsigned long long)flags);

	out->text_offset = text_offset;
	out->image_size = image_size;
	out->flags = flags;
	out->page_size_code = (unsigned)((flags & IMAGE_FLAG_PAGE_SIZE_MASK) >> IMAGE_FLAG_PAGE_SIZE_SHIFT);
	out->phys_anywhere = (flags & IMAGE_FLAG_PHYS_ANYWHERE) != 0;
	log_debug("%s: arm64 Image, text_offset 0x%llx, image_size %llu, %s pages, %s",
		  name, (unsigned long long)text_offset, (unsigned long long)image_size,
		  image_page_size_name(out->page_size_code),
		  out->phys_anywhere ? "placeable anywhere" : "placed low");
	return 0;
}

uint64_t image_placement_align(const struct image_info *info, bool efi_stub)
{
	if (info->text_offset || info->legacy || !efi_stub)
		return BOOT_IMAGE_ALIGN;
	switch (info->page_size_code) {
	case IMAGE_PAGE_SIZE_4K:
	case IMAGE_PAGE_SIZE_16K:
		return IMAGE_KIMG_ALIGN_4K_16K;
	case IMAGE_PAGE_SIZE_64K:
		return IMAGE_KIMG_ALIGN_64K;
	default:
		return BOOT_IMAGE_ALIGN;
	}
}
