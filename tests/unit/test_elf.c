/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/elf_load.c: the MMU-on payload ELF loader. ELF images are built in memory by a
 * small builder below (headers, three segments, a dynamic section, RELA and RELR tables),
 * then broken one field at a time. The real probe payload (build/payload/probe.elf, built
 * by tests/payload/payload.mk) is loaded too and its relocations are checked against an
 * independent reading of the file with the host's <elf.h>. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/err.h"
#include "lib/log.h"
#include "formats/elf.h"
#include "assert_kb.h"

/* ---- The in-memory ELF builder ----
 * File layout of the canonical image (p_align 4 KiB, linked at `bias`, 0 by default):
 *   0x0000 ELF header, then NPHDR program headers
 *   0x1000 text   vaddr bias+0x0000 R X  filesz 0x100
 *   0x2000 rodata vaddr bias+0x1000 R    RELA table, RELR table, dynamic, a reloc target
 *   0x3000 data   vaddr bias+0x2000 RW   filesz 0x40, memsz 0x3000 (bss to bias+0x5000)
 * plus PT_DYNAMIC over the dynamic array. */
#define PG 0x1000u
#define NPHDR 4
#define PH_TEXT 0
#define PH_RODATA 1
#define PH_DATA 2
#define PH_DYN 3
#define TEXT_OFF 0x1000u
#define RO_OFF 0x2000u
#define DATA_OFF 0x3000u
#define TEXT_SZ 0x100u
#define DATA_FILESZ 0x40u
#define DATA_MEMSZ 0x3000u
#define FILE_LEN (DATA_OFF + DATA_FILESZ)
#define SPAN 0x5000u
/* Inside rodata (offsets from its start). */
#define RELA_AT 0x000u
#define NRELA 3
#define RELR_AT 0x100u
#define NRELR 3
#define DYN_AT 0x200u
#define NDYN 8
#define RO_TARGET 0x400u   /* a relocated pointer in the read-only segment */
#define ENTRY 0x40u        /* inside text */

struct img {
	uint8_t b[FILE_LEN];
	uint64_t bias;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); } /* the host is little-endian */
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t *phdr(struct img *im, int i) { return im->b + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr); }
static uint8_t *rela(struct img *im, int i) { return im->b + RO_OFF + RELA_AT + i * sizeof(Elf64_Rela); }
static uint8_t *dyn(struct img *im, int i) { return im->b + RO_OFF + DYN_AT + i * sizeof(Elf64_Dyn); }

static void set_phdr(struct img *im, int i, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	uint8_t *p = phdr(im, i);

	put32(p + offsetof(Elf64_Phdr, p_type), type);
	put32(p + offsetof(Elf64_Phdr, p_flags), flags);
	put64(p + offsetof(Elf64_Phdr, p_offset), off);
	put64(p + offsetof(Elf64_Phdr, p_vaddr), vaddr);
	put64(p + offsetof(Elf64_Phdr, p_paddr), vaddr);
	put64(p + offsetof(Elf64_Phdr, p_filesz), filesz);
	put64(p + offsetof(Elf64_Phdr, p_memsz), memsz);
	put64(p + offsetof(Elf64_Phdr, p_align), align);
}

static void set_rela(struct img *im, int i, uint64_t where, uint32_t type, uint64_t addend)
{
	put64(rela(im, i) + offsetof(Elf64_Rela, r_offset), where);
	put64(rela(im, i) + offsetof(Elf64_Rela, r_info), ELF64_R_INFO(0, type));
	put64(rela(im, i) + offsetof(Elf64_Rela, r_addend), addend);
}

static void set_dyn(struct img *im, int i, int64_t tag, uint64_t val)
{
	put64(dyn(im, i), (uint64_t)tag);
	put64(dyn(im, i) + 8, val);
}

/* The canonical valid image. Relocations (link-time values, bias b):
 *   RELA data+0x00  = b+0x123 ; RELA rodata+RO_TARGET = b+0x2008 ; RELA bss b+0x4ff8 = b+0
 *   RELR data+0x10, data+0x18 (address + bitmap), data+0x30 (bitmap bit 4): in-place
 *   link-time values b+0x10, b+0x1000, b+0x20 */
