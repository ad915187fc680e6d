/* SPDX-License-Identifier: BSD-2-Clause */
/* ELF64 AArch64 static-pie payload: validation, copy and relocation. See formats/elf.h.
 *
 * Field offsets and numbers: System V ABI "Object Files" (gABI, ELF-64 Object File Format
 * 1.5) for the headers, program headers and dynamic tags; "ELF for the Arm 64-bit
 * Architecture (AArch64)" (Arm IHI 0056) for EM_AARCH64 and the relocation codes; the gABI
 * DT_RELR proposal (adopted 2022) for the packed relative-relocation format.
 *
 * Every field is read byte by byte from the file: the buffer may be unaligned, and the
 * loader is built with -mstrict-align. */
#include "formats/elf.h"

#include <stdbool.h>
#include <string.h>

#include "lib/align.h"
#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

/* e_ident (gABI "ELF Identification") */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

/* ELF-64 header fields: byte offsets of Elf64_Ehdr members. */
#define EHDR_TYPE 16
#define EHDR_MACHINE 18
#define EHDR_VERSION 20
#define EHDR_ENTRY 24
#define EHDR_PHOFF 32
#define EHDR_EHSIZE 52
#define EHDR_PHENTSIZE 54
#define EHDR_PHNUM 56
#define EHDR_SIZE 64 /* sizeof(Elf64_Ehdr) */

#define ET_DYN 3          /* shared object: what -static-pie produces */
#define EM_AARCH64 183    /* AArch64 ELF 4.1 */
#define PN_XNUM 0xffff    /* e_phnum escape: real count in section 0; not supported */

/* Elf64_Phdr member offsets and size. */
#define PHDR_TYPE 0
#define PHDR_FLAGS 4
#define PHDR_OFFSET 8
#define PHDR_VADDR 16
#define PHDR_FILESZ 32
#define PHDR_MEMSZ 40
#define PHDR_ALIGN 48
#define PHDR_SIZE 56

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

/* Elf64_Dyn: d_tag, d_val, 16 bytes. */
#define DYN_SIZE 16
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTRELSZ 2
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_RELSZ 18
#define DT_JMPREL 23
#define DT_RELRSZ 35
#define DT_RELR 36
#define DT_RELRENT 37

/* Elf64_Rela: r_offset, r_info (sym << 32 | type), r_addend. */
#define RELA_SIZE 24
#define RELR_SIZE 8
#define RELR_BITMAP_WORDS 63 /* an odd RELR entry's bits 1..63 each cover one word */
#define R_AARCH64_NONE 0
#define R_AARCH64_RELATIVE 1027 /* AArch64 ELF table "Dynamic relocations": Delta(S) + A */
#define RELOC_WORD 8            /* both relocation kinds write one 64-bit word */

#define PAGE_MASK (KASLBOOT_PAGE_SIZE - 1)
#define INSN_ALIGN 4 /* A64 instructions are 4 bytes, 4-byte aligned */

/* True if [off, off + size) lies inside a buffer of len bytes, without wrapping. */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* The file offset of link-time [vaddr, vaddr + size), which must lie in the file-backed
 * part of one PT_LOAD segment (the dynamic tables are read from the file, not memory). */
static int vaddr_to_file(const struct elf_payload_info *info, uint64_t vaddr, uint64_t size,
			 uint64_t *off)
{
	for (size_t i = 0; i < info->nsegs; i++) {
		const struct elf_payload_segment *s = &info->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    size <= s->filesz - (vaddr - s->vaddr)) {
			*off = s->file_offset + (vaddr - s->vaddr);
			return 0;
		}
	}
	return KB_ERANGE;
}

/* The image offset of a relocated word at link-time vaddr, which must lie entirely in the
 * memory image of one PT_LOAD segment. Relocations are applied before the image is mapped,
 * so read-only segments are valid targets (this is what makes RELRO free). */
