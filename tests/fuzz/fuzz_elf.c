/* SPDX-License-Identifier: BSD-2-Clause */
/* MMU-on payloads: elf_payload_inspect() and elf_payload_load(). The input is the ELF file,
 * in an exact-size block. Invariants:
 * - a refusal logs exactly one error line naming the file; acceptance logs none;
 * - an accepted file is described as formats/elf.h promises: 1..KASLBOOT_MAX_LOAD_SEGMENTS
 *   segments sorted by address, each readable and never writable and executable, inside
 *   the file and inside its page range; page ranges page-aligned, disjoint, in order and
 *   inside the span; the span at most KASLBOOT_MAX_IMAGE_SPAN; the entry inside the
 *   file-backed part of an executable segment;
 * - inspect accepting means load succeeds, at two virtual bases 2 MiB apart, into an
 *   exact-size buffer (ASan sees any write past the span); outside the segments the image
 *   is zero; a byte that differs from the file (or from zero in bss) belongs to a
 *   relocated word, so a byte at most 7 away differs between the two loads (a relocation
 *   result depends on the base); a misaligned base is refused. */
#include "fuzz.h"
#include "lib/err.h"
#include "formats/elf.h"

#define LOAD_SPAN_MAX (8u << 20) /* larger images are inspected, not loaded */
#define VBASE1 0xffff900000000000ull
#define VBASE2 (VBASE1 + (2ull << 20))
#define NAME "fuzz ELF"

static bool pow2(uint64_t x) { return x && !(x & (x - 1)); }

static void check_info(const struct elf_payload_info *info, size_t len)
{
	const uint64_t pg = KASLBOOT_PAGE_SIZE;
	uint64_t prev_map_end = 0;
	bool entry_ok = false;

	FUZZ_CHECK(info->nsegs >= 1 && info->nsegs <= KASLBOOT_MAX_LOAD_SEGMENTS);
	FUZZ_CHECK(info->link_base % pg == 0);
	FUZZ_CHECK(info->span % pg == 0 && info->span > 0 && info->span <= KASLBOOT_MAX_IMAGE_SPAN);
	FUZZ_CHECK(pow2(info->max_align) && info->max_align >= pg &&
		   info->max_align <= KASLBOOT_MAX_SEGMENT_ALIGN);
	for (size_t i = 0; i < info->nsegs; i++) {
		const struct elf_payload_segment *s = &info->segs[i];
		uint64_t at = s->vaddr - info->link_base;

		FUZZ_CHECK(s->vaddr >= info->link_base);
		FUZZ_CHECK(i == 0 || s->vaddr > info->segs[i - 1].vaddr);
		FUZZ_CHECK(s->perm & ELF_SEG_R);
		FUZZ_CHECK((s->perm & (ELF_SEG_W | ELF_SEG_X)) != (ELF_SEG_W | ELF_SEG_X));
		FUZZ_CHECK(s->filesz <= s->memsz);
		FUZZ_CHECK(s->file_offset <= len && s->filesz <= len - s->file_offset);
		FUZZ_CHECK(s->map_offset % pg == 0 && s->map_size % pg == 0 && s->map_size > 0);
		FUZZ_CHECK(s->map_offset >= prev_map_end);
		FUZZ_CHECK(s->map_size <= info->span && s->map_offset <= info->span - s->map_size);
		FUZZ_CHECK(at >= s->map_offset && s->memsz <= s->map_offset + s->map_size - at);
		prev_map_end = s->map_offset + s->map_size;
		if ((s->perm & ELF_SEG_X) && info->entry_offset >= at &&
		    info->entry_offset - at < s->filesz)
			entry_ok = true;
	}
	FUZZ_CHECK(entry_ok);
	if (info->has_dynamic) {
		FUZZ_CHECK(info->rela_count <= info->rela_size / 24);
		FUZZ_CHECK(info->relr_size % 8 == 0);
	}
}

/* Where the unrelocated image has which byte: file contents in the segments, zero
 * elsewhere. Filled into `img`, span bytes. */
static void plain_image(const uint8_t *file, const struct elf_payload_info *info, uint8_t *img,
			uint8_t *in_seg)
{
	memset(img, 0, info->span);
	memset(in_seg, 0, info->span);
	for (size_t i = 0; i < info->nsegs; i++) {
		const struct elf_payload_segment *s = &info->segs[i];
		uint64_t at = s->vaddr - info->link_base;

		memcpy(img + at, file + s->file_offset, s->filesz);
		memset(in_seg + at, 1, s->memsz);
	}
}

/* The first byte of the two loads (d1, d2) that the file does not explain, or span if
 * none: outside the segments a byte must be zero in both; inside, a byte that differs from
 * the plain image must belong to a relocated word, so some byte at most 7 away differs
 * between the two loads (a relocation result depends on the base). Byte by byte over the
 * whole span: a reference, kept out of the coverage instrumentation. */
FUZZ_REFERENCE static size_t unexplained_byte(const uint8_t *d1, const uint8_t *d2,
					      const uint8_t *img, const uint8_t *in_seg,
					      size_t span)
{
	for (size_t i = 0; i < span; i++) {
		if (!in_seg[i]) {
			if (d1[i] != 0 || d2[i] != 0)
				return i;
			continue;
		}
		if (d1[i] == img[i] && d2[i] == img[i])
			continue;
		bool moved = false;
		for (size_t j = i >= 7 ? i - 7 : 0; j <= i + 7 && j < span && !moved; j++)
			moved = d1[j] != d2[j];
		if (!moved)
			return i;
	}
	return span;
}

static void check_load(const uint8_t *file, size_t len, const struct elf_payload_info *info)
{
	size_t span = info->span;
	uint8_t *d1 = malloc(span), *d2 = malloc(span), *img = malloc(span), *in_seg = malloc(span);
	unsigned mark = fuzz_errors;
	size_t i;

	if (!d1 || !d2 || !img || !in_seg)
		abort();
	FUZZ_CHECK(elf_payload_load(file, len, info, d1, VBASE1) == 0);
	FUZZ_CHECK(elf_payload_load(file, len, info, d2, VBASE2) == 0);
	FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	plain_image(file, info, img, in_seg);
	i = unexplained_byte(d1, d2, img, in_seg, span);
	FUZZ_CHECKF(i == span || in_seg[i], "byte 0x%zx outside the segments", i);
	FUZZ_CHECKF(i == span, "byte 0x%zx changed by a load, the same at both bases", i);
	mark = fuzz_errors;
	FUZZ_CHECK(elf_payload_load(file, len, info, d1, VBASE1 + 0x800) == KB_EINVAL);
	FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	free(d1);
	free(d2);
	free(img);
	free(in_seg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *file = fuzz_dup(data, size);
	struct elf_payload_info info;
	unsigned mark;
	int r;

	fuzz_log_reset();
	mark = fuzz_errors;
	r = elf_payload_inspect(file, size, NAME, &info);
	if (r) {
		FUZZ_CHECK(r < 0 && r >= KB_EIO);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
		FUZZ_CHECK(strstr(fuzz_last_error, NAME ": "));
	} else {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		check_info(&info, size);
		if (info.span <= LOAD_SPAN_MAX)
			check_load(file, size, &info);
	}
	free(file);
	return 0;
}