static void build(struct img *im, uint64_t bias, bool with_relr)
{
	uint8_t *e = im->b;

	memset(im, 0, sizeof(*im));
	im->bias = bias;
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = ELFCLASS64;
	e[EI_DATA] = ELFDATA2LSB;
	e[EI_VERSION] = EV_CURRENT;
	put16(e + offsetof(Elf64_Ehdr, e_type), ET_DYN);
	put16(e + offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
	put32(e + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	put64(e + offsetof(Elf64_Ehdr, e_entry), bias + ENTRY);
	put64(e + offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr));
	put16(e + offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr));
	put16(e + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(e + offsetof(Elf64_Ehdr, e_phnum), NPHDR);

	set_phdr(im, PH_TEXT, PT_LOAD, PF_R | PF_X, TEXT_OFF, bias, TEXT_SZ, TEXT_SZ, PG);
	set_phdr(im, PH_RODATA, PT_LOAD, PF_R, RO_OFF, bias + 0x1000, PG, PG, PG);
	set_phdr(im, PH_DATA, PT_LOAD, PF_R | PF_W, DATA_OFF, bias + 0x2000, DATA_FILESZ, DATA_MEMSZ, PG);
	set_phdr(im, PH_DYN, PT_DYNAMIC, PF_R, RO_OFF + DYN_AT, bias + 0x1000 + DYN_AT,
		 NDYN * sizeof(Elf64_Dyn), NDYN * sizeof(Elf64_Dyn), 8);

	for (unsigned i = 0; i < TEXT_SZ; i++)
		e[TEXT_OFF + i] = (uint8_t)(0xc0 + i);
	for (unsigned i = 0; i < DATA_FILESZ; i++)
		e[DATA_OFF + i] = (uint8_t)(0x50 + i);

	set_rela(im, 0, bias + 0x2000, R_AARCH64_RELATIVE, bias + 0x123);
	set_rela(im, 1, bias + 0x1000 + RO_TARGET, R_AARCH64_RELATIVE, bias + 0x2008);
	set_rela(im, 2, bias + 0x4ff8, R_AARCH64_RELATIVE, bias);

	/* RELR: an address entry relocates data+0x10; the bitmap after it covers the words
	 * from data+0x18 on, bit k+1 for word k: bits 1 and 4 relocate data+0x18 and +0x30. */
	put64(e + DATA_OFF + 0x10, bias + 0x10);
	put64(e + DATA_OFF + 0x18, bias + 0x1000);
	put64(e + DATA_OFF + 0x30, bias + 0x20);
	put64(e + RO_OFF + RELR_AT, bias + 0x2010);                     /* address entry */
	put64(e + RO_OFF + RELR_AT + 8, (1ull << 1 | 1ull << 4) | 1);    /* words +0 and +3 after 0x2018 */
	put64(e + RO_OFF + RELR_AT + 16, 1);                              /* empty bitmap */

	set_dyn(im, 0, DT_RELA, bias + 0x1000 + RELA_AT);
	set_dyn(im, 1, DT_RELASZ, NRELA * sizeof(Elf64_Rela));
	set_dyn(im, 2, DT_RELAENT, sizeof(Elf64_Rela));
	if (with_relr) {
		set_dyn(im, 3, DT_RELR, bias + 0x1000 + RELR_AT);
		set_dyn(im, 4, DT_RELRSZ, NRELR * 8);
		set_dyn(im, 5, DT_RELRENT, 8);
	}
	set_dyn(im, with_relr ? 6 : 3, DT_NULL, 0);
}

/* Inspect a copy of exactly len bytes, so ASan sees any read past the end. */
static int inspect_len(const struct img *im, size_t len, struct elf_payload_info *info)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, im->b, len);
	ret = elf_payload_inspect(copy, len, "payload ELF", info);
	free(copy);
	return ret;
}

static int inspect(const struct img *im, struct elf_payload_info *info)
{
	return inspect_len(im, sizeof(im->b), info);
}

static char last_log[512];
static unsigned log_lines;
static void capture_log(const char *text, size_t len)
{
	snprintf(last_log, sizeof(last_log), "%.*s", (int)len, text);
	log_lines++;
}

/* Every refusal logs exactly one error line naming the problem. */
static void expect_refused(const struct img *im, int want, const char *needle)
{
	struct elf_payload_info info;
	int ret;

	log_lines = 0;
	last_log[0] = 0;
	ret = inspect(im, &info);
	if (ret != want || log_lines != 1 || !strstr(last_log, needle))
		fail_msg("want %d (%s) with a line containing \"%s\"; got %d, %u lines, last: %s",
			 want, kb_strerror(want), needle, ret, log_lines, last_log);
}