static int reloc_target(const struct elf_payload_info *info, uint64_t vaddr, uint64_t *img_off)
{
	for (size_t i = 0; i < info->nsegs; i++) {
		const struct elf_payload_segment *s = &info->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz &&
		    s->memsz - (vaddr - s->vaddr) >= RELOC_WORD) {
			*img_off = vaddr - info->link_base;
			return 0;
		}
	}
	return KB_ERANGE;
}

static int check_ehdr(const char *name, const uint8_t *f, size_t len, uint64_t *phoff,
		      uint16_t *phnum, uint64_t *entry)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (len < EHDR_SIZE)
		return log_error_ret(KB_ECORRUPT,
				     "%s: file is %zu bytes, shorter than the %d-byte ELF header",
				     name, len, EHDR_SIZE);
	if (memcmp(f, magic, sizeof(magic)) != 0)
		return log_error_ret(KB_EINVAL, "%s: bad magic (not an ELF file)", name);
	if (f[EI_CLASS] != ELFCLASS64)
		return log_error_ret(KB_EUNSUPP, "%s: EI_CLASS is %u, need ELFCLASS64 (2)", name,
				     f[EI_CLASS]);
	if (f[EI_DATA] != ELFDATA2LSB)
		return log_error_ret(KB_EUNSUPP,
				     "%s: EI_DATA is %u, need little-endian ELFDATA2LSB (1)", name,
				     f[EI_DATA]);
	if (f[EI_VERSION] != EV_CURRENT || get_le32(f + EHDR_VERSION) != EV_CURRENT)
		return log_error_ret(KB_EINVAL, "%s: ELF version is not EV_CURRENT (1)", name);
	if (get_le16(f + EHDR_MACHINE) != EM_AARCH64)
		return log_error_ret(KB_EUNSUPP, "%s: e_machine is %u, need EM_AARCH64 (183)", name,
				     get_le16(f + EHDR_MACHINE));
	if (get_le16(f + EHDR_TYPE) != ET_DYN)
		return log_error_ret(KB_EUNSUPP,
				     "%s: e_type is %u, need ET_DYN (3): link with -static-pie",
				     name, get_le16(f + EHDR_TYPE));
	if (get_le16(f + EHDR_EHSIZE) < EHDR_SIZE || get_le16(f + EHDR_PHENTSIZE) != PHDR_SIZE)
		return log_error_ret(
			KB_EINVAL,
			"%s: e_ehsize %u / e_phentsize %u are not the ELF64 sizes 64 / 56", name,
			get_le16(f + EHDR_EHSIZE), get_le16(f + EHDR_PHENTSIZE));
	*phoff = get_le64(f + EHDR_PHOFF);
	*phnum = get_le16(f + EHDR_PHNUM);
	*entry = get_le64(f + EHDR_ENTRY);
	if (*phnum == 0 || *phnum == PN_XNUM)
		return log_error_ret(KB_EINVAL, "%s: e_phnum is %u: no program headers", name,
				     *phnum);
	if (!in_file(*phoff, (uint64_t)*phnum * PHDR_SIZE, len))
		return log_error_ret(KB_ECORRUPT,
				     "%s: %u program headers at offset 0x%llx run past the end of "
				     "the %zu-byte file",
				     name, *phnum, (unsigned long long)*phoff, len);
	return 0;
}

