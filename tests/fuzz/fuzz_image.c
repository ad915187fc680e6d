/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel file's first bytes: kernel_format_detect(), image_header_validate() and
 * image_pe_check_length(). The input is an 8-byte little-endian file length followed by the
 * file's head (at most IMAGE_PE_PROBE_LEN bytes, in an exact-size block, as efi/ reads it).
 * Invariants:
 * - detection follows the signatures alone, in the documented order (Image magic at 56
 *   first, then zboot, gzip, ELF) and never reads past the bytes given;
 * - an accepted header describes a placeable kernel: text_offset a 4 KiB multiple below
 *   2 MiB, image_size covering the file and at most IMAGE_SIZE_MAX (the legacy rule for
 *   image_size 0), little-endian, flags decoded as booting.rst says; a refusal logs exactly
 *   one error line and returns a documented code;
 * - the PE length check only refuses with one error line, and never a longer file than one
 *   it accepted. */
#include "fuzz.h"
#include "lib/err.h"
#include "formats/image.h"
#include "formats/image_pe.h"
#include "formats/kernel_format.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

/* The signatures, from booting.rst, zboot-header.S, RFC 1952 and the ELF gABI. */
static enum kernel_format expected_format(const uint8_t *b, size_t n)
{
	if (n >= 64 && le32(b + 56) == 0x644d5241u)
		return KERNEL_FMT_IMAGE;
	if (n >= 8 && b[0] == 'M' && b[1] == 'Z' && memcmp(b + 4, "zimg", 4) == 0)
		return KERNEL_FMT_ZBOOT;
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return KERNEL_FMT_GZIP;
	if (n >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
		return KERNEL_FMT_ELF;
	return KERNEL_FMT_UNKNOWN;
}

static void check_header(const uint8_t *head, size_t head_len, size_t file_len)
{
	struct image_info info;
	unsigned mark = fuzz_errors;
	int r = image_header_validate(head, file_len, &info, "fuzz");
	uint64_t flags;

	if (r) {
		FUZZ_CHECK(r == KB_EINVAL || r == KB_ERANGE || r == KB_EUNSUPP);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
		FUZZ_CHECK(strstr(fuzz_last_error, "fuzz: "));
		return;
	}
	FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(head_len >= 64 && le32(head + 56) == 0x644d5241u);
	FUZZ_CHECK(info.text_offset < 0x200000 && info.text_offset % 0x1000 == 0);
	FUZZ_CHECK(info.image_size >= file_len);
	FUZZ_CHECK(!info.big_endian && info.page_size_code <= 3);
	if (le64(head + 16) == 0) {
		/* Legacy (pre-3.17): booting.rst's text_offset, the file plus the margin. */
		FUZZ_CHECK(info.legacy && info.text_offset == 0x80000);
		FUZZ_CHECK(file_len <= IMAGE_SIZE_MAX);
		FUZZ_CHECK(info.image_size >= (uint64_t)file_len + IMAGE_LEGACY_BSS_MARGIN);
		FUZZ_CHECK(info.image_size % BOOT_IMAGE_ALIGN == 0);
		return;
	}
	flags = le64(head + 24);
	FUZZ_CHECK(!info.legacy && info.image_size == le64(head + 16));
	FUZZ_CHECK(info.image_size <= IMAGE_SIZE_MAX);
	FUZZ_CHECK(info.text_offset == le64(head + 8) && info.flags == flags);
	FUZZ_CHECK(!(flags & 1));
	FUZZ_CHECK(info.page_size_code == ((flags >> 1) & 3));
	FUZZ_CHECK(info.phys_anywhere == ((flags >> 3) & 1));
}

static void check_pe(const uint8_t *head, size_t head_len, uint64_t file_len)
{
	unsigned mark = fuzz_errors;
	int r = image_pe_check_length(head, head_len, file_len, "fuzz");

	if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		/* Longer files are no more truncated. */
		if (file_len < UINT64_MAX)
			FUZZ_CHECK(image_pe_check_length(head, head_len, file_len + 1, "fuzz") == 0);
		return;
	}
	FUZZ_CHECK(r == KB_ECORRUPT && fuzz_errors_since(mark) == 1);
	/* Whatever the section table says is below 2^33 (u32 + u32): such a file is complete. */
	FUZZ_CHECK(image_pe_check_length(head, head_len, UINT64_MAX, "fuzz") == 0);
	FUZZ_CHECK(file_len < (1ull << 33));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t file_len = fuzz_u64(&in);
	size_t head_len = in.n < IMAGE_PE_PROBE_LEN ? in.n : IMAGE_PE_PROBE_LEN;
	uint8_t *head = fuzz_dup(in.p, head_len);
	enum kernel_format fmt;

	fuzz_log_reset();
	fmt = kernel_format_detect(head, head_len);
	FUZZ_CHECK(fmt == expected_format(head, head_len));
	FUZZ_CHECK(strcmp(kernel_format_name(fmt), "") != 0);

	/* image_header_validate reads min(file_len, 64) bytes: give it at least that. */
	if (head_len >= 64 || file_len <= head_len)
		check_header(head, head_len, (size_t)file_len);
	/* The file as it is (its length is the head's) and with the claimed length. */
	check_header(head, head_len, head_len);
	check_pe(head, head_len, file_len);
	check_pe(head, head_len, head_len);
	free(head);
	return 0;
}