/* ---- Valid images ---- */

#define VBASE 0xffff80001e600000ull

static void load_and_check(uint64_t bias, bool with_relr, uint64_t vbase)
{
	struct img im;
	struct elf_payload_info info;
	uint8_t *dest;
	uint64_t slide = vbase - bias;

	build(&im, bias, with_relr);
	assert_int_equal(inspect(&im, &info), 0);
	assert_int_equal(info.link_base, bias);
	assert_int_equal(info.span, SPAN);
	assert_int_equal(info.entry_offset, ENTRY);
	assert_int_equal(info.max_align, PG);
	assert_int_equal(info.nsegs, 3);
	assert_int_equal(info.segs[0].perm, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(info.segs[1].perm, ELF_SEG_R);
	assert_int_equal(info.segs[2].perm, ELF_SEG_R | ELF_SEG_W);
	assert_int_equal(info.segs[0].map_offset, 0);
	assert_int_equal(info.segs[0].map_size, PG);
	assert_int_equal(info.segs[1].map_offset, 0x1000);
	assert_int_equal(info.segs[2].map_offset, 0x2000);
	assert_int_equal(info.segs[2].map_size, 0x3000);
	assert_int_equal(info.has_dynamic, 1);
	assert_int_equal(info.rela_count, NRELA);
	assert_int_equal(info.relr_count, with_relr ? 3 : 0);

	dest = malloc(info.span);
	assert_non_null(dest);
	memset(dest, 0xaa, info.span); /* stale contents the loader must overwrite */
	assert_kb_ok(elf_payload_load(im.b, sizeof(im.b), &info, dest, vbase));

	/* Text copied byte for byte, page tail and gaps zeroed. */
	assert_memory_equal(dest, im.b + TEXT_OFF, TEXT_SZ);
	for (unsigned i = TEXT_SZ; i < PG; i++)
		assert_int_equal(dest[i], 0);
	/* bss zero except the relocated word at 0x4ff8. */
	for (unsigned i = 0x2000 + DATA_FILESZ; i < SPAN - 8; i++)
		assert_int_equal(dest[i], 0);
	/* Exact relocated values: vbase - link_base + addend. */
	assert_int_equal(get64(dest + 0x2000), slide + bias + 0x123);
	assert_int_equal(get64(dest + 0x1000 + RO_TARGET), slide + bias + 0x2008);
	assert_int_equal(get64(dest + 0x4ff8), slide + bias);
	/* RELR: in-place values plus the slide, or unchanged without RELR. */
	assert_int_equal(get64(dest + 0x2010), (with_relr ? slide : 0) + bias + 0x10);
	assert_int_equal(get64(dest + 0x2018), (with_relr ? slide : 0) + bias + 0x1000);
	assert_int_equal(get64(dest + 0x2030), (with_relr ? slide : 0) + bias + 0x20);
	/* A word RELR must not touch (bitmap bit 2 clear). */
	assert_int_equal(get64(dest + 0x2020), get64(im.b + DATA_OFF + 0x20));
	free(dest);
}

static void test_valid_rela(void **state) { load_and_check(0, false, VBASE); }
static void test_valid_relr(void **state) { load_and_check(0, true, VBASE); }
static void test_valid_other_base(void **state) { load_and_check(0, true, 0xfffffe0000200000ull); }
static void test_valid_nonzero_link_base(void **state) { load_and_check(0x400000, true, VBASE); }

static void test_no_dynamic_is_allowed(void **state)
{
	struct img im;
	struct elf_payload_info info;

	build(&im, 0, false);
	put32(phdr(&im, PH_DYN), PT_NOTE);
	assert_int_equal(inspect(&im, &info), 0);
	assert_int_equal(info.has_dynamic, 0);
	assert_int_equal(info.rela_count, 0);
}

static void test_load_rejects_unaligned_base(void **state)
{
	struct img im;
	struct elf_payload_info info;
	uint8_t dest[SPAN];

	build(&im, 0, false);
	assert_int_equal(inspect(&im, &info), 0);
	assert_int_equal(elf_payload_load(im.b, sizeof(im.b), &info, dest, VBASE + 0x800), KB_EINVAL);
}

/* ---- Truncation: every prefix of the file is refused, never read past ---- */

static void test_truncated_everywhere(void **state)
{
	struct img im;
	struct elf_payload_info info;

	build(&im, 0, true);
	for (size_t len = 0; len < sizeof(im.b); len++) {
		int ret = inspect_len(&im, len, &info);
		if (ret >= 0)
			fail_msg("a %zu-byte prefix was accepted", len);
	}
	assert_int_equal(inspect_len(&im, sizeof(im.b), &info), 0);
}

static void test_truncated_header_boundaries(void **state)
{
	static const size_t cut[] = { 0, 4, EI_NIDENT, sizeof(Elf64_Ehdr) - 1, sizeof(Elf64_Ehdr),
				      sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr),
				      sizeof(Elf64_Ehdr) + NPHDR * sizeof(Elf64_Phdr) - 1 };
	struct img im;
	struct elf_payload_info info;

	build(&im, 0, false);
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		assert_int_equal(inspect_len(&im, cut[i], &info), KB_ECORRUPT);
}