static int add_load(struct elf_payload_info *info, const uint8_t *ph, size_t idx, size_t len)
{
	uint32_t flags = get_le32(ph + PHDR_FLAGS);
	uint64_t off = get_le64(ph + PHDR_OFFSET), vaddr = get_le64(ph + PHDR_VADDR);
	uint64_t filesz = get_le64(ph + PHDR_FILESZ), memsz = get_le64(ph + PHDR_MEMSZ);
	uint64_t align = get_le64(ph + PHDR_ALIGN);
	unsigned long long va = (unsigned long long)vaddr;
	struct elf_payload_segment *s;

	if (info->nsegs == KASLBOOT_MAX_LOAD_SEGMENTS)
		return log_error_ret(KB_EUNSUPP, "%s: more than %d PT_LOAD segments", info->name,
				     KASLBOOT_MAX_LOAD_SEGMENTS);
	if ((flags & PF_W) && (flags & PF_X))
		return log_error_ret(KB_EPERM,
				     "%s: program header %zu (PT_LOAD at vaddr 0x%llx) is both "
				     "writable and executable: W^X refused",
				     info->name, idx, va);
	if (!(flags & PF_R))
		return log_error_ret(
			KB_EUNSUPP,
			"%s: program header %zu (PT_LOAD at vaddr 0x%llx) is not "
			"readable (flags 0x%x): only R, RW and RX segments are supported",
			info->name, idx, va, flags);
	if (filesz > memsz)
		return log_error_ret(
			KB_EINVAL, "%s: program header %zu: p_filesz 0x%llx > p_memsz 0x%llx",
			info->name, idx, (unsigned long long)filesz, (unsigned long long)memsz);
	if (memsz == 0)
		return log_error_ret(KB_EINVAL, "%s: program header %zu: empty PT_LOAD segment",
				     info->name, idx);
	if (!in_file(off, filesz, len))
		return log_error_ret(
			KB_ECORRUPT,
			"%s: program header %zu: file range 0x%llx+0x%llx runs past the "
			"end of the %zu-byte file",
			info->name, idx, (unsigned long long)off, (unsigned long long)filesz, len);
	if (vaddr > UINT64_MAX - PAGE_MASK || memsz > UINT64_MAX - PAGE_MASK - vaddr)
		return log_error_ret(KB_ERANGE,
				     "%s: program header %zu: vaddr 0x%llx + memsz 0x%llx wraps",
				     info->name, idx, va, (unsigned long long)memsz);
	if (!is_pow2(align) || align < KASLBOOT_PAGE_SIZE || align > KASLBOOT_MAX_SEGMENT_ALIGN)
		return log_error_ret(KB_EUNSUPP,
				     "%s: program header %zu: p_align 0x%llx is not a power of two "
				     "between 4 KiB and 2 MiB",
				     info->name, idx, (unsigned long long)align);
	if (align_offset(off, align) != align_offset(vaddr, align))
		return log_error_ret(KB_EINVAL,
				     "%s: program header %zu: p_offset 0x%llx and p_vaddr 0x%llx "
				     "differ modulo p_align 0x%llx",
				     info->name, idx, (unsigned long long)off, va,
				     (unsigned long long)align);
	if (info->nsegs) {
		const struct elf_payload_segment *prev = &info->segs[info->nsegs - 1];
		/* One page, one set of permissions: segments may not share a page. */
		uint64_t prev_end = (prev->vaddr + prev->memsz + PAGE_MASK) & ~PAGE_MASK;

		if ((vaddr & ~PAGE_MASK) < prev_end)
			return log_error_ret(
				KB_ERANGE,
				"%s: program header %zu (PT_LOAD at vaddr 0x%llx) overlaps "
				"or shares a page with the previous PT_LOAD (ends at 0x%llx), or "
				"is "
				"out of order",
				info->name, idx, va,
				(unsigned long long)(prev->vaddr + prev->memsz));
	}
	s = &info->segs[info->nsegs++];
	s->vaddr = vaddr;
	s->file_offset = off;
	s->filesz = filesz;
	s->memsz = memsz;
	s->perm = ((flags & PF_R) ? ELF_SEG_R : 0) | ((flags & PF_W) ? ELF_SEG_W : 0) |
		  ((flags & PF_X) ? ELF_SEG_X : 0);
	if (align > info->max_align)
		info->max_align = align;
	return 0;
}

/* File offset of a relocation table, which must lie in the file-backed part of a
 * PT_LOAD; one error line naming the table otherwise. */
static int table_in_file(const struct elf_payload_info *info, const char *tag, uint64_t vaddr,
			 uint64_t size, size_t len, uint64_t *off)
{
	if (vaddr_to_file(info, vaddr, size, off) || !in_file(*off, size, len))
		return log_error_ret(
			KB_ERANGE,
			"%s: %s table 0x%llx+0x%llx is not inside the file-backed part of a "
			"PT_LOAD segment",
			info->name, tag, (unsigned long long)vaddr, (unsigned long long)size);
	return 0;
}

