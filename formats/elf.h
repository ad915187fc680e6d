/* SPDX-License-Identifier: BSD-2-Clause */
/* Loading an MMU-on payload: an ELF64 AArch64 static-pie (ET_DYN) image, relocated to a
 * virtual base the loader chooses. docs/protocol.md states the format this accepts.
 *
 * Two steps so that every check happens before memory is allocated and long before
 * ExitBootServices: elf_payload_inspect() validates the whole file (headers, segments,
 * the dynamic section and every relocation) and describes it; elf_payload_load() copies
 * it into a buffer and relocates it. Neither trusts anything in the file: a hostile file
 * gets one log_error line and a negative enum kb_err, never an out-of-bounds access. */
#ifndef KASLBOOT_FORMATS_ELF_H
#define KASLBOOT_FORMATS_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <kaslboot/protocol.h>

/* The limits of the format are the protocol's (include/kaslboot/protocol.h): pages of
 * KASLBOOT_PAGE_SIZE; p_align up to KASLBOOT_MAX_SEGMENT_ALIGN, which the 2 MiB-aligned
 * image base honours by construction; a span of at most KASLBOOT_MAX_IMAGE_SPAN (larger
 * is a broken or hostile file); at most KASLBOOT_MAX_LOAD_SEGMENTS PT_LOAD segments (real
 * payloads have three: text, rodata, data+bss). */
/* Alias kept for efi/ until the flow move; remove after. */
#define ELF_PAYLOAD_MAX_SEGMENTS KASLBOOT_MAX_LOAD_SEGMENTS

/* Segment permissions, from p_flags (PF_R/PF_W/PF_X). Never both W and X. */
#define ELF_SEG_R 0x4u
#define ELF_SEG_W 0x2u
#define ELF_SEG_X 0x1u

struct elf_payload_segment {
	uint64_t vaddr;       /* link-time p_vaddr */
	uint64_t file_offset; /* p_offset */
	uint64_t filesz;      /* bytes copied from the file */
	uint64_t memsz;       /* bytes in memory; memsz - filesz are zero-filled */
	/* The pages the segment occupies, as an offset from the image start and a length,
	 * both multiples of KASLBOOT_PAGE_SIZE. Pages of two segments never overlap, so
	 * each page gets exactly this segment's permissions: map [image + map_offset,
	 * + map_size) with `perm`. */
	uint64_t map_offset;
	uint64_t map_size;
	uint32_t perm; /* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X */
};

struct elf_payload_info {
	/* The file's name, for messages (every error line names the file at fault). */
	const char *name;
	/* Link-time address of the image start (lowest PT_LOAD vaddr rounded down to a page;
	 * 0 for a static-pie linked at 0). Image offset = vaddr - link_base. */
	uint64_t link_base;
	uint64_t span;         /* bytes from the image start to the end of the last page */
	uint64_t entry_offset; /* e_entry - link_base: entry VA = virt_base + entry_offset */
	uint64_t max_align;    /* largest PT_LOAD p_align (4 KiB .. 2 MiB) */
	size_t nsegs;
	struct elf_payload_segment segs[KASLBOOT_MAX_LOAD_SEGMENTS]; /* sorted by vaddr */

	/* The dynamic section (has_dynamic = 0 when there is no PT_DYNAMIC: then the image
	 * has no relocations and must be fully PC-relative). Addresses are link-time vaddrs. */
	int has_dynamic;
	uint64_t dynamic_vaddr, dynamic_size;
	uint64_t rela_vaddr, rela_size;   /* DT_RELA, DT_RELASZ (DT_RELAENT checked == 24) */
	uint64_t relr_vaddr, relr_size;   /* DT_RELR, DT_RELRSZ (DT_RELRENT checked == 8) */
	uint64_t rela_count;              /* R_AARCH64_RELATIVE entries in RELA */
	uint64_t relr_count;              /* words RELR relocates */
};

/* Validates `file` (len bytes) as a payload and describes it in *out. Checks: ELF64,
 * little-endian, EM_AARCH64, ET_DYN; program headers inside the file; 1..MAX_SEGMENTS
 * PT_LOADs, sorted, pages not shared between segments; p_align a power of two in
 * [4 KiB, 2 MiB] with p_offset == p_vaddr modulo it; filesz <= memsz; no arithmetic wraps;
 * no segment both writable and executable (KB_EPERM); every segment readable; span <=
 * KASLBOOT_MAX_IMAGE_SPAN; entry inside the file-backed part of an executable segment; no
 * PT_INTERP, DT_NEEDED, DT_REL or PLT relocations; every relocation is
 * R_AARCH64_RELATIVE (or R_AARCH64_NONE) and targets 8 bytes inside one PT_LOAD segment.
 * Returns 0 or a negative enum kb_err after one log_error line. */
int elf_payload_inspect(const void *file, size_t len, const char *name,
			struct elf_payload_info *out);

/* Copies the inspected image into dest (info->span bytes, writable at its physical
 * address), zero-fills gaps and bss, then applies the relocations so that the image runs
 * at virtual address virt_base (must be KASLBOOT_PAGE_SIZE aligned; the loader's own
 * policy uses 2 MiB): a RELATIVE word becomes virt_base - link_base + addend, a RELR word
 * gets virt_base - link_base added. `info` must come from elf_payload_inspect() of the
 * same file; the file bounds are checked again all the same. Returns 0 or a negative
 * enum kb_err. */
int elf_payload_load(const void *file, size_t len, const struct elf_payload_info *info,
		     void *dest, uint64_t virt_base);

#endif