/* ---- One field wrong at a time ---- */

static void test_wrong_ident(void **state)
{
	struct img im;

	build(&im, 0, false);
	im.b[1] = 'X';
	expect_refused(&im, KB_EINVAL, "magic");
	build(&im, 0, false);
	im.b[EI_CLASS] = ELFCLASS32;
	expect_refused(&im, KB_EUNSUPP, "ELFCLASS64");
	build(&im, 0, false);
	im.b[EI_DATA] = ELFDATA2MSB;
	expect_refused(&im, KB_EUNSUPP, "little-endian");
	build(&im, 0, false);
	put16(im.b + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	expect_refused(&im, KB_EUNSUPP, "EM_AARCH64");
	build(&im, 0, false);
	put16(im.b + offsetof(Elf64_Ehdr, e_type), ET_EXEC);
	expect_refused(&im, KB_EUNSUPP, "ET_DYN");
	build(&im, 0, false);
	put16(im.b + offsetof(Elf64_Ehdr, e_phentsize), 32);
	expect_refused(&im, KB_EINVAL, "e_phentsize");
	build(&im, 0, false);
	put16(im.b + offsetof(Elf64_Ehdr, e_phnum), 0);
	expect_refused(&im, KB_EINVAL, "e_phnum");
	build(&im, 0, false);
	put64(im.b + offsetof(Elf64_Ehdr, e_phoff), UINT64_MAX - 8);
	expect_refused(&im, KB_ECORRUPT, "program headers");
}

static void test_no_pt_load(void **state)
{
	struct img im;

	build(&im, 0, false);
	for (int i = 0; i < NPHDR; i++)
		put32(phdr(&im, i), PT_NOTE);
	expect_refused(&im, KB_EINVAL, "no PT_LOAD");
}

static void test_wx_segment(void **state)
{
	struct img im;

	build(&im, 0, false);
	put32(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_flags), PF_R | PF_W | PF_X);
	expect_refused(&im, KB_EPERM, "W^X");
	build(&im, 0, false);
	put32(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_flags), PF_W | PF_X);
	expect_refused(&im, KB_EPERM, "writable and executable");
}

static void test_unreadable_segment(void **state)
{
	struct img im;

	build(&im, 0, false);
	put32(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_flags), PF_X);
	expect_refused(&im, KB_EUNSUPP, "not readable");
}

static void test_overlapping_segments(void **state)
{
	struct img im;

	/* rodata moved onto text's page: page shared, refused. */
	build(&im, 0, false);
	put64(phdr(&im, PH_RODATA) + offsetof(Elf64_Phdr, p_vaddr), 0x0);
	put64(phdr(&im, PH_RODATA) + offsetof(Elf64_Phdr, p_offset), RO_OFF);
	expect_refused(&im, KB_ERANGE, "overlaps");
	/* data starting inside rodata's memory. */
	build(&im, 0, false);
	put64(phdr(&im, PH_RODATA) + offsetof(Elf64_Phdr, p_memsz), 0x1800);
	expect_refused(&im, KB_ERANGE, "overlaps");
	/* out of order: data before rodata. */
	build(&im, 0, false);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_vaddr), 0x10000);
	put64(phdr(&im, PH_RODATA) + offsetof(Elf64_Phdr, p_vaddr), 0x20000);
	expect_refused(&im, KB_ERANGE, "out of order");
}