/* Applies (dest != NULL) or only validates (dest == NULL) the RELA table. */
static int do_rela(const uint8_t *f, size_t len, const struct elf_payload_info *info,
		   uint8_t *dest, uint64_t slide, uint64_t *count)
{
	uint64_t off, n = 0;

	if (!info->rela_size)
		return 0;
	if (table_in_file(info, "DT_RELA", info->rela_vaddr, info->rela_size, len, &off))
		return KB_ERANGE;
	for (uint64_t i = 0; i < info->rela_size / RELA_SIZE; i++) {
		const uint8_t *r = f + off + i * RELA_SIZE;
		uint64_t where = get_le64(r), rinfo = get_le64(r + 8), addend = get_le64(r + 16), img_off;
		uint32_t type = (uint32_t)rinfo; /* ELF64_R_TYPE: low 32 bits */

		if (type == R_AARCH64_NONE)
			continue;
		if (type != R_AARCH64_RELATIVE) {
			return log_error_ret(
				KB_EUNSUPP,
				"%s: RELA entry %llu at 0x%llx has relocation type %u; only "
				"R_AARCH64_RELATIVE (1027) is supported",
				info->name, (unsigned long long)i, (unsigned long long)where, type);
		}
		if (reloc_target(info, where, &img_off))
			return log_error_ret(
				KB_ERANGE,
				"%s: RELA entry %llu targets 0x%llx, outside every PT_LOAD "
				"segment",
				info->name, (unsigned long long)i, (unsigned long long)where);
		if (dest)
			put_le64(dest + img_off, slide + addend);
		n++;
	}
	*count = n;
	return 0;
}

/* Applies or validates the RELR table: an even word is the address of the next word to
 * relocate; an odd word is a bitmap whose bit k (k = 1..63) relocates the word k-1 places
 * after the current position, which then advances by 63 words. */
static int do_relr(const uint8_t *f, size_t len, const struct elf_payload_info *info,
		   uint8_t *dest, uint64_t slide, uint64_t *count)
{
	uint64_t off, where = 0, n = 0;
	bool have_base = false;

	if (!info->relr_size)
		return 0;
	if (table_in_file(info, "DT_RELR", info->relr_vaddr, info->relr_size, len, &off))
		return KB_ERANGE;
	for (uint64_t i = 0; i < info->relr_size / RELR_SIZE; i++) {
		uint64_t e = get_le64(f + off + i * RELR_SIZE);
		uint64_t bits = (e & 1) ? e >> 1 : 1, base;

		if (!(e & 1)) {
			where = e;
			have_base = true;
		} else if (!have_base) {
			return log_error_ret(KB_EINVAL,
					     "%s: RELR entry %llu is a bitmap before any address",
					     info->name, (unsigned long long)i);
		}
		base = where;
		for (unsigned k = 0; bits; k++, bits >>= 1) {
			uint64_t img_off, at = base + (uint64_t)k * RELOC_WORD;

			if (!(bits & 1))
				continue;
			if (at < base || reloc_target(info, at, &img_off))
				return log_error_ret(
					KB_ERANGE,
					"%s: RELR entry %llu relocates 0x%llx, outside every "
					"PT_LOAD segment",
					info->name, (unsigned long long)i, (unsigned long long)at);
			if (dest)
				put_le64(dest + img_off, get_le64(dest + img_off) + slide);
			n++;
		}
		/* Next position: one word past an address entry, 63 words past a bitmap. */
		uint64_t step = (e & 1) ? RELR_BITMAP_WORDS * RELOC_WORD : RELOC_WORD;
		if (where > UINT64_MAX - step)
			return log_error_ret(KB_ERANGE, "%s: RELR entry %llu: address wraps",
					     info->name, (unsigned long long)i);
		where += step;
	}
	*count = n;
	return 0;
}

static int parse_dynamic(const uint8_t *f, size_t len, struct elf_payload_info *info,
			 uint64_t off, uint64_t filesz)
{
	uint64_t relaent = RELA_SIZE, relrent = RELR_SIZE;
	bool have_rela = false, have_relr = false;

	if (!in_file(off, filesz, len))
		return log_error_ret(
			KB_ECORRUPT, "%s: PT_DYNAMIC 0x%llx+0x%llx runs past the end of the file",
			info->name, (unsigned long long)off, (unsigned long long)filesz);
	for (uint64_t i = 0; i < filesz / DYN_SIZE; i++) {
		uint64_t tag = get_le64(f + off + i * DYN_SIZE), val = get_le64(f + off + i * DYN_SIZE + 8);

		switch (tag) {
		case DT_NULL:
			i = filesz; /* end of the array */
			break;
		case DT_NEEDED:
			return log_error_ret(KB_EUNSUPP,
					     "%s: DT_NEEDED present: the payload must be static",
					     info->name);
		case DT_REL: case DT_RELSZ:
			return log_error_ret(
				KB_EUNSUPP,
				"%s: DT_REL relocations are not used on AArch64; need RELA",
				info->name);
		case DT_JMPREL: case DT_PLTRELSZ:
			if (val)
				return log_error_ret(
					KB_EUNSUPP,
					"%s: PLT relocations (DT_JMPREL) present: the payload "
					"must be a static-pie without PLT or IFUNC",
					info->name);
			break;
		case DT_RELA: info->rela_vaddr = val; have_rela = true; break;
		case DT_RELASZ: info->rela_size = val; break;
		case DT_RELAENT: relaent = val; break;
		case DT_RELR: info->relr_vaddr = val; have_relr = true; break;
		case DT_RELRSZ: info->relr_size = val; break;
		case DT_RELRENT: relrent = val; break;
		default: break; /* symbol tables, flags, hashes: irrelevant to a static image */
		}
	}
	if (relaent != RELA_SIZE || relrent != RELR_SIZE)
		return log_error_ret(
			KB_EINVAL, "%s: DT_RELAENT %llu / DT_RELRENT %llu are not 24 / 8",
			info->name, (unsigned long long)relaent, (unsigned long long)relrent);
	if (info->rela_size % RELA_SIZE || info->relr_size % RELR_SIZE ||
	    (info->rela_size && !have_rela) || (info->relr_size && !have_relr)) {
		return log_error_ret(
			KB_EINVAL,
			"%s: DT_RELASZ 0x%llx / DT_RELRSZ 0x%llx do not match their tables",
			info->name, (unsigned long long)info->rela_size,
			(unsigned long long)info->relr_size);
	}
	return 0;
}

int elf_payload_inspect(const void *file, size_t len, const char *name,
			struct elf_payload_info *out)
{
	const uint8_t *f = file;
	uint64_t phoff, entry, dyn_off = 0, dyn_filesz = 0, end;
	uint16_t phnum;
	struct elf_payload_info info;
	const struct elf_payload_segment *last;
	bool entry_ok = false;
	int ret;

	memset(&info, 0, sizeof(info));
	info.name = name ? name : "payload";
	ret = check_ehdr(info.name, f, len, &phoff, &phnum, &entry);
	if (ret)
		return ret;

	for (size_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * PHDR_SIZE;
		uint32_t type = get_le32(ph + PHDR_TYPE);

		if (type == PT_LOAD) {
			ret = add_load(&info, ph, i, len);
			if (ret)
				return ret;
		} else if (type == PT_INTERP) {
			return log_error_ret(KB_EUNSUPP,
					     "%s: PT_INTERP present: the payload must be static "
					     "(link with -static-pie --no-dynamic-linker)",
					     info.name);
		} else if (type == PT_DYNAMIC) {
			if (info.has_dynamic)
				return log_error_ret(KB_EINVAL, "%s: more than one PT_DYNAMIC",
						     info.name);
			info.has_dynamic = 1;
			dyn_off = get_le64(ph + PHDR_OFFSET);
			dyn_filesz = get_le64(ph + PHDR_FILESZ);
			info.dynamic_vaddr = get_le64(ph + PHDR_VADDR);
			info.dynamic_size = get_le64(ph + PHDR_MEMSZ);
		}
	}
	if (!info.nsegs)
		return log_error_ret(KB_EINVAL, "%s: no PT_LOAD segment", info.name);