static void test_filesz_gt_memsz(void **state)
{
	struct img im;

	build(&im, 0, false);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_memsz), DATA_FILESZ - 1);
	expect_refused(&im, KB_EINVAL, "p_filesz");
}

static void test_huge_sizes(void **state)
{
	struct img im;

	build(&im, 0, false);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_filesz), UINT64_MAX);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_memsz), UINT64_MAX);
	expect_refused(&im, KB_ECORRUPT, "past the end");
	build(&im, 0, false);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_offset), UINT64_MAX - 0x10);
	expect_refused(&im, KB_ECORRUPT, "past the end");
	build(&im, 0, false); /* vaddr + memsz wraps */
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_vaddr), UINT64_MAX - 0xfff);
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_offset), DATA_OFF);
	expect_refused(&im, KB_ERANGE, "wraps");
	build(&im, 0, false); /* span above KASLBOOT_MAX_IMAGE_SPAN */
	put64(phdr(&im, PH_DATA) + offsetof(Elf64_Phdr, p_memsz), KASLBOOT_MAX_IMAGE_SPAN);
	expect_refused(&im, KB_ERANGE, "spans");
	build(&im, 0, false); /* RELASZ far beyond the file */
	set_dyn(&im, 1, DT_RELASZ, 0xc000000000000000ull); /* a multiple of 24 */
	expect_refused(&im, KB_ERANGE, "DT_RELA table");
	build(&im, 0, false); /* PT_DYNAMIC beyond the file */
	put64(phdr(&im, PH_DYN) + offsetof(Elf64_Phdr, p_filesz), UINT64_MAX);
	expect_refused(&im, KB_ECORRUPT, "PT_DYNAMIC");
}

static void test_bad_align(void **state)
{
	struct img im;

	build(&im, 0, false);
	put64(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_align), 0x3000);
	expect_refused(&im, KB_EUNSUPP, "p_align");
	build(&im, 0, false);
	put64(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_align), 16);
	expect_refused(&im, KB_EUNSUPP, "p_align");
	build(&im, 0, false);
	put64(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_align), 4ull << 20);
	expect_refused(&im, KB_EUNSUPP, "p_align");
	build(&im, 0, false); /* p_offset not congruent to p_vaddr */
	put64(phdr(&im, PH_TEXT) + offsetof(Elf64_Phdr, p_offset), TEXT_OFF + 0x10);
	expect_refused(&im, KB_EINVAL, "modulo");
}

static void test_entry_outside_text(void **state)
{
	struct img im;

	build(&im, 0, false);
	put64(im.b + offsetof(Elf64_Ehdr, e_entry), 0x1000 + 0x10); /* rodata */
	expect_refused(&im, KB_EINVAL, "entry point");
	build(&im, 0, false);
	put64(im.b + offsetof(Elf64_Ehdr, e_entry), TEXT_SZ); /* text page, past filesz */
	expect_refused(&im, KB_EINVAL, "entry point");
	build(&im, 0, false);
	put64(im.b + offsetof(Elf64_Ehdr, e_entry), ENTRY + 2); /* not 4-byte aligned */
	expect_refused(&im, KB_EINVAL, "entry point");
	build(&im, 0, false);
	put64(im.b + offsetof(Elf64_Ehdr, e_entry), UINT64_MAX);
	expect_refused(&im, KB_EINVAL, "entry point");
}