	info.link_base = info.segs[0].vaddr & ~PAGE_MASK;
	last = &info.segs[info.nsegs - 1];
	end = (last->vaddr + last->memsz + PAGE_MASK) & ~PAGE_MASK; /* no wrap: add_load */
	info.span = end - info.link_base;
	if (info.span > KASLBOOT_MAX_IMAGE_SPAN)
		return log_error_ret(KB_ERANGE,
				     "%s: image spans 0x%llx bytes, more than the 0x%llx allowed",
				     info.name, (unsigned long long)info.span,
				     (unsigned long long)KASLBOOT_MAX_IMAGE_SPAN);
	for (size_t i = 0; i < info.nsegs; i++) {
		struct elf_payload_segment *s = &info.segs[i];
		uint64_t start = s->vaddr & ~PAGE_MASK;

		s->map_offset = start - info.link_base;
		s->map_size = ((s->vaddr + s->memsz + PAGE_MASK) & ~PAGE_MASK) - start;
		if ((s->perm & ELF_SEG_X) && entry >= s->vaddr && entry - s->vaddr < s->filesz)
			entry_ok = true;
	}
	if (!entry_ok || entry % INSN_ALIGN)
		return log_error_ret(KB_EINVAL,
				     "%s: entry point 0x%llx is not an aligned address inside the "
				     "file-backed part of an executable PT_LOAD segment",
				     info.name, (unsigned long long)entry);
	info.entry_offset = entry - info.link_base;

	if (info.has_dynamic) {
		ret = parse_dynamic(f, len, &info, dyn_off, dyn_filesz);
		if (!ret)
			ret = do_rela(f, len, &info, NULL, 0, &info.rela_count);
		if (!ret)
			ret = do_relr(f, len, &info, NULL, 0, &info.relr_count);
		if (ret)
			return ret;
	}
	*out = info;
	return 0;
}

int elf_payload_load(const void *file, size_t len, const struct elf_payload_info *info,
		     void *dest, uint64_t virt_base)
{
	const uint8_t *f = file;
	uint8_t *d = dest;
	uint64_t slide = virt_base - info->link_base, count;
	int ret;

	if (virt_base & PAGE_MASK)
		return log_error_ret(KB_EINVAL, "%s: virtual base 0x%llx is not 4 KiB aligned",
				     info->name, (unsigned long long)virt_base);
	if (info->nsegs == 0 || info->nsegs > KASLBOOT_MAX_LOAD_SEGMENTS ||
	    info->span > KASLBOOT_MAX_IMAGE_SPAN) {
		return log_error_ret(KB_EINVAL,
				     "%s: segment description was not made by elf_payload_inspect",
				     info->name);
	}
	/* Gaps between segments and every bss get zeroes: no stale firmware data in the image. */
	memset(d, 0, info->span);
	for (size_t i = 0; i < info->nsegs; i++) {
		const struct elf_payload_segment *s = &info->segs[i];
		uint64_t at = s->vaddr - info->link_base;

		if (!in_file(s->file_offset, s->filesz, len) || at > info->span ||
		    s->memsz > info->span - at || s->filesz > s->memsz) {
			return log_error_ret(KB_EINVAL,
					     "%s: segment %zu description does not match the file",
					     info->name, i);
		}
		memcpy(d + at, f + s->file_offset, s->filesz);
	}
	if (!info->has_dynamic)
		return 0;
	ret = do_rela(f, len, info, d, slide, &count);
	if (!ret)
		ret = do_relr(f, len, info, d, slide, &count);
	return ret;
}