static void test_reloc_outside_image(void **state)
{
	struct img im;

	build(&im, 0, false);
	set_rela(&im, 0, 0x9000, R_AARCH64_RELATIVE, 0);
	expect_refused(&im, KB_ERANGE, "outside every PT_LOAD");
	build(&im, 0, false); /* last 4 bytes of bss + 4 beyond */
	set_rela(&im, 0, SPAN - 4, R_AARCH64_RELATIVE, 0);
	expect_refused(&im, KB_ERANGE, "outside every PT_LOAD");
	build(&im, 0, false); /* in the gap past text's filesz/memsz, still on its page */
	set_rela(&im, 0, TEXT_SZ + 8, R_AARCH64_RELATIVE, 0);
	expect_refused(&im, KB_ERANGE, "outside every PT_LOAD");
	build(&im, 0, false);
	set_rela(&im, 0, UINT64_MAX - 3, R_AARCH64_RELATIVE, 0);
	expect_refused(&im, KB_ERANGE, "outside every PT_LOAD");
	build(&im, 0, true); /* RELR bitmap walking off the end */
	put64(im.b + RO_OFF + RELR_AT, 0x4ff0);
	put64(im.b + RO_OFF + RELR_AT + 8, 1ull << 2 | 1);
	expect_refused(&im, KB_ERANGE, "RELR entry 1");
	build(&im, 0, true); /* RELR bitmap with no address before it */
	put64(im.b + RO_OFF + RELR_AT, 3);
	expect_refused(&im, KB_EINVAL, "bitmap before any address");
	build(&im, 0, true); /* RELR address near the top: the step must not wrap */
	put64(im.b + RO_OFF + RELR_AT, UINT64_MAX - 7);
	expect_refused(&im, KB_ERANGE, "RELR");
}

static void test_unknown_reloc_type(void **state)
{
	static const uint32_t bad[] = { R_AARCH64_ABS64, R_AARCH64_GLOB_DAT, R_AARCH64_JUMP_SLOT,
					R_AARCH64_IRELATIVE, R_AARCH64_TLS_TPREL, 0xffffffffu };
	struct img im;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(&im, 0, false);
		set_rela(&im, 2, 0x2000, bad[i], 0);
		expect_refused(&im, KB_EUNSUPP, "only R_AARCH64_RELATIVE");
	}
	/* R_AARCH64_NONE is skipped, not applied. */
	{
		struct elf_payload_info info;

		build(&im, 0, false);
		set_rela(&im, 2, 0x2000, R_AARCH64_NONE, 0);
		assert_int_equal(inspect(&im, &info), 0);
		assert_int_equal(info.rela_count, NRELA - 1);
	}
}

static void test_dynamic_refusals(void **state)
{
	struct img im;

	build(&im, 0, false);
	set_dyn(&im, 3, DT_NEEDED, 1);
	expect_refused(&im, KB_EUNSUPP, "DT_NEEDED");
	build(&im, 0, false);
	set_dyn(&im, 3, DT_REL, 0x1000);
	expect_refused(&im, KB_EUNSUPP, "DT_REL");
	build(&im, 0, false);
	set_dyn(&im, 3, DT_JMPREL, 0x1000);
	expect_refused(&im, KB_EUNSUPP, "PLT");
	build(&im, 0, false);
	set_dyn(&im, 2, DT_RELAENT, 16);
	expect_refused(&im, KB_EINVAL, "DT_RELAENT");
	build(&im, 0, false);
	set_dyn(&im, 1, DT_RELASZ, 25);
	expect_refused(&im, KB_EINVAL, "DT_RELASZ");
	build(&im, 0, false); /* the RELA table pointing into bss: not file-backed */
	set_dyn(&im, 0, DT_RELA, 0x3000);
	expect_refused(&im, KB_ERANGE, "file-backed");
	build(&im, 0, false);
	put32(phdr(&im, PH_RODATA), PT_INTERP);
	expect_refused(&im, KB_EUNSUPP, "PT_INTERP");
	build(&im, 0, false);
	put32(phdr(&im, PH_RODATA), PT_DYNAMIC);
	expect_refused(&im, KB_EINVAL, "more than one PT_DYNAMIC");
}

/* Random corruption of the valid image: never a crash, and whatever inspect accepts
 * loads cleanly into a buffer of exactly info.span bytes (ASan checks the bounds). */
static void test_random_corruption(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull; /* fixed seed: a failure reproduces */

	log_set_level(LOG_ERROR);
	for (int iter = 0; iter < 3000; iter++) {
		struct img im;
		struct elf_payload_info info;

		build(&im, 0, iter & 1);
		for (int k = 0; k < 1 + iter % 4; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			/* Mostly hit the headers and tables, where the structure lives. */
			size_t at = (x >> 8) % 4 ? (x >> 16) % 0x120 : RO_OFF + (x >> 16) % 0x300;
			im.b[at] = (uint8_t)(x >> 40);
		}
		if (elf_payload_inspect(im.b, sizeof(im.b), "payload ELF", &info) == 0) {
			uint8_t *dest = malloc(info.span);

			assert_non_null(dest);
			assert_true(info.span <= KASLBOOT_MAX_IMAGE_SPAN);
			assert_kb_ok(elf_payload_load(im.b, sizeof(im.b), &info, dest, VBASE));
			free(dest);
		}
	}
}

/* ---- The real probe payload ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_probe_payload(void **state)
{
	const char *path = getenv("KASLBOOT_PROBE_ELF") ? getenv("KASLBOOT_PROBE_ELF")
							 : "build/payload/probe.elf";
	struct elf_payload_info info;
	size_t len = 0, nrel = 0;
	uint8_t *file = read_file(path, &len), *dest;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	uint64_t rela = 0, relasz = 0;

	if (!file)
		fail_msg("%s is missing: build it with `make -f tests/payload/payload.mk` (run the "
			 "test from the repository root or set KASLBOOT_PROBE_ELF)", path);
	assert_kb_ok(elf_payload_inspect(file, len, "probe.elf", &info));
	assert_int_equal(info.nsegs, 3);
	assert_int_equal(info.segs[0].perm, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(info.segs[1].perm, ELF_SEG_R);
	assert_int_equal(info.segs[2].perm, ELF_SEG_R | ELF_SEG_W);
	assert_true(info.rela_count > 0);

	/* Independent reading with <elf.h>: the segments and every RELA entry. */
	eh = (const Elf64_Ehdr *)file;
	ph = (const Elf64_Phdr *)(file + eh->e_phoff);
	assert_int_equal(info.entry_offset, eh->e_entry - info.link_base);
	for (size_t i = 0, s = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			assert_int_equal(info.segs[s].vaddr, ph[i].p_vaddr);
			assert_int_equal(info.segs[s].memsz, ph[i].p_memsz);
			s++;
		}
		if (ph[i].p_type == PT_DYNAMIC) {
			for (const Elf64_Dyn *d = (const Elf64_Dyn *)(file + ph[i].p_offset);
			     d->d_tag != DT_NULL; d++) {
				if (d->d_tag == DT_RELA)
					rela = d->d_un.d_ptr;
				if (d->d_tag == DT_RELASZ)
					relasz = d->d_un.d_val;
			}
		}
	}
	assert_true(rela && relasz);

	dest = malloc(info.span);
	assert_non_null(dest);
	assert_kb_ok(elf_payload_load(file, len, &info, dest, VBASE));
	for (size_t i = 0; i < info.nsegs; i++) { /* rela lives in the R segment: find its file offset */
		const struct elf_payload_segment *sg = &info.segs[i];

		if (rela >= sg->vaddr && rela < sg->vaddr + sg->filesz) {
			const Elf64_Rela *r = (const Elf64_Rela *)(file + sg->file_offset + (rela - sg->vaddr));

			for (nrel = 0; nrel < relasz / sizeof(*r); nrel++) {
				assert_int_equal(ELF64_R_TYPE(r[nrel].r_info), R_AARCH64_RELATIVE);
				assert_int_equal(get64(dest + r[nrel].r_offset - info.link_base),
						 VBASE - info.link_base + (uint64_t)r[nrel].r_addend);
			}
		}
	}
	assert_int_equal(nrel, info.rela_count);
	free(dest);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_rela),
		cmocka_unit_test(test_valid_relr),
		cmocka_unit_test(test_valid_other_base),
		cmocka_unit_test(test_valid_nonzero_link_base),
		cmocka_unit_test(test_no_dynamic_is_allowed),
		cmocka_unit_test(test_load_rejects_unaligned_base),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_header_boundaries),
		cmocka_unit_test(test_wrong_ident),
		cmocka_unit_test(test_no_pt_load),
		cmocka_unit_test(test_wx_segment),
		cmocka_unit_test(test_unreadable_segment),
		cmocka_unit_test(test_overlapping_segments),
		cmocka_unit_test(test_filesz_gt_memsz),
		cmocka_unit_test(test_huge_sizes),
		cmocka_unit_test(test_bad_align),
		cmocka_unit_test(test_entry_outside_text),
		cmocka_unit_test(test_reloc_outside_image),
		cmocka_unit_test(test_unknown_reloc_type),
		cmocka_unit_test(test_dynamic_refusals),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_probe_payload),
	};

	log_set_sink(capture_log);
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
